//! The one tokenizer of search: the builder indexes with it and the browser queries with it, so a
//! word typed into the search box becomes exactly the terms the index holds. What a letter, a
//! mark or a separator is comes from [`crate::text`], the table reading time counts words with.
//!
//! - Case and diacritics are folded (`Élan` → `elan`, `Đà Nẵng` → `da nang`), for Latin, Greek
//!   and Cyrillic. The vowel signs and viramas of the scripts of India stay in their word, which
//!   they never end (`क्या`).
//! - Scripts written without spaces between words (Thai, Lao, Khmer, Burmese, Chinese, Japanese)
//!   are cut into overlapping pairs of characters: `ផ្សារថ្មី` is indexed as its character pairs, and
//!   a query for `ផ្សារ` becomes the pairs of that word, which must stand side by side in the post.
//!   A "character" there is a base letter with the vowel signs and marks that follow it, so a Khmer
//!   or Thai syllable is never cut through. Pairs need no dictionary, so they cost nothing in the
//!   WASM download, and they find any word, including names and words no dictionary has.

use crate::text::{class, Class};

/// One term of a text and its place in it (the n-th term). Terms of an unspaced run are pairs of
/// characters, one position apart, so a phrase of them is found like a phrase of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub position: u32,
}

/// The terms of `text`, in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    each_term(text, |term, position| {
        out.push(Token {
            term: term.to_string(),
            position,
        })
    });
    out
}

/// Just the terms of `text`.
pub fn terms(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.term).collect()
}

/// Calls `found(term, position)` for each term of `text`, in order, without allocating per term
/// (indexing a large site calls this for every word it has).
pub fn each_term(text: &str, mut found: impl FnMut(&str, u32)) {
    let mut position = 0u32;
    let mut word = String::new();
    // The current unspaced run as byte ranges of `text`, one per base character and its marks;
    // they are contiguous, so a pair of them is a slice of `text`.
    let mut clusters: Vec<(usize, usize)> = Vec::new();
    let mut emit = |term: &str, position: &mut u32| {
        found(term, *position);
        *position += 1;
    };
    let flush_clusters = |clusters: &mut Vec<(usize, usize)>,
                          emit: &mut dyn FnMut(&str, &mut u32),
                          position: &mut u32| {
        match clusters.len() {
            0 => {}
            1 => emit(&text[clusters[0].0..clusters[0].1], position),
            _ => {
                for pair in clusters.windows(2) {
                    emit(&text[pair[0].0..pair[1].1], position);
                }
            }
        }
        clusters.clear();
    };
    for (at, ch) in text.char_indices() {
        let end = at + ch.len_utf8();
        match class(ch) {
            Class::Mark | Class::Diacritic if !clusters.is_empty() => {
                // Part of the syllable before it.
                if let Some(last) = clusters.last_mut() {
                    last.1 = end;
                }
            }
            // An accent of a spaced script is folded away; a vowel sign or virama stays in its
            // word. Neither ends the word.
            Class::Diacritic => {}
            Class::Mark => {
                if !word.is_empty() {
                    word.push(ch);
                }
            }
            Class::Unspaced(_) => {
                if !word.is_empty() {
                    emit(&word, &mut position);
                    word.clear();
                }
                clusters.push((at, end));
            }
            other => {
                if !clusters.is_empty() {
                    flush_clusters(&mut clusters, &mut emit, &mut position);
                }
                match other {
                    Class::Letter => fold_into(ch, &mut word),
                    // `don't` is the term `dont`.
                    Class::Apostrophe => {}
                    _ => {
                        if !word.is_empty() {
                            emit(&word, &mut position);
                            word.clear();
                        }
                    }
                }
            }
        }
    }
    if !word.is_empty() {
        emit(&word, &mut position);
    }
    flush_clusters(&mut clusters, &mut emit, &mut position);
}

/// Base letters of U+00C0..=U+024F (Latin-1 Supplement, Latin Extended-A and -B), lower case;
/// `_` where a character has none. Made from Unicode's canonical decompositions, plus the letters
/// that have no decomposition but a plain reading (ø → o, ł → l, đ → d, ß → s, æ → a, þ → t).
const LATIN_BASES: &str = concat!(
    "aaaaaaaceeeeiiiidnooooo_ouuuuytsaaaaaaaceeeeiiiidnooooo_ouuuuyty",
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii__jjkk_lllllll",
    "lllnnnnnn___oooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz_",
    "b_________________________l_____oo_____________uu_______________",
    "_____________aaiioouuuuuuuuuu_aaaa____ggkkoooo__j___gg__nnaa____",
    "aaaaeeeeiiiioooorrrruuuusstt__hh______aaeeooooooooyy____________",
    "________________",
);

