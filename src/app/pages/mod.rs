//! One file per page of the site.

mod archive;
mod home;
mod not_found;
mod offline;
mod page;
mod post;
mod search;
mod tags;

pub use archive::ArchivePage;
pub use home::Home;
pub use not_found::{note_start, NotFound};
pub use offline::OfflinePage;
pub use page::StandalonePage;
pub use post::{post_text, PostPage};
pub use search::SearchPage;
pub use tags::{TermPage, TermsPage};

use crate::app::components::{LoadFailed, Loading};
use crate::app::net::LoadError;
use leptos::prelude::*;
use std::sync::Arc;

/// What every page's resource holds, whatever it loads: one type, so Leptos' resource machinery
/// is built into the WASM once rather than once per kind of data (measured: several KB each).
pub type AnyResult = Result<Arc<dyn std::any::Any + Send + Sync>, LoadError>;

/// A resource that loads a `T` with `load`, held as an [`AnyResult`]; read it with [`value`].
pub fn any_resource<T, Fut>(load: impl Fn() -> Fut + 'static) -> LocalResource<AnyResult>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, LoadError>> + 'static,
{
    LocalResource::new(move || {
        let fut = load();
        Box::pin(async move {
            fut.await
                .map(|value| Arc::new(value) as Arc<dyn std::any::Any + Send + Sync>)
        }) as std::pin::Pin<Box<dyn std::future::Future<Output = AnyResult>>>
    })
}

/// The value of a resource [`any_resource`] made, as the type it loads (tracked, like `get`).
pub fn value<T: Send + Sync + 'static>(
    resource: &LocalResource<AnyResult>,
) -> Option<Result<Arc<T>, LoadError>> {
    resource.get().map(|result| {
        result.map(|any| {
            any.downcast::<T>()
                .unwrap_or_else(|_| unreachable!("a resource holds the type it was made with"))
        })
    })
}

/// Draws `page` with a file `load` fetches: a placeholder before, the not-found page when the site
/// has no such file (a tag or a page number that does not exist), an error view with a retry
/// button if it failed.
pub fn with_list<T, Fut, V>(
    load: impl Fn() -> Fut + 'static,
    page: impl Fn(Arc<T>) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Option<Arc<T>>, LoadError>> + 'static,
    V: IntoView + 'static,
{
    let list = any_resource(load);
    move || match value::<Option<Arc<T>>>(&list) {
        None => view! { <Loading/> }.into_any(),
        Some(Ok(found)) => match found.as_ref() {
            Some(data) => page(data.clone()).into_any(),
            None => view! { <NotFound/> }.into_any(),
        },
        Some(Err(error)) => view! { <LoadFailed error retry=move || list.refetch()/> }.into_any(),
    }
}
