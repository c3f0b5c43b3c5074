//! Stage 1, collect: what the content folder holds. The site's settings, the post files, the
//! comment files and every other file (copied as media), found by walking the folder in a stable
//! order.

use super::assets::{self, Asset};
use super::comments;
use super::config::{self, CONFIG_FILE};
use super::error::Problem;
use super::permalink::Permalink;
use super::protect::{self, PASSWORDS_FILE};
use super::strings;
use super::theme;
use super::BuildOptions;
use crate::markdown;
use crate::model::SiteInfo;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The content folder, read but not yet parsed.
pub struct Collected {
    /// `None` when `site.toml` is missing or wrong (the problem says why).
    pub info: Option<SiteInfo>,
    /// The pattern of the posts' old addresses (`permalink` in `site.toml`).
    pub permalink: Option<Permalink>,
    /// Markdown files that are posts, sorted by path.
    pub post_files: Vec<PathBuf>,
    /// Files in the comments folder ([`super::comments`]), sorted by path: never posts or media.
    pub comment_files: Vec<PathBuf>,
    /// Every other file, by its path relative to the content folder with `/`.
    pub assets: BTreeMap<String, Asset>,
    /// Errors: the build stops after parsing, with these and the posts' own.
    pub problems: Vec<Problem>,
    /// Files that were copied but deserve a look (an image whose size cannot be read).
    pub warnings: Vec<Problem>,
    /// The passwords of protected posts from `passwords.toml`, by slug ([`super::protect`]).
    pub passwords: BTreeMap<String, String>,
    /// Authors' names by the key posts name them with, from Docusaurus's `authors.yml` files
    /// (`dara: {name: Dara Sok, …}`; `authors: [dara]` in a post is then "Dara Sok").
    pub author_names: BTreeMap<String, String>,
    /// The author's look (`[theme]`), made; none when `site.toml` sets none.
    pub theme: Option<theme::Built>,
}

impl Collected {
    /// The path the site is served under (`/`, `/blog/`); `/` when `site.toml` could not be read.
    pub fn base_path(&self) -> &str {
        self.info.as_ref().map_or("/", |i| i.base_path.as_str())
    }
}

/// Reads `site.toml` and lists the folder's files.
pub fn collect(opts: &BuildOptions) -> Collected {
    let content = &opts.content;
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut theme = None;
    let (info, permalink, keep) = match config::load(content) {
        Ok(mut config) => {
            if let Some(base) = &opts.base_path {
                config.info.base_path = markdown::with_slashes(base);
            }
            match strings::load(content, &config.info.language, &mut warnings) {
                Ok(table) => config.info.strings = table,
                Err(problem) => problems.push(problem),
            }
            warnings.extend(config.warnings);
            let settings = content.join(CONFIG_FILE);
            match theme::load(content, &settings, &config.theme, config.accent) {
                Ok(mut built) => {
                    if let Some(built) = &mut built {
                        warnings.append(&mut built.warnings);
                    }
                    theme = built;
                }
                Err(found) => problems.extend(found),
            }
            (Some(config.info), config.permalink, config.keep)
        }
        Err(problem) => {
            problems.push(problem);
            (None, None, Vec::new())
        }
    };
    let files = match files_below(content) {
        Ok(files) => files,
        Err(e) => {
            problems.push(Problem::new(
                content,
                format!("cannot read the content folder: {e}"),
                "pass the folder that holds site.toml with --content",
            ));
            Vec::new()
        }
    };
    let (comment_files, files): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|p| comments::is_comment_path(p.strip_prefix(content).unwrap_or(p)));
    let (post_files, other_files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|p| is_post_file(p));
    let other_files: Vec<_> = other_files
        .into_iter()
        .filter(|p| {
            let relative = p.strip_prefix(content).ok();
            // The settings, and the passwords of protected posts: never published.
            ![CONFIG_FILE, PASSWORDS_FILE, strings::STRINGS_FILE]
                .iter()
                .any(|f| relative == Some(Path::new(f)))
        })
        .collect();
    let passwords = protect::load_passwords(content).unwrap_or_else(|problem| {
        problems.push(problem);
        BTreeMap::new()
    });
    let cache = opts.image_cache.as_ref().map(super::images::Cache::new);
    let mut loaded = assets::load(content, &other_files, cache.as_ref(), &keep);
    problems.extend(loaded.problems);
    let author_names = author_names(content, &loaded.assets, &mut loaded.warnings);
    warnings.append(&mut loaded.warnings);
    Collected {
        info,
        permalink,
        post_files,
        comment_files,
        assets: loaded.assets,
        problems,
        warnings,
        passwords,
        author_names,
        theme,
    }
}

