//! Posts written in MDX (Docusaurus, Next.js, Astro), read as the Markdown they mostly are.
//!
//! The body is parsed as MDX (by `markdown`, the parser that follows the MDX grammar), so code
//! blocks, inline code and quoted attributes are never mistaken for JSX. Then:
//! - `import` and `export` statements are dropped;
//! - a JSX element's tags are dropped and the text between them kept (`<Tabs><TabItem>Hi</TabItem>`
//!   → `Hi`), its content moved back to where Markdown expects it, since MDX lets authors indent
//!   the inside of a component. In MDX, HTML is JSX too: `<a href>`, `<img src>` and `<br/>`
//!   become their Markdown; other HTML tags go like a component's (posts show no raw HTML);
//! - `{…}` expressions are dropped (comments, `{/* … */}`, without a word); a string, `{' '}`,
//!   is its text, and a heading's `{#id}` stays, as Markdown here reads it too.
//!
//! What was dropped is reported once per file. A body that is not valid MDX (many `.mdx` files
//! are plain Markdown with a `<` or `{` in their text) is read with only its top-level
//! `import`/`export` lines dropped, and the parser's complaint reported.

use markdown::mdast::{AttributeContent, AttributeValue, Node};
use markdown::{Constructs, ParseOptions};

/// A body made Markdown, and what was taken out of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Converted {
    pub body: String,
    /// The names of the components whose tags were dropped, in order of first use, once each
    /// (`<>` fragments are unnamed and not listed).
    pub components: Vec<String>,
    /// How many JavaScript expressions (`{…}`, not comments) were dropped.
    pub expressions: usize,
    /// How many `import`/`export` statements were dropped.
    pub statements: usize,
    /// When the body was not valid MDX: the parser's message and its (line, column) in the body.
    pub not_mdx: Option<(String, usize, usize)>,
}

impl Converted {
    /// One sentence for the author about what was dropped, if anything.
    pub fn report(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.components.is_empty() {
            let names: Vec<String> = self.components.iter().map(|n| format!("<{n}>")).collect();
            parts.push(format!(
                "the tags of {} (their text kept)",
                names.join(", ")
            ));
        }
        if self.expressions > 0 {
            parts.push(plural(self.expressions, "JavaScript expression"));
        }
        if self.statements > 0 {
            parts.push(plural(self.statements, "import/export statement"));
        }
        (!parts.is_empty()).then(|| format!("MDX: dropped {}", parts.join(", ")))
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Reads an MDX body as Markdown.
pub fn convert(body: &str) -> Converted {
    let constructs = Constructs {
        gfm_autolink_literal: true,
        gfm_footnote_definition: true,
        gfm_label_start_footnote: true,
        gfm_strikethrough: true,
        gfm_table: true,
        gfm_task_list_item: true,
        ..Constructs::mdx()
    };
    let options = ParseOptions {
        constructs,
        mdx_esm_parse: Some(Box::new(esm_signal)),
        ..ParseOptions::default()
    };
    // MDX refuses HTML comments, which many MDX sites still hold (their tools strip them first):
    // each one the parser stops at is blanked, lines kept, and the body parsed again.
    let mut text = std::borrow::Cow::Borrowed(body);
    let parsed = loop {
        match markdown::to_mdast(&text, &options) {
            Err(message) => match comment_at(&text, &message) {
                Some((start, end)) => {
                    let blanked: String = text[start..end]
                        .chars()
                        .map(|c| if c == '\n' { '\n' } else { ' ' })
                        .collect();
                    text.to_mut().replace_range(start..end, &blanked);
                }
                None => break Err(message),
            },
            Ok(tree) => break Ok(tree),
        }
    };
    let body = text.as_ref();
    match parsed {
        Ok(tree) => {
            let mut edits = Edits::new(body);
            let mut out = Converted::default();
            edits.walk(&tree, &mut out);
            out.body = edits.apply();
            out
        }
        Err(message) => {
            let (line, column) = message
                .place
                .as_deref()
                .map_or((1, 1), |place| match place {
                    markdown::message::Place::Point(p) => (p.line, p.column),
                    markdown::message::Place::Position(p) => (p.start.line, p.start.column),
                });
            let (body, statements) = without_statement_lines(body);
            Converted {
                body,
                statements,
                not_mdx: Some((message.reason.clone(), line, column)),
                ..Converted::default()
            }
        }
    }
}

/// The HTML comment (`<!-- … -->`, its byte range) where the parser stopped, if it stopped at one.
fn comment_at(text: &str, message: &markdown::message::Message) -> Option<(usize, usize)> {
    let offset = match message.place.as_deref()? {
        markdown::message::Place::Point(p) => p.offset,
        markdown::message::Place::Position(p) => p.start.offset,
    };
    let start = (offset.saturating_sub(2)..=offset)
        .find(|&i| text.get(i..).is_some_and(|t| t.starts_with("<!--")))?;
    let end = text[start..]
        .find("-->")
        .map_or(text.len(), |e| start + e + 3);
    Some((start, end))
}

/// Whether an `import`/`export` block is whole: the parser asks, as it needs a JavaScript
/// grammar to know; brackets closed is as much as dropping it needs.
fn esm_signal(text: &str) -> markdown::MdxSignal {
    if brace_balance(text) > 0 {
        markdown::MdxSignal::Eof(
            "an unclosed bracket".into(),
            Box::new("fieldnotes".into()),
            Box::new("esm".into()),
        )
    } else {
        markdown::MdxSignal::Ok
    }
}

/// Which bytes of the body stay.
struct Edits<'a> {
    text: &'a str,
    keep: Vec<bool>,
    /// Markdown written in place of a tag: (byte offset, text).
    inserts: Vec<(usize, String)>,
}

impl<'a> Edits<'a> {
    fn new(text: &'a str) -> Self {
        Edits {
            text,
            keep: vec![true; text.len()],
            inserts: Vec::new(),
        }
    }

