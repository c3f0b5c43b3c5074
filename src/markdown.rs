//! Markdown to safe HTML, shared by the app (which renders posts in the browser) and the builder
//! (which pre-renders the no-JavaScript copy of each post and measures reading time).
//!
//! Markdown is untrusted input. The renderer therefore:
//! - turns every raw HTML block or inline tag into escaped text, so `<script>` shows as text;
//! - keeps link and image URLs only when they are relative or `http`, `https` or `mailto`
//!   (a refused link keeps its text, a refused image becomes its alt text);
//! - writes every `<a>` and `<img>` tag itself, with escaped attributes and no others.
//!
//! It also gives each heading a unique, readable `id` and collects the headings for a table of
//! contents. Readers' comments go through the same filter in a stricter mode ([`render_comment`]).

mod rendered;
pub use rendered::{absolute_urls, text_of_html};

use crate::model::{ImageRef, COMMENT_REL, IMAGE_SIZES};
use crate::text::{self, Class, Unspaced};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where the rendered HTML will be shown, so relative URLs can be resolved.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Path the site is served under (`/` or `/blog/`); prefixed to root-relative URLs (`/posts/x`).
    pub base_path: String,
    /// Scheme and host (`https://example.org`) put before every URL of the site, for HTML read
    /// away from it (feeds); empty for pages of the site.
    pub origin: String,
    /// Prefix for relative image sources (`media/map.svg`) and for the builder's copies of
    /// images, e.g. `/data/`.
    pub media_prefix: String,
    /// The builder's copies of the post's images, by the URL written in the Markdown.
    pub images: BTreeMap<String, ImageRef>,
    /// Other files of the site the post links to (`[the notes](notes.pdf)`), by the URL written
    /// in the Markdown: their published copy (`media/notes.3f2a….pdf`), below the media prefix.
    pub files: BTreeMap<String, String>,
    /// Search terms whose words are marked (`<mark>`) in the text, for a reader arriving from
    /// search results.
    pub highlight: Vec<String>,
    /// A protected post's photos are not published: each image is drawn as its alt text, in a
    /// `<span class="photo-withheld">`, and nothing of it is fetched.
    pub withhold_images: bool,
}

impl RenderOptions {
    /// Options for a post of a site served under `base_path`, whose data (and the builder's copies
    /// of images) live in its data folder.
    pub fn for_site(base_path: &str, images: BTreeMap<String, ImageRef>) -> Self {
        let base_path = with_slashes(base_path);
        RenderOptions {
            media_prefix: format!("{base_path}{}/", crate::model::DATA_DIR),
            base_path,
            origin: String::new(),
            images,
            files: BTreeMap::new(),
            highlight: Vec::new(),
            withhold_images: false,
        }
    }
}

/// A heading of the rendered document, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// HTML that [`render`] made from untrusted Markdown: raw HTML escaped, unsafe URLs gone, every
/// tag written by the renderer. Only [`render`] can make one (the field is private and there is no
/// other constructor), so a function that takes it, such as the app's one place that puts HTML
/// into the page, cannot be handed any other string. The builder renders every post, page and
/// comment and writes the result into its data file, where the app reads it back as this type:
/// a field of this type in the data contract holds the renderer's output and nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of [`render`], as the data files carry it (a post's and a page's `html` and `toc`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: SafeHtml,
    pub headings: Vec<Heading>,
}

/// The Markdown dialect of posts: CommonMark plus GFM tables, footnotes, strikethrough, task lists,
/// smart punctuation and `{#id}` heading attributes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders untrusted Markdown to HTML that is safe to insert into the page.
pub fn render(markdown: &str, opts: &RenderOptions) -> Rendered {
    render_as(markdown, opts, false)
}

/// Renders a reader's comment: the same filter as posts, stricter still. Its links carry
/// [`COMMENT_REL`] (no weight for search engines, nothing told to the other site), an image
/// becomes its alt text (no tracking pixels, nothing fetched from elsewhere), a heading becomes a
/// paragraph (no heading outranks the post's, none takes an id), and footnotes stay text (their
/// ids would clash with the post's).
pub fn render_comment(markdown: &str, base_path: &str) -> Rendered {
    let opts = RenderOptions::for_site(base_path, BTreeMap::new());
    render_as(markdown, &opts, true)
}

fn render_as(markdown: &str, opts: &RenderOptions, comment: bool) -> Rendered {
    let dialect = if comment {
        options() - Options::ENABLE_FOOTNOTES - Options::ENABLE_HEADING_ATTRIBUTES
    } else {
        options()
    };
    // CommonMark asks for U+0000 to become U+FFFD "for security reasons"; pulldown-cmark leaves
    // it in, and a NUL in HTML is a parse error that browsers and sanitisers treat differently.
    let markdown: std::borrow::Cow<str> = if markdown.contains('\0') {
        markdown.replace('\0', "\u{FFFD}").into()
    } else {
        markdown.into()
    };
    let events: Vec<Event> = Parser::new_ext(&markdown, dialect).collect();
    let mut renderer = Renderer {
        comment,
        opts,
        events: &events,
        out: Vec::with_capacity(events.len()),
        headings: Vec::new(),
        used_ids: UsedIds::default(),
        open_links: Vec::new(),
        figure: None,
        heading_id: String::new(),
    };
    let mut i = 0;
    while i < events.len() {
        i = renderer.event(i) + 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, renderer.out.into_iter());
    let mut html = scrollers_focusable(alignment_as_classes(html));
    // A large site holds every post's HTML at once: without the room it grew into.
    html.shrink_to_fit();
    Rendered {
        html: SafeHtml(html),
        headings: renderer.headings,
    }
}

