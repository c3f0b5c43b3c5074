//! Search, shared by both halves: the builder indexes posts with its tokenizer and the app answers
//! queries with it, so both see text the same way. `tokenize` turns text into terms, `query`
//! understands what a reader types (`filter` takes out its `tag:` and `category:`), `index` runs a
//! query over the index files (described in [`crate::model::search`], built by the builder), and
//! `scan` runs one over stored posts; `worker` is what the app and its search worker say.

pub mod filter;
pub mod index;
pub mod query;
pub mod scan;
pub mod tokenize;
pub mod worker;

use crate::text::Class;
use tokenize::terms;

/// `text` cut into runs, each marked when it is a word the search matched (`matched` holds terms
/// of the index), for highlighting in results.
pub fn highlight(text: &str, matched: &[String]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for (run, is_word) in runs(text) {
        let hit = is_word && is_match(run, matched);
        match out.last_mut() {
            Some((last, marked)) if *marked == hit && !hit => last.push_str(run),
            _ => out.push((run.to_string(), hit)),
        }
    }
    out
}

/// Whether a word of the text is one the search matched.
fn is_match(word: &str, matched: &[String]) -> bool {
    let word_terms = terms(word);
    !word_terms.is_empty() && word_terms.iter().all(|t| matched.contains(t))
}

/// `text` cut into alternating runs of word and non-word characters, each with whether it is a
/// word. What a word is comes from [`crate::text`], as for the tokenizer, so a word marked in the
/// text is a word the index has.
fn runs(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = chars.next()?;
        let is_word = in_word(first, false);
        let mut end = start + first.len_utf8();
        while let Some(&(i, ch)) = chars.peek() {
            if in_word(ch, is_word) != is_word {
                break;
            }
            end = i + ch.len_utf8();
            chars.next();
        }
        Some((&text[start..end], is_word))
    })
}

/// Whether `ch` belongs to a word: letters start one; marks, accents and apostrophes only continue
/// one (`inside`).
fn in_word(ch: char, inside: bool) -> bool {
    match crate::text::class(ch) {
        Class::Separator => false,
        Class::Apostrophe | Class::Mark | Class::Diacritic => inside,
        Class::Letter | Class::Unspaced(_) => true,
    }
}

/// About `width` characters of `text` around its first word the search matched, cut at spaces,
/// with an ellipsis where text was left out; `None` when no word of it matched.
pub fn snippet(text: &str, matched: &[String], width: usize) -> Option<String> {
    let mut at = 0;
    let hit = runs(text).find_map(|(run, is_word)| {
        let start = at;
        at += run.len();
        (is_word && is_match(run, matched)).then_some(start)
    })?;
    // A third of the width before the match, the rest after it.
    let before: usize = text[..hit]
        .chars()
        .rev()
        .take(width / 3)
        .map(char::len_utf8)
        .sum();
    let mut start = hit - before;
    if start > 0 {
        // Start at a word.
        start = text[start..hit]
            .find(char::is_whitespace)
            .map_or(hit, |i| start + i + 1);
    }
    let after: usize = text[start..].chars().take(width).map(char::len_utf8).sum();
    let mut end = start + after;
    if end < text.len() {
        end = text[hit..end]
            .rfind(char::is_whitespace)
            .map_or(end, |i| hit + i);
    }
    let body = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let lead = if start > 0 { "… " } else { "" };
    let tail = if end < text.len() { " …" } else { "" };
    Some(format!("{lead}{body}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_words_are_marked_whatever_their_case_and_accents() {
        let runs = highlight(
            "The Café by the river; rivers, and more.",
            &["cafe".into(), "river".into()],
        );
        let marked: Vec<_> = runs
            .iter()
            .filter(|(_, m)| *m)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(marked, ["Café", "river"]);
        let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text, "The Café by the river; rivers, and more.");
        // A dash joined to a word is not part of it: the word is still marked; an apostrophe is.
        let runs = highlight("Café—next, don't", &["cafe".into(), "dont".into()]);
        let marked: Vec<_> = runs
            .iter()
            .filter(|(_, m)| *m)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(marked, ["Café", "don't"]);
        assert_eq!(
            highlight("nothing here", &["x".into()]),
            [("nothing here".to_string(), false)]
        );
    }

    #[test]
    fn a_snippet_shows_the_first_match_in_its_context() {
        let text = "We left early. ".repeat(20)
            + "At noon the ferry came, slowly, across the brown river. "
            + &"Then we ate. ".repeat(20);
        let cut = snippet(&text, &["ferry".into()], 80).unwrap();
        assert!(cut.starts_with("… "), "{cut}");
        assert!(cut.ends_with(" …"), "{cut}");
        assert!(cut.contains("At noon the ferry came"), "{cut}");
        assert!(cut.chars().count() <= 80 + 4, "{cut}");
        // Near the start: no leading ellipsis; the whole text when it is short.
        assert_eq!(
            snippet("The ferry was late.", &["ferry".into()], 80).as_deref(),
            Some("The ferry was late.")
        );
        assert_eq!(snippet("Nothing here.", &["ferry".into()], 80), None);
    }
}
