//! The builder: turns a content folder (`site.toml`, Markdown posts, `media/`) into the static data
//! the app reads, as [`crate::model`] types serialised to JSON.
//!
//! A build reads everything, reports every problem it finds at once, and writes only when there
//! are none, atomically, so a failed build leaves the previous output as it was. Output depends on
//! the input alone: the same content gives byte-identical files.

mod config;
mod error;
mod front_matter;
mod output;
mod size_report;
mod stubs;

pub use config::{load as load_config, CONFIG_FILE};
pub use error::{Problem, Problems};
pub use front_matter::{parse as parse_front_matter, parse_date, FrontMatter};
pub use output::write_atomically;
pub use size_report::{size_report, SizeReport};
pub use stubs::{write_stubs, StubOptions};

use crate::markdown;
use crate::model::{
    IndexPage, Manifest, Post, PostSummary, SiteInfo, FORMAT_VERSION, MANIFEST_FILE,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Folder of images and other files beside the posts, copied as is.
pub const MEDIA_DIR: &str = "media";

/// What to build, from where, to where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub out: PathBuf,
    /// Publish drafts too (for previewing).
    pub drafts: bool,
}

/// What a successful build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    pub posts: usize,
    pub drafts_skipped: usize,
    pub files: usize,
    pub build_id: String,
}

/// A parsed, validated site, before it is written.
#[derive(Debug, Clone)]
pub struct Site {
    pub info: SiteInfo,
    /// Newest first.
    pub posts: Vec<Post>,
    pub drafts_skipped: usize,
    /// Files of `media/`, by path relative to it.
    pub media: BTreeMap<PathBuf, Vec<u8>>,
}

/// Builds the site in `opts.content` into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Problems> {
    let site = load_site(&opts.content, opts.drafts)?;
    let files = render_files(&site);
    let manifest: Manifest = serde_json::from_slice(&files[Path::new(MANIFEST_FILE)])
        .expect("the manifest was just serialised");
    write_atomically(&opts.out, &files).map_err(|e| {
        Problems::from(Problem::new(
            &opts.out,
            format!("cannot write the output: {e}"),
            "check that the folder is writable",
        ))
    })?;
    Ok(BuildSummary {
        posts: site.posts.len(),
        drafts_skipped: site.drafts_skipped,
        files: files.len(),
        build_id: manifest.build_id,
    })
}