/// The safety filter: walks the parser's events and writes only events and tags it made itself.
struct Renderer<'a, 'e> {
    /// A reader's comment ([`render_comment`]) rather than the author's post.
    comment: bool,
    opts: &'a RenderOptions,
    events: &'a [Event<'e>],
    out: Vec<Event<'e>>,
    headings: Vec<Heading>,
    used_ids: UsedIds,
    /// Open links, innermost last: whether each one was kept (so its end tag is written or not).
    open_links: Vec<bool>,
    /// A paragraph holding only an image with a title becomes a figure, the title its caption:
    /// the index of the paragraph's end, and the caption to write there.
    figure: Option<(usize, String)>,
    /// The id of the heading being written, for its anchor link.
    heading_id: String,
}

impl<'e> Renderer<'_, 'e> {
    /// Writes event `i`; returns the index of the last event it consumed.
    fn event(&mut self, i: usize) -> usize {
        if self.figure.as_ref().is_some_and(|(end, _)| *end == i) {
            self.end_figure();
            return i;
        }
        match &self.events[i] {
            Event::Start(Tag::Heading { .. }) if self.comment => {
                self.out.push(Event::Start(Tag::Paragraph))
            }
            Event::End(TagEnd::Heading(_)) if self.comment => {
                self.out.push(Event::End(TagEnd::Paragraph))
            }
            Event::Start(Tag::Image { .. }) if self.comment => {
                let end = find_end(self.events, i);
                let alt = plain_text(&self.events[i + 1..end]);
                self.out.push(Event::Text(alt.into()));
                return end;
            }
            Event::Start(Tag::Paragraph) => self.start_paragraph(i),
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => self.start_heading(i, *level, id.as_deref(), classes),
            Event::End(TagEnd::Heading(level)) => self.end_heading(*level),
            // Raw HTML becomes visible text, never markup.
            Event::Html(raw) | Event::InlineHtml(raw) => self.out.push(Event::Text(raw.clone())),
            Event::Text(text) if !self.opts.highlight.is_empty() => self.marked_text(text),
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => self.start_link(dest_url, title),
            Event::End(TagEnd::Link) => {
                if self.open_links.pop() == Some(true) {
                    self.out.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => return self.image(i, dest_url, title),
            // The writer's checkbox has no name; screen readers would announce a bare "checkbox".
            Event::TaskListMarker(done) => self.out.push(Event::InlineHtml(
                if *done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                }
                .into(),
            )),
            other => self.out.push(other.clone()),
        }
        i
    }

    fn start_paragraph(&mut self, i: usize) {
        match figure_caption(self.events, i).filter(|_| !self.comment) {
            Some(caption) => {
                self.figure = Some((find_end(self.events, i), caption));
                self.out.push(Event::Html("<figure>".into()));
            }
            None => self.out.push(Event::Start(Tag::Paragraph)),
        }
    }

    fn end_figure(&mut self) {
        let (_, caption) = self.figure.take().expect("a figure is open");
        let mut html = String::from("<figcaption>");
        escape_attr(&mut html, &caption);
        html.push_str("</figcaption></figure>\n");
        self.out.push(Event::Html(html.into()));
    }

    /// A heading with an id unique in the post (the author's `{#id}`, else its text's slug).
    fn start_heading(
        &mut self,
        i: usize,
        level: HeadingLevel,
        id: Option<&str>,
        classes: &[CowStr<'e>],
    ) {
        let end = find_end(self.events, i);
        let text = plain_text(&self.events[i + 1..end]);
        let wanted = id
            .map(slugify)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slugify(&text));
        let id = unique_id(wanted, &mut self.used_ids);
        self.heading_id.clone_from(&id);
        self.headings.push(Heading {
            level: heading_number(level),
            id: id.clone(),
            text,
        });
        self.out.push(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            // Author classes are harmless words, but keep only word characters.
            classes: classes
                .iter()
                .filter(|c| c.chars().all(|ch| ch.is_alphanumeric() || ch == '-'))
                .cloned()
                .collect(),
            attrs: Vec::new(),
        }));
    }

    /// A link to the section, for readers who want to share it: pointer users see it on hover;
    /// keyboards and screen readers have the table of contents instead.
    fn end_heading(&mut self, level: HeadingLevel) {
        let mut html = String::from(" <a class=\"anchor\" href=\"#");
        escape_attr(&mut html, &self.heading_id);
        html.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
        self.out.push(Event::InlineHtml(html.into()));
        self.out.push(Event::End(TagEnd::Heading(level)));
    }

    /// Text with the words a reader searched for marked.
    fn marked_text(&mut self, text: &str) {
        for (run, marked) in crate::search::highlight(text, &self.opts.highlight) {
            if marked {
                self.out.push(Event::InlineHtml("<mark>".into()));
                self.out.push(Event::Text(run.into()));
                self.out.push(Event::InlineHtml("</mark>".into()));
            } else {
                self.out.push(Event::Text(run.into()));
            }
        }
    }

    /// A link whose URL passed the filter; otherwise its text stays and the link goes.
    fn start_link(&mut self, dest_url: &str, title: &str) {
        let url = match self.opts.files.get(dest_url) {
            // A file of the site: its published copy, with the fragment written (`#page=2`).
            Some(src) => {
                let fragment = dest_url.find('#').map_or("", |i| &dest_url[i..]);
                let opts = self.opts;
                Some(format!(
                    "{}{}{src}{fragment}",
                    opts.origin, opts.media_prefix
                ))
            }
            None => resolve_url(dest_url, self.opts, false),
        };
        self.open_links.push(url.is_some());
        let Some(url) = url else { return };
        let mut tag = String::from("<a href=\"");
        escape_attr(&mut tag, &url);
        tag.push('"');
        if !title.is_empty() {
            tag.push_str(" title=\"");
            escape_attr(&mut tag, title);
            tag.push('"');
        }
        if self.comment {
            tag.push_str(" rel=\"");
            tag.push_str(COMMENT_REL);
            tag.push('"');
        } else if is_web(&url) {
            // Readers of this blog may need privacy: never tell other sites where they came from.
            tag.push_str(" rel=\"noopener noreferrer\"");
        }
        tag.push('>');
        self.out.push(Event::InlineHtml(tag.into()));
    }

    /// An image (the builder's copy when there is one, with its size), or its alt text when its
    /// URL did not pass the filter. Returns the index of the image's end.
    fn image(&mut self, i: usize, dest_url: &str, title: &str) -> usize {
        let end = find_end(self.events, i);
        let alt = plain_text(&self.events[i + 1..end]);
        let opts = self.opts;
        if opts.withhold_images {
            let mut note = String::from("<span class=\"photo-withheld\">Photo not published: ");
            escape_attr(&mut note, &alt);
            note.push_str("</span>");
            self.out.push(Event::InlineHtml(note.into()));
            return end;
        }
        let copied = opts.images.get(dest_url);
        let src = match copied {
            Some(image) => Some(format!("{}{}{}", opts.origin, opts.media_prefix, image.src)),
            None => resolve_url(dest_url, opts, true),
        };
        let Some(src) = src else {
            self.out.push(Event::Text(alt.into()));
            return end;
        };
        let mut tag = String::new();
        let placeholder = copied.and_then(|c| c.placeholder.as_deref());
        let size = copied.and_then(|c| Some((c.width?, c.height?)));
        // The placeholder sits under the photo, in the same box, until the photo covers it.
        if let Some(placeholder) = placeholder {
            tag.push_str("<span class=\"photo\"><img class=\"photo-placeholder\" src=\"");
            escape_attr(&mut tag, placeholder);
            tag.push_str("\" alt=\"\"");
            push_size(&mut tag, size);
            tag.push('>');
        }
        let prefix = format!("{}{}", opts.origin, opts.media_prefix);
        let formats = copied.map(ImageRef::formats).unwrap_or_default();
        if let (Some(image), Some((last, modern))) = (copied, formats.split_last()) {
            tag.push_str("<picture>");
            for format in modern {
                tag.push_str(&format!("<source type=\"image/{format}\" srcset=\""));
                escape_attr(&mut tag, &image.srcset(format, &prefix));
                tag.push_str(&format!("\" sizes=\"{IMAGE_SIZES}\">"));
            }
            self.img(&mut tag, &src, &alt, title, size);
            tag.push_str(" srcset=\"");
            escape_attr(&mut tag, &image.srcset(last, &prefix));
            tag.push_str(&format!("\" sizes=\"{IMAGE_SIZES}\">"));
            tag.push_str("</picture>");
        } else {
            self.img(&mut tag, &src, &alt, title, size);
            tag.push('>');
        }
        if placeholder.is_some() {
            tag.push_str("</span>");
        }
        self.out.push(Event::InlineHtml(tag.into()));
        end
    }

    /// An `<img` tag without its closing `>`: source, alt text, title (unless it is the
    /// figure's caption, shown once), size, and lazy loading.
    fn img(&self, tag: &mut String, src: &str, alt: &str, title: &str, size: Option<(u32, u32)>) {
        tag.push_str("<img src=\"");
        escape_attr(tag, src);
        tag.push_str("\" alt=\"");
        escape_attr(tag, alt);
        tag.push('"');
        if !title.is_empty() && self.figure.is_none() {
            tag.push_str(" title=\"");
            escape_attr(tag, title);
            tag.push('"');
        }
        push_size(tag, size);
        tag.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
}

