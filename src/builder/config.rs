//! `site.toml`: the settings of a site, read once and validated here.

use super::credit::Keep;
use super::error::Problem;
use super::permalink::Permalink;
use super::theme::{self, Accent, ThemeSettings};
use crate::markdown::with_slashes;
use crate::model::{NavLink, SiteInfo};
use serde::Deserialize;
use std::path::Path;

/// The name of the settings file, at the top of the content folder.
pub const CONFIG_FILE: &str = "site.toml";

/// `site.toml` as the author writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// The site's name, shown in the header and the browser tab.
    title: String,
    /// One sentence about the site, for search engines and link previews.
    #[serde(default)]
    description: String,
    /// Who writes it.
    #[serde(default)]
    author: String,
    /// Where the site is deployed, e.g. `https://example.org` (used for canonical links).
    #[serde(default)]
    base_url: String,
    /// Sub-path the site is served under, e.g. `/blog/`. Default `/`.
    #[serde(default)]
    base_path: Option<String>,
    /// Language of the site and default language of posts (BCP 47, e.g. `en`, `km`). Default `en`.
    #[serde(default)]
    language: Option<String>,
    /// Posts on each page of the home list. Default 10.
    #[serde(default)]
    posts_per_page: Option<usize>,
    /// Header links, in order: `[[nav]]` tables with `title` and `url`.
    #[serde(default)]
    nav: Vec<NavLink>,
    /// The addresses posts had before they moved here, as a pattern (`/:year/:month/:day/:slug/`)
    /// or a Jekyll style name (`date`, `pretty`, `none`): each post keeps its old one as an alias.
    #[serde(default)]
    permalink: Option<String>,
    /// `[comments]`: where readers' new comments go.
    #[serde(default)]
    comments: Option<RawComments>,
    /// `[images]`: what published photos keep of their metadata.
    #[serde(default)]
    images: Option<RawImages>,
    /// `[theme]`: the author's look.
    #[serde(default)]
    theme: Option<ThemeSettings>,
}

/// `[images]` in `site.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    /// `["copyright", "caption"]`: the EXIF fields to write back into every published copy.
    /// Nothing else can be kept: location, serial numbers and owner names never are.
    #[serde(default)]
    keep: Vec<Keep>,
}

/// `[comments]` in `site.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComments {
    /// The intake server's `/api/comments`: a path on this site (`/api/comments`, behind the same
    /// host) or a full `https://` URL.
    endpoint: String,
}

/// `site.toml`, read and checked: what readers see, and the builder's own settings.
#[derive(Debug)]
pub struct Config {
    pub info: SiteInfo,
    /// The metadata fields published photos keep (`[images] keep`).
    pub keep: Vec<Keep>,
    /// The pattern of the posts' old addresses, if the site had one.
    pub permalink: Option<Permalink>,
    /// `[theme]`, as written.
    pub theme: ThemeSettings,
    /// The accents of `[theme]`, checked.
    pub accent: Option<Accent>,
    /// What the author should know of the settings (an accent derived for the dark theme).
    pub warnings: Vec<Problem>,
}

/// Reads and validates `site.toml` in `content`.
pub fn load(content: &Path) -> Result<Config, Problem> {
    let path = content.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Problem::new(
            &path,
            format!("cannot read the site settings: {e}"),
            "create site.toml with at least: title = \"My field notes\"",
        )
    })?;
    let raw = parse(&path, &text)?;
    if raw.posts_per_page == Some(0) {
        let (line, column) = text
            .find("posts_per_page")
            .map_or((0, 0), |i| line_column(&text, i));
        return Err(Problem::new(
            &path,
            "posts_per_page must be at least 1",
            "e.g. posts_per_page = 10",
        )
        .at(line, column));
    }
    if raw.title.trim().is_empty() {
        return Err(Problem::new(
            &path,
            "title is empty",
            "give the site a name: title = \"…\"",
        ));
    }
    check_endpoint(&path, &text, raw.comments.as_ref())?;
    let permalink = raw
        .permalink
        .clone()
        .or_else(|| inherited_permalink(content))
        .as_deref()
        .map(Permalink::parse)
        .transpose()
        .map_err(|message| {
            let (line, column) = text
                .find("permalink")
                .map_or((0, 0), |i| line_column(&text, i));
            Problem::new(
                &path,
                message,
                "e.g. permalink = \"/:year/:month/:day/:slug/\"",
            )
            .at(line, column)
        })?;
    let info = SiteInfo {
        title: raw.title.trim().to_string(),
        description: raw.description.trim().to_string(),
        author: raw.author.trim().to_string(),
        base_url: raw.base_url.trim().trim_end_matches('/').to_string(),
        base_path: with_slashes(raw.base_path.as_deref().unwrap_or("/")),
        language: raw.language.unwrap_or_else(|| "en".to_string()),
        posts_per_page: raw.posts_per_page.unwrap_or(10),
        nav: raw.nav,
        comments_endpoint: raw.comments.map(|c| c.endpoint.trim().to_string()),
        strings: Vec::new(),
    };
    let keep = raw.images.map(|i| i.keep).unwrap_or_default();
    let theme = raw.theme.unwrap_or_default();
    let (accent, warnings) = checked_accent(&path, &text, &theme)?;
    Ok(Config {
        info,
        permalink,
        keep,
        theme,
        accent,
        warnings,
    })
}

