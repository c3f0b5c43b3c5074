//! Comment intake load benchmark (not a timed test): many concurrent clients post comments to the
//! real server on 127.0.0.1, each comment sent twice (as a browser retrying after a lost answer),
//! then the database is checked: every accepted comment stored exactly once, nothing else.
//!
//! `cargo bench -p fieldnotes-bench --bench comments [-- --clients N --per-client M]` prints
//! throughput and p50/p99 latency of the first sends, of the retries, and of the token request a
//! reader's form makes first (what the spam checks cost a reader: that one request, plus the
//! token's wait, which overlaps the writing). Under `cargo test` it runs a small round.

use fieldnotes::comments::{start, Limits, ServeOptions, Store};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<6} {:>6} requests  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// A content folder with one post, built into `dir/dist/data`.
fn site(dir: &std::path::Path) {
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("site.toml"), "title = \"Load\"\n").unwrap();
    std::fs::write(
        content.join("busy.md"),
        "---\ntitle: A busy post\ndate: 2025-01-01\n---\nEveryone has something to say.\n",
    )
    .unwrap();
    fieldnotes::builder::build(&fieldnotes::builder::BuildOptions {
        content,
        out: dir.join("dist/data"),
        ..Default::default()
    })
    .unwrap();
}

/// One client: fetches a token, then sends its comments, each twice.
async fn client(
    http: reqwest::Client,
    base: String,
    n: usize,
    per: usize,
) -> (Vec<Duration>, Vec<Duration>, Vec<Duration>, Vec<String>) {
    let (mut tokens, mut firsts, mut retries, mut ids) = (vec![], vec![], vec![], vec![]);
    for k in 0..per {
        let t = Instant::now();
        let v: Value = http
            .get(format!("{base}/token"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(t.elapsed());
        let body = json!({
            "post": "busy", "parent": null, "author": format!("Reader {n}"), "email": null,
            "website": null, "body": format!("Comment {k} of reader {n}."),
            "token": v["token"], "client_key": format!("key-{n}-{k}"), "hp": ""
        });
        let mut answers = Vec::new();
        for times in [&mut firsts, &mut retries] {
            let t = Instant::now();
            let res = http
                .post(&base)
                .header(
                    "x-forwarded-for",
                    format!("10.{}.{}.{}", n / 65536, n / 256 % 256, n % 256),
                )
                .json(&body)
                .send()
                .await
                .unwrap();
            times.push(t.elapsed());
            assert_eq!(res.status().as_u16(), 202);
            answers.push(
                res.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        assert_eq!(answers[0], answers[1], "a retry gets the same id");
        ids.push(answers.remove(0));
    }
    (tokens, firsts, retries, ids)
}

#[tokio::main]
async fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let clients = arg("--clients", if benching { 200 } else { 8 });
    let per = arg("--per-client", if benching { 5 } else { 2 });
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let db = dir.path().join("comments.sqlite");
    let mut opts = ServeOptions::new(db.clone(), dir.path().join("dist"));
    opts.listen = "127.0.0.1:0".parse().unwrap();
    opts.wait_ms = 0;
    opts.trust_proxy = true;
    // The load is the point here: rate limits would turn it away (they are tested elsewhere).
    opts.limits = Limits {
        per_10_min: u32::MAX,
        per_day: u32::MAX,
    };
    let server = start(opts).await.unwrap();
    let base = format!("http://{}/api/comments", server.addr);
    let http = reqwest::Client::new();
    let wall = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| tokio::spawn(client(http.clone(), base.clone(), n, per)))
        .collect();
    let (mut tokens, mut firsts, mut retries, mut ids) = (vec![], vec![], vec![], vec![]);
    for task in tasks {
        let (t, f, r, i) = task.await.unwrap();
        tokens.extend(t);
        firsts.extend(f);
        retries.extend(r);
        ids.extend(i);
    }
    let wall = wall.elapsed();
    server.stop().await.unwrap();
    let accepted = firsts.len();
    println!(
        "{clients} concurrent clients x {per} comments, each sent twice: {wall:.2?}, {:.0} comments/s, {:.0} requests/s",
        accepted as f64 / wall.as_secs_f64(),
        (tokens.len() + firsts.len() + retries.len()) as f64 / wall.as_secs_f64()
    );
    report("token", tokens);
    report("post", firsts);
    report("retry", retries);
    let stored = Store::open(&db).unwrap().list(false).unwrap();
    let mut got: Vec<String> = stored.into_iter().map(|c| c.id).collect();
    got.sort();
    ids.sort();
    assert_eq!(got, ids, "every accepted comment stored exactly once");
    println!("stored {} comments, each exactly once", got.len());
}
