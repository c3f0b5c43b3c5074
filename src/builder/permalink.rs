//! Old addresses. A blog that moves to Fieldnotes had other URLs: a Zola `path`, a Jekyll or Hugo
//! `permalink`, a site-wide pattern like WordPress's `/:year/:month/:day/:slug/`. Fieldnotes keeps
//! one address per post, `/posts/<slug>/`, so every route, list and shard stays a lookup by slug;
//! each old address becomes an alias (a redirect page and a `_redirects` rule), so links from the
//! rest of the web still land on the post.

use super::front_matter::Moment;

/// Named styles Jekyll accepts for `permalink`, as the patterns they stand for.
const NAMED_STYLES: &[(&str, &str)] = &[
    ("date", "/:categories/:year/:month/:day/:title:output_ext"),
    ("pretty", "/:categories/:year/:month/:day/:title/"),
    ("ordinal", "/:categories/:year/:y_day/:title:output_ext"),
    (
        "weekdate",
        "/:categories/:year/W:week/:short_day/:title:output_ext",
    ),
    ("none", "/:categories/:title:output_ext"),
];

/// The placeholders a pattern may use. `:title` and `:slug` are both the post's slug (Jekyll's
/// `:title` is the file name's, which is what the slug is made from).
const TOKENS: &[&str] = &[
    "categories",
    "filename",
    "i_month",
    "i_day",
    "short_year",
    "output_ext",
    "section",
    "minute",
    "second",
    "month",
    "y_day",
    "title",
    "slug",
    "year",
    "hour",
    "day",
];

/// A site-wide pattern of the addresses posts had before (`permalink` in `site.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalink(String);

/// What a pattern is filled with, for one post.
pub struct Parts<'a> {
    pub date: Option<&'a Moment>,
    pub slug: &'a str,
    pub categories: &'a [String],
    /// The file's name without its extension (Hugo's `:filename`).
    pub file_stem: &'a str,
}

impl Permalink {
    /// Reads a pattern or a named style; the error says what is wrong with it.
    pub fn parse(setting: &str) -> Result<Permalink, String> {
        let setting = setting.trim();
        let pattern = NAMED_STYLES
            .iter()
            .find(|(name, _)| *name == setting)
            .map_or(setting, |(_, pattern)| pattern);
        if !pattern.starts_with('/') {
            return Err(format!(
                "permalink \"{setting}\" must start with / (or be one of: date, pretty, ordinal, none)"
            ));
        }
        let mut rest = pattern;
        while let Some(i) = rest.find(':') {
            rest = &rest[i + 1..];
            match token_at(rest) {
                Some(token) => rest = &rest[token.len()..],
                None => {
                    return Err(format!(
                        "permalink \"{setting}\" has an unknown placeholder at \":{}\"; known: :{}",
                        rest.split('/').next().unwrap_or(rest),
                        TOKENS.join(", :")
                    ))
                }
            }
        }
        Ok(Permalink(pattern.to_string()))
    }

    /// The post's address under this pattern; `None` when the pattern needs a date the post
    /// does not have.
    pub fn expand(&self, parts: &Parts) -> Option<String> {
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(i) = rest.find(':') {
            out.push_str(&rest[..i]);
            rest = &rest[i + 1..];
            let token = token_at(rest).expect("checked when the pattern was read");
            rest = &rest[token.len()..];
            out.push_str(&value_of(token, parts)?);
        }
        out.push_str(rest);
        Some(collapse_slashes(&out))
    }
}

/// The longest known placeholder at the start of `text` (`:i_month` before `:month`).
fn token_at(text: &str) -> Option<&'static str> {
    TOKENS
        .iter()
        .filter(|t| text.starts_with(**t))
        .max_by_key(|t| t.len())
        .copied()
}

