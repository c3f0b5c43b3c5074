//! WordPress HTML to Markdown: the WordPress-specific steps written here, the HTML parsing and
//! Markdown writing left to `htmd`.
//!
//! A body goes through: control characters out; block-editor comments (`<!-- wp:… -->`) read
//! and removed, or, for a classic-editor body, WordPress's `wpautop` paragraphs; shortcodes
//! (`[caption]`, `[gallery]`, `[embed]`, `[youtube]`) turned into plain HTML; then `htmd` with
//! our handlers for what must not survive (scripts, frames, unsafe links), images (copied files,
//! or a link to the old address) and figures (an image whose title is the caption, which our
//! renderer shows as `<figure>`).

use super::media::{original_of, uploads_path};
use super::wordpress::Attachment;
use htmd::element_handler::{HandlerResult, Handlers};
use htmd::options::{BulletListMarker, Options};
use htmd::{Element, HtmlToMarkdown};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

/// Where each image URL of a body ends up: the file name beside the post, or `None` when no
/// copy was found (the Markdown then links to the old address).
pub type ImageMap = HashMap<String, Option<String>>;

/// Markdown and what the conversion had to change.
#[derive(Debug, Default)]
pub struct Converted {
    pub markdown: String,
    pub warnings: Vec<String>,
}

/// Control characters other than tab and newline break YAML and Markdown; WordPress exports
/// sometimes carry them (pasted from word processors).
pub fn strip_controls(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// The body as HTML a browser would get from WordPress, minus blocks and shortcodes.
pub fn prepare(
    raw: &str,
    post: u64,
    attachments: &HashMap<u64, Attachment>,
    warnings: &mut Vec<String>,
) -> String {
    let text = strip_controls(raw);
    let blocks = text.contains("<!-- wp:");
    let text = if blocks {
        strip_blocks(&text, warnings)
    } else {
        text
    };
    let text = shortcodes(&text, post, attachments, warnings);
    if blocks {
        text
    } else {
        wpautop(&bare_urls(&text))
    }
}

static BLOCK_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<!--\s+(/)?wp:([a-z0-9/-]+)\s*(\{.*?\})?\s*(/)?-->").expect("valid")
});

/// Removes the block editor's comments, keeping the HTML they wrap (columns and groups are
/// flattened that way); an embed block becomes a link to what it embedded, a dynamic block (one
/// that WordPress renders on each visit and stores no HTML for) is dropped with a warning.
pub fn strip_blocks(text: &str, warnings: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    // While inside an embed block, its own HTML (a figure with the URL as text) is replaced.
    let mut skipping_until: Option<String> = None;
    for caps in BLOCK_COMMENT.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let closing = caps.get(1).is_some();
        let name = &caps[2];
        let self_closing = caps.get(4).is_some();
        if skipping_until.is_none() {
            out.push_str(&text[last..whole.start()]);
        }
        last = whole.end();
        if closing {
            if skipping_until.as_deref() == Some(name) {
                skipping_until = None;
            }
            continue;
        }
        if skipping_until.is_some() {
            continue;
        }
        let attrs: serde_json::Value = caps
            .get(3)
            .and_then(|m| serde_json::from_str(m.as_str()).ok())
            .unwrap_or_default();
        if name == "embed" || name.starts_with("core-embed/") {
            if let Some(url) = attrs.get("url").and_then(|u| u.as_str()) {
                out.push_str(&format!("\n<p><a href=\"{url}\">{url}</a></p>\n"));
            }
            if !self_closing {
                skipping_until = Some(name.to_string());
            }
        } else if self_closing && !matches!(name, "more" | "nextpage" | "footnotes") {
            warnings.push(format!(
                "the block \"{name}\" is made by WordPress on each visit and has no text to import; it was left out"
            ));
        }
    }
    if skipping_until.is_none() {
        out.push_str(&text[last..]);
    }
    out
}

static SHORTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([a-zA-Z][a-zA-Z0-9_-]*)((?:=|\s)[^\]]*)?\]").expect("valid"));
/// A shortcode's closing tag.
static CLOSING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[/[a-zA-Z][a-zA-Z0-9_-]*\]").expect("valid"));
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([a-zA-Z_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#).expect("valid")
});

/// A shortcode's `name="value"` attributes.
fn shortcode_attrs(text: &str) -> HashMap<String, String> {
    ATTR.captures_iter(text)
        .map(|c| {
            let value = c
                .get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), value.to_string())
        })
        .collect()
}

/// `[caption]`, `[gallery]`, `[embed]`, `[youtube]`, `[vimeo]` become HTML; any other shortcode
/// (it has attributes or a closing tag, or is a known one, [`LEFT_OUT`]) is left out with a
/// warning, a pair keeping the text inside; brackets in prose stay. `post`
/// is the id of the item the text belongs to (its attached images fill a `[gallery]` without
/// `ids`).
pub fn shortcodes(
    text: &str,
    post: u64,
    attachments: &HashMap<u64, Attachment>,
    warnings: &mut Vec<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Closing tags known to be absent from the rest of the text. Without it, each of n unclosed
    // `[gallery]`s searched the whole rest for `[/gallery]`: 16,000 of them in one post took 8 s
    // (quadratic, `bench/robustness.md`). The rest only shrinks, so absent stays absent.
    let mut unclosed: HashSet<String> = HashSet::new();
    // Closing tags of unknown pairs, whose text inside was kept: removed at the end.
    let mut dropped: HashSet<String> = HashSet::new();
    while let Some(caps) = SHORTCODE.captures(rest) {
        let whole = caps.get(0).expect("match");
        let name = caps[1].to_ascii_lowercase();
        let args = caps.get(2).map_or("", |m| m.as_str());
        out.push_str(&rest[..whole.start()]);
        let after = &rest[whole.end()..];
        let close = format!("[/{}]", &caps[1]);
        let found = if unclosed.contains(&close) {
            None
        } else {
            after.find(&close)
        };
        let (inner, next) = match found {
            Some(i) => (Some(&after[..i]), &after[i + close.len()..]),
            None => {
                unclosed.insert(close);
                (None, after)
            }
        };
        let html = match name.as_str() {
            "caption" | "wp_caption" => caption(args, inner.unwrap_or_default()),
            "gallery" => Some(gallery(args, post, attachments, warnings)),
            "embed" | "youtube" | "vimeo" | "video" | "audio" => embed(args, inner),
            _ => None,
        };
        match html {
            Some(html) => {
                out.push_str(&html);
                rest = next;
            }
            // A pair: the text inside is the author's; the tags go (the closing one below).
            None if inner.is_some() => {
                warnings.push(format!(
                    "the shortcode [{name}] has no equivalent here; its tags were left out, the \
                     text inside kept"
                ));
                dropped.insert(format!("[/{}]", &caps[1]));
                rest = after;
            }
            None if args.contains('=') || LEFT_OUT.contains(&name.as_str()) => {
                warnings.push(format!(
                    "the shortcode [{name}] has no equivalent here; it was left out"
                ));
                rest = after;
            }
            // Brackets in prose (`[sic]`, `[1]`), not a shortcode.
            None => {
                out.push_str(whole.as_str());
                rest = after;
            }
        }
    }
    out.push_str(rest);
    without_closing(out, &dropped)
}

/// An embed's address (between its tags, in `src`/`url`, or after `=`) as a link.
fn embed(args: &str, inner: Option<&str>) -> Option<String> {
    let attrs = shortcode_attrs(args);
    let url = inner
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .or_else(|| attrs.get("src").or(attrs.get("url")).cloned())
        .or_else(|| {
            let bare = args.trim_start_matches('=').trim();
            (!bare.is_empty()).then(|| bare.to_string())
        });
    url.map(|u| link_paragraph(&u))
}

