//! Lenient dates: whatever a feed writes in `pubDate`, `dc:date`, `published`, `versionCreated`.
//!
//! Strict RFC 3339 and RFC 2822 go through chrono first. What is left is read by a small
//! tokenizer written here, because no crate covers it without a clock or a local time zone
//! (`dateparser` assumes the machine's zone for zone-less dates, which is not pure): RFC 822
//! with named or odd zones (`EST`, `CEST`, `GMT+2`), a missing or wrong weekday, two-digit years,
//! month-first forms (`Sat, Dec 16 2023 02:02:33 PM`), ISO 8601 variants (no zone = UTC, a
//! space for `T`, fractional seconds, basic format `20261124T100000Z`, a date alone), and dates
//! written out in the wire's languages: `5. Dezember 2026`, `5 décembre 2026 à 10h30`,
//! `5 de diciembre de 2026`, `5 dicembre 2026`, `5 de dezembro de 2026`, `5 december 2026`,
//! `٥ كانون الأول/ديسمبر ٢٠٢٦` (Arabic month names of the Levant, Egypt and the Maghreb, and
//! Arabic-Indic digits).

use crate::arabic;
use std::borrow::Cow;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};

/// The instant `text` names, in UTC; `None` when it is not a date.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 100 {
        return None;
    }
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc2822(text))
        .map(|date| date.to_utc())
        .ok()
        .or_else(|| parse_iso(text))
        .or_else(|| parse_words(text))
        .filter(|date| (1970..=2200).contains(&date.year()))
}

/// ISO 8601 forms chrono's RFC 3339 parser refuses.
fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    let (main, offset) = split_iso_offset(text);
    let main = main.replacen(' ', "T", 1);
    const FORMATS: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y%m%dT%H%M%S%.f",
        "%Y%m%dT%H%M",
    ];
    let naive = FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&main, format).ok())
        .or_else(|| {
            ["%Y-%m-%d", "%Y%m%d"]
                .iter()
                .find_map(|format| NaiveDate::parse_from_str(&main, format).ok())
                .map(|date| date.and_time(NaiveTime::MIN))
        })?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|d| d.to_utc())
}

/// Splits a trailing ISO zone (`Z`, `+01:00`, `+0100`, `+01`) off; no zone is UTC.
fn split_iso_offset(text: &str) -> (&str, FixedOffset) {
    let utc = Utc.fix();
    if let Some(main) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return (main, utc);
    }
    // The zone sign comes after the time: search from the `T` or space on.
    let time_start = text.find(['T', ' ']).unwrap_or(text.len());
    let zone_at = text
        .get(time_start..)
        .and_then(|time| time.rfind(['+', '-']))
        .map(|at| at + time_start);
    if let Some((main, offset)) = zone_at.and_then(|at| {
        let offset = numeric_offset(text.get(at..)?)?;
        Some((text.get(..at)?, offset))
    }) {
        return (main.trim_end(), offset);
    }
    (text, utc)
}

