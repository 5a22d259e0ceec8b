//! Pure: the reference judge that keeps real near-duplicates out of the labelled set.
//!
//! Reuters-21578 holds corrected re-sends and rewrites of its own stories under new ids, and
//! says nothing about which stories are the same. Before generated copies are labelled, every
//! story whose exact word-trigram containment in an earlier story is at least
//! [`RELATED_CONTAINMENT`] is set aside as *unlabelled*: it still flows through the enricher
//! but no pair with it is scored. The judge is deliberately generous, exact (no sketches) and
//! independent of the enricher's own features, so what stays labelled as "different stories"
//! really is different text.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};

/// Trigram containment (of the smaller set in the larger) from which a story is related to an
/// earlier one.
pub const RELATED_CONTAINMENT: f64 = 0.5;
/// Trigrams in more stories than this (boilerplate) are not followed.
const MAX_POSTINGS: usize = 200;

fn trigrams(text: &str) -> Vec<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut hashes: Vec<u64> = words
        .windows(3)
        .map(|window| {
            let mut hasher = DefaultHasher::new();
            window.hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// For each text, in order: is it related to an earlier one?
pub fn related_to_earlier(texts: &[&str]) -> Vec<bool> {
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut sizes: Vec<usize> = Vec::with_capacity(texts.len());
    let mut related = Vec::with_capacity(texts.len());
    for (index, text) in texts.iter().enumerate() {
        let own = trigrams(text);
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for trigram in &own {
            if let Some(earlier) = postings.get(trigram).filter(|p| p.len() <= MAX_POSTINGS) {
                for other in earlier {
                    *shared.entry(*other).or_default() += 1;
                }
            }
        }
        related.push(
            !own.is_empty()
                && shared.iter().any(|(other, count)| {
                    *count as f64
                        >= RELATED_CONTAINMENT * own.len().min(sizes[*other as usize]) as f64
                }),
        );
        for trigram in &own {
            postings.entry(*trigram).or_default().push(index as u32);
        }
        sizes.push(own.len());
    }
    related
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_resend_is_related_and_a_templated_story_is_not() {
        let first = "Mountain States Resources Corp said it acquired two mineral properties in Utah and Nevada for an undisclosed sum, adding to its holdings in the region.";
        let corrected = "Mountain States Resources Corp said it acquired two minerals properties in Utah and Nevada for an undisclosed sum, adding to its holdings in the region.";
        let templated =
            "Oper shr 20 cts vs 81 cts Oper net 1.2 mln vs 3.4 mln Revs 45.6 mln vs 40.1 mln";
        let other =
            "Oper shr 11 cts vs 9 cts Oper net 0.5 mln vs 0.4 mln Revs 12.2 mln vs 10.9 mln";
        assert_eq!(
            related_to_earlier(&[first, corrected, templated, other]),
            [false, true, false, false]
        );
    }
}