/// `out` without the closing tags in `dropped`, in one pass however many there are.
fn without_closing(out: String, dropped: &HashSet<String>) -> String {
    if dropped.is_empty() {
        return out;
    }
    CLOSING
        .replace_all(&out, |caps: &regex::Captures| {
            match dropped.contains(&caps[0]) {
                true => String::new(),
                false => caps[0].to_string(),
            }
        })
        .into_owned()
}

/// Shortcodes of WordPress and its common plugins that are known as such even without
/// attributes: made by the server on each visit (forms, archives, lists), they are left out with a
/// warning rather than shown as `[name]`.
const LEFT_OUT: &[&str] = &[
    "archives",
    "blog_subscription_form",
    "contact-form",
    "contact-form-7",
    "display-posts",
    "jetpack_subscription_form",
    "playlist",
    "polldaddy",
    "recipe",
    "related-posts",
    "sitemap",
    "subscribe",
    "toc",
    "wpforms",
    "wpvideo",
];

fn link_paragraph(url: &str) -> String {
    let url = escape_attr(url);
    format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n")
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

static IMG_OR_LINKED_IMG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$").expect("valid")
});

static IMG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<img\b[^>]*>").expect("valid"));

/// The alt text an `<img>` of `html` gives the upload at `url` (or any size of it), if one does.
pub fn alt_in(html: &str, url: &str) -> Option<String> {
    let original = |u: &str| uploads_path(u).map(|p| original_of(&p).0);
    let wanted = original(url)?;
    IMG.find_iter(html).find_map(|tag| {
        let attrs = shortcode_attrs(tag.as_str());
        let alt = attrs
            .get("alt")
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())?;
        (original(attrs.get("src")?)? == wanted).then(|| unescape(alt))
    })
}

/// The five entities HTML attribute values most often carry, decoded.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `[caption …]<img …> The text[/caption]`: a figure, the text its caption.
fn caption(args: &str, inner: &str) -> Option<String> {
    let caps = IMG_OR_LINKED_IMG.captures(inner)?;
    let text = caps[2].trim();
    let text = if text.is_empty() {
        shortcode_attrs(args).remove("caption").unwrap_or_default()
    } else {
        text.to_string()
    };
    Some(format!(
        "\n\n<figure>{}<figcaption>{}</figcaption></figure>\n\n",
        &caps[1], text
    ))
}

/// A gallery's images, one after the other, as WordPress chooses them: `ids` (or `include`) names
/// them in order; without it, the images attached to the post (or to the post `id` names), by
/// their place in the media library's order then their id, less those `exclude` names;
/// `order="DESC"` reverses that order. A gallery with no image is dropped with a warning, never
/// left on the page as text.
fn gallery(
    args: &str,
    post: u64,
    attachments: &HashMap<u64, Attachment>,
    warnings: &mut Vec<String>,
) -> String {
    let attrs = shortcode_attrs(args);
    let listed = |key: &str| -> Vec<u64> {
        attrs.get(key).map_or_else(Vec::new, |ids| {
            ids.split(',')
                .filter_map(|s| s.trim().parse::<u64>().ok())
                .collect()
        })
    };
    let named = attrs.get("ids").or(attrs.get("include")).is_some();
    let ids: Vec<u64> = if named {
        let ids = [listed("ids"), listed("include")].concat();
        for id in ids.iter().filter(|id| !attachments.contains_key(id)) {
            warnings.push(format!(
                "the gallery names attachment {id}, which is not in the export"
            ));
        }
        ids.into_iter()
            .filter(|id| attachments.contains_key(id))
            .collect()
    } else {
        let parent = attrs
            .get("id")
            .and_then(|id| id.trim().parse::<u64>().ok())
            .unwrap_or(post);
        let exclude = listed("exclude");
        let mut attached: Vec<(i64, u64)> = attachments
            .iter()
            .filter(|(id, a)| {
                a.parent == parent && parent != 0 && is_image(&a.url) && !exclude.contains(id)
            })
            .map(|(id, a)| (a.order, *id))
            .collect();
        attached.sort_unstable();
        if attrs
            .get("order")
            .is_some_and(|o| o.trim().eq_ignore_ascii_case("desc"))
        {
            attached.reverse();
        }
        attached.into_iter().map(|(_, id)| id).collect()
    };
    if ids.is_empty() {
        if !named {
            warnings.push(
                "a [gallery] shows the images attached to its post, and the export attaches none: \
                 it was left out"
                    .to_string(),
            );
        }
        return String::new();
    }
    let mut html = String::from("\n\n");
    for a in ids.iter().filter_map(|id| attachments.get(id)) {
        html.push_str(&format!(
            "<p><img src=\"{}\" alt=\"{}\"></p>\n\n",
            escape_attr(&a.url),
            escape_attr(&a.alt)
        ));
    }
    html
}

