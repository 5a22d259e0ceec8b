//! Items in each of the wire's languages, written in each agency's style (dpa in German, AFP in
//! French, EFE in Spanish, ANSA in Italian, Lusa in Portuguese, ANP in Dutch, AFP in Arabic):
//! the desk gets the dateline's place, the agency as the credit, the language, the story text
//! without the dateline and without the lead-ins to other stories, and the date the provider
//! wrote out in its language. Arabic comes out as it came, right-to-left marks and diacritics
//! included, and matches its republication without diacritics for exact duplicates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::sniffed_fixture;
use wire_model::Envelope;

/// What the desk must see of one item.
struct Expected<'a> {
    located: &'a str,
    credit: &'a str,
    language: &'a str,
    /// The body's paragraphs, in order.
    body: &'a [&'a str],
    /// Boilerplate paragraphs the body must not have (and `wire.removed` keeps).
    removed: &'a [&'a str],
    first_created: DateTime<Utc>,
}

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
        .unwrap()
}

fn item(relative: &str) -> Envelope {
    sniffed_fixture(&format!("languages/{relative}"))
}

fn assert_item(relative: &str, expected: &Expected) {
    let envelope = item(relative);
    let article = &envelope.article;
    assert_eq!(
        article.located.as_deref(),
        Some(expected.located),
        "{relative}"
    );
    assert_eq!(
        envelope.wire.credit.as_deref(),
        Some(expected.credit),
        "{relative}"
    );
    assert_eq!(
        article.language.as_deref(),
        Some(expected.language),
        "{relative}"
    );
    assert_eq!(
        article.body_text(),
        Some(expected.body.join("\n\n").as_str()),
        "{relative}"
    );
    for boilerplate in expected.removed {
        assert!(
            envelope.wire.removed.iter().any(|r| r == boilerplate),
            "{relative}: {boilerplate} not in {:?}",
            envelope.wire.removed
        );
    }
    assert_eq!(
        article.first_created,
        Some(expected.first_created),
        "{relative}"
    );
    assert!(!envelope.wire.date_from_fetch_time, "{relative}");
    assert!(
        !envelope.wire.flags.iter().any(|f| f == "language_unsure"),
        "{relative}"
    );
}

#[test]
fn a_german_dpa_item() {
    assert_item(
        "de-dpa.xml",
        &Expected {
            located: "Berlin",
            credit: "dpa",
            language: "de",
            body: &[
                "Bundeskanzler Friedrich Merz hat am Samstag den französischen Präsidenten Emmanuel Macron im Kanzleramt empfangen. Die beiden sprachen über die Lage in Syrien und die Friedensgespräche in Genf.",
                "«Wir stehen an der Seite der Vereinten Nationen», sagte Merz nach dem Treffen. Macron kündigte an, die Gespräche im Januar in Paris fortzusetzen.",
            ],
            removed: &[
                "Lesen Sie auch: Außenminister beraten in Brüssel über neue Sanktionen",
                "Mehr zum Thema",
            ],
            // `Samstag, 5. Dezember 2026, 10:30 Uhr MEZ`
            first_created: at(5, 9, 30),
        },
    );
}

#[test]
fn a_french_afp_item_whose_language_is_detected() {
    assert_item(
        "fr-afp.xml",
        &Expected {
            located: "Genève",
            credit: "AFP",
            language: "fr",
            body: &[
                "Les pourparlers de paix sur la Syrie ont repris samedi à Genève sous l'égide de l'ONU, a indiqué l'émissaire des Nations unies.",
                "« Les deux délégations sont dans la même salle, c'est un début », a déclaré l'émissaire à la presse. La prochaine session est prévue en janvier.",
            ],
            removed: &["À lire aussi : Syrie, dix ans de négociations manquées"],
            // `samedi 5 décembre 2026 à 10h30`
            first_created: at(5, 10, 30),
        },
    );
    // No language declared: the detector's, with how sure it was.
    let envelope = item("fr-afp.xml");
    assert!(envelope.wire.language_confidence.is_some_and(|c| c >= 0.5));
    assert_eq!(
        envelope.wire.dateline.as_deref(),
        Some(
            "GENÈVE, 5 déc 2026 (AFP) - Les pourparlers de paix sur la Syrie ont repris samedi à Genève sous l'égide de l'ONU, a indiqué l'émissaire des Nations unies."
        )
    );
}

#[test]
fn a_spanish_efe_item() {
    assert_item(
        "es-efe.json",
        &Expected {
            located: "Madrid",
            credit: "EFE",
            language: "es",
            body: &[
                "El Gobierno aprobó este sábado el proyecto de presupuestos generales del Estado para 2027 en un Consejo de Ministros extraordinario, y lo remitirá al Congreso la próxima semana.",
                "La ministra de Hacienda defendió que las cuentas \"reducen el déficit sin recortar el gasto social\".",
            ],
            removed: &["Lea también: La oposición anuncia enmiendas a la totalidad"],
            // `5 de diciembre de 2026 10:30 GMT`
            first_created: at(5, 10, 30),
        },
    );
}

#[test]
fn an_italian_ansa_item() {
    assert_item(
        "it-ansa.xml",
        &Expected {
            located: "Roma",
            credit: "ANSA",
            language: "it",
            body: &[
                "Il Consiglio dei ministri ha approvato la manovra economica per il 2027. Il testo arriverà alla Camera la prossima settimana.",
                "\"È una manovra seria e responsabile\", ha detto il ministro dell'Economia al termine della riunione a Palazzo Chigi.",
            ],
            removed: &["Leggi anche: Le opposizioni annunciano battaglia in Parlamento"],
            // `sabato 5 dicembre 2026 alle ore 10:30`
            first_created: at(5, 10, 30),
        },
    );
}

