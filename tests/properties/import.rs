//! The WordPress importer on broken and hostile exports: the fixture export mutated, and small
//! exports whose posts and comments carry hostile HTML, WordPress blocks and shortcodes. The
//! import either refuses the export or writes posts and comments whose Markdown parses and
//! renders to safe HTML.

use super::html_check::unsafe_html;
use super::strategies::{mutate, mutations};
use fieldnotes::builder::parse_front_matter;
use fieldnotes::import::{self, WordpressOptions};
use fieldnotes::markdown::{render, render_comment, RenderOptions};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixture_export() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress/export.xml");
        std::fs::read(path).unwrap()
    })
}

/// HTML a WordPress post may hold: hostile tags, blocks, shortcodes, broken nesting.
const HTML: &[&str] = &[
    "<script>alert(1)</script>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<img src=\"x\" onerror=\"alert(1)\" alt=\"a\">",
    "<a href=\"javascript:alert(1)\">j</a>",
    "<a href=\"jav&amp;#x61;script:x\">e</a>",
    "<a href=\" data:text/html,x\">d</a>",
    "<object data=\"x\"></object><embed src=\"y\">",
    "<base href=\"https://evil.example/\">",
    "<form action=\"x\"><input name=a></form>",
    "<style>p{}</style>",
    "<svg onload=\"x\"><circle/></svg>",
    "<p>para</p>",
    "<div><p>unclosed",
    "</li></ul>",
    "<ul><li>a<li>b</ul>",
    "<table><tr><td>c</table>",
    "<pre><code>&lt;script&gt;</code></pre>",
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    "<!-- wp:image {\"id\":1} -->",
    "[caption id=\"a\" width=\"1\"]<img src=\"/a.jpg\" alt=\"c\"> cap[/caption]",
    "[gallery ids=\"1,2\"]",
    "[embed]https://www.youtube.com/watch?v=x[/embed]",
    "[unknown attr=\"[nested]\"]",
    "[/caption]",
    "[[",
    "https://www.youtube.com/watch?v=abc",
    "\n\n",
    "\n",
    "*",
    "_",
    "[a](javascript:x)",
    "<b>bold<i>both</b></i>",
    "&nbsp;&#0;&#xD800;&bogus;",
    "ក្មែរ",
];

/// One `<item>` of a small export: a post with hostile content and one comment.
fn item(id: u32, title: &str, body: &str, comment: &str) -> String {
    format!(
        "<item><title><![CDATA[{title}]]></title><link>https://blog.example/?p={id}</link>\
<dc:creator><![CDATA[a]]></dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>\
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{id}</wp:post_id>\
<wp:post_date><![CDATA[2024-03-05 10:00:00]]></wp:post_date>\
<wp:post_date_gmt><![CDATA[2024-03-05 03:00:00]]></wp:post_date_gmt>\
<wp:post_name><![CDATA[post-{id}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>\
<wp:post_type><![CDATA[post]]></wp:post_type>\
<category domain=\"post_tag\" nicename=\"t\"><![CDATA[T]]></category>\
<wp:comment><wp:comment_id>{id}1</wp:comment_id><wp:comment_author><![CDATA[r]]></wp:comment_author>\
<wp:comment_date_gmt><![CDATA[2024-03-06 03:00:00]]></wp:comment_date_gmt>\
<wp:comment_content><![CDATA[{comment}]]></wp:comment_content>\
<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>0</wp:comment_parent>\
</wp:comment></item>"
    )
}

/// A whole export around `items`.
pub fn export(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\
<channel><title>B</title><link>https://blog.example</link><wp:wxr_version>1.2</wp:wxr_version>\
<wp:base_site_url>https://blog.example</wp:base_site_url>\
<wp:base_blog_url>https://blog.example</wp:base_blog_url>{items}</channel></rss>\n"
    )
}

pub fn hostile_item(id: u32, pieces: &[&str]) -> String {
    let body = pieces.concat().replace("]]>", "]]");
    let comment: String = pieces
        .iter()
        .rev()
        .copied()
        .collect::<String>()
        .replace("]]>", "]]");
    item(
        id,
        &format!("Post {id} <script>x</script>"),
        &body,
        &comment,
    )
}

