//! IPTC Media Topics on wire copy in German, French, Spanish, Italian, Portuguese, Dutch and
//! Arabic: each language's items get their top-level topic from that language's terms, and
//! English tagging stays as it is with every language's terms in the same automaton.

mod common;

use common::{config_dir, tagger};
use wire_tagging::{MEDIA_TOPIC_CREATOR, MediaTopics, TagInput, TaggingError};

const POLITICS: &str = "11000000";
const ECONOMY: &str = "04000000";
const SPORT: &str = "15000000";
const CONFLICT: &str = "16000000";
const DISASTER: &str = "03000000";
const HEALTH: &str = "07000000";

/// One wire item: its language, headline and body (dateline first, as agencies file it), the
/// top-level topic an editor files it under and one it is not about.
struct Item {
    language: &'static str,
    headline: &'static str,
    body: &'static str,
    expected: &'static str,
    not: &'static str,
}

/// The Media Topic codes tagged from the text (no provider codes).
fn codes(
    vocabulary: &MediaTopics,
    language: Option<&str>,
    headline: &str,
    body: &str,
) -> Vec<String> {
    let input = TagInput {
        headline,
        body,
        language,
        ..TagInput::default()
    };
    let (subjects, _) = vocabulary.tag(&input);
    subjects
        .into_iter()
        .filter(|s| s.creator.as_deref() == Some(MEDIA_TOPIC_CREATOR))
        .filter_map(|s| s.uri)
        .filter_map(|uri| uri.rsplit('/').next().map(str::to_owned))
        .collect()
}

