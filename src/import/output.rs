//! Writing the imported site: every file is first written into a hidden staging folder beside
//! the content folder (as soon as it is converted), then moved into place; any error removes the
//! staging folder and puts back what was moved, so a failed import leaves the content folder as it
//! was. Existing files are never replaced without `--force`, and that refusal comes before
//! anything enters the content folder.

use super::menus::HeaderMenu;
use super::wordpress::{CommentEntry, CommentKind, Entry, Status};
use super::wxr::Channel;
use super::WordpressOptions;
use crate::model::NavLink;
use anyhow::{Context as _, Result};
use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// What the import did, printed at its end.
#[derive(Debug, Default)]
pub struct Report {
    /// `("posts", "published")` → count, for posts and pages.
    pub entries: BTreeMap<(&'static str, &'static str), usize>,
    /// Items not imported, by kind and status (`revision`, `nav_menu_item (publish)`).
    pub skipped: BTreeMap<String, usize>,
    /// Comments by what became of them.
    pub comments: BTreeMap<CommentKind, usize>,
    pub images: usize,
    /// Attachment items: not posts, read to find the files of galleries and featured images.
    pub attachments: usize,
    /// Files written (Markdown, images, site.toml).
    pub files: usize,
    pub site_toml: bool,
    /// The menu that became the header's links, when the export has menus.
    pub menu: Option<HeaderMenu>,
    /// `(title, old address, what happened)`.
    pub warnings: Vec<(String, String, String)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for ((kind, status), n) in &self.entries {
            writeln!(f, "{kind}: {n} {status}")?;
        }
        for (kind, n) in &self.comments {
            writeln!(f, "comments: {n} {}", kind.label())?;
        }
        writeln!(
            f,
            "images copied: {} ({} attachments in the export)",
            self.images, self.attachments
        )?;
        if self.site_toml {
            writeln!(
                f,
                "site.toml written from the export's title, description, language and address"
            )?;
        }
        if let Some(menu) = &self.menu {
            self.menu_lines(f, menu)?;
        }
        if !self.skipped.is_empty() {
            writeln!(f, "not imported (not content, or in the trash):")?;
            for (what, n) in &self.skipped {
                writeln!(f, "  {n} × {what}")?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f, "warnings ({}):", self.warnings.len())?;
            for (title, link, warning) in &self.warnings {
                writeln!(f, "  \"{title}\" ({link}): {warning}")?;
            }
        }
        write!(f, "{} files written", self.files)
    }
}

impl Report {
    /// What became of the export's menus.
    fn menu_lines(&self, f: &mut fmt::Formatter<'_>, menu: &HeaderMenu) -> fmt::Result {
        let into = if self.site_toml {
            "the header's links in site.toml"
        } else {
            "not written: site.toml already exists (add its links as [[nav]] yourself)"
        };
        writeln!(
            f,
            "menu \"{}\": {} links, {into}",
            menu.name,
            menu.links.len()
        )?;
        if menu.nested > 0 {
            writeln!(
                f,
                "  {} sub-items left out: the header has one level",
                menu.nested
            )?;
        }
        if !menu.unresolved.is_empty() {
            writeln!(
                f,
                "  left out, leading nowhere the import could place: {}",
                menu.unresolved.join(", ")
            )?;
        }
        if !menu.others.is_empty() {
            writeln!(
                f,
                "  other menus, not used: {} (choose one with --menu NAME)",
                menu.others.join(", ")
            )?;
        }
        Ok(())
    }
}

/// What a file is made of: text, or a copy of a file.
enum Source {
    Text(String),
    Copy(PathBuf),
}

/// The hidden folder beside the content folder where each file is written as soon as it is
/// converted (so the converted text is not held twice), before anything is moved into place.
struct Staging {
    dir: PathBuf,
    /// Paths relative to the content folder, in the order written.
    files: Vec<PathBuf>,
    /// Held while the staging folder exists, so Ctrl-C lets it be removed ([`crate::writing`]).
    _writing: crate::writing::Writing,
}

impl Staging {
    fn create(content: &Path) -> Result<Self> {
        let parent = match content.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = content
            .file_name()
            .map_or("content".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.import-tmp-{}", std::process::id()));
        let writing = crate::writing::Writing::start()?;
        if let Err(e) = std::fs::create_dir_all(dir.join("new")) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e).with_context(|| format!("cannot create {}", dir.display()));
        }
        Ok(Staging {
            dir,
            files: Vec::new(),
            _writing: writing,
        })
    }

    fn put(&mut self, path: PathBuf, source: Source) -> Result<()> {
        crate::writing::check()?;
        let target = self.dir.join("new").join(&path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        match source {
            Source::Text(text) => std::fs::write(&target, text),
            Source::Copy(from) => std::fs::copy(&from, &target).map(|_| ()),
        }
        .with_context(|| format!("cannot write {}", target.display()))?;
        self.files.push(path);
        Ok(())
    }
}

