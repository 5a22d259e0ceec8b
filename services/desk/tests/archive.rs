//! The archive on disk: searches with the query language, versions, families, stories,
//! facets, paging, and the positions its commits keep.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::sync::Arc;
use wirefeed_desk::search::{Group, Interval, SearchError, SearchRequest, Sort};

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.to_owned(),
        limit: 20,
        facet_size: 10,
        ..SearchRequest::default()
    }
}

fn uris(response: &wirefeed_desk::search::SearchResponse) -> Vec<String> {
    response
        .hits
        .as_ref()
        .expect("hits")
        .iter()
        .map(|hit| hit.uri.clone())
        .collect()
}

fn syria_and_climate() -> Vec<wire_model::Envelope> {
    let syria = with_place(
        with_topic(
            article(
                "urn:afp:1",
                "f1",
                "Syria peace talks resume in Geneva",
                "Envoys met on Monday. The peace, talks went on.",
                1,
            ),
            "syria-peace-process",
            "Syria peace process",
        ),
        "SY",
        "Syria",
    );
    let pickup = pickup(&syria, "urn:straitstimes:9", "straitstimes", 5);
    let climate = with_topic(
        article(
            "urn:afp:2",
            "f2",
            "Climate summit opens",
            "Delegates gather to cut emissions.",
            3,
        ),
        "climate",
        "Climate change",
    );
    vec![syria, pickup, climate]
}

#[test]
fn words_phrases_fields_and_urgency_find_what_the_query_language_means() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    add_all(&mut writer, &syria_and_climate());

    let found = reader.search(&request("syria")).unwrap();
    assert_eq!(found.total, 2);
    assert_eq!(
        uris(&found),
        ["urn:straitstimes:9", "urn:afp:1"],
        "newest first"
    );

    let phrase = reader.search(&request("\"peace talks\"")).unwrap();
    assert_eq!(phrase.total, 2, "the headline has the phrase");
    // "peace, talks" in the body alone would not be the phrase: only the climate story lacks both.
    let not_phrase = reader.search(&request("NOT \"peace talks\"")).unwrap();
    assert_eq!(uris(&not_phrase), ["urn:afp:2"]);

    let field = reader.search(&request("topic:climate")).unwrap();
    assert_eq!(uris(&field), ["urn:afp:2"]);
    let place = reader
        .search(&request("place:sy AND source:straitstimes"))
        .unwrap();
    assert_eq!(uris(&place), ["urn:straitstimes:9"]);
    let prefix = reader.search(&request("emiss*")).unwrap();
    assert_eq!(uris(&prefix), ["urn:afp:2"]);
    let urgent = reader.search(&request("urgency:<=2")).unwrap();
    assert_eq!(urgent.total, 0);
    let everything = reader.search(&request("")).unwrap();
    assert_eq!(everything.total, 3);
}

#[test]
fn a_bad_query_is_refused_with_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let (_writer, reader) = open(dir.path());
    match reader.search(&request("syria AND (talks")) {
        Err(SearchError::Query(error)) => assert!(error.column > 0, "{error}"),
        other => panic!("expected a query error, got {other:?}"),
    }
}

#[test]
fn facets_and_histogram_count_every_match() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    add_all(&mut writer, &syria_and_climate());
    let mut search = request("");
    search.histogram = Some(Interval::Hour);
    let found = reader.search(&search).unwrap();
    let sources = &found.facets["sources"];
    assert!(
        sources.iter().any(|f| f.value == "afp" && f.count == 2),
        "{sources:?}"
    );
    assert!(
        sources
            .iter()
            .any(|f| f.value == "straitstimes" && f.count == 1)
    );
    let topics = &found.facets["topics"];
    assert!(
        topics
            .iter()
            .any(|f| f.value == "Syria peace process" && f.count == 2)
    );
    let histogram = found.histogram.unwrap();
    assert_eq!(histogram.iter().map(|b| b.count).sum::<u64>(), 3);
}

#[test]
fn grouping_by_family_puts_the_pickup_under_its_original() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    add_all(&mut writer, &syria_and_climate());
    let mut search = request("syria OR climate");
    search.group = Some(Group::Family);
    let found = reader.search(&search).unwrap();
    let groups = found.groups.unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].id, "f1");
    assert_eq!(groups[0].lead.uri, "urn:afp:1", "the original leads");
    assert_eq!(groups[0].hits.len(), 2);
}

#[test]
fn a_new_version_replaces_the_old_one_in_searches_and_keeps_it_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    let first = article("urn:afp:7", "f7", "Quake hits Chile", "A quake.", 1);
    add_all(&mut writer, std::slice::from_ref(&first));
    add_all(
        &mut writer,
        &[version(&first, 2, "Strong quake hits Chile, 12 dead")],
    );
    // The same version again (a redelivery) is not doubled.
    add_all(
        &mut writer,
        &[version(&first, 2, "Strong quake hits Chile, 12 dead")],
    );

    assert_eq!(reader.search(&request("quake")).unwrap().total, 1);
    assert_eq!(reader.search(&request("dead")).unwrap().total, 1);
    assert_eq!(reader.search(&request("\"quake hits\"")).unwrap().total, 1);
    let versions = reader.article_versions("urn:afp:7").unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].wire.version_seq, Some(2));
    // A late older version stays history.
    add_all(&mut writer, std::slice::from_ref(&first));
    let hits = reader.search(&request("quake")).unwrap();
    assert_eq!(hits.hits.unwrap()[0].version, 2);
}

