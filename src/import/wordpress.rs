//! WordPress items as Fieldnotes posts, pages and comments: statuses, dates, slugs, terms,
//! authors, old addresses, featured images and comment threads.
//!
//! Each item is converted as soon as it is read and kept as Markdown (never as XML), by its post
//! id, so a later export file replaces an earlier one's item and adds to its comments.

use super::html::{self, ImageMap};
use super::media::{self, Uploads};
use super::wxr::{Channel, Comment, Item};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::LazyLock;

/// An uploaded file of the media library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub url: String,
    /// Its alt text in the library (`_wp_attachment_image_alt`), else its caption; may be empty.
    pub alt: String,
    /// The post it was uploaded to (`wp:post_parent`; 0 for none): a `[gallery]` without `ids`
    /// shows its post's images.
    pub parent: u64,
    /// Its place in such a gallery (`wp:menu_order`, then the attachment's id).
    pub order: i64,
}

impl Attachment {
    /// The attachment `item` describes.
    pub fn of(item: &Item) -> Attachment {
        let alt = item
            .meta("_wp_attachment_image_alt")
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| item.excerpt.trim());
        Attachment {
            url: item.attachment_url.trim().to_string(),
            alt: alt.to_string(),
            parent: item.parent,
            order: item.menu_order,
        }
    }
}

/// What the import knows before converting items: the site, its attachments and uploads.
pub struct Context {
    pub channel: Channel,
    /// Attachment post id → its file's address and alt text.
    pub attachments: HashMap<u64, Attachment>,
    pub uploads: Option<Uploads>,
    /// Each post's and page's old address on the blog ([`address_key`]) → its new one, so links
    /// between posts land here instead of on the old site.
    pub addresses: HashMap<String, String>,
    /// Every menu's items (`nav_menu_item`), for the header ([`super::menus`]).
    pub menus: Vec<super::menus::MenuItem>,
    /// Each published post's and page's id → its title and new address, for menu links.
    pub targets: HashMap<u64, (String, String)>,
}

/// The new address of a post or page item (`/posts/<slug>/`, `/<slug>/`); `None` for other items.
pub fn new_address(item: &Item) -> Option<String> {
    let slug = slug_of(item, &mut Vec::new());
    match (item.kind.as_str(), Status::of(&item.status)) {
        ("post", Some(_)) => Some(format!("/posts/{slug}/")),
        ("page", Some(_)) => Some(format!("/{slug}/")),
        _ => None,
    }
}

/// The new address of a post or page the import publishes (a protected page becomes a draft);
/// `None` for any other item.
pub fn published_address(item: &Item) -> Option<String> {
    let published = item.status == "publish" && (item.kind == "post" || item.password.is_empty());
    published.then(|| new_address(item)).flatten()
}

/// How an old address is looked up: its path, percent-decoded, without the trailing slash, or
/// its short link's query (`p=12`, `page_id=7`); `None` for an address of another site than one of
/// `sites` (the blog's own addresses, scheme and `www.` aside).
pub fn address_key(url: &str, sites: &[&str]) -> Option<String> {
    let bare = |u: &str| {
        let u = u.split_once("://").map_or(u, |(_, rest)| rest);
        u.strip_prefix("www.").unwrap_or(u).to_string()
    };
    let url = bare(url.trim());
    let rest = sites
        .iter()
        .map(|site| bare(site.trim().trim_end_matches('/')))
        .filter(|site| !site.is_empty())
        .find_map(|site| url.strip_prefix(&site).map(str::to_string))?;
    if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = decode_percent(path.trim_end_matches('/'));
    let short = query
        .split('&')
        .find(|q| q.starts_with("p=") || q.starts_with("page_id="));
    match (path.as_str(), short) {
        ("", Some(q)) => Some(q.to_string()),
        ("", None) => None,
        (path, _) => Some(path.to_string()),
    }
}

