//! The interface's words for a site: the table of its language shipped with Fieldnotes
//! (`strings/<language>.toml`), then the author's own words (`content/strings.toml`), compiled
//! into the list the manifest carries ([`crate::model::SiteInfo::strings`]).

use super::error::Problem;
use crate::model::strings::{english_at, is_plural, KEYS};
use std::collections::BTreeMap;
use std::path::Path;

/// The author's words for the interface, beside `site.toml`; never published.
pub const STRINGS_FILE: &str = "strings.toml";

/// The languages shipped, by their primary subtag, and their tables.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("ar", include_str!("strings/ar.toml")),
    ("de", include_str!("strings/de.toml")),
    ("es", include_str!("strings/es.toml")),
    ("fr", include_str!("strings/fr.toml")),
    ("id", include_str!("strings/id.toml")),
    ("km", include_str!("strings/km.toml")),
    ("pt", include_str!("strings/pt.toml")),
    ("th", include_str!("strings/th.toml")),
    ("vi", include_str!("strings/vi.toml")),
    ("zh", include_str!("strings/zh.toml")),
];

/// Plural categories of CLDR, in the order a compiled text lists them.
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The table of a site in `language`, with the author's `strings.toml` of `content` over it:
/// empty for English without overrides. A warning lists the keys left in English.
pub fn load(
    content: &Path,
    language: &str,
    warnings: &mut Vec<Problem>,
) -> Result<Vec<String>, Problem> {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    let path = content.join(STRINGS_FILE);
    let own = match std::fs::read_to_string(&path) {
        Ok(text) => Some(read_table(&path, &text)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Problem::new(
                &path,
                format!("cannot read: {e}"),
                "fix its permissions",
            ))
        }
    };
    let shipped = LANGUAGES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(primary));
    let english = primary.eq_ignore_ascii_case("en");
    if own.is_none() && shipped.is_none() {
        if !english {
            warnings.push(untranslated(&path, language, "all of them".into()));
        }
        return Ok(Vec::new());
    }
    let mut table = match shipped {
        Some((code, text)) => read_table(&Path::new("strings").join(format!("{code}.toml")), text)?,
        None => BTreeMap::new(),
    };
    table.extend(own.unwrap_or_default());
    let missing: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| !table.contains_key(*k))
        .collect();
    if !missing.is_empty() && !english {
        warnings.push(untranslated(&path, language, missing.join(", ")));
    }
    Ok(KEYS
        .iter()
        .enumerate()
        .map(|(i, key)| {
            table
                .remove(*key)
                .unwrap_or_else(|| english_at(i).to_string())
        })
        .collect())
}

/// The warning for the words of the interface still in English.
fn untranslated(path: &Path, language: &str, keys: String) -> Problem {
    Problem::new(
        path,
        format!("words of the interface with no translation into \"{language}\", shown in English: {keys}"),
        "translate them in content/strings.toml (see the README's Languages section)",
    )
    .warning()
}

/// Reads a strings table: each key a text, or for a plural key a table of its forms by CLDR
/// category. An unknown key, a text where forms are wanted (or the reverse), or forms without
/// `other`, is an error at its line.
pub fn read_table(path: &Path, text: &str) -> Result<BTreeMap<String, String>, Problem> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |s| super::config::line_column(text, s.start));
        Problem::new(
            path,
            e.message().to_string(),
            "write key = \"text\" on each line",
        )
        .at(line, column)
    })?;
    let mut out = BTreeMap::new();
    for (key, value) in table {
        let at = |message: String, hint: &str| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key.as_str()))
                .map_or(0, |i| i + 1);
            Problem::new(path, message, hint).at(line, 1)
        };
        let Some(index) = KEYS.iter().position(|k| *k == key) else {
            return Err(at(
                format!("unknown key \"{key}\""),
                "the keys are listed in the README's Languages section",
            ));
        };
        let compiled = match (value, is_plural(index)) {
            (toml::Value::String(s), false) => s,
            (toml::Value::Table(forms), true) => plural(&forms).map_err(|m| {
                at(
                    format!("\"{key}\": {m}"),
                    "e.g. { one = \"{n} post\", other = \"{n} posts\" }",
                )
            })?,
            (_, true) => {
                return Err(at(
                    format!("\"{key}\" has plural forms: give them as a table"),
                    "e.g. { one = \"{n} post\", other = \"{n} posts\" }",
                ))
            }
            (_, false) => return Err(at(format!("\"{key}\" must be a text"), "key = \"text\"")),
        };
        out.insert(key, compiled);
    }
    Ok(out)
}

/// The forms of a plural key, compiled to `category:text|…`.
fn plural(forms: &toml::Table) -> Result<String, String> {
    if let Some(bad) = forms.keys().find(|c| !CATEGORIES.contains(&c.as_str())) {
        return Err(format!(
            "\"{bad}\" is not a plural category (zero, one, two, few, many, other)"
        ));
    }
    if !forms.contains_key("other") {
        return Err("the form \"other\" is missing".into());
    }
    let mut parts = Vec::new();
    for category in CATEGORIES {
        match forms.get(category) {
            Some(toml::Value::String(s)) if !s.contains('|') => {
                parts.push(format!("{category}:{s}"))
            }
            Some(toml::Value::String(_)) => {
                return Err(format!("the form \"{category}\" holds a |"))
            }
            Some(_) => return Err(format!("the form \"{category}\" must be a text")),
            None => {}
        }
    }
    Ok(parts.join("|"))
}
