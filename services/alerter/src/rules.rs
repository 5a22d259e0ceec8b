//! Pure: which subscriptions an article matches, and once per story family.
//!
//! All keywords of all subscriptions are compiled into one Aho-Corasick automaton, so matching
//! an article costs one pass over its text whatever the number of subscriptions.

use crate::config::SubscriptionConfig;
use aho_corasick::{AhoCorasick, MatchKind};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use wire_model::{ALERT_SCHEMA, Alert, Envelope, FamilyId};

/// Compiled subscriptions and the families already alerted.
pub struct Rules {
    automaton: Option<AhoCorasick>,
    /// Pattern index → (subscription index, keyword as configured).
    patterns: Vec<(usize, String)>,
    subscription_ids: Vec<String>,
    alerted: HashSet<(usize, FamilyId)>,
}

/// Why an article raised no alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAlert {
    /// A duplicate of an original (its family was handled with the original).
    NotOriginal,
    /// No subscription matched.
    NoMatch,
    /// Every matching subscription was already alerted for this family.
    AlreadyAlerted,
}

impl NoAlert {
    pub fn reason(self) -> &'static str {
        match self {
            Self::NotOriginal => "not_original",
            Self::NoMatch => "no_match",
            Self::AlreadyAlerted => "already_alerted",
        }
    }
}

impl Rules {
    pub fn new(subscriptions: &[SubscriptionConfig]) -> Result<Self, aho_corasick::BuildError> {
        let mut patterns = Vec::new();
        for (index, subscription) in subscriptions.iter().enumerate() {
            for keyword in &subscription.keywords {
                patterns.push((index, keyword.trim().to_owned()));
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(patterns.iter().map(|(_, keyword)| keyword.to_lowercase()))?,
            )
        };
        Ok(Self {
            automaton,
            patterns,
            subscription_ids: subscriptions.iter().map(|s| s.id.clone()).collect(),
            alerted: HashSet::new(),
        })
    }

    /// The alerts `envelope` raises now (one per newly matching subscription).
    pub fn evaluate(
        &mut self,
        envelope: &Envelope,
        now: DateTime<Utc>,
    ) -> Result<Vec<Alert>, NoAlert> {
        if envelope.wire.is_original == Some(false) {
            return Err(NoAlert::NotOriginal);
        }
        let family = envelope
            .wire
            .family
            .clone()
            .unwrap_or_else(|| FamilyId::new(envelope.article.uri.clone()));
        let headline = envelope.article.headline().unwrap_or_default();
        let body = envelope.article.body_text().unwrap_or_default();
        let matches = self.matches(headline, body);
        if matches.is_empty() {
            return Err(NoAlert::NoMatch);
        }
        let mut alerts = Vec::new();
        for (subscription, evidence) in matches {
            if !self.alerted.insert((subscription, family.clone())) {
                continue;
            }
            alerts.push(Alert {
                schema: ALERT_SCHEMA.to_owned(),
                subscription: self.subscription_ids[subscription].clone(),
                evidence,
                family: family.clone(),
                article_uri: envelope.article.uri.clone(),
                headline: headline.to_owned(),
                link: envelope.article.web_link().map(str::to_owned),
                source: envelope.wire.source.clone(),
                published_at: envelope
                    .article
                    .version_created
                    .or(envelope.article.first_created),
                fetched_at: envelope.wire.fetched_at,
                enriched_at: envelope.wire.enriched_at,
                alerted_at: now,
                extra: Default::default(),
            });
        }
        if alerts.is_empty() {
            Err(NoAlert::AlreadyAlerted)
        } else {
            Ok(alerts)
        }
    }

