//! Rules for static hosts that read them from the site's root (Netlify and Cloudflare Pages):
//! `_headers` (caching and security headers) and `_redirects` (old addresses of posts). Other
//! hosts ignore both files; the README says what to set there instead.

use super::site_files::SiteFiles;
use crate::model::{Manifest, Page, PostSummary, DATA_DIR, MANIFEST_FILE};
use crate::routes::Route;
use anyhow::Result;

pub const HEADERS_FILE: &str = "_headers";
pub const REDIRECTS_FILE: &str = "_redirects";

/// A year, and never revalidated: for files whose names carry a hash of their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Always revalidated: for the files that name the others (pages, the data manifest, the worker).
const REVALIDATE: &str = "no-cache";

/// The third output stage: writes `_headers` and `_redirects` at the site's root.
pub fn write_host_files(
    files: &dyn SiteFiles,
    manifest: &Manifest,
    moved: (&[PostSummary], &[Page]),
    shell_assets: &[String],
    policy: &str,
) -> Result<()> {
    files.write(
        HEADERS_FILE,
        headers(manifest, shell_assets, policy).into_bytes(),
    )?;
    files.write(
        REDIRECTS_FILE,
        redirects(&manifest.site.base_path, moved).into_bytes(),
    )?;
    Ok(())
}

/// `_headers`: security headers on every response; hashed files cached for good; the files that
/// name them always revalidated. No two rules set the same header on one path, because the hosts
/// join repeated values instead of picking one.
pub fn headers(manifest: &Manifest, shell_assets: &[String], policy: &str) -> String {
    let base = manifest.site.base_path.as_str();
    let mut out =
        String::from("# Written by `fieldnotes stubs`. Read by Netlify and Cloudflare Pages.\n");
    out.push_str(&format!(
        "{base}*\n  Content-Security-Policy: {policy}; frame-ancestors 'none'\n  \
         X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n  \
         Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()\n  \
         Cross-Origin-Opener-Policy: same-origin\n  X-Frame-Options: DENY\n"
    ));
    let mut immutable: Vec<String> = shell_assets.iter().map(|f| format!("{base}{f}")).collect();
    immutable.push(format!("{base}{DATA_DIR}/{}", manifest.all_posts));
    let theme = manifest.theme.is_some().then_some(super::theme::THEME_DIR);
    for folder in ["posts", "pages", "lists", "media", "search"]
        .into_iter()
        .chain(theme)
    {
        immutable.push(format!("{base}{DATA_DIR}/{folder}/*"));
    }
    for path in immutable {
        out.push_str(&format!("{path}\n  Cache-Control: {IMMUTABLE}\n"));
    }
    for path in [
        format!("{base}{DATA_DIR}/{MANIFEST_FILE}"),
        format!("{base}{}", super::WORKER_FILE),
        format!("{base}{}", super::WEB_MANIFEST_FILE),
    ]
    .into_iter()
    // Pieces keep one name across builds (Trunk names them after their binary); the split app's
    // chunks, in a folder named after their build, are among the shell's assets above.
    .chain(
        crate::pieces::ALL
            .iter()
            .flat_map(|p| p.files())
            .map(|f| format!("{base}{f}")),
    ) {
        out.push_str(&format!("{path}\n  Cache-Control: {REVALIDATE}\n"));
    }
    out
}

/// `_redirects`: each old address (`aliases`) of a post or a standalone page to it, permanently.
/// The build also writes a page at each old address that redirects, for hosts without this file.
pub fn redirects(base: &str, (posts, pages): (&[PostSummary], &[Page])) -> String {
    let mut out =
        String::from("# Written by `fieldnotes stubs`. Read by Netlify and Cloudflare Pages.\n");
    let moved = posts
        .iter()
        .map(|p| (Route::Post(&p.slug), &p.aliases))
        .chain(pages.iter().map(|p| (Route::Page(&p.slug), &p.aliases)));
    for (route, aliases) in moved {
        for alias in aliases {
            let from = alias.split(['?', '#']).next().unwrap_or_default();
            // A line is split on spaces: an address with one cannot be written here (its
            // redirect page still works). An address that is only a query (`/?p=12`) is the home
            // page's: a rule for it would send every visitor of the home page away.
            if from.trim_matches('/').is_empty() || from.contains(char::is_whitespace) {
                continue;
            }
            let from = if from.starts_with('/') {
                format!("{}{}", base.trim_end_matches('/'), from)
            } else {
                format!("{base}{from}")
            };
            out.push_str(&format!("{from} {} 301\n", route.href(base)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_address_that_is_only_a_query_never_redirects_the_home_page() {
        let mut post = PostSummary::for_test("river", Some("2024-03-05"), &[]);
        post.aliases = vec!["/?p=12".into(), "/2024/03/05/river/".into()];
        let rules = redirects("/", (&[post], &[]));
        let lines: Vec<_> = rules.lines().skip(1).collect();
        assert_eq!(lines, ["/2024/03/05/river/ /posts/river/ 301"]);
    }
}
