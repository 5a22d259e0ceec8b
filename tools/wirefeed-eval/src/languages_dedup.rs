//! Duplicate families in one language for `wirefeed-eval languages`: every labelled story of
//! [`wire_corpus::republish::MIN_WORDS_FOR_COPIES`] words or more gets one or two outlet
//! republications with the edits outlets make in that language ([`outlet_copy`]): a new
//! headline, a paragraph dropped or two reordered, an outlet line added, light rewording with
//! the language's own words, accents stripped, and in Arabic the letter forms outlets vary
//! (alef forms, diacritics and tatweel). Originals (from their agency source) and copies (from
//! outlet sources, minutes to hours later) go through the normalizer and, in time order,
//! through the enricher's duplicate index; the predicted `wire.family` is scored against the
//! gold family with pairwise precision and recall ([`crate::clusters`]). Different labelled
//! stories in one language (several on the same topic) are the negatives.

use crate::clusters::{PairCounts, pair_counts};
use crate::languages::{LabelledItem, Pipeline, raw_of};
use chrono::Duration;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization as _;
use wire_corpus::republish::MIN_WORDS_FOR_COPIES;
use wire_model::RawItem;
use wirefeed_enricher::{EnricherConfig, EnricherStage};

/// Duplicate-family figures of one language (or summed over several).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DedupFigures {
    pub originals: usize,
    pub copies: usize,
    pub pairs: PairCounts,
    /// Copies in their original's family, by edit: (edit, linked, total).
    pub recall_by_edit: Vec<(&'static str, usize, usize)>,
    /// Copies not in their original's family, and families mixing stories.
    pub wrong: Vec<String>,
}

impl DedupFigures {
    /// Adds another language's figures (its pairs are disjoint from these).
    pub fn merge(&mut self, other: &DedupFigures) {
        self.originals += other.originals;
        self.copies += other.copies;
        self.pairs.true_positives += other.pairs.true_positives;
        self.pairs.predicted += other.pairs.predicted;
        self.pairs.gold += other.pairs.gold;
        for (edit, linked, total) in &other.recall_by_edit {
            match self.recall_by_edit.iter_mut().find(|(e, _, _)| e == edit) {
                Some(entry) => {
                    entry.1 += linked;
                    entry.2 += total;
                }
                None => self.recall_by_edit.push((edit, *linked, *total)),
            }
        }
        self.recall_by_edit.sort();
    }
}

/// A line an outlet adds to a story it takes from an agency, per language.
fn outlet_lines(language: &str) -> &'static [&'static str] {
    match language {
        "de" => &[
            "Quelle: dpa",
            "Mehr zum Thema lesen Sie auf unserer Website.",
            "(dpa/red)",
        ],
        "fr" => &["Avec AFP", "La rédaction avec AFP", "Source : AFP"],
        "es" => &["Con información de EFE", "Fuente: EFE", "(Redacción)"],
        "it" => &[
            "Fonte: ANSA",
            "(ANSA). Riproduzione riservata",
            "La redazione",
        ],
        "pt" => &["Fonte: Lusa", "Com agências", "(Redação)"],
        "nl" => &[
            "Bron: ANP",
            "(ANP/redactie)",
            "Lees ook onze andere berichten.",
        ],
        "ar" => &["المصدر: وكالات", "(أ ف ب)", "المحرر"],
        _ => &[
            "Copyright Reuters. All rights reserved.",
            "(Reporting by our staff)",
            "-- Reuters",
        ],
    }
}

/// Word replacements an outlet's light rewording makes, per language.
fn rewordings(language: &str) -> &'static [(&'static str, &'static str)] {
    match language {
        "de" => &[
            ("sagte", "erklärte"),
            ("auch", "ebenfalls"),
            ("bereits", "schon"),
            ("jedoch", "aber"),
        ],
        "fr" => &[
            ("a déclaré", "a affirmé"),
            ("a indiqué", "a précisé"),
            ("aussi", "également"),
            ("mais", "cependant"),
        ],
        "es" => &[
            ("dijo", "afirmó"),
            ("también", "asimismo"),
            ("pero", "sin embargo"),
            ("informó", "indicó"),
        ],
        "it" => &[
            ("ha detto", "ha dichiarato"),
            ("anche", "pure"),
            ("ma", "però"),
            ("secondo", "stando a"),
        ],
        "pt" => &[
            ("disse", "afirmou"),
            ("também", "igualmente"),
            ("mas", "porém"),
            ("segundo", "de acordo com"),
        ],
        "nl" => &[
            ("zei", "zegt"),
            ("ook", "eveneens"),
            ("maar", "echter"),
            ("volgens", "aldus"),
        ],
        "ar" => &[
            ("قال", "أكد"),
            ("وقال", "وأكد"),
            ("أيضا", "كذلك"),
            ("لكن", "غير أن"),
        ],
        _ => &[
            ("said", "says"),
            ("also", "as well"),
            ("but", "however"),
            ("officials", "authorities"),
        ],
    }
}

