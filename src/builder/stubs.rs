//! Per-route HTML files, written into the built site after Trunk has produced its shell.
//!
//! Every known route gets a real file (`posts/{slug}/index.html`, `404.html`), a copy of the shell
//! with the page's title, description, canonical link and OpenGraph tags, and its content rendered
//! into `#prerendered` so it reads without JavaScript and deep links answer 200 on any static host.
//! The app removes `#prerendered` once it has drawn the same page itself.
//!
//! The same step writes a Content-Security-Policy into every page, allowing the shell's inline
//! loader script by its hash (never `unsafe-inline`).

use super::feeds::{self, FeedPost};
use super::hosting;
use super::offline::{self, Offline};
use crate::head::PageHead;
use crate::listing;
use crate::markdown::{self, escape_html, RenderOptions};
use crate::model::{IndexPage, Manifest, Post, DATA_DIR, MANIFEST_FILE};
use anyhow::{bail, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The element of `index.html` that receives each page's content.
pub const PRERENDER_SLOT: &str = r#"<div id="prerendered"></div>"#;
/// How a filled slot starts and ends, so the step can run again on its own output.
const PRERENDER_OPEN: &str = r#"<div id="prerendered">"#;
const PRERENDER_CLOSE: &str = "</div><!--/prerendered-->";
/// Marks the head tags this step adds, for the same reason.
const HEAD_OPEN: &str = "<!--fieldnotes:head-->";
const HEAD_CLOSE: &str = "<!--/fieldnotes:head-->";

/// Settings of the stub step.
#[derive(Debug, Clone, Default)]
pub struct StubOptions {
    /// The URL prefix Trunk built the assets for (`TRUNK_PUBLIC_URL`); must match the site's
    /// `base_path`, or assets and data would be looked for in different places.
    pub public_url: Option<String>,
}

/// What one page says about itself.
struct PageMeta<'a> {
    head: PageHead,
    lang: &'a str,
    content: String,
}

/// What the stub step wrote.
#[derive(Debug, Clone)]
pub struct Stubs {
    /// HTML files: route pages, redirects, `404.html` and the offline shell.
    pub pages: usize,
    /// The service worker's build and precache list.
    pub offline: Offline,
    /// Files left out, and why (no `base_url`: no feeds, no sitemap).
    pub warnings: Vec<String>,
}