    fn drop(&mut self, start: usize, end: usize) {
        let end = end.min(self.keep.len());
        for k in &mut self.keep[start.min(end)..end] {
            *k = false;
        }
    }

    /// Drops a statement, a flow expression or a block's tag, but not its line breaks, so the
    /// lines of the body keep their numbers (warnings name the line of the file).
    fn drop_flow(&mut self, start: usize, end: usize) {
        let end = end.min(self.keep.len());
        for i in start.min(end)..end {
            self.keep[i] = self.text.as_bytes()[i] == b'\n';
        }
    }

    fn walk(&mut self, node: &Node, out: &mut Converted) {
        let span = node.position().map(|p| (p.start.offset, p.end.offset));
        match (node, span) {
            (Node::MdxjsEsm(esm), Some((start, end))) => {
                let lines = esm.value.lines();
                out.statements += lines
                    .filter(|l| l.starts_with("import") || l.starts_with("export"))
                    .count()
                    .max(1);
                self.drop_flow(start, end);
            }
            (Node::MdxFlowExpression(e), Some((start, end))) => {
                out.expressions += usize::from(!is_comment(&e.value));
                self.drop_flow(start, end);
            }
            // `{#id}` after a heading: the heading's id, which Markdown here reads too.
            (Node::MdxTextExpression(e), Some(_)) if is_heading_id(&e.value) => {}
            (Node::MdxTextExpression(e), Some((start, end))) => match string_literal(&e.value) {
                // `{' '}`, `{"text"}`: JSX's way to write text; the text stays.
                Some(inner) => {
                    let at = self.text[start..end].find(inner).map_or(end, |i| start + i);
                    self.drop(start, at);
                    self.drop(at + inner.len(), end);
                }
                None => {
                    out.expressions += usize::from(!is_comment(&e.value));
                    self.drop(start, end);
                }
            },
            (Node::MdxJsxFlowElement(e), Some(span)) => {
                self.element(e.name.as_deref(), &e.attributes, (node, span, true), out);
                self.dedent_children(node.children().map_or(&[][..], Vec::as_slice));
            }
            (Node::MdxJsxTextElement(e), Some(span)) => {
                self.element(e.name.as_deref(), &e.attributes, (node, span, false), out);
            }
            _ => {}
        }
        for child in node.children().into_iter().flatten() {
            self.walk(child, out);
        }
    }

