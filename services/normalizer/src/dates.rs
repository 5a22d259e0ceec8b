//! Lenient dates: whatever a feed writes in `pubDate`, `dc:date`, `published`, `versionCreated`.
//!
//! Strict RFC 3339 and RFC 2822 go through chrono first. What is left is read by a small
//! tokenizer written here, because no crate covers it without a clock or a local time zone
//! (`dateparser` assumes the machine's zone for zone-less dates, which is not pure): RFC 822
//! with named or odd zones (`EST`, `CEST`, `GMT+2`), a missing or wrong weekday, two-digit years,
//! month-first forms (`Sat, Dec 16 2023 02:02:33 PM`), ISO 8601 variants (no zone = UTC, a
//! space for `T`, fractional seconds, basic format `20261124T100000Z`, a date alone).

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

/// The month a name or abbreviation means, in English, German, French, Spanish, Portuguese
/// or Italian (`Nov`, `Dez.`, `Set`, `févr.`, `juil`).
fn month_number(word: &str) -> Option<u32> {
    let lower = word.trim_end_matches('.').to_lowercase();
    if lower.chars().count() < 3 || lower.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let prefix: String = lower.chars().take(3).collect();
    let month = match prefix.as_str() {
        "jan" | "ene" | "gen" => 1,
        "feb" | "fev" | "fév" => 2,
        "mar" | "mär" | "mrz" => 3,
        "apr" | "abr" | "avr" => 4,
        "may" | "mai" | "mag" => 5,
        "jun" | "giu" => 6,
        "jul" | "lug" => 7,
        "aug" | "ago" | "aoû" | "aou" => 8,
        "sep" | "set" => 9,
        "oct" | "okt" | "out" | "ott" => 10,
        "nov" => 11,
        "dec" | "dez" | "dic" | "déc" => 12,
        // French `juin` and `juil` share their first three letters.
        "jui" if lower.starts_with("juin") => 6,
        "jui" if lower.starts_with("juil") => 7,
        _ => return None,
    };
    Some(month)
}

/// A weekday name or abbreviation in the same languages (`Tue`, `Seg`, `Mié`, `Do`). `mar`
/// (Tuesday in Spanish, French and Italian) is also March: [`parse_words`] sorts that out.
fn is_weekday(word: &str) -> bool {
    let lower = word.trim_end_matches(['.', ',']).to_lowercase();
    if ["mo", "di", "mi", "do", "fr", "sa", "so"].contains(&lower.as_str()) {
        return true;
    }
    let prefix: String = lower.chars().take(3).collect();
    [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "seg", "ter", "qua", "qui", "sex", "sáb",
        "sab", "dom", "lun", "mié", "mie", "jue", "vie", "mer", "jeu", "ven", "sam", "dim", "gio",
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
    for word in text.split([' ', ',', '\t']).filter(|word| !word.is_empty()) {
        if is_weekday(word) && month_number(word).is_none() {
            continue;
        }
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
        } else if word.eq_ignore_ascii_case("am") || word.eq_ignore_ascii_case("pm") {
            pm = Some(word.eq_ignore_ascii_case("pm"));
        } else if let Some(number) = Some(word.trim_end_matches(['.', ',']))
            .filter(|digits| digits.chars().all(|c| c.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u32>().ok())
        {
            match (word.len(), day, year) {
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
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
