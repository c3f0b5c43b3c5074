//! Front matter: any text, YAML-fenced, TOML-fenced or neither, parses or is refused without a
//! panic, and a refusal of a block that was opened says on which line.

use super::strategies::{mutate, mutations};
use fieldnotes::builder::parse_front_matter;
use proptest::prelude::*;
use std::path::Path;

/// Pieces of YAML and TOML, valid and broken.
const LINES: &[&str] = &[
    "title: \"A day\"",
    "title: a: b",
    "date: 2024-03-05",
    "date: 2024-13-45T99:99:99+99:00",
    "tags: [a, b",
    "tags:\n  - a\n  - b",
    "- x",
    "key: &a [*a]",
    "x: *undefined",
    "? complex\n: key",
    "!!binary aGVsbG8=",
    "'unclosed",
    "\"\\u0000\"",
    "cover:\n  image: a.png\n  alt: x",
    "series: [one]",
    "taxonomies:\n  tags: [a]",
    "title = \"A day\"",
    "date = 2024-03-05T10:20:00+07:00",
    "[taxonomies]",
    "[[x]]",
    "tags = [\"a\", 1, {b = 2}]",
    "a = ",
    "\t",
    "\u{feff}",
    "",
];

/// Text shaped like a post: a fence, lines, maybe a closing fence, a body.
fn post() -> impl Strategy<Value = String> {
    let fence = proptest::sample::select(&["---", "+++", "", " ---", "---\r"][..]);
    let lines = proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(LINES).prop_map(str::to_string),
            1 => any::<String>(),
        ],
        0..12,
    );
    (fence, lines, any::<bool>()).prop_map(|(fence, lines, closed)| {
        let close = if closed { fence.trim() } else { "" };
        format!("{fence}\n{}\n{close}\nBody *text*.\n", lines.join("\n"))
    })
}

/// Parses `text`; a refusal of text that opens a block must point at a line of the file.
fn check(text: &str) -> Result<(), TestCaseError> {
    if let Err(problem) = parse_front_matter(Path::new("post.md"), text) {
        let lines = text.lines().count().max(1);
        prop_assert!(
            problem.line >= 1 && problem.line <= lines + 1,
            "error without a usable line ({} of {lines}): {problem}\ninput: {text:?}",
            problem.line
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::config(20_000))]

    #[test]
    fn front_matter_any_string(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn front_matter_shaped(text in post()) {
        check(&text)?;
    }

    #[test]
    fn front_matter_mutated(text in post(), m in mutations()) {
        let bytes = mutate(text.as_bytes(), &m);
        check(&String::from_utf8_lossy(&bytes))?;
    }
}
