//! Search, shared by both halves: the builder indexes posts with it and the app answers queries
//! with it, so both see text the same way.

pub mod index;
pub mod query;
pub mod tokenize;

use tokenize::terms;

/// `text` cut into runs, each marked when it is a word the search matched (`matched` holds terms
/// of the index), for highlighting in results.
pub fn highlight(text: &str, matched: &[String]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut push = |run: &str, is_word: bool| {
        let hit = is_word && {
            let run_terms = terms(run);
            !run_terms.is_empty() && run_terms.iter().all(|t| matched.contains(t))
        };
        match out.last_mut() {
            Some((last, marked)) if *marked == hit && !hit => last.push_str(run),
            _ => out.push((run.to_string(), hit)),
        }
    };
    let mut start = 0;
    let mut in_word = false;
    for (i, ch) in text.char_indices() {
        let word_char =
            ch.is_alphanumeric() || (in_word && !ch.is_whitespace() && !ch.is_ascii_punctuation());
        if word_char != in_word {
            if i > start {
                push(&text[start..i], in_word);
            }
            start = i;
            in_word = word_char;
        }
    }
    if start < text.len() {
        push(&text[start..], in_word);
    }
    out
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
        assert_eq!(
            highlight("nothing here", &["x".into()]),
            [("nothing here".to_string(), false)]
        );
    }
}
