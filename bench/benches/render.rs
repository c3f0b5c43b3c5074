//! Markdown render benchmark: parse + render of a ~50 KB post made of the sample journal.
//!
//! `cargo bench -p fieldnotes-bench --bench render` prints p50/p95 over many runs. Under
//! `cargo test -p fieldnotes-bench --all-targets` it renders once, as a smoke test, and prints
//! nothing.

use fieldnotes::builder::parse_front_matter;
use fieldnotes::markdown::{render, RenderOptions};
use std::time::Instant;

/// About `target` bytes of real Markdown: the sample posts' bodies, repeated.
fn corpus(target: usize) -> String {
    // The sample site of the product, one folder up from this crate.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the sample content is there")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let bodies: Vec<String> = paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            parse_front_matter(p, &text).unwrap().body.to_string()
        })
        .collect();
    let mut out = String::with_capacity(target + 4096);
    while out.len() < target {
        for body in &bodies {
            out.push_str(body);
            out.push_str("\n\n");
        }
    }
    out
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let markdown = corpus(50 * 1024);
    let opts = RenderOptions::for_site("/", Default::default());
    let runs = if benching { 300 } else { 1 };
    let mut times = Vec::with_capacity(runs);
    let mut html_len = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let rendered = render(&markdown, &opts);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        html_len = rendered.html.as_str().len();
    }
    assert!(html_len > markdown.len() / 2, "rendering produced HTML");
    if benching {
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "render {} KB Markdown → {} KB HTML: p50 {:.3} ms, p95 {:.3} ms ({} runs, native, bench profile)",
            markdown.len() / 1024,
            html_len / 1024,
            at(0.5),
            at(0.95),
            runs
        );
    }
}
