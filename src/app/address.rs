//! Where the site is served: its base path as the build wrote it into the page, the addresses of
//! its routes ([`crate::routes`]) under that path, and the URLs of its data files.

use crate::markdown::with_slashes;
use crate::model::DATA_DIR;
use crate::routes::Route;

/// The path the site is served under, as the build wrote it into the page (`/` by default).
pub fn base_path() -> String {
    thread_local!(static BASE: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() });
    BASE.with(|base| base.get_or_init(read_base_path).clone())
}

fn read_base_path() -> String {
    let meta = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=fieldnotes-base]")
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"));
    with_slashes(meta.as_deref().unwrap_or("/"))
}

/// The address of a route under the base path (`/blog/posts/a`), for links: the router's `A`
/// leaves paths that start with `/` as they are.
pub fn href(route: &Route) -> String {
    route.href(&base_path())
}

/// The address of a page of the site given as a path (`/posts/a`, as the author's navigation
/// links in `site.toml` are) under its base path (`/blog/posts/a`).
pub fn site_path(path: impl AsRef<str>) -> String {
    format!("{}{}", base_path(), path.as_ref().trim_start_matches('/'))
}

/// The address of a route for the router's `navigate`, which adds the base path itself.
pub fn in_app(path: &str) -> String {
    format!("/{path}")
}

/// URL of a file of the data folder.
pub fn data_url(file: &str) -> String {
    format!("{}{DATA_DIR}/{file}", base_path())
}