/// Whether an attachment's file is an image (a gallery shows only those), by its extension.
fn is_image(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    [
        "jpg", "jpeg", "png", "gif", "webp", "avif", "bmp", "tif", "tiff", "heic",
    ]
    .iter()
    .any(|e| ext.eq_ignore_ascii_case(e))
}

/// WordPress turns a URL alone on its line into an embedded player; here it becomes a link.
fn bare_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let url = line.trim();
        if (url.starts_with("http://") || url.starts_with("https://"))
            && !url.contains(char::is_whitespace)
            && !url.contains(['<', '"'])
        {
            out.push_str(&link_paragraph(url));
        } else {
            out.push_str(line);
        }
    }
    out
}

const BLOCK_TAGS: &str = "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary";

static BEFORE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)(<(?:{BLOCK_TAGS})[\s/>])")).expect("valid"));
static AFTER_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)(</(?:{BLOCK_TAGS})>)")).expect("valid"));
static PARA_BEFORE_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)<p>\s*(</?(?:{BLOCK_TAGS})[^>]*>)")).expect("valid")
});
static PARA_AFTER_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(</?(?:{BLOCK_TAGS})[^>]*>)\s*</p>")).expect("valid")
});
static PRE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<pre[\s>].*?</pre>").expect("valid"));
static BR_AFTER_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(</?(?:{BLOCK_TAGS})[^>]*>)\s*<br />")).expect("valid")
});

/// WordPress's `wpautop` for classic-editor text: a blank line ends a paragraph, a single newline
/// is a line break, and neither applies inside `<pre>` or between block elements.
pub fn wpautop(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    // `<pre>` is set aside whole: its newlines are the code's.
    let mut kept = Vec::new();
    let text = PRE.replace_all(text, |c: &regex::Captures| {
        kept.push(c[0].to_string());
        format!("<pre wp-pre-tag-{}></pre>", kept.len() - 1)
    });
    let text = text.replace("\r\n", "\n");
    let text = BEFORE_BLOCK.replace_all(&text, "\n\n$1");
    let text = AFTER_BLOCK.replace_all(&text, "$1\n\n");
    let mut out = String::new();
    for para in Regex::new(r"\n\s*\n").expect("valid").split(&text) {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        out.push_str("<p>");
        out.push_str(para);
        out.push_str("</p>\n");
    }
    // A block tag is never inside a paragraph: WordPress unwraps both sides in turn, list
    // items (which hold a nested list) first.
    let out = Regex::new(r"(?s)<p>(<li.+?)</p>")
        .expect("valid")
        .replace_all(&out, "$1");
    let out = PARA_BEFORE_BLOCK.replace_all(&out, "$1");
    let out = PARA_AFTER_BLOCK.replace_all(&out, "$1");
    let out = out.replace("<p></p>\n", "");
    // Single newlines inside paragraphs become line breaks.
    let out = Regex::new(r"(?s)<p>(.*?)</p>")
        .expect("valid")
        .replace_all(&out, |c: &regex::Captures| {
            format!("<p>{}</p>", c[1].trim().replace('\n', "<br />"))
        });
    let mut out = BR_AFTER_BLOCK.replace_all(&out, "$1").into_owned();
    for (i, pre) in kept.iter().enumerate() {
        out = out.replace(&format!("<pre wp-pre-tag-{i}></pre>"), pre);
    }
    out
}

