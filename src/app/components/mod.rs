//! Small pieces the pages are made of, each named for what the reader sees.

mod article;
mod comment_body;
mod comment_form;
mod comments;
mod offline;
mod post_list;
mod post_meta;
mod protected;
mod reader_settings;
mod results;
mod search_box;
mod site_header;
mod status;

pub use article::Article;
pub use comment_body::CommentBody;
pub use comments::{CommentSection, Published};
pub use offline::{
    save, NotStored, OfflineMark, OfflineStatus, PostsFuture, SaveForOffline, SaveJob,
};
pub use post_list::{Pagination, PostList};
pub use post_meta::PostMeta;
pub use protected::ProtectedPost;
pub use reader_settings::ReaderSettings;
pub use results::{arrow_keys, focus_result, move_through_results};
pub use search_box::SearchBox;
pub use site_header::SiteHeader;
pub use status::{move_focus, with_site, LoadFailed, Loading, Ready};