fn value_of(token: &str, parts: &Parts) -> Option<String> {
    let date = || {
        let m = parts.date?;
        chrono::NaiveDateTime::parse_from_str(
            &format!("{} {}", m.date, m.time),
            "%Y-%m-%d %H:%M:%S",
        )
        .ok()
    };
    Some(match token {
        "slug" | "title" => parts.slug.to_string(),
        "filename" => parts.file_stem.to_string(),
        "section" => "posts".to_string(),
        "output_ext" => ".html".to_string(),
        "categories" => parts
            .categories
            .iter()
            .map(|c| c.trim().to_lowercase().replace(' ', "-"))
            .collect::<Vec<_>>()
            .join("/"),
        "year" => date()?.format("%Y").to_string(),
        "short_year" => date()?.format("%y").to_string(),
        "month" => date()?.format("%m").to_string(),
        "i_month" => date()?.format("%-m").to_string(),
        "day" => date()?.format("%d").to_string(),
        "i_day" => date()?.format("%-d").to_string(),
        "y_day" => date()?.format("%j").to_string(),
        "hour" => date()?.format("%H").to_string(),
        "minute" => date()?.format("%M").to_string(),
        "second" => date()?.format("%S").to_string(),
        _ => return None,
    })
}

/// A post's own `path`/`permalink`/`url` field as an address: rooted, and ending in `/` unless
/// it names a file (`/2024/03/05/crossing.html`).
pub fn path_alias(path_field: &str) -> Option<String> {
    let trimmed = path_field.trim().trim_matches('/');
    if trimmed.is_empty() || trimmed.contains("://") {
        return None;
    }
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let slash = if last.contains('.') { "" } else { "/" };
    Some(collapse_slashes(&format!("/{trimmed}{slash}")))
}

fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(date: &str, time: &str) -> Moment {
        Moment {
            date: date.into(),
            time: time.into(),
        }
    }

    fn expand(pattern: &str, date: Option<&Moment>, categories: &[&str]) -> Option<String> {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        Permalink::parse(pattern).unwrap().expand(&Parts {
            date,
            slug: "river-day",
            categories: &categories,
            file_stem: "2024-03-05-river-day",
        })
    }

    #[test]
    fn wordpress_jekyll_and_hugo_patterns() {
        let m = moment("2024-03-05", "07:08:09");
        assert_eq!(
            expand("/:year/:month/:day/:slug/", Some(&m), &[]).as_deref(),
            Some("/2024/03/05/river-day/")
        );
        assert_eq!(
            expand("date", Some(&m), &["Field Notes", "Cambodia"]).as_deref(),
            Some("/field-notes/cambodia/2024/03/05/river-day.html")
        );
        assert_eq!(
            expand("pretty", Some(&m), &[]).as_deref(),
            Some("/2024/03/05/river-day/"),
            "no categories: no empty segment"
        );
        assert_eq!(
            expand(
                "/:year/:i_month/:i_day/:hour:minute:second-:title",
                Some(&m),
                &[]
            )
            .as_deref(),
            Some("/2024/3/5/070809-river-day")
        );
        assert_eq!(
            expand("/:section/:filename/", None, &[]).as_deref(),
            Some("/posts/2024-03-05-river-day/")
        );
        assert_eq!(expand("/:year/:slug/", None, &[]), None, "needs a date");
    }

    #[test]
    fn bad_patterns_are_explained() {
        let err = Permalink::parse("/:year/:colour/").unwrap_err();
        assert!(err.contains(":colour"), "{err}");
        assert!(Permalink::parse(":year/:slug")
            .unwrap_err()
            .contains("start with /"));
    }

    #[test]
    fn a_posts_own_path_is_an_address() {
        assert_eq!(
            path_alias("2014/05/03/river").as_deref(),
            Some("/2014/05/03/river/")
        );
        assert_eq!(
            path_alias("/2024/03/05/crossing.html").as_deref(),
            Some("/2024/03/05/crossing.html")
        );
        assert_eq!(path_alias("/"), None);
        assert_eq!(path_alias("https://elsewhere.example/x"), None);
    }
}
