//! One file per page of the site.

mod home;
mod not_found;
mod post;

pub use home::Home;
pub use not_found::NotFound;
pub use post::PostPage;
