//! What a character is to the words of a text: the one table of scripts that reading time
//! ([`crate::markdown::word_count`]), search ([`crate::search::tokenize`]) and heading ids
//! ([`crate::markdown::slugify`]) all read, so a word is the same thing to each of them.
//!
//! Most scripts put spaces between words, and a word is a run of their letters and digits. Thai,
//! Lao, Khmer, Burmese, Chinese and Japanese do not: their letters are counted and indexed one by
//! one. Combining marks (vowel signs, viramas, accents) belong to the letter before them and never
//! start or end a word.

/// The part a character plays in the words of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A letter or digit of a script written with spaces: words are runs of them.
    Letter,
    /// A letter of a script written without spaces between words.
    Unspaced(Unspaced),
    /// A combining mark of a Brahmic script or of kana: part of the letter before it, and of the
    /// word (`क्या` is one word, not two).
    Mark,
    /// A combining accent of Latin, Greek or Cyrillic, or a zero-width (non-)joiner: part of the
    /// letter before it, and dropped where search folds accents away (`cafe\u{301}` is `cafe`).
    Diacritic,
    /// An apostrophe: inside a word it joins its parts (`don't` is one word); elsewhere nothing.
    Apostrophe,
    /// Everything else (spaces, punctuation, symbols) ends a word.
    Separator,
}

/// The two kinds of unspaced script, which differ in how many letters make a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unspaced {
    /// Chinese characters and Japanese kana: a word averages under two.
    Ideographic,
    /// Thai, Lao, Khmer and Burmese: a word averages about five letters and marks.
    Syllabic,
}

/// Whether `ch` may stand in a post's or page's slug (its URL segment): a letter or digit of any
/// script with the combining marks that belong to it (Khmer's subscript sign in `ភ្នំពេញ`, Thai
/// vowels, accents), `-`, `_` and `.`.
pub fn in_slug(ch: char) -> bool {
    ch.is_alphanumeric()
        || matches!(ch, '-' | '_' | '.')
        || matches!(class(ch), Class::Mark | Class::Diacritic)
            && !matches!(ch, '\u{200c}' | '\u{200d}')
}

/// The class of `ch`.
#[inline]
pub fn class(ch: char) -> Class {
    if ch.is_ascii() {
        // Most text is ASCII: decided without the tables, inline where a text is read.
        return if ch.is_ascii_alphanumeric() {
            Class::Letter
        } else if ch == '\'' {
            Class::Apostrophe
        } else {
            Class::Separator
        };
    }
    class_beyond_ascii(ch)
}

/// The class of `ch`, a character outside ASCII.
#[inline(never)]
fn class_beyond_ascii(ch: char) -> Class {
    if is_diacritic(ch) {
        Class::Diacritic
    } else if is_mark(ch) {
        Class::Mark
    } else if let Some(kind) = unspaced(ch) {
        Class::Unspaced(kind)
    } else if ch.is_alphanumeric() {
        Class::Letter
    } else if ch == '’' {
        Class::Apostrophe
    } else {
        Class::Separator
    }
}

/// Whether `ch` is a letter of a script written without spaces.
pub fn is_unspaced(ch: char) -> bool {
    matches!(class(ch), Class::Unspaced(_))
}

/// Accents that search folds away, and the zero-width joiners, which only shape the letters
/// around them.
fn is_diacritic(ch: char) -> bool {
    matches!(ch as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x200C..=0x200D)
}

