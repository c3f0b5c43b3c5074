//! The comments database: one SQLite file in WAL mode, its schema moved forward by
//! `PRAGMA user_version`. It holds every comment sent (with the email, never published), the
//! token key, and the salt of the address hashes; nothing else about readers.
//!
//! `synchronous = FULL`: a comment is answered `202` only after its transaction is on disk, and
//! in WAL mode `NORMAL` could lose the last transactions on a power cut. Comments are few, so the
//! extra sync per commit costs nothing a reader notices.

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Each step brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        post TEXT NOT NULL,
        parent TEXT,
        author TEXT NOT NULL,
        email TEXT,
        website TEXT,
        body TEXT NOT NULL,
        created TEXT NOT NULL,
        created_unix INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        held INTEGER NOT NULL DEFAULT 0,
        decided_unix INTEGER,
        client_key TEXT UNIQUE,
        client_hash TEXT
    );
    CREATE INDEX comments_post ON comments (post, author);
    CREATE INDEX comments_client ON comments (client_hash, created_unix);
"];

/// Where a comment stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }
    fn parse(text: &str) -> Status {
        match text {
            "approved" => Status::Approved,
            "rejected" => Status::Rejected,
            _ => Status::Pending,
        }
    }
}

/// One comment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub id: String,
    pub post: String,
    pub parent: Option<String>,
    pub author: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub body: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub status: Status,
    /// Held for its links: pending like the others, flagged in `list`.
    pub held: bool,
}

/// Per-client limits on new comments.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// At most this many in ten minutes...
    pub per_10_min: u32,
    /// ...and this many in a day.
    pub per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_10_min: 5,
            per_day: 30,
        }
    }
}

/// What a new comment came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insert {
    /// Stored now, or earlier under the same client key: its id and whether it is held.
    Stored { id: String, held: bool, new: bool },
    /// The same author already sent the same text on the same post.
    Duplicate,
    /// Too many from this client: retry after this many seconds.
    Limited { retry_after: u64 },
}

/// The database, open.
pub struct Store {
    conn: Connection,
}

const COLUMNS: &str = "id, post, parent, author, email, website, body, created, status, held";

fn row_to_comment(row: &rusqlite::Row) -> rusqlite::Result<StoredComment> {
    Ok(StoredComment {
        id: row.get(0)?,
        post: row.get(1)?,
        parent: row.get(2)?,
        author: row.get(3)?,
        email: row.get(4)?,
        website: row.get(5)?,
        body: row.get(6)?,
        created: row.get(7)?,
        status: Status::parse(&row.get::<_, String>(8)?),
        held: row.get(9)?,
    })
}