#[test]
fn a_family_shows_its_original_versions_pickups_and_kill() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    let envelopes = syria_and_climate();
    add_all(&mut writer, &envelopes);
    add_all(&mut writer, &[killed(&envelopes[1], 2)]);
    let family = reader.family("f1").unwrap().unwrap();
    assert_eq!(family.original.uri, "urn:afp:1");
    assert_eq!(family.pickups.len(), 1);
    assert!(family.killed);
    assert!(reader.family("nope").unwrap().is_none());
    let story = reader.story("story-f1").unwrap().unwrap();
    assert_eq!(story.families.len(), 1);
    assert_eq!(story.families[0].copies, 2);
    assert_eq!(story.families[0].first.uri, "urn:afp:1");
}

#[test]
fn pages_follow_each_other_without_gaps_or_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    // Five at the same minute, so the cursor must page within one time.
    let envelopes: Vec<_> = (0..23)
        .map(|n| {
            article(
                &format!("urn:x:{n}"),
                &format!("f{n}"),
                "Markets",
                "Stocks.",
                n / 5,
            )
        })
        .collect();
    add_all(&mut writer, &envelopes);
    for sort in [Sort::Newest, Sort::Oldest, Sort::Relevance] {
        let mut seen = Vec::new();
        let mut search = request("markets");
        search.limit = 4;
        search.sort = sort;
        loop {
            let page = reader.search(&search).unwrap();
            seen.extend(uris(&page));
            match page.next_cursor {
                Some(cursor) => search.cursor = Some(cursor),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 23, "{sort:?}: {seen:?}");
        assert_eq!(seen.len(), 23, "{sort:?}: no repeats");
    }
}

#[test]
fn commits_keep_the_read_positions_and_a_reopened_archive_has_them() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut writer, _reader) = open(dir.path());
        let envelope = article("urn:afp:1", "f1", "Syria", "Talks.", 1);
        writer
            .add_article(&envelope, Arc::from(envelope.encode()), chrono::Utc::now())
            .unwrap();
        writer.advance("wire.enriched.v1", 0, 41);
        writer.commit("kafka:test").unwrap();
        // Written but not committed: lost with the process, and its position with it.
        writer.advance("wire.enriched.v1", 0, 42);
    }
    let (writer, reader) = open(dir.path());
    let positions = writer.committed().positions_on("kafka:test");
    assert_eq!(
        positions.get(&("wire.enriched.v1".to_owned(), 0)),
        Some(&42)
    );
    assert!(writer.committed().positions_on("memory:other").is_empty());
    assert_eq!(reader.search(&request("syria")).unwrap().total, 1);
}

#[test]
fn alerts_are_kept_per_subscription_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    for (n, family) in ["f1", "f2"].iter().enumerate() {
        let alert = wire_model::Alert {
            schema: wire_model::ALERT_SCHEMA.to_owned(),
            subscription: "syria-desk".to_owned(),
            evidence: vec!["keyword".to_owned()],
            family: wire_model::FamilyId::new(*family),
            article_uri: format!("urn:afp:{n}"),
            headline: "Syria".to_owned(),
            link: None,
            source: wire_model::SourceId::from("afp"),
            published_at: None,
            fetched_at: at(0),
            enriched_at: None,
            alerted_at: at(n as u32),
            kind: None,
            changes: Vec::new(),
            embargoed_until: None,
            version_seq: Some(1),
            extra: Default::default(),
        };
        let payload = alert.encode();
        writer
            .add_alert(&alert, &payload, chrono::Utc::now())
            .unwrap();
        // Twice: kept once.
        writer
            .add_alert(&alert, &payload, chrono::Utc::now())
            .unwrap();
    }
    writer.commit("test").unwrap();
    let alerts = reader.alerts("syria-desk", 10).unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].family.as_str(), "f2");
    assert!(reader.alerts("other", 10).unwrap().is_empty());
    // Alerts are not articles.
    assert_eq!(reader.search(&request("")).unwrap().total, 0);
}

#[test]
fn a_merged_story_is_read_as_the_story_it_became() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, reader) = open(dir.path());
    let english = article("urn:afp:1", "f1", "Quake hits Chile", "A quake.", 1);
    let spanish = article(
        "urn:efe:1",
        "f2",
        "Sismo sacude Chile, quake",
        "Un sismo.",
        2,
    );
    add_all(&mut writer, &[english, spanish]);
    writer
        .add_merge("story-f1", &["story-f2".to_owned()], chrono::Utc::now())
        .unwrap();
    writer.commit("test").unwrap();
    for id in ["story-f1", "story-f2"] {
        let story = reader.story(id).unwrap().unwrap();
        assert_eq!(story.story, "story-f1");
        assert_eq!(story.families.len(), 2);
        assert_eq!(story.merged, ["story-f2"]);
    }
    let mut search = request("quake");
    search.group = Some(Group::Story);
    let groups = reader.search(&search).unwrap().groups.unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0].hits.len(), 2);
}
