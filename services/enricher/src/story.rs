//! Pure: event clusters ("stories"). Different write-ups of one event share few sentences but
//! the same names and numbers: a new family joins the story whose names and numbers cover most
//! of its own (weighted by rarity, idf), within a time window; else it starts a story.
//!
//! Candidates come from an inverted index of the article's rarest key tokens, never a scan.

use std::collections::HashMap;
use std::sync::Arc;

/// Tokens looked up in the inverted index per article (the rarest first).
const LOOKUP_TOKENS: usize = 12;

#[derive(Debug, Default)]
struct Story {
    /// Token → how many member articles carry it.
    tokens: HashMap<u32, u32>,
    last_seen: i64,
}

/// The story index.
#[derive(Debug, Default)]
pub struct Stories {
    /// Story ids are shared, not copied, between the stories and the postings (an article adds
    /// up to 192 postings).
    stories: HashMap<Arc<str>, Story>,
    postings: HashMap<u32, Vec<Arc<str>>>,
    document_frequency: HashMap<u32, u32>,
    documents: u32,
}

impl Stories {
    /// Counts `tokens` of an article in the corpus statistics (for idf), once per article.
    pub fn observe(&mut self, tokens: &[u32]) {
        self.documents += 1;
        for token in tokens {
            *self.document_frequency.entry(*token).or_default() += 1;
        }
    }

    fn idf(&self, token: u32) -> f64 {
        let df = self.document_frequency.get(&token).copied().unwrap_or(0) as f64;
        ((1.0 + self.documents as f64) / (1.0 + df)).ln()
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
        let total: f64 = tokens.iter().map(|t| self.idf(*t)).sum();
        if total <= 0.0 || tokens.len() < 3 {
            return None;
        }
        let mut rarest: Vec<u32> = tokens.to_vec();
        rarest.sort_by(|a, b| self.idf(*b).total_cmp(&self.idf(*a)));
        let mut candidates: Vec<&Arc<str>> = rarest
            .iter()
            .take(LOOKUP_TOKENS)
            .filter_map(|t| self.postings.get(t))
            .flatten()
            .collect();
        candidates.sort();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|id| self.stories.get(id).map(|story| (id, story)))
            .filter(|(_, story)| (time - story.last_seen).abs() <= window)
            .map(|(id, story)| {
                let covered: f64 = tokens
                    .iter()
                    .filter(|t| story.tokens.contains_key(t))
                    .map(|t| self.idf(*t))
                    .sum();
                (id.to_string(), covered / total)
            })
            .filter(|(_, score)| *score >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Adds an article with `tokens` at `time` to story `id`.
    pub fn add(&mut self, id: &str, tokens: &[u32], time: i64) {
        let id: Arc<str> = match self.stories.get_key_value(id) {
            Some((shared, _)) => shared.clone(),
            None => Arc::from(id),
        };
        let story = self.stories.entry(id.clone()).or_default();
        story.last_seen = story.last_seen.max(time);
        for token in tokens {
            let count = story.tokens.entry(*token).or_default();
            if *count == 0 {
                self.postings.entry(*token).or_default().push(id.clone());
            }
            *count += 1;
        }
    }

    /// Forgets stories not seen since `oldest` (seconds).
    pub fn evict(&mut self, oldest: i64) {
        let stale: Vec<Arc<str>> = self
            .stories
            .iter()
            .filter(|(_, story)| story.last_seen < oldest)
            .map(|(id, _)| id.clone())
            .collect();
        for id in stale {
            if let Some(story) = self.stories.remove(&id) {
                for token in story.tokens.keys() {
                    if let Some(ids) = self.postings.get_mut(token) {
                        ids.retain(|i| *i != id);
                        if ids.is_empty() {
                            self.postings.remove(token);
                        }
                    }
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
