//! HTML read back the way a browser reads it: html5ever's tokenizer (the tokenizer of Servo, which
//! follows the HTML standard) splits the renderer's output into tags with their attributes, entities
//! decoded. The checks then look at what a browser would build, not at the bytes: `jav&#x61;script:`
//! in an `href` is `javascript:` here, as it would be there.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// A tag as the browser sees it: lower-case name, attributes with entities decoded.
#[derive(Debug, Clone)]
pub struct SeenTag {
    pub end: bool,
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl SeenTag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Everything the tokenizer reported, apart from text.
#[derive(Debug, Default)]
pub struct Seen {
    pub tags: Vec<SeenTag>,
    /// Comments, doctypes: markup the renderer never writes.
    pub other: Vec<String>,
    pub errors: Vec<String>,
}

#[derive(Default)]
struct Sink(RefCell<Seen>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut seen = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => seen.tags.push(SeenTag {
                end: tag.kind == TagKind::EndTag,
                name: tag.name.to_string(),
                attrs: tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect(),
            }),
            Token::CommentToken(text) => seen.other.push(format!("<!--{text}-->")),
            Token::DoctypeToken(d) => seen.other.push(format!("doctype {:?}", d.name)),
            Token::ParseError(e) => seen.errors.push(e.to_string()),
            Token::CharacterTokens(_) | Token::NullCharacterToken | Token::EOFToken => {}
        }
        TokenSinkResult::Continue
    }
}

/// Tokenizes `html` as a browser would.
pub fn tokenize(html: &str) -> Seen {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Elements that run, embed or restyle: never in the renderer's output.
const FORBIDDEN: [&str; 16] = [
    "script", "iframe", "object", "embed", "base", "form", "style", "frame", "frameset", "meta",
    "link", "svg", "math", "textarea", "applet", "template",
];

/// Elements with no end tag.
const VOID: [&str; 6] = ["img", "br", "hr", "input", "source", "wbr"];

/// Attributes holding a URL a browser may load or follow.
const URL_ATTRS: [&str; 7] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "xlink:href",
];

/// A URL's scheme as a browser's URL parser finds it: leading and trailing spaces and control
/// characters dropped, tabs and newlines removed anywhere, then the letters before a `:` (if they
/// make a scheme), lower-cased.
pub fn scheme(url: &str) -> Option<String> {
    let trimmed: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = trimmed.find(':')?;
    let head = &trimmed[..colon];
    let is_scheme = head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| head.to_ascii_lowercase())
}

/// Every URL in an attribute value (`srcset` holds several, each before its width).
fn urls<'a>(name: &str, value: &'a str) -> Vec<&'a str> {
    if name == "srcset" {
        value
            .split(',')
            .filter_map(|candidate| candidate.split_whitespace().next())
            .collect()
    } else {
        vec![value]
    }
}

/// What is wrong with `html` as the safe renderer's output, if anything: a forbidden element, an
/// event handler, a URL with a scheme other than http, https or mailto, markup that is not a tag,
/// an end tag that closes no open element, or an element left open.
pub fn unsafe_html(html: &str) -> Option<String> {
    let seen = tokenize(html);
    if let Some(other) = seen.other.first() {
        return Some(format!("markup that is not a tag: {other}"));
    }
    let mut open: Vec<&str> = Vec::new();
    for tag in &seen.tags {
        let name = tag.name.as_str();
        if FORBIDDEN.contains(&name) {
            return Some(format!("a <{name}> element"));
        }
        if tag.end {
            match open.pop() {
                Some(top) if top == name => continue,
                top => return Some(format!("</{name}> closes {top:?}")),
            }
        }
        for (attr, value) in &tag.attrs {
            if attr.starts_with("on") {
                return Some(format!("an event handler {attr}={value:?} on <{name}>"));
            }
            if attr == "style" {
                return Some(format!("a style attribute on <{name}>"));
            }
            if URL_ATTRS.contains(&attr.as_str()) {
                for url in urls(attr, value) {
                    if let Some(s) = scheme(url) {
                        if !matches!(s.as_str(), "http" | "https" | "mailto") {
                            return Some(format!("{attr}={value:?} on <{name}>: scheme {s}"));
                        }
                    }
                }
            }
        }
        if !VOID.contains(&name) {
            open.push(name);
        }
    }
    if !open.is_empty() {
        return Some(format!("elements left open: {open:?}"));
    }
    if let Some(error) = seen.errors.first() {
        return Some(format!("the tokenizer reports {error}"));
    }
    None
}

#[test]
fn the_checker_sees_what_a_browser_sees() {
    // Each of these would run or load something in a browser; each must be caught.
    let bad = [
        "<p><script>x</script></p>",
        "<a href=\"jav&#x61;script:alert(1)\">x</a>",
        "<a href=\" \tJaVa\nScript:x\">x</a>",
        "<img src=\"data:text/html,x\">",
        "<img src=\"a.png\" onerror=\"x\">",
        "<p>open",
        "<p></em></p>",
        "<iframe></iframe>",
        "<!-- hidden -->",
    ];
    for html in bad {
        assert!(unsafe_html(html).is_some(), "{html} passed");
    }
    let good = "<p><a href=\"https://example.org/?a=1&amp;b=2\">x</a> <img src=\"/a.png\" alt=\"\"><br></p>";
    assert_eq!(unsafe_html(good), None);
}
