//! A comment a reader wrote in this browser, from the moment they send it until the blog publishes
//! it: what the app keeps of it (in the browser's storage, so a reload or a lost connection never
//! loses it), what it sends the intake server (`POST /api/comments`), and what each answer means.
//!
//! The app and the service worker both read and write these records (the worker sends queued
//! ones through Background Sync), so their JSON is part of the data contract: the worker's copy of
//! this logic is `builder/sw.js`.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::Comment;

/// Where a comment of this reader stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Kept in the browser: the server could not be reached yet.
    Queued,
    /// The server has it; the author has not decided yet.
    Pending,
    /// Approved by the author; published with the next build of the blog.
    Approved,
    /// The server refused it ([`Outgoing::error`] says why); the reader may dismiss it.
    Refused,
}

/// One comment written in this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Random, made by the browser: a retry with the same key is stored once by the server.
    pub client_key: String,
    /// The intake server's `/api/comments` (from the site's settings when it was written).
    pub endpoint: String,
    pub post: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub author: String,
    /// Sent to the server, never shown, never in a static file.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    pub body: String,
    /// When it was written (RFC 3339).
    pub written: String,
    pub state: State,
    /// The server's id, once it has the comment.
    #[serde(default)]
    pub id: Option<String>,
    /// Why the server refused it.
    #[serde(default)]
    pub error: Option<String>,
    /// The form's hidden field, which only a robot fills in; sent as it was.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hp: String,
}

/// What `POST /api/comments` carries: the comment, the form token and the empty honeypot.
#[derive(Debug, Serialize)]
pub struct Submission<'a> {
    pub post: &'a str,
    pub parent: Option<&'a str>,
    pub author: &'a str,
    pub email: Option<&'a str>,
    pub website: Option<&'a str>,
    pub body: &'a str,
    pub token: &'a str,
    pub client_key: &'a str,
    pub hp: &'a str,
}

impl Outgoing {
    /// The request body with `token`.
    pub fn submission<'a>(&'a self, token: &'a str) -> Submission<'a> {
        Submission {
            post: &self.post,
            parent: self.parent.as_deref(),
            author: &self.author,
            email: self.email.as_deref(),
            website: self.website.as_deref(),
            body: &self.body,
            token,
            client_key: &self.client_key,
            hp: &self.hp,
        }
    }

    /// The words the reader sees beside their own comment.
    pub fn state_label(&self, s: super::strings::Strings) -> String {
        use super::strings::S;
        match self.state {
            State::Queued => s.get(S::saved_until_online).into(),
            State::Pending => s.get(S::pending).into(),
            State::Approved => s.get(S::approved).into(),
            State::Refused => s.fill(
                S::refused,
                &[(
                    "reason",
                    self.error.as_deref().unwrap_or("the server refused it."),
                )],
            ),
        }
    }
}

/// The form token the server issues (`GET /api/comments/token`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FormToken {
    pub token: String,
    /// How old the token must be when the comment is sent.
    pub wait_ms: u64,
}

/// What an answer of the intake server means for a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Stored (202): its id.
    Accepted { id: String },
    /// The token was sent too early: wait and send again.
    TooEarly,
    /// The token is expired or not the server's: fetch a new one and send again.
    NewToken,
    /// Refused for good: `field` is the form field at fault (`author`, `email`, `website`,
    /// `body`), when the server named one; `message` says what to do.
    Refused {
        field: Option<String>,
        message: String,
    },
    /// The server is down or not reachable: keep the comment and try later.
    Unreachable,
}

/// The JSON body of an answer: an id when accepted, an error when refused. (The app parses it
/// with the browser's JSON parser, so the WASM carries none of its own.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AnswerBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// Fields of the form a refusal can name.
const FIELDS: [&str; 4] = ["author", "email", "website", "body"];