/// Lets the page reserve an image's space before it arrives.
fn push_size(tag: &mut String, size: Option<(u32, u32)>) {
    if let Some((w, h)) = size {
        tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
}

/// Table column alignment as classes: the page's Content-Security-Policy refuses inline styles.
/// Only the HTML writer emits `style="` (raw HTML from the author was escaped to text above).
fn alignment_as_classes(html: String) -> String {
    if !html.contains(" style=\"text-align: ") {
        return html;
    }
    html.replace(" style=\"text-align: left\"", " class=\"align-left\"")
        .replace(" style=\"text-align: center\"", " class=\"align-center\"")
        .replace(" style=\"text-align: right\"", " class=\"align-right\"")
}

/// The caption of a paragraph (starting at `start`) that holds nothing but one titled image.
fn figure_caption(events: &[Event], start: usize) -> Option<String> {
    let Some(Event::Start(Tag::Image { title, .. })) = events.get(start + 1) else {
        return None;
    };
    let image_end = find_end(events, start + 1);
    let only_image = matches!(
        events.get(image_end + 1),
        Some(Event::End(TagEnd::Paragraph))
    );
    (only_image && !title.trim().is_empty()).then(|| title.to_string())
}

/// Code blocks and tables scroll sideways on narrow screens: `tabindex` lets a keyboard reach and
/// scroll them. Only the HTML writer emits these tags (the author's raw HTML became text above).
fn scrollers_focusable(html: String) -> String {
    if !html.contains("<pre>") && !html.contains("<table>") {
        return html;
    }
    html.replace("<pre>", "<pre tabindex=\"0\">")
        .replace("<table>", "<table tabindex=\"0\">")
}

/// Index of the `End` event matching the `Start` event at `start`.
fn find_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The readable text of a run of events (headings, alt text, summaries).
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// A URL-safe anchor from heading text, in any script: letters and digits kept (lower-cased),
/// runs of anything else become one `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for ch in text.chars() {
        // Combining marks carry Khmer, Thai and Devanagari vowels: they belong to the word.
        if matches!(
            text::class(ch),
            Class::Letter | Class::Unspaced(_) | Class::Mark | Class::Diacritic
        ) {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(ch.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Heading ids given so far, and for each id asked for, the next number to try after it.
#[derive(Default)]
struct UsedIds {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

/// `wanted` (or `section`), or else the first of `wanted-1`, `wanted-2`… not yet taken. Each
/// base remembers where its numbers reached: trying from 1 every time made 16,000 headings with
/// the same text cost 10 s optimised (49 s in a debug build), a post that would freeze the
/// reader's tab (quadratic; `bench/robustness.md`).
fn unique_id(wanted: String, used: &mut UsedIds) -> String {
    let base = if wanted.is_empty() {
        "section".to_string()
    } else {
        wanted
    };
    if used.taken.insert(base.clone()) {
        return base;
    }
    let n = used.next.entry(base.clone()).or_insert(1);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if used.taken.insert(id.clone()) {
            return id;
        }
    }
}

/// Whether a URL may be used, and what it becomes: `None` for a refused scheme.
fn resolve_url(url: &str, opts: &RenderOptions, is_image: bool) -> Option<String> {
    // Browsers ignore ASCII tabs and newlines inside URLs, so `java\tscript:` must be seen as a scheme.
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    if let Some(scheme) = scheme_of(&compact) {
        let allowed: &[&str] = if is_image {
            &["http", "https"]
        } else {
            &["http", "https", "mailto"]
        };
        return allowed
            .contains(&scheme.to_ascii_lowercase().as_str())
            .then(|| url.trim().to_string());
    }
    let url = url.trim();
    if url.starts_with("//") {
        // Protocol-relative: another host in disguise. Treat it as https.
        return Some(format!("https:{url}"));
    }
    if let Some(rest) = url.strip_prefix('/') {
        return Some(format!(
            "{}{}{rest}",
            opts.origin,
            with_slashes(&opts.base_path)
        ));
    }
    if is_image && !url.is_empty() && !url.starts_with(['#', '?']) {
        return Some(format!(
            "{}{}{}",
            opts.origin,
            opts.media_prefix,
            url.trim_start_matches("./")
        ));
    }
    Some(url.to_string())
}

/// The scheme of an absolute URL (`https` of `https://…`), if it has one.
fn scheme_of(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // `a/b:c` or `?x:y` are relative paths with a colon later on.
    valid.then_some(scheme)
}

/// An `http` or `https` URL: a link to another site.
fn is_web(url: &str) -> bool {
    scheme_of(url)
        .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
}

/// `blog` → `/blog/`; `/` stays `/`.
pub fn with_slashes(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

fn escape_attr(out: &mut String, value: &str) {
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Escapes text for HTML element content or attributes.
pub fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_attr(&mut out, value);
    out
}

/// What the builder needs to know about a post body, from one pass of the parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// The visible text, without markup (for word counts).
    pub text: String,
    /// The first paragraph of prose as plain text (for a default summary): the first one that is
    /// not mostly links or code, else the first one.
    pub first_paragraph: String,
    /// Link destinations with the byte offset of their link in the body.
    pub links: Vec<(String, usize)>,
    /// Image sources with the byte offset of their image in the body.
    pub images: Vec<(String, usize)>,
    /// Those of them with no alt text (`![](photo.jpg)`): a reader who cannot see them is told
    /// nothing.
    pub unlabelled: Vec<(String, usize)>,
}

/// Reads a Markdown body once for its text, first paragraph, links and images.
pub fn analyze(markdown: &str) -> Analysis {
    let mut a = Analysis::default();
    let mut paragraph: Option<String> = None;
    let mut first_done = false;
    // Of the paragraph being read: the characters of its text inside links or code.
    let mut linked = 0usize;
    let mut in_link = 0usize;
    // The image being read: its source, place and alt text so far.
    let mut image: Option<(String, usize, String)> = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, _, alt)) = image.as_mut() {
                    alt.push_str(t);
                }
                a.text.push_str(t);
                if let Some(p) = paragraph.as_mut() {
                    p.push_str(t);
                    if in_link > 0 || matches!(event, Event::Code(_)) {
                        linked += t.chars().count();
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                a.text.push(' ');
                if let Some(p) = paragraph.as_mut() {
                    p.push(' ');
                }
            }
            Event::Start(Tag::Paragraph) if !first_done => {
                paragraph = Some(String::new());
                linked = 0;
            }
            Event::End(TagEnd::Paragraph) => {
                a.text.push('\n');
                if let Some(p) = paragraph.take() {
                    let p = p.trim();
                    // A paragraph of download links or of code says little of the post: the
                    // next one is the summary, and this one only when no other comes.
                    let prose = linked * 2 <= p.chars().count();
                    if !p.is_empty() && (prose || a.first_paragraph.is_empty()) {
                        a.first_paragraph = p.to_string();
                        first_done = prose;
                    }
                }
            }
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => a.text.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                in_link += 1;
                a.links.push((dest_url.to_string(), range.start))
            }
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::Image { dest_url, .. }) => {
                a.images.push((dest_url.to_string(), range.start));
                image = Some((dest_url.to_string(), range.start, String::new()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((url, offset, alt)) = image.take() {
                    if alt.trim().is_empty() {
                        a.unlabelled.push((url, offset));
                    }
                }
            }
            _ => {}
        }
    }
    a
}

