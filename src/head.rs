//! What each page says about itself in the document head: title, description, canonical URL and
//! OpenGraph type. One definition for both halves, so the static page the build writes for a route
//! and the app drawing the same route tell crawlers, link previews and the browser tab the same.
//! Each route makes its own ([`crate::routes::Route::head`]).

use crate::model::SiteInfo;

/// The head of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHead {
    pub title: String,
    pub description: String,
    /// Path below the base path, percent-encoded (`posts/day-1`, empty for home); `None` for pages
    /// that are not a place of their own (the not-found page), which get no canonical URL.
    pub route: Option<String>,
    /// `website` or `article`.
    pub og_type: &'static str,
    /// Search engines are asked not to list the page (an unlisted post's).
    pub noindex: bool,
    /// The language of the page's own text (a post's or a page's `lang`); `None` for pages of
    /// the site's interface, which are in the site's language.
    pub lang: Option<String>,
    /// The same page in other languages and in its own: `(language, route)` for `<link
    /// rel="alternate" hreflang>` (the builder's pages only; crawlers read those).
    pub alternates: Vec<(String, String)>,
}

impl PageHead {
    /// The same page under another heading (`Search: boats`), still followed by the site's name.
    pub fn retitled(self, heading: &str, site: &SiteInfo) -> Self {
        PageHead {
            title: format!("{heading} · {}", site.title),
            ..self
        }
    }

    /// The BCP 47 language of the whole document (`<html lang>`): the page's own, else the
    /// site's.
    pub fn language<'a>(&'a self, site: &'a SiteInfo) -> &'a str {
        self.lang.as_deref().unwrap_or(&site.language)
    }

    /// The writing direction of the whole document (`<html dir>`), `ltr` or `rtl`, from
    /// [`Self::language`].
    pub fn direction(&self, site: &SiteInfo) -> &'static str {
        crate::model::text_direction(self.language(site))
    }

    /// The page's absolute URL, when the site has a `base_url` to make one from.
    pub fn canonical(&self, site: &SiteInfo) -> Option<String> {
        let route = self.route.as_ref()?;
        (!site.base_url.is_empty()).then(|| absolute(site, route))
    }
}

/// The absolute URL of `route` (a path below the base path) on a site with a `base_url`.
pub fn absolute(site: &SiteInfo, route: &str) -> String {
    format!(
        "{}{}{route}",
        site.base_url.trim_end_matches('/'),
        site.base_path
    )
}
