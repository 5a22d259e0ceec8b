use super::*;
use crate::features::key_tokens;
use crate::story_terms::{story_words, story_years};

/// An article's story terms, owned.
struct Terms {
    names: Vec<u32>,
    words: Vec<u32>,
    years: Vec<u16>,
}

impl Terms {
    fn of(headline: &str, body: &str) -> Self {
        Self {
            names: key_tokens(body, None),
            words: story_words(headline, body, None),
            years: story_years(headline, body),
        }
    }

    fn input(&self) -> StoryInput<'_> {
        StoryInput {
            names: &self.names,
            words: &self.words,
            years: &self.years,
        }
    }
}

const DAY: i64 = 86_400;

fn scoring(min_similarity: f64) -> StoryScoring {
    StoryScoring {
        min_similarity,
        names_weight: 0.5,
        year_penalty: 0.2,
        min_names_similarity: 0.35,
        window: DAY,
        merge_ratio: 1.0,
        same_language_merge_ratio: 0.0,
        rejoin_ratio: 0.0,
    }
}

/// A family as a story record shows it, first written at `time` (seconds).
fn member(family: &str, time: i64) -> StoryMember {
    StoryMember {
        family: wire_model::FamilyId::from(family),
        article_uri: format!("urn:{family}"),
        headline: String::new(),
        source: wire_model::SourceId::from("wire"),
        agency: None,
        language: None,
        first_created: chrono::DateTime::from_timestamp(time, 0).unwrap_or_default(),
        embargoed_until: None,
    }
}

fn stories_with_background() -> Stories {
    let mut stories = Stories::default();
    let background = [
        (
            "Tokyo shares rise",
            "Shares in Tokyo rose on Monday as exporters gained ground.",
        ),
        (
            "BoE holds",
            "The Bank of England kept rates on hold in London on Thursday.",
        ),
        (
            "Jakarta floods",
            "Floods hit Jakarta after heavy rain on Sunday, officials said.",
        ),
        (
            "Oil falls",
            "Oil prices fell in Asian trade as OPEC weighed output cuts.",
        ),
    ];
    for (headline, body) in background {
        stories.observe(Terms::of(headline, body).input());
    }
    stories
}

/// Two write-ups of one event: Tara Reid checks into rehab.
fn tara_reid_in_rehab() -> (Terms, Terms) {
    let first = Terms::of(
        "Tara Reid checks into rehab",
        "Actress Tara Reid checked into Promises Treatment Center in Malibu, her rep Jack \
         Ketsoyan told People magazine.",
    );
    let second = Terms::of(
        "Tara Reid enters Promises rehab",
        "Tara Reid has entered Promises in Malibu for treatment, her spokesman Jack Ketsoyan \
         said on Friday.",
    );
    (first, second)
}

#[test]
fn write_ups_of_one_event_share_a_story_and_a_similar_event_does_not() {
    let mut stories = stories_with_background();
    let (first, second) = tara_reid_in_rehab();
    let other = Terms::of(
        "Lindsay Lohan checks into rehab",
        "Actress Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage, her lawyer \
         Mark Heller said.",
    );
    for terms in [&first, &second, &other] {
        stories.observe(terms.input());
    }
    stories.add("s1", first.input(), &member("f1", 100), 100);
    let (id, similarity) = stories
        .best_match(second.input(), 200, &scoring(0.25))
        .expect("the second write-up joins");
    assert_eq!(id, "s1");
    assert!(similarity >= 0.25);
    let other_similarity = stories
        .best_match(other.input(), 200, &scoring(0.0))
        .map_or(0.0, |(_, s)| s);
    assert!(
        other_similarity < similarity,
        "{other_similarity} against {similarity}"
    );
    assert!(
        stories
            .best_match(other.input(), 200, &scoring(0.25))
            .is_none()
    );
    // Outside the window nothing matches; evicted stories are gone.
    assert!(
        stories
            .best_match(second.input(), 100 + 2 * DAY, &scoring(0.25))
            .is_none()
    );
    stories.evict(150);
    assert!(
        stories
            .best_match(second.input(), 200, &scoring(0.25))
            .is_none()
    );
}

