//! Pure: what a record of a story means to a desk, in the desk's words. Whether a record
//! withdraws the story (a kill), whether a new version is worth an update (the enricher's
//! `wire.change.material`, and the operator's `update_min_body_change` for changes to the body
//! only), and what changed: `headline rewritten`, `urgency raised to 1`, `lede rewritten`,
//! `2 paragraphs added`, `about 35% of the text changed`, `correction`, `killed by AFP`,
//! `reinstated`.

use wire_model::{Change, Envelope, PubStatus, notice};

/// Whether the record withdraws its story: the kill itself (`pubStatus: canceled`,
/// `wire.change.kill`), a kill notice for a copy already published, or a copy that arrived
/// after the kill (`wire.killed_by`).
pub fn is_canceled(envelope: &Envelope) -> bool {
    envelope.article.pub_status == Some(PubStatus::Canceled)
        || envelope.wire.change.as_ref().is_some_and(|c| c.kill)
        || envelope.wire.killed_by.is_some()
}

/// Whether the record only moves lineage fields of a copy published earlier (the copy lost its
/// place as the family's original): no news for anyone.
pub fn is_lineage_notice(envelope: &Envelope) -> bool {
    envelope.wire.notice.as_deref() == Some(notice::ORIGINAL_HANDOVER)
}

/// Whether the agency lifted a kill with this record: the story is usable again.
pub fn is_reinstatement(envelope: &Envelope) -> bool {
    !is_canceled(envelope) && envelope.wire.change.as_ref().is_some_and(|c| c.reinstated)
}

/// Whether a new version is worth an update to the desks alerted about its story: the enricher
/// found it material, and a change to the body only (wording, paragraphs) changed at least
/// `min_body_change` of the wording (`wire.change.body_changed`).
pub fn worth_an_update(change: &Change, min_body_change: f64) -> bool {
    if !change.material {
        return false;
    }
    let editorial = change.urgency_raised
        || change.kill
        || change.correction
        || change.reinstated
        || change.headline_changed
        || change.lede_rewritten;
    editorial || f64::from(change.body_changed) >= min_body_change
}

/// A new version's changes in words, in the order a desk weighs them.
pub fn describe(change: &Change, envelope: &Envelope) -> Vec<String> {
    let mut changes = Vec::new();
    if change.headline_changed {
        changes.push("headline rewritten".to_owned());
    }
    if change.urgency_raised {
        changes.push(match envelope.article.urgency {
            Some(urgency) => format!("urgency raised to {urgency}"),
            None => "urgency raised".to_owned(),
        });
    }
    if change.lede_rewritten {
        changes.push("lede rewritten".to_owned());
    }
    for (count, what) in [
        (change.paragraphs_added, "added"),
        (change.paragraphs_removed, "removed"),
    ] {
        match count {
            0 => {}
            1 => changes.push(format!("1 paragraph {what}")),
            n => changes.push(format!("{n} paragraphs {what}")),
        }
    }
    if let Some(share) = share_in_words(change.body_changed) {
        changes.push(share);
    }
    if change.correction {
        changes.push("correction".to_owned());
    }
    if change.kill {
        changes.push(killed_by(envelope));
    }
    if change.reinstated {
        changes.push("reinstated".to_owned());
    }
    changes
}

/// The share of the wording changed, as a desk reads it: `about 35% of the text changed`
/// (whole percent below 10 %, else to the nearest 5 %); `None` below half a percent.
pub fn share_in_words(share: f32) -> Option<String> {
    let percent = (share.clamp(0.0, 1.0) * 100.0).round() as u32;
    let shown = match percent {
        0 => return None,
        1..=9 => percent,
        _ => (percent + 2) / 5 * 5,
    };
    Some(format!("about {shown}% of the text changed"))
}

/// Who killed the story: `killed by AFP` when the story's agency is known, else `withdrawn`.
pub fn killed_by(envelope: &Envelope) -> String {
    let agency = envelope
        .wire
        .agency
        .as_deref()
        .or(envelope.wire.credit.as_deref())
        .map(str::trim)
        .filter(|agency| !agency.is_empty());
    match agency {
        Some(agency) => format!("killed by {agency}"),
        None => "withdrawn".to_owned(),
    }
}

/// Why a kill alert was raised, for its `evidence`: which item's kill, and whether this record
/// withdraws the very copy the desk was alerted about.
pub fn kill_evidence(envelope: &Envelope, alerted_copies: &[&str]) -> Vec<String> {
    let uri = envelope.article.uri.as_str();
    let kill = envelope.wire.killed_by.as_deref().unwrap_or(uri);
    let mut evidence = vec![if kill == uri {
        format!("the story was killed: {uri}")
    } else {
        format!("the story was killed by {kill}")
    }];
    if kill != uri && alerted_copies.contains(&uri) {
        evidence.push(format!(
            "{uri}, the copy you were alerted about, is withdrawn"
        ));
    }
    evidence
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn what_changed_reads_as_a_desk_says_it() {
        let mut story = article("urn:afp:1", "f1", "Quake hits Chile", "P1.\n\nP2.");
        story.article.urgency = Some(1);
        story.wire.agency = Some("AFP".to_owned());
        let everything = Change {
            headline_changed: true,
            urgency_raised: true,
            lede_rewritten: true,
            paragraphs_added: 2,
            paragraphs_removed: 1,
            body_changed: 0.347,
            correction: true,
            kill: true,
            reinstated: true,
            material: true,
            ..Change::default()
        };
        assert_eq!(
            describe(&everything, &story),
            vec![
                "headline rewritten",
                "urgency raised to 1",
                "lede rewritten",
                "2 paragraphs added",
                "1 paragraph removed",
                "about 35% of the text changed",
                "correction",
                "killed by AFP",
                "reinstated",
            ]
        );
        story.wire.agency = None;
        assert_eq!(killed_by(&story), "withdrawn");
        story.wire.credit = Some("Reuters".to_owned());
        assert_eq!(killed_by(&story), "killed by Reuters");
    }

    #[test]
    fn shares_are_rounded_as_a_reader_expects() {
        assert_eq!(share_in_words(0.004), None);
        assert_eq!(
            share_in_words(0.012).as_deref(),
            Some("about 1% of the text changed")
        );
        assert_eq!(
            share_in_words(0.12).as_deref(),
            Some("about 10% of the text changed")
        );
        assert_eq!(
            share_in_words(0.13).as_deref(),
            Some("about 15% of the text changed")
        );
        assert_eq!(
            share_in_words(1.5).as_deref(),
            Some("about 100% of the text changed")
        );
    }

    #[test]
    fn the_operator_threshold_applies_to_body_only_changes() {
        let typo = Change {
            body_changed: 0.01,
            material: false,
            ..Change::default()
        };
        assert!(!worth_an_update(&typo, 0.0), "the enricher says immaterial");
        let small_rewrite = Change {
            body_changed: 0.08,
            material: true,
            ..Change::default()
        };
        assert!(worth_an_update(&small_rewrite, 0.0));
        assert!(!worth_an_update(&small_rewrite, 0.2));
        let new_lede = Change {
            lede_rewritten: true,
            ..small_rewrite
        };
        assert!(
            worth_an_update(&new_lede, 0.2),
            "an editorial change is not body-only"
        );
    }
}
