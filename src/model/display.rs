//! How values of the model read to a person: the names of languages, and the writing direction of
//! a language. Shared by the app and the builder's route pages, so both say the same.

/// Languages by their own names, for links to a post in another language ("Read this in
/// ភាសាខ្មែរ"): a reader looks for the name of their language as they write it.
const LANGUAGE_NAMES: [(&str, &str); 24] = [
    ("ar", "العربية"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("fa", "فارسی"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("km", "ភាសាខ្មែរ"),
    ("ko", "한국어"),
    ("lo", "ພາສາລາວ"),
    ("ms", "Bahasa Melayu"),
    ("my", "မြန်မာဘာသာ"),
    ("nl", "Nederlands"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("th", "ภาษาไทย"),
    ("tl", "Tagalog"),
    ("ur", "اردو"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
];

/// The name of language `lang` (BCP 47) in that language; the tag itself for one not in the
/// table.
pub fn language_name(lang: &str) -> &str {
    let primary = primary_subtag(lang);
    LANGUAGE_NAMES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(primary))
        .map_or(lang, |(_, name)| name)
}

/// The language of a BCP 47 tag without its region or script (`pt` of `pt-BR`, `zh` of
/// `zh_Hant`), as written.
fn primary_subtag(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or("")
}

/// Writing direction of a language: `rtl` for Arabic, Hebrew, Persian, Urdu and their kin.
pub fn text_direction(lang: &str) -> &'static str {
    let primary = primary_subtag(lang).to_ascii_lowercase();
    match primary.as_str() {
        "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" => "rtl",
        _ => "ltr",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_named_in_itself() {
        assert_eq!(language_name("km"), "ភាសាខ្មែរ");
        assert_eq!(language_name("pt-BR"), "Português");
        assert_eq!(language_name("ZH_hant"), "中文");
        assert_eq!(language_name("qya"), "qya");
        let codes: Vec<&str> = LANGUAGE_NAMES.iter().map(|(c, _)| *c).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "the table is sorted, each language once");
    }

    #[test]
    fn direction_follows_the_language() {
        assert_eq!(text_direction("en"), "ltr");
        assert_eq!(text_direction("km"), "ltr");
        assert_eq!(text_direction("ar-EG"), "rtl");
        assert_eq!(text_direction("HE"), "rtl");
    }
}