/// Writes the entries into the content folder and reports; on any error the content folder is
/// left as it was and the staging folder removed.
pub fn write(
    opts: &WordpressOptions,
    (channel, menu): (&Channel, Option<HeaderMenu>),
    entries: Vec<Entry>,
    skipped: Vec<(String, String)>,
    attachments: usize,
) -> Result<Report> {
    let mut report = Report {
        attachments,
        menu,
        ..Report::default()
    };
    for (what, _) in skipped {
        *report.skipped.entry(what).or_default() += 1;
    }
    let mut staging = Staging::create(&opts.content)?;
    let result = stage_and_install(opts, channel, entries, &mut staging, &mut report);
    let _ = std::fs::remove_dir_all(&staging.dir);
    result.map(|()| report)
}

fn stage_and_install(
    opts: &WordpressOptions,
    channel: &Channel,
    mut entries: Vec<Entry>,
    staging: &mut Staging,
    report: &mut Report,
) -> Result<()> {
    unique_slugs(&mut entries);
    let passwords: BTreeMap<String, String> = entries
        .iter()
        .filter_map(|e| Some((e.slug.clone(), e.password.clone()?)))
        .collect();
    let site_toml = opts.content.join("site.toml");
    if !site_toml.exists() {
        let nav = match &report.menu {
            Some(menu) => menu.links.clone(),
            None => nav_of(&entries),
        };
        staging.put("site.toml".into(), Source::Text(site_config(channel, nav)?))?;
        report.site_toml = true;
    }
    for entry in entries {
        stage_entry(entry, staging, report)?;
    }
    // Merged with what the folder holds, so never a conflict.
    let merged = stage_passwords(&opts.content, passwords, staging)?;
    let conflicts: Vec<String> = staging
        .files
        .iter()
        .filter(|path| !merged.contains(path))
        .map(|path| opts.content.join(path))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !conflicts.is_empty() && !opts.force {
        anyhow::bail!(
            "{} files already exist; nothing was written. Import into an empty folder, or pass --force to replace them:\n  {}",
            conflicts.len(),
            conflicts.join("\n  ")
        );
    }
    report.files = staging.files.len();
    move_into(&opts.content, &staging.dir, &staging.files)
}

/// What `passwords.toml` says first.
const PASSWORDS_HEADER: &str =
    "# The passwords of protected posts: one line per post, its slug = \"its password\".\n\
# Keep this file private and out of version control (.gitignore lists it): whoever reads it reads\n\
# the protected posts. The build refuses a protected post whose password it cannot find, so a\n\
# build without this file (a fresh clone) stops rather than publish one in clear; give the\n\
# passwords there through password_env instead.\n";

/// The protected posts' passwords, added to the content folder's `passwords.toml`, and
/// `passwords.toml` listed in its `.gitignore`; returns the files staged, which merge with the
/// folder's own. The file's own text stays as written, comments and all: a post it already names
/// keeps the password it has there (the author may have changed it since), and the others are
/// added at its end. Nothing when there is no protected post.
fn stage_passwords(
    content: &Path,
    passwords: BTreeMap<String, String>,
    staging: &mut Staging,
) -> Result<Vec<PathBuf>> {
    if passwords.is_empty() {
        return Ok(Vec::new());
    }
    let file = content.join(crate::builder::PASSWORDS_FILE);
    let own = std::fs::read_to_string(&file).ok();
    let table = match &own {
        Some(text) => toml::from_str::<toml::Table>(text).with_context(|| {
            format!("{} is not valid TOML; nothing was written", file.display())
        })?,
        None => toml::Table::new(),
    };
    let added: toml::Table = passwords
        .into_iter()
        .filter(|(slug, _)| !table.contains_key(slug))
        .map(|(slug, password)| (slug, toml::Value::String(password)))
        .collect();
    let mut text = own.unwrap_or_else(|| PASSWORDS_HEADER.to_string());
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&toml::to_string(&added)?);
    staging.put(crate::builder::PASSWORDS_FILE.into(), Source::Text(text))?;
    let ignore = std::fs::read_to_string(content.join(".gitignore")).unwrap_or_default();
    let mut merged = vec![PathBuf::from(crate::builder::PASSWORDS_FILE)];
    if !ignore
        .lines()
        .any(|l| l.trim() == crate::builder::PASSWORDS_FILE)
    {
        let mut text = ignore;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(crate::builder::PASSWORDS_FILE);
        text.push('\n');
        staging.put(".gitignore".into(), Source::Text(text))?;
        merged.push(".gitignore".into());
    }
    Ok(merged)
}