/// `text` with every whole-word occurrence of `from` replaced by `to`.
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..at]);
        out.push_str(if bounded(before) && bounded(after) {
            to
        } else {
            from
        });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Latin accents stripped (`Genève` → `Geneve`), as outlets without accented capitals print.
fn strip_accents(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .nfc()
        .collect()
}

/// Arabic alef forms (`أ إ آ` → `ا`) and final `ى` → `ي`, as outlets spell them.
fn plain_alef(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            'ى' => 'ي',
            c => c,
        })
        .collect()
}

/// Arabic short vowels and tatweel dropped, and the headline's longest word stretched with
/// tatweel instead.
fn arabic_tatweel(headline: &str, body: &str) -> (String, String) {
    let bare = |t: &str| -> String {
        t.chars()
            .filter(|c| !('\u{64b}'..='\u{652}').contains(c) && *c != '\u{640}')
            .collect()
    };
    let headline = bare(headline);
    let longest = headline
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default()
        .to_owned();
    let stretched: String = {
        let chars: Vec<char> = longest.chars().collect();
        let middle = chars.len() / 2;
        chars[..middle]
            .iter()
            .chain(['\u{640}'; 2].iter())
            .chain(&chars[middle..])
            .collect()
    };
    let headline = if longest.chars().count() >= 3 {
        headline.replacen(&longest, &stretched, 1)
    } else {
        headline
    };
    (headline, bare(body))
}