/// `+0100`, `+01:00`, `-05`, `+2` as an offset.
fn numeric_offset(zone: &str) -> Option<FixedOffset> {
    let (sign, digits) = match zone.split_at_checked(1)? {
        ("+", rest) => (1, rest),
        ("-", rest) => (-1, rest),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let (h, m) = digits.split_at(digits.len() - 2);
            (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
        }
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The offset of a named zone, in hours and minutes east of UTC.
fn named_offset(name: &str) -> Option<FixedOffset> {
    let upper = name.to_ascii_uppercase();
    for prefix in ["GMT", "UTC", "UT"] {
        if let Some(rest) = upper.strip_prefix(prefix) {
            return if rest.is_empty() {
                Some(Utc.fix())
            } else {
                numeric_offset(rest)
            };
        }
    }
    let minutes = match upper.as_str() {
        "Z" | "WET" => 0,
        "EST" => -300,
        "EDT" | "AST" => -240,
        "CST" => -360,
        "CDT" => -300,
        "MST" => -420,
        "MDT" => -360,
        "PST" => -480,
        "PDT" => -420,
        "AKST" => -540,
        "AKDT" => -480,
        "HST" => -600,
        "BST" | "CET" | "WEST" | "MEZ" => 60,
        "CEST" | "EET" | "MESZ" | "SAST" => 120,
        "EEST" | "MSK" | "EAT" => 180,
        "IST" => 330,
        "SGT" | "HKT" | "AWST" => 480,
        "JST" | "KST" => 540,
        "AEST" => 600,
        "AEDT" => 660,
        "NZST" => 720,
        "NZDT" => 780,
        _ => return None,
    };
    FixedOffset::east_opt(minutes * 60)
}

/// The month a name or abbreviation means, in English, German, French, Spanish, Italian,
/// Portuguese, Dutch or Arabic (`Nov`, `Dez.`, `Jänner`, `févr.`, `juil`, `dic`, `set`, `mrt`,
/// `mei`, `ديسمبر`, `شباط`). Arabic words are read folded ([`arabic::fold`]).
pub fn month_number(word: &str) -> Option<u32> {
    let lower = word.trim_end_matches(['.', ',']).to_lowercase();
    if arabic::has_arabic(&lower) {
        return arabic_month(&arabic::fold(&lower));
    }
    if lower.chars().count() < 3 || lower.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let prefix: String = lower.chars().take(3).collect();
    let month = match prefix.as_str() {
        "jan" | "ene" | "gen" | "jän" => 1,
        "feb" | "fev" | "fév" => 2,
        "mar" | "mär" | "mrz" | "mrt" => 3,
        "apr" | "abr" | "avr" => 4,
        "may" | "mai" | "mag" | "mei" => 5,
        "jun" | "giu" => 6,
        "jul" | "lug" => 7,
        "aug" | "ago" | "aoû" | "aou" => 8,
        "sep" | "set" => 9,
        "oct" | "okt" | "out" | "ott" => 10,
        "nov" => 11,
        "dec" | "dez" | "dic" | "déc" => 12,
        // French `juin` and `juil` share their first three letters; Dutch `maart` is not
        // `maandag` (Monday).
        "jui" if lower.starts_with("juin") => 6,
        "jui" if lower.starts_with("juil") => 7,
        "maa" if lower.starts_with("maart") => 3,
        _ => return None,
    };
    Some(month)
}

/// Arabic month names, folded: the Syriac names of the Levant and Iraq, the names from English
/// of Egypt and the Gulf, and those from French of the Maghreb. The two-word Levantine names
/// (`كانون الأول`) are made one word first ([`date_words`]).
fn arabic_month(name: &str) -> Option<u32> {
    let month = |name: &str| {
        Some(match name {
            "يناير" | "جانفي" | "كانون_الثاني" => 1,
            "فبراير" | "فيفري" | "شباط" => 2,
            "مارس" | "اذار" => 3,
            "ابريل" | "افريل" | "نيسان" => 4,
            "مايو" | "ماي" | "ايار" => 5,
            "يونيو" | "يونيه" | "جوان" | "حزيران" => 6,
            "يوليو" | "يوليه" | "يوليوز" | "جويليه" | "تموز" => 7,
            "اغسطس" | "غشت" | "اوت" | "اب" => 8,
            "سبتمبر" | "شتنبر" | "ايلول" => 9,
            "اكتوبر" | "تشرين_الاول" => 10,
            "نوفمبر" | "نونبر" | "تشرين_الثاني" => 11,
            "ديسمبر" | "دجنبر" | "كانون_الاول" => 12,
            _ => return None,
        })
    };
    // A leading `و` (and) or `ب` (in) is not part of the name.
    month(name).or_else(|| {
        name.strip_prefix(['و', 'ب'])
            .filter(|rest| rest.chars().count() >= 3)
            .and_then(month)
    })
}

/// `text` ready to be split into date words: Arabic folded, with Arabic-Indic digits as ASCII,
/// the two-word Levantine month names joined (`كانون_الأول`), `كانون الأول/ديسمبر` split at
/// its slash, and the Arabic comma a comma. Text without Arabic is returned as it is.
pub fn date_words(text: &str) -> Cow<'_, str> {
    if !text.chars().any(arabic::is_arabic) {
        return Cow::Borrowed(text);
    }
    let mut folded = arabic::fold(text)
        .replace('\u{060C}', ",")
        .replace('/', " ");
    for (two_words, one_word) in [
        ("كانون الثاني", "كانون_الثاني"),
        ("كانون الاول", "كانون_الاول"),
        ("تشرين الاول", "تشرين_الاول"),
        ("تشرين الثاني", "تشرين_الثاني"),
    ] {
        folded = folded.replace(two_words, one_word);
    }
    Cow::Owned(folded)
}

/// Words a written-out date has besides its day, month, year and time: `5 de diciembre de
/// 2026`, `5 décembre 2026 à 10h30`, `5. Dezember 2026 um 10:30 Uhr` (German `am` is read
/// where AM is), `om 10:30 uur`, `في 5
/// ديسمبر`, `الساعة 10:30`.
fn is_filler(word: &str) -> bool {
    let lower = word.to_lowercase();
    matches!(
        lower.as_str(),
        "de" | "del"
            | "le"
            | "el"
            | "il"
            | "à"
            | "a"
            | "às"
            | "alle"
            | "ore"
            | "um"
            | "uhr"
            | "om"
            | "uur"
            | "op"
            | "في"
            | "يوم"
            | "الساعه"
            | "h"
    )
}

/// A French or Portuguese clock (`10h30`, `10h`, `10H30`) as `10:30`.
fn french_clock(word: &str) -> Option<String> {
    let (hours, minutes) = word.split_once(['h', 'H'])?;
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    (!hours.is_empty()
        && hours.len() <= 2
        && digits(hours)
        && minutes.len() <= 2
        && digits(minutes))
    .then(|| {
        format!(
            "{hours}:{}",
            if minutes.is_empty() { "00" } else { minutes }
        )
    })
}

/// A day with an ordinal mark (`1er`, `1º`, `1°`) as its number.
fn without_ordinal(word: &str) -> &str {
    word.strip_suffix("er")
        .or_else(|| word.strip_suffix(['º', '°', 'ª']))
        .filter(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or(word)
}

/// A weekday name or abbreviation in the same languages (`Tue`, `Seg`, `Mié`, `Do`). `mar`
/// (Tuesday in Spanish, French and Italian) is also March: [`parse_words`] sorts that out.
fn is_weekday(word: &str) -> bool {
    let lower = word.trim_end_matches(['.', ',']).to_lowercase();
    if [
        "mo", "di", "mi", "do", "fr", "sa", "so", "ma", "wo", "vr", "za", "zo",
    ]
    .contains(&lower.as_str())
    {
        return true;
    }
    if arabic::has_arabic(&lower) {
        let folded = arabic::fold(&lower);
        let day = folded.strip_prefix("ال").unwrap_or(&folded);
        return ["سبت", "احد", "اثنين", "ثلاثاء", "اربعاء", "خميس", "جمعه"].contains(&day);
    }
    let prefix: String = lower.chars().take(3).collect();
    [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "seg", "ter", "qua", "qui", "sex", "sáb",
        "sab", "dom", "lun", "mié", "mie", "jue", "vie", "mer", "jeu", "ven", "sam", "dim", "gio",
        // German (Dienstag, Mittwoch, Donnerstag, Freitag, Sonntag) and Dutch (maandag to
        // zondag) beyond those.
        "die", "mit", "don", "fre", "son", "maa", "din", "woe", "vri", "zat", "zon",
    ]
    .contains(&prefix.as_str())
}

/// RFC 822 and its relatives, word by word: weekday (ignored), day, month name, year, time,
/// AM/PM, zone, in any usual order.
fn parse_words(text: &str) -> Option<DateTime<Utc>> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time = None;
    let mut pm = None;
    let mut offset = None;
    let words = date_words(text);
    for word in words
        .split([' ', ',', '\t'])
        .filter(|word| !word.is_empty())
    {
        if is_weekday(word) && month_number(word).is_none() || is_filler(word) {
            continue;
        }
        let clock = french_clock(word);
        let word = clock.as_deref().unwrap_or(word);
        let word = without_ordinal(word);
        if let Some(number) = month_number(word) {
            // A second month word: the first was a weekday (`mar, 24 sep 2018`).
            month = Some(number);
        } else if word.contains(':') && time.is_none() {
            let (clock, zone) = match word.find(['+', '-']) {
                Some(at) => word.split_at(at),
                None => (word, ""),
            };
            time = Some(parse_clock(clock)?);
            if !zone.is_empty() {
                offset = Some(numeric_offset(zone)?);
            }
        } else if word.eq_ignore_ascii_case("am") && time.is_none() {
            // German `am 5. Dezember`: AM only follows a time.
            continue;
        } else if word.eq_ignore_ascii_case("am") || word.eq_ignore_ascii_case("pm") {
            pm = Some(word.eq_ignore_ascii_case("pm"));
        } else if let Some((digits, number)) = Some(word.trim_end_matches(['.', ',']))
            .filter(|digits| digits.chars().all(|c| c.is_ascii_digit()))
            .and_then(|digits| Some((digits, digits.parse::<u32>().ok()?)))
        {
            match (digits.len(), day, year) {
                (4, _, None) => year = Some(number as i32),
                (1..=3, None, _) if (1..=31).contains(&number) => day = Some(number),
                (2, Some(_), None) => year = Some(two_digit_year(number)),
                _ => return None,
            }
        } else if let Some(zone) = named_offset(word).or_else(|| numeric_offset(word)) {
            offset = Some(zone);
        } else {
            return None;
        }
    }
    let mut time = time.unwrap_or(NaiveTime::MIN);
    if let Some(pm) = pm {
        time = apply_meridiem(time, pm)?;
    }
    let date = NaiveDate::from_ymd_opt(year?, month?, day?)?;
    let offset = offset.unwrap_or(Utc.fix());
    offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|d| d.to_utc())
}