/// Two entries with one slug: the later one gets `-2`, `-3`… (pages and posts apart).
fn unique_slugs(entries: &mut [Entry]) {
    let mut taken = HashSet::new();
    for entry in entries.iter_mut() {
        let wanted = entry.slug.clone();
        let mut n = 2;
        while !taken.insert((entry.page, entry.slug.clone())) {
            entry.slug = format!("{wanted}-{n}");
            n += 1;
        }
        if entry.slug != wanted {
            entry.warnings.push(format!(
                "another item already has the slug \"{wanted}\"; this one became \"{}\"",
                entry.slug
            ));
        }
    }
}

/// The files of one post or page, with its comments, and its lines of the report.
fn stage_entry(entry: Entry, staging: &mut Staging, report: &mut Report) -> Result<()> {
    let kind = if entry.page { "pages" } else { "posts" };
    *report
        .entries
        .entry((kind, entry.status.label()))
        .or_default() += 1;
    for warning in &entry.warnings {
        report
            .warnings
            .push((entry.title.clone(), entry.link.clone(), warning.clone()));
    }
    // A page's images sit in a folder named after it, beside its file.
    let (file, media_dir, prefix) = if entry.page {
        let dir = PathBuf::from("pages");
        (
            dir.join(format!("{}.md", entry.slug)),
            dir.join(&entry.slug),
            format!("{}/", entry.slug),
        )
    } else {
        let dir = PathBuf::from("posts").join(&entry.slug);
        (dir.join("index.md"), dir, String::new())
    };
    let mut text = front_matter(&entry, &prefix);
    if prefix.is_empty() {
        text.push_str(&entry.body);
    } else {
        text.push_str(&prefixed_images(&entry.body, &entry.images, &prefix));
    }
    staging.put(file, Source::Text(text))?;
    for (source, name) in &entry.images {
        staging.put(media_dir.join(name), Source::Copy(source.clone()))?;
        report.images += 1;
    }
    let approved: HashSet<u64> = entry
        .comments
        .iter()
        .filter(|(_, c)| c.kind == CommentKind::Approved)
        .map(|(id, _)| *id)
        .collect();
    for (id, comment) in &entry.comments {
        *report.comments.entry(comment.kind).or_default() += 1;
        if comment.kind != CommentKind::Approved {
            continue;
        }
        let path = PathBuf::from("comments")
            .join(&entry.slug)
            .join(format!("wp-{id}.md"));
        let parent = approved.contains(&comment.parent).then_some(comment.parent);
        staging.put(
            path,
            Source::Text(comment_file(*id, &entry.slug, parent, comment)),
        )?;
    }
    Ok(())
}

/// A comment as its own file (the comments contract: YAML front matter, Markdown body).
fn comment_file(id: u64, post: &str, parent: Option<u64>, comment: &CommentEntry) -> String {
    let mut text = String::from("---\n");
    line(&mut text, "id", &quoted(&format!("wp-{id}")));
    line(&mut text, "post", &yaml(post));
    if let Some(parent) = parent {
        line(&mut text, "parent", &quoted(&format!("wp-{parent}")));
    }
    let author = if comment.author.is_empty() {
        "Anonymous"
    } else {
        &comment.author
    };
    line(&mut text, "author", &yaml(author));
    if let Some(site) = &comment.website {
        line(&mut text, "website", &yaml(site));
    }
    if let Some(date) = &comment.date {
        line(&mut text, "date", &yaml(date));
    }
    text.push_str("---\n");
    text.push_str(&comment.body);
    text
}

/// A page's image references, which its Markdown names by file name, made relative to `pages/`.
fn prefixed_images(body: &str, images: &[(PathBuf, String)], prefix: &str) -> String {
    let mut body = body.to_string();
    for (_, name) in images {
        body = body.replace(&format!("]({name}"), &format!("]({prefix}{name}"));
    }
    body
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key}: {value}");
}

