//! Pure: event clusters ("stories"). Different write-ups of one event share few sentences but
//! the same names and numbers: a new family joins the story whose names and numbers cover most
//! of its own (weighted by rarity, idf), within a time window; else it starts a story.
//!
//! Candidates come from an inverted index of the article's rarest key tokens, never a scan.

use crate::postings::{Postings, TokenCounts};
use foldhash::HashMap;
use std::collections::VecDeque;

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

    /// The idf mass of `tokens` (weighing `idfs`) this story carries, summed in token order.
    fn covered(&self, tokens: &[u32], idfs: &[f64]) -> f64 {
        tokens
            .iter()
            .zip(idfs)
            .filter(|(t, _)| self.carries(**t))
            .map(|(_, idf)| *idf)
            .sum()
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

/// An article's token weights for a story lookup.
struct Weights {
    /// The idf of each token, in token order.
    idfs: Vec<f64>,
    total: f64,
    /// (token, idf), the rarest first.
    rarest: Vec<(u32, f64)>,
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
        let Weights {
            idfs,
            total,
            rarest,
        } = self.weights(tokens)?;
        // Most candidates share a rare token or two and nothing else. A story is in a token's
        // postings exactly when it carries the token, so the looked-up tokens a candidate
        // lacks are known from the postings alone, and those that lack too much idf mass are
        // ruled out before any other lookup; the rest, by the rarest tokens first, before the
        // full score. Both are bounds on the score, which is summed in token order as always.
        let may_miss = total * (1.0 - threshold) + total * 1e-9;
        let looked_up = &rarest[..rarest.len().min(LOOKUP_TOKENS)];
        let looked_up_mass: f64 = looked_up.iter().map(|(_, idf)| idf).sum();
        let mut carried: Vec<(u32, f64)> = looked_up
            .iter()
            .flat_map(|(token, idf)| self.postings.get(token).iter().map(|slot| (*slot, *idf)))
            .collect();
        carried.sort_unstable_by_key(|(slot, _)| *slot);
        carried
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|postings| {
                let mass: f64 = postings.iter().map(|(_, idf)| idf).sum();
                looked_up_mass - mass <= may_miss
            })
            .map(|postings| postings[0].0)
            .filter_map(|slot| self.stories.get(&slot))
            .filter(|story| (time - story.last_seen).abs() <= window)
            .filter(|story| story.misses_at_most(&rarest, may_miss))
            .map(|story| (story, story.covered(tokens, &idfs) / total))
            .filter(|(_, score)| *score >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(story, score)| (story.id.clone(), score))
    }

    /// Each token's idf once (four sketch lookups and a logarithm), not once per use; `None`
    /// for an article too thin to match (fewer than three tokens, or none with weight).
    fn weights(&self, tokens: &[u32]) -> Option<Weights> {
        let idfs: Vec<f64> = tokens.iter().map(|t| self.idf(*t)).collect();
        let total: f64 = idfs.iter().sum();
        if total <= 0.0 || tokens.len() < 3 {
            return None;
        }
        let mut rarest: Vec<(u32, f64)> =
            tokens.iter().copied().zip(idfs.iter().copied()).collect();
        rarest.sort_by(|a, b| b.1.total_cmp(&a.1));
        Some(Weights {
            idfs,
            total,
            rarest,
        })
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
        key_tokens(text, None)
    }

    /// [`Stories::best_match`] without its bounds: every live story that carries one of the
    /// article's [`LOOKUP_TOKENS`] rarest tokens scored, in slot order.
    fn best_match_by_scan(
        stories: &Stories,
        tokens: &[u32],
        time: i64,
        window: i64,
        threshold: f64,
    ) -> Option<(String, f64)> {
        let Weights {
            idfs,
            total,
            mut rarest,
        } = stories.weights(tokens)?;
        rarest.truncate(LOOKUP_TOKENS);
        let mut slots: Vec<&u32> = stories.stories.keys().collect();
        slots.sort_unstable();
        slots
            .into_iter()
            .filter_map(|slot| stories.stories.get(slot))
            .filter(|story| rarest.iter().any(|(token, _)| story.carries(*token)))
            .filter(|story| (time - story.last_seen).abs() <= window)
            .map(|story| (story, story.covered(tokens, &idfs) / total))
            .filter(|(_, score)| *score >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(story, score)| (story.id.clone(), score))
    }

    #[test]
    fn the_pruned_search_finds_what_scoring_every_story_finds() {
        // Articles of 3 to 30 tokens from a vocabulary with a few very common tokens and a
        // long tail, in 300 stories; then lookups of fresh articles drawn the same way.
        let mut state = 0x5EED_u64;
        let mut next = move |below: u64| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = state;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (x ^ (x >> 31)) % below
        };
        let article = |story: u64, next: &mut dyn FnMut(u64) -> u64| {
            let mut tokens: Vec<u32> = (0..3 + next(28))
                .map(|_| match next(4) {
                    0 => next(20) as u32,                          // common
                    1 => 1_000 + next(5_000) as u32,               // anywhere
                    _ => 100_000 + (story * 50 + next(50)) as u32, // the story's own
                })
                .collect();
            tokens.sort_unstable();
            tokens.dedup();
            tokens
        };
        let mut stories = Stories::default();
        for n in 0..3_000u64 {
            let story = next(300);
            let tokens = article(story, &mut next);
            stories.observe(&tokens);
            stories.add(&format!("s{story}"), &tokens, n as i64);
        }
        let mut matched = 0;
        for n in 0..2_000u64 {
            let tokens = article(next(330), &mut next);
            for threshold in [0.2, 0.4, 0.7] {
                let time = 3_000 + n as i64;
                let found = stories.best_match(&tokens, time, 2_500, threshold);
                assert_eq!(
                    found,
                    best_match_by_scan(&stories, &tokens, time, 2_500, threshold),
                    "{tokens:?} at {threshold}"
                );
                matched += usize::from(found.is_some());
            }
        }
        // Both outcomes are exercised.
        assert!(matched > 500 && matched < 5_500, "{matched} matched");
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
