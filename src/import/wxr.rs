//! The WordPress export format (WXR: RSS 2.0 with `wp:`, `content:`, `excerpt:` and `dc:`
//! elements), read as a stream: one `<item>` at a time is handed to the caller and dropped, so a
//! 100 MB export never sits in memory as a tree.
//!
//! The reader keeps only the text of the element it is inside; an `<item>` becomes an [`Item`]
//! when its end tag is read. Text arrives in pieces (CDATA sections split by `]]>`, entity
//! references), which are joined before use.

use anyhow::{bail, Context, Result};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

/// What the `<channel>` says about the whole site.
#[derive(Debug, Default, Clone)]
pub struct Channel {
    pub title: String,
    pub description: String,
    pub language: String,
    pub link: String,
    pub base_blog_url: String,
    /// `wp:author_login` → `wp:author_display_name`.
    pub authors: HashMap<String, String>,
}

/// One `<item>`: a post, page, attachment, revision, menu item…
#[derive(Debug, Default, Clone)]
pub struct Item {
    pub title: String,
    pub link: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub id: u64,
    /// `wp:post_parent`: the page a page sits under (0 at the top).
    pub parent: u64,
    /// `wp:menu_order`: a page's place among its siblings.
    pub menu_order: i64,
    /// `wp:is_sticky`: the post is pinned to the top of the blog's front page.
    pub sticky: bool,
    pub date: String,
    pub date_gmt: String,
    pub modified: String,
    pub modified_gmt: String,
    pub name: String,
    /// `wp:post_password`: set when WordPress asks readers for a password to open the item.
    pub password: String,
    pub status: String,
    pub kind: String,
    pub attachment_url: String,
    /// `(domain, nicename, label)` of each `<category>`.
    pub terms: Vec<(String, String, String)>,
    /// `wp:postmeta` key and value.
    pub meta: Vec<(String, String)>,
    pub comments: Vec<Comment>,
}

/// One `<wp:comment>`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Comment {
    pub id: u64,
    pub author: String,
    pub author_url: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    pub approved: String,
    pub kind: String,
    pub parent: u64,
}

impl Item {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Where the reader is: which record is open.
#[derive(Default)]
struct State {
    item: Option<Item>,
    comment: Option<Comment>,
    meta: Option<(String, String)>,
    author: Option<(String, String)>,
    term: Option<(String, String)>,
    text: String,
    depth: usize,
}

/// Reads the export at `path`, calling `on_item` for each item in file order; returns the channel.
pub fn read(path: &Path, on_item: &mut dyn FnMut(Item) -> Result<()>) -> Result<Channel> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    read_from(std::io::BufReader::with_capacity(1 << 16, file), on_item)
        .with_context(|| format!("{} is not a readable WordPress export", path.display()))
}

/// Reads an export from any buffered source (tests use byte slices).
pub fn read_from(
    source: impl BufRead,
    on_item: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<Channel> {
    let mut reader = quick_xml::Reader::from_reader(source);
    reader.config_mut().check_end_names = true;
    let mut channel = Channel::default();
    let mut state = State::default();
    let mut buf = Vec::new();
    let mut seen_rss = false;
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .with_context(|| format!("malformed XML near byte {position}"))?;
        match event {
            Event::Start(tag) => {
                seen_rss |= tag.name().as_ref() == b"rss";
                state.depth += 1;
                state.text.clear();
                open(&mut state, &tag);
            }
            Event::Text(text) => state.text.push_str(&text.xml10_content()?),
            Event::CData(data) => state.text.push_str(&data.xml10_content()?),
            Event::GeneralRef(entity) => match entity.resolve_char_ref()? {
                Some(ch) => state.text.push(ch),
                None => state.text.push_str(named_entity(&entity.decode()?)),
            },
            Event::End(tag) => {
                state.depth = state.depth.saturating_sub(1);
                let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
                let text = std::mem::take(&mut state.text);
                if let Some(item) = close(&mut state, &mut channel, &name, text) {
                    on_item(item)?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_rss {
        bail!("it has no <rss> element: export the site again from Tools → Export");
    }
    if state.depth > 0 {
        bail!("the file ends before its last element is closed: it was cut short; download the export again");
    }
    Ok(channel)
}

fn named_entity(name: &str) -> &'static str {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
}

fn attribute(tag: &BytesStart, name: &str) -> String {
    tag.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw).map_or(raw.clone(), |v| v.into_owned())
        })
        .unwrap_or_default()
}

fn open(state: &mut State, tag: &BytesStart) {
    match tag.name().as_ref() {
        b"item" => state.item = Some(Item::default()),
        b"wp:comment" if state.item.is_some() => state.comment = Some(Comment::default()),
        b"wp:postmeta" if state.item.is_some() => state.meta = Some(Default::default()),
        b"wp:author" if state.item.is_none() => state.author = Some(Default::default()),
        b"category" if state.item.is_some() => {
            state.term = Some((attribute(tag, "domain"), attribute(tag, "nicename")));
        }
        _ => {}
    }
}

