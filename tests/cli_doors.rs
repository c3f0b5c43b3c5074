//! Every door of the `fieldnotes` command, run as a user runs it (the built binary): bad
//! arguments, folders that do not exist, output that cannot be written, a disk that fills up
//! mid-run and Ctrl-C mid-run. Each answers with a clear message naming the path, the exit code
//! `--help` documents (0 done, 1 the system failed, 2 wrong input, 130 Ctrl-C), and leaves the
//! previous output as it was, with no temporary file or folder behind.
//!
//! A full disk is a real one: a small tmpfs mounted in a private mount namespace (`unshare -rm`,
//! which needs no root where user namespaces are allowed). Where they are not, those tests say so
//! and pass. Permissions do not stop root, so an unwritable output is a path below a regular file,
//! or a read-only bind mount in such a namespace.

mod common;

use common::{build_to, site_with, snapshot, write_shell};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fieldnotes");
/// Longest any one run may take before the test kills it and fails.
const LIMIT: Duration = Duration::from_secs(120);

/// What a finished run printed, and its exit code (`None`: ended by a signal).
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The command with its arguments, run in `dir` (so no cache lands in the source tree).
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("TRUNK_STAGING_DIR")
        .env_remove("TRUNK_PUBLIC_URL")
        .env_remove("FIELDNOTES_BASE_PATH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for `child`, killing it (and failing) after [`LIMIT`].
fn finish(child: Child) -> Run {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(output) = rx.recv_timeout(LIMIT) else {
        signal(pid, "KILL");
        panic!("the command took longer than {LIMIT:?} and was killed");
    };
    let output = output.unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir, args).spawn().unwrap())
}

fn signal(pid: u32, name: &str) {
    Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A content folder of `n` posts, each a few paragraphs long.
fn many_posts(dir: &Path, n: usize) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("site.toml"), "title = \"Many\"\n").unwrap();
    let body = "The river rose overnight and the ferry waited. ".repeat(30);
    for i in 0..n {
        let text = format!(
            "---\ntitle: Day {i}\ndate: 2025-01-{:02}\ntags: [river, day{}]\n---\n{body}\n\n## Evening {i}\n\n{body}\n",
            i % 28 + 1,
            i % 50
        );
        fs::write(dir.join(format!("day-{i}.md")), text).unwrap();
    }
}

/// Names of the entries of `dir` starting with a dot: staging folders and temporary files.
fn hidden_entries(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walkdir(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name.contains(".tmp-") {
            found.push(entry.display().to_string());
        }
    }
    found
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walkdir(&path));
            }
            out.push(path);
        }
    }
    out
}

/// Whether this system lets a test mount a tmpfs of its own (`unshare -rm`).
fn namespaces() -> bool {
    let ok = Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: no private mount namespace here (`unshare -rm` failed), so no small disk to fill");
    }
    ok
}

/// Runs `script` (sh) in a private mount namespace where `$T` (the folder `disk`) is a tmpfs of
/// `kb` KB; `$FN` is the command, and each of `vars` is set.
fn on_small_disk(disk: &Path, kb: u32, script: &str, vars: &[(&str, &Path)]) -> Run {
    fs::create_dir_all(disk).unwrap();
    let full = format!("mount -t tmpfs -o size={kb}k fieldnotes-test \"$T\" || exit 99\n{script}");
    let mut command = Command::new("unshare");
    command
        .args(["-rm", "sh", "-c", &full])
        .env("T", disk)
        .env("FN", BIN)
        .current_dir(disk.parent().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, path) in vars {
        command.env(name, path);
    }
    let run = finish(command.spawn().unwrap());
    assert_ne!(run.code, Some(99), "cannot mount a tmpfs: {}", run.stderr);
    run
}

/// Fills `$T` to the last byte with a hidden file (`truncate -s -12k "$T/.fill"` frees a little).
const FILL: &str = "head -c 100000000 /dev/zero > \"$T/.fill\" 2>/dev/null\n";