/// Writes the route files, then the offline files ([`super::offline`]), into `dist` (a built
/// site holding `index.html` and `data/`).
pub fn write_stubs(dist: &Path, opts: &StubOptions) -> Result<Stubs> {
    let shell_path = dist.join("index.html");
    let shell = std::fs::read_to_string(&shell_path)
        .with_context(|| format!("cannot read the app shell {}", shell_path.display()))?;
    let shell = pristine(&shell);
    if !shell.contains(PRERENDER_SLOT) {
        bail!(
            "{} has no {PRERENDER_SLOT}: put one inside <body>",
            shell_path.display()
        );
    }
    let data = dist.join(DATA_DIR);
    let manifest: Manifest = read_json(&data.join(MANIFEST_FILE))?;
    let base = manifest.site.base_path.clone();
    if let Some(public_url) = &opts.public_url {
        if markdown::with_slashes(public_url) != base {
            bail!(
                "Trunk builds for public URL {public_url:?} but site.toml sets base_path = {base:?}; \
                 set the same path in both (Trunk.toml [build] public_url), or build with \
                 FIELDNOTES_BASE_PATH={public_url} trunk build --public-url {public_url}"
            );
        }
    }
    let policy = content_security_policy(&shell);
    let hashed = offline::shell_assets(&shell, &base);
    let mut head = security_tags(&policy, &base) + "\n" + &offline::head_tags(&base);
    let mut warnings = Vec::new();
    if feeds::site_url(&manifest.site).is_some() {
        head.push_str(&feeds::head_tags(&manifest.site));
    } else {
        warnings.push(
            "site.toml has no base_url, so no feeds, sitemap or canonical links were written: set it to the address the site is served at (https://example.org)".to_string(),
        );
    }
    let site = &manifest.site;
    let mut posts = Vec::new();
    for file in &manifest.index_files {
        let page: IndexPage = read_json(&data.join(file))?;
        posts.extend(page.posts);
    }

    let mut home = String::from("<main class=\"page\"><h1>");
    home.push_str(&escape_html(&site.title));
    home.push_str("</h1><ul class=\"post-list\">");
    for post in listing::page_of(&posts, 1, site.posts_per_page) {
        home.push_str(&format!(
            "<li><a href=\"{base}posts/{}\">{}</a> {}<p>{}</p></li>",
            post.slug,
            escape_html(&post.title),
            time_html(&post.date),
            escape_html(&post.summary)
        ));
    }
    home.push_str("</ul></main>");
    let mut written = 0;
    let home_meta = PageMeta {
        head: PageHead::home(site, 1),
        lang: &site.language,
        content: home,
    };
    std::fs::write(&shell_path, page(&shell, &head, &manifest, &home_meta))?;
    written += 1;

    let mut feed_posts: Vec<(Post, &crate::model::PostSummary)> = Vec::new();
    for summary in &posts {
        let mut post: Post = read_json(&data.join(&summary.file))?;
        // The newest dated posts are kept for the feeds, which render them again.
        let in_feed = summary.date.is_some() && feed_posts.len() < feeds::FEED_ENTRIES;
        let images = if in_feed {
            post.images.clone()
        } else {
            std::mem::take(&mut post.images)
        };
        let article = markdown::render(&post.body, &RenderOptions::for_site(&base, images)).html;
        let content = format!(
            "<main class=\"page\"><article lang=\"{}\"><h1>{}</h1><p>{}</p>{article}</article></main>",
            escape_html(&summary.lang),
            escape_html(&summary.title),
            time_html(&summary.date),
        );
        let meta = PageMeta {
            head: PageHead::post(site, summary),
            lang: &site.language,
            content,
        };
        let route = format!("posts/{}", summary.slug);
        write_page(dist, &route, page(&shell, &head, &manifest, &meta))?;
        written += 1;
        if in_feed {
            feed_posts.push((post, summary));
        }
        let target = format!("{base}posts/{}", summary.slug);
        for alias in &summary.aliases {
            if let Some(file) = alias_file(dist, alias) {
                if let Some(parent) = file.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(file, redirect_page(&target, &summary.title))?;
                written += 1;
            }
        }
    }

    // The list pages: later pages of the home list, the tags, each tag, the archive.
    let link_list = |list: &[&crate::model::PostSummary]| {
        let mut html = String::from("<ul class=\"post-list\">");
        for post in list {
            html.push_str(&format!(
                "<li><a href=\"{base}posts/{}\">{}</a> {}</li>",
                post.slug,
                escape_html(&post.title),
                time_html(&post.date)
            ));
        }
        html.push_str("</ul>");
        html
    };
    let mut list_pages: Vec<(String, String, String)> = Vec::new();
    let pages = listing::page_count(posts.len(), site.posts_per_page);
    for n in 2..=pages {
        let list: Vec<_> = listing::page_of(&posts, n, site.posts_per_page)
            .iter()
            .collect();
        list_pages.push((format!("page/{n}"), format!("Page {n}"), link_list(&list)));
    }
    let tags = listing::tag_counts(&posts);
    let mut cloud = String::from("<ul class=\"tag-cloud\">");
    for (tag, count) in &tags {
        cloud.push_str(&format!(
            "<li><a href=\"{base}tags/{}\">{}</a> {count}</li>",
            escape_html(tag),
            escape_html(tag)
        ));
        // A tag that cannot be a folder name keeps its page in the app only.
        if !tag.contains(['/', '\\']) && tag != "." && tag != ".." {
            let list = listing::with_tag(&posts, tag);
            list_pages.push((
                format!("tags/{tag}"),
                format!("Tagged “{tag}”"),
                link_list(&list),
            ));
        }
    }
    cloud.push_str("</ul>");
    list_pages.push(("tags".into(), "Tags".into(), cloud));
    let (years, undated) = listing::archive(&posts);
    let mut archive = String::new();
    for (year, months) in &years {
        archive.push_str(&format!("<h2>{year}</h2>"));
        for month in months {
            archive.push_str(&format!("<h3>{}</h3>", listing::month_name(&month.month)));
            archive.push_str(&link_list(&month.posts));
        }
    }
    if !undated.is_empty() {
        archive.push_str("<h2>Undated</h2>");
        archive.push_str(&link_list(&undated));
    }
    list_pages.push(("archive".into(), "Archive".into(), archive));
    // Search runs in the browser; without JavaScript the page points to the lists instead.
    list_pages.push((
        "search".into(),
        "Search".into(),
        format!(
            "<p>Search runs in your browser and needs JavaScript. Browse <a href=\"{base}tags\">by tag</a> or <a href=\"{base}archive\">the archive</a>.</p>"
        ),
    ));
    // So is saving posts for offline reading.
    list_pages.push((
        "offline".into(),
        "Reading offline".into(),
        "<p>Posts you open are kept in your browser for reading offline; saving more needs JavaScript.</p>".into(),
    ));
    for (route, heading, body) in list_pages {
        let meta = PageMeta {
            head: PageHead::list(site, &route, &heading),
            lang: &site.language,
            content: format!(
                "<main class=\"page\"><h1>{}</h1>{body}</main>",
                escape_html(&heading)
            ),
        };
        write_page(dist, &route, page(&shell, &head, &manifest, &meta))?;
        written += 1;
    }

    let not_found = PageMeta {
        head: PageHead::not_found(site),
        lang: &site.language,
        content: format!(
            "<main class=\"page\"><h1>Page not found</h1><p><a href=\"{base}\">Back to all posts</a></p></main>"
        ),
    };
    std::fs::write(
        dist.join("404.html"),
        page(&shell, &head, &manifest, &not_found),
    )?;
    written += 1;

    // The shell with no content, for the service worker to answer navigations with offline.
    let empty = PageMeta {
        head: PageHead::home(site, 1),
        lang: &site.language,
        content: String::new(),
    };
    let shell_html = page(&shell, &head, &manifest, &empty).replacen(
        HEAD_CLOSE,
        &format!("<meta name=\"robots\" content=\"noindex\">\n{HEAD_CLOSE}"),
        1,
    );
    std::fs::write(dist.join(offline::SHELL_FILE), &shell_html)?;
    written += 1;
    let offline = offline::write_offline(dist, &hashed, &manifest)?;

    // Feeds, the sitemap and robots.txt, at the site's root.
    let feed_posts: Vec<FeedPost> = feed_posts
        .iter()
        .map(|(post, summary)| FeedPost { post, summary })
        .collect();
    for (file, text) in feeds::feed_files(site, &feed_posts)? {
        std::fs::write(dist.join(file), text)?;
    }
    for (file, xml) in feeds::sitemaps(site, &posts, feeds::SITEMAP_URLS) {
        std::fs::write(dist.join(file), xml)?;
    }
    std::fs::write(dist.join(feeds::ROBOTS_FILE), feeds::robots(site))?;

    // Rules for hosts that read them (Netlify, Cloudflare Pages): caching, headers, redirects.
    std::fs::write(
        dist.join(hosting::HEADERS_FILE),
        hosting::headers(&manifest, &hashed, &policy),
    )?;
    std::fs::write(
        dist.join(hosting::REDIRECTS_FILE),
        hosting::redirects(&base, &posts),
    )?;
    Ok(Stubs {
        pages: written,
        offline,
        warnings,
    })
}