/// `text`, the file `path`, as settings: an error at the line of what is wrong.
fn parse(path: &Path, text: &str) -> Result<RawConfig, Problem> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((0, 0));
        Problem::new(
            path,
            e.message().trim().to_string(),
            "known settings: title, description, author, base_url, base_path, language, posts_per_page, permalink, [[nav]], [comments] endpoint, [images] keep (\"copyright\", \"caption\"), [theme] accent, accent_dark, logo, show_title, favicon, css, font",
        )
        .at(line, column)
    })
}

/// The accents of `[theme]` in `text` (the file `path`), checked: an error at the line of the
/// one refused, or a warning at `accent`'s when the dark one was derived.
fn checked_accent(
    path: &Path,
    text: &str,
    theme: &ThemeSettings,
) -> Result<(Option<Accent>, Vec<Problem>), Problem> {
    match theme::accent(theme) {
        Ok(Some((accent, derived))) => {
            let warnings = derived.map(|note| {
                let (line, column) = key_line(text, "accent");
                Problem::new(path, note, "").at(line, column).warning()
            });
            Ok((Some(accent), warnings.into_iter().collect()))
        }
        Ok(None) => Ok((None, Vec::new())),
        Err(refusal) => {
            let (line, column) = key_line(text, refusal.key);
            Err(Problem::new(path, refusal.message, refusal.hint).at(line, column))
        }
    }
}

/// An error, at its line, for a `[comments] endpoint` readers' browsers may not use.
fn check_endpoint(path: &Path, text: &str, comments: Option<&RawComments>) -> Result<(), Problem> {
    match comments {
        Some(comments) if !endpoint_is_allowed(comments.endpoint.trim()) => {
            let (line, column) = text
                .find("endpoint")
                .map_or((0, 0), |i| line_column(text, i));
            Err(Problem::new(
                path,
                format!("[comments] endpoint \"{}\" is not an address readers' browsers may send comments to", comments.endpoint),
                "a path on this site (endpoint = \"/api/comments\") or an https:// URL (http:// only for localhost)",
            )
            .at(line, column))
        }
        _ => Ok(()),
    }
}

/// A comments endpoint readers' browsers may use: a path on the site, an `https://` URL, or an
/// `http://` one on this machine (for trying the intake server out).
fn endpoint_is_allowed(endpoint: &str) -> bool {
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let starts_host = |prefix: &str| {
        endpoint
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
    };
    (endpoint.starts_with('/') && !endpoint.starts_with("//"))
        || endpoint
            .strip_prefix("https://")
            .is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        || local.iter().any(|l| starts_host(l))
}

/// The permalink setting of the blog's previous generator, when its settings file sits in the
/// content folder and `site.toml` gives none: Jekyll's `_config.yml` `permalink`, Hugo's
/// `[permalinks]` for `posts` (or `post`).
fn inherited_permalink(content: &Path) -> Option<String> {
    let read = |name: &str| std::fs::read_to_string(content.join(name)).ok();
    if let Some(text) = read("_config.yml") {
        let value: serde_json::Value = serde_saphyr::from_str(&text).ok()?;
        return value.get("permalink")?.as_str().map(String::from);
    }
    let text = read("hugo.toml").or_else(|| read("config.toml"))?;
    let value: toml::Table = toml::from_str(&text).ok()?;
    let permalinks = value.get("permalinks")?.as_table()?;
    let pattern = permalinks.get("posts").or_else(|| permalinks.get("post"))?;
    pattern.as_str().map(String::from)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Where the setting `key` is written in `text` (`key =` at the start of a line), else (0, 0).
fn key_line(text: &str, key: &str) -> (usize, usize) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let name = line.trim_start();
        if name
            .strip_prefix(key)
            .is_some_and(|after| after.trim_start().starts_with('='))
        {
            return line_column(text, offset + line.len() - name.len());
        }
        offset += line.len();
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config, Problem> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
        load(dir.path())
    }

    #[test]
    fn a_comments_endpoint_is_a_path_here_or_an_https_url() {
        for endpoint in [
            "/api/comments",
            "https://talk.example.org/api/comments",
            "http://127.0.0.1:8787/api/comments",
            "http://localhost/api/comments",
        ] {
            let config = load_text(&format!(
                "title = \"T\"\n[comments]\nendpoint = \"{endpoint}\"\n"
            ))
            .unwrap();
            assert_eq!(config.info.comments_endpoint.as_deref(), Some(endpoint));
        }
        for endpoint in [
            "//talk.example.org/api",
            "http://talk.example.org/api",
            "javascript:alert(1)",
            "https:///x",
            "http://localhost.evil.example/",
        ] {
            let problem = load_text(&format!(
                "title = \"T\"\n\n[comments]\nendpoint = \"{endpoint}\"\n"
            ))
            .unwrap_err();
            assert_eq!(
                (problem.line, problem.column),
                (4, 1),
                "{endpoint}: {problem}"
            );
            assert!(problem.message.contains("[comments] endpoint"), "{problem}");
        }
        assert_eq!(
            load_text("title = \"T\"\n").unwrap().info.comments_endpoint,
            None
        );
    }
}
