//! What a reader types, understood: words (the last one a prefix while they are still typing),
//! `"quoted phrases"`, `-excluded` words and phrases; how near a term of the index must be to a
//! typed word to count (exact, prefix, or one or two typos); and how much a match weighs (BM25).

use super::tokenize::terms;

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word. `prefix` when it is the word being typed (no space after it yet), so `riv` finds
    /// `river`.
    Word { term: String, prefix: bool },
    /// Terms that must stand side by side: a quoted phrase, or one word of an unspaced script
    /// (its character pairs).
    Phrase(Vec<String>),
    /// Posts containing this word or phrase are left out.
    Excluded(Vec<String>),
}

/// Parses a query as typed.
pub fn parse(input: &str) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut rest = input;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let excluded = rest.starts_with('-') && rest.len() > 1;
        if excluded {
            rest = &rest[1..];
        }
        let (text, quoted, after) = if let Some(inner) = rest.strip_prefix('"') {
            // An unclosed quote runs to the end: the reader is still typing the phrase.
            match inner.find('"') {
                Some(end) => (&inner[..end], true, &inner[end + 1..]),
                None => (inner, true, ""),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], false, &rest[end..])
        };
        let words = terms(text);
        rest = after;
        if words.is_empty() {
            continue;
        }
        let still_typing = rest.is_empty() && !input.ends_with(char::is_whitespace) && !quoted;
        clauses.push(if excluded {
            Clause::Excluded(words)
        } else if quoted || words.len() > 1 {
            Clause::Phrase(words)
        } else {
            let term = words.into_iter().next().unwrap_or_default();
            Clause::Word {
                term,
                prefix: still_typing,
            }
        });
    }
    clauses
}

/// How a term of the index matches a typed word; better matches sort first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    Exact,
    Prefix,
    Typo(u8),
}

impl Match {
    /// The share of a term's score a match of this kind earns: exact beats prefix beats typo.
    pub fn weight(self) -> f32 {
        match self {
            Match::Exact => 1.0,
            Match::Prefix => 0.6,
            Match::Typo(1) => 0.4,
            Match::Typo(_) => 0.25,
        }
    }

    /// Where a match of this kind starts: a post holding a word as typed ranks above every post
    /// that holds only a longer word it begins, which ranks above every post with only a typo,
    /// whatever their weights (a rare longer word said often, `securityoptions` in a release
    /// note, would otherwise outrank "security" in a title). Weights then order the posts of a
    /// tier; a match's weight (BM25F, [`bm25`]) stays far below [`TIER`].
    pub fn tier(self) -> f32 {
        match self {
            Match::Exact => 3.0 * TIER,
            Match::Prefix => 2.0 * TIER,
            Match::Typo(1) => TIER,
            Match::Typo(_) => 0.0,
        }
    }

    /// A post's score for a term of this kind that weighs `weight` in it ([`bm25`]).
    pub fn score(self, weight: f32) -> f32 {
        self.tier() + weight * self.weight()
    }
}

/// The span of one kind of match's scores ([`Match::tier`]): more than any BM25F weight reaches
/// (at most about 2.2 × ln of the number of posts, under 30 for a million posts).
pub const TIER: f32 = 1000.0;

/// Typos forgiven in a word of `len` characters: none under 4, one from 4, two from 8.
pub fn typo_budget(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// How `candidate` (a term of the index) matches `typed`, if at all.
pub fn matches(typed: &str, candidate: &str, prefix: bool) -> Option<Match> {
    if typed == candidate {
        return Some(Match::Exact);
    }
    if prefix && candidate.starts_with(typed) {
        return Some(Match::Prefix);
    }
    let budget = typo_budget(typed.chars().count());
    if budget == 0 {
        return None;
    }
    edit_distance(typed, candidate, budget).map(Match::Typo)
}

/// Edits (insert, delete, substitute, swap two neighbours) between `a` and `b`, if at most `max`.
pub fn edit_distance(a: &str, b: &str, max: u8) -> Option<u8> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = max as usize;
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Three rows of the optimal-string-alignment table, each computed only on the band of cells
    // within `max` of the diagonal (the others are over the limit whatever follows): the whole
    // table made two 16,000-letter words take 8.7 s, quadratic (`bench/robustness.md`). A cell
    // of the band reads its row's neighbours just outside it, which are kept at `over`.
    let over = max + 1;
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![over; width];
    let mut previous: Vec<usize> = (0..width).map(|j| j.min(over)).collect();
    let mut current: Vec<usize> = vec![over; width];
    for i in 1..=a.len() {
        let low = i.saturating_sub(max).max(1);
        let high = (i + max).min(b.len());
        current[low - 1] = if low == 1 { i.min(over) } else { over };
        if high < b.len() {
            current[high + 1] = over;
        }
        let mut best = current[low - 1];
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(before[j - 2] + 1);
            }
            current[j] = cell.min(over);
            best = best.min(current[j]);
        }
        if best > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance as u8)
}

