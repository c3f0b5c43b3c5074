//! One file per page of the site.

mod archive;
mod home;
mod not_found;
mod offline;
mod post;
mod search;
mod tags;

pub use archive::ArchivePage;
pub use home::Home;
pub use not_found::NotFound;
pub use offline::OfflinePage;
pub use post::PostPage;
pub use search::SearchPage;
pub use tags::{TagPage, TagsPage};