/// Reads the server's answer: its status and body (`None` when the body is not JSON). `retried`
/// when this was already the second try with a fresh token (a token refused again is then a
/// refusal).
pub fn answer(status: u16, body: Option<&AnswerBody>, retried: bool) -> Answer {
    let message = || {
        body.and_then(|b| b.error.clone())
            .unwrap_or_else(|| format!("the server answered {status}."))
    };
    match status {
        200..=202 => match body.and_then(|b| b.id.clone()) {
            Some(id) if !id.is_empty() => Answer::Accepted { id },
            // Not our server's answer (a portal, a proxy page): as if it was not reached.
            _ => Answer::Unreachable,
        },
        400 if !retried && message().starts_with("Please wait") => Answer::TooEarly,
        403 if !retried && message().contains("reload the page") => Answer::NewToken,
        // Not found (a proxy not yet set up), timeouts, errors of the server or of a proxy: the
        // comment is kept and sent again later.
        0 | 404 | 408 | 500..=599 => Answer::Unreachable,
        _ => {
            let message = message();
            match message.split_once(": ") {
                // "author: give a name…": the field the server names, and what to do.
                Some((field, rest))
                    if field.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
                {
                    Answer::Refused {
                        field: FIELDS.contains(&field).then(|| field.to_string()),
                        message: capitalised(rest),
                    }
                }
                _ => Answer::Refused {
                    field: None,
                    message,
                },
            }
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The ids of every comment of a published thread, replies included.
pub fn published_ids(comments: &[Comment]) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut stack: Vec<&Comment> = comments.iter().collect();
    while let Some(c) = stack.pop() {
        ids.insert(c.id.clone());
        stack.extend(&c.replies);
    }
    ids
}

/// What to do with one of the reader's comments once the post's published thread and (when the
/// server answered) its status are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Still to show, in this state.
    Keep(State),
    /// Published, rejected or forgotten by the server: the reader's copy goes.
    Drop,
}

/// Settles `mine` against the `published` ids and the server's `status` for its id (`None` when
/// the server was not asked or did not answer; `Some(None)` when it answered without this id,
/// which it does for comments it purged).
pub fn settle(
    mine: &Outgoing,
    published: &HashSet<String>,
    status: Option<Option<&str>>,
) -> Settle {
    let Some(id) = mine.id.as_deref() else {
        return Settle::Keep(mine.state);
    };
    if published.contains(id) {
        return Settle::Drop;
    }
    match status {
        None => Settle::Keep(mine.state),
        Some(Some("pending" | "held")) => Settle::Keep(State::Pending),
        Some(Some("approved")) => Settle::Keep(State::Approved),
        Some(_) => Settle::Drop,
    }
}

/// Where each of the reader's comments shows in a thread: under its parent when the parent is on
/// the page (published, or another comment of theirs), else at the end of the thread.
pub fn attach_under(mine: &Outgoing, on_page: &HashSet<String>) -> Option<String> {
    mine.parent.clone().filter(|p| on_page.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mine(id: Option<&str>, state: State) -> Outgoing {
        Outgoing {
            client_key: "k1".into(),
            endpoint: "/api/comments".into(),
            post: "day-1".into(),
            parent: None,
            author: "Sokha".into(),
            email: None,
            website: None,
            body: "Thank you".into(),
            written: "2026-11-30T10:00:00Z".into(),
            state,
            id: id.map(str::to_owned),
            error: None,
            hp: String::new(),
        }
    }

    /// `answer` of a body as the server sends it.
    fn answer_of(status: u16, body: &str, retried: bool) -> Answer {
        let parsed: Option<AnswerBody> = serde_json::from_str(body).ok();
        answer(status, parsed.as_ref(), retried)
    }

    #[test]
    fn every_answer_of_the_server_means_one_thing() {
        assert_eq!(
            answer_of(202, r#"{"id":"c-1","status":"pending"}"#, false),
            Answer::Accepted { id: "c-1".into() }
        );
        assert_eq!(answer_of(202, "<html>", false), Answer::Unreachable);
        let early = r#"{"error":"Please wait a few seconds and send again."}"#;
        assert_eq!(answer_of(400, early, false), Answer::TooEarly);
        assert!(matches!(
            answer_of(400, early, true),
            Answer::Refused { .. }
        ));
        let expired = r#"{"error":"This form has expired: reload the page and send again."}"#;
        assert_eq!(answer_of(403, expired, false), Answer::NewToken);
        for status in [0, 404, 500, 502, 503, 504] {
            assert_eq!(
                answer_of(status, "", false),
                Answer::Unreachable,
                "{status}"
            );
        }
        assert_eq!(
            answer_of(
                422,
                r#"{"error":"author: give a name of 1 to 80 characters."}"#,
                false
            ),
            Answer::Refused {
                field: Some("author".into()),
                message: "Give a name of 1 to 80 characters.".into()
            }
        );
        assert_eq!(
            answer_of(
                422,
                r#"{"error":"client_key: reload the page and send again."}"#,
                false
            ),
            Answer::Refused {
                field: None,
                message: "Reload the page and send again.".into()
            }
        );
        assert_eq!(
            answer_of(
                429,
                r#"{"error":"You have sent many comments in a short time: please wait and send again."}"#,
                false
            ),
            Answer::Refused {
                field: None,
                message: "You have sent many comments in a short time: please wait and send again."
                    .into()
            }
        );
        assert_eq!(
            answer_of(413, "", false),
            Answer::Refused {
                field: None,
                message: "the server answered 413.".into()
            }
        );
    }

    #[test]
    fn the_submission_carries_the_key_and_an_empty_honeypot() {
        let mut c = mine(None, State::Queued);
        c.parent = Some("c-9".into());
        let json = serde_json::to_value(c.submission("t.n.s")).unwrap();
        assert_eq!(json["client_key"], "k1");
        assert_eq!(json["parent"], "c-9");
        assert_eq!(json["token"], "t.n.s");
        assert_eq!(json["hp"], "");
        assert!(json["email"].is_null());
        // What the app stores reads back the same (the worker reads and writes this too).
        let stored = serde_json::to_string(&c).unwrap();
        assert!(stored.contains(r#""state":"queued""#), "{stored}");
        assert_eq!(serde_json::from_str::<Outgoing>(&stored).unwrap(), c);
    }

    #[test]
    fn a_comment_settles_once_published_rejected_or_forgotten() {
        let published: HashSet<String> = ["c-1".to_string()].into();
        assert_eq!(
            settle(&mine(Some("c-1"), State::Pending), &published, None),
            Settle::Drop
        );
        let waiting = mine(Some("c-2"), State::Pending);
        assert_eq!(
            settle(&waiting, &published, None),
            Settle::Keep(State::Pending)
        );
        assert_eq!(
            settle(&waiting, &published, Some(Some("held"))),
            Settle::Keep(State::Pending)
        );
        assert_eq!(
            settle(&waiting, &published, Some(Some("approved"))),
            Settle::Keep(State::Approved)
        );
        assert_eq!(
            settle(&waiting, &published, Some(Some("rejected"))),
            Settle::Drop
        );
        assert_eq!(settle(&waiting, &published, Some(None)), Settle::Drop);
        let queued = mine(None, State::Queued);
        assert_eq!(
            settle(&queued, &published, Some(None)),
            Settle::Keep(State::Queued)
        );
    }

    #[test]
    fn replies_show_under_a_parent_on_the_page_else_at_the_end() {
        let on_page: HashSet<String> = ["c-1".to_string()].into();
        let mut reply = mine(None, State::Queued);
        reply.parent = Some("c-1".into());
        assert_eq!(attach_under(&reply, &on_page), Some("c-1".into()));
        reply.parent = Some("c-gone".into());
        assert_eq!(attach_under(&reply, &on_page), None);
        let en = crate::model::strings::Strings::new("en", &[]);
        assert!(mine(Some("c-3"), State::Pending)
            .state_label(en)
            .contains("awaiting moderation"));
        assert!(mine(None, State::Queued)
            .state_label(en)
            .starts_with("Saved"));
    }
}
