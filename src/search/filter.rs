//! Filters a reader types into a search beside the words: `tag:river`, `category:Cambodia`,
//! `category:"Day by day"`. Each narrows the results to the posts that carry the term; several
//! must all hold. The same filters come from the address's `tag=` parameter, so a chip and a typed
//! filter mean one thing. Terms compare without regard to case, and a hyphen or underscore
//! stands for a space, so `category:day-by-day` finds "Day by day".

use crate::model::{PostSummary, Taxonomy};

/// A term every result carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub taxonomy: Taxonomy,
    /// As typed (or as chosen); see [`Filter::matches`] for how it compares.
    pub term: String,
}

impl Filter {
    /// Whether `term` (a post's tag or category) is the one this filter names.
    pub fn matches(&self, term: &str) -> bool {
        folded(term) == folded(&self.term)
    }

    /// Whether `post` carries the term.
    pub fn keeps(&self, post: &PostSummary) -> bool {
        self.taxonomy
            .terms_of(post)
            .iter()
            .any(|term| self.matches(term))
    }
}

/// Whether `post` passes every filter.
pub fn keeps_all(filters: &[Filter], post: &PostSummary) -> bool {
    filters.iter().all(|f| f.keeps(post))
}

/// The prefix a reader types for each taxonomy.
fn prefix(taxonomy: Taxonomy) -> &'static str {
    match taxonomy {
        Taxonomy::Tags => "tag:",
        Taxonomy::Categories => "category:",
        Taxonomy::Authors => "author:",
    }
}

/// Takes the filters out of a query as typed: the rest (the words, for [`super::query::parse`])
/// and the filters, in order. A filter's term runs to the next space, or is quoted.
pub fn split(input: &str) -> (String, Vec<Filter>) {
    let mut words = String::new();
    let mut filters = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        words.push_str(&rest[..start]);
        rest = &rest[start..];
        let found = Taxonomy::ALL.into_iter().find_map(|taxonomy| {
            let after = strip_prefix_ignore_case(rest, prefix(taxonomy))?;
            let (term, after) = match after.strip_prefix('"') {
                Some(inner) => inner.split_once('"').unwrap_or((inner, "")),
                None => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
            };
            Some((taxonomy, term.trim(), after))
        });
        match found {
            Some((taxonomy, term, after)) if !term.is_empty() => {
                filters.push(Filter {
                    taxonomy,
                    term: term.to_string(),
                });
                rest = after;
            }
            _ => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                words.push_str(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    words.push_str(rest);
    (words.trim().to_string(), filters)
}

/// `text` without `prefix` at its start, letters compared without case.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A term as filters compare it: lower case, hyphens and underscores as spaces, runs of spaces as
/// one.
pub fn folded(term: &str) -> String {
    term.to_lowercase()
        .replace(['-', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(taxonomy: Taxonomy, term: &str) -> Filter {
        Filter {
            taxonomy,
            term: term.into(),
        }
    }

    #[test]
    fn filters_are_taken_out_of_the_words() {
        assert_eq!(
            split("river category:Cambodia boat"),
            (
                "river  boat".to_string(),
                vec![filter(Taxonomy::Categories, "Cambodia")]
            )
        );
        assert_eq!(
            split("Category:\"Day by day\" TAG:food"),
            (
                String::new(),
                vec![
                    filter(Taxonomy::Categories, "Day by day"),
                    filter(Taxonomy::Tags, "food")
                ]
            )
        );
        // An empty filter, or a word that only looks like one, stays a word.
        assert_eq!(
            split("category: tagline"),
            ("category: tagline".into(), vec![])
        );
        assert_eq!(split("boat"), ("boat".into(), vec![]));
        assert_eq!(
            split("author:\"Sok Dara\" ferry"),
            (
                "ferry".to_string(),
                vec![filter(Taxonomy::Authors, "Sok Dara")]
            )
        );
    }

    #[test]
    fn terms_compare_without_case_and_with_hyphens_for_spaces() {
        let mut post = PostSummary::for_test("a", None, &["Street food"]);
        post.categories = vec!["Day by day".into(), "Cambodia".into()];
        assert!(filter(Taxonomy::Categories, "cambodia").keeps(&post));
        assert!(filter(Taxonomy::Categories, "day-by-day").keeps(&post));
        assert!(filter(Taxonomy::Tags, "street_food").keeps(&post));
        assert!(!filter(Taxonomy::Categories, "Street food").keeps(&post));
        assert!(!filter(Taxonomy::Tags, "Cambodia").keeps(&post));
        let both = [
            filter(Taxonomy::Categories, "Cambodia"),
            filter(Taxonomy::Tags, "street food"),
        ];
        assert!(keeps_all(&both, &post));
        assert!(!keeps_all(
            &[filter(Taxonomy::Categories, "Thailand")],
            &post
        ));
        assert!(keeps_all(&[], &post));
    }
}