#[test]
fn the_same_kind_of_event_years_apart_stays_apart() {
    let mut stories = stories_with_background();
    let earlier = Terms::of(
        "Microsoft releases emergency patch for Internet Explorer",
        "Dec 17, 2008 - Microsoft released an emergency patch for a flaw in Internet Explorer \
         that hackers exploited to take over computers.",
    );
    let later = Terms::of(
        "Microsoft releases emergency patch for Internet Explorer",
        "September 18, 2013 - Microsoft released an emergency patch for a flaw in Internet \
         Explorer that hackers exploited to take over computers.",
    );
    stories.observe(earlier.input());
    stories.observe(later.input());
    stories.add("s2008", earlier.input(), &member("f2008", 100), 100);
    let lenient = StoryScoring {
        year_penalty: 0.0,
        ..scoring(0.5)
    };
    assert!(stories.best_match(later.input(), 200, &lenient).is_some());
    let with_years = StoryScoring {
        year_penalty: 1.0,
        ..scoring(0.5)
    };
    assert!(
        stories
            .best_match(later.input(), 200, &with_years)
            .is_none()
    );
}

#[test]
fn the_index_finds_the_story_that_scoring_every_story_finds() {
    // 300 stories of synthetic articles; a fresh article's best match through the postings
    // is the best of all live stories scored one by one, whenever that best shares one of the
    // article's heaviest terms (the only stories the index can return).
    let mut state = 0x5EED_u64;
    let mut next = move |below: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = state;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (x ^ (x >> 31)) % below
    };
    let article = |story: u64, next: &mut dyn FnMut(u64) -> u64| {
        let mut names: Vec<u32> = (0..2 + next(8))
            .map(|_| match next(3) {
                0 => next(30) as u32,
                _ => 100_000 + (story * 20 + next(20)) as u32,
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut words: Vec<u32> = (0..5 + next(30))
            .map(|_| {
                let term = match next(3) {
                    0 => next(200) as u32,
                    _ => 10_000 + (story * 40 + next(40)) as u32,
                };
                (term << 5) | (1 + next(3) as u32)
            })
            .collect();
        words.sort_unstable();
        words.dedup_by_key(|w| *w >> 5);
        Terms {
            names,
            words,
            years: Vec::new(),
        }
    };
    let mut stories = Stories::default();
    for n in 0..2_000u64 {
        let story = next(300);
        let terms = article(story, &mut next);
        stories.observe(terms.input());
        let family = format!("f{n}");
        stories.add(
            &format!("s{story}"),
            terms.input(),
            &member(&family, n as i64),
            n as i64,
        );
    }
    let scoring = StoryScoring {
        window: 10_000,
        min_names_similarity: 1.0,
        ..scoring(0.2)
    };
    let mut matched = 0;
    for _ in 0..500 {
        let terms = article(next(330), &mut next);
        let found = stories.best_match(terms.input(), 2_000, &scoring);
        let vectors = stories.vectors(terms.input());
        let by_scan = stories
            .stories
            .values()
            .map(|story| (story, similarity(&vectors, &terms.years, story, &scoring).0))
            .filter(|(_, share)| *share >= 1.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.id.cmp(&a.0.id)));
        // The index scores the stories sharing the most heaviest terms: a best story that
        // shares half of them is among those.
        let shared = |story: &Story| {
            vectors
                .heaviest
                .iter()
                .filter(|t| filed(story).contains(t))
                .count()
        };
        if let Some((story, _)) = by_scan
            && 2 * shared(story) >= vectors.heaviest.len()
        {
            assert_eq!(found.as_ref().map(|(id, _)| id), Some(&story.id));
        }
        matched += usize::from(found.is_some());
    }
    assert!(matched > 50 && matched < 500, "{matched} matched");
}

