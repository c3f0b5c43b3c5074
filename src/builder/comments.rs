//! Comments as content: each approved comment is a file, `comments/<post-slug>/<id>.md`, with
//! YAML front matter (`id`, `post`, `parent`, `author`, `website`, `date`) and a Markdown body.
//! Read with the posts' front matter parser, checked against the posts, and threaded into one
//! [`CommentThread`] per post that has any ([`crate::model::comments`]).
//!
//! What is wrong with a comment is said with its file and line: a comment for a post that does
//! not exist, a repeated id, a missing author or date stop the build; a reply to a comment that
//! does not exist is shown at the top level, and a website that is not `http(s)` is dropped,
//! each with a warning.

use super::error::Problem;
use super::front_matter::{self, locate};
use crate::model::{Comment, CommentThread, MAX_DEPTH};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The folder, in the content folder, that holds comment files (never posts, never media).
pub const COMMENTS_FOLDER: &str = "comments";

/// One comment file, read and checked on its own.
#[derive(Debug, Clone)]
pub struct LoadedComment {
    pub path: PathBuf,
    /// The slug of its post, and the line that names it.
    pub post: (String, usize),
    pub parent: Option<String>,
    /// When it was written, as a key that sorts in time (UTC when the file gave a zone).
    sort_key: String,
    pub comment: Comment,
}

/// Every comment file: the comments read, and what was wrong with the others.
#[derive(Debug, Default)]
pub struct LoadedComments {
    pub comments: Vec<LoadedComment>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// Whether `relative` (a path in the content folder) is in the comments folder.
pub fn is_comment_path(relative: &Path) -> bool {
    relative
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == COMMENTS_FOLDER)
}

/// Reads every comment file in `files` (paths below `content`, sorted), rendering each for a site
/// served under `base_path`.
pub fn load_all(content: &Path, files: &[PathBuf], base_path: &str) -> LoadedComments {
    let mut loaded = LoadedComments::default();
    for path in files {
        let is_markdown = path.extension().is_some_and(|e| e == "md");
        if !is_markdown {
            loaded.warnings.push(
                Problem::new(
                    path,
                    "not a comment: only .md files are read in the comments folder",
                    "move the file out of the comments folder, or remove it",
                )
                .warning(),
            );
            continue;
        }
        let relative = path.strip_prefix(content).unwrap_or(path);
        match load_comment(path, relative, base_path, &mut loaded.warnings) {
            Ok(comment) => loaded.comments.push(comment),
            Err(problem) => loaded.problems.push(problem),
        }
    }
    loaded
}

/// Reads one comment file.
fn load_comment(
    path: &Path,
    relative: &Path,
    base_path: &str,
    warnings: &mut Vec<Problem>,
) -> Result<LoadedComment, Problem> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::new(path, format!("cannot read: {e}"), "save it as UTF-8"))?;
    let doc = front_matter::parse(path, &text)?;
    // The front matter's lines, for the place of each field in messages.
    let block: Vec<&str> = text
        .lines()
        .skip(1)
        .take(doc.body_line.saturating_sub(3))
        .collect();
    let block = block.join("\n");
    let at = |key: &str| locate(&block, key, false);
    let mut front = doc.front;
    let mut field = |key: &str| front.extra.remove(key).as_ref().and_then(text_of);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let folder = relative
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|s| s.to_str())
        .filter(|name| *name != COMMENTS_FOLDER);
    let id = field("id").unwrap_or_else(|| stem.to_string());
    let post = field("post").or(folder.map(String::from)).ok_or_else(|| {
        Problem::new(
            path,
            "the comment does not say which post it belongs to",
            "add a line to the front matter: post: day-03-river (the post's slug)",
        )
        .at(2, 1)
    })?;
    let parent = field("parent").filter(|p| *p != id);
    let website = field("website").and_then(|site| {
        let kept = web_address(&site);
        if kept.is_none() {
            let (line, column) = at("website");
            warnings.push(
                Problem::new(
                    path,
                    format!("website \"{site}\" is not an http(s) address; it is left out"),
                    "write the address in full, e.g. website: https://example.org",
                )
                .at(line, column)
                .warning(),
            );
        }
        kept
    });
    let author = front.authors.drain(..).next().ok_or_else(|| {
        Problem::new(
            path,
            "the comment has no author",
            "add a line to the front matter: author: Sophea (the name the commenter gave)",
        )
        .at(2, 1)
    })?;
    let (sort_key, date) = when(path, front.date.as_ref())?;
    Ok(LoadedComment {
        path: path.to_path_buf(),
        post: (post, at("post").0),
        parent,
        sort_key,
        comment: Comment {
            id,
            author,
            website,
            date,
            html: crate::markdown::render_comment(doc.body.trim(), base_path).html,
            replies: Vec::new(),
        },
    })
}

