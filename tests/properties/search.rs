//! The search box: whatever a reader types, the filter split and the query parser answer without
//! a panic, and the typo distance is a distance (symmetric, zero only between equal words, never
//! over the limit asked for).

use fieldnotes::search::filter::split;
use fieldnotes::search::query::{edit_distance, parse, Clause};
use proptest::prelude::*;

/// The whole optimal-string-alignment table, as the textbook computes it: what the banded
/// [`edit_distance`] must agree with.
fn reference_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = cell;
        }
    }
    d[a.len()][b.len()]
}

/// Queries made of the parser's own signs, filters, words and random characters.
fn query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(
            &["\"", "-", " ", "tag:", "TAG:\"", "category:", "-\"", "\"\"", "riv", "ក្មែរ", "日本", "\u{0}", "\t"][..]
        ).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|p| p.concat())
}

/// Short words over a small alphabet, so that near words are common.
fn word() -> impl Strategy<Value = String> {
    "[abé日]{0,12}"
}

proptest! {
    #![proptest_config(super::config(50_000))]

    #[test]
    fn search_query_parse_is_total(input in query()) {
        let (words, filters) = split(&input);
        for f in &filters {
            prop_assert!(!f.term.is_empty(), "empty filter from {input:?}");
        }
        for clause in parse(&words).into_iter().chain(parse(&input)) {
            match clause {
                Clause::Word { term, .. } => prop_assert!(!term.is_empty()),
                Clause::Phrase(terms) | Clause::Excluded(terms) => {
                    prop_assert!(!terms.is_empty() && terms.iter().all(|t| !t.is_empty()))
                }
            }
        }
    }

    #[test]
    fn search_edit_distance_is_a_bounded_distance(a in word(), b in word(), max in 0u8..4) {
        let ab = edit_distance(&a, &b, max);
        prop_assert_eq!(ab, edit_distance(&b, &a, max), "not symmetric: {:?} {:?}", a, b);
        if let Some(d) = ab {
            prop_assert!(d <= max);
            prop_assert_eq!(d == 0, a == b);
        }
        if a == b {
            prop_assert_eq!(ab, Some(0));
        }
        let expected = reference_distance(&a, &b);
        prop_assert_eq!(ab, (expected <= max as usize).then_some(expected as u8), "{:?} {:?}", a, b);
        // Within a larger limit the distance is the same.
        if let Some(d) = ab {
            prop_assert_eq!(edit_distance(&a, &b, max + 3), Some(d));
        }
    }
}

#[test]
fn search_edit_distance_of_long_words_is_linear() {
    // Found by the quadratic benchmark: the whole table was computed for words of any length,
    // so two 16,000-letter words took 8.7 s; now only the cells within the limit of the diagonal.
    super::assert_linear("edit_distance", 4000, |n| {
        let a = "ab".repeat(n / 2);
        let b = format!("{}x", &a[..a.len() - 1]);
        assert_eq!(edit_distance(&a, &b, 2), Some(1));
    });
}