/// Elements whose content is never text to keep; taken out before parsing so that they leave no
/// paragraph break behind (the parser treats them as blocks).
static HIDDEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)<(script|style|iframe|noscript)\b[^>]*>.*?</(?:script|style|iframe|noscript)\s*>",
    )
    .expect("valid")
});

static IMG_SRC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']"#).expect("valid"));
static EVENT_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<[a-z][^>]*\son[a-z]+\s*="#).expect("valid"));

/// The `src` of every `<img>` of prepared HTML, in order.
pub fn image_urls(html: &str) -> Vec<String> {
    IMG_SRC
        .captures_iter(html)
        .map(|c| decode_entities(&c[1]))
        .collect()
}

fn decode_entities(url: &str) -> String {
    url.replace("&amp;", "&").replace("&#038;", "&")
}

/// What the handlers learn while converting.
#[derive(Default)]
struct Notes {
    warnings: Vec<String>,
}

/// Converts prepared HTML to Markdown. `images`: where each image went (a comment passes `None`:
/// comments show no images, only their alt text).
pub fn to_markdown(
    html: &str,
    images: Option<ImageMap>,
    footnotes: &[(String, String)],
) -> Converted {
    let notes = Arc::new(Mutex::new(Notes::default()));
    if EVENT_ATTR.is_match(html) {
        note(
            &notes,
            "event handler attributes (on…=) were removed".into(),
        );
    }
    let mut removed = Vec::new();
    let html = HIDDEN.replace_all(html, |c: &regex::Captures| {
        removed.push(format!("<{}> removed", c[1].to_ascii_lowercase()));
        ""
    });
    for warning in removed {
        note(&notes, warning);
    }
    let converter = converter(&notes, images.map(Arc::new));
    // A caption outside any figure keeps its text.
    let mut markdown = converter
        .convert(&html)
        .unwrap_or_default()
        .replace([CAPTION_START, CAPTION_END], "");
    if !footnotes.is_empty() {
        markdown.push_str("\n\n");
        for (i, (_, text)) in footnotes.iter().enumerate() {
            let text = converter.convert(text).unwrap_or_default();
            markdown.push_str(&format!("[^{}]: {}\n", i + 1, text.trim()));
        }
    }
    let warnings = std::mem::take(&mut notes.lock().expect("not poisoned").warnings);
    Converted {
        markdown: tidy(&markdown),
        warnings,
    }
}

fn note(notes: &Mutex<Notes>, warning: String) {
    let mut notes = notes.lock().expect("not poisoned");
    if !notes.warnings.contains(&warning) {
        notes.warnings.push(warning);
    }
}

/// Blank lines at most two at a time, no trailing spaces except Markdown's two-space line break,
/// one newline at the end.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.trim().lines() {
        let kept = if line.ends_with("  ") && !line.trim().is_empty() {
            format!("{}  ", line.trim_end())
        } else {
            line.trim_end().to_string()
        };
        if kept.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