#[test]
fn every_subcommand_answers_bad_arguments_with_its_usage_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[&[&str]] = &[
        &["--no-such-flag"],
        &["frobnicate"],
        &["build", "--no-such-flag"],
        &["build", "--content"],
        &["check", "--out", "x"],
        &["new"],
        &["new", "A title", "--content"],
        &["serve", "--port", "eighty"],
        &["serve", "--app-build", "sometimes"],
        &["stubs", "--compress", "maybe"],
        &["compress", "--dist"],
        &["size-report", "--no-such-flag"],
        &["import"],
        &["import", "blogger", "x.xml"],
        &["import", "wordpress"],
        &["import", "wordpress", "x.xml", "--media"],
        &["comments"],
        &["comments", "serve", "--listen", "not-an-address"],
        &["comments", "serve", "--per-day", "-3"],
        &["comments", "list", "--no-such-flag"],
        &["comments", "approve"],
        &["comments", "reject", "--db"],
        &["comments", "export", "--content"],
        &["comments", "purge", "--older-than"],
    ];
    for args in cases {
        let run = run(tmp.path(), args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        // clap says what is wrong and gives the usage or where to find it.
        assert!(
            run.stderr.contains("Usage:") || run.stderr.contains("try '--help'"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert!(
        fs::read_dir(tmp.path()).unwrap().next().is_none(),
        "a usage error writes nothing"
    );
}

#[test]
fn help_lists_the_exit_codes_the_commands_use() {
    let run = run(Path::new("."), &["--help"]);
    assert_eq!(run.code, Some(0));
    for line in ["Exit codes:", "  0 ", "  1 ", "  2 ", "  130 "] {
        assert!(run.stdout.contains(line), "{line:?} in {}", run.stdout);
    }
}

#[test]
fn folders_and_files_that_do_not_exist_are_named_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-folder");
    let m = s(&missing);
    let export = common::fixture("wordpress/export.xml");
    let cases: Vec<Vec<&str>> = vec![
        vec!["build", "--content", m, "--out", "out"],
        vec!["check", "--content", m],
        vec!["stubs", "--dist", m],
        vec!["compress", "--dist", m],
        vec!["size-report", "--dist", m],
        vec!["import", "wordpress", m, "--content", "imported"],
        vec![
            "import",
            "wordpress",
            s(&export),
            "--media",
            m,
            "--content",
            "imported",
        ],
        // Only `serve` creates a comments database; the moderation commands refuse a missing one.
        vec!["comments", "list", "--db", m],
        vec!["comments", "approve", "--db", m, "c-1"],
        vec!["comments", "reject", "--db", m, "c-1"],
        vec!["comments", "export", "--db", m, "--content", "content"],
        vec!["comments", "purge", "--db", m],
    ];
    for args in &cases {
        let run = run(tmp.path(), args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(m),
            "{args:?} names the path: {}",
            run.stderr
        );
    }
    let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert!(names.is_empty(), "nothing was written: {names:?}");
}

/// A path that cannot be a folder, root or not: below a regular file.
fn below_a_file(tmp: &Path) -> PathBuf {
    let file = tmp.join("a-file");
    fs::write(&file, "not a folder").unwrap();
    file.join("out")
}

#[test]
fn output_that_cannot_be_written_exits_1_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let content = site_with(&[(
        "river.md",
        b"---\ntitle: River\ndate: 2025-03-01\n---\nWater.\n",
    )]);
    let blocked = below_a_file(tmp.path());
    let b = s(&blocked);
    let export = common::fixture("wordpress/export.xml");
    let db = tmp.path().join("comments.sqlite");
    let cases: Vec<Vec<&str>> = vec![
        vec!["build", "--content", s(content.path()), "--out", b],
        vec!["new", "A title", "--content", b],
        vec!["import", "wordpress", s(&export), "--content", b],
    ];
    for args in &cases {
        let run = run(tmp.path(), args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("a-file"),
            "{args:?} names the path: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // Exporting comments into a content folder that cannot be written.
    fieldnotes::comments::Store::open(&db).unwrap();
    let run = run(
        tmp.path(),
        &["comments", "export", "--db", s(&db), "--content", b],
    );
    assert_eq!(
        run.code,
        Some(0),
        "no approved comments, nothing to write: {}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("a-file")).unwrap(),
        "not a folder"
    );
    assert!(
        hidden_entries(tmp.path()).is_empty(),
        "{:?}",
        hidden_entries(tmp.path())
    );
}

/// A built site in `dist`: the data of a few posts and the shell Trunk writes.
fn built_site(dist: &Path, posts: usize) {
    let content = tempfile::tempdir().unwrap();
    many_posts(content.path(), posts);
    build_to(content.path(), &dist.join("data")).unwrap();
    write_shell(dist);
}

#[test]
fn stubs_and_compress_on_a_read_only_site_exit_1_and_change_nothing() {
    if !namespaces() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    built_site(&dist, 3);
    let before = snapshot(&dist);
    let script = "mount --bind \"$D\" \"$D\" && mount -o remount,bind,ro \"$D\" || exit 98
\"$FN\" stubs --dist \"$D\" --compress never; echo \"stubs $?\"
\"$FN\" compress --dist \"$D\"; echo \"compress $?\"";
    let run = on_small_disk(&tmp.path().join("disk"), 64, script, &[("D", &dist)]);
    assert!(
        run.stdout.contains("stubs 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("compress 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains(s(&dist)),
        "names the folder: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Read-only file system"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&dist), before);
}

#[test]
fn a_disk_that_fills_up_mid_build_exits_1_and_keeps_the_previous_site() {
    if !namespaces() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let small = site_with(&[(
        "river.md",
        b"---\ntitle: River\ndate: 2025-03-01\n---\nWater.\n",
    )]);
    let big = tmp.path().join("big");
    many_posts(&big, 300);
    let after = tmp.path().join("after");
    let script = "\"$FN\" build --content \"$SMALL\" --out \"$T/data\" --image-cache \"$T/cache\" 2>/dev/null || exit 97
cp -a \"$T/data\" \"$AFTER.before\"
\"$FN\" build --content \"$BIG\" --out \"$T/data\" --image-cache \"$T/cache\"; echo \"build $?\"
cp -a \"$T/.\" \"$AFTER\"";
    let vars = [("SMALL", small.path()), ("BIG", &big), ("AFTER", &after)];
    let run = on_small_disk(&tmp.path().join("disk"), 256, script, &vars);
    assert!(
        run.stdout.contains("build 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("/data"),
        "names the output: {}",
        run.stderr
    );
    assert!(run.stderr.contains("left as it was"), "{}", run.stderr);
    let before = snapshot(&tmp.path().join("after.before"));
    assert!(!before.is_empty());
    assert_eq!(
        snapshot(&after.join("data")),
        before,
        "the previous site, unchanged"
    );
    assert_eq!(
        hidden_entries(&after),
        Vec::<String>::new(),
        "no staging folder left"
    );
}

/// Every file of `before` unchanged in `after`, and no temporary file anywhere in it.
fn kept(before: &BTreeMap<String, Vec<u8>>, after: &Path) {
    let now = snapshot(after);
    for (path, bytes) in before {
        assert!(now.get(path) == Some(bytes), "{path} changed or went");
    }
    let temporary: Vec<_> = now.keys().filter(|p| p.contains(".tmp-")).collect();
    assert!(temporary.is_empty(), "temporary files left: {temporary:?}");
}

#[test]
fn a_route_page_is_never_left_cut_short_when_the_disk_fills_up() {
    if !namespaces() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    built_site(&dist, 40);
    let before = snapshot(&dist);
    let after = tmp.path().join("after");
    let script = format!(
        "cp -a \"$D/.\" \"$T\"\n{FILL}truncate -s -12k \"$T/.fill\"
\"$FN\" stubs --dist \"$T\" --compress never; echo \"stubs $?\"
\"$FN\" compress --dist \"$T\"; echo \"compress $?\"
rm \"$T/.fill\"; cp -a \"$T/.\" \"$AFTER\""
    );
    // Room for the built site, which the script then fills up to its last 12 KB.
    let run = on_small_disk(
        &tmp.path().join("disk"),
        2048,
        &script,
        &[("D", &dist), ("AFTER", &after)],
    );
    assert!(
        run.stdout.contains("stubs 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("compress 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
    let index = fs::read_to_string(after.join("index.html")).unwrap();
    assert!(
        index.trim_end().ends_with("</html>"),
        "index.html whole: {index}"
    );
    // Files Trunk and the builder wrote are untouched (index.html may be replaced, whole).
    let mut untouched = before.clone();
    untouched.remove("index.html");
    kept(&untouched, &after);
    for (path, bytes) in snapshot(&after) {
        if path.ends_with(".html") {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.trim_end().ends_with("</html>"), "{path} cut short");
        }
    }
}

#[test]
fn a_new_post_on_a_full_disk_leaves_no_half_file() {
    if !namespaces() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let after = tmp.path().join("after");
    let script = format!(
        "mkdir \"$T/content\"\n{FILL}\"$FN\" new \"A long walk\" --content \"$T/content\"; echo \"new $?\"
rm \"$T/.fill\"; cp -a \"$T/.\" \"$AFTER\""
    );
    let run = on_small_disk(&tmp.path().join("disk"), 64, &script, &[("AFTER", &after)]);
    assert!(
        run.stdout.contains("new 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("a-long-walk.md"),
        "names the file: {}",
        run.stderr
    );
    assert!(
        snapshot(&after.join("content")).is_empty(),
        "no file, not even a part"
    );
}

/// A WordPress export of `n` posts.
fn big_export(path: &Path, n: usize) {
    let mut out = fs::File::create(path).unwrap();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wp=\"http://wordpress.org/export/1.2/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel><title>Many</title><link>https://many.example</link>\n"
    )
    .unwrap();
    let body = "<p>The river rose overnight and the <em>ferry</em> waited.</p>\n".repeat(20);
    for i in 0..n {
        writeln!(
            out,
            "<item><title>Day {i}</title><link>https://many.example/day-{i}/</link><content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{}</wp:post_id><wp:post_date>2024-03-05 10:20:00</wp:post_date><wp:post_name>day-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>",
            i + 1
        )
        .unwrap();
    }
    writeln!(out, "</channel></rss>").unwrap();
}

#[test]
fn an_import_onto_a_full_disk_exits_1_and_leaves_the_content_folder_as_it_was() {
    if !namespaces() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.xml");
    big_export(&export, 400);
    let after = tmp.path().join("after");
    let script = "mkdir \"$T/content\" && echo 'title = \"Mine\"' > \"$T/content/site.toml\"
\"$FN\" import wordpress \"$X\" --content \"$T/content\"; echo \"import $?\"
cp -a \"$T/.\" \"$AFTER\"";
    let run = on_small_disk(
        &tmp.path().join("disk"),
        128,
        script,
        &[("X", &export), ("AFTER", &after)],
    );
    assert!(
        run.stdout.contains("import 1\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert_eq!(
        snapshot(&after).into_keys().collect::<Vec<_>>(),
        ["content/site.toml"],
        "the content folder as it was, no staging folder"
    );
}

/// Spawns `args` in `dir`, sends Ctrl-C once `ready` holds (or after `at_most`), and returns how
/// it ended and how long it took after the signal.
fn interrupt(
    dir: &Path,
    args: &[&str],
    ready: impl Fn() -> bool,
    at_most: Duration,
) -> (Run, Duration, bool) {
    let child = command(dir, args).spawn().unwrap();
    let pid = child.id();
    let start = Instant::now();
    let mut seen = false;
    while start.elapsed() < at_most {
        if ready() {
            seen = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let sent = Instant::now();
    signal(pid, "INT");
    let run = finish(child);
    (run, sent.elapsed(), seen)
}

#[test]
fn ctrl_c_mid_build_exits_130_keeps_the_previous_site_and_removes_the_staging_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    many_posts(&content, 2000);
    let out = tmp.path().join("public/data");
    let small = site_with(&[(
        "river.md",
        b"---\ntitle: River\ndate: 2025-03-01\n---\nWater.\n",
    )]);
    build_to(small.path(), &out).unwrap();
    let before = snapshot(&out);
    let staging = tmp.path().join("public/.data.new");
    let args = ["build", "--content", s(&content), "--out", s(&out)];
    let (run, took, seen) = interrupt(tmp.path(), &args, || staging.exists(), LIMIT);
    assert!(seen, "the build reached its write stage: {}", run.stderr);
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(
        run.stderr.contains("interrupted by Ctrl-C"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(s(&out)), "{}", run.stderr);
    assert!(took < Duration::from_secs(10), "stopped promptly: {took:?}");
    assert_eq!(snapshot(&out), before, "the previous site, unchanged");
    assert_eq!(
        hidden_entries(&tmp.path().join("public")),
        Vec::<String>::new()
    );
}

#[test]
fn ctrl_c_before_anything_is_written_exits_130_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    many_posts(&content, 6000);
    let out = tmp.path().join("public/data");
    let args = ["check", "--content", s(&content)];
    let (run, took, _) = interrupt(tmp.path(), &args, || false, Duration::from_millis(150));
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("interrupted by Ctrl-C; no file was left half-written"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(!out.exists());
}

#[test]
fn ctrl_c_mid_import_exits_130_and_removes_the_staging_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.xml");
    big_export(&export, 3000);
    let content = tmp.path().join("content");
    fs::create_dir_all(&content).unwrap();
    fs::write(content.join("site.toml"), "title = \"Mine\"\n").unwrap();
    let before = snapshot(&content);
    let root = tmp.path().to_path_buf();
    let staging_exists = || {
        fs::read_dir(&root).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .contains("import-tmp")
        })
    };
    let args = ["import", "wordpress", s(&export), "--content", s(&content)];
    let (run, took, seen) = interrupt(tmp.path(), &args, staging_exists, LIMIT);
    assert!(seen, "the import reached its write stage: {}", run.stderr);
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(
        run.stderr.contains("interrupted by Ctrl-C"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(snapshot(&content), before, "the content folder as it was");
    assert_eq!(hidden_entries(tmp.path()), Vec::<String>::new());
}

/// Starts `comments serve` on a copy of `$H/comments.sqlite` in a small tmpfs, listening on
/// `listen`; the tmpfs is filled once `$H/go` exists (then `$H/filled` appears). When the server
/// ends, its database is copied to `$H/after/`. Returns the thread that waits for it.
fn serve_on_small_disk(h: &Path, listen: &str) -> std::thread::JoinHandle<Run> {
    let script = format!(
        "cp \"$H/comments.sqlite\" \"$T/\"
\"$FN\" comments serve --db \"$T/comments.sqlite\" --site \"$H/dist\" --listen {listen} &
echo $! > \"$H/pid\"
while [ ! -e \"$H/go\" ]; do sleep 0.05; done
{FILL}touch \"$H/filled\"
wait $!; echo \"serve $?\"
mkdir \"$H/after\"; cp \"$T\"/comments.sqlite* \"$H/after/\""
    );
    let h = h.to_path_buf();
    std::thread::spawn(move || on_small_disk(&h.join("disk"), 2048, &script, &[("H", &h)]))
}

/// Sends a comment with a valid token (signed with `key`); the status and the JSON answer.
fn send_comment(listen: &str, key: &[u8], body: &str) -> (u16, Value) {
    use fieldnotes::comments::token;
    let comment = json!({
        "post": "river", "author": "Sophea", "body": body,
        "token": token::issue_at(key, token::now_ms() - 61_000),
        "client_key": fieldnotes::comments::new_id(), "hp": ""
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = format!("http://{listen}/api/comments");
        let res = reqwest::Client::new()
            .post(&url)
            .json(&comment)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json::<Value>().await.unwrap_or(Value::Null))
    })
}

/// Waits until `ready` holds, failing after 30 s.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not happen"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The comment intake server on a disk that fills up while it runs: a comment it cannot store is
/// answered 503 with a JSON error, the server goes on answering, and what it stored before stays.
#[test]
fn the_comment_server_on_a_full_disk_answers_503_and_keeps_its_comments() {
    if !namespaces() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path();
    let post = b"---\ntitle: River\ndate: 2025-03-01\n---\nWater.\n";
    let content = site_with(&[("river.md", post)]);
    build_to(content.path(), &h.join("dist/data")).unwrap();
    let store = fieldnotes::comments::Store::open(&h.join("comments.sqlite")).unwrap();
    let key = store.token_key().unwrap();
    drop(store);
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = free.local_addr().unwrap().to_string();
    drop(free);
    let server = serve_on_small_disk(h, &listen);
    wait_for("the server start", || {
        std::net::TcpStream::connect(&listen).is_ok()
    });
    let (status, first) = send_comment(&listen, &key, "Before the disk filled.");
    assert_eq!(status, 202, "{first}");
    fs::write(h.join("go"), "").unwrap();
    wait_for("the disk filling up", || h.join("filled").exists());
    let long = "A long comment that needs room. ".repeat(200);
    let (status, v) = send_comment(&listen, &key, &long);
    assert_eq!(status, 503, "{v}");
    let message = v["error"].as_str().unwrap_or_default();
    assert!(message.contains("send it again"), "{v}");
    let (status, again) = send_comment(&listen, &key, "Still answering?");
    assert!(
        [202, 503].contains(&status),
        "still answers: {status} {again}"
    );
    let pid = fs::read_to_string(h.join("pid")).unwrap();
    signal(pid.trim().parse().unwrap(), "INT");
    let run = server.join().unwrap();
    assert!(
        run.stdout.contains("serve 0\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("cannot store a comment"),
        "{}",
        run.stderr
    );
    let kept = fieldnotes::comments::Store::open(&h.join("after/comments.sqlite"))
        .unwrap()
        .list(false)
        .unwrap();
    let first_id = first["id"].as_str().unwrap();
    assert!(
        kept.iter().any(|c| c.id == first_id),
        "the first comment kept"
    );
}

#[test]
fn ctrl_c_mid_stubs_or_compress_exits_130_and_changes_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    built_site(&dist, 1500);
    let stubs = ["stubs", "--dist", s(&dist), "--compress", "never"];
    let done = run(tmp.path(), &stubs);
    assert_eq!(done.code, Some(0), "{}", done.stderr);
    // New data (every page's title changes), then the stubs are stopped as they write.
    let content = tmp.path().join("content");
    many_posts(&content, 1500);
    fs::write(content.join("site.toml"), "title = \"Renamed\"\n").unwrap();
    build_to(&content, &dist.join("data")).unwrap();
    let before = snapshot(&dist);
    let writing = || !hidden_entries(&dist).is_empty();
    let (stopped, took, seen) = interrupt(tmp.path(), &stubs, writing, LIMIT);
    assert!(seen, "the stubs began writing: {}", stopped.stderr);
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert!(took < Duration::from_secs(10), "stopped promptly: {took:?}");
    assert_eq!(snapshot(&dist), before, "every page as it was");
    assert_eq!(hidden_entries(&dist), Vec::<String>::new());
    // The same for the compressed copies: none, rather than some.
    let compress = ["compress", "--dist", s(&dist)];
    let (stopped, _, seen) = interrupt(tmp.path(), &compress, writing, LIMIT);
    assert!(seen, "compress began writing: {}", stopped.stderr);
    assert_eq!(stopped.code, Some(130), "{}", stopped.stderr);
    assert_eq!(snapshot(&dist), before, "no copy written");
    assert_eq!(hidden_entries(&dist), Vec::<String>::new());
}

#[test]
fn stubs_again_over_the_same_data_change_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    built_site(&dist, 20);
    let stubs = ["stubs", "--dist", s(&dist), "--compress", "never"];
    let first = run(tmp.path(), &stubs);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let times = |dir: &Path| -> BTreeMap<PathBuf, std::time::SystemTime> {
        walkdir(dir)
            .into_iter()
            .filter(|p| p.is_file())
            .map(|p| {
                let time = fs::metadata(&p).unwrap().modified().unwrap();
                (p, time)
            })
            .collect()
    };
    let before = times(&dist);
    std::thread::sleep(Duration::from_millis(20));
    let again = run(tmp.path(), &stubs);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(
        again.stderr.contains("(0 files new or changed"),
        "{}",
        again.stderr
    );
    assert_eq!(
        times(&dist),
        before,
        "every file as it was, its time included"
    );
}