#[test]
fn a_write_up_in_another_language_joins_by_its_names_numbers_and_places() {
    use crate::story_terms::{language_term, story_anchors};
    use wire_model::Place;
    let place = |id: u32, rel: &str| Place {
        uri: Some(format!("http://sws.geonames.org/{id}/")),
        rel: Some(rel.to_owned()),
        ..Place::default()
    };
    let peru = [place(3932488, "about"), place(3947322, "mentioned")];
    let turkey = [place(298795, "about"), place(323784, "mentioned")];
    let terms = |headline: &str, body: &str, language: &str, places: &[Place]| {
        let mut words = story_words(headline, body, Some(language));
        words.extend(story_anchors(places, body, Some(language)));
        words.extend(language_term(Some(language)));
        words.sort_unstable();
        Terms {
            names: key_tokens(body, Some(language)),
            words,
            years: story_years(headline, body),
        }
    };
    let english = terms(
        "Magnitude 6.8 quake hits southern Peru",
        "A magnitude 6.8 earthquake struck southern Peru on Saturday, killing 11 people and \
         injuring 230 near Camana in Arequipa, the Geophysical Institute said.",
        "en",
        &peru,
    );
    let german = terms(
        "Erdbeben der Stärke 6,8 erschüttert Peru",
        "Ein Erdbeben der Stärke 6,8 hat den Süden Perus erschüttert. Mindestens 11 Menschen \
         kamen ums Leben, 230 wurden verletzt, teilte das Geophysikalische Institut mit.",
        "de",
        &peru,
    );
    let other_quake = terms(
        "Erdbeben der Stärke 6,1 in der Westtürkei",
        "Ein Erdbeben der Stärke 6,1 hat die Provinz Manisa erschüttert. Drei Menschen kamen \
         ums Leben, 97 wurden verletzt, teilte die Katastrophenschutzbehörde Afad mit.",
        "de",
        &turkey,
    );
    let mut stories = stories_with_background();
    for article in [&english, &german, &other_quake] {
        stories.observe(article.input());
    }
    stories.add("peru", english.input(), &member("f-en", 100), 100);
    let joined = stories.best_match(german.input(), 200, &scoring(0.25));
    assert_eq!(joined.map(|(id, _)| id), Some("peru".to_owned()));
    assert!(
        stories
            .best_match(other_quake.input(), 200, &scoring(0.25))
            .is_none()
    );

    // Two stories of the event that formed apart, in English and in German, are one once a
    // family shows it: the later merges into the earlier, which keeps who had it first.
    stories.add("peru-de", german.input(), &member("f-de", 150), 150);
    let assignment = stories.assign(
        "new",
        german.input(),
        &member("f-de-2", 300),
        300,
        &scoring(0.25),
    );
    assert_eq!(assignment.story, "peru");
    assert_eq!(assignment.merged, ["peru-de"]);
    assert_eq!(stories.current("peru-de"), Some("peru"));
    assert_eq!(assignment.summary.families, 3);
    assert_eq!(
        assignment.summary.first.map(|first| first.family),
        Some(wire_model::FamilyId::from("f-en"))
    );
    // A story that has left the window ends the aliases of those merged into it.
    assert_eq!(stories.evict(350), ["peru-de"]);
    assert_eq!(stories.current("peru-de"), None);
    // Nothing is left to count by language.
    assert_eq!(stories.stories_with_language, 0);
    assert!(stories.stories_in_language.is_empty());
}

#[test]
fn stories_in_one_language_do_not_merge_and_the_first_is_the_earliest_by_its_own_time() {
    let mut stories = stories_with_background();
    let (first, second) = tara_reid_in_rehab();
    for article in [&first, &second] {
        stories.observe(article.input());
    }
    stories.add("a", first.input(), &member("fa", 500), 500);
    stories.add("b", second.input(), &member("fb", 600), 600);
    // A family sent later but written earlier is who had it first.
    let joined = stories.assign("c", first.input(), &member("fc", 50), 700, &scoring(0.2));
    assert!(joined.merged.is_empty(), "{joined:?}");
    assert_eq!(joined.summary.families, 2);
    assert_eq!(
        joined.summary.first.map(|first| first.family),
        Some(wire_model::FamilyId::from("fc"))
    );
}

