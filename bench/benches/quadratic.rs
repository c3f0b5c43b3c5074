//! No quadratic traps: every parser of untrusted input fed pathological input of growing size,
//! timed per size, with the ratio of each size's time to the previous (sizes double, so a ratio
//! near 2 is linear, near 4 quadratic). A ratio over 3 at the two largest sizes is flagged.
//!
//! `cargo bench -p fieldnotes-bench --bench quadratic` runs sizes 1k to 32k units (`--sizes
//! 1000,2000,…` to choose; `--only NAME` for the cases whose name contains it) and prints a
//! Markdown table; `bench/robustness.md` keeps the measured one. Under `cargo test -p
//! fieldnotes-bench --all-targets` each case runs once at a small size, as a smoke test.

use fieldnotes::builder::images::sanitise_svg;
use fieldnotes::builder::parse_front_matter;
use fieldnotes::import::{self, WordpressOptions};
use fieldnotes::markdown::{render, render_comment, RenderOptions};
use fieldnotes::search::filter::split;
use fieldnotes::search::query::{edit_distance, parse};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// One pathological input: how to make it from a number of units, and what reads it.
struct Case {
    name: &'static str,
    /// What one unit is, for the table.
    unit: &'static str,
    make: fn(usize) -> String,
    run: fn(&str),
    /// Sizes are divided by this: cases whose every unit costs a file (the importer) or a
    /// quadratic algorithm kept on purpose stay within seconds.
    scale: usize,
}

fn post(markdown: &str) {
    black_box(render(
        markdown,
        &RenderOptions::for_site("/", Default::default()),
    ));
}

fn comment(markdown: &str) {
    black_box(render_comment(markdown, "/"));
}

fn front_matter(text: &str) {
    let _ = black_box(parse_front_matter(Path::new("post.md"), text));
}

fn query(text: &str) {
    let (words, filters) = split(text);
    black_box((parse(&words), filters));
}

/// Two words of `text`'s length differing in their last letter: the typo check's worst case.
fn typo(text: &str) {
    let other = format!("{}x", &text[..text.len() - 1]);
    black_box(edit_distance(text, &other, 2));
}

fn svg(text: &str) {
    let _ = black_box(sanitise_svg(text));
}

/// Imports the export in `xml` into a new folder.
fn wxr(xml: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.xml");
    std::fs::write(&export, xml).unwrap();
    let _ = black_box(import::wordpress(&WordpressOptions {
        exports: vec![export],
        content: tmp.path().join("content"),
        media: None,
        force: false,
        menu: None,
    }));
}

