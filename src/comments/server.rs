//! `fieldnotes comments serve`: the HTTP side of the intake, at `/api/comments`.
//!
//! - `GET /api/comments/token`: a signed form token and how long to wait before sending.
//! - `POST /api/comments`: a new comment, as JSON; `202` with its id once it is on disk.
//! - `GET /api/comments?post=slug&ids=c-1,c-2`: the status of the reader's own comments.
//!
//! Cross-origin requests are answered only for the site's `base_url`, the configured origin and
//! the server's own; no cookie is ever set.

use super::site::{self, SiteIndex};
use super::store::{Insert, Limits, Status, Store, StoredComment};
use super::token::{self, TokenError};
use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The largest request body taken.
pub const MAX_BODY: usize = 16 * 1024;
/// The longest a request may take, in seconds.
pub const REQUEST_SECONDS: u64 = 15;

/// How the server runs; [`ServeOptions::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub db: PathBuf,
    /// The built site (`dist`, or the data folder itself).
    pub site: PathBuf,
    pub listen: SocketAddr,
    /// Another origin allowed to call (`https://example.org`), beside the site's `base_url` and
    /// the server's own.
    pub origin: Option<String>,
    /// A shell command run for each new pending comment, with the comment as JSON on stdin.
    pub notify: Option<String>,
    /// How old a form token must be, in milliseconds.
    pub wait_ms: u64,
    pub limits: Limits,
    /// Take the client's address from `X-Forwarded-For` (last entry), as set by a reverse proxy.
    pub trust_proxy: bool,
}

impl ServeOptions {
    pub fn new(db: PathBuf, site: PathBuf) -> ServeOptions {
        ServeOptions {
            db,
            site,
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            origin: None,
            notify: None,
            wait_ms: 3_000,
            limits: Limits::default(),
            trust_proxy: false,
        }
    }
}

struct App {
    store: Mutex<Store>,
    token_key: Vec<u8>,
    site: Mutex<Arc<SiteIndex>>,
    data: PathBuf,
    opts: ServeOptions,
    /// The origins refused so far: each is logged once.
    refused: Mutex<std::collections::HashSet<String>>,
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Stops taking requests, lets those under way finish, and closes the database.
    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.task.await??;
        Ok(())
    }
}

/// Opens the database (creating it), reads the site and starts listening.
pub async fn start(opts: ServeOptions) -> Result<Server> {
    let store = Store::open(&opts.db)?;
    let data = site::data_dir(&opts.site);
    let index = site::load(&data)?;
    let app = Arc::new(App {
        token_key: store.token_key()?,
        store: Mutex::new(store),
        site: Mutex::new(Arc::new(index)),
        data,
        opts: opts.clone(),
        refused: Mutex::default(),
    });
    let router = Router::new()
        .route("/api/comments", get(status).post(create))
        .route("/api/comments/token", get(issue_token))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(cors_layer())
        .layer(middleware::from_fn_with_state(
            app.clone(),
            strangers_refused,
        ))
        // A client that sends its request slowly, or a disk that hangs, holds no worker for long.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(REQUEST_SECONDS),
        ))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("cannot listen on {}", opts.listen))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Server { addr, stop, task })
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Whether a request from `origin` may be answered: the configured origin, the site's own (its
/// `base_url`), or the server's own.
fn origin_allowed(app: &App, origin: &str, headers: &HeaderMap) -> bool {
    if app.opts.origin.as_deref() == Some(origin) {
        return true;
    }
    let site = app.site.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if site.origin.as_deref() == Some(origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    host.is_some_and(|host| {
        origin == format!("http://{host}") || origin == format!("https://{host}")
    })
}

/// Tells the operator, once for each origin, that pages of `origin` were refused, and how to
/// allow them if they are the site's.
fn refused_once(app: &App, origin: &str) {
    let first = app
        .refused
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(origin.to_string());
    if first {
        let site = app.site.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let allowed = app
            .opts
            .origin
            .iter()
            .chain(site.origin.iter())
            .cloned()
            .collect::<Vec<_>>();
        let allowed = if allowed.is_empty() {
            "only its own address (the site has no base_url)".to_string()
        } else {
            allowed.join(" and ")
        };
        eprintln!(
            "fieldnotes comments: refused comments from pages of {origin}: this server takes them from {allowed}. If {origin} is your site, set base_url = \"{origin}\" in site.toml and rebuild, or start the server with --origin {origin}"
        );
    }
}

/// Refuses a request from the pages of an origin not allowed (`403`, logged once); CORS's own
/// headers for the others are `tower-http`'s ([`cors_layer`]).
async fn strangers_refused(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    match origin {
        Some(origin) if !origin_allowed(&app, &origin, req.headers()) => {
            refused_once(&app, &origin);
            error(
                StatusCode::FORBIDDEN,
                "Comments are taken only from the blog's own pages.",
            )
        }
        _ => next.run(req).await,
    }
}

/// CORS for the origins [`strangers_refused`] lets through: their own origin echoed, preflights
/// answered for a day.
fn cors_layer() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(86_400))
}