/// Links of `markdown` to the old blog's posts and pages, pointed at their new addresses.
fn link_here(markdown: &str, ctx: &Context) -> String {
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\]\((https?://[^\s)]+)").expect("a valid pattern"));
    let sites = [
        ctx.channel.link.as_str(),
        ctx.channel.base_blog_url.as_str(),
    ];
    LINK.replace_all(markdown, |c: &regex::Captures| {
        let here = address_key(&c[1], &sites).and_then(|key| ctx.addresses.get(&key));
        let fragment = c[1].find('#').map_or("", |i| &c[1][i..]);
        match here {
            Some(address) => format!("]({address}{fragment}"),
            None => c[0].to_string(),
        }
    })
    .into_owned()
}

/// How a post or page is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Published,
    Draft,
    Scheduled,
    Private,
    /// A published post or page WordPress protects with a password: published protected
    /// (`protected: true`, its password in `passwords.toml`), so the builder seals it.
    Protected,
    /// A post or page WordPress did not publish and protects with a password: imported as a
    /// draft, never published in clear.
    ProtectedDraft,
}

impl Status {
    fn of(status: &str) -> Option<Status> {
        Some(match status {
            "publish" => Status::Published,
            "draft" | "pending" => Status::Draft,
            "future" => Status::Scheduled,
            "private" => Status::Private,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Private => "private",
            Status::Protected => {
                "protected by a password (published sealed; their passwords are in passwords.toml: keep that file private)"
            }
            Status::ProtectedDraft => "protected by a password (imported as drafts)",
        }
    }
}

/// The report's line for a post or page WordPress did not publish and protects with a password.
pub const PROTECTED_WARNING: &str = "WordPress protects it with a password: it was imported as a \
draft (`draft: true`), so its text, summary and comments are not published (WordPress had not \
published it either). To publish it, remove `draft` and add `protected: true` with its password \
in passwords.toml. Its password was not copied.";

/// The report's line for a published post that WordPress protects with a password.
pub const PROTECTED_NOTE: &str = "WordPress protects it with a password: it is published \
protected (`protected: true`): its text, summary and comments are encrypted and open only with \
the password, which was written to passwords.toml, not to the post. Keep passwords.toml private \
and out of version control (the import added it to .gitignore).";

/// A converted post or page, waiting to be written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub page: bool,
    /// A page under another page (WordPress's page tree): not linked from the header.
    pub subpage: bool,
    /// A page's place among the header's links (`wp:menu_order`).
    pub menu_order: i64,
    pub status: Status,
    pub title: String,
    pub slug: String,
    /// The old address, for the report.
    pub link: String,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    /// File name of the cover image beside the post.
    pub cover: Option<String>,
    /// Its alt text: the library's, else the one the same image has in the body.
    pub cover_alt: String,
    pub aliases: Vec<String>,
    /// Sticky in WordPress: pinned to the top of the home page.
    pub pinned: bool,
    /// Its post format (`aside`, `quote`, …): none for a standard post.
    pub format: Option<String>,
    /// A protected post's password: written to `passwords.toml`, never into the post.
    pub password: Option<String>,
    pub body: String,
    /// Files to copy beside the post: source → file name.
    pub images: Vec<(PathBuf, String)>,
    pub comments: BTreeMap<u64, CommentEntry>,
    pub warnings: Vec<String>,
}

/// A comment, kept whatever its state so several exports merge; only approved ones are written.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentEntry {
    pub kind: CommentKind,
    pub parent: u64,
    pub author: String,
    pub website: Option<String>,
    pub date: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CommentKind {
    Approved,
    Unapproved,
    Spam,
    Trash,
    /// Pingbacks and trackbacks: notices from other sites, not readers' words.
    Ping,
}

impl CommentKind {
    pub fn label(self) -> &'static str {
        match self {
            CommentKind::Approved => "approved",
            CommentKind::Unapproved => "awaiting moderation (left out)",
            CommentKind::Spam => "spam (left out)",
            CommentKind::Trash => "in the trash (left out)",
            CommentKind::Ping => "pingbacks and trackbacks (left out)",
        }
    }
}

