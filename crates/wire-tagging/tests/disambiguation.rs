//! The ambiguous names of issue 6, each read both ways.

mod common;

use common::{country_role, places_named, tag};

fn has_country(headline: &str, body: &str, code: &str) -> bool {
    country_role(&tag(headline, body), code).is_some()
}

#[test]
fn georgia_is_the_us_state_near_atlanta_and_the_country_near_tbilisi() {
    let us = tag(
        "Storms knock out power across Georgia",
        "Thousands of homes in Atlanta had no power on Monday after storms swept through Georgia overnight.",
    );
    assert_eq!(
        places_named(&us, "Georgia"),
        vec![("about".to_owned(), "US".to_owned())]
    );
    assert!(country_role(&us, "GE").is_none());

    let country = tag(
        "Georgia votes in tense parliamentary election",
        "Voters in Tbilisi queued from dawn as Georgia chose a new parliament under the eyes of Moscow.",
    );
    assert!(country_role(&country, "GE").is_some());
    assert!(
        places_named(&country, "Georgia")
            .iter()
            .all(|(_, code)| code == "GE")
    );
}

#[test]
fn jordan_the_person_is_no_country() {
    assert!(!has_country(
        "Michael Jordan buys a new team",
        "Michael Jordan said on Monday he had agreed the deal. Jordan, who won six titles, will keep a minority stake.",
        "JO"
    ));
    assert!(!has_country(
        "Coach praises rookie",
        "Jordan said the rookie had worked harder than anyone in training camp.",
        "JO"
    ));
    assert!(has_country(
        "Jordan reopens border crossing",
        "Jordan reopened its main border crossing with Syria on Sunday, officials in Amman said.",
        "JO"
    ));
}

#[test]
fn paris_hilton_is_no_city() {
    let tags = tag(
        "Paris Hilton launches a perfume",
        "Paris Hilton unveiled her latest fragrance at a party on Tuesday night.",
    );
    assert!(country_role(&tags, "FR").is_none());
    assert!(has_country(
        "Protests in Paris",
        "Thousands marched in Paris against the pension reform.",
        "FR"
    ));
}

#[test]
fn nice_the_adjective_is_no_city() {
    assert!(!has_country(
        "A nice surprise",
        "It was a nice day for the markets, traders said. Nice work, one added.",
        "FR"
    ));
    let tags = tag(
        "Attack in Nice",
        "A man drove a truck into a crowd in Nice, France, on the evening of the national holiday.",
    );
    assert_eq!(
        places_named(&tags, "Nice").first().map(|p| p.1.as_str()),
        Some("FR")
    );
}

#[test]
fn turkey_the_bird_is_no_country() {
    assert!(!has_country(
        "Holiday dinner costs rise",
        "Families will pay more for a roast turkey this Thanksgiving, a survey found.",
        "TR"
    ));
    assert!(!has_country(
        "Thanksgiving on a budget",
        "Turkey prices are up, so roast a smaller bird and carve it early.",
        "TR"
    ));
    assert!(has_country(
        "Turkey raises interest rates",
        "Turkey's central bank raised its main rate to curb inflation, Ankara said.",
        "TR"
    ));
}

#[test]
fn chad_the_name_is_no_country() {
    assert!(!has_country(
        "Band announces tour",
        "Drummer Chad Smith said the band would tour Europe next year.",
        "TD"
    ));
    assert!(has_country(
        "Chad army clashes with rebels",
        "Chad's army fought rebels near N'Djamena, the capital, on Friday.",
        "TD"
    ));
}

#[test]
fn reading_mobile_and_split_need_a_place_reading() {
    assert!(!has_country(
        "Analysts sceptical",
        "Reading the report, analysts said the outlook was poor.",
        "GB"
    ));
    let reading = tag(
        "Flooding in Reading",
        "Police in Reading, England, closed roads after heavy rain.",
    );
    assert_eq!(
        places_named(&reading, "Reading")
            .first()
            .map(|p| p.1.as_str()),
        Some("GB")
    );

    assert!(!has_country(
        "Sales climb",
        "Mobile phone sales climbed in the quarter. Mobile data use doubled.",
        "US"
    ));
    let mobile = tag(
        "Hurricane nears coast",
        "The storm made landfall near Mobile, Alabama, early on Sunday.",
    );
    assert_eq!(
        places_named(&mobile, "Mobile")
            .first()
            .map(|p| p.1.as_str()),
        Some("US")
    );

    assert!(!has_country(
        "Board divided",
        "The board was split over the offer. Split decisions are rare, a director said.",
        "HR"
    ));
    let split = tag(
        "Tourists return",
        "Cruise ships returned to Split, Croatia, after the season opened.",
    );
    assert_eq!(
        places_named(&split, "Split").first().map(|p| p.1.as_str()),
        Some("HR")
    );
}

#[test]
fn china_the_porcelain_is_no_country() {
    assert!(!has_country(
        "Auction record",
        "A set of fine china plates sold for a record price. China plates and teacups were also on offer.",
        "CN"
    ));
    assert!(has_country(
        "China exports rise",
        "China's exports rose in March, customs data showed.",
        "CN"
    ));
}