async fn issue_token(State(app): State<Arc<App>>) -> Response {
    let token = token::issue_at(&app.token_key, token::now_ms());
    let mut res = Json(json!({ "token": token, "wait_ms": app.opts.wait_ms })).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Deserialize)]
struct StatusQuery {
    post: String,
    #[serde(default)]
    ids: String,
}

/// The status of the comments the reader names (at most 50), and only of those.
async fn status(State(app): State<Arc<App>>, Query(q): Query<StatusQuery>) -> Response {
    let ids: Vec<String> = q
        .ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .take(50)
        .map(str::to_owned)
        .collect();
    let found = tokio::task::spawn_blocking(move || {
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for id in ids {
            if let Ok(Some(c)) = store.get(&id) {
                if c.post == q.post {
                    out.push(json!({ "id": c.id, "status": c.status.as_str() }));
                }
            }
        }
        out
    })
    .await
    .unwrap_or_default();
    Json(json!({ "comments": found })).into_response()
}

/// A new comment as sent by the form. Its fields are checked by [`NewComment::check_fields`]
/// (what needs neither the site nor the database) and then against the site and the store.
#[derive(Debug, Deserialize)]
pub struct NewComment {
    post: String,
    #[serde(default)]
    parent: Option<String>,
    author: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    website: Option<String>,
    body: String,
    token: String,
    client_key: String,
    #[serde(default)]
    hp: String,
}

/// The empty text as none, the rest trimmed.
fn given(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn accepted(id: &str, held: bool) -> Response {
    let status = if held { "held" } else { "pending" };
    (
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "status": status })),
    )
        .into_response()
}

/// The client's address: the connection's, or the proxy's last `X-Forwarded-For` entry.
fn client_address(app: &App, headers: &HeaderMap, peer: SocketAddr) -> String {
    if app.opts.trust_proxy {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.rsplit(',').next())
            .map(str::trim)
            .filter(|h| !h.is_empty());
        if let Some(address) = forwarded {
            return address.to_owned();
        }
    }
    peer.ip().to_string()
}

async fn create(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
    if !json_type {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Comments are sent as JSON (Content-Type: application/json).",
        );
    }
    let Ok(body) = body else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "This comment is too long: shorten it and send again.",
        );
    };
    let new = match NewComment::from_json(&body) {
        Ok(new) => new,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    if !new.hp.is_empty() {
        // A bot filled the hidden field: it is told all went well, and nothing is kept.
        return accepted(&super::new_id(), false);
    }
    if let Err(e) = token::check(
        &app.token_key,
        &new.token,
        token::now_ms(),
        app.opts.wait_ms,
    ) {
        let code = match e {
            TokenError::TooYoung => StatusCode::BAD_REQUEST,
            _ => StatusCode::FORBIDDEN,
        };
        return error(code, e.message());
    }
    let address = client_address(&app, &headers, peer);
    let app2 = app.clone();
    let outcome = tokio::task::spawn_blocking(move || store_comment(&app2, new, &address)).await;
    match outcome {
        Ok(Ok(Stored::New(comment))) => {
            notify(&app, &comment);
            accepted(&comment.id, comment.held)
        }
        Ok(Ok(Stored::Again { id, held })) => accepted(&id, held),
        Ok(Ok(Stored::Refused(res))) => res,
        Ok(Err(e)) => {
            eprintln!("fieldnotes comments: cannot store a comment: {e:#}");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "The comment could not be saved just now: send it again in a minute.",
            )
        }
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "Send the comment again."),
    }
}

enum Stored {
    New(StoredComment),
    Again { id: String, held: bool },
    Refused(Response),
}

/// The site as built now, read again when its build id has changed.
fn current_site(app: &App) -> Result<Arc<SiteIndex>> {
    let mut site = app.site.lock().unwrap_or_else(|e| e.into_inner());
    if site::build_id(&app.data).ok().as_deref() != Some(site.build_id.as_str()) {
        if let Ok(index) = site::load(&app.data) {
            *site = Arc::new(index);
        }
    }
    Ok(site.clone())
}

/// Counts the links in a Markdown body: URLs written out, and Markdown or HTML links.
fn links(body: &str) -> usize {
    let lower = body.to_ascii_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count()
}