#[test]
fn a_portuguese_lusa_item() {
    assert_item(
        "pt-lusa.xml",
        &Expected {
            located: "Lisboa",
            credit: "Lusa",
            language: "pt-PT",
            body: &[
                "O Conselho de Ministros aprovou hoje a proposta de Orçamento do Estado para 2027, que será entregue na Assembleia da República na próxima semana.",
                "O primeiro-ministro afirmou que o documento \"garante contas certas\" e não prevê aumentos de impostos.",
            ],
            removed: &["Leia também: Oposição critica aumento de impostos"],
            // `sábado, 5 de dezembro de 2026 às 10h30`
            first_created: at(5, 10, 30),
        },
    );
}

#[test]
fn a_dutch_anp_item_whose_language_is_detected() {
    assert_item(
        "nl-anp.xml",
        &Expected {
            located: "Amsterdam",
            credit: "ANP",
            language: "nl",
            body: &[
                "Het kabinet heeft zaterdag de begroting voor 2027 gepresenteerd. De Tweede Kamer debatteert volgende week over de plannen.",
                "De minister van Financiën zei dat het tekort \"verantwoord omlaag\" gaat. Volgens het kabinet stijgt de koopkracht van de meeste huishoudens.",
            ],
            removed: &["Lees ook: Oppositie wil meer geld voor de zorg"],
            // `zaterdag 5 december 2026 om 10:30 uur`
            first_created: at(5, 10, 30),
        },
    );
}

const RLM: char = '\u{200F}';

#[test]
fn an_arabic_afp_item() {
    let first = "استؤنفت السبت في جنيف مُحادثاتُ السلام حول سوريا برعاية الأمم المتّحدة، على ما أعلن المبعوث الأممي.";
    let second = format!(
        "وقال المبعوث للصحافيين إنّ «الوفدين في القاعة نفسها، وهذه بدايةٌ» ({RLM}UN{RLM})، مضيفاً أن الجولة المقبلة ستُعقد في كانون الثاني/يناير ٢٠٢٧."
    );
    assert_item(
        "ar-afp.xml",
        &Expected {
            // The place as the dateline writes it; the credit as the agency's name.
            located: "بيروت",
            credit: "AFP",
            language: "ar",
            body: &[first, &second],
            removed: &["اقرأ أيضاً: عشر سنوات من المفاوضات المتعثرة", "ح س/كام"],
            // `السبت، ٥ كانون الأول/ديسمبر ٢٠٢٦ الساعة ١٠:٣٠`
            first_created: at(5, 10, 30),
        },
    );
}

#[test]
fn arabic_text_comes_out_as_it_came_marks_and_diacritics_included() {
    let envelope = item("ar-afp.xml");
    let article = &envelope.article;
    // The headline byte for byte, diacritics included.
    assert_eq!(
        article.headline(),
        Some("استئناف مُحادثات السلام حول سوريا في جنيف برعاية الأمم المتحدة")
    );
    // The first paragraph as it came, with its leading RLM, is the printed dateline; the body
    // is the rest of it and the story's other paragraph, RLM marks around `UN` kept.
    let printed = envelope.wire.dateline.as_deref().unwrap();
    assert!(printed.starts_with("\u{200F}بيروت (أ ف ب) - "), "{printed}");
    let body = article.body_text().unwrap();
    assert!(printed.ends_with(body.split("\n\n").next().unwrap()));
    assert!(body.contains("(\u{200F}UN\u{200F})"), "{body}");
    assert!(
        body.contains("مُحادثاتُ") && body.contains("المتّحدة"),
        "{body}"
    );
    assert!(body.contains("٢٠٢٧"), "digits are kept as written: {body}");
    // The HTML body says the same, escaped only where HTML needs it.
    let html = article
        .bodies
        .iter()
        .find(|b| b.content_type.as_deref() == Some("text/html"))
        .map(|b| b.value.as_str())
        .unwrap();
    assert!(html.contains("(\u{200F}UN\u{200F})"), "{html}");
    assert!(html.contains("مُحادثاتُ السلام"), "{html}");
}

#[test]
fn an_arabic_republication_without_diacritics_is_the_same_text_for_exact_duplicates() {
    let voweled = item("ar-afp.xml");
    let plain = item("ar-afp-unvoweled.xml");
    // Different bytes, different display text...
    assert_ne!(voweled.article.body_text(), plain.article.body_text());
    assert_ne!(voweled.article.headline(), plain.article.headline());
    // ...one text for matching: the same content hash.
    assert!(voweled.wire.content_hash.is_some());
    assert_eq!(voweled.wire.content_hash, plain.wire.content_hash);
    // The republication's dateline, date and boilerplate read the same way.
    assert_eq!(plain.article.located.as_deref(), Some("بيروت"));
    assert_eq!(plain.wire.credit.as_deref(), Some("AFP"));
    assert_eq!(plain.article.first_created, Some(at(5, 10, 30)));
    assert!(
        plain
            .wire
            .removed
            .iter()
            .any(|r| r == "اقرا ايضا: عشر سنوات من المفاوضات المتعثرة")
    );
}