/// Combining marks (Unicode's Mn, Mc and Me) of the Brahmic scripts of India and Sri Lanka, of
/// Thai, Lao, Burmese and Khmer, and of kana and ideographs.
fn is_mark(ch: char) -> bool {
    matches!(ch as u32,
        // Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala.
        0x0900..=0x0903 | 0x093A..=0x093C | 0x093E..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963
        | 0x0981..=0x0983 | 0x09BC | 0x09BE..=0x09C4 | 0x09C7..=0x09C8 | 0x09CB..=0x09CD | 0x09D7
        | 0x09E2..=0x09E3 | 0x09FE
        | 0x0A01..=0x0A03 | 0x0A3C | 0x0A3E..=0x0A42 | 0x0A47..=0x0A48 | 0x0A4B..=0x0A4D | 0x0A51
        | 0x0A70..=0x0A71 | 0x0A75
        | 0x0A81..=0x0A83 | 0x0ABC | 0x0ABE..=0x0AC5 | 0x0AC7..=0x0AC9 | 0x0ACB..=0x0ACD
        | 0x0AE2..=0x0AE3 | 0x0AFA..=0x0AFF
        | 0x0B01..=0x0B03 | 0x0B3C | 0x0B3E..=0x0B44 | 0x0B47..=0x0B48 | 0x0B4B..=0x0B4D
        | 0x0B55..=0x0B57 | 0x0B62..=0x0B63
        | 0x0B82 | 0x0BBE..=0x0BC2 | 0x0BC6..=0x0BC8 | 0x0BCA..=0x0BCD | 0x0BD7
        | 0x0C00..=0x0C04 | 0x0C3C | 0x0C3E..=0x0C44 | 0x0C46..=0x0C48 | 0x0C4A..=0x0C4D
        | 0x0C55..=0x0C56 | 0x0C62..=0x0C63
        | 0x0C81..=0x0C83 | 0x0CBC | 0x0CBE..=0x0CC4 | 0x0CC6..=0x0CC8 | 0x0CCA..=0x0CCD
        | 0x0CD5..=0x0CD6 | 0x0CE2..=0x0CE3
        | 0x0D00..=0x0D03 | 0x0D3B..=0x0D3C | 0x0D3E..=0x0D44 | 0x0D46..=0x0D48 | 0x0D4A..=0x0D4D
        | 0x0D57 | 0x0D62..=0x0D63
        | 0x0D81..=0x0D83 | 0x0DCA | 0x0DCF..=0x0DD4 | 0x0DD6 | 0x0DD8..=0x0DDF | 0x0DF2..=0x0DF3
        // Thai, Lao.
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECD
        // Burmese, and its extension for Shan and others.
        | 0x102B..=0x103E | 0x1056..=0x1059 | 0x105E..=0x1060 | 0x1062..=0x1064 | 0x1067..=0x106D
        | 0x1071..=0x1074 | 0x1082..=0x108D | 0x108F | 0x109A..=0x109D
        | 0xAA7B..=0xAA7D
        // Khmer.
        | 0x17B4..=0x17D3 | 0x17DD
        // Ideographic tone marks, kana voicing marks.
        | 0x302A..=0x302F | 0x3099..=0x309A
    )
}

/// Letters of the scripts written without spaces. Their digits are [`Class::Letter`], as digits
/// of every script are; their punctuation and symbols separate.
fn unspaced(ch: char) -> Option<Unspaced> {
    match ch as u32 {
        0x0E01..=0x0E30 | 0x0E32..=0x0E33 | 0x0E40..=0x0E46 // Thai
        | 0x0E81..=0x0EB0 | 0x0EB2..=0x0EB3 | 0x0EBD..=0x0EC6 | 0x0EDC..=0x0EDF // Lao
        | 0x1000..=0x102A | 0x103F | 0x1050..=0x1055 | 0x105A..=0x105D | 0x1061 // Burmese
        | 0x1065..=0x1066 | 0x106E..=0x1070 | 0x1075..=0x1081 | 0x108E
        | 0xAA60..=0xAA76 | 0xAA7A | 0xAA7E..=0xAA7F
        | 0x1780..=0x17B3 | 0x17D7 | 0x17DC // Khmer
        => Some(Unspaced::Syllabic),
        0x3005..=0x3007 // 々 〆 〇: iteration mark, closing mark, ideographic zero
        | 0x3041..=0x3096 | 0x309D..=0x309F // Hiragana
        | 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F // Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // Han
        | 0x20000..=0x2FA1F | 0x30000..=0x323AF
        => Some(Unspaced::Ideographic),
        _ => None,
    }
}

