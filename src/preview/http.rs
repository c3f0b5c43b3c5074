//! The preview's web server: plain HTTP/1.1 on 127.0.0.1, one thread per connection, one request
//! per connection. It answers from the site in memory first, then from the app folder (the app's
//! own files only: never data or pages, which would be stale), and keeps a stream of Server-Sent
//! Events open to every page, telling it to reload after a rebuild or showing what broke.
//!
//! Every HTML response gets one `<script src>` for [`LIVE_SCRIPT`]: an external file, so the
//! site's Content-Security-Policy (`script-src 'self'`, `connect-src 'self'`) allows it and its
//! event stream unchanged. Nothing of it is ever written to a file.

use super::site::Files;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The script every served page loads: follows the event stream, reloads, shows problems.
pub const LIVE_SCRIPT: &str = "_fieldnotes/live.js";
const EVENTS: &str = "_fieldnotes/events";
const LIVE_JS: &str = include_str!("live.js");
/// The worker the preview serves instead of the site's: it removes itself and its caches, so a
/// reader's browser never answers from a cache made by an earlier build.
const WORKER_JS: &str = include_str!("sw.js");
/// A comment line sent this often keeps idle event streams open through proxies and tells a
/// closed page's thread to stop.
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
    listeners: Arc<Mutex<Vec<Sender<Event>>>>,
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
            listeners: Arc::default(),
        }
    }

    /// Tells every open page.
    pub fn broadcast(&self, event: &Event) {
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.retain(|listener| listener.send(event.clone()).is_ok());
    }

    /// Serves connections on `listener` until the process ends.
    pub fn run(self, listener: TcpListener) {
        for stream in listener.incoming().flatten() {
            let server = self.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = server.answer(stream);
            });
        }
    }

    fn answer(&self, mut stream: TcpStream) -> std::io::Result<()> {
        let Some((method, target)) = read_request(&stream)? else {
            return Ok(());
        };
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned();
        let base = self.state.read().map_or("/".into(), |s| s.base.clone());
        let Some(relative) = path.strip_prefix(&base).or_else(|| path.strip_prefix('/')) else {
            return respond(&mut stream, 404, "text/plain", b"not found", &method);
        };
        match relative {
            EVENTS => self.events(stream, query),
            LIVE_SCRIPT => respond(
                &mut stream,
                200,
                "text/javascript",
                LIVE_JS.as_bytes(),
                &method,
            ),
            crate::routes::WORKER_FILE => respond(
                &mut stream,
                200,
                "text/javascript",
                WORKER_JS.as_bytes(),
                &method,
            ),
            _ => {
                let (status, file, body) = self.lookup(relative, &base);
                let body = if file.ends_with(".html") {
                    with_live_script(&body, &base, self.generation())
                } else {
                    body
                };
                respond(&mut stream, status, content_type(&file), &body, &method)
            }
        }
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

    /// The event stream of one page: a reload at once if the site changed since the page was
    /// served (`since=<generation>`), the current problem if any, then every event as it comes.
    fn events(&self, mut stream: TcpStream, query: &str) -> std::io::Result<()> {
        let (sender, receiver) = mpsc::channel();
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sender);
        stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        )?;
        let since = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("since="))
            .and_then(|n| n.parse::<u64>().ok());
        let (generation, problem) = {
            let state = self.state.read().unwrap_or_else(|e| e.into_inner());
            (state.generation, state.problem.clone())
        };
        stream.write_all(b"retry: 500\n\n")?;
        if since.is_some_and(|since| since != generation) {
            write_event(&mut stream, &Event::Reload(generation))?;
        }
        if let Some(problem) = problem {
            write_event(&mut stream, &Event::Problem(problem))?;
        }
        stream_events(&mut stream, &receiver)
    }
}

fn stream_events(stream: &mut TcpStream, receiver: &Receiver<Event>) -> std::io::Result<()> {
    loop {
        match receiver.recv_timeout(KEEP_ALIVE) {
            Ok(event) => write_event(stream, &event)?,
            Err(RecvTimeoutError::Timeout) => stream.write_all(b": keep-alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

fn write_event(stream: &mut TcpStream, event: &Event) -> std::io::Result<()> {
    let (name, data) = match event {
        Event::Reload(generation) => ("reload", generation.to_string()),
        Event::Problem(text) => ("problem", text.clone()),
    };
    let mut message = format!("event: {name}\n");
    for line in data.lines() {
        message.push_str(&format!("data: {line}\n"));
    }
    message.push('\n');
    stream.write_all(message.as_bytes())?;
    stream.flush()
}

/// The method and target of the request on `stream`, once its head has been read; `None` for a
/// connection closed before sending one.
fn read_request(stream: &TcpStream) -> std::io::Result<Option<(String, String)>> {
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    if reader.read_line(&mut first)? == 0 {
        return Ok(None);
    }
    // The rest of the head; a GET has no body to read.
    let mut line = String::new();
    let mut read = 0;
    while reader.read_line(&mut line)? > 2 && read < 64 * 1024 {
        read += line.len();
        line.clear();
    }
    let mut parts = first.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(method), Some(target)) => Ok(Some((method.to_string(), target.to_string()))),
        _ => Ok(None),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    let (status, body) = match method {
        "GET" | "HEAD" => (status, body),
        _ => (405, &b"only GET and HEAD"[..]),
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
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