/// Stores the text of the element `name` that just closed; returns an item when one is complete.
fn close(state: &mut State, channel: &mut Channel, name: &str, text: String) -> Option<Item> {
    if let Some(comment) = state.comment.as_mut() {
        close_comment(comment, name, text);
        if name == "wp:comment" {
            let done = state.comment.take()?;
            state.item.as_mut()?.comments.push(done);
        }
        return None;
    }
    if let Some(meta) = state.meta.as_mut() {
        match name {
            "wp:meta_key" => meta.0 = text,
            "wp:meta_value" => meta.1 = text,
            "wp:postmeta" => {
                let done = state.meta.take()?;
                state.item.as_mut()?.meta.push(done);
            }
            _ => {}
        }
        return None;
    }
    if let Some(item) = state.item.as_mut() {
        if name == "item" {
            return state.item.take();
        }
        if name == "category" {
            let (domain, nicename) = state.term.take().unwrap_or_default();
            item.terms.push((domain, nicename, text));
            return None;
        }
        close_item_field(item, name, text);
        return None;
    }
    if let Some(author) = state.author.as_mut() {
        match name {
            "wp:author_login" => author.0 = text,
            "wp:author_display_name" => author.1 = text,
            "wp:author" => {
                let (login, display) = state.author.take()?;
                channel.authors.insert(login, display);
            }
            _ => {}
        }
        return None;
    }
    match name {
        "title" if channel.title.is_empty() => channel.title = text,
        "description" if channel.description.is_empty() => channel.description = text,
        "language" => channel.language = text,
        "link" if channel.link.is_empty() => channel.link = text,
        "wp:base_blog_url" => channel.base_blog_url = text,
        _ => {}
    }
    None
}

fn close_item_field(item: &mut Item, name: &str, text: String) {
    let field = match name {
        "title" => &mut item.title,
        "link" => &mut item.link,
        "dc:creator" => &mut item.creator,
        "content:encoded" => &mut item.content,
        "excerpt:encoded" => &mut item.excerpt,
        "wp:post_date" => &mut item.date,
        "wp:post_date_gmt" => &mut item.date_gmt,
        "wp:post_modified" => &mut item.modified,
        "wp:post_modified_gmt" => &mut item.modified_gmt,
        "wp:post_name" => &mut item.name,
        "wp:post_password" => &mut item.password,
        "wp:status" => &mut item.status,
        "wp:post_type" => &mut item.kind,
        "wp:attachment_url" => &mut item.attachment_url,
        "wp:post_id" => {
            item.id = text.trim().parse().unwrap_or(0);
            return;
        }
        "wp:post_parent" => {
            item.parent = text.trim().parse().unwrap_or(0);
            return;
        }
        "wp:menu_order" => {
            item.menu_order = text.trim().parse().unwrap_or(0);
            return;
        }
        "wp:is_sticky" => {
            item.sticky = text.trim() == "1";
            return;
        }
        _ => return,
    };
    *field = text;
}

fn close_comment(comment: &mut Comment, name: &str, text: String) {
    let field = match name {
        "wp:comment_author" => &mut comment.author,
        "wp:comment_author_url" => &mut comment.author_url,
        "wp:comment_date" => &mut comment.date,
        "wp:comment_date_gmt" => &mut comment.date_gmt,
        "wp:comment_content" => &mut comment.content,
        "wp:comment_approved" => &mut comment.approved,
        "wp:comment_type" => &mut comment.kind,
        "wp:comment_id" => {
            comment.id = text.trim().parse().unwrap_or(0);
            return;
        }
        "wp:comment_parent" => {
            comment.parent = text.trim().parse().unwrap_or(0);
            return;
        }
        _ => return,
    };
    *field = text;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(xml: &str) -> Result<(Channel, Vec<Item>)> {
        let mut items = Vec::new();
        let channel = read_from(xml.as_bytes(), &mut |item| {
            items.push(item);
            Ok(())
        })?;
        Ok((channel, items))
    }

    #[test]
    fn cdata_split_by_its_end_marker_is_joined() {
        let xml = "<rss><channel><title>T &amp; U</title><item><title>A</title>\
            <content:encoded><![CDATA[x[1]]]]><![CDATA[>y]]></content:encoded>\
            <wp:post_id>7</wp:post_id><category domain=\"post_tag\" nicename=\"a-b\"><![CDATA[A b]]></category>\
            </item></channel></rss>";
        let (channel, items) = items(xml).unwrap();
        assert_eq!(channel.title, "T & U");
        assert_eq!(items[0].content, "x[1]]>y");
        assert_eq!(items[0].id, 7);
        assert_eq!(
            items[0].terms,
            [("post_tag".into(), "a-b".into(), "A b".into())]
        );
    }

    #[test]
    fn a_cut_short_export_is_an_error() {
        let err = items("<rss><channel><item><title>A</title>").unwrap_err();
        assert!(format!("{err:#}").contains("cut short"), "{err:#}");
    }
}