impl NewComment {
    /// Reads a submission's JSON: the form's fields, or the refusal to send back.
    pub fn from_json(bytes: &[u8]) -> Result<NewComment, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("The form is not valid: {e}."))
    }

    /// The comment's Markdown, as the reader wrote it.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The checks that need neither the site nor the database: name, email, website, body and
    /// client key within their shapes and lengths. The refusal names the field and what to do.
    pub fn check_fields(&self) -> Result<(), String> {
        let author = self.author.trim().chars().count();
        if !(1..=80).contains(&author) {
            return Err("author: give a name of 1 to 80 characters.".into());
        }
        if let Some(email) = given(self.email.clone()) {
            let shaped = email.len() <= 254
                && email.split_once('@').is_some_and(|(user, host)| {
                    !user.is_empty()
                        && host.contains('.')
                        && !host.starts_with('.')
                        && !host.ends_with('.')
                })
                && !email.chars().any(char::is_whitespace);
            if !shaped {
                return Err(
                    "email: give an email address such as name@example.org, or none.".into(),
                );
            }
        }
        if let Some(website) = given(self.website.clone()) {
            let lower = website.to_ascii_lowercase();
            let web = (lower.starts_with("http://") && lower.len() > 7)
                || (lower.starts_with("https://") && lower.len() > 8);
            if website.chars().count() > 200 || !web || website.chars().any(char::is_whitespace) {
                return Err("website: give an address starting with http:// or https:// (at most 200 characters), or none.".into());
            }
        }
        let body = self.body.trim().chars().count();
        if !(1..=8000).contains(&body) {
            return Err("body: write a comment of 1 to 8000 characters.".into());
        }
        if self.client_key.trim().is_empty() || self.client_key.len() > 100 {
            return Err("client_key: reload the page and send again.".into());
        }
        Ok(())
    }
}

/// Checks every field; the refusal names the field and what to do.
fn validate(new: &NewComment, site: &SiteIndex, store: &Store) -> Result<(), String> {
    let Some(published) = site.posts.get(&new.post) else {
        return Err(format!(
            "post: there is no post \"{}\" on this site.",
            new.post
        ));
    };
    if let Some(parent) = new.parent.as_deref().filter(|p| !p.is_empty()) {
        let known = published.contains(parent)
            || store
                .can_answer(&new.post, parent)
                .map_err(|e| e.to_string())?;
        if !known {
            return Err(
                "parent: the comment you answer is not on this post; reload the page.".into(),
            );
        }
    }
    new.check_fields()
}

fn store_comment(app: &App, new: NewComment, address: &str) -> Result<Stored> {
    let site = current_site(app)?;
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    if let Err(message) = validate(&new, &site, &store) {
        return Ok(Stored::Refused(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &message,
        )));
    }
    let body = new.body.trim().to_owned();
    let comment = StoredComment {
        id: super::new_id(),
        post: new.post,
        parent: new.parent.filter(|p| !p.is_empty()),
        author: new.author.trim().to_owned(),
        email: given(new.email),
        website: given(new.website),
        held: links(&body) > 2,
        body,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        status: Status::Pending,
    };
    let client = store.client_hash(address)?;
    Ok(
        match store.insert(&comment, new.client_key.trim(), &client, app.opts.limits)? {
            Insert::Stored { new: true, .. } => Stored::New(comment),
            Insert::Stored { id, held, .. } => Stored::Again { id, held },
            Insert::Duplicate => Stored::Refused(error(
                StatusCode::CONFLICT,
                "You have already sent this comment.",
            )),
            Insert::Limited { retry_after } => {
                let mut res = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "You have sent many comments in a short time: please wait and send again.",
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                Stored::Refused(res)
            }
        },
    )
}

/// The comment as the notify command reads it: everything but the email.
pub fn notify_json(comment: &StoredComment) -> Value {
    json!({
        "id": comment.id,
        "post": comment.post,
        "parent": comment.parent,
        "author": comment.author,
        "website": comment.website,
        "date": comment.created,
        "body": comment.body,
        "status": if comment.held { "held" } else { "pending" },
    })
}

/// Runs the notify command for a new comment, in the background: the reader's answer never waits.
fn notify(app: &App, comment: &StoredComment) {
    let Some(command) = app.opts.notify.clone() else {
        return;
    };
    let input = notify_json(comment).to_string();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(&command)
            .stdin(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => return eprintln!("fieldnotes comments: cannot run --notify: {e}"),
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input.as_bytes()).await;
        }
        match child.wait().await {
            Ok(s) if s.success() => {}
            other => eprintln!("fieldnotes comments: --notify `{command}` failed: {other:?}"),
        }
    });
}
