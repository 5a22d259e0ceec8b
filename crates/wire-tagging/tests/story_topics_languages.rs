//! The shipped operator story topics on wire copy in German, French, Spanish, Italian,
//! Portuguese, Dutch and Arabic (issue 18), read the way the enricher reads it: the whole tagger
//! (places, then topics) on an article whose `language` is set. The Syria peace process is
//! checked per language on items about it and on the items a desk must not get on that route:
//! the Syrian war without diplomacy, other peace processes (Ukraine, Sudan, Colombia,
//! Mozambique, Israel-Gaza), other talks in Geneva. Every other topic gets items in a few
//! languages. All items are written for these tests, in each agency's style.

mod common;

use common::tagger;
use wire_model::Article;
use wire_tagging::Tags;

/// One wire item: its language, headline and plain-text body (dateline first).
struct Item {
    language: &'static str,
    headline: &'static str,
    body: &'static str,
}

const fn item(language: &'static str, headline: &'static str, body: &'static str) -> Item {
    Item {
        language,
        headline,
        body,
    }
}

/// An article as the normalizer hands it on.
#[allow(clippy::expect_used)] // a constant test article
fn article(item: &Item) -> Article {
    serde_json::from_value(serde_json::json!({
        "uri": "urn:test:story-topics",
        "language": item.language,
        "headlines": [{"role": "main", "value": item.headline}],
        "bodies": [{"contentType": "text/plain", "value": item.body}],
    }))
    .expect("a valid article")
}

fn tag(item: &Item) -> Tags {
    tagger().tag(&article(item), None)
}

/// The items whose tagging with `topic` is not `expected`, described for the failure message.
fn wrong(topic: &str, items: &[Item], expected: bool) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| {
            let tags = tag(item);
            let tagged = tags.story_topic_ids().contains(&topic);
            (tagged != expected).then(|| {
                let countries: Vec<String> = tags
                    .countries
                    .iter()
                    .map(|c| format!("{} {:?}", c.code, c.role))
                    .collect();
                format!(
                    "[{}] {:?}: topics {:?}, countries {:?}",
                    item.language,
                    item.headline,
                    tags.story_topic_ids(),
                    countries
                )
            })
        })
        .collect()
}

/// Every positive is tagged `topic`, no negative is.
fn assert_topic(topic: &str, positives: &[Item], negatives: &[Item]) {
    let missed = wrong(topic, positives, true);
    let false_positives = wrong(topic, negatives, false);
    assert!(
        missed.is_empty() && false_positives.is_empty(),
        "{topic}\nmissed:\n{}\nwrongly tagged:\n{}",
        missed.join("\n"),
        false_positives.join("\n")
    );
}

const SYRIA: &str = "syria-peace-process";