/// Scripts that one language writes (almost) alone, and that language: a text mostly in one of
/// them is in that language. Scripts several languages share (Latin, Cyrillic, Arabic, Devanagari)
/// say nothing on their own and are not listed.
const SCRIPT_LANGUAGES: [(u32, u32, &str); 20] = [
    (0x0370, 0x03FF, "el"),
    (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"),
    (0x0980, 0x09FF, "bn"),
    (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"),
    (0x0B80, 0x0BFF, "ta"),
    (0x0C00, 0x0C7F, "te"),
    (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"),
    (0x0D80, 0x0DFF, "si"),
    (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"),
    (0x1000, 0x109F, "my"),
    (0x10A0, 0x10FF, "ka"),
    (0x1780, 0x17FF, "km"),
    (0x19E0, 0x19FF, "km"),
    (0x3040, 0x30FF, "ja"),
    (0x1100, 0x11FF, "ko"),
    (0xAC00, 0xD7AF, "ko"),
];

/// The language a text is written in, told by its script: the language of [`SCRIPT_LANGUAGES`]
/// whose script holds more than half of the text's letters; Chinese characters count for Japanese
/// when kana are among them, else for Chinese. None for a text mostly in a shared script (English
/// or French in Latin letters), or with too few letters to tell.
pub fn language_of_script(text: &str) -> Option<&'static str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    // Latin letters tell no language (no table holds them): they are only counted.
    let mut letters = text.bytes().filter(u8::is_ascii_alphabetic).count();
    let mut han = 0;
    for ch in beyond_ascii(text).filter(|c| c.is_alphabetic()) {
        letters += 1;
        let code = ch as u32;
        if matches!(code, 0x4E00..=0x9FFF | 0x3400..=0x4DBF) {
            han += 1;
        } else if let Some(&(_, _, lang)) = SCRIPT_LANGUAGES
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
        {
            match counts.iter_mut().find(|(l, _)| *l == lang) {
                Some((_, n)) => *n += 1,
                None => counts.push((lang, 1)),
            }
        }
    }
    if han > 0 {
        let kana = counts
            .iter()
            .find(|(l, _)| *l == "ja")
            .map_or(0, |(_, n)| *n);
        let lang = if kana > 0 { "ja" } else { "zh" };
        match counts.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, n)) => *n += han,
            None => counts.push((lang, han)),
        }
    }
    let (lang, n) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    (letters >= 12 && n * 2 > letters).then_some(lang)
}