/// Where an old URL of a post lives in the built site: `/2019/05/old/` → `2019/05/old/index.html`,
/// `/old.html` as is. `None` for paths that would leave the site or replace a real page.
fn alias_file(dist: &Path, alias: &str) -> Option<std::path::PathBuf> {
    let clean = alias.split(['?', '#']).next()?.trim_matches('/');
    if clean.is_empty()
        || clean
            .split('/')
            .any(|part| part == ".." || part == "." || part.is_empty())
    {
        return None;
    }
    if clean == "posts" || clean == "data" {
        return None;
    }
    let relative = if clean.ends_with(".html") || clean.ends_with(".htm") {
        clean.to_string()
    } else {
        format!("{clean}/index.html")
    };
    Some(dist.join(relative))
}

/// A page that sends readers (and search engines) from an old URL to the post's new one; it
/// works on every static host, without JavaScript. Its empty icon spares the browser a request
/// for `/favicon.ico`, which does not exist and would only answer 404.
fn redirect_page(target: &str, title: &str) -> String {
    let target = escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n<link rel=\"icon\" href=\"data:,\">\n</head>\n<body>\n<p>This post has moved to <a href=\"{target}\">{target}</a>.</p>\n</body>\n</html>\n",
        escape_html(title)
    )
}

/// Writes a page where a static host serves its route: `{route}/index.html`.
fn write_page(dist: &Path, route: &str, html: String) -> Result<()> {
    let dir = dist.join(route);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("index.html"), html)?;
    Ok(())
}