/// A string as YAML: plain when it reads back as the same string, else double-quoted.
fn yaml(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().next().is_some_and(|c| c.is_alphanumeric())
        && text.chars().all(|c| {
            c.is_alphanumeric() || " -_./()'".contains(c) || (!c.is_ascii() && !c.is_control())
        })
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        && text.parse::<f64>().is_err()
        && !text.contains(": ")
        && !text.contains(" #");
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A double-quoted YAML string. JSON's escapes are YAML's, but JSON leaves DEL, the C1 controls
/// and U+FFFE/U+FFFF raw, which YAML refuses: those are escaped too.
fn quoted(text: &str) -> String {
    let json = serde_json::to_string(text).expect("a string serialises");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn list(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key}:");
    for item in items {
        let _ = writeln!(out, "  - {}", yaml(item));
    }
}

/// The post's front matter, in the order a person would write it.
fn front_matter(entry: &Entry, prefix: &str) -> String {
    let mut out = String::from("---\n");
    line(&mut out, "title", &yaml(&entry.title));
    line(&mut out, "slug", &yaml(&entry.slug));
    if let Some(date) = &entry.date {
        line(&mut out, "date", &yaml(date));
    }
    if let Some(updated) = &entry.updated {
        line(&mut out, "updated", &yaml(updated));
    }
    if let Some(author) = &entry.author {
        line(&mut out, "author", &yaml(author));
    }
    list(&mut out, "categories", &entry.categories);
    list(&mut out, "tags", &entry.tags);
    if let Some(summary) = &entry.summary {
        line(&mut out, "summary", &yaml(summary));
    }
    if let Some(cover) = &entry.cover {
        line(&mut out, "cover", &yaml(&format!("{prefix}{cover}")));
        if !entry.cover_alt.is_empty() {
            line(&mut out, "cover_alt", &yaml(&entry.cover_alt));
        }
    }
    list(&mut out, "aliases", &entry.aliases);
    if let Some(format) = &entry.format {
        line(&mut out, "format", &yaml(format));
    }
    if entry.pinned {
        line(&mut out, "pinned", "true");
    }
    match entry.status {
        Status::Published => {}
        Status::Protected => line(&mut out, "protected", "true"),
        Status::Draft | Status::ProtectedDraft => line(&mut out, "draft", "true"),
        Status::Scheduled => {
            line(&mut out, "draft", "true");
            if let Some(date) = &entry.date {
                line(&mut out, "publishDate", &yaml(date));
            }
        }
        Status::Private => {
            line(&mut out, "draft", "true");
            line(&mut out, "private", "true");
        }
    }
    out.push_str("---\n");
    out
}

/// `site.toml` from the channel, with the header's links.
fn site_config(channel: &Channel, nav: Vec<NavLink>) -> Result<String> {
    #[derive(serde::Serialize)]
    struct Config {
        title: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        description: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        base_url: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        language: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        nav: Vec<NavLink>,
    }
    let base = if channel.link.trim().is_empty() {
        &channel.base_blog_url
    } else {
        &channel.link
    };
    let config = Config {
        title: Some(channel.title.trim())
            .filter(|t| !t.is_empty())
            .unwrap_or("My field notes")
            .to_string(),
        description: channel.description.trim().to_string(),
        base_url: base.trim().trim_end_matches('/').to_string(),
        language: channel.language.trim().to_string(),
        nav,
    };
    Ok(format!(
        "# Written by `fieldnotes import wordpress` from the export's channel; edit freely.\n{}",
        toml::to_string(&config)?
    ))
}

/// The header's links when the export has no menu: the published pages at the top of WordPress's
/// page tree, in their menu order (a theme's test site has twenty pages, most of them under others).
fn nav_of(entries: &[Entry]) -> Vec<NavLink> {
    let mut top: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.page && !e.subpage && e.status == Status::Published)
        .collect();
    top.sort_by_key(|e| e.menu_order);
    top.into_iter()
        .map(|e| NavLink {
            title: e.title.clone(),
            url: format!("/{}/", e.slug),
        })
        .collect()
}

/// Moves the staged files into `content`; a replaced file is kept in the staging folder until
/// every move succeeded, so a failure puts everything back.
fn move_into(content: &Path, staging: &Path, files: &[PathBuf]) -> Result<()> {
    let content_existed = content.exists();
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<()> {
        for (i, path) in files.iter().enumerate() {
            crate::writing::check()?;
            let target = content.join(path);
            if let Some(dir) = target.parent() {
                let mut missing = Vec::new();
                let mut d = dir;
                while !d.exists() {
                    missing.push(d.to_path_buf());
                    match d.parent() {
                        Some(p) => d = p,
                        None => break,
                    }
                }
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                created_dirs.extend(missing.into_iter().rev());
            }
            let backup = if target.exists() {
                let backup = staging.join("old").join(i.to_string());
                std::fs::create_dir_all(staging.join("old"))?;
                std::fs::rename(&target, &backup)?;
                Some(backup)
            } else {
                None
            };
            done.push((target.clone(), backup));
            std::fs::rename(staging.join("new").join(path), &target)
                .with_context(|| format!("cannot move into {}", target.display()))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (target, backup) in done.iter().rev() {
            let _ = std::fs::remove_file(target);
            if let Some(backup) = backup {
                let _ = std::fs::rename(backup, target);
            }
        }
        for dir in created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        if !content_existed {
            let _ = std::fs::remove_dir(content);
        }
    }
    result
}
