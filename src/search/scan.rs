//! Search without the index: a query run straight over a few posts' text. The browser uses it
//! offline, over the posts it has stored, when the index files a query needs are not stored.
//! Same tokenizer, same query language and match kinds as the index, simpler scoring: each
//! clause's best match, weighted by where it is (title ×3, tags ×2, body ×1) and how often.

use super::index::{Document, Hit};
use super::query::{matches, Clause};
use super::tokenize::tokenize;

/// The text of one post, as terms in order, field by field.
struct Fields {
    title: Vec<String>,
    tags: Vec<String>,
    body: Vec<String>,
}

impl Fields {
    fn of(doc: &Document) -> Fields {
        let terms = |text: &str| tokenize(text).into_iter().map(|t| t.term).collect();
        Fields {
            title: terms(doc.title),
            tags: terms(&doc.tags.join(" ")),
            body: terms(doc.body),
        }
    }

    fn each(&self) -> [(&[String], f32); 3] {
        [(&self.title, 3.0), (&self.tags, 2.0), (&self.body, 1.0)]
    }

    /// Whether the terms stand side by side in some field.
    fn has_phrase(&self, phrase: &[String]) -> bool {
        !phrase.is_empty()
            && self
                .each()
                .iter()
                .any(|(terms, _)| terms.windows(phrase.len()).any(|w| w == phrase))
    }
}

/// Posts of `docs` matching every word and phrase of `clauses` and no exclusion, best first (ties
/// in `docs` order). `Hit::doc` is the index in `docs`.
pub fn scan(clauses: &[Clause], docs: &[Document]) -> Vec<Hit> {
    let mut hits = Vec::new();
    'docs: for (n, doc) in docs.iter().enumerate() {
        let fields = Fields::of(doc);
        let mut score = 0.0;
        let mut matched: Vec<String> = Vec::new();
        for clause in clauses {
            match clause {
                Clause::Word { term, prefix } => {
                    let mut best = 0.0f32;
                    for (terms, boost) in fields.each() {
                        let mut count = 0.0f32;
                        let mut weight = 0.0f32;
                        for candidate in terms {
                            if let Some(kind) = matches(term, candidate, *prefix) {
                                count += 1.0;
                                weight = weight.max(kind.weight());
                                if !matched.contains(candidate) {
                                    matched.push(candidate.clone());
                                }
                            }
                        }
                        if count > 0.0 {
                            best += weight * boost * (1.0 + count.ln());
                        }
                    }
                    if best == 0.0 {
                        continue 'docs;
                    }
                    score += best;
                }
                Clause::Phrase(terms) => {
                    if !fields.has_phrase(terms) {
                        continue 'docs;
                    }
                    score += terms.len() as f32;
                    for term in terms {
                        if !matched.contains(term) {
                            matched.push(term.clone());
                        }
                    }
                }
                Clause::Excluded(terms) => {
                    if fields.has_phrase(terms) {
                        continue 'docs;
                    }
                }
            }
        }
        hits.push(Hit {
            doc: n as u32,
            score,
            matched,
        });
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn docs() -> Vec<(String, Vec<String>, String)> {
        vec![
            (
                "Market morning".into(),
                vec!["food".into()],
                "Noodles at the river market before dawn.".into(),
            ),
            (
                "The river".into(),
                vec!["boats".into()],
                "A slow boat up the river, past the market towns.".into(),
            ),
            ("ផ្សារ".into(), vec![], "ថ្ងៃនេះយើងទៅផ្សារ។".into()),
        ]
    }

    fn run(query: &str) -> Vec<u32> {
        let owned = docs();
        let docs: Vec<Document> = owned
            .iter()
            .map(|(title, tags, body)| Document { title, tags, body })
            .collect();
        scan(&parse(query), &docs)
            .into_iter()
            .map(|h| h.doc)
            .collect()
    }

    #[test]
    fn a_title_match_beats_a_body_match() {
        assert_eq!(run("river"), [1, 0]);
        assert_eq!(run("market"), [0, 1]);
    }

    #[test]
    fn prefix_typo_phrase_and_exclusion() {
        assert_eq!(run("nood"), [0], "the word being typed is a prefix");
        assert_eq!(run("markte "), [0, 1], "one typo in a word of 6 letters");
        assert_eq!(run("\"slow boat\""), [1]);
        assert_eq!(run("\"boat slow\""), Vec::<u32>::new());
        assert_eq!(run("river -noodles"), [1]);
        assert_eq!(run("river dawn"), [0], "every word must match");
    }

    #[test]
    fn unspaced_scripts_are_found_inside_words() {
        assert_eq!(run("ផ្សារ"), [2]);
    }
}
