//! What each page says about itself in the document head: title, description, canonical URL and
//! OpenGraph type. One definition for both halves, so the static page the build writes for a route
//! and the app drawing the same route tell crawlers, link previews and the browser tab the same.

use crate::model::{PostSummary, SiteInfo};

/// The head of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHead {
    pub title: String,
    pub description: String,
    /// Path below the base path (`posts/day-1`, empty for home); `None` for pages that are not
    /// a place of their own (the not-found page), which get no canonical URL.
    pub route: Option<String>,
    /// `website` or `article`.
    pub og_type: &'static str,
}

impl PageHead {
    /// `/`, and `/page/N` for later pages of the list.
    pub fn home(site: &SiteInfo, page: usize) -> Self {
        if page <= 1 {
            Self::website(site.title.clone(), site, String::new())
        } else {
            Self::list(site, &format!("page/{page}"), &format!("Page {page}"))
        }
    }

    /// `/posts/:slug`.
    pub fn post(site: &SiteInfo, post: &PostSummary) -> Self {
        PageHead {
            title: format!("{} · {}", post.title, site.title),
            description: post.summary.clone(),
            route: Some(format!("posts/{}", post.slug)),
            og_type: "article",
        }
    }

    /// `/tags`.
    pub fn tags(site: &SiteInfo) -> Self {
        Self::list(site, "tags", "Tags")
    }

    /// `/tags/:tag`.
    pub fn tag(site: &SiteInfo, tag: &str) -> Self {
        Self::list(site, &format!("tags/{tag}"), &format!("Tagged “{tag}”"))
    }

    /// `/archive`.
    pub fn archive(site: &SiteInfo) -> Self {
        Self::list(site, "archive", "Archive")
    }

    /// Any address that is not a page of the site.
    pub fn not_found(site: &SiteInfo) -> Self {
        PageHead {
            title: format!("Page not found · {}", site.title),
            description: site.description.clone(),
            route: None,
            og_type: "website",
        }
    }

    /// A list page whose heading is `heading`.
    pub fn list(site: &SiteInfo, route: &str, heading: &str) -> Self {
        Self::website(format!("{heading} · {}", site.title), site, route.into())
    }

    fn website(title: String, site: &SiteInfo, route: String) -> Self {
        PageHead {
            title,
            description: site.description.clone(),
            route: Some(route),
            og_type: "website",
        }
    }

    /// The page's absolute URL, when the site has a `base_url` to make one from.
    pub fn canonical(&self, site: &SiteInfo) -> Option<String> {
        let route = self.route.as_ref()?;
        (!site.base_url.is_empty()).then(|| {
            format!(
                "{}{}{route}",
                site.base_url.trim_end_matches('/'),
                site.base_path
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(base_url: &str, base_path: &str) -> SiteInfo {
        SiteInfo {
            title: "Field".into(),
            description: "Notes".into(),
            base_url: base_url.into(),
            base_path: base_path.into(),
            author: String::new(),
            language: "en".into(),
            posts_per_page: 10,
            nav: vec![],
        }
    }

    #[test]
    fn canonical_urls_join_base_url_base_path_and_route() {
        let s = site("https://example.org/", "/blog/");
        assert_eq!(
            PageHead::tags(&s).canonical(&s).as_deref(),
            Some("https://example.org/blog/tags")
        );
        assert_eq!(
            PageHead::home(&s, 1).canonical(&s).as_deref(),
            Some("https://example.org/blog/")
        );
        assert_eq!(PageHead::not_found(&s).canonical(&s), None);
        let local = site("", "/");
        assert_eq!(PageHead::archive(&local).canonical(&local), None);
    }

    #[test]
    fn titles_name_the_page_then_the_site() {
        let s = site("", "/");
        assert_eq!(PageHead::home(&s, 1).title, "Field");
        assert_eq!(PageHead::home(&s, 3).title, "Page 3 · Field");
        assert_eq!(PageHead::home(&s, 3).route.as_deref(), Some("page/3"));
        assert_eq!(PageHead::tag(&s, "boats").title, "Tagged “boats” · Field");
        assert_eq!(PageHead::not_found(&s).title, "Page not found · Field");
    }
}