/// Reads and validates every post of a content folder.
pub fn load_site(content: &Path, drafts: bool) -> Result<Site, Problems> {
    let mut problems = Vec::new();
    let info = match config::load(content) {
        Ok(info) => Some(info),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let mut posts = Vec::new();
    let mut drafts_skipped = 0;
    let mut media = BTreeMap::new();
    let mut files = Vec::new();
    if let Err(e) = walk(content, &mut files) {
        problems.push(Problem::new(
            content,
            format!("cannot read the content folder: {e}"),
            "pass the folder that holds site.toml with --content",
        ));
    }
    let media_root = content.join(MEDIA_DIR);
    let default_lang = info
        .as_ref()
        .map_or("en", |i| i.language.as_str())
        .to_string();
    for path in files {
        if let Ok(relative) = path.strip_prefix(&media_root) {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    media.insert(relative.to_path_buf(), bytes);
                }
                Err(e) => problems.push(Problem::new(&path, format!("cannot read: {e}"), "")),
            }
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        match load_post(&path, &default_lang) {
            Ok(Some((post, is_draft))) => {
                if is_draft && !drafts {
                    drafts_skipped += 1;
                } else {
                    posts.push((path, post));
                }
            }
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }

    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (path, post) in &posts {
        if let Some(first) = seen.insert(post.summary.slug.clone(), path.clone()) {
            problems.push(Problem::new(
                path,
                format!(
                    "duplicate slug \"{}\", also used by {}",
                    post.summary.slug,
                    first.display()
                ),
                "rename one of the files or give one a different `slug:` in its front matter",
            ));
        }
    }

    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let mut posts: Vec<Post> = posts.into_iter().map(|(_, post)| post).collect();
    posts.sort_by(|a, b| {
        b.summary
            .date
            .cmp(&a.summary.date)
            .then_with(|| a.summary.slug.cmp(&b.summary.slug))
    });
    Ok(Site {
        info: info.expect("no problems means the config loaded"),
        posts,
        drafts_skipped,
        media,
    })
}

/// Reads one post. `Ok(None)` for files that are not posts.
fn load_post(path: &Path, default_lang: &str) -> Result<Option<(Post, bool)>, Problem> {
    let bytes =
        std::fs::read(path).map_err(|e| Problem::new(path, format!("cannot read: {e}"), ""))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
        let (line, column) = config::line_column(valid, offset);
        Problem::new(
            path,
            "the file is not valid UTF-8",
            "save the file as UTF-8 in your editor",
        )
        .at(line, column)
    })?;
    let doc = front_matter::parse(path, &text)?;
    let front = doc.front;

    let title = front.title.as_deref().map(str::trim).unwrap_or("");
    if title.is_empty() {
        return Err(Problem::new(
            path,
            "the post has no title",
            "add a line to the front matter: title: \"Day 1: Arrival\"",
        )
        .at(2, 1));
    }
    let Some(date_value) = &front.date else {
        return Err(Problem::new(
            path,
            "the post has no date",
            "add a line to the front matter: date: 2025-02-03",
        )
        .at(2, 1));
    };
    let check_date = |value: &serde_saphyr::Spanned<String>, field: &str| {
        parse_date(&value.value).ok_or_else(|| {
            let (line, column) = front_matter::position_in_file(value);
            Problem::new(
                path,
                format!("{field} \"{}\" is not a valid date", value.value),
                "write dates as YYYY-MM-DD, e.g. 2025-02-03",
            )
            .at(line, column)
        })
    };
    let date = check_date(date_value, "date")?;
    let updated = front
        .updated
        .as_ref()
        .map(|u| check_date(u, "updated"))
        .transpose()?;

    let slug = match &front.slug {
        Some(slug) => slug.trim().to_string(),
        None => path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
    };
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Problem::new(
            path,
            format!("\"{slug}\" cannot be used as a URL slug"),
            "use letters, digits and hyphens in the file name or the `slug:` field",
        ));
    }

    let mut tags: Vec<String> = front
        .tags
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    tags.dedup();
    let summary = front
        .summary
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| markdown::first_paragraph(doc.body));

    let post = Post {
        summary: PostSummary {
            slug,
            title: title.to_string(),
            date,
            updated,
            tags,
            summary,
            reading_minutes: markdown::reading_minutes(doc.body),
            lang: front.lang.unwrap_or_else(|| default_lang.to_string()),
            file: String::new(),
        },
        body: doc.body.to_string(),
    };
    Ok(Some((post, front.draft)))
}

/// Every file below `dir`, sorted, skipping hidden files and folders (`.git`, editor files).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// Content hash used in file names and the build id: the first 16 hex digits of SHA-256.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every output file of a site, by path relative to the output folder.
pub fn render_files(site: &Site) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut summaries = Vec::with_capacity(site.posts.len());
    for post in &site.posts {
        let json = serde_json::to_vec(post).expect("posts serialise");
        let file = format!("posts/{}.{}.json", post.summary.slug, content_hash(&json));
        let mut summary = post.summary.clone();
        summary.file = file.clone();
        // The post file repeats its summary; its own `file` field is left empty to keep the
        // hash a function of the content alone.
        files.insert(PathBuf::from(&file), json);
        summaries.push(summary);
    }
    let index = serde_json::to_vec(&IndexPage { posts: summaries }).expect("index serialises");
    let index_file = format!("index.{}.json", content_hash(&index));
    files.insert(PathBuf::from(&index_file), index);
    for (path, bytes) in &site.media {
        files.insert(Path::new(MEDIA_DIR).join(path), bytes.clone());
    }

    let mut hasher = Sha256::new();
    for (path, bytes) in &files {
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update(content_hash(bytes).as_bytes());
    }
    hasher.update(serde_json::to_vec(&site.info).expect("site info serialises"));
    let build_id: String = hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        build_id,
        site: site.info.clone(),
        index_files: vec![index_file],
        post_count: site.posts.len(),
    };
    let mut json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    json.push(b'\n');
    files.insert(PathBuf::from(MANIFEST_FILE), json);
    files
}