fn unix_now() -> i64 {
    (super::token::now_ms() / 1000) as i64
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the comments database {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        let store = Store { conn };
        store.secret("token_key")?;
        store.secret("address_salt")?;
        Ok(store)
    }

    /// A random secret kept in the database, made the first time it is asked for.
    fn secret(&self, name: &str) -> Result<Vec<u8>> {
        let found: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(value) = found {
            return Ok(value);
        }
        let value = super::random::<32>().to_vec();
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            params![name, value],
        )?;
        Ok(value)
    }

    /// The key that signs form tokens.
    pub fn token_key(&self) -> Result<Vec<u8>> {
        self.secret("token_key")
    }

    /// The salted hash that stands for a client's address in rate limits.
    pub fn client_hash(&self, address: &str) -> Result<String> {
        let salt = self.secret("address_salt")?;
        let mut hash = Sha256::new();
        hash.update(&salt);
        hash.update(address.as_bytes());
        Ok(super::hex(&hash.finalize()[..16]))
    }

    /// One comment by id.
    pub fn get(&self, id: &str) -> Result<Option<StoredComment>> {
        let sql = format!("SELECT {COLUMNS} FROM comments WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], row_to_comment).optional()?)
    }

    /// Every comment, oldest first; only pending ones when `pending`.
    pub fn list(&self, pending: bool) -> Result<Vec<StoredComment>> {
        let filter = if pending {
            "WHERE status = 'pending'"
        } else {
            ""
        };
        let sql = format!("SELECT {COLUMNS} FROM comments {filter} ORDER BY created_unix, rowid");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], row_to_comment)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether `id` is a comment on `post` that a reply may answer (not rejected).
    pub fn can_answer(&self, post: &str, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM comments WHERE id = ?1 AND post = ?2 AND status != 'rejected'",
                [id, post],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Stores `comment` (its id, date and status already set) sent by `client` with `client_key`,
    /// in one transaction: an earlier comment with the same key is answered again, a duplicate
    /// or a client over its limits is refused.
    pub fn insert(
        &mut self,
        comment: &StoredComment,
        client_key: &str,
        client: &str,
        limits: Limits,
    ) -> Result<Insert> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let earlier: Option<(String, bool)> = tx
            .query_row(
                "SELECT id, held FROM comments WHERE client_key = ?1",
                [client_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, held)) = earlier {
            return Ok(Insert::Stored {
                id,
                held,
                new: false,
            });
        }
        let duplicate = tx
            .query_row(
                "SELECT 1 FROM comments WHERE post = ?1 AND author = ?2 AND body = ?3",
                [&comment.post, &comment.author, &comment.body],
                |_| Ok(()),
            )
            .optional()?;
        if duplicate.is_some() {
            return Ok(Insert::Duplicate);
        }
        let now = unix_now();
        for (window, max) in [(600, limits.per_10_min), (86_400, limits.per_day)] {
            let (count, oldest): (u32, Option<i64>) = tx.query_row(
                "SELECT COUNT(*), MIN(created_unix) FROM comments
                 WHERE client_hash = ?1 AND created_unix > ?2",
                params![client, now - window],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if count >= max {
                let retry_after = (oldest.unwrap_or(now) + window - now).max(1) as u64;
                return Ok(Insert::Limited { retry_after });
            }
        }
        tx.execute(
            "INSERT INTO comments (id, post, parent, author, email, website, body, created,
                 created_unix, status, held, client_key, client_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11, ?12)",
            params![
                comment.id,
                comment.post,
                comment.parent,
                comment.author,
                comment.email,
                comment.website,
                comment.body,
                comment.created,
                now,
                comment.held,
                client_key,
                client
            ],
        )?;
        tx.commit()?;
        Ok(Insert::Stored {
            id: comment.id.clone(),
            held: comment.held,
            new: true,
        })
    }

    /// Approves or rejects the comments `ids`; names the first id that is not in the database.
    pub fn decide(&mut self, ids: &[String], status: Status) -> Result<()> {
        let tx = self.conn.transaction()?;
        for id in ids {
            let changed = tx.execute(
                "UPDATE comments SET status = ?1, decided_unix = ?2 WHERE id = ?3",
                params![status.as_str(), unix_now(), id],
            )?;
            if changed == 0 {
                anyhow::bail!(
                    "no comment {id} in the database: `fieldnotes comments list` shows the ids"
                );
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Drops rejected comments decided more than `age` seconds ago, forgets the address hashes
    /// older than that, and draws a new salt, so no hash made before can be matched again.
    /// Returns (comments dropped, hashes forgotten).
    pub fn purge(&mut self, age: u64) -> Result<(usize, usize)> {
        let before = unix_now() - age as i64;
        let tx = self.conn.transaction()?;
        let dropped = tx.execute(
            "DELETE FROM comments WHERE status = 'rejected' AND decided_unix <= ?1",
            [before],
        )?;
        let forgotten = tx.execute(
            "UPDATE comments SET client_hash = NULL
             WHERE client_hash IS NOT NULL AND created_unix <= ?1",
            [before],
        )?;
        tx.execute("DELETE FROM meta WHERE key = 'address_salt'", [])?;
        tx.commit()?;
        self.secret("address_salt")?;
        Ok((dropped, forgotten))
    }

    /// How many comments still carry an address hash (for tests and reports).
    pub fn hashes_kept(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM comments WHERE client_hash IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }
}