/// The visible text of a Markdown document, without markup (for summaries and word counts).
pub fn to_plain_text(markdown: &str) -> String {
    analyze(markdown).text
}

/// The first paragraph of a Markdown document as plain text, for a summary.
pub fn first_paragraph(markdown: &str) -> String {
    analyze(markdown).first_paragraph
}

/// Word count that is fair to every script: runs of letters count as words in scripts written
/// with spaces; in scripts written without them (Thai, Lao, Khmer, Burmese, Chinese, Japanese)
/// letters and their marks are converted to word equivalents. What is which comes from
/// [`crate::text`], the table search tokenizes with, so both see the same words.
pub fn word_count(text: &str) -> usize {
    let mut words = 0usize;
    let mut in_word = false;
    let mut ideographic = 0usize;
    let mut syllabic = 0usize;
    // The kind of unspaced letter just read, whose marks count with it.
    let mut after: Option<Unspaced> = None;
    let mut count = |kind: Unspaced| match kind {
        Unspaced::Ideographic => ideographic += 1,
        Unspaced::Syllabic => syllabic += 1,
    };
    for ch in text.chars() {
        match text::class(ch) {
            Class::Letter => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
                after = None;
            }
            Class::Unspaced(kind) => {
                count(kind);
                in_word = false;
                after = Some(kind);
            }
            // Inside a word, part of it; after an unspaced letter, counted with it.
            Class::Mark | Class::Diacritic => {
                if let Some(kind) = after {
                    count(kind);
                }
            }
            // Joins the parts of a word, never starts one.
            Class::Apostrophe => after = None,
            Class::Separator => {
                in_word = false;
                after = None;
            }
        }
    }
    // A Chinese or Japanese word averages under two characters; a Thai or Khmer word about five.
    words + ideographic.div_ceil(2) + syllabic.div_ceil(5)
}