fn attr(element: &Element, name: &str) -> Option<String> {
    element
        .attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.to_string())
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn converter(notes: &Arc<Mutex<Notes>>, images: Option<Arc<ImageMap>>) -> HtmlToMarkdown {
    let options = Options {
        bullet_list_marker: BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        ..Options::default()
    };
    let dropped = Arc::clone(notes);
    let links = Arc::clone(notes);
    HtmlToMarkdown::builder()
        .options(options)
        .add_handler(
            vec![
                "script", "style", "iframe", "object", "embed", "noscript", "form", "input",
                "button", "textarea", "select",
            ],
            move |_: &dyn Handlers, element: Element| -> Option<HandlerResult> {
                note(&dropped, format!("<{}> removed", element.tag));
                None
            },
        )
        .add_handler(vec!["hr"], |_: &dyn Handlers, _: Element| {
            Some("\n\n---\n\n".into())
        })
        .add_handler(
            vec!["a"],
            move |handlers: &dyn Handlers, element: Element| {
                let href = attr(&element, "href").unwrap_or_default();
                let content = handlers.walk_children(element.node).content;
                if !is_safe_url(&href) {
                    note(
                        &links,
                        format!(
                            "unsafe link ({}) removed, its text kept",
                            href.split(':').next().unwrap_or("")
                        ),
                    );
                    return Some(content.into());
                }
                // An image linked to its own full-size file (WordPress's default): the image is enough.
                if content.trim_start().starts_with("![") || content.trim().is_empty() {
                    return Some(content.into());
                }
                handlers.fallback(element)
            },
        )
        .add_handler(vec!["img"], move |_: &dyn Handlers, element: Element| {
            let src = decode_entities(&attr(&element, "src")?);
            let alt = attr(&element, "alt").unwrap_or_default();
            let title = attr(&element, "title");
            Some(image_markdown(&src, &alt, title.as_deref(), images.as_deref()).into())
        })
        .add_handler(vec!["figure"], figure_handler)
        .add_handler(
            vec!["figcaption"],
            |handlers: &dyn Handlers, element: Element| {
                let text = handlers.walk_children(element.node).content;
                Some(format!("{CAPTION_START}{}{CAPTION_END}", text.trim()).into())
            },
        )
        .add_handler(vec!["sup"], footnote_handler)
        .add_handler(vec!["pre"], pre_handler)
        .build()
}

/// An image as Markdown: the copied file, or a link to its old address (never an image from
/// another site: no third-party request).
fn image_markdown(src: &str, alt: &str, title: Option<&str>, images: Option<&ImageMap>) -> String {
    let alt = alt.replace(['[', ']'], "").replace('\n', " ");
    let local = images.and_then(|m| m.get(src).cloned().flatten());
    match local {
        Some(file) => match title.filter(|t| !t.trim().is_empty()) {
            Some(t) => format!("![{alt}]({file} \"{}\")", t.trim().replace('"', "\\\"")),
            None => format!("![{alt}]({file})"),
        },
        None if images.is_none() => alt,
        None => {
            let text = if alt.trim().is_empty() {
                "image"
            } else {
                alt.trim()
            };
            format!("[{text}]({})", src.replace(' ', "%20").replace(')', "%29"))
        }
    }
}

/// A figure with one image and a caption: the image titled by its caption, alone in its
/// paragraph, which our renderer shows as `<figure>` with `<figcaption>`. Other figures (a
/// gallery's, a table's) are read as their content, the caption in italics after it. The
/// caption handler wraps its text in marks (STX…ETX) so the figure can find it.
fn figure_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let (content, caption) = split_caption(&content);
    let content = content.trim();
    let single_image =
        content.starts_with("![") && content.ends_with(')') && !content.contains('\n');
    if single_image && !caption.is_empty() {
        let plain = strip_markdown(&caption).replace('"', "\\\"");
        let image = &content[..content.len() - 1];
        let image = match image.find(" \"") {
            Some(i) if image[..i].contains("](") => &image[..i],
            _ => image,
        };
        return Some(format!("\n\n{image} \"{plain}\")\n\n").into());
    }
    if caption.is_empty() {
        return Some(format!("\n\n{content}\n\n").into());
    }
    Some(format!("\n\n{content}\n\n*{caption}*\n\n").into())
}

const CAPTION_START: char = '\u{2}';
const CAPTION_END: char = '\u{3}';

/// The text without its caption marks, and the last caption's text.
fn split_caption(text: &str) -> (String, String) {
    let mut out = String::with_capacity(text.len());
    let mut caption = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(CAPTION_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find(CAPTION_END).unwrap_or(after.len());
        caption = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    (out, caption)
}

fn strip_markdown(text: &str) -> String {
    text.replace(['*', '_', '`'], "")
}

/// `<pre>` without `<code>` inside (the classic editor's) is a code block all the same.
fn pre_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let code = content.trim_matches('\n');
    if code.trim_start().starts_with("```") {
        return Some(format!("\n\n{code}\n\n").into());
    }
    let fence = if code.contains("```") { "~~~~" } else { "```" };
    Some(format!("\n\n{fence}\n{code}\n{fence}\n\n").into())
}

