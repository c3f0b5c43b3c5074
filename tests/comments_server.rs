//! The comment intake server, spoken to over HTTP on 127.0.0.1: every validation rule, the
//! honeypot, form tokens, rate limits, duplicates and retries, restarts, concurrent writers, CORS,
//! the status endpoint, and the moderation commands (list, approve, reject, export, purge).

mod common;

use common::{build_to, site_with};
use fieldnotes::comments::{cli, start, token, ServeOptions, Server, Status, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const POST: &[u8] =
    b"---\ntitle: By the river\ndate: 2025-03-01\n---\nWe walked along the water.\n";
const OTHER: &[u8] = b"---\ntitle: Up the hills\ndate: 2025-03-02\n---\nA long climb.\n";
const PUBLISHED: &[u8] =
    b"---\nid: \"old-1\"\npost: river\nauthor: Dara\ndate: 2025-03-03T08:00:00Z\n---\nLovely light.\n";

/// A content folder with two posts (one with a published comment), built; and a temp folder.
struct Fixture {
    content: tempfile::TempDir,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let content = site_with(&[
            ("river.md", POST),
            ("hills.md", OTHER),
            ("comments/river/old-1.md", PUBLISHED),
        ]);
        let dir = tempfile::tempdir().unwrap();
        build_to(content.path(), &dir.path().join("dist/data")).unwrap();
        Fixture { content, dir }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("comments.sqlite")
    }
    fn options(&self) -> ServeOptions {
        let mut opts = ServeOptions::new(self.db(), self.dir.path().join("dist"));
        opts.listen = "127.0.0.1:0".parse().unwrap();
        opts.wait_ms = 0;
        opts.origin = Some("https://blog.example".into());
        opts
    }
    async fn serve(&self) -> Server {
        start(self.options()).await.unwrap()
    }
}

fn url(server: &Server, path: &str) -> String {
    format!("http://{}{path}", server.addr)
}

async fn token(server: &Server) -> String {
    let v: Value = reqwest::get(url(server, "/api/comments/token"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// A valid comment, with a fresh client key; tests change one field at a time.
async fn comment(server: &Server, body: &str) -> Value {
    json!({
        "post": "river", "parent": null, "author": "Sophea", "email": "s@example.org",
        "website": "https://sophea.example", "body": body, "token": token(server).await,
        "client_key": fieldnotes::comments::new_id(), "hp": ""
    })
}

async fn post(server: &Server, body: &Value) -> (u16, Value, reqwest::header::HeaderMap) {
    post_from(server, body, "203.0.113.1").await
}

async fn post_from(
    server: &Server,
    body: &Value,
    client: &str,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let res = reqwest::Client::new()
        .post(url(server, "/api/comments"))
        .header("x-forwarded-for", client)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, res.json().await.unwrap_or(Value::Null), headers)
}

fn stored(db: &Path) -> Vec<fieldnotes::comments::StoredComment> {
    Store::open(db).unwrap().list(false).unwrap()
}

#[tokio::test]
async fn a_valid_comment_is_stored_pending_and_answered_202() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let (status, v, _) = post(&server, &comment(&server, "Thank you for this.").await).await;
    assert_eq!(status, 202, "{v}");
    assert_eq!(v["status"], "pending");
    let id = v["id"].as_str().unwrap();
    assert!(id.starts_with("c-"));
    server.stop().await.unwrap();
    let all = stored(&fx.db());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, id);
    assert_eq!(all[0].status, Status::Pending);
    assert_eq!(all[0].email.as_deref(), Some("s@example.org"));
}

