//! One file per page of the site.

mod archive;
mod home;
mod not_found;
mod post;
mod tags;

pub use archive::ArchivePage;
pub use home::Home;
pub use not_found::NotFound;
pub use post::PostPage;
pub use tags::{TagPage, TagsPage};
