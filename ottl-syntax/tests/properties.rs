//! Property tests with a bounded case count (the fuzz target in `ottl-syntax/fuzz` runs the same
//! properties without a bound):
//!
//! * generated well-formed statements and conditions parse without errors, and format to a text
//!   that parses to the same tree and formats to itself;
//! * any token soup, and any string at all, parses without panicking, and whatever parses cleanly
//!   round-trips through the formatter.

mod common;

use ottl_syntax::{Entry, format};
use proptest::prelude::*;

fn ident() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "attributes",
        "name",
        "body",
        "x",
        "a1",
        "time_unix_nano",
        "cache",
        "nil",
        "where",
    ])
    .prop_map(str::to_string)
}

fn string_lit() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        r#""""#,
        r#""a""#,
        r#""a b\"c""#,
        r#""\\d+""#,
        r#""\x41\u00e9""#,
        "\"multi\nline\"",
    ])
    .prop_map(str::to_string)
}

fn number() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "0",
        "1",
        "-1",
        "+2",
        "42",
        "010",
        "1.5",
        ".5",
        "-2.5e3",
        "9223372036854775807",
    ])
    .prop_map(str::to_string)
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        string_lit().prop_map(|s| format!("[{s}]")),
        (0..5u8).prop_map(|i| format!("[{i}]")),
        ident().prop_filter("nil keys are paths", |_| true).prop_map(|i| format!("[{i}]")),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let head = ident().prop_filter("nil is the literal at a value start", |i| i != "nil");
    (
        prop::option::of(prop::sample::select(vec!["resource.", "log.", "span."])),
        head,
        prop::collection::vec(key(), 0..3),
    )
        .prop_map(|(ctx, f, keys)| format!("{}{f}{}", ctx.unwrap_or(""), keys.concat()))
}

fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        string_lit(),
        number(),
        path(),
        Just("nil".to_string()),
        Just("true".to_string()),
        Just("0x0a0B".to_string()),
        Just("SPAN_KIND_SERVER".to_string()),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        let operand = prop_oneof![number(), path()];
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("Concat([{a}, {b}], \"-\")")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| {
                let items: Vec<String> =
                    v.iter().enumerate().map(|(i, x)| format!("\"k{i}\": {x}")).collect();
                format!("{{{}}}", items.join(", "))
            }),
            (operand.clone(), prop::sample::select(vec!["+", "-", "*", "/"]), operand.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (operand.clone(), operand).prop_map(|(a, b)| format!("({a} + {b}) * 2")),
            inner.prop_map(|v| format!("Split(String({v}), \",\")[0]")),
        ]
    })
}

fn condition() -> impl Strategy<Value = String> {
    let cmp = prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
    let leaf = prop_oneof![
        (value(), cmp, value()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        value().prop_map(|v| format!("IsMatch(String({v}), \"a\")")),
        Just("true".to_string()),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            prop_oneof![Just("true".to_string()), value().prop_map(|v| format!("IsString({v})"))]
                .prop_map(|a| format!("not {a}")),
        ]
    })
}

fn statement() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["set", "delete_key", "keep_keys", "replace_pattern", "route"]),
        prop::collection::vec(
            prop_oneof![value(), Just("SHA256".to_string()), Just("Sha256".to_string())],
            0..4,
        ),
        prop::option::of(condition()),
    )
        .prop_map(|(name, args, cond)| {
            let mut s = format!("{name}({})", args.join(", "));
            if let Some(c) = cond {
                s.push_str(" where ");
                s.push_str(&c);
            }
            s
        })
}

proptest! {
    #![proptest_config(common::proptest_config(512))]

    #[test]
    fn generated_statements_parse_and_round_trip(text in statement()) {
        let formatted = format::verify(Entry::Statement, &text).map_err(TestCaseError::fail)?;
        prop_assert!(formatted.is_some(), "generated statement does not parse: {text}");
    }

    #[test]
    fn generated_conditions_parse_and_round_trip(text in condition()) {
        let formatted = format::verify(Entry::Condition, &text).map_err(TestCaseError::fail)?;
        prop_assert!(formatted.is_some(), "generated condition does not parse: {text}");
    }

    #[test]
    fn token_soup_never_panics_and_round_trips(text in common::token_soup(24)) {
        for entry in [Entry::Statement, Entry::Condition, Entry::Value] {
            format::verify(entry, &text).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn any_string_never_panics(text in "\\PC{0,40}") {
        for entry in [Entry::Statement, Entry::Condition, Entry::Value] {
            format::verify(entry, &text).map_err(TestCaseError::fail)?;
        }
    }
}

fn ottl_file() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        3 => statement(),
        1 => Just("# a comment".to_string()),
        1 => Just(String::new()),
        1 => statement().prop_map(|s| format!("{s}  # trailing")),
        1 => common::token_soup(24),
        1 => Just("set(x,\n    1)".to_string()),
        1 => Just("set(x, Concat([\"a\",".to_string()),
    ];
    prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(common::proptest_config(512))]

    #[test]
    fn file_formatting_is_idempotent_and_keeps_comments(text in ottl_file()) {
        let file = ottl_syntax::source::split(&text);
        let _ = ottl_syntax::source::check(&file);
        let once = ottl_syntax::source::format_file(&text);
        let twice = ottl_syntax::source::format_file(&once);
        prop_assert_eq!(&once, &twice);
        let comments = |t: &str| t.matches("# ").count();
        prop_assert_eq!(comments(&text), comments(&once), "comments lost:\n{}\n---\n{}", text, once);
    }
}