/// A new headline: the original shortened, or the lead's first words after its dateline.
fn new_headline(rng: &mut fastrand::Rng, headline: &str, body: &[String]) -> String {
    let words: Vec<&str> = headline.split_whitespace().collect();
    if rng.bool() && words.len() > 3 {
        return words[..(words.len() * 2 / 3).max(3)].join(" ");
    }
    let lead = body.first().map(String::as_str).unwrap_or(headline);
    let lead = lead
        .char_indices()
        .take(120)
        .find(|(_, c)| *c == '-' || *c == '–')
        .map_or(lead, |(at, c)| {
            lead[at + c.len_utf8()..].trim_start_matches(['.', ' '])
        });
    lead.split_whitespace()
        .take(10)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One outlet copy of a story in `language`: two to four edits. Returns the headline, body
/// and edits.
pub fn outlet_copy(
    rng: &mut fastrand::Rng,
    language: &str,
    headline: &str,
    body: &str,
) -> (String, String, Vec<&'static str>) {
    let mut headline = headline.to_owned();
    let mut paragraphs: Vec<String> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let mut kinds: Vec<u8> = (0..7).collect();
    rng.shuffle(&mut kinds);
    let wanted = rng.usize(2..=4);
    let mut edits = Vec::new();
    for kind in kinds {
        if edits.len() == wanted {
            break;
        }
        let before = (headline.clone(), paragraphs.clone());
        let edit = match kind {
            0 => {
                headline = new_headline(rng, &headline, &paragraphs);
                "new headline"
            }
            1 if paragraphs.len() >= 3 => {
                paragraphs.remove(rng.usize(1..paragraphs.len()));
                "paragraph dropped"
            }
            2 if paragraphs.len() >= 3 => {
                let at = rng.usize(1..paragraphs.len() - 1);
                paragraphs.swap(at, at + 1);
                "paragraphs reordered"
            }
            3 => {
                let lines = outlet_lines(language);
                paragraphs.push(lines[rng.usize(..lines.len())].to_owned());
                "outlet line added"
            }
            4 => {
                for (from, to) in rewordings(language) {
                    headline = replace_words(&headline, from, to);
                    for paragraph in &mut paragraphs {
                        *paragraph = replace_words(paragraph, from, to);
                    }
                }
                "light rewording"
            }
            5 if language == "ar" => {
                headline = plain_alef(&headline);
                paragraphs = paragraphs.iter().map(|p| plain_alef(p)).collect();
                "alef forms changed"
            }
            5 => {
                headline = strip_accents(&headline);
                paragraphs = paragraphs.iter().map(|p| strip_accents(p)).collect();
                "accents stripped"
            }
            6 if language == "ar" => {
                let (h, b) = arabic_tatweel(&headline, &paragraphs.join("\n\n"));
                headline = h;
                paragraphs = b.split("\n\n").map(str::to_owned).collect();
                "diacritics dropped, tatweel added"
            }
            _ => continue,
        };
        // An edit that changed nothing (no accents, no word to reword) is not counted.
        if (&headline, &paragraphs) != (&before.0, &before.1) {
            edits.push(edit);
        }
    }
    (headline, paragraphs.join("\n\n"), edits)
}

struct StreamItem {
    raw: RawItem,
    gold: usize,
    edits: Vec<&'static str>,
    copy: bool,
}

/// The duplicate-family figures of one language's `items`.
pub fn evaluate(
    pipeline: &Pipeline,
    language: &str,
    items: &[LabelledItem],
    config: EnricherConfig,
    seed: u64,
) -> DedupFigures {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut stream = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let original = raw_of(item, index);
        let time = original.fetched_at;
        let words = item.body.split_whitespace().count();
        let copies = if words >= MIN_WORDS_FOR_COPIES {
            rng.usize(1..=2)
        } else {
            0
        };
        for n in 0..copies {
            let (headline, body, edits) =
                outlet_copy(&mut rng, language, &item.headline, &item.body);
            let outlet = format!("outlet-{language}-{}", rng.u8(1..=9));
            let uri = format!("{}:copy-{n}", original.item_identity);
            let at = time + Duration::minutes(rng.i64(5..=300));
            stream.push(StreamItem {
                raw: Pipeline::raw_item(&outlet, &uri, &headline, &body, at),
                gold: index,
                edits,
                copy: true,
            });
        }
        stream.push(StreamItem {
            raw: original,
            gold: index,
            edits: Vec::new(),
            copy: false,
        });
    }
    stream.sort_by_key(|s| s.raw.fetched_at);

    let mut stage = EnricherStage::new(&config);
    let mut predicted: Vec<(String, usize)> = Vec::new();
    let mut enriched: Vec<(&StreamItem, String)> = Vec::new();
    for item in &stream {
        let Ok(envelope) = pipeline.normalize(&item.raw) else {
            continue;
        };
        let family = stage
            .enrich(envelope, item.raw.fetched_at)
            .and_then(|e| e.wire.family.map(|f| f.as_str().to_owned()))
            .unwrap_or_else(|| format!("dropped:{}", item.raw.item_identity));
        predicted.push((family.clone(), item.gold));
        enriched.push((item, family));
    }
    let original_family: HashMap<usize, &str> = enriched
        .iter()
        .filter(|(item, _)| !item.copy)
        .map(|(item, family)| (item.gold, family.as_str()))
        .collect();
    let mut by_edit: HashMap<&'static str, (usize, usize)> = HashMap::new();
    let mut wrong = Vec::new();
    for (item, family) in enriched.iter().filter(|(item, _)| item.copy) {
        let linked = original_family.get(&item.gold) == Some(&family.as_str());
        for edit in &item.edits {
            let entry = by_edit.entry(edit).or_default();
            entry.0 += linked as usize;
            entry.1 += 1;
        }
        if !linked {
            wrong.push(format!(
                "missed copy {} ({})",
                item.raw.item_identity,
                item.edits.join(", ")
            ));
        }
    }
    let mut golds_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (family, gold) in &predicted {
        golds_of.entry(family.as_str()).or_default().push(*gold);
    }
    for golds in golds_of.values_mut() {
        golds.sort_unstable();
        golds.dedup();
        if golds.len() > 1 {
            let ids: Vec<&str> = golds.iter().map(|g| items[*g].id.as_str()).collect();
            wrong.push(format!(
                "one family for different stories: {}",
                ids.join(" + ")
            ));
        }
    }
    wrong.sort();
    let mut recall_by_edit: Vec<(&'static str, usize, usize)> = by_edit
        .into_iter()
        .map(|(edit, (a, b))| (edit, a, b))
        .collect();
    recall_by_edit.sort();
    DedupFigures {
        originals: items.len(),
        copies: stream.iter().filter(|s| s.copy).count(),
        pairs: pair_counts(&predicted),
        recall_by_edit,
        wrong,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewording_replaces_whole_words_only() {
        assert_eq!(
            replace_words("ma mamma ma", "ma", "però"),
            "però mamma però"
        );
        assert_eq!(
            replace_words("Il a déclaré jeudi", "a déclaré", "a affirmé"),
            "Il a affirmé jeudi"
        );
    }

    #[test]
    fn outlet_spellings() {
        assert_eq!(strip_accents("GENÈVE, 5 déc (AFP)"), "GENEVE, 5 dec (AFP)");
        assert_eq!(plain_alef("أكد إيران"), "اكد ايران");
        let (headline, body) = arabic_tatweel("محادثات السلام", "سُورِيَا");
        assert!(headline.contains('\u{640}'));
        assert_eq!(body, "سوريا");
    }
}