fn check(items: &[Item]) {
    let mut failures = Vec::new();
    for item in items {
        let found = codes(
            tagger().media_topics(),
            Some(item.language),
            item.headline,
            item.body,
        );
        if !found.iter().any(|c| c == item.expected) || found.iter().any(|c| c == item.not) {
            failures.push(format!(
                "[{}] {}: expected {} and not {}, got {found:?}",
                item.language, item.headline, item.expected, item.not
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn german_dpa_items_get_their_topics_from_german_words_and_compounds() {
    check(&[
        Item {
            language: "de",
            headline: "Sachsen: CDU sucht nach Landtagswahl Koalitionspartner",
            body: "DRESDEN (dpa) - Nach der Landtagswahl in Sachsen hat die CDU Gespräche über eine Koalition mit der SPD begonnen. Ministerpräsident Michael Kretschmer sagte, die Regierungsbildung solle bis Weihnachten abgeschlossen sein. Die Opposition kritisierte die Pläne. Der Bundeskanzler gratulierte zum Wahlsieg.",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "de",
            headline: "Deutsche Bank steigert Gewinn dank hoher Zinsen",
            body: "FRANKFURT (dpa) - Die Deutsche Bank hat im dritten Quartal deutlich mehr verdient. Der Nettogewinn stieg auf 1,5 Milliarden Euro, der Umsatz legte um acht Prozent zu. An der Börse gewann die Aktie am Vormittag drei Prozent. Konzernchef Christian Sewing verwies auf die hohen Zinsen.",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "de",
            headline: "Fußball-Bundesliga: Bayern gewinnt Spitzenspiel gegen Dortmund",
            body: "MÜNCHEN (dpa) - Der FC Bayern hat in der Fußball-Bundesliga das Spitzenspiel gegen Borussia Dortmund mit 3:1 gewonnen. Harry Kane erzielte zwei Tore, im Angriff überzeugte auch Michael Olise. Trainer Vincent Kompany lobte die Mannschaft. Mit dem Sieg baut der Rekordmeister seinen Vorsprung in dieser Saison auf sechs Punkte aus.",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "de",
            headline: "Russische Luftangriffe auf Charkiw - drei Tote",
            body: "KIEW (dpa) - Russland hat die Ukraine in der Nacht erneut mit Raketen und Drohnen angegriffen. Die ukrainische Luftabwehr habe 40 Drohnen abgeschossen, teilte das Militär mit. Bei den Luftangriffen auf Charkiw wurden nach Behördenangaben drei Menschen getötet. Russische Truppen rücken seit Beginn des Krieges im Osten vor. Gespräche über eine Waffenruhe sind nicht in Sicht.",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "de",
            headline: "Erdbeben in Italien: mindestens zwölf Tote",
            body: "ROM (dpa) - Bei einem schweren Erdbeben in Mittelitalien sind mindestens zwölf Menschen ums Leben gekommen. Dutzende wurden verletzt, als Häuser einstürzten. Rettungskräfte und Feuerwehr suchen in den Trümmern nach Überlebenden. Der Katastrophenschutz richtete Notunterkünfte ein.",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "de",
            headline: "Grippewelle: Kliniken am Limit - Lauterbach wirbt fürs Impfen",
            body: "BERLIN (dpa) - Die Zahl der Grippe-Fälle in Deutschland steigt deutlich. Krankenhäuser und Arztpraxen melden volle Wartezimmer, wie das Robert Koch-Institut mitteilte. Gesundheitsminister Karl Lauterbach rief ältere Menschen dazu auf, sich impfen zu lassen. Die Impfung schütze vor schweren Verläufen, sagten Ärzte.",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn french_afp_items_get_their_topics_from_french_words() {
    check(&[
        Item {
            language: "fr",
            headline: "Le gouvernement survit à une motion de censure",
            body: "PARIS, 5 déc 2026 (AFP) - Le Premier ministre a survécu jeudi à une motion de censure à l'Assemblée nationale, au terme d'un débat tendu. Les députés de l'opposition n'ont pas réuni la majorité nécessaire. Le président de la République a appelé le gouvernement à poursuivre les réformes avant les élections municipales.",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "fr",
            headline: "L'inflation ralentit en France, la croissance reste faible",
            body: "PARIS, 5 déc 2026 (AFP) - L'inflation a ralenti en novembre en France, à 1,8% sur un an, selon l'Insee. La baisse des prix de l'énergie explique ce recul, tandis que la croissance de l'économie reste faible. La Banque de France prévoit une hausse de 0,2% du PIB au quatrième trimestre. À la Bourse de Paris, le CAC 40 a gagné 0,5%.",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "fr",
            headline: "Ligue 1: Marseille bat Lyon et remonte au classement",
            body: "MARSEILLE, 5 déc 2026 (AFP) - L'Olympique de Marseille s'est imposé 2-0 face à Lyon dimanche soir au Vélodrome, lors de la 15e journée de Ligue 1. Après le match, l'entraîneur marseillais a salué la performance de ses joueurs, auteurs de deux buts en seconde période. Au classement du championnat, l'OM remonte à la deuxième place.",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "fr",
            headline: "RDC: reprise des combats malgré le cessez-le-feu",
            body: "GOMA, 5 déc 2026 (AFP) - Les combats ont repris jeudi dans l'est de la République démocratique du Congo entre l'armée congolaise et les rebelles du M23, malgré le cessez-le-feu conclu la semaine dernière. Des frappes ont visé plusieurs positions militaires près de Goma, selon des sources sécuritaires. L'ONU a appelé à la reprise des pourparlers de paix.",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "fr",
            headline: "Philippines: un typhon fait au moins 23 morts",
            body: "MANILLE, 5 déc 2026 (AFP) - Au moins 23 personnes sont mortes et des milliers ont été évacuées après le passage d'un puissant typhon sur le centre des Philippines, ont annoncé vendredi les secours. Les inondations ont détruit des centaines de maisons. Les pompiers recherchent des disparus et plusieurs blessés ont été évacués. Le bilan pourrait s'alourdir, craignent les secours, qui redoutent d'autres morts.",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "fr",
            headline: "Rougeole: l'OMS appelle à renforcer la vaccination",
            body: "GENÈVE, 5 déc 2026 (AFP) - L'Organisation mondiale de la santé (OMS) a appelé jeudi à renforcer la vaccination contre la rougeole, dont les cas ont triplé en Europe cette année. La maladie, très contagieuse, touche surtout les enfants non vaccinés, a indiqué l'agence, qui s'inquiète d'une épidémie et de la pression sur les hôpitaux.",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn spanish_efe_items_get_their_topics_from_spanish_words() {
    check(&[
        Item {
            language: "es",
            headline: "Sánchez convoca elecciones anticipadas tras el rechazo a los presupuestos",
            body: "MADRID, 5 dic (EFE).- El presidente del Gobierno, Pedro Sánchez, anunció este jueves que convocará elecciones generales anticipadas para marzo, tras el rechazo del Congreso a los presupuestos. La oposición celebró la decisión y pidió un cambio de gobierno. Varios ministros defendieron la gestión del Ejecutivo.",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "es",
            headline: "La economía española crece un 0,6 % en el tercer trimestre",
            body: "MADRID, 5 dic (EFE).- La economía española creció un 0,6 % en el tercer trimestre, impulsada por el consumo y las exportaciones, según el Instituto Nacional de Estadística. El Banco de España prevé que el PIB cierre el año con un crecimiento del 2,9 %, mientras la inflación se modera. La bolsa de Madrid subió un 1 %.",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "es",
            headline: "El Barcelona vence al Sevilla y sigue líder de la Liga",
            body: "BARCELONA, 5 dic (EFE).- El FC Barcelona venció 3-1 al Sevilla en el estadio Olímpico de Montjuïc y se mantiene líder de la Liga de fútbol. Robert Lewandowski marcó dos goles y el entrenador Hansi Flick elogió a sus jugadores. El equipo azulgrana suma 40 puntos en el campeonato.",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "es",
            headline: "Israel bombardea el sur del Líbano pese al alto el fuego",
            body: "JERUSALÉN, 5 dic (EFE).- El Ejército israelí lanzó este jueves nuevos bombardeos sobre el sur del Líbano, un día después de que Hizbulá disparara varios misiles contra el norte de Israel, pese al alto el fuego vigente desde noviembre. Los combates dejaron al menos cuatro muertos, según fuentes militares. La ONU pidió retomar el proceso de paz.",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "es",
            headline: "Inundaciones en Valencia: un muerto y tres heridos",
            body: "VALENCIA, 5 dic (EFE).- Las intensas lluvias provocaron inundaciones en varios municipios de la provincia de Valencia, donde los bomberos rescataron a decenas de personas atrapadas en sus coches. Un hombre murió arrastrado por la corriente y otros tres resultaron heridos. Los equipos de rescate trabajan en la zona.",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "es",
            headline: "Sanidad alerta del aumento de casos de gripe y pide vacunarse",
            body: "MADRID, 5 dic (EFE).- El Ministerio de Sanidad confirmó este jueves un aumento de los casos de gripe en toda España, con una incidencia que ya supera los niveles de epidemia en seis comunidades. Los hospitales registran más ingresos de pacientes y los médicos recomiendan la vacuna a los mayores de 60 años para proteger la salud de los más vulnerables.",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn italian_ansa_items_get_their_topics_from_italian_words() {
    check(&[
        Item {
            language: "it",
            headline: "Manovra, via libera della Camera: il governo incassa la fiducia",
            body: "ROMA, 5 DIC - Il governo ha ottenuto la fiducia alla Camera sulla legge di bilancio con 210 voti favorevoli. La premier Giorgia Meloni ha ringraziato la maggioranza, mentre l'opposizione ha annunciato battaglia al Senato. Il presidente della Repubblica dovrà firmare il testo entro fine mese. (ANSA).",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "it",
            headline: "Borsa: Milano chiude in rialzo con le banche, inflazione in calo",
            body: "MILANO, 5 DIC - La Borsa di Milano chiude in rialzo dell'1,2%, trainata dalle banche. Bene Unicredit e Intesa Sanpaolo, mentre lo spread tra Btp e Bund scende a 110 punti. Secondo l'Istat l'inflazione a novembre è rallentata all'1,4% e il Pil crescerà dello 0,5% quest'anno. (ANSA).",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "it",
            headline: "Calcio: la Juventus batte il Napoli e sale al secondo posto",
            body: "TORINO, 5 DIC - La Juventus ha battuto 2-0 il Napoli nella quindicesima giornata di Serie A. Decisivi i gol di Vlahovic e Yildiz nel secondo tempo. Dopo la partita l'allenatore bianconero ha elogiato la squadra, che sale al secondo posto in campionato. (ANSA).",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "it",
            headline: "Libano: raid aerei su Beirut nonostante la tregua",
            body: "BEIRUT, 5 DIC - Raid aerei israeliani hanno colpito nella notte la periferia sud di Beirut, roccaforte di Hezbollah, nonostante la tregua in vigore. Secondo fonti militari libanesi i bombardamenti hanno causato almeno tre morti. L'esercito israeliano ha dichiarato di aver colpito depositi di missili, mentre l'Onu chiede il rispetto del cessate il fuoco. (ANSA).",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "it",
            headline: "Alluvione in Toscana, quattro morti",
            body: "FIRENZE, 5 DIC - Sale a quattro il bilancio delle vittime dell'alluvione che ha colpito la Toscana. I vigili del fuoco hanno soccorso centinaia di persone rimaste isolate, mentre la Protezione civile ha diramato l'allerta rossa per le prossime ore. Decine i feriti e gli sfollati. (ANSA).",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "it",
            headline: "Influenza, ospedali sotto pressione: appello a vaccinarsi",
            body: "ROMA, 5 DIC - Cresce il numero dei casi di influenza in Italia e gli ospedali sono sotto pressione. Secondo l'Istituto superiore di sanità la malattia colpisce soprattutto i bambini. Il ministro della Salute ha invitato gli anziani a vaccinarsi e i medici di famiglia segnalano un aumento delle visite. (ANSA).",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn portuguese_lusa_items_in_pt_pt_and_pt_br_get_their_topics_from_portuguese_words() {
    check(&[
        Item {
            language: "pt-PT",
            headline: "Primeiro-ministro remodela Governo após aprovação do Orçamento",
            body: "LISBOA, 5 dez (Lusa) - O primeiro-ministro anunciou hoje a remodelação do Governo, depois de o parlamento ter aprovado o Orçamento do Estado para 2027 com os votos da maioria. Os partidos da oposição criticaram a decisão e pediram eleições antecipadas. O Presidente da República recebe o novo ministro das Finanças na sexta-feira.",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "pt-BR",
            headline: "Banco Central mantém juros e inflação preocupa mercado",
            body: "SÃO PAULO, 5 dez (Lusa) - O Banco Central do Brasil manteve a taxa básica de juros em 10,5% ao ano, em meio à alta da inflação. A Bolsa de São Paulo fechou em queda de 1,2%, enquanto o dólar subiu frente ao real. Economistas preveem crescimento de 2% do PIB em 2027.",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "pt",
            headline: "Benfica vence FC Porto e isola-se na liderança da I Liga",
            body: "LISBOA, 5 dez (Lusa) - O Benfica venceu hoje o FC Porto por 2-1, no Estádio da Luz, em jogo da 13.ª jornada da I Liga de futebol. Os golos foram marcados na segunda parte e o treinador encarnado elogiou a atitude dos jogadores. Com esta vitória, o Benfica isola-se na liderança do campeonato.",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "pt-PT",
            headline: "Rússia lança ataque com mísseis contra Kiev",
            body: "KIEV, 5 dez (Lusa) - As forças russas lançaram durante a noite um ataque com mísseis e drones contra a capital ucraniana, anunciou o exército ucraniano. A guerra, que dura há quase quatro anos, continua sem perspetivas de cessar-fogo, apesar das negociações promovidas por Washington. Os combates intensificaram-se na região de Donetsk, onde os militares russos avançam.",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "pt-BR",
            headline: "Chuvas provocam pelo menos 15 mortos em Petrópolis",
            body: "RIO DE JANEIRO, 5 dez (Lusa) - Pelo menos 15 pessoas morreram em deslizamentos de terra e inundações provocados pelas chuvas fortes em Petrópolis. As equipes de resgate e os bombeiros procuram vítimas sob os escombros e há dezenas de feridos. A Defesa Civil decretou estado de calamidade pública após o desastre.",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "pt-PT",
            headline: "DGS recomenda vacinação contra a gripe perante aumento de casos",
            body: "LISBOA, 5 dez (Lusa) - A Direção-Geral da Saúde recomendou hoje a vacinação contra a gripe a todas as pessoas com mais de 60 anos, perante o aumento de casos nas últimas semanas. As urgências dos hospitais registam tempos de espera de várias horas e os médicos alertam para a falta de camas. A doença afeta sobretudo idosos e doentes crónicos.",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn dutch_anp_items_get_their_topics_from_dutch_words() {
    check(&[
        Item {
            language: "nl",
            headline: "Kabinet overleeft motie van wantrouwen in Tweede Kamer",
            body: "DEN HAAG (ANP) - Het kabinet heeft dinsdag een motie van wantrouwen overleefd in de Tweede Kamer. De oppositiepartijen kregen niet genoeg steun van de coalitiepartijen. Premier Schoof zei na afloop dat de regering doorgaat met haar plannen.",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "nl",
            headline: "Economie groeit in derde kwartaal, inflatie daalt",
            body: "AMSTERDAM (ANP) - De Nederlandse economie is in het derde kwartaal met 0,4 procent gegroeid, meldt het Centraal Bureau voor de Statistiek. De inflatie daalde in november naar 3,1 procent. Op de beurs in Amsterdam stegen de aandelen van banken als ING en ABN AMRO. Bedrijven investeerden meer dan een jaar eerder.",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "nl",
            headline: "PSV verslaat Ajax in topper van de eredivisie",
            body: "EINDHOVEN (ANP) - PSV heeft in de eredivisie met 3-0 gewonnen van Ajax. De voetbalclub uit Eindhoven was in de wedstrijd veel sterker en scoorde twee doelpunten voor rust. Trainer Peter Bosz prees zijn spelers na afloop. PSV gaat met zes punten voorsprong aan kop van de competitie.",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "nl",
            headline: "Israëlische luchtaanvallen in Gaza, zeker twintig doden",
            body: "GAZA (ANP) - Bij Israëlische luchtaanvallen op het zuiden van de Gazastrook zijn dinsdag zeker twintig doden gevallen, melden Palestijnse hulpverleners. Het Israëlische leger zegt militaire doelen van Hamas te hebben aangevallen. De gevechten gaan door ondanks internationale oproepen tot een staakt-het-vuren. Onderhandelingen over een wapenstilstand liggen stil.",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "nl",
            headline: "Drie doden bij explosie in Rotterdamse woonwijk",
            body: "ROTTERDAM (ANP) - Bij een explosie in een woonwijk in Rotterdam zijn in de nacht van vrijdag op zaterdag drie doden gevallen. Zeker vijf mensen raakten gewond. De brandweer had het vuur na enkele uren onder controle. Meerdere woningen zijn ingestort.",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "nl",
            headline: "Griepgolf houdt aan, ziekenhuizen vol",
            body: "UTRECHT (ANP) - Het aantal mensen met griep neemt snel toe, meldt het RIVM. Huisartsen en ziekenhuizen zien meer patiënten met ernstige klachten. Het ministerie roept ouderen op zich te laten vaccineren. De ziekte verspreidt zich vooral onder kinderen en artsen maken zich zorgen over de gezondheid van ouderen.",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn arabic_afp_items_get_their_topics_in_every_form_of_the_words() {
    check(&[
        Item {
            language: "ar",
            headline: "البرلمان اللبناني ينتخب رئيسا جديدا للجمهورية",
            body: "بيروت (أ ف ب) - انتخب البرلمان اللبناني الخميس رئيسا جديدا للجمهورية بعد فراغ استمر أكثر من عامين، في جلسة حضرها نواب من مختلف الأحزاب. وقال رئيس الحكومة إن الانتخابات تفتح الباب أمام تشكيل حكومة جديدة، فيما رحبت المعارضة بالنتيجة. وأكد وزير الخارجية أن الرئيس الجديد سيبدأ مشاورات مع الكتل النيابية.",
            expected: POLITICS,
            not: SPORT,
        },
        Item {
            language: "ar",
            headline: "البنك المركزي المصري يرفع أسعار الفائدة لمواجهة التضخم",
            body: "القاهرة (أ ف ب) - قرر البنك المركزي المصري الخميس رفع أسعار الفائدة بمقدار 200 نقطة أساس لكبح التضخم الذي بلغ مستوى قياسيا. وتراجعت البورصة المصرية بنسبة 2 في المئة، فيما ارتفعت أسعار السلع الأساسية في الأسواق. ويتوقع صندوق النقد الدولي أن يتباطأ نمو الاقتصاد المصري هذا العام.",
            expected: ECONOMY,
            not: CONFLICT,
        },
        Item {
            language: "ar",
            headline: "المغرب يتوج بلقب كأس العرب لكرة القدم",
            body: "الدوحة (أ ف ب) - فاز منتخب المغرب على نظيره المصري 2-1 في المباراة النهائية لبطولة كأس العرب لكرة القدم التي أقيمت في الدوحة. وسجل اللاعب يوسف النصيري هدف الفوز في الدقيقة الأخيرة، فيما أشاد المدرب وليد الركراكي بأداء اللاعبين.",
            expected: SPORT,
            not: CONFLICT,
        },
        Item {
            language: "ar",
            headline: "غارات إسرائيلية على جنوب لبنان رغم وقف إطلاق النار",
            body: "بيروت (أ ف ب) - شن الجيش الإسرائيلي الخميس غارات جوية على جنوب لبنان، رغم وقف إطلاق النار الساري منذ نوفمبر، وفق ما أفادت الوكالة الوطنية للإعلام. وأعلن حزب الله أنه أطلق صواريخ على مواقع عسكرية في شمال إسرائيل. وأسفر القصف عن مقتل ثلاثة أشخاص، فيما دعت الأمم المتحدة إلى العودة إلى المفاوضات.",
            expected: CONFLICT,
            not: SPORT,
        },
        Item {
            language: "ar",
            headline: "زلزال يضرب جنوب المغرب ويوقع 12 قتيلا على الأقل",
            body: "الرباط (أ ف ب) - قتل 12 شخصا على الأقل وأصيب العشرات بجروح في زلزال بقوة 6,2 درجات ضرب منطقة الحوز جنوب المغرب ليل الخميس، بحسب ما أعلنت السلطات. وتواصل فرق الإنقاذ والدفاع المدني البحث عن ناجين تحت الأنقاض، فيما نقل الجرحى إلى المستشفيات. وارتفعت حصيلة الضحايا في ثاني كارثة من نوعها في المنطقة خلال عامين.",
            expected: DISASTER,
            not: CONFLICT,
        },
        Item {
            language: "ar",
            headline: "الصحة العالمية تحذر من تفشي وباء الكوليرا في أفريقيا",
            body: "جنيف (أ ف ب) - حذرت منظمة الصحة العالمية الخميس من تفشي وباء الكوليرا في عدة دول أفريقية، داعية إلى تسريع حملات التلقيح. وقالت المنظمة إن المستشفيات في المناطق المتضررة تعاني من نقص في الأدوية والأطباء، وإن المرض ينتشر بسرعة بين الأطفال. وأرسلت المنظمة ملايين الجرعات من اللقاحات.",
            expected: HEALTH,
            not: SPORT,
        },
    ]);
}

#[test]
fn german_politics_written_only_in_compounds_and_inflections_is_politics() {
    let found = codes(
        tagger().media_topics(),
        Some("de-AT"),
        "Wahlkampf: Koalitionsverhandlungen vor der Nationalratswahl",
        "WIEN (APA) - Wenige Wochen vor der Bundestagswahl in Deutschland und der Landtagswahlen in Österreich \
         streiten die Parteien über Koalitionsoptionen. Die Regierungsparteien verteidigten ihre Bilanz, \
         die Oppositionsparteien forderten Neuwahlen.",
    );
    assert!(found.iter().any(|c| c == POLITICS), "{found:?}");
}

#[test]
fn arabic_words_count_with_the_article_and_the_attached_conjunction_and_prepositions() {
    // انتخابات (elections), حكومة (government), برلمان (parliament) as copy writes them: with
    // the article (الانتخابات), after و, ل and ب (والانتخابات, للانتخابات, بالانتخابات, بحكومة).
    let body = "عمان (أ ف ب) - دعت المعارضة إلى مقاطعة الانتخابات، فيما تستعد الحكومة للانتخابات \
                المقبلة. وقال نائب في البرلمان إن الحكومة والانتخابات المحلية تأجلت، مطالبا \
                بالانتخابات النزيهة وبحكومة جديدة.";
    let found = codes(tagger().media_topics(), Some("ar"), "", body);
    assert!(found.iter().any(|c| c == POLITICS), "{found:?}");
    // With the vowel marks and hamza forms copy sometimes carries, the same words still count.
    let voweled = body.replace("الانتخابات", "الاِنْتِخابات");
    let found = codes(tagger().media_topics(), Some("ar"), "", &voweled);
    assert!(found.iter().any(|c| c == POLITICS), "{found:?}");
}

#[test]
fn terms_of_a_language_count_only_for_articles_in_that_language() {
    let headline = "Bundestagswahl: Regierung und Opposition streiten über Koalition";
    let body = "BERLIN (dpa) - Vor der Bundestagswahl streiten Regierung und Opposition. Der Kanzler \
                und mehrere Minister warben für die Koalition, die Parteien für ihre Programme.";
    let vocabulary = tagger().media_topics();
    assert!(
        codes(vocabulary, Some("de"), headline, body)
            .iter()
            .any(|c| c == POLITICS)
    );
    // Without a language, or as French, only English (or French) terms count: none of these.
    assert!(
        !codes(vocabulary, None, headline, body)
            .iter()
            .any(|c| c == POLITICS)
    );
    assert!(
        !codes(vocabulary, Some("fr"), headline, body)
            .iter()
            .any(|c| c == POLITICS)
    );
    // A language without terms of its own reads the English terms, as every article did before.
    let english = "Election: government and opposition argue over coalition";
    let english_body = "The government and the opposition argued before the election. The \
                        president and several ministers met parliament ahead of the vote.";
    assert_eq!(
        codes(vocabulary, Some("sv"), english, english_body),
        codes(vocabulary, None, english, english_body)
    );
    assert!(
        codes(vocabulary, Some("en-GB"), english, english_body)
            .iter()
            .any(|c| c == POLITICS)
    );
}

#[test]
fn a_french_sport_word_that_is_english_too_does_not_bring_english_topics_to_french_copy() {
    // "union" is an English term (labour) and "marketing" begins like "market": in a French
    // article, the rugby club's name and the club's marketing make it neither labour nor economy.
    let found = codes(
        tagger().media_topics(),
        Some("fr"),
        "Rugby: l'Union Bordeaux-Bègles s'impose à Toulon",
        "TOULON, 5 déc 2026 (AFP) - L'Union Bordeaux-Bègles s'est imposée 24-17 à Toulon en \
         championnat. Le club girondin, porté par son ouvreur, a inscrit deux essais et reste \
         leader. Le stade a accueilli 15.000 spectateurs; le marketing du club parle de record.",
    );
    assert!(
        !found.iter().any(|c| c == "09000000" || c == ECONOMY),
        "{found:?}"
    );
}

/// The shipped vocabulary without any other language's terms, as it was before they came.
fn english_only_vocabulary() -> Result<MediaTopics, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(config_dir().join("topics/iptc/mediatopics.json"))?;
    let mut json: serde_json::Value = serde_json::from_str(&text)?;
    let concepts = json["concepts"].as_array_mut().ok_or("no concepts")?;
    for concept in concepts.iter_mut() {
        if let Some(object) = concept.as_object_mut() {
            object.remove("terms_by_language");
        }
    }
    Ok(MediaTopics::from_json(&json.to_string())?)
}

#[test]
fn english_tagging_is_the_same_with_every_language_in_the_automaton()
-> Result<(), Box<dyn std::error::Error>> {
    let english_only = english_only_vocabulary()?;
    let shipped = tagger().media_topics();
    let mut stories: Vec<(String, String)> = vec![
        (
            "Fed holds rates steady as inflation cools".into(),
            "WASHINGTON, Dec 5 (Reuters) - The Federal Reserve held interest rates steady on \
             Wednesday. Shares rose and the bank said the economy and the labour market were strong."
                .into(),
        ),
        (
            "Film festival opens with sport documentary".into(),
            "CANNES (AFP) - The film festival opened with a documentary about the Tour de France; \
             the museum and the theatre showed an exhibition on the coup d'etat of 1958, and the \
             sport event drew crowds."
                .into(),
        ),
        (
            "Rebels and troops clash despite ceasefire".into(),
            "GOMA (Reuters) - Fighting between rebels and troops resumed despite the ceasefire; \
             the peace process and the peace talks stalled, and air strikes hit a hospital."
                .into(),
        ),
    ];
    let reuters = config_dir().join("../../shared/data/reuters21578");
    if let Ok(docs) = wire_datasets::reuters::load(&reuters) {
        stories.extend(
            docs.into_iter()
                .filter(|d| !d.body.is_empty())
                .take(1500)
                .map(|d| (d.title, d.body)),
        );
    }
    for (headline, body) in &stories {
        for language in [None, Some("en")] {
            let input = TagInput {
                headline,
                body,
                language,
                ..TagInput::default()
            };
            assert_eq!(shipped.tag(&input), english_only.tag(&input), "{headline}");
        }
    }
    Ok(())
}

#[test]
fn a_language_key_that_is_not_a_primary_subtag_is_refused_with_its_key() {
    let json = |language: &str| {
        format!(
            r#"{{"concepts":[{{"code":"11000000","label":"politics","level":1,
                "terms":{{"politics":1.0}},"terms_by_language":{{"{language}":{{"politik":1.0}}}}}}]}}"#
        )
    };
    let refused_key = |json: &str| match MediaTopics::from_json(json) {
        Err(TaggingError::Invalid { key, .. }) => Some(key),
        _ => None,
    };
    assert!(MediaTopics::from_json(&json("de")).is_ok());
    for bad in ["en", "DE", "de-AT", "deutsch"] {
        assert_eq!(
            refused_key(&json(bad)),
            Some(format!("concepts.terms_by_language.{bad}")),
            "{bad}"
        );
    }
    let bad_weight = json("de").replace("\"politik\":1.0", "\"politik\":-1.0");
    assert_eq!(
        refused_key(&bad_weight).as_deref(),
        Some("concepts.11000000.terms_by_language.de.politik")
    );
}
