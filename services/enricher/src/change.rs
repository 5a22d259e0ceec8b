//! Pure: what changed from one version of an item to the next, and whether an editor would call
//! it material (`wire.change`).

use crate::config::EnricherConfig;
use crate::features::{self, UpdateMarker};
use crate::index::Entry;
use crate::minhash;
use wire_model::Change;

/// What changed from `previous` to `current`, and whether an editor would call it
/// material: urgency raised, a kill, a correction, the headline's words changed, the lede
/// rewritten, paragraphs added, or at least `material_body_change` of the body's wording
/// new. A touched-up word or two is not, nor a trimmed story.
pub fn summary(
    previous: &Entry,
    current: &Entry,
    marker: Option<UpdateMarker>,
    canceled: bool,
    config: &EnricherConfig,
) -> Change {
    let added = current
        .paragraphs
        .iter()
        .filter(|p| !previous.paragraphs.contains(p))
        .count() as u32;
    let removed = previous
        .paragraphs
        .iter()
        .filter(|p| !current.paragraphs.contains(p))
        .count() as u32;
    let headline_changed = previous.headline_hash != current.headline_hash;
    let urgency_raised = matches!(
        (previous.urgency, current.urgency),
        (Some(before), Some(after)) if after < before
    );
    let kill = canceled && !previous.canceled;
    let correction = marker == Some(UpdateMarker::Correction);
    let lede_rewritten = features::lede_change(&previous.lede, &current.lede)
        .is_some_and(|share| share >= config.material_lede_change);
    let body_changed = body_change(previous, current);
    // A paragraph edited in place is one removed and one added: its size is in
    // `body_changed`. Paragraphs only removed (a trimmed story) tell a desk nothing new.
    let paragraphs_added = added > removed;
    let material = urgency_raised
        || kill
        || correction
        || headline_changed
        || lede_rewritten
        || paragraphs_added
        || f64::from(body_changed) >= config.material_body_change;
    Change {
        from_version: previous.version_seq,
        headline_changed,
        paragraphs_added: added,
        paragraphs_removed: removed,
        urgency_raised,
        kill,
        correction,
        lede_rewritten,
        body_changed,
        reinstated: false,
        material,
    }
}

/// The estimated share of the new version's 4-word sequences that the previous one did not
/// have: its new wording, rounded to two places. Trimming a story adds none; a rewritten
/// sentence or a new paragraph adds its share. From the MinHash Jaccard estimate and the set
/// sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
fn body_change(previous: &Entry, current: &Entry) -> f32 {
    if previous.signature.len() != minhash::HASHES || current.signature.len() != minhash::HASHES {
        return 0.0;
    }
    let narrow = |signature: &[u32]| -> Vec<minhash::Value> {
        signature.iter().map(|v| minhash::narrow(*v)).collect()
    };
    let similarity = minhash::jaccard(&narrow(&previous.signature), &narrow(&current.signature));
    let (before, after) = (
        f64::from(previous.shingle_count),
        f64::from(current.shingle_count.max(1)),
    );
    let shared = similarity * (before + after) / (1.0 + similarity);
    let new_share = (1.0 - shared / after).clamp(0.0, 1.0);
    (new_share * 100.0).round() as f32 / 100.0
}
