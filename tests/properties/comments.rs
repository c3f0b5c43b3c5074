//! The comment intake's JSON: whatever a client sends, the server's reader and field checks
//! answer with a comment or a refusal, never a panic, and a comment they accept is within its
//! limits and renders safely as a comment.

use super::html_check::unsafe_html;
use super::strategies::markdownish;
use fieldnotes::comments::server::NewComment;
use fieldnotes::markdown::render_comment;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Any JSON value, a few levels deep.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::from),
        markdownish(8).prop_map(Value::from),
        "[a-z@.:/ ]{0,300}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const FIELDS: [&str; 9] = [
    "post",
    "parent",
    "author",
    "email",
    "website",
    "body",
    "token",
    "client_key",
    "hp",
];

/// A submission: each field of the form present or not, as a string (mostly) or any value.
fn submission() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        2 => Just(None),
        5 => prop_oneof![
            markdownish(12).prop_map(Value::from),
            "[ -~]{0,90}".prop_map(Value::from),
            Just(Value::from("https://example.org")),
            Just(Value::from("a@b.example")),
        ].prop_map(Some),
        1 => value().prop_map(Some),
    ];
    proptest::collection::vec(field, FIELDS.len()).prop_map(|values| {
        let mut object = Map::new();
        for (name, value) in FIELDS.iter().zip(values) {
            if let Some(value) = value {
                object.insert(name.to_string(), value);
            }
        }
        Value::Object(object)
    })
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(new) = NewComment::from_json(bytes) else {
        return Ok(());
    };
    if new.check_fields().is_ok() {
        let chars = new.body().trim().chars().count();
        prop_assert!(
            (1..=8000).contains(&chars),
            "a body of {chars} characters was accepted"
        );
        let html = render_comment(new.body(), "/").html.into_string();
        if let Some(problem) = unsafe_html(&html) {
            return Err(TestCaseError::fail(format!(
                "{problem}\nbody: {:?}\n{html}",
                new.body()
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::config(20_000))]

    #[test]
    fn comments_submission_json(submission in submission()) {
        check(submission.to_string().as_bytes())?;
    }

    #[test]
    fn comments_any_json(value in value()) {
        check(value.to_string().as_bytes())?;
    }

    #[test]
    fn comments_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        check(&bytes)?;
    }
}
