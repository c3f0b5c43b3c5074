//! `fieldnotes serve`, run as the real command over a copy of a fixture site: it serves the site
//! from memory, rebuilds after edits (only what changed), tells pages to reload over its event
//! stream, keeps the last good site while the content is broken, and never writes into `dist/`.
//!
//! Every wait is bounded (a rebuild that never comes fails the test after [`WAIT`]), the server
//! binds 127.0.0.1 on a free port, and it is stopped when the test ends, passed or failed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The longest any step may take before the test fails.
const WAIT: Duration = Duration::from_secs(30);

/// A running `fieldnotes serve`, stopped on drop.
struct Preview {
    child: Child,
    port: u16,
    /// The server's console, line by line.
    console: Receiver<String>,
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Preview {
    /// Starts the server in `cwd` over `content` with the app folder `app`.
    fn start(cwd: &Path, content: &Path, app: &Path, cache: &Path) -> Preview {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
            .current_dir(cwd)
            .args(["serve", "--port", "0", "--app-build", "never", "--content"])
            .arg(content)
            .arg("--app")
            .arg(app)
            .arg("--image-cache")
            .arg(cache)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the fieldnotes binary runs");
        let stdout = child.stdout.take().unwrap();
        let (sender, console) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("[serve] {line}");
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut preview = Preview {
            child,
            port: 0,
            console,
        };
        let line = preview.console_line("serving the site at http://127.0.0.1:");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|port| port.parse().ok())
            .expect("the address line names the port");
        preview.port = port;
        preview
    }

    /// Waits for a console line holding `text`.
    fn console_line(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.console.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("the server printed no line with {text:?}");
    }

    /// GET `path`: the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.get_with_head(path);
        (status, body)
    }

    /// GET `path` on a connection of its own: the status, the head and the body.
    fn get_with_head(&self, path: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        (status, head.to_string(), body.to_string())
    }

    /// Opens the event stream; its `event:` names arrive on the receiver.
    fn events(&self) -> Receiver<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET /_fieldnotes/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let name = match line.strip_prefix("event: ") {
                    Some(name) => name.to_string(),
                    // The server's first line, sent once the stream is registered.
                    None if line.starts_with("retry:") => "ready".to_string(),
                    None => continue,
                };
                if sender.send(name).is_err() {
                    break;
                }
            }
        });
        // An edit made before the stream is registered would be announced to nobody.
        expect_event(&receiver, "ready");
        receiver
    }
}