/// `<time>` for a date, nothing for an undated post.
fn time_html(date: &Option<String>) -> String {
    date.as_ref().map_or(String::new(), |d| {
        format!(
            "<time datetime=\"{d}\">{}</time>",
            crate::model::human_date(d)
        )
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{} does not match the data format", path.display()))
}

/// The shell as Trunk wrote it: anything an earlier run of this step added is taken out.
fn pristine(shell: &str) -> String {
    let mut out = shell.to_string();
    if let (Some(a), Some(b)) = (out.find(HEAD_OPEN), out.find(HEAD_CLOSE)) {
        if a < b {
            out.replace_range(a..b + HEAD_CLOSE.len(), "");
        }
    }
    if let Some(a) = out.find(PRERENDER_OPEN) {
        if let Some(b) = out[a..].find(PRERENDER_CLOSE) {
            out.replace_range(a..a + b + PRERENDER_CLOSE.len(), PRERENDER_SLOT);
        }
    }
    out
}

/// The shell with one page's head tags and content.
fn page(shell: &str, security: &str, manifest: &Manifest, meta: &PageMeta) -> String {
    let site = &manifest.site;
    let mut head = format!("{HEAD_OPEN}{security}\n");
    let description = escape_html(&meta.head.description);
    head.push_str(&format!(
        "<meta name=\"description\" content=\"{description}\">\n"
    ));
    if let Some(url) = meta.head.canonical(site) {
        let url = escape_html(&url);
        head.push_str(&format!("<link rel=\"canonical\" href=\"{url}\">\n"));
        head.push_str(&format!("<meta property=\"og:url\" content=\"{url}\">\n"));
    }
    head.push_str(&format!(
        "<meta property=\"og:title\" content=\"{}\">\n",
        escape_html(&meta.head.title)
    ));
    head.push_str(&format!(
        "<meta property=\"og:description\" content=\"{description}\">\n"
    ));
    head.push_str(&format!(
        "<meta property=\"og:type\" content=\"{}\">\n",
        meta.head.og_type
    ));
    head.push_str(&format!(
        "<meta property=\"og:site_name\" content=\"{}\">\n",
        escape_html(&site.title)
    ));

    head.push_str(HEAD_CLOSE);

    let with_title = replace_between(shell, "<title>", "</title>", &escape_html(&meta.head.title));
    let mut out = replace_between(&with_title, "<html lang=\"", "\"", &escape_html(meta.lang));
    // Right after `<meta charset>`, so the policy applies before any script or style is seen.
    let anchor = out
        .find("<meta charset")
        .and_then(|i| out[i..].find('>').map(|j| i + j + 1))
        .or_else(|| out.find("<head>").map(|i| i + "<head>".len()))
        .unwrap_or(0);
    out.insert_str(anchor, &head);
    out.replacen(
        PRERENDER_SLOT,
        &format!("{PRERENDER_OPEN}{}{PRERENDER_CLOSE}", meta.content),
        1,
    )
}

fn replace_between(text: &str, start: &str, end: &str, with: &str) -> String {
    let Some(a) = text.find(start).map(|i| i + start.len()) else {
        return text.to_string();
    };
    let Some(b) = text[a..].find(end).map(|i| a + i) else {
        return text.to_string();
    };
    format!("{}{with}{}", &text[..a], &text[b..])
}

/// The base-path meta tag and the Content-Security-Policy `policy`.
fn security_tags(policy: &str, base: &str) -> String {
    format!(
        "\n<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n<meta name=\"fieldnotes-base\" content=\"{}\">",
        escape_html(base)
    )
}

/// The site's Content-Security-Policy: only the site itself, and exactly the shell's inline
/// scripts (by SHA-256), never `unsafe-inline` or `unsafe-eval`.
pub(super) fn content_security_policy(shell: &str) -> String {
    let mut hashes = String::new();
    let mut rest = shell;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after_open[body_start..].find("</script>") else {
            break;
        };
        let body = &after_open[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after_open[body_start + close..];
    }
    // No third-party scripts, styles, fonts, images or connections.
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_only() {
        let shell = "<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>x</title></head><body><script type=\"module\">import init from '/a.js';</script><script src=\"/b.js\"></script></body></html>";
        let out = security_tags(&content_security_policy(shell), "/");
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest("import init from '/a.js';".as_bytes()));
        assert!(out.contains(&format!("'sha256-{expected}'")), "{out}");
        assert_eq!(out.matches("'sha256-").count(), 1, "{out}");
        assert!(!out.contains("unsafe-inline"));
        assert!(out.contains("<meta name=\"fieldnotes-base\" content=\"/\">"));
    }

    #[test]
    fn replace_between_replaces_only_the_inside() {
        assert_eq!(
            replace_between("<title>a</title>", "<title>", "</title>", "b &amp; c"),
            "<title>b &amp; c</title>"
        );
        assert_eq!(replace_between("none", "<title>", "</title>", "b"), "none");
    }
}
