//! The editorial signals as a new user meets them, through the `wirefeed` binary:
//! `wirefeed parse` on ninjs files, then `wirefeed enrich` on its output. AFP's story, an
//! outlet's pickup, AFP's kill and a late pickup from another outlet: the kill brings a kill
//! notice for the pickup already out, and the late pickup comes out canceled. The story text is
//! synthetic (written for this test).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use integration_tests::processes::wirefeed;
use serde_json::{Value, json};
use wire_model::{Envelope, PubStatus, notice};

const STORY: [&str; 5] = [
    "MOSCOW (AFP) - Top US diplomat John Kerry arrived in Moscow on Thursday for talks with President Vladimir Putin on a plan to coordinate air strikes against jihadists in Syria, officials said.",
    "The proposal, which Washington has kept under wraps, would see the two powers share intelligence on targets around the city of Aleppo and set up a joint command centre in Amman.",
    "Kerry was expected to spend up to four hours with Putin at the Kremlin, before meeting Foreign Minister Sergei Lavrov late into the evening, a State Department official told reporters.",
    "The talks come as a fragile truce brokered by the two countries in February has all but collapsed, with more than 400 civilians killed in the northern province in the past month.",
    "More than 280,000 people have been killed since the conflict began in March 2011, according to a Britain-based monitoring group.",
];

fn item(uri: &str, headline: &str, paragraphs: &[&str], time: &str, extra: Value) -> Value {
    let mut item = json!({
        "uri": uri, "type": "text", "language": "en", "pubstatus": "usable",
        "versioncreated": time, "firstcreated": time,
        "headlines": [{"value": headline}],
        "bodies": [{"contenttype": "text/plain", "value": paragraphs.join("\n\n")}],
    });
    if let (Some(item), Some(extra)) = (item.as_object_mut(), extra.as_object()) {
        item.extend(extra.clone());
    }
    item
}

#[test]
fn parse_then_enrich_withdraws_every_copy_of_a_killed_story() {
    let dir = tempfile::tempdir().unwrap();
    let items = [
        item(
            "urn:afp:kerry",
            "Kerry in Moscow for Syria talks with Putin",
            &STORY,
            "2026-12-05T08:00:00Z",
            json!({"copyrightholder": "AFP"}),
        ),
        item(
            "https://www.straitstimes.com/world/kerry",
            "US top diplomat Kerry meets Putin on Syria",
            &STORY[..4],
            "2026-12-05T09:00:00Z",
            json!({"copyrightholder": "SPH Media"}),
        ),
        item(
            "urn:afp:kerry",
            "KILL: Kerry in Moscow for Syria talks with Putin",
            &["Editors: the story is withdrawn. Please ensure it is not published."],
            "2026-12-05T10:00:00Z",
            json!({"copyrightholder": "AFP", "pubstatus": "canceled", "version": "2"}),
        ),
        item(
            "https://daily.example/kerry",
            "Kerry and Putin meet on Syria",
            &STORY[..4],
            "2026-12-05T11:00:00Z",
            json!({"copyrightholder": "Daily Example"}),
        ),
    ];
    let mut files = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let path = dir.path().join(format!("{index}.json"));
        std::fs::write(&path, item.to_string()).unwrap();
        files.push(path.to_string_lossy().into_owned());
    }
    let mut args = vec!["parse"];
    args.extend(files.iter().map(String::as_str));
    let parsed = wirefeed(&args, &[]);
    assert!(parsed.status.success(), "{parsed:?}");
    let parsed_path = dir.path().join("parsed.jsonl");
    std::fs::write(&parsed_path, &parsed.stdout).unwrap();
    let enriched = wirefeed(&["enrich", &parsed_path.to_string_lossy()], &[]);
    assert!(enriched.status.success(), "{enriched:?}");
    let records: Vec<Envelope> = String::from_utf8_lossy(&enriched.stdout)
        .lines()
        .map(|line| Envelope::decode(line.as_bytes()).unwrap())
        .collect();
    // The original, the pickup, the kill, the pickup's kill notice, the late pickup.
    assert_eq!(records.len(), 5, "{records:#?}");
    let (original, pickup, kill, kill_notice, late) = (
        &records[0],
        &records[1],
        &records[2],
        &records[3],
        &records[4],
    );
    assert_eq!(original.wire.agency.as_deref(), Some("AFP"));
    assert!(original.wire.from_agency);
    assert_eq!(pickup.wire.agency.as_deref(), Some("AFP"), "credited AFP");
    assert!(!pickup.wire.from_agency);
    assert!(kill.wire.change.as_ref().unwrap().kill);
    assert_eq!(kill_notice.article.uri, pickup.article.uri);
    assert_eq!(kill_notice.wire.notice.as_deref(), Some(notice::KILL));
    assert_eq!(kill_notice.article.pub_status, Some(PubStatus::Canceled));
    assert_eq!(
        kill_notice.wire.killed_by.as_deref(),
        Some(kill.article.uri.as_str())
    );
    assert_eq!(late.article.pub_status, Some(PubStatus::Canceled));
    assert_eq!(
        late.wire.killed_by.as_deref(),
        Some(kill.article.uri.as_str())
    );
    assert_eq!(late.wire.family, original.wire.family);
}