/// The authors' names of every `authors.yml` (or `.yaml`) file, the file Docusaurus blogs keep
/// them in: a map of keys to `{name, title, url, image_url, email, …}`, of which only the name is
/// read. Taken from the files the collect stage already read (never published: no post links
/// to them). A file that cannot be read is a warning; the posts then show the keys.
fn author_names(
    content: &Path,
    assets: &BTreeMap<String, Asset>,
    warnings: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let is_authors = |name: &str| {
        let file = name.rsplit('/').next().unwrap_or(name);
        file == "authors.yml" || file == "authors.yaml"
    };
    for (name, asset) in assets.iter().filter(|(name, _)| is_authors(name)) {
        let path = content.join(name);
        let bytes = asset.files.first().map_or(&[][..], |(_, b)| b.as_slice());
        let read = std::str::from_utf8(bytes)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                serde_saphyr::from_str::<serde_json::Value>(text).map_err(|e| e.to_string())
            });
        match read {
            Ok(serde_json::Value::Object(map)) => {
                for (key, value) in map {
                    if let Some(name) = value.get("name").and_then(|n| n.as_str()) {
                        names.insert(key, name.to_string());
                    }
                }
            }
            Ok(_) => {}
            Err(e) => warnings.push(
                Problem::new(&path, format!("cannot read the authors' names: {e}"), "").warning(),
            ),
        }
    }
    names
}

/// Markdown files that are posts: `.md`, `.markdown` and `.mdx` ([`super::mdx`]), but not
/// section files (`_index.md`).
fn is_post_file(path: &Path) -> bool {
    let is_markdown = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["md", "markdown", "mdx"]
            .iter()
            .any(|m| e.eq_ignore_ascii_case(m))
    });
    let is_section = path.file_stem().and_then(|s| s.to_str()) == Some("_index");
    is_markdown && !is_section
}

/// Every file below `dir`, sorted by name at each level, skipping hidden files and folders
/// (`.git`, editor files).
fn files_below(dir: &Path) -> walkdir::Result<Vec<PathBuf>> {
    let hidden = |entry: &walkdir::DirEntry| {
        entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
    };
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !hidden(e))
        .filter(|e| !e.as_ref().is_ok_and(|e| e.file_type().is_dir()))
        .map(|e| e.map(walkdir::DirEntry::into_path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_listed_in_order_without_hidden_ones() {
        let tmp = tempfile::tempdir().unwrap();
        for file in ["b.md", "a/z.md", "a/.swp", ".git/config", "a/b/c.png"] {
            let path = tmp.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let found: Vec<_> = files_below(tmp.path())
            .unwrap()
            .iter()
            .map(|p| {
                p.strip_prefix(tmp.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(found, ["a/b/c.png", "a/z.md", "b.md"]);
    }

    #[test]
    fn section_files_are_not_posts() {
        assert!(is_post_file(Path::new("posts/a.md")));
        assert!(is_post_file(Path::new("posts/a.MARKDOWN")));
        assert!(is_post_file(Path::new("docs/intro.mdx")));
        assert!(!is_post_file(Path::new("docs/_index.mdx")));
        assert!(!is_post_file(Path::new("posts/_index.md")));
        assert!(!is_post_file(Path::new("posts/a.png")));
    }
}