/// `text` cut after about `words` words (counted as [`word_count`] does, so a Khmer or Chinese
/// text is cut at the same length in word equivalents), at the end of a word or of a letter with
/// its marks, with "…" after it; `text` itself when it is no longer.
pub fn capped(text: &str, words: usize) -> String {
    // In tenths of a word: a word of a spaced script is 10, a Chinese or Japanese character 5, a
    // Thai or Khmer letter 2 (as `word_count` rounds them).
    let limit = words * 10;
    let unit = |kind: Unspaced| match kind {
        Unspaced::Ideographic => 5,
        Unspaced::Syllabic => 2,
    };
    let mut units = 0;
    let mut in_word = false;
    // The kind of unspaced letter just read: its marks count with it, as in `word_count`.
    let mut after: Option<Unspaced> = None;
    let mut previous = ' ';
    for (at, ch) in text.char_indices() {
        let class = text::class(ch);
        let (starts, adds) = match class {
            Class::Letter if !in_word => (true, 10),
            Class::Unspaced(kind) => (true, unit(kind)),
            Class::Mark | Class::Diacritic => (false, after.map_or(0, unit)),
            _ => (false, 0),
        };
        // A letter stacked under the one before (Khmer coeng, Burmese virama) is part of it.
        let stacked = matches!(previous, '\u{17D2}' | '\u{1039}');
        if starts && !stacked && units + adds > limit {
            let kept = text[..at]
                .trim_end()
                .trim_end_matches([',', ';', ':', '(', '-', '–', '—']);
            return format!("{}…", kept.trim_end());
        }
        units += adds;
        match class {
            Class::Letter => {
                in_word = true;
                after = None;
            }
            Class::Unspaced(kind) => {
                in_word = false;
                after = Some(kind);
            }
            Class::Apostrophe => after = None,
            Class::Separator => {
                in_word = false;
                after = None;
            }
            Class::Mark | Class::Diacritic => {}
        }
        previous = ch;
    }
    text.to_string()
}