/// Waits for the event `name` on `events`.
fn expect_event(events: &Receiver<String>, name: &str) {
    let deadline = Instant::now() + WAIT;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match events.recv_timeout(left) {
            Ok(event) if event == name => return,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no {name:?} event arrived");
}

/// The data file a route page names for the app (`<meta name="fieldnotes-data">`).
fn data_file(page: &str) -> String {
    let at = page.find("name=\"fieldnotes-data\" content=\"").unwrap();
    let rest = &page[at + "name=\"fieldnotes-data\" content=\"".len()..];
    // The page's own file is the first line; its lists (a post's slug shard) follow.
    let files = &rest[..rest.find('"').unwrap()];
    files.lines().next().unwrap_or_default().to_string()
}

/// A copy of the fixture site, an app folder, and an image cache, in one temporary folder.
fn workspace() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    for (path, bytes) in common::snapshot(&common::fixture("site")) {
        let to = content.join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    let app = tmp.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    common::write_shell(&app);
    let cache = tmp.path().join("cache");
    (tmp, content, app, cache)
}

fn post(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: 2025-03-01\ntags: [travel]\n---\n{body}\n")
}

#[test]
fn an_edit_is_served_and_announced_and_only_what_it_touched_changes() {
    let (tmp, content, app, cache) = workspace();
    let preview = Preview::start(tmp.path(), &content, &app, &cache);
    let (status, page) = preview.get("/posts/first-day/");
    assert_eq!(status, 200);
    assert!(page.contains("First day: arrival"), "{page}");
    assert!(
        page.contains("/_fieldnotes/live.js?since="),
        "the page loads the live script"
    );
    let second = data_file(&preview.get("/posts/second-day/").1);
    let events = preview.events();

    std::fs::write(
        content.join("first-day.md"),
        post("First day, rewritten", "New words."),
    )
    .unwrap();
    expect_event(&events, "reload");
    let line = preview.console_line("first-day.md");
    assert!(
        line.contains("files changed") && line.contains("ms"),
        "{line}"
    );
    let page = preview.get("/posts/first-day/").1;
    assert!(page.contains("First day, rewritten"), "{page}");
    let (status, data) = preview.get(&format!("/data/{}", data_file(&page)));
    assert_eq!(status, 200);
    assert!(data.contains("First day, rewritten") && data.contains("New words."));
    assert_eq!(
        data_file(&preview.get("/posts/second-day/").1),
        second,
        "another post's data file is left as it was"
    );
    assert!(
        line.contains("(1 read again)"),
        "only the edited post is parsed again: {line}"
    );
}

#[test]
fn a_broken_post_keeps_the_last_good_site_until_it_is_fixed() {
    let (tmp, content, app, cache) = workspace();
    let preview = Preview::start(tmp.path(), &content, &app, &cache);
    let events = preview.events();

    std::fs::write(
        content.join("first-day.md"),
        "---\ntitle: [unclosed\n---\nText.\n",
    )
    .unwrap();
    expect_event(&events, "problem");
    preview.console_line("does not build");
    let (status, page) = preview.get("/posts/first-day/");
    assert_eq!(status, 200);
    assert!(
        page.contains("First day: arrival"),
        "the last good page is served"
    );

    std::fs::write(
        content.join("first-day.md"),
        post("First day, fixed", "Fixed."),
    )
    .unwrap();
    expect_event(&events, "reload");
    assert!(preview
        .get("/posts/first-day/")
        .1
        .contains("First day, fixed"));
}

#[test]
fn a_new_post_appears_and_a_deleted_one_disappears() {
    let (tmp, content, app, cache) = workspace();
    let preview = Preview::start(tmp.path(), &content, &app, &cache);
    assert_eq!(preview.get("/posts/third-day/").0, 404);
    let events = preview.events();

    std::fs::write(
        content.join("third-day.md"),
        post("Third day: the river", "Boats."),
    )
    .unwrap();
    expect_event(&events, "reload");
    let (status, page) = preview.get("/posts/third-day/");
    assert_eq!(status, 200);
    assert!(page.contains("Third day: the river"));
    assert!(
        preview.get("/").1.contains("Third day: the river"),
        "the home page lists it"
    );

    std::fs::remove_file(content.join("second-day.md")).unwrap();
    expect_event(&events, "reload");
    assert_eq!(preview.get("/posts/second-day/").0, 404);
}

#[test]
fn the_preview_never_writes_into_dist() {
    let (tmp, content, app, cache) = workspace();
    // A deployable site, as `trunk build --release --offline` leaves it.
    let dist = tmp.path().join("dist");
    common::build_to(&content, &dist.join("data")).unwrap();
    common::write_shell(&dist);
    fieldnotes::builder::write_stubs(&dist, &Default::default()).unwrap();
    let before = common::snapshot(&dist);
    let app_before = common::snapshot(&app);

    let preview = Preview::start(tmp.path(), &content, &app, &cache);
    let events = preview.events();
    std::fs::write(
        content.join("first-day.md"),
        post("Edited in preview", "Words."),
    )
    .unwrap();
    expect_event(&events, "reload");
    let page = preview.get("/posts/first-day/").1;
    assert!(page.contains("Edited in preview"));
    assert!(
        page.contains("/_fieldnotes/live.js"),
        "served pages carry the live script"
    );
    assert!(preview
        .get("/_fieldnotes/live.js")
        .1
        .contains("EventSource"));
    drop(preview);

    assert!(common::snapshot(&dist) == before, "dist/ is byte-identical");
    assert!(
        common::snapshot(&app) == app_before,
        "the app folder is only read"
    );
    for (path, bytes) in &before {
        let text = String::from_utf8_lossy(bytes);
        for reload in ["/_fieldnotes/", "__TRUNK_ADDRESS__", "new WebSocket"] {
            assert!(
                !text.contains(reload),
                "{path} holds live-reload code ({reload})"
            );
        }
    }
}

#[test]
fn the_site_in_memory_is_the_site_on_disk() {
    let (tmp, content, app, _) = workspace();
    let dist = tmp.path().join("dist");
    common::build_to(&content, &dist.join("data")).unwrap();
    common::write_shell(&dist);
    fieldnotes::builder::write_stubs(&dist, &Default::default()).unwrap();

    let site = fieldnotes::builder::load_site(&fieldnotes::builder::BuildOptions {
        content: content.clone(),
        today: Some("2026-01-01".into()),
        ..Default::default()
    })
    .unwrap();
    let (_, data) = fieldnotes::builder::render_in_memory(&site);
    let data = data
        .into_iter()
        .map(|(p, b)| (format!("data/{p}"), b))
        .collect();
    let memory = fieldnotes::builder::InMemory::new(&app, data);
    fieldnotes::builder::write_stubs_to(&memory, &Default::default()).unwrap();
    let mut in_memory = memory.into_files();
    // The app's own files are read from the app folder, not written.
    for (path, bytes) in common::snapshot(&app) {
        in_memory.entry(path).or_insert(bytes);
    }
    let on_disk = common::snapshot(&dist);
    assert_eq!(
        in_memory.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &on_disk {
        assert!(in_memory[path] == *bytes, "{path} differs in memory");
    }
}

#[test]
fn the_preview_sends_the_sites_own_headers_and_keeps_connections_open() {
    let (dir, content, app, cache) = workspace();
    let preview = Preview::start(dir.path(), &content, &app, &cache);
    let (status, head, _) = preview.get_with_head("/");
    assert_eq!(status, 200);
    let head = head.to_ascii_lowercase();
    // The policy of the deployed site, from its `_headers`, with the rest of its headers…
    assert!(
        head.contains(
            "content-security-policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
        ),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    // …but never cached: every edit must show…
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert!(!head.contains("immutable"), "{head}");
    // …unless its name changes with its content, as a post's file's does.
    let post = data_file(&preview.get("/posts/first-day/").1);
    let (status, head, _) = preview.get_with_head(&format!("/data/{post}"));
    assert_eq!(status, 200);
    let head = head.to_ascii_lowercase();
    assert!(head.contains("immutable"), "{head}");
    assert!(!head.contains("no-store"), "{head}");
    // Two requests on one connection: both answered (keep-alive).
    let mut stream = TcpStream::connect(("127.0.0.1", preview.port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let ask = "GET /_fieldnotes/live.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    write!(stream, "{ask}{ask}").unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 65536];
    let deadline = Instant::now() + WAIT;
    while seen.matches("HTTP/1.1 200").count() < 2 && Instant::now() < deadline {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "the connection closed after {seen:?}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    assert_eq!(seen.matches("HTTP/1.1 200").count(), 2, "{seen}");
}

/// A blog big enough to have several pages per list, related posts, a series, a translation, a
/// standalone page and comments, written into `content`.
fn many_posts(content: &Path) {
    std::fs::create_dir_all(content.join("comments/day-03")).unwrap();
    std::fs::write(
        content.join("site.toml"),
        "title = \"Kept pages\"\ndescription = \"Edits against fresh builds.\"\nbase_url = \"https://kept.example.org\"\nbase_path = \"/\"\nlanguage = \"en\"\nposts_per_page = 3\n",
    )
    .unwrap();
    for n in 1..=14 {
        let tags = ["river", "market", "school", "rain"][n % 4];
        let series = if n % 5 == 0 { "series: Walks\n" } else { "" };
        std::fs::write(
            content.join(format!("day-{n:02}.md")),
            format!("---\ntitle: \"Day {n}\"\ndate: 2025-0{}-{:02}\ntags: [{tags}, notes]\n{series}---\nWhat happened on day {n}, by the {tags}.\n", 1 + n / 8, 1 + n % 28),
        )
        .unwrap();
    }
    std::fs::write(
        content.join("day-03-km.md"),
        "---\ntitle: \"ថ្ងៃទី ៣\"\ndate: 2025-01-04\nlang: km\ntranslation_of: day-03\ntags: [school]\n---\nអត្ថបទ។\n",
    )
    .unwrap();
    std::fs::write(
        content.join("contact.md"),
        "---\ntitle: \"Contact\"\nlayout: page\n---\nBy post.\n",
    )
    .unwrap();
    std::fs::write(
        content.join("comments/day-03/first.md"),
        "---\nid: first\npost: day-03\nauthor: Dara\ndate: 2025-04-02T08:00:00+07:00\n---\nA first comment.\n",
    )
    .unwrap();
}

fn preview_site(content: &Path, app: &Path) -> fieldnotes::preview::Site {
    let opts = fieldnotes::builder::BuildOptions {
        content: content.to_path_buf(),
        today: Some("2026-01-01".into()),
        ..Default::default()
    };
    fieldnotes::preview::Site::new(opts, app)
}

/// What an edit changes, and the edit.
type Edit<'a> = (&'static str, Box<dyn Fn() + 'a>);

#[test]
fn a_rebuild_after_any_edit_is_byte_for_byte_a_fresh_build() {
    let (tmp, _, app, _) = workspace();
    let content = tmp.path().join("many");
    many_posts(&content);
    let mut kept = preview_site(&content, &app);
    let first = kept.rebuild().unwrap();
    let edit = |file: &str, from: &str, to: &str| {
        let path = content.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    // Each edit changes what other pages show of the post in another way.
    let edits: Vec<Edit> = vec![
        (
            "the body",
            Box::new(|| edit("day-07.md", "What happened", "All that happened")),
        ),
        (
            "the title",
            Box::new(|| edit("day-05.md", "Day 5", "Day five")),
        ),
        (
            "the tags",
            Box::new(|| edit("day-06.md", "[school, notes]", "[river]")),
        ),
        (
            "the date",
            Box::new(|| edit("day-02.md", "2025-01-03", "2024-12-20")),
        ),
        (
            "a series",
            Box::new(|| edit("day-09.md", "tags:", "series: Walks\ntags:")),
        ),
        (
            "a comment",
            Box::new(|| edit("comments/day-03/first.md", "A first", "An edited")),
        ),
        (
            "a page",
            Box::new(|| edit("contact.md", "By post.", "By post, or by hand.")),
        ),
        (
            "a translation",
            Box::new(|| edit("day-03-km.md", "អត្ថបទ។", "អត្ថបទថ្មី។")),
        ),
        (
            "a new post",
            Box::new(|| {
                std::fs::write(
                    content.join("day-15.md"),
                    "---\ntitle: \"Day 15\"\ndate: 2024-06-30\ntags: [rain]\n---\nLate.\n",
                )
                .unwrap()
            }),
        ),
        (
            "a post gone",
            Box::new(|| std::fs::remove_file(content.join("day-11.md")).unwrap()),
        ),
    ];
    for (what, make) in edits {
        make();
        let rebuilt = kept.rebuild().unwrap();
        let mut fresh = preview_site(&content, &app);
        fresh.rebuild().unwrap();
        let (kept_files, fresh_files) = (kept.files(), fresh.files());
        assert_eq!(
            kept_files.keys().collect::<Vec<_>>(),
            fresh_files.keys().collect::<Vec<_>>(),
            "after an edit of {what}"
        );
        for (path, bytes) in fresh_files {
            assert!(
                kept_files[path] == *bytes,
                "after an edit of {what}, {path} differs"
            );
        }
        assert!(
            !rebuilt.changed.is_empty(),
            "an edit of {what} changed nothing"
        );
        // A body edit leaves the pages that do not show the post as they were. (Here, with one
        // slug shard for all posts, every post's page names the shard the new post file's name
        // is in, so those are made again too.)
        if what == "the body" {
            assert!(
                rebuilt.pages_made < first.pages_made,
                "{} of {} route pages were made again",
                rebuilt.pages_made,
                first.pages_made
            );
        }
    }
}

#[test]
fn a_post_file_is_parsed_again_when_its_text_changes_and_only_then() {
    let (tmp, content, app, _) = workspace();
    let posts: Vec<PathBuf> = ["first-day.md", "second-day.md", "unfinished.md"]
        .iter()
        .map(|f| content.join(f))
        .collect();
    // Files last written an hour ago: their size and time are trusted, the files not read again.
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    let age = |path: &Path, when| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(when).unwrap();
    };
    for post in &posts {
        age(post, hour_ago);
    }
    let mut site = preview_site(&content, &app);
    let first = site.rebuild().unwrap();
    assert_eq!(first.parsed, posts.len());
    assert_eq!(site.rebuild().unwrap().parsed, 0);
    // An edit of the same length, saved now: read and parsed again.
    let text = std::fs::read_to_string(&posts[0]).unwrap();
    std::fs::write(&posts[0], text.replacen("arrival", "ARRIVAL", 1)).unwrap();
    let edited = site.rebuild().unwrap();
    assert_eq!(edited.parsed, 1);
    let page = &site.files()["posts/first-day/index.html"];
    assert!(String::from_utf8_lossy(page).contains("ARRIVAL"));
    // Saved again unchanged: read, and its parse reused.
    std::fs::write(&posts[0], text.replacen("arrival", "ARRIVAL", 1)).unwrap();
    assert_eq!(site.rebuild().unwrap().parsed, 0);
    drop(tmp);
}