/// The block editor's footnote marks (`<sup data-fn="…"><a href="#…">1</a></sup>`) become
/// Markdown footnote references.
fn footnote_handler(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    if attr(&element, "data-fn").is_some() {
        // The mark's text is its number, written as a link to the note (`[1](#id)`).
        let label = content.trim().trim_start_matches('[');
        let number: String = label.chars().take_while(char::is_ascii_digit).collect();
        return Some(format!("[^{number}]").into());
    }
    // Markdown has no superscript and our renderer shows no raw HTML: the text stays (m2).
    Some(content.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        to_markdown(html, Some(ImageMap::new()), &[]).markdown
    }

    #[test]
    fn wpautop_makes_paragraphs_and_line_breaks() {
        let html = wpautop(
            "First line\nsecond line\n\nNew paragraph\n<pre>a\n\nb</pre>\n<ul>\n<li>x</li>\n</ul>",
        );
        assert!(
            html.contains("<p>First line<br />second line</p>"),
            "{html}"
        );
        assert!(html.contains("<p>New paragraph</p>"), "{html}");
        assert!(html.contains("<pre>a\n\nb</pre>"), "{html}");
        assert!(
            !html.contains("<p><ul>") && !html.contains("<li>x<br"),
            "{html}"
        );
    }

    #[test]
    fn blocks_are_removed_and_embeds_become_links() {
        let mut warnings = Vec::new();
        let html = strip_blocks(
            "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n<!-- wp:embed {\"url\":\"https://youtu.be/x\",\"type\":\"video\"} -->\n<figure><div>https://youtu.be/x</div></figure>\n<!-- /wp:embed -->\n<!-- wp:latest-posts /-->",
            &mut warnings,
        );
        assert!(!html.contains("wp:"), "{html}");
        assert!(html.contains("<a href=\"https://youtu.be/x\">"), "{html}");
        assert_eq!(
            html.matches("youtu.be").count(),
            2,
            "the embed's own figure is replaced: {html}"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn the_alt_text_of_an_upload_is_found_in_any_size_of_it() {
        let html = r#"<p><img src="https://b.example/wp-content/uploads/2024/03/boat-1024x768.jpg" alt="A boat &amp; its net"></p>"#;
        assert_eq!(
            alt_in(
                html,
                "https://b.example/wp-content/uploads/2024/03/boat.jpg"
            )
            .as_deref(),
            Some("A boat & its net")
        );
        assert_eq!(
            alt_in(html, "https://b.example/wp-content/uploads/2024/03/car.jpg"),
            None
        );
    }

    #[test]
    fn shortcodes_become_html_or_are_left_out() {
        let mut warnings = Vec::new();
        let attachments = HashMap::from([(
            5,
            Attachment {
                url: "https://old.example/wp-content/uploads/a.jpg".to_string(),
                alt: "A \"quoted\" view".to_string(),
                parent: 0,
                order: 0,
            },
        )]);
        let html = shortcodes(
            "[caption id=\"x\" width=\"300\"]<img src=\"b.jpg\" alt=\"B\"> The boat[/caption] [gallery ids=\"5,9\"] [youtube https://youtu.be/q] [contact-form to=\"me\"] a [1] note",
            1,
            &attachments,
            &mut warnings,
        );
        assert!(
            html.contains(
                "<figure><img src=\"b.jpg\" alt=\"B\"><figcaption>The boat</figcaption></figure>"
            ),
            "{html}"
        );
        assert!(
            html.contains("uploads/a.jpg\" alt=\"A &quot;quoted&quot; view\""),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://youtu.be/q\">"), "{html}");
        assert!(
            !html.contains("contact-form") && html.contains("a [1] note"),
            "{html}"
        );
        assert_eq!(
            warnings.len(),
            2,
            "missing attachment 9 and the contact form: {warnings:?}"
        );
    }

    /// An attachment of post `parent` at `order` in its gallery.
    fn attached(file: &str, parent: u64, order: i64) -> Attachment {
        Attachment {
            url: format!("https://old.example/wp-content/uploads/{file}"),
            alt: format!("alt of {file}"),
            parent,
            order,
        }
    }

    /// The files of the images in `html`, in order.
    fn gallery_files(html: &str) -> Vec<&str> {
        html.split("uploads/")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_gallery_without_ids_shows_the_images_attached_to_its_post_in_their_order() {
        let attachments = HashMap::from([
            (11, attached("second.jpg", 7, 2)),
            (10, attached("first.jpg", 7, 1)),
            (12, attached("third.png", 7, 2)),
            (13, attached("notes.pdf", 7, 0)),
            (20, attached("other-post.jpg", 8, 0)),
            (21, attached("loose.jpg", 0, 0)),
        ]);
        let mut warnings = Vec::new();
        let html = shortcodes(
            "Before\n\n[gallery]\n\nAfter",
            7,
            &attachments,
            &mut warnings,
        );
        assert_eq!(
            gallery_files(&html),
            ["first.jpg", "second.jpg", "third.png"],
            "menu order, then id; images only: {html}"
        );
        assert!(!html.contains("[gallery"), "{html}");
        assert!(html.contains("alt=\"alt of first.jpg\""), "{html}");
        assert_eq!(warnings, Vec::<String>::new());
        // Another post's images, some left out, the order reversed.
        let html = shortcodes(
            "[gallery id=\"7\" exclude=\"11\" order=\"DESC\" columns=\"2\"]",
            8,
            &attachments,
            &mut warnings,
        );
        assert_eq!(gallery_files(&html), ["third.png", "first.jpg"], "{html}");
        // Nine galleries of a post with nothing attached: no text left, a warning each.
        let html = shortcodes(&"[gallery] ".repeat(9), 99, &attachments, &mut warnings);
        assert_eq!(html.trim(), "", "{html}");
        assert_eq!(warnings.len(), 9, "{warnings:?}");
        assert!(warnings[0].contains("attaches none"), "{warnings:?}");
    }

    #[test]
    fn unknown_shortcodes_are_left_out_and_a_pair_keeps_its_text() {
        let mut warnings = Vec::new();
        let html = shortcodes(
            "[su_box title=\"Note\"]Bring [gallery] water[/su_box] [archives] [sic] [unclosed x=\"1\"] end [/su_box]",
            0,
            &HashMap::new(),
            &mut warnings,
        );
        assert_eq!(html, "Bring  water  [sic]  end ", "{warnings:?}");
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].contains("text inside kept"), "{warnings:?}");
    }

    #[test]
    fn hostile_html_is_dropped_with_warnings() {
        let out = to_markdown(
            "<p>Hi <a href=\"javascript:alert(1)\">there</a><img src=x onerror=\"alert(1)\"><script>alert(2)</script></p>",
            None,
            &[],
        );
        assert_eq!(out.markdown, "Hi there\n");
        assert_eq!(out.warnings.len(), 3, "{:?}", out.warnings);
    }

    #[test]
    fn figures_lists_and_tables_convert() {
        let mut images = ImageMap::new();
        images.insert("https://o/p.jpg".into(), Some("p.jpg".into()));
        let out = to_markdown(
            "<figure><img src=\"https://o/p.jpg\" alt=\"Pier\"><figcaption>At <em>dawn</em></figcaption></figure><ul><li>a<ul><li>b</li></ul></li></ul><table><tr><th>x</th></tr><tr><td>1</td></tr></table><hr>",
            Some(images),
            &[],
        )
        .markdown;
        assert!(out.contains("![Pier](p.jpg \"At dawn\")"), "{out}");
        assert!(out.contains("- a\n  - b"), "{out}");
        assert!(out.contains("| x |"), "{out}");
        assert!(out.contains("\n---\n"), "{out}");
        assert_eq!(
            md("<p><img src=\"https://o/q.jpg\" alt=\"Q\"></p>"),
            "[Q](https://o/q.jpg)\n"
        );
    }
}