/// A field's text: a string, or a number (`id: 12`).
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `site` when it is an `http` or `https` address with a host, and nothing that could break out
/// of an attribute or hide a scheme.
fn web_address(site: &str) -> Option<String> {
    let lower = site.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let clean = !site
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'));
    (clean && !rest.is_empty() && !rest.starts_with('/')).then(|| site.to_string())
}

/// The comment's date, as a key that sorts in time and as an HTML date-time.
fn when(
    path: &Path,
    date: Option<&front_matter::Field<String>>,
) -> Result<(String, String), Problem> {
    let Some(date) = date else {
        return Err(Problem::new(
            path,
            "the comment has no date",
            "add a line to the front matter: date: 2024-03-05T10:20:00+07:00",
        )
        .at(2, 1));
    };
    let text = date.value.trim();
    if let Ok(zoned) = chrono::DateTime::parse_from_rfc3339(text) {
        let utc = zoned.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
        return Ok((
            utc,
            zoned.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ));
    }
    let moment = front_matter::parse_date(text).ok_or_else(|| {
        Problem::new(
            path,
            format!("date \"{text}\" is not a valid date"),
            "write it as RFC 3339, e.g. 2024-03-05T10:20:00+07:00 (or 2024-03-05 10:20:00)",
        )
        .at(date.line, date.column)
    })?;
    let local = format!("{}T{}", moment.date, moment.time);
    Ok((local.clone(), local))
}

