//! Comment intake load benchmark (not a timed test): many concurrent clients post comments to the
//! real server on 127.0.0.1, each comment sent twice (as a browser retrying after a lost answer),
//! then the database is checked: every accepted comment stored exactly once, nothing else.
//!
//! `cargo bench -p fieldnotes-bench --bench comments [-- --clients N --per-client M]` prints
//! throughput and p50/p99 latency of the first sends, of the retries, and of the token request a
//! reader's form makes first (what the spam checks cost a reader: that one request, plus the
//! token's wait, which overlaps the writing). Under `cargo test` it runs a small round.
//!
//! `-- --peer isso` then drives the same load against Isso, a self-hosted comment server: its own
//! built-in server given its executable (`FIELDNOTES_ISSO=PATH` or `--isso PATH`), and/or Isso
//! served by gunicorn, as its container image does, given gunicorn's executable from the same
//! Python environment (`FIELDNOTES_ISSO_GUNICORN=PATH` or `--isso-gunicorn PATH`, with
//! `--isso-workers N`, 4 by default). Without either the peer run is skipped with a message. Each:
//! a config in a temp folder (its SQLite database there too, moderation on, its rate limits lifted
//! as ours are), started on a free port of 127.0.0.1, stopped after the run.
//! It prints both servers' figures and their ratios, and how many rows Isso stored: Isso has no
//! client key, so each retry is stored as a second comment. Never part of `cargo test`.