    /// Drops an element's tags, keeping what it holds. A link, an image and a line break, which
    /// Markdown can write, become Markdown (the site shows no raw HTML).
    fn element(
        &mut self,
        name: Option<&str>,
        attributes: &[AttributeContent],
        (node, (start, end), flow): (&Node, (usize, usize), bool),
        out: &mut Converted,
    ) {
        let open_end = tag_end(self.text, start);
        let children = node.children().map_or(&[][..], Vec::as_slice);
        let whole = self.text[..open_end].ends_with("/>") || children.is_empty() && open_end >= end;
        // The closing tag is the last `</` of the element.
        let close = self.text[open_end..end].rfind("</").map(|c| open_end + c);
        let attribute = |wanted: &str| literal_attribute(attributes, wanted);
        let as_markdown = match name {
            Some("br") if self.text[end..].starts_with('\n') => Some(("\\".to_string(), None)),
            Some("br") => Some((" ".to_string(), None)),
            Some("img") => attribute("src").map(|src| {
                let alt = attribute("alt").unwrap_or_default().replace(['[', ']'], "");
                (format!("![{alt}]({})", src.replace(' ', "%20")), None)
            }),
            Some("a") if !whole => attribute("href").map(|href| {
                (
                    "[".to_string(),
                    Some(format!("]({})", href.replace(' ', "%20"))),
                )
            }),
            _ => None,
        };
        match (&as_markdown, name) {
            (Some((before, _)), _) => self.inserts.push((start, before.clone())),
            (None, Some(name)) if !out.components.iter().any(|c| c == name) => {
                out.components.push(name.to_string());
            }
            _ => {}
        }
        let mut drop = |from, to| {
            if flow {
                self.drop_flow(from, to);
            } else {
                self.drop(from, to);
            }
        };
        if whole {
            drop(start, end);
            return;
        }
        drop(start, open_end);
        if let Some(close) = close {
            drop(close, end);
            if let Some((_, Some(after))) = as_markdown {
                self.inserts.push((close, after));
            }
        }
    }