/// The characters of `text` outside ASCII, in order; the ASCII between them is skipped a byte at
/// a time, without decoding.
fn beyond_ascii(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let at = rest.bytes().position(|b| !b.is_ascii())?;
        let mut chars = rest[at..].chars();
        let ch = chars.next();
        rest = chars.as_str();
        ch
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn slugs_take_the_marks_of_their_words() {
        for slug in ["ភ្នំពេញ", "สวัสดี", "café", "क्या", "day-1_a.b"]
        {
            assert!(slug.chars().all(in_slug), "{slug}");
        }
        for not_one in [' ', '/', '?', '#', '%', '\u{200d}'] {
            assert!(!in_slug(not_one), "{not_one:?}");
        }
    }

    use super::*;

    #[test]
    fn the_characters_beyond_ascii_are_every_other_character_in_order() {
        for text in [
            "",
            "plain words",
            "ភ្នំពេញ",
            "café au lait, ភូមិ and 我们 é",
            "é",
            "aé",
            "éa",
        ] {
            let expected: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
            assert_eq!(beyond_ascii(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }

    #[test]
    fn a_text_mostly_in_one_language_s_script_is_in_that_language() {
        let khmer = "ភូមិនៅជិតទន្លេ ហើយយើងបានដើរទៅផ្សារ ពេលព្រឹក។";
        assert_eq!(language_of_script(khmer), Some("km"));
        assert_eq!(
            language_of_script(&format!("{khmer} A few English words.")),
            Some("km")
        );
        assert_eq!(
            language_of_script("เราเดินไปตลาดน้ำตอนเช้าตรู่และกินข้าวเหนียว"),
            Some("th")
        );
        assert_eq!(
            language_of_script("我们早上去了市场，然后坐船回家。天气很好。"),
            Some("zh")
        );
        assert_eq!(
            language_of_script("私たちは朝、市場へ行きました。それから船で帰りました。"),
            Some("ja")
        );
        assert_eq!(
            language_of_script("우리는 아침에 시장에 갔습니다 그리고 배를 타고 집에 왔습니다"),
            Some("ko")
        );
        // Mostly English with a Khmer phrase; a shared script; too short to tell.
        assert_eq!(
            language_of_script(
                "We walked to the market in the morning and said ជំរាបសួរ to everyone."
            ),
            None
        );
        assert_eq!(
            language_of_script("Мы пошли на рынок рано утром и вернулись на лодке."),
            None
        );
        assert_eq!(language_of_script("ភូមិ"), None);
    }

    #[test]
    fn every_script_has_its_class() {
        assert_eq!(class('a'), Class::Letter);
        assert_eq!(class('é'), Class::Letter);
        assert_eq!(class('٣'), Class::Letter, "digits of any script");
        assert_eq!(class('๕'), Class::Letter, "Thai digits too");
        assert_eq!(class('ក'), Class::Unspaced(Unspaced::Syllabic));
        assert_eq!(class('ก'), Class::Unspaced(Unspaced::Syllabic));
        assert_eq!(class('市'), Class::Unspaced(Unspaced::Ideographic));
        assert_eq!(class('々'), Class::Unspaced(Unspaced::Ideographic));
        assert_eq!(class('\u{17D2}'), Class::Mark, "Khmer coeng");
        assert_eq!(class('\u{094D}'), Class::Mark, "Devanagari virama");
        assert_eq!(class('\u{0301}'), Class::Diacritic);
        assert_eq!(class('\u{200C}'), Class::Diacritic);
        assert_eq!(class('’'), Class::Apostrophe);
        for separator in [' ', '-', '。', '។', '။', '・', '\u{19E0}'] {
            assert_eq!(class(separator), Class::Separator, "{separator:?}");
        }
    }

    /// Reading time and search, each through its own public function, see every character the
    /// same way: between two letters, a letter of a spaced script or a mark joins them into one
    /// word (one term), a separator makes two, an unspaced letter is a word (a term) of its own.
    #[test]
    fn reading_time_and_search_agree_on_every_character() {
        use crate::markdown::word_count;
        use crate::search::tokenize::terms;
        let unspaced_blocks = [
            0x0E00..=0x0EFF,
            0x1000..=0x109F,
            0x1780..=0x17FF,
            0x19E0..=0x19FF,
            0xAA60..=0xAA7F,
            0x3000..=0x30FF,
            0x31F0..=0x31FF,
            0xFF00..=0xFFEF,
            0x20000..=0x2FA1F,
            0x30000..=0x323AF,
        ];
        let everything = (0..=0xFFFF).chain(unspaced_blocks.into_iter().flatten());
        let mut disagree = Vec::new();
        for ch in everything.filter_map(char::from_u32) {
            let text = format!("a{ch}b");
            if word_count(&text) != terms(&text).len() {
                disagree.push(format!("U+{:04X}", ch as u32));
            }
        }
        assert!(
            disagree.is_empty(),
            "{} disagree: {disagree:?}",
            disagree.len()
        );
    }

    #[test]
    fn a_mixed_text_has_the_same_words_for_reading_time_and_search() {
        use crate::markdown::word_count;
        use crate::search::tokenize::terms;
        let text = "At dawn: ផ្សារថ្មី, ตลาดน้ำ and 市场很大 (don’t rush, cafe\u{301}).";
        let khmer = ["ផ្", "សា", "រ", "ថ្", "មី"];
        let thai = ["ต", "ล", "า", "ด", "น้", "ำ"];
        // Search: each spaced word a term, each unspaced run cut into pairs of its letters (with
        // their marks).
        let pairs =
            |letters: &[&str]| -> Vec<String> { letters.windows(2).map(|w| w.concat()).collect() };
        let mut expected: Vec<String> = vec!["at".into(), "dawn".into()];
        expected.extend(pairs(&khmer));
        expected.extend(pairs(&thai));
        expected.push("and".into());
        expected.extend(pairs(&["市", "场", "很", "大"]));
        expected.extend(["dont".into(), "rush".into(), "cafe".into()]);
        assert_eq!(terms(text), expected);
        // Reading time: the same six spaced words; the same Khmer and Thai letters and marks
        // (counted one by one), five to a word; the same Chinese characters, two to a word.
        let syllabic: usize = khmer.iter().chain(&thai).map(|l| l.chars().count()).sum();
        assert_eq!(syllabic, 16);
        assert_eq!(
            word_count(text),
            6 + syllabic.div_ceil(5) + 4usize.div_ceil(2)
        );
    }
}
