//! Fetching the builder's JSON: the manifest (never cached), then the hashed files it names.

use crate::markdown::with_slashes;
use crate::model::{IndexPage, Manifest, PostSummary, DATA_DIR, FORMAT_VERSION, MANIFEST_FILE};
use gloo_net::http::Request;
use leptos::prelude::LocalResource;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use web_sys::RequestCache;

/// Why data could not be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The request failed or the server answered with an error status.
    Network(String),
    /// The file is not what this version of the app expects.
    Format(String),
    /// The site was rebuilt with a newer data format than this app understands.
    Version { found: u32 },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Network(why) => write!(f, "The page could not be loaded ({why})."),
            LoadError::Format(why) => write!(f, "The site's data could not be read ({why})."),
            LoadError::Version { found } => write!(
                f,
                "This site has been updated (data format {found}, this page reads {FORMAT_VERSION}). Reload to get the new version."
            ),
        }
    }
}

/// The site as the home page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteData {
    pub manifest: Manifest,
    /// Newest first.
    pub posts: Vec<PostSummary>,
}

/// Shared by every page through context.
pub type SiteResource = LocalResource<Result<Arc<SiteData>, LoadError>>;

/// The path the site is served under, as the build wrote it into the page (`/` by default).
pub fn base_path() -> String {
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

/// URL of a file of the data folder.
pub fn data_url(file: &str) -> String {
    format!("{}{DATA_DIR}/{file}", base_path())
}

/// Fetches and parses one JSON file. `fresh` bypasses the HTTP cache (for the unhashed manifest).
pub async fn fetch_json<T: DeserializeOwned>(url: &str, fresh: bool) -> Result<T, LoadError> {
    let mut request = Request::get(url);
    if fresh {
        request = request.cache(RequestCache::NoCache);
    }
    let response = request
        .send()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(LoadError::Network(format!("{} {}", response.status(), url)));
    }
    let text = response
        .text()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| LoadError::Format(format!("{url}: {e}")))
}

/// Loads the manifest and the post index.
pub async fn load_site() -> Result<Arc<SiteData>, LoadError> {
    let manifest: Manifest = fetch_json(&data_url(MANIFEST_FILE), true).await?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(LoadError::Version {
            found: manifest.format_version,
        });
    }
    let mut posts = Vec::with_capacity(manifest.post_count);
    for file in &manifest.index_files {
        let page: IndexPage = fetch_json(&data_url(file), false).await?;
        posts.extend(page.posts);
    }
    Ok(Arc::new(SiteData { manifest, posts }))
}