/// The published posts' threads, by slug. `published` are the slugs this build publishes, `known`
/// every post's slug (a comment on a draft is kept out quietly, one on no post at all is an
/// error). Problems and warnings go to the given lists.
pub fn threads(
    loaded: Vec<LoadedComment>,
    (published, pages): (&HashSet<&str>, &HashSet<&str>),
    known: &HashSet<&str>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> BTreeMap<String, CommentThread> {
    let mut by_post: BTreeMap<String, Vec<LoadedComment>> = BTreeMap::new();
    for comment in loaded {
        let (slug, line) = &comment.post;
        if pages.contains(slug.as_str()) {
            // A page's comments are shown under it, as a post's.
            by_post.entry(slug.clone()).or_default().push(comment);
        } else if !known.contains(slug.as_str()) {
            problems.push(
                Problem::new(
                    &comment.path,
                    format!("comment on a post that does not exist: {slug}"),
                    "set `post:` to the slug of a post (its file name without .md, or its `slug:`)",
                )
                .at(*line, 1),
            );
        } else if published.contains(slug.as_str()) {
            by_post.entry(slug.clone()).or_default().push(comment);
        }
    }
    by_post
        .into_iter()
        .map(|(slug, comments)| {
            let thread = thread(comments, problems, warnings);
            (slug, thread)
        })
        .collect()
}

/// One post's comments as a tree: replies under their parent, oldest first at each level, none
/// deeper than [`MAX_DEPTH`].
fn thread(
    comments: Vec<LoadedComment>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> CommentThread {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut unique = Vec::new();
    for comment in comments {
        if let Some(&first) = index.get(&comment.comment.id) {
            let first: &LoadedComment = &unique[first];
            problems.push(
                Problem::new(
                    &comment.path,
                    format!(
                        "duplicate comment id \"{}\", also used by {}",
                        comment.comment.id,
                        first.path.display()
                    ),
                    "give each comment of a post its own `id:` (the file name is <id>.md)",
                )
                .at(2, 1),
            );
            continue;
        }
        index.insert(comment.comment.id.clone(), unique.len());
        unique.push(comment);
    }
    let parents = parents(&unique, &index, warnings);
    // Where each comment sits: its level, and the comment it is shown under.
    let mut placed: Vec<Option<(usize, Option<usize>)>> = vec![None; unique.len()];
    for i in 0..unique.len() {
        place(i, &parents, &mut placed);
    }
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, spot) in placed.iter().enumerate() {
        let (_, under) = spot.expect("every comment is placed");
        children.entry(under).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by(|&a, &b| {
            (&unique[a].sort_key, &unique[a].comment.id)
                .cmp(&(&unique[b].sort_key, &unique[b].comment.id))
        });
    }
    let count = unique.len() as u32;
    let mut slots: Vec<Option<Comment>> = unique.into_iter().map(|c| Some(c.comment)).collect();
    CommentThread {
        count,
        comments: tree(None, &children, &mut slots),
    }
}

/// Each comment's parent, by index: `None` at the top level, and for a reply whose parent does
/// not exist or that answers itself through others (a warning says so).
fn parents(
    comments: &[LoadedComment],
    index: &HashMap<String, usize>,
    warnings: &mut Vec<Problem>,
) -> Vec<Option<usize>> {
    let mut parents: Vec<Option<usize>> = comments
        .iter()
        .map(|c| {
            let parent = c.parent.as_ref()?;
            let found = index.get(parent).copied();
            if found.is_none() {
                warnings.push(
                    Problem::new(
                        &c.path,
                        format!("reply to a comment that does not exist: {parent}; shown at the top level"),
                        "set `parent:` to the id of a comment on the same post, or remove the line",
                    )
                    .at(2, 1)
                    .warning(),
                );
            }
            found
        })
        .collect();
    for i in 0..comments.len() {
        // A chain longer than the comments themselves goes round in a circle.
        let mut at = parents[i];
        let mut steps = 0;
        while let Some(p) = at {
            if p == i || steps > comments.len() {
                warnings.push(
                    Problem::new(
                        &comments[i].path,
                        "the comment answers itself through its replies; shown at the top level",
                        "check the `parent:` lines of this comment and the ones it answers",
                    )
                    .at(2, 1)
                    .warning(),
                );
                parents[i] = None;
                break;
            }
            at = parents[p];
            steps += 1;
        }
    }
    parents
}

/// Places comment `i`: level 1 at the top; under its parent one level down, except below
/// [`MAX_DEPTH`], where it joins its parent's level, beside it.
fn place(
    i: usize,
    parents: &[Option<usize>],
    placed: &mut [Option<(usize, Option<usize>)>],
) -> (usize, Option<usize>) {
    if let Some(spot) = placed[i] {
        return spot;
    }
    let spot = match parents[i] {
        None => (1, None),
        Some(p) => {
            let (level, under) = place(p, parents, placed);
            if level < MAX_DEPTH {
                (level + 1, Some(p))
            } else {
                (level, under)
            }
        }
    };
    placed[i] = Some(spot);
    spot
}

/// The comments shown under `under` (the top level for `None`), each with its replies.
fn tree(
    under: Option<usize>,
    children: &HashMap<Option<usize>, Vec<usize>>,
    slots: &mut [Option<Comment>],
) -> Vec<Comment> {
    let Some(list) = children.get(&under) else {
        return Vec::new();
    };
    list.iter()
        .map(|&i| {
            let mut comment = slots[i].take().expect("each comment is placed once");
            comment.replies = tree(Some(i), children, slots);
            comment
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A content folder holding comment files `(post, id, front matter lines)`.
    fn comments(files: &[(&str, &str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (post, id, front) in files {
            let path = dir.path().join(format!("comments/{post}/{id}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("---\n{front}\n---\nBody of {id}.\n")).unwrap();
            paths.push(path);
        }
        (dir, paths)
    }

    fn reply(id: &str, parent: Option<&str>, minute: u32) -> (&'static str, String, String) {
        let parent = parent.map_or(String::new(), |p| format!("parent: \"{p}\"\n"));
        let front = format!(
            "id: \"{id}\"\npost: p\n{parent}author: A\ndate: 2024-03-05T10:{minute:02}:00Z"
        );
        ("p", id.to_string(), front)
    }

    /// The ids of a tree, with their replies in brackets.
    fn shape(comments: &[Comment]) -> String {
        comments
            .iter()
            .map(|c| {
                if c.replies.is_empty() {
                    c.id.clone()
                } else {
                    format!("{}[{}]", c.id, shape(&c.replies))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn build(
        files: &[(&str, String, String)],
    ) -> (BTreeMap<String, CommentThread>, Vec<Problem>, Vec<Problem>) {
        let borrowed: Vec<(&str, &str, &str)> = files
            .iter()
            .map(|(p, i, f)| (*p, i.as_str(), f.as_str()))
            .collect();
        let (dir, paths) = comments(&borrowed);
        let loaded = load_all(dir.path(), &paths, "/");
        let (mut problems, mut warnings) = (loaded.problems, loaded.warnings);
        let slugs: HashSet<&str> = ["p", "q", "draft", "about"].into_iter().collect();
        let published: HashSet<&str> = ["p", "q"].into_iter().collect();
        let pages: HashSet<&str> = ["about"].into_iter().collect();
        let threads = threads(
            loaded.comments,
            (&published, &pages),
            &slugs,
            &mut problems,
            &mut warnings,
        );
        (threads, problems, warnings)
    }

    #[test]
    fn replies_thread_oldest_first_and_stop_at_five_levels() {
        let files = vec![
            reply("b", None, 9),
            reply("a", None, 1),
            reply("a2", Some("a"), 5),
            reply("a1", Some("a"), 2),
            reply("l3", Some("a1"), 6),
            reply("l4", Some("l3"), 7),
            reply("l5", Some("l4"), 8),
            reply("l6", Some("l5"), 10),
            reply("l7", Some("l6"), 11),
        ];
        let (threads, problems, warnings) = build(&files);
        assert!(
            problems.is_empty() && warnings.is_empty(),
            "{problems:?} {warnings:?}"
        );
        let thread = &threads["p"];
        assert_eq!(thread.count, 9);
        // l6 and l7 answer a fifth-level comment: they sit beside it, in date order.
        assert_eq!(shape(&thread.comments), "a[a1[l3[l4[l5 l6 l7]]] a2] b");
        assert_eq!(thread.comments[0].html.as_str(), "<p>Body of a.</p>\n");
        assert_eq!(thread.comments[0].date, "2024-03-05T10:01:00Z");
    }

    #[test]
    fn dates_sort_across_zones_and_keep_their_zone() {
        let files = vec![
            (
                "p",
                "late".into(),
                "post: p\nauthor: A\ndate: 2024-03-05T10:00:00+07:00".into(),
            ),
            (
                "p",
                "early".into(),
                "post: p\nauthor: A\ndate: 2024-03-05 02:30:00".into(),
            ),
        ];
        let (threads, problems, _) = build(&files);
        assert!(problems.is_empty(), "{problems:?}");
        let dates: Vec<(&str, &str)> = threads["p"]
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.date.as_str()))
            .collect();
        // 10:00 at +07:00 is 03:00 UTC, after 02:30 (no zone: taken as UTC).
        assert_eq!(
            dates,
            [
                ("early", "2024-03-05T02:30:00"),
                ("late", "2024-03-05T10:00:00+07:00")
            ]
        );
    }

    #[test]
    fn author_errors_name_the_file_the_line_and_the_fix() {
        let files = vec![
            (
                "nowhere",
                "x".into(),
                "post: nowhere\nauthor: A\ndate: 2024-03-05".into(),
            ),
            (
                "p",
                "one".into(),
                "id: one\npost: p\nauthor: A\ndate: 2024-03-05".into(),
            ),
            (
                "p",
                "dup".into(),
                "id: one\npost: p\nauthor: B\ndate: 2024-03-06".into(),
            ),
            ("p", "anon".into(), "post: p\ndate: 2024-03-05".into()),
            (
                "p",
                "undated".into(),
                "post: p\nauthor: A\ndate: soon".into(),
            ),
            (
                "draft",
                "d".into(),
                "post: draft\nauthor: A\ndate: 2024-03-05".into(),
            ),
            (
                "about",
                "a1".into(),
                "post: about\nauthor: A\ndate: 2024-03-05".into(),
            ),
            (
                "about",
                "a2".into(),
                "post: about\nauthor: B\ndate: 2024-03-06".into(),
            ),
        ];
        let (threads, problems, warnings) = build(&files);
        let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(said.len(), 4, "{said:#?}");
        let has = |file: &str, text: &str| {
            said.iter()
                .any(|s| s.contains(&format!("comments/{file}")) && s.contains(text))
        };
        assert!(
            has(
                "nowhere/x.md:2:1",
                "comment on a post that does not exist: nowhere"
            ),
            "{said:#?}"
        );
        assert!(
            has("p/dup.md", "duplicate comment id \"one\", also used by"),
            "{said:#?}"
        );
        assert!(has("p/anon.md", "the comment has no author"), "{said:#?}");
        assert!(
            has("p/undated.md:4:7", "date \"soon\" is not a valid date"),
            "{said:#?}"
        );
        assert!(said.iter().all(|s| s.contains("hint: ")), "{said:#?}");
        assert!(warnings.is_empty(), "{warnings:#?}");
        assert!(
            !threads.contains_key("draft"),
            "a draft's comments wait with it"
        );
        assert_eq!(
            threads["about"].count, 2,
            "a page's comments are shown under it"
        );
    }

    #[test]
    fn unknown_parents_and_bad_websites_are_warnings() {
        let files = vec![
            (
                "p",
                "orphan".into(),
                "post: p\nparent: gone\nauthor: A\nwebsite: javascript:alert(1)\ndate: 2024-03-05".into(),
            ),
            (
                "p",
                "ok".into(),
                "post: p\nparent: orphan\nauthor: B\nwebsite: https://example.org/me\ndate: 2024-03-06".into(),
            ),
            ("p", "ftp".into(), "post: p\nauthor: C\nwebsite: ftp://example.org\ndate: 2024-03-07".into()),
        ];
        let (threads, problems, warnings) = build(&files);
        assert!(problems.is_empty(), "{problems:?}");
        let said: Vec<String> = warnings.iter().map(|p| p.to_string()).collect();
        assert_eq!(said.len(), 3, "{said:#?}");
        assert!(
            said[0].contains("p/orphan.md:5:10: warning: website \"javascript:alert(1)\""),
            "{said:#?}"
        );
        assert!(said
            .iter()
            .any(|s| s.contains("reply to a comment that does not exist: gone")));
        assert!(said
            .iter()
            .any(|s| s.contains("p/ftp.md") && s.contains("not an http(s) address")));
        let thread = &threads["p"];
        assert_eq!(shape(&thread.comments), "orphan[ok] ftp");
        assert_eq!(thread.comments[0].website, None);
        assert_eq!(
            thread.comments[0].replies[0].website.as_deref(),
            Some("https://example.org/me")
        );
    }

    #[test]
    fn web_addresses_only() {
        assert!(web_address("https://example.org").is_some());
        assert!(web_address("HTTP://example.org/a?b=c").is_some());
        for bad in [
            "example.org",
            "https://",
            "https:///x",
            "javascript:x",
            "https://a.org/\"x",
            "https://a b",
        ] {
            assert_eq!(web_address(bad), None, "{bad}");
        }
    }
}