fn hostile_export() -> impl Strategy<Value = String> {
    let pieces = proptest::collection::vec(proptest::sample::select(HTML), 0..16);
    proptest::collection::vec(pieces, 1..4).prop_map(|posts| {
        let items: String = posts
            .iter()
            .enumerate()
            .map(|(i, p)| hostile_item(i as u32 + 1, p))
            .collect();
        export(&items)
    })
}

/// Every file below `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Imports `bytes`; a refusal is fine, a panic is not, and every Markdown file written must
/// parse and render safely (comments in comment mode).
pub fn check_import(bytes: &[u8]) -> Result<usize, TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.xml");
    std::fs::write(&export, bytes).unwrap();
    let content = tmp.path().join("content");
    let opts = WordpressOptions {
        exports: vec![export],
        content: content.clone(),
        media: None,
        force: false,
        menu: None,
    };
    if import::wordpress(&opts).is_err() {
        return Ok(0);
    }
    let mut posts = 0;
    for path in files(&content)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = parse_front_matter(&path, &text).map_err(|p| {
            TestCaseError::fail(format!(
                "the import wrote front matter it cannot read: {p}\n{text}"
            ))
        })?;
        let comment = path.components().any(|c| c.as_os_str() == "comments");
        let html = if comment {
            render_comment(doc.body, "/").html.into_string()
        } else {
            render(doc.body, &RenderOptions::for_site("/", Default::default()))
                .html
                .into_string()
        };
        if let Some(problem) = unsafe_html(&html) {
            return Err(TestCaseError::fail(format!(
                "{problem} in {}\n{text}\n{html}",
                path.display()
            )));
        }
        posts += 1;
    }
    Ok(posts)
}

// Each case imports into a new folder: about 80 hostile exports a second, 500 mutated ones.
proptest! {
    #![proptest_config(super::config(800))]

    #[test]
    fn import_hostile_exports(xml in hostile_export()) {
        let written = check_import(xml.as_bytes())?;
        prop_assert!(written >= 1, "a valid export imported nothing:\n{xml}");
    }
}

proptest! {
    #![proptest_config(super::config(3_000))]

    #[test]
    fn import_mutated_fixture(m in mutations()) {
        check_import(&mutate(fixture_export(), &m))?;
    }

    #[test]
    fn import_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check_import(&bytes)?;
    }
}

#[test]
fn import_title_with_control_characters_reads_back() {
    // Found by `import_mutated_fixture`: a DEL (U+007F) in a title was written raw inside a
    // double-quoted YAML string, which YAML does not allow, so the imported post did not build.
    let title = "Tea \u{7f} and \u{85}\u{9f} rain";
    let xml = export(&hostile_item(1, &["<p>x</p>"]).replace("Post 1 <script>x</script>", title));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("export.xml");
    std::fs::write(&path, xml).unwrap();
    let content = tmp.path().join("content");
    import::wordpress(&WordpressOptions {
        exports: vec![path],
        content: content.clone(),
        media: None,
        force: false,
        menu: None,
    })
    .unwrap();
    let post = content.join("posts/post-1/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    let doc = parse_front_matter(&post, &text).unwrap_or_else(|p| panic!("{p}\n{text}"));
    let read = doc.front.title.unwrap();
    assert!(
        read.starts_with("Tea ") && read.ends_with(" rain"),
        "{read:?}"
    );
    assert!(
        check_import(export(&hostile_item(2, &["x"]).replace("Post 2", title)).as_bytes()).unwrap()
            >= 1
    );
}

#[test]
fn import_many_unclosed_shortcodes_is_linear() {
    // Found by the quadratic benchmark: each `[gallery]` without a `[/gallery]` searched the rest
    // of the post for one, so a post of 16,000 took 8 s to import.
    super::assert_linear("unclosed shortcodes", 2000, |n| {
        let body = "[caption id=\"a\"]x [gallery] [/caption]".repeat(n);
        assert_eq!(
            check_import(export(&hostile_item(1, &[&body])).as_bytes()).unwrap(),
            2
        );
    });
}
