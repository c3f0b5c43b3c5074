//! A post's published comments: `comments/<slug>.<hash>.json`, one file per post that has any,
//! named in the post's slug shard entry ([`super::ShardEntry::comments`]) and never in a list, so
//! a new comment renames only this file (the post's own file and the lists' cards stay cached).
//!
//! The builder threads them: each comment holds its replies, oldest first, never deeper than
//! [`MAX_DEPTH`] levels, so both the app and the route pages draw the tree as it comes.

use crate::markdown::SafeHtml;
use serde::{Deserialize, Serialize};

/// The deepest level of a thread (top-level comments are level 1). A reply to a comment at this
/// level is shown beside it, as WordPress does at its default depth.
pub const MAX_DEPTH: usize = 5;

/// Folder, in the data folder, of the comment files.
pub const COMMENTS_DIR: &str = "comments";

/// `comments/<slug>.<hash>.json`: the comments of one post, threaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentThread {
    /// Every comment in the thread, replies included.
    pub count: u32,
    /// Top-level comments, oldest first.
    pub comments: Vec<Comment>,
}

/// One published comment and the replies to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Unique within the post; the page's anchor is `comment-<id>`.
    pub id: String,
    /// The name the commenter gave.
    pub author: String,
    /// The commenter's site, `http` or `https` only (the builder drops any other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// When it was written, as a valid HTML date-time (`2024-03-05T10:20:00+07:00`, or without a
    /// zone when the file gave none).
    pub date: String,
    /// What the commenter wrote (untrusted Markdown), as the builder rendered it with
    /// [`crate::markdown::render_comment`].
    pub html: SafeHtml,
    /// Replies, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Comment>,
}

impl Comment {
    /// The day it was written, `YYYY-MM-DD`, for [`super::strings::Strings::date`].
    pub fn day(&self) -> &str {
        self.date.get(..10).unwrap_or(&self.date)
    }

    /// The id of its element on the page.
    pub fn anchor(&self) -> String {
        format!("comment-{}", self.id)
    }
}

/// The comment file of `slug` whose content hashes to `hash`.
pub fn comments_file(slug: &str, hash: &str) -> String {
    format!("{COMMENTS_DIR}/{slug}.{hash}.json")
}

/// "1 comment", "3 comments": the heading of a thread and the count on a card.
pub fn comments_label(s: super::strings::Strings, count: u32) -> String {
    s.count(super::strings::S::comment_count, count.into())
}

/// The `rel` of every link a commenter wrote or gave: search engines give it no weight (`nofollow
/// ugc`), and the other site learns nothing of the reader (`noopener noreferrer`).
pub const COMMENT_REL: &str = "nofollow ugc noopener noreferrer";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_names() {
        let s = super::super::strings::Strings::new("en", &[]);
        assert_eq!(comments_label(s, 1), "1 comment");
        assert_eq!(comments_label(s, 3), "3 comments");
        assert_eq!(comments_file("a-b", "00ff"), "comments/a-b.00ff.json");
        let c = Comment {
            id: "wp-12".into(),
            author: "A".into(),
            website: None,
            date: "2024-03-05T10:20:00+07:00".into(),
            html: Default::default(),
            replies: vec![],
        };
        assert_eq!(
            (c.day(), c.anchor().as_str()),
            ("2024-03-05", "comment-wp-12")
        );
        let json = serde_json::to_string(&c).unwrap();
        assert!(
            !json.contains("replies") && !json.contains("website"),
            "{json}"
        );
    }
}
