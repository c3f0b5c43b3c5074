//! The preview's web server: HTTP/1.1 on 127.0.0.1 through axum and hyper (the stack of the
//! comment intake server), with keep-alive. It answers from the site in memory first, then from
//! the app folder (the app's own files only: never data or pages, which would be stale), with the
//! headers the site's own `_headers` gives each path (its Content-Security-Policy above all, so a
//! page meets in the preview the policy it will meet once deployed; never its `Cache-Control`:
//! the preview is never cached). It keeps a stream of Server-Sent Events open to every page,
//! telling it to reload after a rebuild or showing what broke.
//!
//! Every HTML response gets one `<script src>` for [`LIVE_SCRIPT`]: an external file, so the
//! site's Content-Security-Policy (`script-src 'self'`, `connect-src 'self'`) allows it and its
//! event stream unchanged. Nothing of it is ever written to a file.

use super::site::Files;
use axum::extract::{Query, State as Shared};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::stream::{self, Stream, StreamExt};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// The script every served page loads: follows the event stream, reloads, shows problems.
pub const LIVE_SCRIPT: &str = "_fieldnotes/live.js";
const EVENTS: &str = "_fieldnotes/events";
const LIVE_JS: &str = include_str!("live.js");
/// The worker the preview serves instead of the site's: it removes itself and its caches, so a
/// reader's browser never answers from a cache made by an earlier build.
const WORKER_JS: &str = include_str!("sw.js");
/// A comment line sent this often keeps idle event streams open through proxies.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// What the server shows, shared with the rebuilding thread.
pub struct State {
    pub files: Files,
    /// Counts good rebuilds; a page loaded at one generation reloads when it hears of another.
    pub generation: u64,
    /// What is wrong with the content now (the last good site is still served).
    pub problem: Option<String>,
    /// The site's base path (`/`, `/blog/`).
    pub base: String,
}

/// The running server's shared parts.
#[derive(Clone)]
pub struct Server {
    pub state: Arc<RwLock<State>>,
    app: PathBuf,
    events: broadcast::Sender<Event>,
}

/// What a page is told.
#[derive(Clone, Debug)]
pub enum Event {
    /// The site changed: reload.
    Reload(u64),
    /// The content has a problem: show it.
    Problem(String),
}

impl Server {
    pub fn new(app: &Path) -> Server {
        let state = State {
            files: Files::new(),
            generation: 0,
            problem: None,
            base: "/".into(),
        };
        Server {
            state: Arc::new(RwLock::new(state)),
            app: app.to_path_buf(),
            events: broadcast::channel(64).0,
        }
    }

    /// Tells every open page.
    pub fn broadcast(&self, event: &Event) {
        // No page open is no error.
        let _ = self.events.send(event.clone());
    }

    /// Serves connections on `listener` until the process ends.
    pub fn run(self, listener: TcpListener) -> std::io::Result<()> {
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let router = Router::new().fallback(answer).with_state(self);
            axum::serve(listener, router).await
        })
    }

    fn generation(&self) -> u64 {
        self.state.read().map_or(0, |s| s.generation)
    }

    /// The status, file name and bytes for a path relative to the site's root.
    fn lookup(&self, relative: &str, base: &str) -> (u16, String, Vec<u8>) {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        let trimmed = relative.trim_end_matches('/');
        let mut candidates = vec![format!("{trimmed}/index.html"), relative.to_string()];
        if trimmed.is_empty() {
            candidates = vec!["index.html".to_string()];
        }
        for name in &candidates {
            if let Some(bytes) = state.files.get(name) {
                return (200, name.clone(), bytes.to_vec());
            }
        }
        // The app's own files (its JS, WASM, CSS, icons); never data or HTML, which only the
        // site in memory may answer.
        let from_app = !relative.starts_with(crate::model::DATA_DIR)
            && !relative.ends_with(".html")
            && !relative.contains("..");
        if from_app && !relative.is_empty() {
            if let Ok(bytes) = std::fs::read(self.app.join(relative)) {
                return (200, relative.to_string(), bytes);
            }
        }
        if let Some(problem) = state.problem.as_ref().filter(|_| state.files.is_empty()) {
            let page = problem_page(problem, base);
            return (500, "problem.html".into(), page.into_bytes());
        }
        let not_found = state.files.get(crate::routes::NOT_FOUND_FILE);
        let body = not_found.map_or(b"not found".to_vec(), |b| b.to_vec());
        (404, crate::routes::NOT_FOUND_FILE.into(), body)
    }

    /// The headers the site's `_headers` gives the URL path `path`, but a `Cache-Control` that
    /// would keep a file whose name does not change with its content (the reply's `no-store`
    /// stays then, so every edit shows). A file named by its content (the app's, a post's) is
    /// `immutable` there, and keeps it: a reload after an edit takes the app from the browser's
    /// cache, as a reader's browser does.
    fn site_headers(&self, path: &str) -> Vec<(String, String)> {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        let Some(rules) = state.files.get(crate::builder::HEADERS_FILE) else {
            return Vec::new();
        };
        headers_for(&String::from_utf8_lossy(rules), path)
            .into_iter()
            .filter(|(name, value)| {
                !name.eq_ignore_ascii_case("cache-control") || value.contains("immutable")
            })
            .collect()
    }
}