    /// MDX lets authors indent what a component holds; Markdown would read four spaces as code.
    /// Each line of a child loses the indentation of the child's first line (a nested child's
    /// lines, the deeper indentation of its own first line).
    fn dedent_children(&mut self, children: &[Node]) {
        for child in children {
            let Some(position) = child.position() else {
                continue;
            };
            let (start, end) = (position.start.offset, position.end.offset);
            // A child's position starts at its line's start, its indentation included.
            let indent = self.text[start..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
            if position.start.column != 1 || indent == 0 {
                continue;
            }
            let mut line = start;
            while line < end {
                let spaces = self.text[line..]
                    .bytes()
                    .take(indent)
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count();
                self.drop(line, line + spaces);
                line = match self.text[line..].find('\n') {
                    Some(i) => line + i + 1,
                    None => break,
                };
            }
        }
    }

    fn apply(mut self) -> String {
        self.inserts.sort_by_key(|(at, _)| *at);
        let mut inserts = self.inserts.into_iter().peekable();
        let mut bytes = Vec::with_capacity(self.text.len());
        for (i, (b, keep)) in self.text.bytes().zip(&self.keep).enumerate() {
            while let Some((_, text)) = inserts.next_if(|(at, _)| *at == i) {
                bytes.extend_from_slice(text.as_bytes());
            }
            if *keep {
                bytes.push(b);
            }
        }
        for (_, text) in inserts {
            bytes.extend_from_slice(text.as_bytes());
        }
        // Whole tags and whole leading spaces go, so the bytes left are whole characters.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }
}

/// `#an-id`: the inside of a heading's `{#an-id}`.
fn is_heading_id(value: &str) -> bool {
    value.strip_prefix('#').is_some_and(|id| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    })
}

/// `{/* … */}`: a comment, the only expression an MDX author writes for Markdown's sake.
fn is_comment(value: &str) -> bool {
    let value = value.trim();
    value.starts_with("/*") && value.ends_with("*/")
}

/// The text of an expression that is only a string literal without escapes (`' '`, `"a b"`).
fn string_literal(value: &str) -> Option<&str> {
    let value = value.trim();
    let quote = value.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
    let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(['\\', quote])).then_some(inner)
}

/// An attribute's value when it is a plain string.
fn literal_attribute(attributes: &[AttributeContent], wanted: &str) -> Option<String> {
    attributes.iter().find_map(|a| match a {
        AttributeContent::Property(p) if p.name == wanted => match &p.value {
            Some(AttributeValue::Literal(value)) => Some(value.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// The byte after the `>` that closes the tag opening at `start`, past quoted strings and
/// `{…}` attribute values.
fn tag_end(text: &str, start: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, b) in text.bytes().enumerate().skip(start + 1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'' | b'`') if depth > 0 || b != b'`' => quote = Some(b),
            (None, b'{') => depth += 1,
            (None, b'}') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// A body that is not valid MDX: only the `import`/`export` lines at the top level, outside
/// code fences, are dropped (with the lines an unclosed `{` carries on to).
fn without_statement_lines(body: &str) -> (String, usize) {
    let mut out = String::with_capacity(body.len());
    let mut fences = super::shortcodes::Fences::default();
    let mut depth = 0i64;
    let mut statements = 0;
    for line in body.split_inclusive('\n') {
        if depth > 0 {
            depth += brace_balance(line);
            out.push('\n');
        } else if !fences.is_code(line)
            && (line.starts_with("import ") || line.starts_with("export "))
        {
            statements += 1;
            depth = brace_balance(line).max(0);
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    (out, statements)
}

/// Opened minus closed brackets of every kind.
fn brace_balance(text: &str) -> i64 {
    text.chars().fold(0, |n, c| match c {
        '{' | '(' | '[' => n + 1,
        '}' | ')' | ']' => n - 1,
        _ => n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        let mut html = String::new();
        let parser = pulldown_cmark::Parser::new_ext(markdown, crate::markdown::options());
        pulldown_cmark::html::push_html(&mut html, parser);
        html
    }

    #[test]
    fn imports_exports_and_component_tags_go_and_their_text_stays() {
        let body = "import Tabs from '@theme/Tabs';\nimport {\n  TabItem,\n} from '@theme/TabItem';\nexport const meta = {\n  a: 1,\n};\n\n# Setting up\n\n<Tabs groupId=\"os\">\n  <TabItem value=\"linux\" label={`Linux`}>\n\n    Run **make**.\n\n  </TabItem>\n</Tabs>\n\nPress <Kbd>Ctrl</Kbd> and {/* a note */} go{' '}on. <Note />\n\nVersion {props.version} is out.\n";
        let out = convert(body);
        assert_eq!(out.statements, 3);
        assert_eq!(out.components, ["Tabs", "TabItem", "Kbd", "Note"]);
        assert_eq!(out.expressions, 1, "the comment is not counted");
        assert!(out.not_mdx.is_none());
        let html = html(&out.body);
        assert!(html.contains("<h1"), "{html}");
        assert!(html.contains("<p>Run <strong>make</strong>.</p>"), "{html}");
        assert!(html.contains("<p>Press Ctrl and  go on.</p>"), "{html}");
        assert!(html.contains("<p>Version  is out.</p>"), "{html}");
        for gone in [
            "import", "export", "Tabs", "TabItem", "Kbd", "Note", "a note", "props", "<pre",
        ] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        let report = out.report().unwrap();
        assert!(
            report.contains("<Tabs>, <TabItem>, <Kbd>, <Note>"),
            "{report}"
        );
        assert!(report.contains("1 JavaScript expression,"), "{report}");
        assert!(report.contains("3 import/export statements"), "{report}");
    }

    #[test]
    fn html_comments_are_dropped_and_the_rest_read_as_mdx() {
        let body =
            "<!-- a note\nfor later -->\n\nText <Kbd>x</Kbd>.\n\n```\n<!-- kept in code -->\n```\n";
        let out = convert(body);
        assert!(out.not_mdx.is_none(), "{:?}", out.not_mdx);
        assert_eq!(out.components, ["Kbd"]);
        assert!(!out.body.contains("a note"), "{}", out.body);
        assert!(out.body.contains("<!-- kept in code -->"), "{}", out.body);
        assert_eq!(out.body.lines().count(), body.lines().count());
    }

    #[test]
    fn code_is_left_as_written() {
        let body = "Some `<Tabs>` text ខ្មែរ.\n\n```jsx\nimport X from 'y';\n<Tabs>{x}</Tabs>\n```\n";
        let out = convert(body);
        assert_eq!(out.body, body);
        assert_eq!(out.report(), None);
    }

    #[test]
    fn html_becomes_markdown_where_markdown_has_it_and_loses_its_tags_elsewhere() {
        let body = "<details>\n<summary>More</summary>\n\nHidden ខ្មែរ text.\n\n</details>\n\nA line<br />\nbreak, <a href=\"/a b\">a link</a> and <img src=\"m.png\" alt=\"A [boat]\" />.\n\n## Heading {#the-id}\n";
        let out = convert(body);
        assert_eq!(out.components, ["details", "summary"]);
        let html = html(&out.body);
        assert!(html.contains("<p>Hidden ខ្មែរ text.</p>"), "{html}");
        assert!(html.contains("A line<br />\nbreak"), "{html}");
        assert!(html.contains("<a href=\"/a%20b\">a link</a>"), "{html}");
        assert!(html.contains("<img src=\"m.png\" alt=\"A boat\""), "{html}");
        assert!(html.contains("<h2 id=\"the-id\">Heading</h2>"), "{html}");
        assert!(!html.contains("details"), "{html}");
    }

    #[test]
    fn a_body_that_is_not_mdx_is_read_as_markdown_without_its_statements() {
        let body = "import A from 'a';\n\nWhen a < b and {x then\n\n```\nimport kept\n```\n";
        let out = convert(body);
        let (message, line, _) = out.not_mdx.clone().expect("not MDX");
        assert!(!message.is_empty());
        assert!(line >= 3, "{line}");
        assert_eq!(out.statements, 1);
        assert_eq!(
            out.body,
            "\n\nWhen a < b and {x then\n\n```\nimport kept\n```\n"
        );
    }
}