use fieldnotes::comments::{start, Limits, ServeOptions, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

fn text_arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(label: &str, times: &[Duration]) {
    println!(
        "{label:<6} {:>6} requests  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        times.len(),
        ms(percentile(times, 0.5)),
        ms(percentile(times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
    );
}

/// A content folder with one post, built into `dir/dist/data`.
fn site(dir: &Path) {
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

/// The server under load and how its API is spoken.
#[derive(Clone)]
enum Target {
    /// Ours: `GET /token` when the form opens, then `POST` with the token and a client key.
    Fieldnotes { base: String },
    /// Isso: `GET /config` when its form opens, then `POST /new?uri=…` from the site's origin.
    Isso { base: String, origin: String },
}

/// What one run measured: the request the form makes when it opens, first sends, retries, the
/// ids the server answered to each comment's first send and retry (none: not accepted), and the
/// requests that failed (only a peer's may: ours must answer each one as expected).
#[derive(Default)]
struct Run {
    wall: Duration,
    opens: Vec<Duration>,
    firsts: Vec<Duration>,
    retries: Vec<Duration>,
    answers: Vec<(Option<String>, Option<String>)>,
    failures: Vec<String>,
}

impl Run {
    /// Comments accepted by the first send or the retry.
    fn accepted(&self) -> usize {
        self.answers
            .iter()
            .filter(|(a, b)| a.is_some() || b.is_some())
            .count()
    }

    fn comments_per_s(&self) -> f64 {
        self.accepted() as f64 / self.wall.as_secs_f64()
    }

    fn requests_per_s(&self) -> f64 {
        (self.opens.len() + self.firsts.len() + self.retries.len()) as f64 / self.wall.as_secs_f64()
    }

    fn headline(&self, clients: usize, per: usize) -> String {
        format!(
            "{clients} concurrent clients x {per} comments, each sent twice: {:.2?}, {:.0} comments/s, {:.0} requests/s",
            self.wall,
            self.comments_per_s(),
            self.requests_per_s()
        )
    }
}

fn forwarded_for(n: usize) -> String {
    format!("10.{}.{}.{}", n / 65536, n / 256 % 256, n % 256)
}

/// One client: opens the form, then sends its comments, each twice.
async fn client(http: reqwest::Client, target: Target, n: usize, per: usize) -> Run {
    let peer = !matches!(target, Target::Fieldnotes { .. });
    let mut run = Run::default();
    for k in 0..per {
        let t = Instant::now();
        let (open_url, post_url) = match &target {
            Target::Fieldnotes { base } => (format!("{base}/token"), base.clone()),
            Target::Isso { base, .. } => {
                (format!("{base}/config"), format!("{base}/new?uri=/busy/"))
            }
        };
        let (status, v) = match http.get(open_url).send().await {
            Ok(res) => (res.status().as_u16(), res.text().await.unwrap_or_default()),
            Err(e) => (0, e.to_string()),
        };
        run.opens.push(t.elapsed());
        if status != 200 {
            assert!(peer, "the form's first request: {status} {v}");
            run.failures.push(failure("form opens", status, &v));
        }
        let v: Value = serde_json::from_str(&v).unwrap_or_default();
        let (author, text) = (format!("Reader {n}"), format!("Comment {k} of reader {n}."));
        let body = match &target {
            Target::Fieldnotes { .. } => json!({
                "post": "busy", "parent": null, "author": author, "email": null,
                "website": null, "body": text,
                "token": v["token"], "client_key": format!("key-{n}-{k}"), "hp": ""
            }),
            // The thread's title goes with the comment (Isso's client sends it when the page
            // sets one), so Isso does not fetch the page to find it.
            Target::Isso { .. } => json!({
                "text": text, "author": author, "email": null, "website": null,
                "parent": null, "title": "A busy post"
            }),
        };
        let mut answers = Vec::new();
        for times in [&mut run.firsts, &mut run.retries] {
            let mut req = http
                .post(&post_url)
                .header("x-forwarded-for", forwarded_for(n))
                .json(&body);
            if let Target::Isso { origin, .. } = &target {
                req = req.header("origin", origin);
            }
            let t = Instant::now();
            let (status, text) = match req.send().await {
                Ok(res) => (res.status().as_u16(), res.text().await.unwrap_or_default()),
                Err(e) => (0, e.to_string()),
            };
            times.push(t.elapsed());
            // Both servers hold a new comment for moderation and answer 202.
            let answer: Value = serde_json::from_str(&text).unwrap_or_default();
            match &answer["id"] {
                Value::String(id) if status == 202 => answers.push(Some(id.clone())),
                Value::Number(id) if status == 202 => answers.push(Some(id.to_string())),
                _ => {
                    assert!(peer, "{status} {text}");
                    run.failures.push(failure("post", status, &text));
                    answers.push(None);
                }
            }
        }
        if !peer {
            assert_eq!(answers[0], answers[1], "a retry gets the same id");
        }
        run.answers.push((answers.remove(0), answers.remove(0)));
    }
    run
}

/// A failed request, in one line: what, the status (0: no answer) and the answer's start.
fn failure(what: &str, status: u16, text: &str) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{what}: {status} {}",
        text.chars().take(100).collect::<String>()
    )
}

/// `clients` concurrent clients, each sending `per` comments twice.
async fn drive(target: &Target, clients: usize, per: usize) -> Run {
    let http = reqwest::Client::new();
    let wall = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| tokio::spawn(client(http.clone(), target.clone(), n, per)))
        .collect();
    let mut run = Run::default();
    for task in tasks {
        let one = task.await.unwrap();
        run.opens.extend(one.opens);
        run.firsts.extend(one.firsts);
        run.retries.extend(one.retries);
        run.answers.extend(one.answers);
        run.failures.extend(one.failures);
    }
    run.wall = wall.elapsed();
    run.opens.sort();
    run.firsts.sort();
    run.retries.sort();
    run
}

/// Our server on 127.0.0.1 under the load; checks every accepted comment is stored exactly once.
async fn fieldnotes_run(clients: usize, per: usize) -> Run {
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
    let target = Target::Fieldnotes {
        base: format!("http://{}/api/comments", server.addr),
    };
    let run = drive(&target, clients, per).await;
    server.stop().await.unwrap();
    println!("{}", run.headline(clients, per));
    report("token", &run.opens);
    report("post", &run.firsts);
    report("retry", &run.retries);
    let stored = Store::open(&db).unwrap().list(false).unwrap();
    let mut got: Vec<String> = stored.into_iter().map(|c| c.id).collect();
    got.sort();
    let mut ids: Vec<String> = run.answers.iter().flat_map(|a| a.0.clone()).collect();
    ids.sort();
    assert_eq!(got, ids, "every accepted comment stored exactly once");
    println!("stored {} comments, each exactly once", got.len());
    run
}

/// A port of 127.0.0.1 free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// How Isso is started.
enum Launch {
    /// `isso -c CONFIG run`: Isso's built-in server.
    BuiltIn(PathBuf),
    /// `gunicorn --preload -w N isso.run` with `ISSO_SETTINGS=CONFIG`.
    Gunicorn(PathBuf, usize),
}

impl Launch {
    fn exe(&self) -> &Path {
        match self {
            Launch::BuiltIn(exe) | Launch::Gunicorn(exe, _) => exe,
        }
    }

    fn name(&self) -> String {
        match self {
            Launch::BuiltIn(_) => "isso".into(),
            Launch::Gunicorn(_, workers) => format!("isso+gunicorn({workers})"),
        }
    }
}

/// A running Isso, its config and database in a temp folder; stopped when dropped.
struct Isso {
    child: Child,
    dir: tempfile::TempDir,
    base: String,
    origin: String,
}

impl Isso {
    fn start(launch: &Launch) -> Isso {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        // The site's origin: comments are posted from it. Nothing answers there, which Isso only
        // warns about at start (it would fetch a page to title a new thread; the title is sent).
        let origin = format!("http://127.0.0.1:{}", free_port());
        let config = format!(
            "[general]\n\
             dbpath = {db}\n\
             host = {origin}\n\
             \n\
             [moderation]\n\
             enabled = true\n\
             \n\
             [server]\n\
             listen = http://127.0.0.1:{port}\n\
             trusted-proxies = 127.0.0.1\n\
             \n\
             # The load is the point here: rate limits lifted, as they are for ours.\n\
             [guard]\n\
             enabled = true\n\
             ratelimit = 1000000000\n\
             direct-reply = 1000000000\n",
            db = dir.path().join("isso.sqlite").display(),
        );
        let cfg = dir.path().join("isso.cfg");
        std::fs::write(&cfg, config).unwrap();
        let log = std::fs::File::create(dir.path().join("isso.log")).unwrap();
        let exe = launch.exe();
        let mut command = Command::new(exe);
        match launch {
            Launch::BuiltIn(_) => command.arg("-c").arg(&cfg).arg("run"),
            Launch::Gunicorn(_, workers) => command
                .args(["--preload", "-w", &workers.to_string(), "-b"])
                .arg(format!("127.0.0.1:{port}"))
                .arg("isso.run")
                .env("ISSO_SETTINGS", &cfg),
        };
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Isso ({}): {e}", exe.display()));
        Isso {
            child,
            dir,
            base: format!("http://127.0.0.1:{port}"),
            origin,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("isso.log")).unwrap_or_default()
    }

    /// Waits until Isso answers (at most 30 s).
    async fn ready(&mut self) {
        let http = reqwest::Client::new();
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(res) = http.get(format!("{}/info", self.base)).send().await {
                if res.status().is_success() {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("Isso exited ({status}):\n{}", self.log());
            }
            assert!(
                Instant::now() < until,
                "Isso did not answer:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Isso {
    /// Asks Isso to stop (SIGTERM: gunicorn then stops its workers too), kills it after 10 s.
    fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Isso {
    fn drop(&mut self) {
        self.stop();
    }
}

/// (rows, distinct texts, rows held for moderation) in Isso's database, read with the Python
/// Isso runs on (named by its executable's first line) and Python's own SQLite module.
fn isso_rows(exe: &Path, db: &Path) -> Result<(u64, u64, u64), String> {
    let first = std::fs::read_to_string(exe)
        .map_err(|e| e.to_string())?
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let interpreter: Vec<&str> = first
        .strip_prefix("#!")
        .ok_or("the Isso executable is not a script")?
        .split_whitespace()
        .collect();
    let (python, args) = interpreter.split_first().ok_or("no interpreter")?;
    let out = Command::new(python)
        .args(args)
        .arg("-c")
        .arg(
            "import sqlite3, sys\n\
             c = sqlite3.connect(sys.argv[1])\n\
             print(*c.execute('SELECT count(*), count(DISTINCT text), \
             coalesce(sum(mode = 2), 0) FROM comments').fetchone())",
        )
        .arg(db)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let n: Vec<u64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match n[..] {
        [rows, texts, held] => Ok((rows, texts, held)),
        _ => Err(format!("unexpected answer: {text}")),
    }
}

/// The same load against Isso, then both servers' figures side by side.
async fn isso_run(launch: Launch, ours: &Run, clients: usize, per: usize) {
    let name = launch.name();
    let mut isso = Isso::start(&launch);
    isso.ready().await;
    let target = Target::Isso {
        base: isso.base.clone(),
        origin: isso.origin.clone(),
    };
    let run = drive(&target, clients, per).await;
    isso.stop();
    println!();
    println!("{name}: {}", run.headline(clients, per));
    report("config", &run.opens);
    report("post", &run.firsts);
    report("retry", &run.retries);
    let ids: Vec<&String> = run
        .answers
        .iter()
        .flat_map(|(a, b)| a.iter().chain(b))
        .collect();
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    let same = run
        .answers
        .iter()
        .filter(|(a, b)| a.is_some() && a == b)
        .count();
    println!(
        "{name} accepted {} of {} comments: {} of {} sends answered 202, naming {} distinct ids ({} answers named an id given to another send); {same} retries got the first send's id",
        run.accepted(),
        run.answers.len(),
        ids.len(),
        run.firsts.len() + run.retries.len(),
        distinct.len(),
        ids.len() - distinct.len(),
    );
    if !run.failures.is_empty() {
        let mut kinds = run.failures.clone();
        kinds.sort();
        kinds.dedup();
        println!("{name}: {} requests failed, e.g.", run.failures.len());
        for kind in kinds.iter().take(3) {
            println!("  {kind}");
        }
        // What Isso logged about them: the last line of each traceback.
        let log = isso.log();
        let mut errors: Vec<&str> = log
            .lines()
            .filter(|l| !l.starts_with(' ') && l.contains("Error:"))
            .collect();
        errors.sort();
        errors.dedup();
        for error in errors.iter().take(3) {
            println!("  isso logged: {error}");
        }
    }
    match isso_rows(launch.exe(), &isso.dir.path().join("isso.sqlite")) {
        Ok((rows, texts, held)) => println!(
            "{name} stored {rows} rows ({held} held for moderation) for {texts} distinct comments: {} retries stored as a second comment",
            rows.saturating_sub(texts)
        ),
        Err(e) => println!("{name}'s database could not be read: {e}"),
    }
    println!();
    println!("same load, same driver     fieldnotes        isso  isso/fieldnotes   ({name})");
    let rate = |name: &str, a: f64, b: f64| {
        println!("{name:<24} {a:>12.0} {b:>11.0} {:>16.2}", b / a);
    };
    rate("comments/s", ours.comments_per_s(), run.comments_per_s());
    rate("requests/s", ours.requests_per_s(), run.requests_per_s());
    let lat = |name: &str, a: &[Duration], b: &[Duration], p: f64| {
        let (a, b) = (ms(percentile(a, p)), ms(percentile(b, p)));
        println!("{name:<24} {a:>9.2} ms {b:>8.2} ms {:>16.2}", b / a);
    };
    lat("form opens p50", &ours.opens, &run.opens, 0.5);
    lat("form opens p99", &ours.opens, &run.opens, 0.99);
    lat("post p50", &ours.firsts, &run.firsts, 0.5);
    lat("post p99", &ours.firsts, &run.firsts, 0.99);
    lat("retry p50", &ours.retries, &run.retries, 0.5);
    lat("retry p99", &ours.retries, &run.retries, 0.99);
}

#[tokio::main]
async fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let clients = arg("--clients", if benching { 200 } else { 8 });
    let per = arg("--per-client", if benching { 5 } else { 2 });
    let peer = text_arg("--peer");
    let ours = fieldnotes_run(clients, per).await;
    match peer.as_deref() {
        None => {}
        Some(_) if !benching => println!("\npeer run skipped: only under `cargo bench`"),
        Some("isso") => {
            let given = |flag: &str, var: &str| {
                text_arg(flag)
                    .or_else(|| std::env::var(var).ok())
                    .filter(|e| !e.is_empty())
                    .map(PathBuf::from)
            };
            let mut launches = Vec::new();
            if let Some(exe) = given("--isso", "FIELDNOTES_ISSO") {
                launches.push(Launch::BuiltIn(exe));
            }
            if let Some(exe) = given("--isso-gunicorn", "FIELDNOTES_ISSO_GUNICORN") {
                launches.push(Launch::Gunicorn(exe, arg("--isso-workers", 4)));
            }
            if launches.is_empty() {
                println!(
                    "\nisso peer run skipped: no Isso executable given (set FIELDNOTES_ISSO=PATH or \
                     pass --isso PATH; for Isso under gunicorn FIELDNOTES_ISSO_GUNICORN=PATH or \
                     --isso-gunicorn PATH)"
                );
            }
            for launch in launches {
                isso_run(launch, &ours, clients, per).await;
            }
        }
        Some(other) => println!("\npeer run skipped: unknown peer {other:?} (known: isso)"),
    }
}