/// Every request: the event stream, the live script, the worker, or a file of the site.
async fn answer(
    Shared(server): Shared<Server>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            b"only GET and HEAD".to_vec(),
        );
    }
    let path = percent_encoding::percent_decode_str(uri.path())
        .decode_utf8_lossy()
        .into_owned();
    let base = server.state.read().map_or("/".into(), |s| s.base.clone());
    let Some(relative) = path.strip_prefix(&base).or_else(|| path.strip_prefix('/')) else {
        return plain(StatusCode::NOT_FOUND, "text/plain", b"not found".to_vec());
    };
    let mut response = match relative {
        EVENTS => {
            let since = query.get("since").and_then(|n| n.parse::<u64>().ok());
            return events(&server, since).into_response();
        }
        LIVE_SCRIPT => plain(
            StatusCode::OK,
            "text/javascript",
            LIVE_JS.as_bytes().to_vec(),
        ),
        crate::routes::WORKER_FILE => plain(
            StatusCode::OK,
            "text/javascript",
            WORKER_JS.as_bytes().to_vec(),
        ),
        _ => {
            let (status, file, body) = server.lookup(relative, &base);
            let body = if file.ends_with(".html") {
                with_live_script(&body, &base, server.generation())
            } else {
                body
            };
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            plain(status, content_type(&file), body)
        }
    };
    let headers = response.headers_mut();
    for (name, value) in server.site_headers(&path) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

fn plain(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The event stream of one page: a reload at once if the site changed since the page was served
/// (`since`), the current problem if any, then every event as it comes.
fn events(
    server: &Server,
    since: Option<u64>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let receiver = server.events.subscribe();
    let (generation, problem) = {
        let state = server.state.read().unwrap_or_else(|e| e.into_inner());
        (state.generation, state.problem.clone())
    };
    let mut first = vec![SseEvent::default().retry(Duration::from_millis(500))];
    if since.is_some_and(|since| since != generation) {
        first.push(sse(&Event::Reload(generation)));
    }
    if let Some(problem) = problem {
        first.push(sse(&Event::Problem(problem)));
    }
    let later = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((sse(&event), receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let all = stream::iter(first).chain(later).map(Ok);
    Sse::new(all).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

fn sse(event: &Event) -> SseEvent {
    match event {
        Event::Reload(generation) => SseEvent::default()
            .event("reload")
            .data(generation.to_string()),
        Event::Problem(text) => SseEvent::default().event("problem").data(text),
    }
}

/// The headers `_headers` (Netlify's and Cloudflare Pages' format) gives `path`: each block's
/// pattern is a path, where a `*` matches any run of characters; later blocks win.
fn headers_for(rules: &str, path: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut applies = false;
    for line in rules.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            applies = pattern_matches(line.trim(), path);
            continue;
        }
        if let (true, Some((name, value))) = (applies, line.trim().split_once(':')) {
            found.retain(|(n, _)| !n.eq_ignore_ascii_case(name.trim()));
            found.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    found
}

/// Whether `path` matches the `_headers` pattern `pattern` (`*` matches anything).
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// An HTML page with the live script added at the end of its head, naming the generation it was
/// served at.
pub fn with_live_script(html: &[u8], base: &str, generation: u64) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let tag = format!("<script src=\"{base}{LIVE_SCRIPT}?since={generation}\" defer></script>\n");
    match html.find("</head>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]).into_bytes(),
        None => format!("{tag}{html}").into_bytes(),
    }
}

/// What a page shows when the content has never built: the problems, and the live script so it
/// reloads once they are fixed.
fn problem_page(problem: &str, base: &str) -> String {
    let text = crate::markdown::escape_html(problem);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>The site does not build</title>\n<link rel=\"icon\" href=\"data:,\">\n</head>\n<body>\n<h1>The site does not build</h1>\n<pre>{text}</pre>\n<p>Fix the file and save: this page reloads by itself ({base}).</p>\n</body>\n</html>\n"
    )
}

/// The content type of a file, by its extension.
fn content_type(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        _ if file.ends_with("_headers") || file.ends_with("_redirects") => "text/plain",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_rules_match_like_a_host() {
        let rules = "/*\n  Content-Security-Policy: default-src 'self'\n  X-Frame-Options: DENY\n/data/posts/*\n  Cache-Control: immutable\n/data/manifest.json\n  Cache-Control: no-cache\n";
        let names = |path: &str| -> Vec<String> {
            headers_for(rules, path)
                .into_iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect()
        };
        assert_eq!(
            names("/"),
            [
                "Content-Security-Policy=default-src 'self'",
                "X-Frame-Options=DENY"
            ]
        );
        assert!(names("/data/posts/a.json").contains(&"Cache-Control=immutable".to_string()));
        assert!(!names("/data/manifest.json.br")
            .iter()
            .any(|h| h.contains("no-cache")));
        assert!(pattern_matches("/blog/*.css", "/blog/main-1.css"));
        assert!(!pattern_matches("/blog/*.css", "/blog/main-1.js"));
    }
}