/// Base letters of U+1E00..=U+1EFF (Latin Extended Additional: Vietnamese and others).
const LATIN_ADDITIONAL_BASES: &str = concat!(
    "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm",
    "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv",
    "wwwwwwwwwwxxxxyyzzzzzzhtwy______aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee",
    "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy______",
);

/// Appends `ch` lower-cased and without diacritics.
fn fold_into(ch: char, out: &mut String) {
    if ch.is_ascii() {
        // Most letters: no table, no case iterator.
        out.push(ch.to_ascii_lowercase());
        return;
    }
    for lower in ch.to_lowercase() {
        let code = lower as u32;
        let table = match code {
            0x00C0..=0x024F => Some((LATIN_BASES, code - 0x00C0)),
            0x1E00..=0x1EFF => Some((LATIN_ADDITIONAL_BASES, code - 0x1E00)),
            _ => None,
        };
        let folded = match table {
            Some((bases, i)) => match bases.as_bytes()[i as usize] {
                b'_' => lower,
                base => base as char,
            },
            None => match lower {
                'ά' => 'α',
                'έ' => 'ε',
                'ή' => 'η',
                'ί' | 'ϊ' | 'ΐ' => 'ι',
                'ό' => 'ο',
                'ύ' | 'ϋ' | 'ΰ' => 'υ',
                'ώ' => 'ω',
                'ς' => 'σ',
                'ё' => 'е',
                other => other,
            },
        };
        out.push(folded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_for_case_and_diacritics() {
        assert_eq!(
            terms("Élan, NAÏVE café — Đà Nẵng; Straße Łódź ΆΘΗΝΑ Ёлка"),
            [
                "elan",
                "naive",
                "cafe",
                "da",
                "nang",
                "strase",
                "lodz",
                "αθηνα",
                "елка"
            ]
        );
        // Combining diacritics (decomposed input) fold the same as precomposed letters.
        assert_eq!(terms("cafe\u{301}"), terms("café"));
    }

    #[test]
    fn marks_of_indian_scripts_stay_in_their_word() {
        assert_eq!(terms("क्या काम कम"), ["क्या", "काम", "कम"]);
        assert_eq!(terms("ক্ষমা"), ["ক্ষমা"]);
        // A zero-width non-joiner only shapes the letters: the word is whole without it.
        assert_eq!(terms("می\u{200C}خواهم"), terms("میخواهم"));
    }

    #[test]
    fn joiners_stay_inside_words_only() {
        assert_eq!(
            terms("don't well-known 3.5 'quoted' end. -dash"),
            ["dont", "well", "known", "3", "5", "quoted", "end", "dash"]
        );
    }

    #[test]
    fn unspaced_scripts_become_pairs_of_whole_syllable_characters() {
        // Khmer: the subscript and vowel signs stay with their consonant.
        let khmer = terms("ផ្សារ");
        assert_eq!(khmer, ["ផ្សា", "សារ"]);
        for term in &khmer {
            assert!(
                !term.starts_with(|c| class(c) == Class::Mark),
                "a pair never starts with a mark: {term:?}"
            );
        }
        // Chinese: pairs of characters, positions one apart.
        let tokens = tokenize("市场很大");
        assert_eq!(
            tokens.iter().map(|t| t.term.as_str()).collect::<Vec<_>>(),
            ["市场", "场很", "很大"]
        );
        assert_eq!(
            tokens.iter().map(|t| t.position).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        // A lone character is a term of its own; Latin beside Thai splits cleanly.
        assert_eq!(terms("水"), ["水"]);
        assert_eq!(terms("Mekong แม่น้ำ"), ["mekong", "แม่", "ม่น้", "น้ำ"]);
    }

    #[test]
    fn a_word_inside_an_unspaced_text_has_its_pairs_in_the_text() {
        let text = terms("ខ្ញុំទៅផ្សារថ្មីព្រឹកនេះ");
        let word = terms("ផ្សារ");
        let at = text.windows(word.len()).position(|w| w == word.as_slice());
        assert!(at.is_some(), "{word:?} in {text:?}");
        let thai = terms("ตลาดน้ำดำเนินสะดวก");
        let thai_word = terms("ตลาด");
        assert!(thai
            .windows(thai_word.len())
            .any(|w| w == thai_word.as_slice()));
        let chinese = terms("我们在市场买了水果");
        let chinese_word = terms("市场");
        assert!(chinese
            .windows(chinese_word.len())
            .any(|w| w == chinese_word.as_slice()));
    }
}
