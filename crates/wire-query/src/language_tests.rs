#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use proptest::prelude::*;

fn shown(query: &str) -> String {
    parse(query)
        .unwrap_or_else(|error| panic!("{query}: {error}"))
        .to_string()
}

#[test]
fn queries_parse_with_precedence_and_implicit_and() {
    let cases = [
        (
            "topic:syria-peace-process AND place:SY AND NOT topic:sport",
            "(topic:syria-peace-process AND place:sy AND NOT topic:sport)",
        ),
        (
            "\"peace talks\" OR ceasefire",
            "(\"peace talks\" OR ceasefire)",
        ),
        ("urgency:<=2", "urgency:<=2"),
        ("urgency:1", "urgency:=1"),
        ("source:AFP lang:en", "(source:afp AND lang:en)"),
        ("credit:AFP", "credit:afp"),
        ("a b OR c", "((a AND b) OR c)"),
        ("a (b OR c)", "(a AND (b OR c))"),
        ("Syria -source:tabloid", "(Syria AND NOT source:tabloid)"),
        ("place:\"United  Kingdom\"", "place:\"united kingdom\""),
        ("ceasefire*", "ceasefire*"),
        ("\"peace\n talks\"", "\"peace talks\""),
        ("10:30 talks", "(10:30 AND talks)"),
        ("NOT NOT sport", "NOT NOT sport"),
        ("family:family:abc", "family:family:abc"),
        ("(((syria)))", "syria"),
        ("syria and iraq", "(syria AND and AND iraq)"),
    ];
    for (query, expected) in cases {
        assert_eq!(shown(query), expected, "{query}");
    }
}

#[test]
fn errors_name_the_column() {
    let cases = [
        ("(syria OR iraq  ", "expected ')' at column 17"),
        ("(topic:x AND y", "expected ')' at column 15"),
        ("syria)", "unexpected ')' at column 6"),
        ("", "expected a term at column 1"),
        ("syria AND", "expected a term at column 10"),
        ("OR syria", "expected a term before AND or OR at column 1"),
        ("\"peace talks", "unterminated phrase at column 1"),
        ("\"\"", "empty word or phrase at column 1"),
        ("topic:", "expected a value after 'topic:' at column 7"),
        (
            "topic: syria",
            "expected a value after 'topic:' at column 7",
        ),
        (
            "syria color:red",
            "unknown field 'color' (known: topic, place, source, credit, lang, urgency, family) at column 7",
        ),
        (
            "urgency:<=x",
            "urgency needs a number from 1 to 9 (e.g. urgency:<=2), not \"<=x\" at column 9",
        ),
        (
            "urgency:0",
            "urgency needs a number from 1 to 9 (e.g. urgency:<=2), not \"0\" at column 9",
        ),
        ("NOT", "expected a term at column 4"),
    ];
    for (query, expected) in cases {
        let error = parse(query).expect_err(query);
        assert_eq!(error.to_string(), expected, "{query}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}syria{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(
        parse(&deep)
            .unwrap_err()
            .message
            .contains("nested too deeply")
    );
    let nots = "NOT ".repeat(10_000) + "syria";
    assert!(parse(&nots).is_err());
    let dashes = "-".repeat(10_000) + "syria";
    assert!(parse(&dashes).is_err());
}

#[test]
fn keywords_become_an_or_of_phrases() {
    let keywords = ["Syria".to_owned(), "peace  talks".to_owned()];
    assert_eq!(any_of(&keywords).to_string(), "(Syria OR \"peace talks\")");
}

proptest! {
    #[test]
    fn the_parser_never_panics(input in "\\PC{0,80}") {
        let _ = parse(&input);
    }

    #[test]
    fn the_parser_never_panics_on_query_like_input(
        input in "[a-z:<>=()\"* \\-]{0,20}( (AND|OR|NOT) [a-z:<>=()\"* \\-]{0,20}){0,5}"
    ) {
        if let Err(error) = parse(&input) {
            prop_assert!(error.column >= 1 && error.column <= input.chars().count() + 1);
        }
    }

    #[test]
    fn printed_queries_parse_to_the_same_expression(
        words in proptest::collection::vec("[a-z]{1,8}", 1..6),
        operators in proptest::collection::vec(0u8..3, 0..5),
    ) {
        let mut query = words[0].clone();
        for (word, operator) in words.iter().skip(1).zip(operators.iter().cycle()) {
            let joiner = [" AND ", " OR ", " "][*operator as usize];
            query.push_str(joiner);
            query.push_str(word);
        }
        let expr = parse(&query).unwrap();
        prop_assert_eq!(parse(&expr.to_string()).unwrap(), expr);
    }
}

#[test]
fn phrases_that_look_like_syntax_print_back_quoted() {
    // Found by the fuzz target (services/alerter/fuzz): these printed bare and read back as
    // parentheses, operators, negations, fields or prefixes.
    for query in [
        r#"((("((("a" b) OR c) AND NOT (a" b) OR c) AND NOT (d))"#,
        r#""(((" a"#,
        r#""b) OR c" d"#,
        r#""AND" x"#,
        r#""-x" y"#,
        r#""topic:x" y"#,
        r#""oil*" y"#,
        r#"source:"a(b" y"#,
        r#""peace tal*" y"#,
        r#""(a*" y"#,
        r#""peacel* " peacel* talks"#,
    ] {
        let expr = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let printed = expr.to_string();
        assert_eq!(parse(&printed), Ok(expr), "{query} printed as {printed}");
    }
}