/// Minutes to read a Markdown document, at 220 words a minute, never less than one.
pub fn reading_minutes(markdown: &str) -> u32 {
    minutes_for_text(&to_plain_text(markdown))
}

/// Minutes to read plain text, at 220 words a minute, never less than one.
pub fn minutes_for_text(text: &str) -> u32 {
    (word_count(text).div_ceil(220)).max(1) as u32
}

/// Writes `n` with a unit that agrees with it ("1 min read", "4 min read").
pub fn reading_label(s: crate::model::strings::Strings, minutes: u32) -> String {
    s.count(crate::model::strings::S::min_read, minutes.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(
            md,
            &RenderOptions {
                base_path: "/".into(),
                origin: String::new(),
                media_prefix: "/data/".into(),
                images: BTreeMap::new(),
                files: BTreeMap::new(),
                highlight: vec![],
                withhold_images: false,
            },
        )
        .html
        .into_string()
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let out = html("Hello <script>alert(1)</script>\n\n<div onclick=\"x()\">block</div>\n");
        assert!(!out.contains("<script"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(!out.contains("<div"), "{out}");
        assert!(out.contains("&lt;div onclick"), "{out}");
    }

    #[test]
    fn dangerous_link_schemes_are_dropped_but_text_kept() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "&#106;avascript:alert(1)",
            "vbscript:x",
            "data:text/html,<script>alert(1)</script>",
        ] {
            let out = html(&format!("[click me]({url})"));
            assert!(!out.contains("<a"), "{url}: {out}");
            assert!(out.contains("click me"), "{url}: {out}");
        }
        let out = html("<javascript:alert(1)>");
        assert!(!out.contains("href"), "{out}");
        let out = html("![pic](javascript:alert(1))");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("pic"), "{out}");
    }

    #[test]
    fn safe_links_are_kept_with_privacy_for_external_ones() {
        let out = html("[a](https://example.org/x?a=1&b=\"2\") [b](/posts/day-2) [c](mailto:m@example.org) [d](#notes)");
        assert!(out.contains(r#"<a href="https://example.org/x?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer">a</a>"#), "{out}");
        assert!(out.contains(r#"<a href="/posts/day-2">b</a>"#), "{out}");
        assert!(
            out.contains(r#"<a href="mailto:m@example.org">c</a>"#),
            "{out}"
        );
        assert!(out.contains(r##"<a href="#notes">d</a>"##), "{out}");
    }

    #[test]
    fn base_path_and_media_prefix_apply_to_relative_urls() {
        let out = render(
            "[home](/posts/a) ![map](media/map.svg \"The route\")",
            &RenderOptions {
                base_path: "/blog/".into(),
                origin: String::new(),
                media_prefix: "/blog/data/".into(),
                images: BTreeMap::new(),
                files: BTreeMap::new(),
                highlight: vec![],
                withhold_images: false,
            },
        )
        .html
        .into_string();
        assert!(out.contains(r#"href="/blog/posts/a""#), "{out}");
        assert!(
            out.contains(r#"<img src="/blog/data/media/map.svg" alt="map" title="The route" loading="lazy" decoding="async">"#),
            "{out}"
        );
    }

    #[test]
    fn an_origin_makes_site_urls_absolute_for_feeds() {
        let out = render(
            "[home](/posts/a) [out](https://example.com/x) [here](#notes) ![map](media/map.svg)",
            &RenderOptions {
                origin: "https://notes.example.org".into(),
                ..RenderOptions::for_site("/blog/", BTreeMap::new())
            },
        )
        .html
        .into_string();
        assert!(
            out.contains(r#"href="https://notes.example.org/blog/posts/a""#),
            "{out}"
        );
        assert!(out.contains(r#"href="https://example.com/x""#), "{out}");
        assert!(out.contains(r##"href="#notes""##), "{out}");
        assert!(
            out.contains(r#"src="https://notes.example.org/blog/data/media/map.svg""#),
            "{out}"
        );
    }

    #[test]
    fn photos_with_variants_are_pictures_with_a_placeholder_under_them() {
        use crate::model::Variant;
        let variant = |width: u32, format: &str| Variant {
            src: format!("media/boat-{width}.h.{format}"),
            width,
            format: format.into(),
            bytes: 1,
        };
        let images = BTreeMap::from([(
            "boat.jpg".to_string(),
            ImageRef {
                src: "media/boat-800.h.jpeg".into(),
                width: Some(800),
                height: Some(600),
                variants: vec![
                    variant(480, "jpeg"),
                    variant(800, "jpeg"),
                    variant(480, "webp"),
                    variant(800, "webp"),
                ],
                placeholder: Some("data:image/webp;base64,UklGRg==".into()),
            },
        )]);
        let out = render(
            "![A boat](boat.jpg \"At dawn\")",
            &RenderOptions::for_site("/blog/", images),
        )
        .html
        .into_string();
        let expected = concat!(
            r#"<figure><span class="photo"><img class="photo-placeholder" src="data:image/webp;base64,UklGRg==" alt="" width="800" height="600">"#,
            r#"<picture><source type="image/webp" srcset="/blog/data/media/boat-480.h.webp 480w, /blog/data/media/boat-800.h.webp 800w" sizes="(min-width: 42rem) 40rem, 100vw">"#,
            r#"<img src="/blog/data/media/boat-800.h.jpeg" alt="A boat" width="800" height="600" loading="lazy" decoding="async" srcset="/blog/data/media/boat-480.h.jpeg 480w, /blog/data/media/boat-800.h.jpeg 800w" sizes="(min-width: 42rem) 40rem, 100vw"></picture></span>"#,
            r#"<figcaption>At dawn</figcaption></figure>"#,
        );
        assert!(out.contains(expected), "{out}");
    }

    #[test]
    fn copied_images_use_their_hashed_name_and_size() {
        let mut images = BTreeMap::new();
        images.insert(
            "media/map.svg".to_string(),
            ImageRef {
                src: "media/map.0123456789abcdef.svg".into(),
                width: Some(800),
                height: Some(450),
                ..ImageRef::default()
            },
        );
        let out = render(
            "![map](media/map.svg)",
            &RenderOptions {
                base_path: "/".into(),
                origin: String::new(),
                media_prefix: "/data/".into(),
                images,
                files: BTreeMap::new(),
                highlight: vec![],
                withhold_images: false,
            },
        )
        .html
        .into_string();
        assert!(
            out.contains(r#"<img src="/data/media/map.0123456789abcdef.svg" alt="map" width="800" height="450" loading="lazy""#),
            "{out}"
        );
    }

    #[test]
    fn attribute_injection_through_alt_or_title_is_escaped() {
        let out = html("![x\" onerror=\"alert(1)](a.png \"t\\\" onload=\\\"y\")");
        assert!(!out.contains("\" onerror"), "{out}");
        assert!(!out.contains("\" onload"), "{out}");
    }

    #[test]
    fn gfm_features_render() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\" it's -- done...\n\n- [x] packed\n- [ ] tickets\n\nNote[^1].\n\n[^1]: The footnote.\n",
        );
        assert!(
            out.contains("<table tabindex=\"0\">") && out.contains("<td>1</td>"),
            "{out}"
        );
        let aligned = html("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
        assert!(!aligned.contains("style="), "{aligned}");
        assert!(aligned.contains(r#"<td class="align-left">1</td><td class="align-center">2</td><td class="align-right">3</td>"#), "{aligned}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(
            out.contains("“quoted”")
                && out.contains("it’s")
                && out.contains("–")
                && out.contains("…"),
            "{out}"
        );
        assert!(
            out.contains(r#"<input type="checkbox" disabled checked aria-label="Done">"#),
            "{out}"
        );
        assert!(
            out.contains("footnote-reference") && out.contains("The footnote."),
            "{out}"
        );
    }

    #[test]
    fn headings_get_unique_ids_in_any_script() {
        let r = render(
            "# Day one\n## Day one\n## ផ្សារ ថ្មី\n## Custom {#my-id}\n## `code` & more!\n",
            &RenderOptions::default(),
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["day-one", "day-one-1", "ផ្សារ-ថ្មី", "my-id", "code-more"]
        );
        assert!(
            r.html.as_str().contains(r##"<h2 id="day-one-1">Day one <a class="anchor" href="#day-one-1" aria-hidden="true" tabindex="-1">#</a></h2>"##),
            "{}",
            r.html
        );
        assert_eq!(r.headings[0].level, 1);
        assert_eq!(r.headings[2].text, "ផ្សារ ថ្មី");
    }

    #[test]
    fn heading_attribute_ids_cannot_inject_markup() {
        let r = render("## Hi {#a\"onmouseover=x}\n", &RenderOptions::default());
        assert!(!r.html.as_str().contains("\"onmouseover"), "{}", r.html);
    }

    #[test]
    fn word_count_is_fair_to_every_script() {
        assert_eq!(word_count("The river was high, wasn't it?"), 6);
        // Five Thai characters count as one word; two Han characters as one.
        assert_eq!(word_count("ตลาดน้ำ"), 2);
        assert_eq!(word_count("市场很大"), 2);
        assert_eq!(word_count("ផ្សារ market"), 2);
        assert_eq!(reading_minutes(&"word ".repeat(440)), 2);
        assert_eq!(reading_minutes(""), 1);
    }

    #[test]
    fn a_summary_skips_a_paragraph_of_links_or_code_and_is_capped_at_a_word() {
        let a = analyze(
            "[Download](https://e.org/a.zip) · [Checksums](https://e.org/s)\n\n`cargo install x`\n\nThis release fixes the [importer](/posts/i).\n",
        );
        assert_eq!(a.first_paragraph, "This release fixes the importer.");
        assert_eq!(
            analyze("[Only](https://e.org) [links](https://e.org/b)\n").first_paragraph,
            "Only links",
            "the first paragraph when no other comes"
        );
        let long = "word ".repeat(60) + "end.";
        let cut = capped(&long, 55);
        assert_eq!(cut, format!("{}…", "word ".repeat(55).trim_end()));
        assert_eq!(capped("Short, and whole.", 55), "Short, and whole.");
        assert_eq!(
            capped("one two, three", 2),
            "one two…",
            "no comma before the ellipsis"
        );
        // Khmer is cut at the same length in word equivalents (5 letters a word), never between a
        // letter and the one stacked under it.
        let khmer = "សួស្តី".repeat(40);
        let cut = capped(&khmer, 10);
        let kept = cut.trim_end_matches('…');
        assert!(khmer.starts_with(kept) && kept.len() < khmer.len(), "{cut}");
        assert!(!kept.ends_with('\u{17D2}'), "{cut}");
        assert!(word_count(kept) <= 11, "{}", word_count(kept));
        let chinese = "我们在河边走了很久".repeat(20);
        assert_eq!(
            capped(&chinese, 10).chars().count(),
            21,
            "20 characters and the ellipsis"
        );
    }

    #[test]
    fn summaries_come_from_the_first_paragraph() {
        assert_eq!(
            first_paragraph("## Title\n\nFirst *para*\ngoes on.\n\nSecond."),
            "First para goes on."
        );
        assert_eq!(to_plain_text("# A\n\nb **c**"), "A\nb c\n");
        let a = analyze("Hi [x](/posts/a) ![m](media/m.svg)\n\n[y](https://e.org)");
        assert_eq!(
            a.links,
            [
                ("/posts/a".to_string(), 3),
                ("https://e.org".to_string(), 36)
            ]
        );
        assert_eq!(a.images, [("media/m.svg".to_string(), 17)]);
        assert_eq!(a.first_paragraph, "Hi x m");
    }

    #[test]
    fn a_lone_titled_image_is_a_figure_with_its_title_as_caption() {
        let r = render(
            "Before.\n\n![Boats at the pier](pier.jpg \"Morning at the <pier>\")\n\nAfter ![inline](a.png \"tip\") text.\n\n![no title](b.png)\n",
            &RenderOptions::default(),
        );
        assert!(
            r.html.as_str().contains(r#"<figure><img src="pier.jpg" alt="Boats at the pier" loading="lazy" decoding="async"><figcaption>Morning at the &lt;pier&gt;</figcaption></figure>"#),
            "{}",
            r.html
        );
        // An image inside text, or without a title, stays an image in its paragraph.
        assert!(
            r.html
                .as_str()
                .contains(r#"<p>After <img src="a.png" alt="inline" title="tip""#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .as_str()
                .contains(r#"<p><img src="b.png" alt="no title""#),
            "{}",
            r.html
        );
        assert_eq!(r.html.as_str().matches("<figure>").count(), 1);
        assert_eq!(r.html.as_str().matches("</p>").count(), 3);
    }

    #[test]
    fn task_boxes_are_named_and_scrolling_blocks_reachable_by_keyboard() {
        let r = render(
            "- [x] bought tickets\n- [ ] packed\n\n```rust\nfn a() {}\n```\n\n| a |\n|---|\n| 1 |\n",
            &RenderOptions::default(),
        );
        assert!(
            r.html.as_str().contains(
                r#"<input type="checkbox" disabled checked aria-label="Done"> bought tickets"#
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .as_str()
                .contains(r#"<input type="checkbox" disabled aria-label="Not done"> packed"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .as_str()
                .contains(r#"<pre tabindex="0"><code class="language-rust">"#),
            "{}",
            r.html
        );
        assert!(
            r.html.as_str().contains(r#"<table tabindex="0">"#),
            "{}",
            r.html
        );
        assert_eq!(r.html.as_str().matches("<input").count(), 2);
    }

    #[test]
    fn search_terms_are_marked_in_text_never_in_markup() {
        let opts = RenderOptions {
            highlight: vec!["river".into(), "cafe".into()],
            ..RenderOptions::default()
        };
        let r = render(
            "The River <b>river</b> and a [café](/river) by the riverside.",
            &opts,
        );
        assert!(
            r.html.as_str().contains(r#"<p>The <mark>River</mark> &lt;b&gt;<mark>river</mark>&lt;/b&gt; and a <a href="/river"><mark>café</mark></a> by the riverside.</p>"#),
            "{}",
            r.html
        );
    }
    #[test]
    fn hostile_comments_are_inert() {
        let hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
            [click](javascript:alert(3)) [also](JaVa\tScript:alert(4))\n\n\
            ![pixel](https://evil.example/track.gif) ![](https://evil.example/blank.gif)\n\n\
            [[x]](https://spam.example/) <a href=\"https://spam.example/\">raw</a>\n\n\
            # Shouting\n\n[^1]\n\n[^1]: note\n";
        let html = render_comment(hostile, "/").html.into_string();
        for refused in [
            "<script",
            "<img",
            "onerror=\"",
            "<a href=\"javascript",
            "<h1",
            "id=\"",
            "evil.example",
            "<sup",
        ] {
            assert!(!html.contains(refused), "{refused} in {html}");
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("pixel"),
            "an image becomes its alt text: {html}"
        );
        assert!(
            html.contains(
                "<a href=\"https://spam.example/\" rel=\"nofollow ugc noopener noreferrer\">"
            ),
            "{html}"
        );
        assert!(
            html.contains("<p>Shouting</p>"),
            "a heading is a paragraph: {html}"
        );
        assert!(html.contains("&lt;a href="), "raw links stay text: {html}");
        // Site links too: whatever a commenter links to earns nothing from the site.
        let local = render_comment("[day 1](/posts/day-01/) ![t](a.png \"T\")", "/blog/")
            .html
            .into_string();
        assert_eq!(
            local,
            "<p><a href=\"/blog/posts/day-01/\" rel=\"nofollow ugc noopener noreferrer\">day 1</a> t</p>\n"
        );
    }
}