/// What became of one item.
pub enum Converted {
    Entry(Box<Entry>),
    /// An item that is not content to import: its kind and status, and why, for the report.
    Skipped {
        what: String,
        title: String,
    },
    /// Attachments (and menu items) were read in the first pass.
    Attachment,
}

/// WordPress's `0000-00-00 00:00:00` means "not set" (drafts have no GMT date).
fn is_set(date: &str) -> bool {
    !date.trim().is_empty() && !date.starts_with("0000")
}

/// A WordPress date as front matter: GMT as RFC 3339 UTC, else the local time as written.
pub fn date_of(gmt: &str, local: &str) -> Option<String> {
    if is_set(gmt) {
        let gmt = gmt.trim();
        Some(format!(
            "{}T{}Z",
            gmt.get(..10)?,
            gmt.get(11..19).unwrap_or("00:00:00")
        ))
    } else if is_set(local) {
        Some(local.trim().to_string())
    } else {
        None
    }
}

/// `%e1%9e%80…` in a slug or term as UTF-8 text.
pub fn decode_percent(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Whether the builder takes `slug` as a URL slug (its own rule: letters, digits, `-`, `_`, `.`).
pub fn slug_is_valid(slug: &str) -> bool {
    !slug.is_empty() && slug.chars().all(crate::text::in_slug)
}

/// The post's slug: its decoded `post_name`, else made from the title, else `post-<id>`.
fn slug_of(item: &Item, warnings: &mut Vec<String>) -> String {
    let decoded = decode_percent(item.name.trim()).to_lowercase();
    if slug_is_valid(&decoded) {
        return decoded;
    }
    let made = crate::markdown::slugify(if decoded.is_empty() {
        &item.title
    } else {
        &decoded
    });
    if slug_is_valid(&made) {
        if !decoded.is_empty() {
            warnings.push(format!("the slug \"{decoded}\" has characters a URL slug cannot hold here; it became \"{made}\""));
        }
        return made;
    }
    let fallback = format!("post-{}", item.id);
    warnings.push(format!(
        "no usable slug (\"{decoded}\"); it became \"{fallback}\" (its old address still redirects)"
    ));
    fallback
}

/// Old addresses: the permalink's path as exported and its other percent-encoding form, then the
/// short link WordPress gives every item (`/?p=12` for a post, `/?page_id=7` for a page), which
/// the build turns into a page the app finds ([`crate::routes::query_alias_path`]).
fn aliases_of(link: &str, id: u64, page: bool) -> Vec<String> {
    let mut aliases = permalink_aliases(link);
    let short = format!("/?{}={id}", if page { "page_id" } else { "p" });
    if id > 0 && !aliases.contains(&short) {
        aliases.push(short);
    }
    aliases
}

/// The permalink's path as exported and its other percent-encoding form; none when the permalink
/// is itself a short link (the path `/` with a query).
fn permalink_aliases(link: &str) -> Vec<String> {
    let Some(rest) = link.split_once("://").map(|(_, r)| r) else {
        return Vec::new();
    };
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    if path.split(['?', '#']).next().unwrap_or("/") == "/" {
        return Vec::new();
    }
    let mut aliases = vec![path.to_string()];
    let decoded = decode_percent(path);
    let other = if decoded != path {
        decoded
    } else {
        crate::routes::url_path(path)
    };
    if other != path {
        aliases.push(other);
    }
    aliases
}

/// The display name of the item's author, else their login; none when the item names nobody.
/// A login is read without the stray `<`/`>` a hand-edited export may leave around it (the
/// theme unit test export has `<dc:creator>>themereviewteam</dc:creator>`).
fn author_of(item: &Item, ctx: &Context) -> Option<String> {
    let login = item
        .creator
        .trim_matches(|c: char| c.is_whitespace() || c == '<' || c == '>');
    ctx.channel
        .authors
        .get(login)
        .cloned()
        .or_else(|| Some(login.to_string()).filter(|c| !c.is_empty()))
}

/// Whatever WordPress's status, a password means the author never meant the text for everyone:
/// a published post or page is published protected (with its password), anything else is a draft.
fn protection(item: &Item, status: Status, warnings: &mut Vec<String>) -> (Status, Option<String>) {
    match (item.password.is_empty(), status, item.kind.as_str()) {
        (true, status, _) => (status, None),
        (false, Status::Published, "post" | "page") => {
            warnings.push(PROTECTED_NOTE.into());
            (Status::Protected, Some(item.password.clone()))
        }
        (false, _, _) => {
            warnings.push(PROTECTED_WARNING.into());
            (Status::ProtectedDraft, None)
        }
    }
}

/// Converts one item of the second pass.
pub fn convert(item: Item, ctx: &Context) -> Converted {
    let kind = item.kind.as_str();
    // A menu's items were read in the first pass; one of no menu is reported as skipped.
    let in_menu = kind == "nav_menu_item" && item.terms.iter().any(|t| t.0 == "nav_menu");
    if kind == "attachment" || in_menu {
        return Converted::Attachment;
    }
    let status = Status::of(&item.status);
    let (Some(status), "post" | "page") = (status, kind) else {
        let why = match kind {
            "post" | "page" => format!("{kind} ({})", item.status),
            "revision" => "revision".into(),
            other => format!("{other} ({})", item.status),
        };
        return Converted::Skipped {
            what: why,
            title: item.title,
        };
    };
    let mut warnings = Vec::new();
    let (status, password) = protection(&item, status, &mut warnings);
    let slug = slug_of(&item, &mut warnings);
    let (body, images) = body_of(&item, ctx, &mut warnings);
    let mut entry = Entry {
        page: kind == "page",
        subpage: item.parent != 0,
        menu_order: item.menu_order,
        status,
        title: item.title.trim().to_string(),
        slug,
        link: item.link.trim().to_string(),
        date: date_of(&item.date_gmt, &item.date),
        updated: None,
        tags: terms(&item, "post_tag"),
        categories: terms(&item, "category")
            .into_iter()
            .filter(|c| c != "Uncategorized")
            .collect(),
        author: author_of(&item, ctx),
        summary: excerpt(&item.excerpt),
        cover: None,
        cover_alt: String::new(),
        aliases: Vec::new(),
        pinned: item.sticky && item.kind == "post",
        format: format_of(&item),
        password,
        body,
        images,
        comments: BTreeMap::new(),
        warnings,
    };
    // An old address that is also the new one would put a redirect where the page is.
    let new_address = if entry.page {
        format!("/{}/", entry.slug)
    } else {
        format!("/posts/{}/", entry.slug)
    };
    entry.aliases = aliases_of(&item.link, item.id, entry.page)
        .into_iter()
        .filter(|a| a.trim_end_matches('/') != new_address.trim_end_matches('/'))
        .collect();
    entry.comments = comments(&item.comments, &mut entry.warnings);
    if entry.title.is_empty() {
        entry.title = entry.slug.clone();
        entry
            .warnings
            .push("it has no title; its slug is used".into());
    }
    let updated = date_of(&item.modified_gmt, &item.modified);
    if updated != entry.date && entry.status == Status::Published {
        entry.updated = updated;
    }
    cover(&item, ctx, &mut entry);
    Converted::Entry(Box::new(entry))
}

/// A post's format, from its `post_format` term (`post-format-aside` → `aside`).
fn format_of(item: &Item) -> Option<String> {
    item.terms
        .iter()
        .filter(|(domain, _, _)| domain == "post_format")
        .find_map(|(_, nicename, _)| nicename.strip_prefix("post-format-"))
        .filter(|format| *format != "standard")
        .map(str::to_string)
}

fn terms(item: &Item, domain: &str) -> Vec<String> {
    item.terms
        .iter()
        .filter(|(d, _, _)| d == domain)
        .map(|(_, nicename, label)| {
            let label = label.trim();
            if label.is_empty() {
                decode_percent(nicename)
            } else {
                label.to_string()
            }
        })
        .collect()
}

fn excerpt(html: &str) -> Option<String> {
    let text = html::to_markdown(
        &html::prepare(html, 0, &HashMap::new(), &mut Vec::new()),
        None,
        &[],
    )
    .markdown;
    let text = crate::markdown::to_plain_text(&text);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// The body as Markdown, and the image files it needs beside it.
fn body_of(
    item: &Item,
    ctx: &Context,
    warnings: &mut Vec<String>,
) -> (String, Vec<(PathBuf, String)>) {
    let prepared = html::prepare(&item.content, item.id, &ctx.attachments, warnings);
    let mut map = ImageMap::new();
    let mut images: Vec<(PathBuf, String)> = Vec::new();
    for url in html::image_urls(&prepared) {
        if map.contains_key(&url) {
            continue;
        }
        let local = copy_plan(&url, ctx, &mut images);
        if local.is_none() {
            warnings.push(format!(
                "image not found in the media folder: {url} (kept as a link)"
            ));
        }
        map.insert(url, local);
    }
    let footnotes = footnotes(item.meta("footnotes"));
    let converted = html::to_markdown(&prepared, Some(map), &footnotes);
    warnings.extend(converted.warnings);
    (link_here(&converted.markdown, ctx), images)
}

/// Where an image is copied to (its file name beside the post), when the uploads folder has it.
fn copy_plan(url: &str, ctx: &Context, images: &mut Vec<(PathBuf, String)>) -> Option<String> {
    let source = ctx.uploads.as_ref()?.best(url)?;
    if let Some((_, name)) = images.iter().find(|(s, _)| *s == source) {
        return Some(name.clone());
    }
    let wanted = media::file_name(url)?;
    let mut name = wanted.clone();
    let mut n = 2;
    while images.iter().any(|(_, taken)| *taken == name) {
        name = match wanted.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
            None => format!("{wanted}-{n}"),
        };
        n += 1;
    }
    images.push((source, name.clone()));
    Some(name)
}

/// The block editor keeps footnotes in the `footnotes` meta as JSON: `[{"id", "content"}]`.
fn footnotes(meta: Option<&str>) -> Vec<(String, String)> {
    let Some(Ok(serde_json::Value::Array(notes))) = meta.map(serde_json::from_str) else {
        return Vec::new();
    };
    notes
        .iter()
        .filter_map(|n| {
            Some((
                n.get("id")?.as_str()?.to_string(),
                n.get("content")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The featured image (`_thumbnail_id`) as the cover.
fn cover(item: &Item, ctx: &Context, entry: &mut Entry) {
    let Some(id) = item
        .meta("_thumbnail_id")
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return;
    };
    let Some(attachment) = ctx.attachments.get(&id) else {
        entry.warnings.push(format!(
            "the featured image (attachment {id}) is not in the export"
        ));
        return;
    };
    let url = &attachment.url;
    match copy_plan(url, ctx, &mut entry.images) {
        Some(name) => {
            entry.cover_alt = if attachment.alt.is_empty() {
                html::alt_in(&item.content, url).unwrap_or_default()
            } else {
                attachment.alt.clone()
            };
            entry.cover = Some(name);
        }
        None => entry.warnings.push(format!(
            "featured image not found in the media folder: {url}"
        )),
    }
}

/// Every comment of the item by id; bodies converted for the approved ones only.
fn comments(list: &[Comment], warnings: &mut Vec<String>) -> BTreeMap<u64, CommentEntry> {
    list.iter()
        .map(|c| {
            let kind = match (c.kind.as_str(), c.approved.trim()) {
                ("pingback" | "trackback", _) => CommentKind::Ping,
                (_, "1") => CommentKind::Approved,
                (_, "spam") => CommentKind::Spam,
                (_, "trash" | "post-trashed") => CommentKind::Trash,
                _ => CommentKind::Unapproved,
            };
            let body = if kind == CommentKind::Approved {
                let prepared = html::wpautop(&html::strip_controls(&c.content));
                let converted = html::to_markdown(&prepared, None, &[]);
                for warning in converted.warnings {
                    warnings.push(format!(
                        "comment {} by {}: {warning}",
                        c.id,
                        c.author.trim()
                    ));
                }
                converted.markdown
            } else {
                String::new()
            };
            let website = Some(c.author_url.trim())
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .map(str::to_string);
            let entry = CommentEntry {
                kind,
                parent: c.parent,
                author: c.author.trim().to_string(),
                website,
                date: date_of(&c.date_gmt, &c.date),
                body,
            };
            (c.id, entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoded_slugs_and_terms_decode() {
        assert_eq!(decode_percent("%e1%9e%9f%e1%9f%80%e1%9e%98"), "សៀម");
        assert!(slug_is_valid("សៀម"));
        // Khmer's subscript sign (coeng, U+17D2, in ភ្នំពេញ) is a combining mark of the word.
        assert!(slug_is_valid("ភ្នំពេញ"));
        let item = Item {
            id: 9,
            name: "%e1%9e%97%e1%9f%92%e1%9e%93%e1%9f%86%e1%9e%96%e1%9f%81%e1%9e%89".into(),
            ..Item::default()
        };
        let mut warnings = Vec::new();
        assert_eq!(slug_of(&item, &mut warnings), "ភ្នំពេញ");
        assert!(warnings.is_empty(), "{warnings:?}");
        let spaced = Item {
            id: 9,
            name: "a%20b".into(),
            title: "A b".into(),
            ..Item::default()
        };
        assert_eq!(slug_of(&spaced, &mut warnings), "a-b");
        assert!(!slug_is_valid("a b"));
    }

    #[test]
    fn dates_prefer_gmt() {
        assert_eq!(
            date_of("2024-03-05 03:20:00", "2024-03-05 10:20:00").as_deref(),
            Some("2024-03-05T03:20:00Z")
        );
        assert_eq!(
            date_of("0000-00-00 00:00:00", "2024-03-05 10:20:00").as_deref(),
            Some("2024-03-05 10:20:00")
        );
        assert_eq!(date_of("", ""), None);
    }

    #[test]
    fn old_addresses_of_the_blog_are_known_in_every_spelling() {
        let sites = ["https://slowroads.example", "https://slowroads.example/"];
        let key = |url: &str| address_key(url, &sites);
        let day1 = Some("/2024/03/05/day-1".to_string());
        assert_eq!(key("https://slowroads.example/2024/03/05/day-1/"), day1);
        assert_eq!(key("http://www.slowroads.example/2024/03/05/day-1"), day1);
        assert_eq!(
            key("https://slowroads.example/2024/03/05/day-1/#comments"),
            day1
        );
        assert_eq!(
            key("https://slowroads.example/2024/03/07/%e1%9e%80/"),
            Some("/2024/03/07/\u{1780}".into())
        );
        assert_eq!(
            key("https://slowroads.example/?p=12").as_deref(),
            Some("p=12")
        );
        assert_eq!(
            key("https://slowroads.example/?page_id=7&lang=km").as_deref(),
            Some("page_id=7")
        );
        assert_eq!(key("https://slowroads.example/"), None, "the home page");
        assert_eq!(key("https://slowroads.example.org/2024/03/05/day-1/"), None);
        assert_eq!(key("https://elsewhere.example/2024/03/05/day-1/"), None);
    }

    #[test]
    fn aliases_keep_both_encodings_and_the_short_link() {
        assert_eq!(
            aliases_of("https://ex.org/2024/03/%e1%9e%80/", 12, false),
            ["/2024/03/%e1%9e%80/", "/2024/03/\u{1780}/", "/?p=12"]
        );
        assert_eq!(
            aliases_of("https://ex.org/about/", 7, true),
            ["/about/", "/?page_id=7"]
        );
        assert_eq!(aliases_of("https://ex.org/?p=12", 12, false), ["/?p=12"]);
    }
}