    /// Matching subscriptions with their evidence, in subscription order.
    fn matches(&self, headline: &str, body: &str) -> Vec<(usize, Vec<String>)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut found: Vec<(usize, Vec<String>)> = Vec::new();
        for (field, text) in [("headline", headline), ("body", body)] {
            let lowered = text.to_lowercase();
            for hit in automaton.find_overlapping_iter(&lowered) {
                if !is_whole_word(&lowered, hit.start(), hit.end()) {
                    continue;
                }
                let (subscription, keyword) = &self.patterns[hit.pattern().as_usize()];
                let evidence = format!("keyword {keyword:?} in {field}");
                match found.iter_mut().find(|(s, _)| s == subscription) {
                    Some((_, all)) if !all.contains(&evidence) => all.push(evidence),
                    Some(_) => {}
                    None => found.push((*subscription, vec![evidence])),
                }
            }
        }
        found.sort_by_key(|(subscription, _)| *subscription);
        found
    }
}

fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire_model::{Article, Body, Headline, WireMeta};

    fn subscriptions() -> Vec<SubscriptionConfig> {
        vec![
            SubscriptionConfig {
                id: "syria".to_owned(),
                keywords: vec!["Syria".to_owned(), "peace talks".to_owned()],
            },
            SubscriptionConfig {
                id: "climate".to_owned(),
                keywords: vec!["COP".to_owned()],
            },
        ]
    }

    fn article(headline: &str, body: &str, family: &str, original: bool) -> Envelope {
        Envelope::new(
            Article {
                uri: format!("urn:{family}:{original}"),
                headlines: vec![Headline {
                    role: Some("main".to_owned()),
                    content_type: None,
                    value: headline.to_owned(),
                }],
                bodies: vec![Body {
                    role: None,
                    content_type: Some("text/plain".to_owned()),
                    char_count: None,
                    word_count: None,
                    value: body.to_owned(),
                }],
                ..Article::default()
            },
            WireMeta {
                family: Some(FamilyId::new(family)),
                is_original: Some(original),
                ..WireMeta::default()
            },
        )
    }

    #[test]
    fn alerts_once_per_family_and_subscription() {
        let mut rules = Rules::new(&subscriptions()).unwrap();
        let now = Utc::now();
        let first = article("SYRIA: peace talks resume", "In Geneva.", "f1", true);
        let alerts = rules.evaluate(&first, now).unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].subscription, "syria");
        assert_eq!(
            alerts[0].evidence,
            vec![
                "keyword \"Syria\" in headline".to_owned(),
                "keyword \"peace talks\" in headline".to_owned()
            ]
        );
        assert_eq!(alerts[0].family.as_str(), "f1");
        // The same family again (a new version) does not alert twice.
        assert_eq!(rules.evaluate(&first, now), Err(NoAlert::AlreadyAlerted));
        // A pickup never alerts.
        let pickup = article("Syria talks", "", "f1", false);
        assert_eq!(rules.evaluate(&pickup, now), Err(NoAlert::NotOriginal));
        // Another family does.
        let other = article("Syria", "", "f2", true);
        assert_eq!(rules.evaluate(&other, now).unwrap().len(), 1);
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let mut rules = Rules::new(&subscriptions()).unwrap();
        let now = Utc::now();
        let cops = article("Cops arrest suspect", "Police and cops.", "f3", true);
        assert_eq!(rules.evaluate(&cops, now), Err(NoAlert::NoMatch));
        let cop31 = article("COP31 opens", "", "f4", true);
        assert_eq!(rules.evaluate(&cop31, now), Err(NoAlert::NoMatch));
        let cop = article("Deal at COP", "The COP ended.", "f5", true);
        let alerts = rules.evaluate(&cop, now).unwrap();
        assert_eq!(alerts[0].subscription, "climate");
        assert_eq!(alerts[0].evidence.len(), 2);
    }

    #[test]
    fn no_subscriptions_means_no_alerts() {
        let mut rules = Rules::new(&[]).unwrap();
        let any = article("Syria", "", "f", true);
        assert_eq!(rules.evaluate(&any, Utc::now()), Err(NoAlert::NoMatch));
    }
}