/// RFC 2822's rule: 00-49 is 2000-2049, 50-99 is 1950-1999.
fn two_digit_year(year: u32) -> i32 {
    let year = year as i32;
    if year < 50 { 2000 + year } else { 1900 + year }
}

fn parse_clock(clock: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(clock, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .ok()
}

fn apply_meridiem(time: NaiveTime, pm: bool) -> Option<NaiveTime> {
    use chrono::Timelike;
    let hour = time.hour();
    let hour = match (hour, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (1..=11, true) => hour + 12,
        (0..=11, false) => hour,
        _ => return None,
    };
    time.with_hour(hour)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|d| d.to_utc())
            .unwrap_or_default()
    }

    #[test]
    fn lenient_dates_table() {
        let cases = [
            ("Tue, 24 Nov 2026 10:00:00 +0100", "2026-11-24T09:00:00Z"),
            ("Tue, 24 Nov 2026 10:00:00 EST", "2026-11-24T15:00:00Z"),
            ("24 Nov 2026 10:00:00 PDT", "2026-11-24T17:00:00Z"),
            ("Tue, 24 Nov 2026 10:00:00 CEST", "2026-11-24T08:00:00Z"),
            ("Tue, 24 Nov 2026 10:00:00 GMT+2", "2026-11-24T08:00:00Z"),
            ("Mon, 24 Nov 2026 10:00:00 GMT", "2026-11-24T10:00:00Z"),
            ("Tue, 24 Nov 26 10:00 GMT", "2026-11-24T10:00:00Z"),
            ("24 Nov 99 10:00:00 +0000", "1999-11-24T10:00:00Z"),
            ("Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33Z"),
            ("December 16, 2023 12:05 AM EST", "2023-12-16T05:05:00Z"),
            ("2026-11-24T10:00:00", "2026-11-24T10:00:00Z"),
            ("2026-11-24 10:00:00", "2026-11-24T10:00:00Z"),
            ("2026-11-24 10:00:00.123+01:00", "2026-11-24T09:00:00.123Z"),
            ("2026-11-24T10:00:00.5Z", "2026-11-24T10:00:00.5Z"),
            ("2026-11-24T10:00+0100", "2026-11-24T09:00:00Z"),
            ("20261124T100000Z", "2026-11-24T10:00:00Z"),
            ("20261124T100000+0100", "2026-11-24T09:00:00Z"),
            ("2019-12-07", "2019-12-07T00:00:00Z"),
            ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40Z"),
            ("mar, 24 sep 2018 10:00:00 +0200", "2018-09-24T08:00:00Z"),
            ("Di, 24 Dez. 2024 10:00 MEZ", "2024-12-24T09:00:00Z"),
            ("24 mars 2024 10:00", "2024-03-24T10:00:00Z"),
            ("5 juil. 2024 10:00", "2024-07-05T10:00:00Z"),
            ("  2025-01-28T09:18:34+01:00 ", "2025-01-28T08:18:34Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Some(utc(expected)), "{text}");
        }
    }

    #[test]
    fn dates_written_out_in_each_language() {
        let cases = [
            // German
            ("5. Dezember 2026", "2026-12-05T00:00:00Z"),
            (
                "Samstag, 5. Dezember 2026, 10:30 Uhr",
                "2026-12-05T10:30:00Z",
            ),
            (
                "am 5. Dezember 2026 um 14:15 Uhr MEZ",
                "2026-12-05T13:15:00Z",
            ),
            ("5. Jänner 2027", "2027-01-05T00:00:00Z"),
            ("3. März 2026", "2026-03-03T00:00:00Z"),
            // French
            ("5 décembre 2026", "2026-12-05T00:00:00Z"),
            ("samedi 5 décembre 2026 à 10h30", "2026-12-05T10:30:00Z"),
            ("1er août 2026", "2026-08-01T00:00:00Z"),
            ("5 févr. 2026", "2026-02-05T00:00:00Z"),
            // Spanish
            ("5 de diciembre de 2026", "2026-12-05T00:00:00Z"),
            (
                "sábado, 5 de diciembre de 2026, 10:30 GMT",
                "2026-12-05T10:30:00Z",
            ),
            ("21 de septiembre del 2026", "2026-09-21T00:00:00Z"),
            // Italian
            ("5 dicembre 2026", "2026-12-05T00:00:00Z"),
            (
                "sabato 5 dicembre 2026 alle ore 10:30",
                "2026-12-05T10:30:00Z",
            ),
            ("12 giugno 2026", "2026-06-12T00:00:00Z"),
            // Portuguese
            ("5 de dezembro de 2026", "2026-12-05T00:00:00Z"),
            (
                "sábado, 5 de dezembro de 2026 às 10h30",
                "2026-12-05T10:30:00Z",
            ),
            ("1º de outubro de 2026", "2026-10-01T00:00:00Z"),
            // Dutch
            ("5 december 2026", "2026-12-05T00:00:00Z"),
            (
                "zaterdag 5 december 2026 om 10:30 uur",
                "2026-12-05T10:30:00Z",
            ),
            ("12 maart 2026", "2026-03-12T00:00:00Z"),
            ("5 mei 2026", "2026-05-05T00:00:00Z"),
            ("maandag 2 mrt. 2026", "2026-03-02T00:00:00Z"),
            // Arabic: the Levant's, Egypt's and the Maghreb's month names, Arabic-Indic digits
            ("5 ديسمبر 2026", "2026-12-05T00:00:00Z"),
            ("٥ كانون الأول/ديسمبر ٢٠٢٦", "2026-12-05T00:00:00Z"),
            (
                "السبت، ٥ كانون الأول ٢٠٢٦ الساعة ١٠:٣٠",
                "2026-12-05T10:30:00Z",
            ),
            ("12 شباط 2026", "2026-02-12T00:00:00Z"),
            ("3 تشرين الثاني 2026", "2026-11-03T00:00:00Z"),
            ("15 أغسطس 2026", "2026-08-15T00:00:00Z"),
            ("15 آب 2026", "2026-08-15T00:00:00Z"),
            ("7 يونيو 2026", "2026-06-07T00:00:00Z"),
            ("9 شتنبر 2026", "2026-09-09T00:00:00Z"),
            ("الخميس 3 كانون الثاني/يناير 2027", "2027-01-03T00:00:00Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Some(utc(expected)), "{text}");
        }
    }

    #[test]
    fn things_that_are_not_dates_are_none() {
        for text in [
            "",
            "yesterday",
            "Tue, 32 Nov 2026 10:00:00 GMT",
            "25:00",
            "2026-13-01",
            "Nov 2026",
            "Tue, 24 Nov 2026 10:00:00 XYZ",
            "12345678901234567890",
            "24 Nov 2026 13:00 PM",
            "5 de diciembre",
            "Lesen Sie auch 5 Dezember 2026",
            "كانون الأول 2026",
            "٥ بيروت ٢٠٢٦",
            "maandag 5 2026",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
