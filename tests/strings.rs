//! The interface's words in the site's language: the shipped tables are whole, keep every slot
//! and every plural form their language needs; an author's `strings.toml` overrides any word,
//! and its mistakes are errors at their line; a language without a table is a warning; the pages
//! the builder writes carry the words and the app's manifest carries the table.

mod common;

use common::{build_to, site_with};
use fieldnotes::builder::strings::{read_table, LANGUAGES};
use fieldnotes::model::strings::{english_at, plural_category, Strings, KEYS, S};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The `{slot}` names of a text.
fn slots(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// `content` built as a host serves it: the data, the shell, and a route page for each address.
fn built_site(content: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    build_to(content, &out.path().join("data")).unwrap();
    common::write_shell(out.path());
    fieldnotes::builder::write_stubs(out.path(), &Default::default()).unwrap();
    out
}

#[test]
fn every_shipped_table_is_whole_keeps_its_slots_and_has_the_plural_forms_of_its_language() {
    for (lang, text) in LANGUAGES {
        let table = read_table(Path::new(lang), text).unwrap_or_else(|e| panic!("{lang}: {e}"));
        let missing: Vec<_> = KEYS.iter().filter(|k| !table.contains_key(**k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        for (i, key) in KEYS.iter().enumerate() {
            let english = english_at(i);
            let ours = &table[*key];
            if english.starts_with("one:") {
                // The forms of CLDR's cardinal rules for the language (a count in a category
                // without a form of its own takes `other`'s).
                let forms: BTreeSet<&str> = ours
                    .split('|')
                    .filter_map(|f| f.split_once(':'))
                    .map(|(c, _)| c)
                    .collect();
                let wanted: &[&str] = match *lang {
                    "ar" => &["zero", "one", "two", "few", "many", "other"],
                    "fr" | "es" | "pt" => &["one", "many", "other"],
                    "de" => &["one", "other"],
                    _ => &["other"],
                };
                assert_eq!(forms, wanted.iter().copied().collect(), "{lang} {key}");
            } else if !["digits", "year_offset"].contains(key) {
                assert_eq!(slots(ours), slots(english), "{lang} {key}: {ours}");
            }
        }
        assert_eq!(table["digits"].chars().count(), 10, "{lang} digits");
    }
}

#[test]
fn plural_forms_follow_the_language() {
    let table = |lang: &str| -> Vec<String> {
        let text = LANGUAGES.iter().find(|(l, _)| *l == lang).unwrap().1;
        let read = read_table(Path::new(lang), text).unwrap();
        KEYS.iter().map(|k| read[*k].clone()).collect()
    };
    let ar = table("ar");
    let s = Strings::new("ar", &ar);
    // Six forms, each different.
    let forms: BTreeSet<String> = [0, 1, 2, 3, 11, 100]
        .iter()
        .map(|n| s.count(S::comment_count, *n))
        .collect();
    assert_eq!(forms.len(), 6, "{forms:?}");
    assert_eq!(plural_category("ar", 103), "few");
    let km = table("km");
    let s = Strings::new("km", &km);
    assert_eq!(
        s.count(S::post_count, 1).replace('1', "N"),
        s.count(S::post_count, 5).replace('5', "N"),
        "one form in Khmer"
    );
}

#[test]
fn an_author_overrides_any_word_and_the_pages_and_manifest_say_it() {
    let content = site_with(&[
        ("strings.toml", b"leave_a_reply = \"Write to me\"\npost_count = { one = \"one note\", other = \"{n} notes\" }\n"),
        ("a.md", b"---\ntitle: A\ndate: 2025-02-04\ntags: [food]\n---\nText.\n"),
    ]);
    let out = built_site(content.path());
    let manifest = fs::read_to_string(out.path().join("data/manifest.json")).unwrap();
    assert!(manifest.contains("Write to me"), "{manifest}");
    // The override file is not published.
    assert!(!out.path().join("strings.toml").exists());
    let snapshot = common::snapshot(out.path());
    let tags = snapshot
        .iter()
        .find(|(name, _)| name.ends_with("tags/index.html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    assert!(tags.contains("one note"), "{tags}");
}

#[test]
fn a_mistake_in_strings_toml_is_an_error_at_its_line() {
    let cases: [(&[u8], &str); 3] = [
        (
            b"search = \"Find\"\nleave_a_repyl = \"x\"\n",
            "strings.toml:2:1: error: unknown key \"leave_a_repyl\"",
        ),
        (
            b"\n\npost_count = \"many\"\n",
            "strings.toml:3:1: error: \"post_count\" has plural forms",
        ),
        (
            b"post_count = { one = \"a\" }\n",
            "the form \"other\" is missing",
        ),
    ];
    for (text, wanted) in cases {
        let content = site_with(&[
            ("strings.toml", text),
            ("a.md", b"---\ntitle: A\n---\nText.\n"),
        ]);
        let out = tempfile::tempdir().unwrap();
        let problems = build_to(content.path(), out.path())
            .unwrap_err()
            .to_string();
        assert!(problems.contains(wanted), "{problems}");
    }
}

#[test]
fn a_language_without_a_table_is_english_with_a_warning_naming_the_keys() {
    let content = site_with(&[
        ("site.toml", b"title = \"T\"\nlanguage = \"ru\"\n"),
        (
            "strings.toml",
            b"search = \"\xd0\x9f\xd0\xbe\xd0\xb8\xd1\x81\xd0\xba\"\n",
        ),
        ("a.md", b"---\ntitle: A\n---\nText.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    let summary = build_to(content.path(), out.path()).unwrap();
    let warning = summary
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("no translation into \"ru\""))
        .expect("a warning");
    assert!(warning.contains("leave_a_reply"), "{warning}");
    assert!(!warning.contains(" search,"), "{warning}");
}

#[test]
fn a_khmer_site_writes_its_pages_in_khmer_with_khmer_dates() {
    let content = site_with(&[
        ("site.toml", b"title = \"T\"\nlanguage = \"km\"\n"),
        ("a.md", b"---\ntitle: A\ndate: 2025-02-04\n---\nText.\n"),
    ]);
    let out = built_site(content.path());
    let post = fs::read_to_string(out.path().join("posts/a/index.html")).unwrap();
    let km = LANGUAGES.iter().find(|(l, _)| *l == "km").unwrap().1;
    let table = read_table(Path::new("km"), km).unwrap();
    for key in ["search_posts", "footer", "month_2"] {
        assert!(post.contains(&table[key]), "{key} in {post}");
    }
    assert!(post.contains("<html lang=\"km\""), "{post}");
    assert!(
        !post.contains("min read") && !post.contains("February"),
        "{post}"
    );
}

#[test]
fn a_protected_post_and_a_post_format_speak_the_sites_language() {
    let content = site_with(&[
        ("site.toml", b"title = \"T\"\nlanguage = \"km\"\n"),
        (
            "locked.md",
            b"---\ntitle: Locked\ndate: 2025-02-04\npassword: \"ferry at dawn\"\n---\nSecret.\n",
        ),
        (
            "aside.md",
            b"---\ntitle: Aside\ndate: 2025-02-05\nformat: aside\n---\nA short one.\n",
        ),
    ]);
    let out = built_site(content.path());
    let km = LANGUAGES.iter().find(|(l, _)| *l == "km").unwrap().1;
    let table = read_table(Path::new("km"), km).unwrap();
    let home = fs::read_to_string(out.path().join("index.html")).unwrap();
    for key in ["protected_summary", "format_aside"] {
        assert!(home.contains(&table[key]), "{key} in {home}");
    }
    let locked = fs::read_to_string(out.path().join("posts/locked/index.html")).unwrap();
    assert!(locked.contains(&table["protected_note"]), "{locked}");
    assert!(!home.contains("Protected with a password") && !locked.contains("is protected"));
}