/// A WordPress export with `items` posts, the first with `body` and `comments` comments.
fn export(items: usize, body: &str, comments: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\
<channel><title>B</title><link>https://blog.example</link><wp:wxr_version>1.2</wp:wxr_version>\
<wp:base_site_url>https://blog.example</wp:base_site_url>",
    );
    for i in 1..=items {
        let body = if i == 1 { body } else { "<p>A day.</p>" };
        out.push_str(&format!(
            "<item><title>Post {i}</title><link>https://blog.example/?p={i}</link>\
<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{i}</wp:post_id>\
<wp:post_date_gmt>2024-03-05 03:00:00</wp:post_date_gmt><wp:post_name>post-{i}</wp:post_name>\
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        ));
        if i == 1 {
            for c in 1..=comments {
                out.push_str(&format!(
                    "<wp:comment><wp:comment_id>{c}</wp:comment_id><wp:comment_author>r</wp:comment_author>\
<wp:comment_date_gmt>2024-03-06 03:00:00</wp:comment_date_gmt>\
<wp:comment_content>Thanks {c}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>\
<wp:comment_parent>{}</wp:comment_parent></wp:comment>",
                    c - 1
                ));
            }
        }
        out.push_str("</item>");
    }
    out.push_str("</channel></rss>\n");
    out
}

/// The Markdown renderer, for posts and comments.
fn markdown_cases() -> Vec<Case> {
    let md = |name, unit, make: fn(usize) -> String| Case {
        name,
        unit,
        make,
        run: post,
        scale: 1,
    };
    vec![
        md("markdown: nested brackets", "`[`", |n| {
            "[".repeat(n) + "a" + &"]".repeat(n)
        }),
        md("markdown: unclosed brackets", "`[`", |n| "[".repeat(n)),
        md("markdown: nested links", "`[a](`", |n| "[a](".repeat(n)),
        md("markdown: nested images", "`![`", |n| {
            "![".repeat(n) + "a" + &"](x.png \"t\")".repeat(n)
        }),
        Case {
            name: "comment: nested images",
            unit: "`![`",
            make: |n| "![".repeat(n) + "a" + &"](x.png)".repeat(n),
            run: comment,
            scale: 1,
        },
        md("markdown: nested emphasis", "`*_`", |n| {
            "*_".repeat(n) + "a" + &"_*".repeat(n)
        }),
        md("markdown: line of `*` and `_`", "`*_`", |n| {
            "a *_".repeat(n)
        }),
        md("markdown: unclosed `**`", "`**a`", |n| "**a ".repeat(n)),
        md("markdown: backtick runs", "`` `a ``", |n| {
            "`a ``b ".repeat(n)
        }),
        md("markdown: nested lists", "`- `", |n| "- ".repeat(n) + "a"),
        md("markdown: nested blockquotes", "`> `", |n| {
            "> ".repeat(n) + "a"
        }),
        md("markdown: raw HTML tags", "`<div>`", |n| {
            "<div><script>".repeat(n)
        }),
        md("markdown: footnotes", "ref + def", |n| {
            let refs: String = (0..n).map(|i| format!("[^{i}] ")).collect();
            let defs: String = (0..n).map(|i| format!("[^{i}]: note {i}\n")).collect();
            format!("{refs}\n\n{defs}")
        }),
        md("markdown: reference links", "ref + def", |n| {
            let refs: String = (0..n).map(|i| format!("[l{i}] ")).collect();
            let defs: String = (0..n).map(|i| format!("[l{i}]: /u{i}\n")).collect();
            format!("{refs}\n\n{defs}")
        }),
        md("markdown: same heading", "`# a`", |n| "# a\n".repeat(n)),
        md("markdown: table cells", "`|a`", |n| {
            let row = "|a".repeat(n.min(500)) + "|\n";
            let sep = "|-".repeat(n.min(500)) + "|\n";
            format!("{row}{sep}{}", row.repeat(n / 500 + 1))
        }),
    ]
}

/// Front matter, YAML and TOML.
fn front_matter_cases() -> Vec<Case> {
    vec![
        Case {
            name: "front matter: keys (YAML)",
            unit: "`kN: v`",
            make: |n| {
                format!(
                    "---\ntitle: t\n{}---\nbody\n",
                    (0..n).map(|i| format!("k{i}: v\n")).collect::<String>()
                )
            },
            run: front_matter,
            scale: 1,
        },
        Case {
            name: "front matter: keys (TOML)",
            unit: "`kN = 1`",
            make: |n| {
                format!(
                    "+++\ntitle = \"t\"\n{}+++\nbody\n",
                    (0..n).map(|i| format!("k{i} = 1\n")).collect::<String>()
                )
            },
            run: front_matter,
            scale: 1,
        },
        Case {
            name: "front matter: tags list",
            unit: "tag",
            make: |n| {
                format!(
                    "---\ntitle: t\ntags: [{}]\n---\n",
                    (0..n)
                        .map(|i| format!("t{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            run: front_matter,
            scale: 1,
        },
        Case {
            name: "front matter: unclosed",
            unit: "line",
            make: |n| format!("---\ntitle: t\n{}", "a: b\n".repeat(n)),
            run: front_matter,
            scale: 1,
        },
    ]
}

/// Search queries and SVG.
fn query_and_svg_cases() -> Vec<Case> {
    vec![
        Case {
            name: "search: long query",
            unit: "word",
            make: |n| (0..n).map(|i| format!("w{i} -x \"p q\" ")).collect(),
            run: query,
            scale: 1,
        },
        Case {
            name: "search: filters",
            unit: "`tag:x`",
            make: |n| "tag:x category:\"a b\" ".repeat(n),
            run: query,
            scale: 1,
        },
        Case {
            name: "search: unclosed quotes",
            unit: "`\"a`",
            make: |n| "\"a ".repeat(n),
            run: query,
            scale: 1,
        },
        Case {
            name: "search: typo check, long words",
            unit: "letter",
            make: |n| "a".repeat(n),
            run: typo,
            scale: 1,
        },
        Case {
            name: "SVG: nested groups",
            unit: "`<g>`",
            make: |n| format!("<svg>{}{}</svg>", "<g a=\"1\">".repeat(n), "</g>".repeat(n)),
            run: svg,
            scale: 1,
        },
        Case {
            name: "SVG: attributes",
            unit: "attribute",
            make: |n| {
                format!(
                    "<svg><rect {}/></svg>",
                    (0..n).map(|i| format!("a{i}=\"1\" ")).collect::<String>()
                )
            },
            run: svg,
            scale: 1,
        },
    ]
}

/// WordPress exports, each imported into a new folder.
fn wxr_cases() -> Vec<Case> {
    vec![
        Case {
            name: "WXR: items",
            unit: "item",
            make: |n| export(n, "<p>A day.</p>", 0),
            run: wxr,
            scale: 16,
        },
        Case {
            name: "WXR: comments on one post",
            unit: "comment",
            make: |n| export(1, "<p>A day.</p>", n),
            run: wxr,
            scale: 4,
        },
        Case {
            name: "WXR: paragraphs (wpautop)",
            unit: "paragraph",
            make: |n| export(1, &"A line\nanother\n\n".repeat(n), 0),
            run: wxr,
            scale: 1,
        },
        Case {
            name: "WXR: shortcodes",
            unit: "`[caption]`",
            make: |n| export(1, &"[caption id=\"a\"]x [gallery] [/caption]".repeat(n), 0),
            run: wxr,
            scale: 1,
        },
        Case {
            name: "WXR: unclosed shortcodes",
            unit: "`[caption`",
            make: |n| export(1, &"[caption [embed ".repeat(n), 0),
            run: wxr,
            scale: 1,
        },
        Case {
            name: "WXR: block comments",
            unit: "block",
            make: |n| {
                export(
                    1,
                    &"<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->".repeat(n),
                    0,
                )
            },
            run: wxr,
            scale: 1,
        },
    ]
}

/// The best of `runs` timings of `run` on `input`, in seconds.
fn time(run: fn(&str), input: &str, runs: usize) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            run(input);
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match arg("--sizes") {
        Some(list) => list.split(',').map(|s| s.trim().parse().unwrap()).collect(),
        None if benching => vec![1000, 2000, 4000, 8000, 16000, 32000],
        None => vec![200],
    };
    let only = arg("--only");
    if benching {
        let head: Vec<String> = sizes.iter().map(|n| format!("{n}")).collect();
        println!(
            "| input (unit) | time at {} units | ratio of the last two | |",
            head.join(" / ")
        );
        println!("|---|---|---:|---|");
    }
    let cases = markdown_cases()
        .into_iter()
        .chain(front_matter_cases())
        .chain(query_and_svg_cases())
        .chain(wxr_cases());
    for case in cases {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        let mut times = Vec::new();
        for &n in &sizes {
            let n = (n / case.scale).max(1);
            let input = (case.make)(n);
            times.push(time(case.run, &input, if benching { 3 } else { 1 }));
        }
        if !benching {
            continue;
        }
        let cells: Vec<String> = times.iter().map(|t| format!("{:.2} ms", t * 1e3)).collect();
        let ratios: Vec<f64> = times.windows(2).map(|w| w[1] / w[0].max(1e-9)).collect();
        let last = ratios.last().copied().unwrap_or(0.0);
        let unit = if case.scale > 1 {
            format!("{} (sizes ÷ {})", case.unit, case.scale)
        } else {
            case.unit.to_string()
        };
        println!(
            "| {} ({unit}) | {} | {last:.1} | {} |",
            case.name,
            cells.join(" / "),
            if last > 3.0 {
                "**worse than n log n**"
            } else {
                ""
            }
        );
    }
}