/// BM25F weight of a term in one post: `boosted` occurrences in the title and tags (already
/// multiplied by their boosts; short fields, not normalised for length), `body` occurrences in a
/// body of `len` terms, the term being in `df` of `n` posts whose average body length is `avg_len`.
pub fn bm25(boosted: f32, body: f32, df: u32, n: u32, len: u32, avg_len: f32) -> f32 {
    const K1: f32 = 1.2;
    const B: f32 = 0.75;
    let idf = ((n as f32 - df as f32 + 0.5) / (df as f32 + 0.5) + 1.0).ln();
    let norm = 1.0 - B + B * len as f32 / avg_len.max(1.0);
    let tf = boosted + body / norm;
    idf * tf * (K1 + 1.0) / (tf + K1)
}

/// How much more a term counts in a post's title, tags, categories and headings than in its body
/// (BM25F: the boosted fields are short, so their counts are not normalised for length). A
/// heading's words are in the body too, so they count once as a heading and once as body text.
pub const TITLE_BOOST: f32 = 3.0;
pub const TAG_BOOST: f32 = 2.0;
pub const CATEGORY_BOOST: f32 = 1.5;
pub const HEADING_BOOST: f32 = 1.25;

#[cfg(test)]
mod tests {
    use super::*;

    fn word(term: &str, prefix: bool) -> Clause {
        Clause::Word {
            term: term.into(),
            prefix,
        }
    }

    #[test]
    fn queries_parse_into_words_phrases_and_exclusions() {
        assert_eq!(
            parse("River \"night market\" -Bus boat"),
            [
                word("river", false),
                Clause::Phrase(vec!["night".into(), "market".into()]),
                Clause::Excluded(vec!["bus".into()]),
                word("boat", true),
            ]
        );
        // A space after the last word means it is finished; an open quote is a phrase in progress.
        assert_eq!(parse("boat "), [word("boat", false)]);
        assert_eq!(
            parse("\"slow boat"),
            [Clause::Phrase(vec!["slow".into(), "boat".into()])]
        );
        assert_eq!(
            parse("-\"night bus\""),
            [Clause::Excluded(vec!["night".into(), "bus".into()])]
        );
        // A lone dash and punctuation are nothing; an unspaced word is a phrase of its pairs.
        assert_eq!(parse(" - ,, "), []);
        assert_eq!(
            parse("市场"),
            [word("市场", true)],
            "two characters are one pair"
        );
        assert_eq!(
            parse("ផ្សារ"),
            [Clause::Phrase(vec!["ផ្សា".into(), "សារ".into()])]
        );
    }

    #[test]
    fn exact_beats_prefix_beats_typo() {
        assert_eq!(matches("river", "river", true), Some(Match::Exact));
        assert_eq!(matches("riv", "river", true), Some(Match::Prefix));
        assert_eq!(matches("riv", "river", false), None);
        assert_eq!(matches("rivr", "river", false), Some(Match::Typo(1)));
        assert!(Match::Exact < Match::Prefix && Match::Prefix < Match::Typo(1));
        assert!(Match::Exact.weight() > Match::Prefix.weight());
        assert!(Match::Prefix.weight() > Match::Typo(1).weight());
        assert!(Match::Typo(1).weight() > Match::Typo(2).weight());
    }

    #[test]
    fn typos_are_forgiven_by_word_length() {
        // Under 4 characters: none.
        assert_eq!(matches("bot", "boat", false), None);
        // 4 to 7: one.
        assert_eq!(matches("boaat", "boat", false), Some(Match::Typo(1)));
        assert_eq!(
            matches("baot", "boat", false),
            Some(Match::Typo(1)),
            "a swap is one typo"
        );
        assert_eq!(matches("bxxt", "boat", false), None);
        // 8 and more: two.
        assert_eq!(
            matches("marketplce", "marketplace", false),
            Some(Match::Typo(1))
        );
        assert_eq!(
            matches("markteplce", "marketplace", false),
            Some(Match::Typo(2))
        );
        assert_eq!(
            matches("mrktplace", "marketplace", false),
            Some(Match::Typo(2))
        );
        assert_eq!(matches("mrktplc", "marketplace", false), None);
        // Characters, not bytes: Khmer and accented words count letters.
        assert_eq!(edit_distance("ផ្សារ", "ផ្សារ", 0), Some(0));
        assert_eq!(edit_distance("cafe", "cafes", 1), Some(1));
    }

    #[test]
    fn bm25_prefers_rare_terms_frequent_in_short_posts() {
        let common = bm25(0.0, 1.0, 900, 1000, 100, 100.0);
        let rare = bm25(0.0, 1.0, 3, 1000, 100, 100.0);
        assert!(rare > common);
        assert!(bm25(0.0, 3.0, 10, 1000, 100, 100.0) > bm25(0.0, 1.0, 10, 1000, 100, 100.0));
        assert!(bm25(0.0, 1.0, 10, 1000, 50, 100.0) > bm25(0.0, 1.0, 10, 1000, 400, 100.0));
        // A title match outweighs the same word once in the body, even a short one.
        assert!(bm25(TITLE_BOOST, 0.0, 10, 1000, 400, 100.0) > bm25(0.0, 1.0, 10, 1000, 20, 100.0));
        assert!(common > 0.0);
    }
}