#[test]
fn syria_peace_process_in_german() {
    let positives = [
        item(
            "de",
            "Syrien-Friedensgespräche in Genf wieder aufgenommen",
            "GENF (dpa) - Unter Vermittlung der Vereinten Nationen haben Vertreter der syrischen \
             Regierung und der Opposition am Donnerstag in Genf ihre Friedensgespräche wieder \
             aufgenommen. Der UN-Sondergesandte für Syrien sprach von einer «schwierigen, aber \
             notwendigen» Verhandlungsrunde.",
        ),
        item(
            "de",
            "Russland und Türkei vereinbaren Waffenruhe für Idlib",
            "MOSKAU (dpa) - Russland und die Türkei haben sich auf eine Waffenruhe in der \
             umkämpften syrischen Provinz Idlib geeinigt. Die Feuerpause soll ab Mitternacht \
             gelten, teilte der Kreml nach Gesprächen zwischen Kremlchef Wladimir Putin und dem \
             türkischen Präsidenten Recep Tayyip Erdogan mit. Syrien war an den Verhandlungen \
             nicht beteiligt.",
        ),
        item(
            "de",
            "Syrisches Verfassungskomitee tagt wieder in Genf",
            "GENF (dpa) - Das Verfassungskomitee für Syrien ist in Genf zu einer neuen Runde \
             zusammengekommen. Die 150 Mitglieder aus Regierung, Opposition und \
             Zivilgesellschaft sollen unter Aufsicht der UN eine neue Verfassung für Syrien \
             ausarbeiten - ein Kernstück des Friedensprozesses, den der Sicherheitsrat 2015 \
             beschlossen hatte.",
        ),
        item(
            "de",
            "Neue Syrien-Gespräche in Astana",
            "ASTANA (dpa) - Russland, die Türkei und der Iran haben in Kasachstans Hauptstadt \
             Astana neue Gespräche über eine politische Lösung für Syrien begonnen. Vertreter \
             der syrischen Regierung und der bewaffneten Opposition sind ebenfalls angereist.",
        ),
        item(
            "de",
            "Außenministerin fordert politischen Übergang in Syrien",
            "BERLIN (dpa) - Die Bundesaußenministerin hat die Konfliktparteien in Syrien zu \
             einem politischen Übergang aufgerufen. Nur Verhandlungen unter dem Dach der \
             Vereinten Nationen könnten den Krieg in Syrien beenden, sagte sie am Mittwoch in \
             Berlin.",
        ),
        item(
            "de",
            "Syrische Opposition lehnt russischen Friedensplan ab",
            "ISTANBUL (dpa) - Die syrische Opposition hat den von Russland vorgelegten \
             Friedensplan für Syrien zurückgewiesen. Der Plan lasse Präsident Baschar al-Assad \
             im Amt und sehe keine freien Wahlen vor, erklärte ein Sprecher des \
             Oppositionsbündnisses in Istanbul.",
        ),
        item(
            "de",
            "UN-Gesandter wirbt in Damaskus für politische Lösung",
            "DAMASKUS (dpa) - Der UN-Sondergesandte für Syrien hat bei einem Besuch in Damaskus \
             für eine politische Lösung geworben, an der alle Gruppen des Landes beteiligt \
             sein müssten. Die Übergangsregierung solle einen nationalen Dialog mit Kurden, \
             Drusen und Alawiten beginnen.",
        ),
    ];
    let negatives = [
        item(
            "de",
            "Luftangriffe auf Idlib: Mindestens 20 Tote",
            "BEIRUT (dpa) - Bei Luftangriffen auf die Provinz Idlib im Nordwesten Syriens sind \
             nach Angaben von Aktivisten mindestens 20 Menschen getötet worden. Die Syrische \
             Beobachtungsstelle für Menschenrechte machte Kampfflugzeuge der syrischen Regierung \
             und ihres Verbündeten Russland verantwortlich. Unter den Toten seien auch Kinder.",
        ),
        item(
            "de",
            "Ukraine-Friedensgespräche in Genf ohne Durchbruch",
            "GENF (dpa) - Die Friedensgespräche zwischen Russland und der Ukraine in Genf sind \
             ohne Ergebnis zu Ende gegangen. Beide Seiten warfen sich gegenseitig vor, eine \
             Waffenruhe zu blockieren, teilten Diplomaten am Freitag mit.",
        ),
        item(
            "de",
            "Sudans Konfliktparteien vereinbaren Waffenruhe",
            "DSCHIDDA (dpa) - Die sudanesische Armee und die paramilitärische RSF haben sich bei \
             Verhandlungen im saudischen Dschidda auf eine einwöchige Waffenruhe geeinigt. Die \
             Friedensgespräche sollen in der kommenden Woche fortgesetzt werden.",
        ),
        item(
            "de",
            "Verhandlungen über Waffenruhe im Gazastreifen gehen weiter",
            "KAIRO (dpa) - In Kairo gehen die indirekten Verhandlungen zwischen Israel und der \
             islamistischen Hamas über eine Waffenruhe im Gazastreifen weiter. Vermittler aus \
             Ägypten und Katar zeigten sich vorsichtig optimistisch.",
        ),
        item(
            "de",
            "Weniger Syrer in Deutschland",
            "WIESBADEN (dpa) - Die Zahl der in Deutschland lebenden Syrer ist im vergangenen \
             Jahr leicht gesunken. Wie das Statistische Bundesamt mitteilte, lebten Ende 2025 \
             rund 950 000 syrische Staatsangehörige in der Bundesrepublik.",
        ),
        item(
            "de",
            "Atomgespräche mit dem Iran in Genf fortgesetzt",
            "GENF (dpa) - Vertreter des Irans und der drei europäischen Staaten Deutschland, \
             Frankreich und Großbritannien haben in Genf ihre Gespräche über das iranische \
             Atomprogramm fortgesetzt. Am Rande sei auch die Lage in Syrien zur Sprache \
             gekommen, hieß es aus Delegationskreisen.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn syria_peace_process_in_french() {
    let positives = [
        item(
            "fr",
            "Syrie: reprise des pourparlers de paix à Genève",
            "GENÈVE (AFP) - Les pourparlers de paix sur la Syrie ont repris jeudi à Genève sous \
             l'égide de l'ONU, a indiqué l'émissaire Staffan de Mistura.",
        ),
        item(
            "fr",
            "Syrie: Moscou et Ankara s'accordent sur un cessez-le-feu à Idleb",
            "MOSCOU, 5 mars 2026 (AFP) - La Russie et la Turquie se sont mises d'accord jeudi \
             sur un cessez-le-feu dans la région d'Idleb, dans le nord-ouest de la Syrie, a \
             annoncé le président Vladimir Poutine à l'issue de négociations avec son homologue \
             turc Recep Tayyip Erdogan.",
        ),
        item(
            "fr",
            "Le comité constitutionnel syrien de nouveau réuni à Genève",
            "GENÈVE, 5 déc 2026 (AFP) - Le comité constitutionnel syrien, qui réunit des \
             représentants du régime, de l'opposition et de la société civile, s'est réuni lundi \
             à Genève pour une nouvelle session, sous l'égide de l'émissaire de l'ONU pour la \
             Syrie.",
        ),
        item(
            "fr",
            "Syrie: l'émissaire de l'ONU à Damas pour relancer les négociations",
            "BEYROUTH, 5 déc 2026 (AFP) - L'émissaire de l'ONU pour la Syrie est arrivé dimanche \
             à Damas pour tenter de relancer les négociations sur une transition politique, a \
             annoncé son bureau.",
        ),
        item(
            "fr",
            "Syrie: nouveau cycle de pourparlers à Astana",
            "ASTANA, 5 déc 2026 (AFP) - La Russie, l'Iran et la Turquie, parrains du processus \
             d'Astana, ont ouvert mardi un nouveau cycle de pourparlers sur la Syrie en présence \
             de délégations du gouvernement syrien et de rebelles.",
        ),
        item(
            "fr",
            "L'opposition syrienne rejette le plan de paix russe",
            "ISTANBUL, 5 déc 2026 (AFP) - L'opposition syrienne a rejeté vendredi le plan de paix \
             présenté par la Russie, estimant qu'il maintient Bachar al-Assad au pouvoir et ne \
             prévoit pas d'élections libres.",
        ),
        item(
            "fr",
            "Syrie: ouverture d'une conférence de dialogue national à Damas",
            "DAMAS, 5 déc 2026 (AFP) - Les nouvelles autorités syriennes ont ouvert mardi à Damas \
             une conférence de dialogue national censée ouvrir la voie à une solution \
             politique et à un gouvernement de transition représentatif, a constaté l'AFP.",
        ),
    ];
    let negatives = [
        item(
            "fr",
            "Syrie: au moins 15 morts dans des frappes aériennes sur Idleb",
            "BEYROUTH, 5 déc 2026 (AFP) - Au moins 15 civils, dont cinq enfants, ont été tués \
             jeudi dans des frappes aériennes du régime syrien et de son allié russe sur la \
             province d'Idleb, dans le nord-ouest de la Syrie, selon l'Observatoire syrien des \
             droits de l'homme.",
        ),
        item(
            "fr",
            "Ukraine: les pourparlers de paix reprennent à Genève",
            "GENÈVE, 5 déc 2026 (AFP) - Les pourparlers de paix entre la Russie et l'Ukraine ont \
             repris jeudi à Genève, sans grand espoir d'un cessez-le-feu, selon des diplomates.",
        ),
        item(
            "fr",
            "Colombie: le processus de paix avec l'ELN relancé",
            "BOGOTA, 5 déc 2026 (AFP) - Le gouvernement colombien et la guérilla de l'ELN ont \
             annoncé jeudi la reprise de leurs négociations de paix à La Havane, suspendues \
             depuis six mois.",
        ),
        item(
            "fr",
            "Soudan: l'armée et les FSR acceptent une trêve",
            "DJEDDAH, 5 déc 2026 (AFP) - L'armée soudanaise et les Forces de soutien rapide ont \
             accepté une trêve d'une semaine lors de pourparlers à Djeddah, ont annoncé les \
             médiateurs saoudien et américain.",
        ),
        item(
            "fr",
            "Gaza: nouvelles négociations au Caire sur un cessez-le-feu",
            "LE CAIRE, 5 déc 2026 (AFP) - Des émissaires israéliens et du Hamas sont attendus au \
             Caire pour de nouvelles négociations indirectes sur un cessez-le-feu à Gaza et la \
             libération des otages.",
        ),
        item(
            "fr",
            "Nucléaire iranien: les discussions reprennent à Genève",
            "GENÈVE, 5 déc 2026 (AFP) - L'Iran et les trois pays européens ont repris jeudi à \
             Genève leurs discussions sur le programme nucléaire iranien. La situation en Syrie \
             a également été évoquée, selon un diplomate.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn syria_peace_process_in_spanish() {
    let positives = [
        item(
            "es",
            "Se reanudan en Ginebra las conversaciones de paz sobre Siria",
            "GINEBRA, 5 dic (EFE).- Las conversaciones de paz sobre Siria se reanudaron este \
             jueves en Ginebra bajo los auspicios de la ONU, informó el enviado especial de \
             Naciones Unidas para el país árabe.",
        ),
        item(
            "es",
            "Rusia y Turquía pactan un alto el fuego en Idlib",
            "MOSCÚ, 5 mar (EFE).- Rusia y Turquía acordaron este jueves un alto el fuego en la \
             provincia siria de Idlib, tras seis horas de negociaciones entre los presidentes \
             Vladímir Putin y Recep Tayyip Erdogan en el Kremlin.",
        ),
        item(
            "es",
            "El comité constitucional sirio vuelve a reunirse en Ginebra",
            "GINEBRA, 5 dic (EFE).- El comité constitucional sirio, formado por representantes \
             del Gobierno de Damasco, de la oposición y de la sociedad civil, inició hoy en \
             Ginebra una nueva ronda de trabajo con la mediación de la ONU.",
        ),
        item(
            "es",
            "El enviado de la ONU llega a Damasco para impulsar el proceso de paz",
            "BEIRUT, 5 dic (EFE).- El enviado especial de la ONU para Siria llegó hoy a Damasco \
             para intentar relanzar el proceso de paz y las negociaciones sobre una transición \
             política en el país.",
        ),
        item(
            "es",
            "Astaná acoge una nueva ronda de negociaciones sobre Siria",
            "ASTANÁ, 5 dic (EFE).- Rusia, Irán y Turquía abrieron hoy en la capital kazaja una \
             nueva ronda de negociaciones sobre Siria, con la presencia de delegaciones del \
             Gobierno sirio y de la oposición armada.",
        ),
        item(
            "es",
            "Siria: la oposición rechaza el plan de paz ruso",
            "ESTAMBUL, 5 dic (EFE).- La oposición siria rechazó hoy el plan de paz presentado por \
             Rusia, que a su juicio mantiene en el poder a Bachar al Asad y no prevé elecciones \
             libres en Siria.",
        ),
        item(
            "es",
            "El enviado de la ONU pide en Damasco una solución política inclusiva",
            "DAMASCO, 5 dic (EFE).- El enviado especial de la ONU para Siria pidió hoy en Damasco \
             una solución política que incluya a todas las comunidades del país y un diálogo \
             nacional que prepare unas elecciones.",
        ),
    ];
    let negatives = [
        item(
            "es",
            "Mueren 20 civiles en bombardeos sobre Idlib, en el noroeste de Siria",
            "BEIRUT, 5 dic (EFE).- Al menos 20 civiles, entre ellos seis niños, murieron hoy en \
             bombardeos de la aviación siria y rusa sobre la provincia de Idlib, informó el \
             Observatorio Sirio de Derechos Humanos.",
        ),
        item(
            "es",
            "El Gobierno colombiano y el ELN retoman el proceso de paz",
            "BOGOTÁ, 5 dic (EFE).- El Gobierno de Colombia y la guerrilla del ELN retomaron hoy \
             en La Habana las negociaciones de paz, suspendidas desde junio, informaron fuentes \
             oficiales.",
        ),
        item(
            "es",
            "Rusia y Ucrania reanudan en Ginebra las conversaciones de paz",
            "GINEBRA, 5 dic (EFE).- Delegaciones de Rusia y Ucrania reanudaron hoy en Ginebra \
             las conversaciones de paz, sin que se espere un alto el fuego inmediato, según \
             fuentes diplomáticas.",
        ),
        item(
            "es",
            "El Ejército sudanés y las FAR acuerdan una tregua en Yeda",
            "EL CAIRO, 5 dic (EFE).- El Ejército de Sudán y las paramilitares Fuerzas de Apoyo \
             Rápido acordaron una tregua de siete días tras las negociaciones celebradas en la \
             ciudad saudí de Yeda.",
        ),
        item(
            "es",
            "Nuevas negociaciones en El Cairo para un alto el fuego en Gaza",
            "EL CAIRO, 5 dic (EFE).- Negociadores de Israel y de Hamás llegarán mañana a El \
             Cairo para una nueva ronda de negociaciones indirectas sobre un alto el fuego en \
             Gaza y la liberación de rehenes.",
        ),
        item(
            "es",
            "Llegan a España 200 refugiados sirios desde el Líbano",
            "MADRID, 5 dic (EFE).- Un total de 200 refugiados sirios procedentes de campamentos \
             del Líbano llegaron hoy a España dentro del programa de reasentamiento de la Unión \
             Europea, informó el Ministerio de Inclusión.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn syria_peace_process_in_italian() {
    let positives = [
        item(
            "it",
            "Siria, riprendono a Ginevra i colloqui di pace",
            "GINEVRA, 5 DIC - (ANSA) - Sono ripresi oggi a Ginevra i colloqui di pace sulla \
             Siria sotto l'egida dell'Onu, ha annunciato l'inviato speciale delle Nazioni Unite \
             per la Siria.",
        ),
        item(
            "it",
            "Siria: Russia e Turchia, cessate il fuoco a Idlib",
            "MOSCA, 5 MAR - (ANSA) - Russia e Turchia hanno concordato un cessate il fuoco nella \
             provincia siriana di Idlib dopo sei ore di negoziati al Cremlino tra Vladimir Putin \
             e Recep Tayyip Erdogan.",
        ),
        item(
            "it",
            "Siria: comitato costituzionale di nuovo riunito a Ginevra",
            "GINEVRA, 5 DIC - (ANSA) - Il comitato costituzionale siriano, composto da \
             rappresentanti del governo di Damasco, dell'opposizione e della società civile, si \
             è riunito oggi a Ginevra con la mediazione dell'Onu.",
        ),
        item(
            "it",
            "Siria: inviato Onu a Damasco per rilanciare il processo di pace",
            "BEIRUT, 5 DIC - (ANSA) - L'inviato speciale dell'Onu per la Siria è arrivato oggi a \
             Damasco per rilanciare il processo di pace e i negoziati su una transizione \
             politica.",
        ),
        item(
            "it",
            "Siria: ad Astana nuovo round di negoziati",
            "ASTANA, 5 DIC - (ANSA) - Russia, Iran e Turchia hanno aperto oggi ad Astana un nuovo \
             round di negoziati sulla Siria, alla presenza delle delegazioni del governo siriano \
             e dei ribelli.",
        ),
        item(
            "it",
            "Siria, l'opposizione respinge il piano di pace di Mosca",
            "ISTANBUL, 5 DIC - (ANSA) - L'opposizione siriana ha respinto il piano di pace \
             presentato dalla Russia, che a suo giudizio lascia al potere Bashar al Assad e non \
             prevede elezioni libere.",
        ),
        item(
            "it",
            "Siria, l'inviato Onu a Damasco: serve una soluzione politica",
            "DAMASCO, 5 DIC - (ANSA) - L'inviato speciale dell'Onu per la Siria ha chiesto a \
             Damasco una soluzione politica inclusiva e un dialogo nazionale con tutte le \
             componenti del Paese, curdi compresi.",
        ),
    ];
    let negatives = [
        item(
            "it",
            "Siria: raid aerei su Idlib, almeno 20 morti",
            "BEIRUT, 5 DIC - (ANSA) - Almeno 20 civili, tra cui sei bambini, sono stati uccisi \
             oggi in raid aerei dell'aviazione siriana e russa sulla provincia di Idlib, nel \
             nord-ovest della Siria, secondo l'Osservatorio siriano per i diritti umani.",
        ),
        item(
            "it",
            "Ucraina: a Ginevra colloqui di pace tra Mosca e Kiev",
            "GINEVRA, 5 DIC - (ANSA) - Sono ripresi oggi a Ginevra i colloqui di pace tra Russia \
             e Ucraina, senza che sia in vista un cessate il fuoco, secondo fonti diplomatiche.",
        ),
        item(
            "it",
            "Colombia, riparte il processo di pace con l'Eln",
            "BOGOTA', 5 DIC - (ANSA) - Il governo colombiano e la guerriglia dell'Eln hanno \
             ripreso all'Avana i negoziati di pace, sospesi da giugno.",
        ),
        item(
            "it",
            "Sudan: esercito e Rsf, tregua di una settimana",
            "IL CAIRO, 5 DIC - (ANSA) - L'esercito sudanese e le Forze di supporto rapido hanno \
             concordato una tregua di una settimana durante i negoziati di Gedda, hanno \
             annunciato i mediatori sauditi e statunitensi.",
        ),
        item(
            "it",
            "Gaza: al Cairo nuovi negoziati per la tregua",
            "IL CAIRO, 5 DIC - (ANSA) - Delegazioni di Israele e di Hamas sono attese al Cairo \
             per un nuovo round di negoziati indiretti su una tregua a Gaza e il rilascio degli \
             ostaggi.",
        ),
        item(
            "it",
            "Siria: 300mila rifugiati rientrati dal Libano",
            "BEIRUT, 5 DIC - (ANSA) - Circa 300mila rifugiati siriani sono rientrati in Siria dal \
             Libano nell'ultimo anno, secondo l'Alto commissariato dell'Onu per i rifugiati.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn syria_peace_process_in_portuguese() {
    let positives = [
        item(
            "pt",
            "Negociações de paz sobre a Síria retomadas em Genebra",
            "GENEBRA, 5 dez (Lusa) - As negociações de paz sobre a Síria foram hoje retomadas em \
             Genebra, sob a égide da ONU, anunciou o enviado especial das Nações Unidas para a \
             Síria.",
        ),
        item(
            "pt",
            "Rússia e Turquia acordam cessar-fogo em Idlib",
            "MOSCOVO, 5 mar (Lusa) - A Rússia e a Turquia acordaram hoje um cessar-fogo na \
             província síria de Idlib, após seis horas de negociações entre os presidentes \
             Vladimir Putin e Recep Tayyip Erdogan.",
        ),
        item(
            "pt",
            "Comité constitucional sírio volta a reunir-se em Genebra",
            "GENEBRA, 5 dez (Lusa) - O comité constitucional sírio, com representantes do \
             Governo de Damasco, da oposição e da sociedade civil, voltou hoje a reunir-se em \
             Genebra, com a mediação da ONU.",
        ),
        item(
            "pt",
            "Enviado da ONU em Damasco para relançar processo de paz na Síria",
            "BEIRUTE, 5 dez (Lusa) - O enviado especial da ONU para a Síria chegou hoje a Damasco \
             para tentar relançar o processo de paz e as negociações sobre uma transição \
             política.",
        ),
        item(
            "pt",
            "Astana acolhe nova ronda de negociações sobre a Síria",
            "ASTANA, 5 dez (Lusa) - A Rússia, o Irão e a Turquia abriram hoje em Astana uma nova \
             ronda de negociações sobre a Síria, com delegações do Governo sírio e da oposição \
             armada.",
        ),
        item(
            "pt",
            "Síria: oposição rejeita plano de paz russo",
            "ISTAMBUL, 5 dez (Lusa) - A oposição síria rejeitou hoje o plano de paz apresentado \
             pela Rússia, que considera manter Bashar al-Assad no poder sem eleições livres na \
             Síria.",
        ),
        item(
            "pt",
            "Enviado da ONU defende solução política para a Síria",
            "DAMASCO, 5 dez (Lusa) - O enviado especial da ONU para a Síria defendeu hoje em \
             Damasco uma solução política inclusiva e um diálogo nacional que prepare \
             eleições, após reunir-se com o governo de transição.",
        ),
    ];
    let negatives = [
        item(
            "pt",
            "Pelo menos 20 mortos em bombardeamentos em Idlib",
            "BEIRUTE, 5 dez (Lusa) - Pelo menos 20 civis, entre os quais seis crianças, morreram \
             hoje em bombardeamentos da aviação síria e russa na província de Idlib, no noroeste \
             da Síria, segundo o Observatório Sírio dos Direitos Humanos.",
        ),
        item(
            "pt",
            "Moçambique: Governo e Renamo retomam processo de paz",
            "MAPUTO, 5 dez (Lusa) - O Governo moçambicano e a Renamo retomaram hoje as \
             negociações de paz, com a mediação de enviados internacionais, anunciou a \
             Presidência da República.",
        ),
        item(
            "pt",
            "Ucrânia: negociações de paz em Genebra sem avanços",
            "GENEBRA, 5 dez (Lusa) - As negociações de paz entre a Rússia e a Ucrânia terminaram \
             hoje em Genebra sem avanços, sem acordo sobre um cessar-fogo, segundo fontes \
             diplomáticas.",
        ),
        item(
            "pt",
            "Sudão: exército e RSF acordam cessar-fogo",
            "CAIRO, 5 dez (Lusa) - O exército sudanês e as Forças de Apoio Rápido acordaram um \
             cessar-fogo de uma semana nas negociações de Jeddah, anunciaram os mediadores \
             sauditas e norte-americanos.",
        ),
        item(
            "pt",
            "Gaza: novas negociações no Cairo para cessar-fogo",
            "CAIRO, 5 dez (Lusa) - Delegações de Israel e do Hamas são esperadas no Cairo para \
             uma nova ronda de negociações indiretas sobre um cessar-fogo em Gaza e a libertação \
             de reféns.",
        ),
        item(
            "pt",
            "Portugal acolhe mais 100 refugiados sírios",
            "LISBOA, 5 dez (Lusa) - Portugal acolheu hoje mais 100 refugiados sírios vindos de \
             campos na Turquia, no âmbito do programa europeu de reinstalação, anunciou o \
             Ministério da Administração Interna.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn syria_peace_process_in_dutch() {
    let positives = [
        item(
            "nl",
            "Vredesbesprekingen over Syrië hervat in Genève",
            "GENÈVE (ANP) - In Genève zijn donderdag de vredesbesprekingen over Syrië hervat \
             onder leiding van de Verenigde Naties. De VN-gezant voor Syrië sprak van een \
             moeilijke maar noodzakelijke onderhandelingsronde.",
        ),
        item(
            "nl",
            "Rusland en Turkije sluiten wapenstilstand voor Idlib",
            "MOSKOU (ANP) - Rusland en Turkije zijn donderdag een wapenstilstand overeengekomen \
             voor de Syrische provincie Idlib. Dat maakte president Poetin bekend na \
             onderhandelingen met zijn Turkse ambtgenoot Erdogan in het Kremlin.",
        ),
        item(
            "nl",
            "Syrisch grondwettelijk comité weer bijeen in Genève",
            "GENÈVE (ANP) - Het Syrische grondwettelijk comité, met vertegenwoordigers van de \
             regering in Damascus, de oppositie en het maatschappelijk middenveld, is maandag \
             in Genève weer bijeengekomen onder toezicht van de VN-gezant.",
        ),
        item(
            "nl",
            "VN-gezant in Damascus om vredesproces nieuw leven in te blazen",
            "BEIROET (ANP) - De speciale VN-gezant voor Syrië is zondag in Damascus aangekomen om \
             het vastgelopen vredesproces nieuw leven in te blazen.",
        ),
        item(
            "nl",
            "Nieuwe Syrië-gesprekken in Astana",
            "ASTANA (ANP) - Rusland, Iran en Turkije zijn dinsdag in Astana begonnen aan een \
             nieuwe ronde gesprekken over Syrië. Ook delegaties van de Syrische regering en de \
             gewapende oppositie zijn aanwezig.",
        ),
        item(
            "nl",
            "Syrische oppositie verwerpt Russisch vredesplan",
            "ISTANBUL (ANP) - De Syrische oppositie heeft het vredesplan van Rusland verworpen. \
             Het plan laat president Assad aan de macht en voorziet niet in vrije verkiezingen, \
             aldus een woordvoerder.",
        ),
        item(
            "nl",
            "VN-gezant pleit in Damascus voor politieke oplossing",
            "DAMASCUS (ANP) - De speciale VN-gezant voor Syrië heeft in Damascus gepleit voor een \
             politieke oplossing waarbij alle bevolkingsgroepen worden betrokken. De \
             overgangsregering moet een nationale dialoog beginnen, zei hij.",
        ),
    ];
    let negatives = [
        item(
            "nl",
            "Tientallen doden bij luchtaanvallen op Idlib",
            "BEIROET (ANP) - Bij luchtaanvallen op de provincie Idlib in het noordwesten van \
             Syrië zijn zeker twintig burgers omgekomen, onder wie kinderen. Volgens het \
             Syrisch Observatorium voor de Mensenrechten zaten Syrische en Russische \
             gevechtsvliegtuigen achter de aanvallen.",
        ),
        item(
            "nl",
            "Vredesoverleg over Oekraïne in Genève zonder resultaat",
            "GENÈVE (ANP) - Het vredesoverleg tussen Rusland en Oekraïne in Genève is vrijdag \
             zonder resultaat geëindigd. Een wapenstilstand is niet in zicht, zeggen \
             diplomaten.",
        ),
        item(
            "nl",
            "Strijdende partijen in Soedan akkoord met wapenstilstand",
            "CAÏRO (ANP) - Het Soedanese leger en de paramilitaire RSF zijn bij onderhandelingen \
             in het Saudische Jeddah een wapenstilstand van een week overeengekomen.",
        ),
        item(
            "nl",
            "Onderhandelingen over staakt-het-vuren in Gaza gaan door",
            "CAÏRO (ANP) - In Caïro gaan de indirecte onderhandelingen tussen Israël en Hamas \
             over een staakt-het-vuren in Gaza door. Bemiddelaars uit Egypte en Qatar zijn \
             voorzichtig optimistisch.",
        ),
        item(
            "nl",
            "Minder Syrische asielzoekers naar Nederland",
            "DEN HAAG (ANP) - Het aantal Syrische asielzoekers dat naar Nederland komt, is dit \
             jaar flink gedaald. Dat blijkt uit cijfers van de Immigratie- en \
             Naturalisatiedienst.",
        ),
        item(
            "nl",
            "Atoomoverleg met Iran in Genève voortgezet",
            "GENÈVE (ANP) - Iran en drie Europese landen hebben in Genève hun overleg over het \
             Iraanse atoomprogramma voortgezet. Volgens een diplomaat kwam ook de situatie in \
             Syrië kort ter sprake.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn syria_peace_process_in_arabic() {
    let positives = [
        item(
            "ar",
            "استئناف محادثات السلام السورية في جنيف",
            "جنيف (أ ف ب) - استؤنفت الخميس في جنيف محادثات السلام حول سوريا برعاية الأمم \
             المتحدة، بحسب ما أعلن المبعوث الأممي الخاص إلى سوريا.",
        ),
        item(
            "ar",
            "روسيا وتركيا تتفقان على وقف لإطلاق النار في إدلب",
            "موسكو (أ ف ب) - اتفقت روسيا وتركيا الخميس على وقف لإطلاق النار في محافظة إدلب في \
             شمال غرب سوريا، بعد مباحثات استمرت ست ساعات بين الرئيسين فلاديمير بوتين ورجب طيب \
             أردوغان.",
        ),
        item(
            "ar",
            "اللجنة الدستورية السورية تجتمع مجددا في جنيف",
            "جنيف (أ ف ب) - عقدت اللجنة الدستورية السورية التي تضم ممثلين عن الحكومة والمعارضة \
             والمجتمع المدني جولة جديدة من أعمالها الاثنين في جنيف برعاية المبعوث الأممي إلى \
             سوريا.",
        ),
        item(
            "ar",
            "المبعوث الأممي في دمشق لإحياء العملية السياسية",
            "بيروت (أ ف ب) - وصل المبعوث الخاص للأمم المتحدة إلى سوريا الأحد إلى دمشق في محاولة \
             لإحياء العملية السياسية والمفاوضات حول الانتقال السياسي في البلاد.",
        ),
        item(
            "ar",
            "جولة جديدة من مفاوضات أستانا حول سوريا",
            "أستانا (أ ف ب) - بدأت روسيا وإيران وتركيا الثلاثاء في أستانا جولة جديدة من \
             المفاوضات حول سوريا بحضور وفدي الحكومة السورية والمعارضة المسلحة.",
        ),
        item(
            "ar",
            "المعارضة السورية ترفض خطة السلام الروسية",
            "إسطنبول (أ ف ب) - رفضت المعارضة السورية الجمعة خطة السلام التي طرحتها روسيا، \
             معتبرة أنها تبقي بشار الأسد في السلطة ولا تنص على انتخابات حرة في سوريا.",
        ),
        item(
            "ar",
            "المبعوث الأممي يدعو من دمشق إلى حل سياسي شامل",
            "دمشق (أ ف ب) - دعا المبعوث الأممي الخاص إلى سوريا الثلاثاء من دمشق إلى حل سياسي شامل \
             يضم جميع مكونات الشعب السوري، مشددا على أهمية الحوار الوطني خلال المرحلة \
             الانتقالية.",
        ),
    ];
    let negatives = [
        item(
            "ar",
            "مقتل 20 مدنيا في غارات جوية على إدلب",
            "بيروت (أ ف ب) - قتل 20 مدنيا على الأقل بينهم ستة أطفال الخميس في غارات جوية شنتها \
             طائرات سورية وروسية على محافظة إدلب في شمال غرب سوريا، بحسب المرصد السوري لحقوق \
             الإنسان.",
        ),
        item(
            "ar",
            "محادثات السلام بين روسيا وأوكرانيا في جنيف تنتهي دون نتيجة",
            "جنيف (أ ف ب) - انتهت محادثات السلام بين روسيا وأوكرانيا في جنيف الجمعة من دون \
             التوصل إلى وقف لإطلاق النار، بحسب دبلوماسيين.",
        ),
        item(
            "ar",
            "الجيش السوداني وقوات الدعم السريع يتفقان على هدنة",
            "جدة (أ ف ب) - اتفق الجيش السوداني وقوات الدعم السريع على هدنة لمدة أسبوع خلال \
             مفاوضات في جدة، بحسب ما أعلن الوسيطان السعودي والأميركي.",
        ),
        item(
            "ar",
            "مفاوضات في القاهرة حول وقف إطلاق النار في غزة",
            "القاهرة (أ ف ب) - يصل وفدان من إسرائيل وحركة حماس إلى القاهرة لجولة جديدة من \
             المفاوضات غير المباشرة حول وقف إطلاق النار في غزة والإفراج عن الرهائن.",
        ),
        item(
            "ar",
            "عودة آلاف اللاجئين السوريين من لبنان",
            "بيروت (أ ف ب) - عاد نحو ثلاثة آلاف لاجئ سوري من لبنان إلى بلادهم خلال الأسبوع \
             الماضي، بحسب المفوضية السامية للأمم المتحدة لشؤون اللاجئين.",
        ),
        item(
            "ar",
            "محادثات نووية مع إيران في جنيف",
            "جنيف (أ ف ب) - استأنفت إيران والدول الأوروبية الثلاث الخميس في جنيف محادثاتها حول \
             البرنامج النووي الإيراني، وتطرقت أيضا إلى الوضع في سوريا، بحسب دبلوماسي.",
        ),
    ];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn ai_regulation_in_german_french_and_italian() {
    let positives = [
        item(
            "de",
            "EU-Staaten billigen KI-Verordnung",
            "BRÜSSEL (dpa) - Die EU-Staaten haben die KI-Verordnung endgültig gebilligt. Das \
             Gesetz soll Risiken künstlicher Intelligenz begrenzen und schreibt Regeln für \
             Anbieter von Sprachmodellen wie ChatGPT vor. Die Regulierung gilt als die weltweit \
             erste ihrer Art.",
        ),
        item(
            "fr",
            "Le Parlement européen adopte le règlement sur l'IA",
            "STRASBOURG, 5 déc 2026 (AFP) - Les eurodéputés ont adopté mercredi le règlement sur \
             l'IA, une législation qui impose des règles aux systèmes d'intelligence \
             artificielle jugés à risque.",
        ),
        item(
            "it",
            "Ia, via libera del Senato alla legge sull'intelligenza artificiale",
            "ROMA, 5 DIC - (ANSA) - Il Senato ha approvato la legge sull'intelligenza \
             artificiale. La normativa introduce regole per l'uso dell'IA nella sanità e nel \
             lavoro e affida la regolamentazione a due agenzie nazionali.",
        ),
    ];
    let negatives = [item(
        "de",
        "Chiphersteller profitiert vom KI-Boom",
        "SANTA CLARA (dpa) - Der Chiphersteller Nvidia hat dank der hohen Nachfrage nach \
         Prozessoren für künstliche Intelligenz seinen Umsatz verdoppelt. Die Aktie stieg \
         nachbörslich um sechs Prozent.",
    )];
    assert_topic("ai-regulation", &positives, &negatives);
}

#[test]
fn china_taiwan_in_spanish_dutch_and_arabic() {
    let positives = [
        item(
            "es",
            "China realiza maniobras militares en torno a Taiwán",
            "PEKÍN, 5 dic (EFE).- El Ejército chino inició hoy maniobras militares a gran escala \
             en el estrecho de Taiwán, con buques de guerra y aviones de combate, en respuesta a \
             lo que calificó de provocaciones independentistas de Taipéi.",
        ),
        item(
            "nl",
            "China houdt militaire oefeningen rond Taiwan",
            "PEKING (ANP) - China is maandag begonnen met grootschalige militaire oefeningen \
             rond Taiwan. Oorlogsschepen en gevechtsvliegtuigen naderden het eiland, meldt het \
             Taiwanese ministerie van Defensie. Peking beschouwt Taiwan als afvallige provincie \
             en streeft naar hereniging.",
        ),
        item(
            "ar",
            "الصين تجري مناورات عسكرية حول تايوان",
            "بكين (أ ف ب) - بدأت الصين الاثنين مناورات عسكرية واسعة النطاق في مضيق تايوان بمشاركة \
             سفن حربية وطائرات مقاتلة، بحسب ما أعلنت وزارة الدفاع التايوانية.",
        ),
    ];
    assert_topic("china-taiwan", &positives, &[]);
}

#[test]
fn climate_talks_in_french_portuguese_and_dutch() {
    let positives = [
        item(
            "fr",
            "COP31: les négociations climatiques entrent dans la dernière ligne droite",
            "BELEM, 5 déc 2026 (AFP) - Les négociateurs de près de 200 pays entrent dans la \
             dernière semaine de la conférence sur le climat de l'ONU, divisés sur le \
             financement climatique et la sortie des énergies fossiles.",
        ),
        item(
            "pt",
            "Cimeira do clima: negociadores sem acordo sobre financiamento",
            "LISBOA, 5 dez (Lusa) - Os negociadores reunidos na cimeira do clima da ONU não \
             chegaram hoje a acordo sobre o financiamento climático para os países mais pobres \
             nem sobre a redução das emissões.",
        ),
        item(
            "nl",
            "Klimaattop in Belém eindigt met akkoord",
            "BELÉM (ANP) - De klimaattop van de Verenigde Naties is zaterdag geëindigd met een \
             akkoord over klimaatfinanciering. De onderhandelaars spraken ook af de uitstoot \
             van broeikasgassen sneller te verminderen.",
        ),
    ];
    assert_topic("climate-talks", &positives, &[]);
}

#[test]
fn central_banks_in_german_spanish_italian_and_arabic() {
    let ecb = [
        item(
            "de",
            "EZB senkt Leitzins erneut",
            "FRANKFURT (dpa) - Die Europäische Zentralbank senkt die Zinsen im Euroraum erneut. \
             Der EZB-Rat beschloss am Donnerstag, den Einlagenzins um 0,25 Prozentpunkte auf \
             2,0 Prozent zu verringern.",
        ),
        item(
            "it",
            "Bce taglia i tassi di 25 punti base",
            "FRANCOFORTE, 5 DIC - (ANSA) - La Banca centrale europea ha tagliato i tassi di \
             interesse di 25 punti base. Il tasso sui depositi scende al 2%, ha annunciato il \
             consiglio direttivo.",
        ),
    ];
    let fed = [
        item(
            "es",
            "La Reserva Federal mantiene los tipos de interés",
            "WASHINGTON, 5 dic (EFE).- La Reserva Federal de Estados Unidos mantuvo hoy los \
             tipos de interés en el rango del 4,25 % al 4,5 %, en una decisión que refleja su \
             cautela ante la inflación, según su política monetaria.",
        ),
        item(
            "ar",
            "الاحتياطي الفيدرالي يبقي أسعار الفائدة دون تغيير",
            "واشنطن (أ ف ب) - أبقى الاحتياطي الفيدرالي الأميركي الأربعاء أسعار الفائدة دون تغيير، \
             مشيرا إلى أن التضخم لا يزال مرتفعا، في قرار يعكس حذر السياسة النقدية.",
        ),
    ];
    assert_topic("ecb-interest-rates", &ecb, &fed);
    assert_topic("fed-interest-rates", &fed, &ecb);
}

#[test]
fn iran_nuclear_and_north_korea_in_french_italian_and_portuguese() {
    let iran = [
        item(
            "fr",
            "Nucléaire: l'Iran accélère l'enrichissement d'uranium, selon l'AIEA",
            "VIENNE, 5 déc 2026 (AFP) - L'Iran a accéléré l'enrichissement d'uranium à 60% dans \
             son usine de Fordo, selon un rapport confidentiel de l'AIEA consulté jeudi par \
             l'AFP.",
        ),
        item(
            "pt",
            "Irão aumenta reservas de urânio enriquecido",
            "VIENA, 5 dez (Lusa) - O Irão aumentou as reservas de urânio enriquecido, indica um \
             relatório da AIEA, que acusa Teerão de limitar o acesso dos inspetores ao seu \
             programa nuclear.",
        ),
    ];
    let north_korea = [
        item(
            "it",
            "Corea del Nord, lanciato missile balistico",
            "SEUL, 5 DIC - (ANSA) - La Corea del Nord ha lanciato un missile balistico verso il \
             Mar del Giappone, ha reso noto lo stato maggiore sudcoreano. Si tratta del terzo \
             lancio di missili del mese.",
        ),
        item(
            "fr",
            "La Corée du Nord tire un missile balistique",
            "SÉOUL, 5 déc 2026 (AFP) - La Corée du Nord a tiré jeudi un missile balistique en \
             mer du Japon, a annoncé l'armée sud-coréenne, au lendemain de menaces de Pyongyang.",
        ),
    ];
    assert_topic("iran-nuclear", &iran, &north_korea);
    assert_topic("north-korea-missiles", &north_korea, &iran);
}

#[test]
fn wars_in_german_spanish_dutch_and_arabic() {
    let gaza = [
        item(
            "de",
            "Israel greift Ziele im Gazastreifen an",
            "TEL AVIV (dpa) - Die israelische Armee hat nach eigenen Angaben erneut Ziele der \
             islamistischen Hamas im Gazastreifen angegriffen. Bei den Luftangriffen in Chan \
             Junis seien Dutzende Menschen getötet worden. Die Hamas hält weiter Geiseln fest.",
        ),
        item(
            "ar",
            "غارات إسرائيلية على خان يونس",
            "غزة (أ ف ب) - شن الجيش الإسرائيلي غارات على خان يونس في جنوب قطاع غزة، فيما تواصل \
             حركة حماس احتجاز الرهائن، بحسب ما أفاد الدفاع المدني.",
        ),
    ];
    let ukraine = [
        item(
            "es",
            "Rusia lanza un ataque con drones contra Kiev",
            "KIEV, 5 dic (EFE).- Rusia lanzó esta madrugada un ataque con drones y misiles contra \
             Kiev, informó el presidente ucraniano, Volodímir Zelenski, que pidió más defensas \
             antiaéreas. Los bombardeos dejaron al menos tres muertos.",
        ),
        item(
            "nl",
            "Zware Russische beschietingen op Charkiv",
            "KIEV (ANP) - Rusland heeft de Oekraïense stad Charkiv zwaar bestookt. Bij de \
             beschietingen kwamen zeker vijf mensen om, meldt president Zelensky. De Russische \
             troepen rukken ook op aan de frontlinie in het oosten.",
        ),
    ];
    let sudan = [
        item(
            "fr",
            "Soudan: les FSR prennent le contrôle d'El-Facher",
            "PORT-SOUDAN, 5 déc 2026 (AFP) - Les Forces de soutien rapide (FSR) ont pris le \
             contrôle d'El-Facher, dernier bastion de l'armée au Darfour, après des mois de \
             combats qui ont fait des milliers de déplacés.",
        ),
        item(
            "ar",
            "قوات الدعم السريع تسيطر على الفاشر",
            "الخرطوم (أ ف ب) - أعلنت قوات الدعم السريع سيطرتها على مدينة الفاشر في إقليم دارفور \
             بعد أشهر من المعارك مع الجيش السوداني، فيما تحذر الأمم المتحدة من المجاعة.",
        ),
    ];
    assert_topic("israel-gaza", &gaza, &ukraine);
    assert_topic("russia-ukraine-war", &ukraine, &gaza);
    assert_topic("sudan-war", &sudan, &gaza);
}

#[test]
fn opec_and_us_elections_in_portuguese_italian_german_and_dutch() {
    let opec = [
        item(
            "pt",
            "OPEP+ prolonga cortes de produção",
            "VIENA, 5 dez (Lusa) - A OPEP+ decidiu hoje prolongar os cortes de produção de \
             petróleo até ao fim de 2027, retirando do mercado dois milhões de barris por dia.",
        ),
        item(
            "de",
            "Opec+ verlängert Förderkürzungen",
            "WIEN (dpa) - Die Opec+ hat ihre Förderkürzungen bis Ende 2027 verlängert. Die \
             Fördermenge bleibt damit um zwei Millionen Barrel pro Tag unter dem früheren \
             Niveau. Die Ölpreise stiegen daraufhin leicht.",
        ),
    ];
    let us_elections = [
        item(
            "it",
            "Usa, al via le primarie repubblicane in Iowa",
            "WASHINGTON, 5 DIC - (ANSA) - Prendono il via in Iowa le primarie repubblicane per \
             le elezioni presidenziali americane. I sondaggi danno in vantaggio il candidato \
             repubblicano tra gli elettori dello stato.",
        ),
        item(
            "nl",
            "Democraten winnen Huis bij tussentijdse verkiezingen in VS",
            "WASHINGTON (ANP) - De Democraten hebben bij de tussentijdse verkiezingen in de \
             Verenigde Staten de meerderheid in het Huis van Afgevaardigden veroverd. Volgens \
             peilingen bleven veel kiezers thuis.",
        ),
    ];
    assert_topic("opec-oil-output", &opec, &us_elections);
    assert_topic("us-elections", &us_elections, &opec);
}

/// A phrase term is the longest match where it stands and hides the words inside it, so the
/// English phrases are in their topic's required groups too: a story saying only "peace talks"
/// or "output cuts" still has its diplomacy or its output word.
#[test]
fn english_phrases_count_for_the_required_groups() {
    let syria = [item(
        "en",
        "Syria peace talks to resume in Geneva",
        "GENEVA (Reuters) - U.N.-brokered peace talks on Syria will resume next week in Geneva, \
         the United Nations said on Thursday. The Syrian government has agreed to attend.",
    )];
    let opec = [item(
        "en",
        "OPEC+ agrees deeper output cuts",
        "VIENNA (Reuters) - OPEC+ agreed on Sunday to deepen output cuts by a further 1 million \
         barrels per day, pushing crude prices higher.",
    )];
    assert_topic(SYRIA, &syria, &opec);
    assert_topic("opec-oil-output", &opec, &syria);
}

/// One catalogue for every topic: a phrase of one topic ("recorte de tipos" of the Fed's,
/// "programme nucléaire" of Iran's) hides its words from the others where it is the longest
/// match, so the topics that need those words list the phrase too; and plural phrases count
/// ("tirs de missiles").
#[test]
fn phrases_of_one_topic_do_not_hide_the_words_another_needs() {
    let ecb = [item(
        "es",
        "El BCE aprueba un nuevo recorte de tipos",
        "FRÁNCFORT, 5 dic (EFE).- El Banco Central Europeo aprobó hoy un nuevo recorte de \
         tipos de 25 puntos básicos y situó la facilidad de depósito en el 2 %.",
    )];
    let north_korea = [item(
        "fr",
        "Corée du Nord: nouveaux tirs de missiles, Kim vante le programme nucléaire",
        "SÉOUL, 5 déc 2026 (AFP) - La Corée du Nord a procédé jeudi à de nouveaux tirs de \
         missiles balistiques en mer du Japon, au lendemain d'un discours du dirigeant Kim Jong \
         Un vantant le programme nucléaire du pays, a annoncé l'armée sud-coréenne.",
    )];
    assert_topic("ecb-interest-rates", &ecb, &north_korea);
    assert_topic("north-korea-missiles", &north_korea, &ecb);
}

#[test]
fn syria_named_twice_in_a_story_filed_elsewhere_is_more_than_in_passing() {
    // Filed in Amman with Jordan in the headline, the dateline and the text: Jordan outscores
    // Syria, yet Syria, named twice (`südsyrischen`, `Damaskus`), is what the talks are about.
    let positives = [
        item(
            "de",
            "Neue Verhandlungsrunde in Amman",
            "AMMAN (dpa) - In Amman haben Vertreter der Regierung in Damaskus und drusischer \
             Gemeinschaften der südsyrischen Provinz Suwaida am Mittwoch neue Gespräche über eine \
             Waffenruhe begonnen. Jordanien vermittelt; die Verhandlungen sollen bis Freitag \
             dauern, teilte das jordanische Außenministerium mit.",
        ),
        item(
            "es",
            "Lavrov y el canciller sirio abordan en Moscú el arreglo político",
            "MOSCÚ, 14 abr (EFE).- El ministro de Exteriores ruso, Serguéi Lavrov, recibió en \
             Moscú a su homólogo sirio, con quien trató el arreglo político sobre la base de la \
             resolución 2254 del Consejo de Seguridad. Rusia reiteró en Moscú su apoyo a un \
             diálogo nacional, y Damasco pidió respeto mutuo.",
        ),
    ];
    // Syria named once, in passing, in a story on another peace process.
    let negatives = [item(
        "de",
        "Jemen: Neue Friedensgespräche in Maskat",
        "MASKAT (dpa) - Im Jemen-Konflikt haben die Huthi-Rebellen und die Regierung in Maskat \
         neue Friedensgespräche unter Vermittlung Omans begonnen. Der UN-Sondergesandte sprach \
         von einer Chance für eine Waffenruhe, wie es sie zuvor in Syrien gegeben habe.",
    )];
    assert_topic(SYRIA, &positives, &negatives);
}

#[test]
fn german_compass_compounds_name_the_country() {
    let tags = tag(&item(
        "de",
        "Kämpfe in Nordsyrien",
        "BEIRUT (dpa) - Im Nordosten Syriens und in Nordsyrien gehen die Kämpfe weiter; die \
         nordsyrische Stadt Manbidsch ist umkämpft.",
    ));
    let syria = tags.countries.iter().find(|c| c.code == "SY");
    assert!(
        syria.is_some_and(|c| c.mentions >= 3),
        "{:?}",
        tags.countries
    );
}
