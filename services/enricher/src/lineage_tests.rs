//! Tests of the lineage core.

use super::*;
use std::collections::HashSet;

#[test]
fn the_verdict_labels_are_a_small_fixed_set() {
    let mut labels: Vec<&str> = Kinship::ALL.iter().map(|kinship| kinship.label()).collect();
    labels.push(Verdict::Resend.label());
    let distinct: HashSet<&str> = labels.iter().copied().collect();
    assert_eq!(distinct.len(), labels.len(), "{labels:?}");
    assert_eq!(
        distinct,
        HashSet::from([
            "resend",
            "version",
            "updated_item",
            "pickup",
            "new_family",
            "story_joined"
        ])
    );
}

mod instance_tests {
    //! Two enricher instances sharing a state store: each takes in the other's entries.
    use super::*;
    use chrono::TimeZone;
    use wire_model::{Article, Body, Headline, SourceId, WireMeta};

    const TEXT: &str = "Top US diplomat John Kerry arrived in Moscow on Thursday for talks with President Vladimir Putin on a plan to coordinate air strikes against jihadists in Syria, officials said.\n\nThe proposal would see the two powers share intelligence on targets around the city of Aleppo and set up a joint command centre in Amman, officials said on Thursday.";

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, hour, 0, 0).unwrap()
    }

    fn copy(uri: &str, source: &str, status: PubStatus, body: &str, hour: u32) -> Envelope {
        Envelope::new(
            Article {
                uri: uri.to_owned(),
                version_created: Some(at(hour)),
                pub_status: Some(status),
                headlines: vec![Headline {
                    role: None,
                    content_type: None,
                    value: "Kerry in Moscow for Syria talks".to_owned(),
                }],
                bodies: vec![Body::plain_text(body)],
                ..Article::default()
            },
            WireMeta {
                source: SourceId::from(source),
                item_identity: uri.to_owned(),
                fetched_at: at(hour),
                ..WireMeta::default()
            },
        )
    }

    /// Processes `envelope` on `lineage` and hands its index writes to `other`.
    fn process(
        lineage: &mut Lineage,
        other: &mut Lineage,
        envelope: Envelope,
        hour: u32,
    ) -> Envelope {
        match lineage.process(envelope, at(hour)) {
            Verdict::Enriched {
                envelope, changed, ..
            } => {
                for entry in changed {
                    other.merge_remote(entry);
                }
                *envelope
            }
            Verdict::Resend => panic!("not a re-send"),
        }
    }

    #[test]
    fn a_kill_and_its_lifting_reach_the_other_instance() {
        let config = EnricherConfig::default();
        let (mut first, mut second) = (Lineage::new(config.clone()), Lineage::new(config));
        let afp = copy("urn:afp:1", "afp-world", PubStatus::Usable, TEXT, 1);
        process(&mut first, &mut second, afp, 1);
        let kill = copy(
            "urn:afp:1",
            "afp-world",
            PubStatus::Canceled,
            "Story withdrawn.",
            2,
        );
        process(&mut first, &mut second, kill, 2);
        let late = copy("urn:outlet:1", "daily", PubStatus::Usable, TEXT, 3);
        let late = process(&mut second, &mut first, late, 3);
        assert_eq!(late.article.pub_status, Some(PubStatus::Canceled));

        let reissue = format!("{TEXT}\n\nThe talks were to continue on Friday.");
        let reissue = copy("urn:afp:1", "afp-world", PubStatus::Usable, &reissue, 4);
        let reissued = process(&mut first, &mut second, reissue, 4);
        assert!(reissued.wire.change.is_some_and(|change| change.reinstated));
        let after = copy("urn:outlet:2", "other", PubStatus::Usable, TEXT, 5);
        let after = process(&mut second, &mut first, after, 5);
        assert_eq!(after.article.pub_status, Some(PubStatus::Usable));
    }
}
