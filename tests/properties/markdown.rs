//! The Markdown renderer, for posts and for readers' comments: any input renders without a panic
//! to HTML that a browser's tokenizer finds safe and well closed (see `html_check`).

use super::html_check::{tokenize, unsafe_html};
use super::strategies::markdownish;
use fieldnotes::markdown::{render, render_comment, RenderOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The options the app and the builder render posts with, for a site under a sub-path.
fn post_options() -> RenderOptions {
    RenderOptions::for_site("/blog/", BTreeMap::new())
}

/// Fails with the input and output when a post's HTML is unsafe.
fn check_post(markdown: &str) -> Result<(), TestCaseError> {
    let html = render(markdown, &post_options()).html.into_string();
    if let Some(problem) = unsafe_html(&html) {
        return Err(TestCaseError::fail(format!(
            "{problem}\ninput: {markdown:?}\noutput: {html}"
        )));
    }
    Ok(())
}

/// A comment's HTML: safe as a post's, and besides: every link `nofollow ugc`, no image, no
/// heading, no id (a comment's ids could clash with the post's).
fn check_comment(markdown: &str) -> Result<(), TestCaseError> {
    let html = render_comment(markdown, "/").html.into_string();
    let fail = |problem: String| {
        TestCaseError::fail(format!("{problem}\ninput: {markdown:?}\noutput: {html}"))
    };
    if let Some(problem) = unsafe_html(&html) {
        return Err(fail(problem));
    }
    for tag in tokenize(&html).tags.iter().filter(|t| !t.end) {
        let name = tag.name.as_str();
        if matches!(
            name,
            "img" | "picture" | "source" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        ) {
            return Err(fail(format!("a <{name}> in a comment")));
        }
        if tag.attr("id").is_some() {
            return Err(fail(format!("an id on <{name}> in a comment")));
        }
        if name == "a" && tag.attr("href").is_some() {
            let rel = tag.attr("rel").unwrap_or("");
            let words: Vec<&str> = rel.split_whitespace().collect();
            if !(words.contains(&"nofollow") && words.contains(&"ugc")) {
                return Err(fail(format!("a link with rel={rel:?} in a comment")));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::config(20_000))]

    #[test]
    fn markdown_post_any_string(markdown in any::<String>()) {
        check_post(&markdown)?;
    }

    #[test]
    fn markdown_post_hostile(markdown in markdownish(40)) {
        check_post(&markdown)?;
    }

    #[test]
    fn markdown_comment_any_string(markdown in any::<String>()) {
        check_comment(&markdown)?;
    }

    #[test]
    fn markdown_comment_hostile(markdown in markdownish(40)) {
        check_comment(&markdown)?;
    }
}

#[test]
fn markdown_classic_attacks_render_safely() {
    // The attacks the generator is built from, each on its own, so a failure names the piece.
    for markdown in [
        "<script>alert(1)</script>",
        "[a](javascript:alert(1))",
        "[a](jav&#x61;script:alert(1))",
        "[a](<java\tscript:x>)",
        "![i](data:image/svg+xml,x)",
        "<img src=x onerror=alert(1)>",
        "## h {#x onclick=alert(1)}",
        "[r]\n\n[r]: vbscript:x",
        "| a |\n|---|\n| <iframe> |",
        "[^1]\n\n[^1]: <script>",
    ] {
        check_post(markdown).unwrap();
        check_comment(markdown).unwrap();
    }
}

#[test]
fn markdown_nul_character_becomes_replacement_character() {
    // Found by `markdown_post_hostile`: a NUL went through to the HTML, where browsers' tokenizers
    // report an error and each drops or keeps it in its own way. CommonMark asks for U+FFFD.
    for markdown in ["\0", "a\0b", "`\0`", "<x\0>", "[\0](/a)"] {
        let post = render(markdown, &post_options()).html.into_string();
        let comment = render_comment(markdown, "/").html.into_string();
        for html in [&post, &comment] {
            assert!(!html.contains('\0'), "{markdown:?} → {html:?}");
            assert_eq!(unsafe_html(html), None, "{markdown:?} → {html:?}");
        }
        assert!(post.contains('\u{FFFD}'), "{markdown:?} → {post:?}");
    }
}

#[test]
fn markdown_many_identical_headings_is_linear() {
    // Found by the quadratic benchmark: the k-th heading with the same text tried `a-1`, `a-2`…
    // up to `a-k` for its id.
    super::assert_linear("identical headings", 2000, |n| {
        let html = render(&"# a\n".repeat(n), &post_options())
            .html
            .into_string();
        assert!(html.contains(&format!("id=\"a-{}\"", n - 1)));
    });
}
