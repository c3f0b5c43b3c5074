//! The interface's words in the site's language ([`crate::model::strings`]), installed from the
//! manifest before the app first draws, so no English flashes before a Khmer page.

use crate::model::strings::{Strings, Text};
use crate::model::SiteInfo;
use std::sync::OnceLock;

static TABLE: OnceLock<(String, Vec<String>)> = OnceLock::new();

/// Keeps the site's words for the rest of the visit (a new build's words come with a reload).
pub fn install(site: &SiteInfo) {
    let _ = TABLE.set((site.language.clone(), site.strings.clone()));
}

/// The site's words; English until the manifest is read.
#[inline(never)]
pub fn s() -> Strings<'static> {
    TABLE
        .get()
        .map_or(Strings::new("en", &[]), |(lang, table)| {
            Strings::new(lang, table)
        })
}

/// The text of `key` in the site's language.
#[inline(never)]
pub fn t(key: Text) -> &'static str {
    s().get(key)
}
