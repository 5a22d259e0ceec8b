//! Pure: event clusters ("stories"). Different write-ups of one event share few sentences but
//! the same names and numbers: a new family joins the story whose names and numbers cover most
//! of its own (weighted by rarity, idf), within a time window; else it starts a story.
//!
//! Candidates come from an inverted index of the article's rarest key tokens, never a scan.

use crate::postings::{Postings, TokenCounts};
use std::collections::{HashMap, VecDeque};

/// Tokens looked up in the inverted index per article (the rarest first).
const LOOKUP_TOKENS: usize = 12;

#[derive(Debug)]
struct Story {
    id: String,
    /// (token, how many member articles carry it), sorted by token.
    tokens: Vec<(u32, u32)>,
    last_seen: i64,
}

impl Story {
    fn carries(&self, token: u32) -> bool {
        self.tokens
            .binary_search_by_key(&token, |(t, _)| *t)
            .is_ok()
    }

    /// Whether the idf mass of `weighted` tokens (rarest first) this story lacks stays within
    /// `limit`: a bound checked before the exact score, which is summed in token order as
    /// always, so the scores and the match do not change.
    fn misses_at_most(&self, weighted: &[(u32, f64)], limit: f64) -> bool {
        let mut missed = 0.0;
        for (token, idf) in weighted {
            if !self.carries(*token) {
                missed += idf;
                if missed > limit {
                    return false;
                }
            }
        }
        true
    }
}

/// The story index. Memory per story: its id, 8 bytes per distinct token, and about 15 bytes
/// per posting ([`Postings`]); document frequencies live in a fixed-size sketch.
#[derive(Debug, Default)]
pub struct Stories {
    stories: HashMap<u32, Story>,
    slots: HashMap<String, u32>,
    postings: Postings<u32>,
    document_frequency: TokenCounts,
    documents: u32,
    next_slot: u32,
    /// (time, story) for every article added, oldest first: eviction pops from the front
    /// instead of scanning every story.
    added: VecDeque<(i64, u32)>,
}

impl Stories {
    /// Counts `tokens` of an article in the corpus statistics (for idf), once per article.
    pub fn observe(&mut self, tokens: &[u32]) {
        self.documents += 1;
        for token in tokens {
            self.document_frequency.add(*token);
        }
    }

    fn idf(&self, token: u32) -> f64 {
        let df = f64::from(self.document_frequency.count(token));
        ((1.0 + f64::from(self.documents)) / (1.0 + df))
            .ln()
            .max(0.0)
    }

    /// The story an article with `tokens` (sorted, distinct) at `time` (seconds) belongs to and
    /// the confidence, if one covers at least `threshold` of its idf mass and was seen within
    /// `window` seconds.
    pub fn best_match(
        &self,
        tokens: &[u32],
        time: i64,
        window: i64,
        threshold: f64,
    ) -> Option<(String, f64)> {
        // Each token's idf once (four sketch lookups and a logarithm), not once per use.
        let idfs: Vec<f64> = tokens.iter().map(|t| self.idf(*t)).collect();
        let total: f64 = idfs.iter().sum();
        if total <= 0.0 || tokens.len() < 3 {
            return None;
        }
        let mut rarest: Vec<(u32, f64)> =
            tokens.iter().copied().zip(idfs.iter().copied()).collect();
        rarest.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut candidates: Vec<u32> = rarest
            .iter()
            .take(LOOKUP_TOKENS)
            .flat_map(|(t, _)| self.postings.get(t))
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        // Most candidates share a rare token or two and nothing else: looking at the rarest
        // tokens first rules them out after a few lookups, before the full score.
        let may_miss = total * (1.0 - threshold) + total * 1e-9;
        candidates
            .into_iter()
            .filter_map(|slot| self.stories.get(&slot))
            .filter(|story| (time - story.last_seen).abs() <= window)
            .filter(|story| story.misses_at_most(&rarest, may_miss))
            .map(|story| {
                let covered: f64 = tokens
                    .iter()
                    .zip(&idfs)
                    .filter(|(t, _)| story.carries(**t))
                    .map(|(_, idf)| *idf)
                    .sum();
                (story, covered / total)
            })
            .filter(|(_, score)| *score >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(story, score)| (story.id.clone(), score))
    }

    /// Adds an article with `tokens` at `time` to story `id`.
    pub fn add(&mut self, id: &str, tokens: &[u32], time: i64) {
        let slot = match self.slots.get(id) {
            Some(slot) => *slot,
            None => {
                let slot = self.next_slot;
                self.next_slot = self.next_slot.wrapping_add(1);
                self.slots.insert(id.to_owned(), slot);
                self.stories.insert(
                    slot,
                    Story {
                        id: id.to_owned(),
                        tokens: Vec::new(),
                        last_seen: time,
                    },
                );
                slot
            }
        };
        let Some(story) = self.stories.get_mut(&slot) else {
            return;
        };
        story.last_seen = story.last_seen.max(time);
        self.added.push_back((time, slot));
        for token in tokens {
            match story.tokens.binary_search_by_key(token, |(t, _)| *t) {
                Ok(at) => story.tokens[at].1 += 1,
                Err(at) => {
                    story.tokens.insert(at, (*token, 1));
                    self.postings.insert(*token, slot);
                }
            }
        }
    }

    /// Forgets stories not seen since `oldest` (seconds).
    pub fn evict(&mut self, oldest: i64) {
        while let Some(&(time, slot)) = self.added.front() {
            if time >= oldest {
                break;
            }
            self.added.pop_front();
            // A story seen again later stays; its later article has its own queue entry.
            let stale = self
                .stories
                .get(&slot)
                .is_some_and(|story| story.last_seen < oldest);
            if stale && let Some(story) = self.stories.remove(&slot) {
                self.slots.remove(&story.id);
                for (token, _) in &story.tokens {
                    self.postings.remove(*token, slot);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::key_tokens;

    fn tokens(text: &str) -> Vec<u32> {
        key_tokens(text)
    }

    #[test]
    fn write_ups_of_one_event_share_a_story_and_a_similar_event_does_not() {
        let mut stories = Stories::default();
        let background = [
            "Shares in Tokyo rose on Monday as exporters gained.",
            "The Bank of England kept rates on hold in London.",
            "Floods hit Jakarta after heavy rain on Sunday.",
        ];
        for text in background {
            stories.observe(&tokens(text));
        }
        let first = "Actress Tara Reid checked into Promises Treatment Center in Malibu, her rep Jack Ketsoyan told People.";
        let second =
            "Tara Reid has entered Promises in Malibu for treatment, spokesman Jack Ketsoyan said.";
        let other = "Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage, her lawyer Mark Heller said.";
        for text in [first, second, other] {
            stories.observe(&tokens(text));
        }
        stories.add("s1", &tokens(first), 100);
        let (id, confidence) = stories
            .best_match(&tokens(second), 200, 86_400, 0.4)
            .unwrap();
        assert_eq!(id, "s1");
        assert!(confidence >= 0.4);
        assert!(
            stories
                .best_match(&tokens(other), 200, 86_400, 0.4)
                .is_none()
        );
        // Outside the window nothing matches.
        assert!(
            stories
                .best_match(&tokens(second), 100 + 90_000, 86_400, 0.4)
                .is_none()
        );
        stories.evict(150);
        assert!(
            stories
                .best_match(&tokens(second), 200, 86_400, 0.4)
                .is_none()
        );
    }
}
