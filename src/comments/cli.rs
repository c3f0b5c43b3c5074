//! The moderation commands behind `fieldnotes comments …`, kept here so tests call them as the
//! command line does.

use super::store::{Status, Store, StoredComment};
use super::{export, parse_age, ServeOptions};
use anyhow::{Context, Result};
use std::path::Path;

/// One line of `list`: the id first, then status (and `held`), post, author, and the start of
/// the text on one line.
pub fn line(c: &StoredComment) -> String {
    let flat: String = c.body.split_whitespace().collect::<Vec<_>>().join(" ");
    let start: String = flat.chars().take(60).collect();
    let more = if flat.chars().count() > 60 { "…" } else { "" };
    let held = if c.held { " held" } else { "" };
    format!(
        "{}\t{}{held}\t{}\t{}\t{start}{more}",
        c.id,
        c.status.as_str(),
        c.post,
        c.author
    )
}

/// The database the intake server keeps. The moderation commands only read and change one: a
/// mistyped `--db` must not leave an empty database behind and list nothing, as if all was well.
fn existing(db: &Path) -> Result<Store> {
    if !db.exists() {
        let message = format!(
            "no comments database at {}: only `fieldnotes comments serve` creates one; pass --db the file the server uses",
            db.display()
        );
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, message).into());
    }
    Store::open(db)
}

/// `list [--pending]`.
pub fn list(db: &Path, pending: bool) -> Result<Vec<String>> {
    Ok(existing(db)?.list(pending)?.iter().map(line).collect())
}

/// `approve ID…` and `reject ID…`.
pub fn decide(db: &Path, ids: &[String], status: Status) -> Result<()> {
    existing(db)?.decide(ids, status)
}

/// `export --content DIR`: (written, already current).
pub fn export_to(db: &Path, content: &Path) -> Result<(usize, usize)> {
    export(&existing(db)?, content)
}

/// `purge [--older-than 90d]`: (comments dropped, address hashes forgotten).
pub fn purge(db: &Path, older_than: &str) -> Result<(usize, usize)> {
    let age = parse_age(older_than).with_context(|| {
        format!("--older-than {older_than}: give a number and a unit, such as 90d, 12h or 30m")
    })?;
    existing(db)?.purge(age)
}

/// `serve`: runs until Ctrl-C (or SIGTERM), then finishes the requests under way.
pub fn serve(opts: ServeOptions) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = super::start(opts).await?;
        eprintln!(
            "fieldnotes comments: taking comments at http://{}/api/comments (Ctrl-C stops)",
            server.addr
        );
        shutdown_signal().await;
        server.stop().await
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("cannot watch for SIGTERM");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