#[tokio::test]
async fn every_field_is_checked_and_the_refusal_names_it() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let long = "x".repeat(8001);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("post", json!("no-such-post"), "post"),
        ("parent", json!("c-nothere"), "parent"),
        ("parent", json!("old-1-elsewhere"), "parent"),
        ("author", json!("  "), "author"),
        ("author", json!("a".repeat(81)), "author"),
        ("email", json!("not-an-email"), "email"),
        (
            "email",
            json!(format!("{}@example.org", "a".repeat(250))),
            "email",
        ),
        ("website", json!("javascript:alert(1)"), "website"),
        (
            "website",
            json!(format!("https://{}.example", "a".repeat(200))),
            "website",
        ),
        ("body", json!("   "), "body"),
        ("body", json!(long), "body"),
    ];
    for (field, value, named) in cases {
        let mut c = comment(&server, "A fine post.").await;
        c[field] = value.clone();
        let (status, v, _) = post(&server, &c).await;
        assert!(
            (400..500).contains(&status),
            "{field}={value}: {status} {v}"
        );
        let message = v["error"].as_str().unwrap();
        assert!(message.starts_with(named), "{field}: {message}");
    }
    // The published comment on this post may be answered; on another post it may not.
    let mut reply = comment(&server, "Agreed, the light was lovely.").await;
    reply["parent"] = json!("old-1");
    assert_eq!(post(&server, &reply).await.0, 202);
    let mut wrong = comment(&server, "Wrong thread.").await;
    wrong["post"] = json!("hills");
    wrong["parent"] = json!("old-1");
    assert_eq!(post(&server, &wrong).await.0, 422);
    // Optional fields may be left out or empty.
    let mut bare = comment(&server, "No email, no site.").await;
    bare["email"] = json!("");
    bare.as_object_mut().unwrap().remove("website");
    assert_eq!(post(&server, &bare).await.0, 202);
    assert_eq!(stored(&fx.db()).len(), 2, "only the valid ones are stored");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_reply_may_answer_a_pending_comment_of_the_same_post() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let (_, first, _) = post(&server, &comment(&server, "First!").await).await;
    let mut reply = comment(&server, "A reply to a pending comment.").await;
    reply["parent"] = first["id"].clone();
    let (status, v, _) = post(&server, &reply).await;
    assert_eq!(status, 202, "{v}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn only_json_and_only_small_bodies() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let c = comment(&server, "Form-encoded.").await;
    let res = reqwest::Client::new()
        .post(url(&server, "/api/comments"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(c.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 415);
    let v: Value = res.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("JSON"));
    let mut big = comment(&server, "x").await;
    big["body"] = json!("y".repeat(17 * 1024));
    assert_eq!(post(&server, &big).await.0, 413);
    let res = reqwest::Client::new()
        .post(url(&server, "/api/comments"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert!(stored(&fx.db()).is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_honeypot_pretends_and_keeps_nothing() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let mut c = comment(&server, "Buy now").await;
    c["hp"] = json!("http://spam.example");
    let (status, v, _) = post(&server, &c).await;
    assert_eq!(status, 202);
    assert_eq!(v["status"], "pending");
    assert!(stored(&fx.db()).is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn tokens_too_young_expired_or_forged_are_refused() {
    let fx = Fixture::new();
    let mut opts = fx.options();
    opts.wait_ms = 60_000;
    let server = start(opts).await.unwrap();
    let v: Value = reqwest::get(url(&server, "/api/comments/token"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["wait_ms"], 60_000);
    let (status, v, _) = post(&server, &comment(&server, "Too quick.").await).await;
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("wait a few seconds"));
    let key = Store::open(&fx.db()).unwrap().token_key().unwrap();
    let mut old = comment(&server, "Too late.").await;
    old["token"] = json!(token::issue_at(
        &key,
        token::now_ms() - token::MAX_AGE_MS - 1
    ));
    let (status, v, _) = post(&server, &old).await;
    assert_eq!(status, 403);
    assert!(v["error"].as_str().unwrap().contains("reload the page"));
    let mut ok = comment(&server, "Just right.").await;
    ok["token"] = json!(token::issue_at(&key, token::now_ms() - 61_000));
    assert_eq!(post(&server, &ok).await.0, 202);
    let mut forged = comment(&server, "Made up.").await;
    forged["token"] = json!(token::issue_at(b"not the key", token::now_ms() - 61_000));
    assert_eq!(post(&server, &forged).await.0, 403);
    assert_eq!(stored(&fx.db()).len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn rate_limits_per_client_with_retry_after() {
    let fx = Fixture::new();
    let mut opts = fx.options();
    opts.trust_proxy = true;
    let server = start(opts).await.unwrap();
    for i in 0..5 {
        let c = comment(&server, &format!("Comment number {i}.")).await;
        assert_eq!(post(&server, &c).await.0, 202);
    }
    let c = comment(&server, "One too many.").await;
    let (status, _, headers) = post(&server, &c).await;
    assert_eq!(status, 429);
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    // Another reader is not held back, and the first reader's address is nowhere in the database.
    assert_eq!(post_from(&server, &c, "198.51.100.7").await.0, 202);
    server.stop().await.unwrap();
    let raw = std::fs::read(fx.db()).unwrap();
    let wal = std::fs::read(fx.db().with_extension("sqlite-wal")).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(!bytes.windows(11).any(|w| w == b"203.0.113.1"));
    }
}

#[tokio::test]
async fn duplicates_are_refused_and_retries_stored_once() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let c = comment(&server, "Said once.").await;
    let (s1, v1, _) = post(&server, &c).await;
    let (s2, v2, _) = post(&server, &c).await;
    assert_eq!((s1, s2), (202, 202));
    assert_eq!(
        v1, v2,
        "a retry with the same client key gets the same answer"
    );
    let again = comment(&server, "Said once.").await;
    let (status, v, _) = post(&server, &again).await;
    assert_eq!(status, 409);
    assert!(v["error"].as_str().unwrap().contains("already sent"));
    assert_eq!(stored(&fx.db()).len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn many_links_are_held() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let body = "See https://a.example and https://b.example and http://c.example";
    let (status, v, _) = post(&server, &comment(&server, body).await).await;
    assert_eq!((status, v["status"].as_str()), (202, Some("held")));
    let two = "See https://a.example and https://b.example";
    let (_, v, _) = post(&server, &comment(&server, two).await).await;
    assert_eq!(v["status"], "pending");
    server.stop().await.unwrap();
    let lines = cli::list(&fx.db(), true).unwrap();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("\tpending held\t"), "{}", lines[0]);
    assert!(!lines[1].contains("held"), "{}", lines[1]);
}

#[tokio::test]
async fn a_restart_loses_nothing() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let c = comment(&server, "Before the restart.").await;
    let (_, v, _) = post(&server, &c).await;
    server.stop().await.unwrap();
    let server = fx.serve().await;
    let status: Value = reqwest::get(url(
        &server,
        &format!("/api/comments?post=river&ids={}", v["id"].as_str().unwrap()),
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(status["comments"][0]["status"], "pending");
    // The same retry after the restart is still stored once, and the old token key still signs.
    assert_eq!(post(&server, &c).await.1, v);
    server.stop().await.unwrap();
    assert_eq!(stored(&fx.db()).len(), 1);
}

#[tokio::test]
async fn concurrent_writers_each_stored_exactly_once() {
    let fx = Fixture::new();
    let mut opts = fx.options();
    opts.trust_proxy = true;
    let server = std::sync::Arc::new(start(opts).await.unwrap());
    let mut tasks = Vec::new();
    for i in 0..50 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let c = comment(&server, &format!("Comment {i} sent at once.")).await;
            let client = format!("192.0.2.{i}");
            // Each sends twice, as a browser retrying after a lost answer might.
            let (a, va, _) = post_from(&server, &c, &client).await;
            let (b, vb, _) = post_from(&server, &c, &client).await;
            assert_eq!((a, b), (202, 202));
            assert_eq!(va, vb);
            va["id"].as_str().unwrap().to_owned()
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    let server = std::sync::Arc::into_inner(server).unwrap();
    server.stop().await.unwrap();
    let all = stored(&fx.db());
    assert_eq!(all.len(), 50);
    ids.sort();
    let mut got: Vec<String> = all.into_iter().map(|c| c.id).collect();
    got.sort();
    assert_eq!(ids, got);
}

#[tokio::test]
async fn cors_allows_only_the_sites_origin_and_sets_no_cookie() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let client = reqwest::Client::new();
    let res = client
        .request(reqwest::Method::OPTIONS, url(&server, "/api/comments"))
        .header("origin", "https://blog.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "https://blog.example");
    assert!(h["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .eq_ignore_ascii_case("content-type"));
    assert_eq!(h["access-control-max-age"], "86400");
    assert!(h["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("origin"));
    let res = client
        .get(url(&server, "/api/comments/token"))
        .header("origin", "https://blog.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://blog.example"
    );
    assert!(res.headers().get("set-cookie").is_none());
    let res = client
        .post(url(&server, "/api/comments"))
        .header("origin", "https://evil.example")
        .json(&comment(&server, "From elsewhere.").await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    // The server's own origin (behind a proxy on the same host) is answered too.
    let own = format!("http://{}", server.addr);
    let res = client
        .post(url(&server, "/api/comments"))
        .header("origin", own)
        .json(&comment(&server, "From the same origin.").await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 202);
    assert_eq!(stored(&fx.db()).len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_status_endpoint_tells_only_of_the_ids_named() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let (_, a, _) = post(&server, &comment(&server, "Mine.").await).await;
    let (_, b, _) = post(&server, &comment(&server, "Someone else's.").await).await;
    let a = a["id"].as_str().unwrap().to_owned();
    cli::decide(&fx.db(), std::slice::from_ref(&a), Status::Approved).unwrap();
    let v: Value = reqwest::get(url(
        &server,
        &format!("/api/comments?post=river&ids={a},c-none"),
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(v, json!({"comments": [{"id": a, "status": "approved"}]}));
    assert!(!v.to_string().contains(b["id"].as_str().unwrap()));
    let v: Value = reqwest::get(url(&server, &format!("/api/comments?post=hills&ids={a}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v,
        json!({"comments": []}),
        "ids of another post are not told"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn moderate_export_and_the_builder_threads_the_comments() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let (_, top, _) = post(&server, &comment(&server, "A *top* comment.").await).await;
    let mut reply = comment(&server, "A reply, with \"quotes\": and a colon.").await;
    reply["parent"] = top["id"].clone();
    reply["author"] = json!("Mara: \"M\"");
    let (_, rep, _) = post(&server, &reply).await;
    let (_, bad, _) = post(&server, &comment(&server, "Rejected one.").await).await;
    server.stop().await.unwrap();
    let (top, rep, bad) = (
        top["id"].as_str().unwrap().to_owned(),
        rep["id"].as_str().unwrap().to_owned(),
        bad["id"].as_str().unwrap().to_owned(),
    );
    let db = fx.db();
    assert_eq!(cli::list(&db, true).unwrap().len(), 3);
    assert!(cli::list(&db, false).unwrap()[0]
        .starts_with(&format!("{top}\tpending\triver\tSophea\tA *top*")));
    cli::decide(&db, &[top.clone(), rep.clone()], Status::Approved).unwrap();
    cli::decide(&db, std::slice::from_ref(&bad), Status::Rejected).unwrap();
    assert!(cli::decide(&db, &["c-missing".into()], Status::Approved)
        .unwrap_err()
        .to_string()
        .contains("c-missing"));
    assert!(cli::list(&db, true).unwrap().is_empty());

    let content = fx.content.path();
    assert_eq!(cli::export_to(&db, content).unwrap(), (2, 0));
    let file = content.join(format!("comments/river/{rep}.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("@example.org") && !text.contains("email"),
        "{text}"
    );
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert_eq!(cli::export_to(&db, content).unwrap(), (0, 2), "idempotent");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
    assert!(!content.join(format!("comments/river/{bad}.md")).exists());

    let site = fieldnotes::builder::load_site(&fieldnotes::builder::BuildOptions {
        content: content.to_path_buf(),
        today: Some("2030-01-01".into()),
        ..Default::default()
    })
    .unwrap();
    let thread = &site.comments["river"];
    assert_eq!(thread.count, 3, "the published one and the two exported");
    let top_c = thread.comments.iter().find(|c| c.id == top).unwrap();
    assert_eq!(top_c.replies.len(), 1);
    assert_eq!(top_c.replies[0].id, rep);
    assert_eq!(top_c.replies[0].author, "Mara: \"M\"");
}

#[tokio::test]
async fn purge_drops_rejected_and_forgets_address_hashes() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let (_, kept, _) = post(&server, &comment(&server, "Kept.").await).await;
    let (_, gone, _) = post(&server, &comment(&server, "Dropped.").await).await;
    server.stop().await.unwrap();
    let gone = gone["id"].as_str().unwrap().to_owned();
    cli::decide(&fx.db(), std::slice::from_ref(&gone), Status::Rejected).unwrap();
    assert_eq!(
        cli::purge(&fx.db(), "90d").unwrap(),
        (0, 0),
        "nothing is old yet"
    );
    let salt_before = Store::open(&fx.db()).unwrap().client_hash("x").unwrap();
    assert_eq!(cli::purge(&fx.db(), "0s").unwrap(), (1, 1));
    let store = Store::open(&fx.db()).unwrap();
    assert_eq!(store.hashes_kept().unwrap(), 0);
    assert_ne!(store.client_hash("x").unwrap(), salt_before, "a new salt");
    let left: Vec<String> = store
        .list(false)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(left, vec![kept["id"].as_str().unwrap().to_owned()]);
    assert!(cli::purge(&fx.db(), "soon")
        .unwrap_err()
        .to_string()
        .contains("90d"));
}

#[tokio::test]
async fn notify_gets_the_comment_on_stdin_without_the_email() {
    let fx = Fixture::new();
    let out = fx.dir.path().join("notified.json");
    let mut opts = fx.options();
    opts.notify = Some(format!("cat > '{}'", out.display()));
    let server = start(opts).await.unwrap();
    let (_, v, _) = post(&server, &comment(&server, "Tell the author.").await).await;
    let mut text = String::new();
    for _ in 0..100 {
        text = std::fs::read_to_string(&out).unwrap_or_default();
        if text.ends_with('}') {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let got: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(got["id"], v["id"]);
    assert_eq!(got["body"], "Tell the author.");
    assert_eq!(got["post"], "river");
    assert!(!text.contains("s@example.org") && got.get("email").is_none());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_command_line_lists_approves_and_names_unknown_ids() {
    let fx = Fixture::new();
    let server = fx.serve().await;
    let (_, v, _) = post(
        &server,
        &comment(&server, "Through the command line.").await,
    )
    .await;
    server.stop().await.unwrap();
    let id = v["id"].as_str().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
            .arg("comments")
            .args(args)
            .arg("--db")
            .arg(fx.db())
            .output()
            .unwrap()
    };
    let out = run(&["list", "--pending"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{id}\tpending\triver\tSophea\tThrough")),
        "{text}"
    );
    assert!(run(&["approve", id]).status.success());
    assert_eq!(run(&["list", "--pending"]).stdout, b"");
    let out = run(&["reject", "c-nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("c-nope"));
    let content = fx.dir.path().join("exported");
    let out = run(&["export", "--content", content.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(content.join(format!("comments/river/{id}.md")).is_file());
}

#[tokio::test]
async fn the_sites_own_base_url_needs_no_origin_option() {
    let content = site_with(&[("river.md", POST)]);
    std::fs::write(
        content.path().join("site.toml"),
        "title = \"T\"\nbase_url = \"https://Notes.Example.org/blog/\"\nbase_path = \"/blog/\"\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    build_to(content.path(), &dir.path().join("dist/data")).unwrap();
    let mut opts = ServeOptions::new(dir.path().join("c.sqlite"), dir.path().join("dist"));
    opts.listen = "127.0.0.1:0".parse().unwrap();
    opts.wait_ms = 0;
    let server = start(opts).await.unwrap();
    let client = reqwest::Client::new();
    let from = |origin: &'static str| {
        let client = client.clone();
        let server = &server;
        async move {
            client
                .post(url(server, "/api/comments"))
                .header("origin", origin)
                .json(&comment(server, "From the blog.").await)
                .send()
                .await
                .unwrap()
        }
    };
    let res = from("https://notes.example.org").await;
    assert_eq!(res.status().as_u16(), 202);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://notes.example.org"
    );
    assert_eq!(
        from("https://other.example.org").await.status().as_u16(),
        403
    );
    server.stop().await.unwrap();
}

/// The server run as the command an operator starts: a refused origin is logged once, with the
/// two ways to allow it.
#[test]
fn a_refused_origin_is_logged_once_with_the_fix() {
    use std::io::{Read, Write};
    let fx = Fixture::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dist = fx.dir.path().join("dist");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["comments", "serve", "--db"])
        .arg(fx.db())
        .arg("--site")
        .arg(&dist)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let ask = || {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream
            .write_all(b"GET /api/comments/token HTTP/1.1\r\nHost: x\r\nOrigin: https://stranger.example\r\nConnection: close\r\n\r\n")
            .ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        Some(answer)
    };
    let mut answers = Vec::new();
    while answers.len() < 3 && std::time::Instant::now() < deadline {
        match ask() {
            Some(answer) => answers.push(answer),
            None => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert_eq!(answers.len(), 3, "the server answered: {log}");
    assert!(
        answers.iter().all(|a| a.starts_with("HTTP/1.1 403")),
        "{answers:?}"
    );
    assert_eq!(
        log.matches("refused comments from pages of https://stranger.example")
            .count(),
        1,
        "{log}"
    );
    assert!(log.contains("--origin https://stranger.example"), "{log}");
    assert!(
        log.contains("base_url = \"https://stranger.example\""),
        "{log}"
    );
    assert!(status.success(), "{log}");
}
