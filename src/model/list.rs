//! The post index: `data/index.<hash>.json`, the summaries every list of posts is made from.

use super::PostSummary;
use serde::{Deserialize, Serialize};

/// One file of the post index: summaries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPage {
    pub posts: Vec<PostSummary>,
}