#[test]
fn a_family_that_started_a_story_alone_rejoins_the_story_that_grew_close_to_it() {
    let (first, second) = tara_reid_in_rehab();
    let third = Terms::of(
        "Tara Reid in rehab at Promises",
        "Tara Reid checked into the Promises Treatment Center in Malibu for treatment, her rep \
         Jack Ketsoyan said.",
    );
    let run = |rejoin_ratio: f64| {
        let mut stories = stories_with_background();
        for terms in [&first, &second, &third] {
            stories.observe(terms.input());
        }
        // Too strict to join at first: each write-up starts a story of its own.
        let strict = StoryScoring {
            min_names_similarity: 1.0,
            ..scoring(0.99)
        };
        stories.assign("s1", first.input(), &member("f1", 100), 100, &strict);
        stories.assign("s2", second.input(), &member("f2", 200), 200, &strict);
        let scoring = StoryScoring {
            rejoin_ratio,
            ..scoring(0.25)
        };
        let joined = stories.assign("s3", third.input(), &member("f3", 300), 300, &scoring);
        assert!(
            joined.similarity.is_some(),
            "the third write-up joins a story"
        );
        (
            stories.current("s1").map(str::to_owned),
            stories.current("s2").map(str::to_owned),
            joined.merged,
        )
    };
    let (one, two, merged) = run(1.0);
    assert_eq!(one.as_deref(), Some("s1"));
    assert_eq!(two.as_deref(), Some("s1"), "merged into the earlier story");
    assert_eq!(merged, vec!["s2".to_owned()]);
    let (one, two, merged) = run(0.0);
    assert_eq!(one.as_deref(), Some("s1"));
    assert_eq!(two.as_deref(), Some("s2"), "0 never merges");
    assert!(merged.is_empty());
}

#[test]
fn a_story_keeps_how_many_members_name_each_year_and_compares_the_most_named() {
    let mut years = Vec::new();
    add_years(&mut years, &counted(&[2008, 2013]));
    add_years(&mut years, &counted(&[2013]));
    add_years(&mut years, &counted(&[2013, 1980]));
    let named: Vec<(u16, u16)> = years
        .iter()
        .map(|year| (FIRST_YEAR + (year >> 8), year_count(*year)))
        .collect();
    assert_eq!(named, [(1980, 1), (2008, 1), (2013, 3)]);
    // A background year one member named is not the story's: 2008 does not make it one.
    assert!(years_disjoint(&counted(&[2008]), &years));
    assert!(!years_disjoint(&counted(&[2013]), &years));
    // Nothing to compare when either names no year.
    assert!(!years_disjoint(&[], &years));
    // Years outside what a story keeps are dropped, not wrapped.
    assert!(counted(&[1900, 2300]).is_empty());
    // Past STORY_YEARS the most named stay.
    for year in 1990..2010 {
        add_years(&mut years, &counted(&[year]));
    }
    assert_eq!(years.len(), STORY_YEARS);
    assert!(years.iter().any(|year| FIRST_YEAR + (year >> 8) == 2013));
}

#[test]
fn stories_in_one_language_of_like_events_years_apart_do_not_merge() {
    let patch = |date: &str| {
        Terms::of(
            "Microsoft releases emergency patch for Internet Explorer",
            &format!(
                "{date} - Microsoft released an emergency patch for a flaw in Internet Explorer \
                 that hackers exploited to take over computers, the company said."
            ),
        )
    };
    let run = |later_date: &str| {
        let mut stories = stories_with_background();
        let earlier = patch("Dec 17, 2008");
        let later = patch(later_date);
        for terms in [&earlier, &later] {
            stories.observe(terms.input());
        }
        // Apart at first (too strict to join), then a third write-up joins one of them (the
        // later story when the years differ) and brings it close to the other.
        let strict = StoryScoring {
            min_names_similarity: 1.0,
            ..scoring(0.99)
        };
        stories.assign("s1", earlier.input(), &member("f1", 100), 100, &strict);
        stories.assign("s2", later.input(), &member("f2", 200), 200, &strict);
        let merging = StoryScoring {
            min_names_similarity: 1.0,
            year_penalty: 0.2,
            same_language_merge_ratio: 1.0,
            ..scoring(0.3)
        };
        let joined = stories.assign("s3", later.input(), &member("f3", 300), 300, &merging);
        assert!(joined.similarity.is_some(), "{joined:?}");
        (joined.story, joined.merged)
    };
    // The halves of one event (the same year) merge into the earlier; the same patch story
    // five years later does not, however close its words.
    assert_eq!(
        run("Dec 18, 2008"),
        ("s1".to_owned(), vec!["s2".to_owned()])
    );
    assert_eq!(run("September 18, 2013"), ("s2".to_owned(), Vec::new()));
}
