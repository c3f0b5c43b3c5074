//! A synthetic WordPress export (WXR) of any size, for timing `fieldnotes import wordpress`:
//! the corpus generator's posts as WordPress HTML (half classic editor, half block editor),
//! each with a thread of comments, some pingbacks and unapproved ones, plus revisions and
//! attachments as a real export has them.

use crate::corpus::Corpus;
use std::fmt::Write as _;
use std::io::{self, Write};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct WxrOptions {
    pub posts: usize,
    /// Comments per post on average (0 to twice this, by a seeded draw).
    pub comments: usize,
    pub seed: u64,
}

/// Writes the export to `out`; returns the number of comments written.
pub fn write_wxr(out: &mut impl Write, opts: &WxrOptions) -> io::Result<usize> {
    let corpus = Corpus::new(opts.seed);
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    out.write_all(HEAD.as_bytes())?;
    let mut comment_id = 1;
    for i in 0..opts.posts {
        let post = corpus.post(i);
        let body = post.markdown.split_once("\n---\n").map_or("", |(_, b)| b);
        let html = to_html(body, i % 2 == 1);
        let id = i * 3 + 1;
        let (date, time) = (
            &post.date,
            format!("{:02}:{:02}:00", rng.u8(0..24), rng.u8(0..60)),
        );
        let mut item = String::with_capacity(html.len() + 4096);
        let _ = write!(
            item,
            "<item><title><![CDATA[{title}]]></title><link>https://bench.example/{date_path}/{slug}/</link><pubDate>{pub_date}</pubDate>\
             <dc:creator><![CDATA[writer]]></dc:creator><content:encoded><![CDATA[{content}]]></content:encoded>\
             <excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{id}</wp:post_id>\
             <wp:post_date><![CDATA[{date} {time}]]></wp:post_date><wp:post_date_gmt><![CDATA[{date} {time}]]></wp:post_date_gmt>\
             <wp:post_name><![CDATA[{slug}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status>\
             <wp:post_type><![CDATA[post]]></wp:post_type>",
            title = post.title.replace("]]>", "]]]]><![CDATA[>"),
            date_path = date.replace('-', "/"),
            pub_date = rfc2822(date, &time),
            slug = post.slug,
            content = html.replace("]]>", "]]]]><![CDATA[>"),
            status = if i % 20 == 7 { "draft" } else { "publish" },
        );
        for tag in &post.tags {
            let _ = write!(
                item,
                "<category domain=\"post_tag\" nicename=\"{tag}\"><![CDATA[{tag}]]></category>"
            );
        }
        let count = rng.usize(0..=opts.comments * 2);
        for c in 0..count {
            let parent = if c > 0 && rng.bool() {
                comment_id - 1
            } else {
                0
            };
            let (approved, kind) = match rng.u8(0..20) {
                0 => ("0", "comment"),
                1 => ("1", "pingback"),
                _ => ("1", "comment"),
            };
            let words: Vec<&str> = (0..rng.usize(8..60))
                .map(|_| corpus.vocabulary()[rng.usize(..corpus.vocabulary().len())].as_str())
                .collect();
            let _ = write!(
                item,
                "<wp:comment><wp:comment_id>{comment_id}</wp:comment_id><wp:comment_author><![CDATA[Reader {r}]]></wp:comment_author>\
                 <wp:comment_author_email><![CDATA[r{r}@mail.example]]></wp:comment_author_email><wp:comment_author_url>https://r{r}.example</wp:comment_author_url>\
                 <wp:comment_author_IP><![CDATA[192.0.2.{r}]]></wp:comment_author_IP><wp:comment_date><![CDATA[{date} {time}]]></wp:comment_date>\
                 <wp:comment_date_gmt><![CDATA[{date} {time}]]></wp:comment_date_gmt><wp:comment_content><![CDATA[{text}.\n\nThanks!]]></wp:comment_content>\
                 <wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved><wp:comment_type><![CDATA[{kind}]]></wp:comment_type>\
                 <wp:comment_parent>{parent}</wp:comment_parent></wp:comment>",
                r = rng.u8(1..250),
                text = words.join(" "),
            );
            comment_id += 1;
        }
        item.push_str("</item>\n");
        // A revision and an attachment beside each post, as WordPress writes them.
        let _ = write!(
            item,
            "<item><title>r</title><wp:post_id>{}</wp:post_id><wp:status>inherit</wp:status><wp:post_type>revision</wp:post_type><content:encoded><![CDATA[{}]]></content:encoded></item>\n\
             <item><title>a</title><wp:post_id>{}</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://bench.example/wp-content/uploads/2024/01/p{i}.jpg</wp:attachment_url></item>\n",
            id + 1,
            post.title.replace("]]>", ""),
            id + 2
        );
        out.write_all(item.as_bytes())?;
    }
    out.write_all(b"</channel>\n</rss>\n")?;
    Ok(comment_id - 1)
}

/// `Tue, 05 Mar 2024 10:20:00 +0000`, as RSS and WordPress write `<pubDate>`.
fn rfc2822(date: &str, time: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| format!("{} {time} +0000", d.format("%a, %d %b %Y")))
        .unwrap_or_default()
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel><title>Benchmark export</title><link>https://bench.example</link><description>Synthetic posts</description><language>en</language>\n<wp:author><wp:author_login><![CDATA[writer]]></wp:author_login><wp:author_display_name><![CDATA[The Writer]]></wp:author_display_name></wp:author>\n";

/// The post's Markdown as WordPress stores it: HTML, each top-level block wrapped in block-editor
/// comments when `blocks`, else classic-editor text (paragraphs by blank lines) with inline HTML.
fn to_html(markdown: &str, blocks: bool) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::all());
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    if blocks {
        html.split("\n<p>")
            .map(|part| format!("<!-- wp:paragraph -->\n<p>{part}\n<!-- /wp:paragraph -->"))
            .collect::<Vec<_>>()
            .join("\n\n")
    } else {
        html.replace("<p>", "").replace("</p>\n", "\n\n")
    }
}
