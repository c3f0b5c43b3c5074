//! Generators of hostile input: Markdown-ish text made of the pieces attacks and broken posts are
//! made of, and byte-level mutations of valid files (flips, cuts, splices, repeats).

use proptest::prelude::*;

/// Pieces of hostile or tricky Markdown and HTML: raw tags that run or load things, URLs with
/// unsafe schemes (plain, entity-encoded, split by spaces and control characters), and every
/// construct of the dialect (emphasis, links, images, lists, tables, footnotes, code).
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\">",
    "<embed src=x>",
    "<base href=\"https://evil.example/\">",
    "<form action=\"javascript:x\"><input></form>",
    "<style>body{}</style>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">a</a>",
    "<!-- c -->",
    "<![CDATA[x]]>",
    "<div>",
    "</div>",
    "<p>",
    "</em>",
    "&lt;",
    "&#x3C;script&#x3E;",
    "&amp;",
    "&#0;",
    "\u{0}",
    "javascript:alert(1)",
    "jav&#x61;script:alert(1)",
    "jav&#x09;ascript:x",
    "JaVaScRiPt:x",
    " javascript:x",
    "\u{1}javascript:x",
    "java\tscript:x",
    "vbscript:msgbox",
    "data:text/html;base64,PHNjcmlwdD4=",
    "data:image/svg+xml,<svg onload=x>",
    "https://example.org/a?b=c&d=e",
    "mailto:a@b.c",
    "//evil.example/x",
    "/posts/x",
    "#id",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "[a](javascript:x)",
    "[a](<javascript:x>)",
    "[a](jav&#x61;script:x \"t\")",
    "![i](data:image/png;base64,AAAA)",
    "![i](x.png \"caption\")",
    "![a ![b](c)](d)",
    "[a][r]",
    "[r]: javascript:x",
    "[r]: https://ok.example \"t\"",
    "<javascript:x>",
    "<https://example.org>",
    "<a@b.c>",
    "*",
    "_",
    "**",
    "__",
    "~~",
    "`",
    "```",
    "```html\n<script>x</script>\n```",
    "    <script>x</script>",
    "# ",
    "## h {#id .class onclick=x}",
    "{#x onmouseover=alert(1)}",
    "- ",
    "1. ",
    "> ",
    "- [ ] ",
    "- [x] ",
    "| a | b |\n|---|:-:|\n| c | d |",
    "|",
    "---",
    "[^1]",
    "[^1]: note <script>",
    "[^x]: ",
    "\\",
    "\"",
    "'",
    "<mark>",
    "&",
    "\u{202e}",
    "\u{feff}",
    "ក្មែរ",
    "日本語",
];

/// Separators between pieces: nothing, spaces, line and paragraph breaks, container starts.
const JOINS: &[&str] = &[
    "", "", "", " ", "\n", "\n\n", "\n> ", "\n- ", "\n1. ", "\n    ", "\n| ",
];

/// Markdown-ish text: up to `max` pieces, words and random characters, joined as Markdown joins
/// blocks.
pub fn markdownish(max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(PIECES).prop_map(str::to_string),
        2 => "[a-z]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ];
    let join = proptest::sample::select(JOINS);
    proptest::collection::vec((piece, join), 0..max).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(piece, join)| format!("{piece}{join}"))
            .collect()
    })
}

/// One change to a byte string.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// XOR the byte at (index mod len) with a mask.
    Flip(usize, u8),
    /// Set the byte at (index mod len).
    Set(usize, u8),
    /// Cut the file at (index mod len).
    Truncate(usize),
    /// Remove `len` bytes at (index mod len).
    Remove(usize, usize),
    /// Copy `len` bytes from one place to another (a repeated or misplaced chunk).
    Splice(usize, usize, usize),
    /// Insert bytes.
    Insert(usize, Vec<u8>),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 1u8..).prop_map(|(i, m)| Mutation::Flip(i, m)),
        2 => (any::<usize>(), proptest::sample::select(&b"\0\xff\x7f0123456789{}[]\",:<>/&;-"[..]))
            .prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => (any::<usize>(), any::<usize>(), 1usize..64)
            .prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, bytes)| Mutation::Insert(i, bytes)),
    ]
}

/// `bytes` with each mutation applied in turn.
pub fn mutate(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        let len = out.len().max(1);
        match m {
            Mutation::Flip(i, mask) if !out.is_empty() => out[i % len] ^= mask,
            Mutation::Set(i, b) if !out.is_empty() => out[i % len] = *b,
            Mutation::Truncate(i) => out.truncate(i % len),
            Mutation::Remove(i, n) => {
                let start = (i % len).min(out.len());
                let end = (start + n).min(out.len());
                out.drain(start..end);
            }
            Mutation::Splice(from, to, n) if !out.is_empty() => {
                let from = from % len;
                let chunk: Vec<u8> = out[from..(from + n).min(out.len())].to_vec();
                let to = (to % len).min(out.len());
                out.splice(to..to, chunk);
            }
            Mutation::Insert(i, bytes) => {
                let at = (i % len).min(out.len());
                out.splice(at..at, bytes.iter().copied());
            }
            _ => {}
        }
    }
    out
}

/// A few mutations of a valid file.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(mutation(), 1..6)
}
