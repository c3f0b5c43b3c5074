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
pub use not_found::{note_start, NotFound};
pub use offline::OfflinePage;
pub use post::PostPage;
pub use search::SearchPage;
pub use tags::{TagPage, TagsPage};

use crate::app::components::{LoadFailed, Loading};
use crate::app::net::LoadError;
use leptos::prelude::*;
use std::sync::Arc;

/// What [`with_list`] holds, whatever the list: one type, so the resource machinery is built into
/// the WASM once rather than once per kind of list (measured: several KB each).
type AnyList = Result<Option<Arc<dyn std::any::Any + Send + Sync>>, LoadError>;

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
    let list: LocalResource<AnyList> = LocalResource::new(move || {
        let fut = load();
        Box::pin(async move {
            fut.await
                .map(|found| found.map(|list| list as Arc<dyn std::any::Any + Send + Sync>))
        }) as std::pin::Pin<Box<dyn std::future::Future<Output = AnyList>>>
    });
    move || match list.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Ok(Some(data))) => match data.downcast::<T>() {
            Ok(data) => page(data).into_any(),
            Err(_) => view! { <NotFound/> }.into_any(),
        },
        Some(Ok(None)) => view! { <NotFound/> }.into_any(),
        Some(Err(error)) => view! { <LoadFailed error retry=move || list.refetch()/> }.into_any(),
    }
}
