//! What the build writes around the app once Trunk has produced its shell, in four stages over
//! the built site (`index.html` and `data/`): the route pages ([`super::pages`]), the feeds and
//! the sitemap ([`super::feeds`]), the files hosts read ([`super::hosting`]), then the offline
//! files ([`super::offline`]), last because the service worker precaches what the others wrote.

use super::feeds;
use super::hosting;
use super::offline::{self, Offline};
use super::pages::{self, PageCache, Shell};
use super::site_files::{SiteFiles, Staged};
use crate::markdown;
use crate::model::{
    slug_shard_file, AllPosts, Manifest, Page, Post, PostNav, PostSummary, SlugShard, DATA_DIR,
    MANIFEST_FILE,
};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Settings of the stub step.
#[derive(Debug, Clone, Default)]
pub struct StubOptions {
    /// The URL prefix Trunk built the assets for (`TRUNK_PUBLIC_URL`); must match the site's
    /// `base_path`, or assets and data would be looked for in different places.
    pub public_url: Option<String>,
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
    /// On disk, how many files were new or different (the others were left as they were).
    pub changed: Option<usize>,
}

/// Writes everything the built site `dist` needs beside the app and its data, all or nothing:
/// a failure or Ctrl-C midway leaves every file of `dist` as it was.
pub fn write_stubs(dist: &Path, opts: &StubOptions) -> Result<Stubs> {
    let files = Staged::new(dist)?;
    let mut stubs = write_stubs_to(&files, opts)?;
    stubs.changed = Some(files.changed());
    files.commit()?;
    Ok(stubs)
}

/// [`write_stubs`] over any [`SiteFiles`]: a folder (staged), or the memory of `fieldnotes serve`.
pub fn write_stubs_to(files: &dyn SiteFiles, opts: &StubOptions) -> Result<Stubs> {
    write_stubs_cached(files, opts, &mut PageCache::default())
}

/// [`write_stubs_to`], reusing the route pages of the last run that `cache` kept where their
/// inputs did not change (`fieldnotes serve`, after an edit).
pub fn write_stubs_cached(
    files: &dyn SiteFiles,
    opts: &StubOptions,
    cache: &mut PageCache,
) -> Result<Stubs> {
    let stage = super::timings::Stage::start("stubs: read");
    let mut shell = Shell::read(files)?;
    let data = Data(files);
    let manifest = read_manifest(&data, opts)?;
    let posts = read_posts(&data, &manifest)?;
    let standalone = manifest
        .pages
        .values()
        .map(|file| data.json::<Page>(file))
        .collect::<Result<Vec<Page>>>()?;
    let load_post = |summary: &PostSummary| data.json::<Post>(&summary.file);
    let site = &manifest.site;
    if let Some(theme) = &manifest.theme {
        shell.with_theme(theme, &site.base_path);
    }
    let policy = pages::content_security_policy(&shell.html, &manifest.site);
    let mut assets = offline::shell_assets(&shell.html, &site.base_path);
    // What the theme's stylesheet draws on (the logo, the font): the look, offline too.
    for file in manifest.theme.iter().flat_map(|t| &t.uses) {
        let file = format!("{DATA_DIR}/{file}");
        if !assets.contains(&file) {
            assets.push(file);
        }
    }
    // The chunks of the split app (`super::split`): named after their build, cached for good and
    // stored by the service worker like the shell's own files.
    for chunk in super::split::split_files(&assets, |file| files.read(file).ok()) {
        // The loader may be among the shell's files already (preloaded).
        if !assets.contains(&chunk) {
            assets.push(chunk);
        }
    }
    let warnings = shell_head(&mut shell, &manifest, &policy);

    let list_files =
        super::lists::read_directory((&manifest.lists, manifest.list_shards), |file| {
            data.json(file)
        })?;
    let (mut comment_files, navs) = slug_entries(&data, &manifest, &list_files)?;
    // A page's comments are named in its own file.
    for page in &standalone {
        if let Some(file) = &page.comments {
            comment_files.insert(page.slug.clone(), file.clone());
        }
    }
    let stage = stage.next("stubs: pages");
    let sources = pages::Sources {
        posts: &posts,
        pages: &standalone,
        navs: &navs,
        comment_files: &comment_files,
        list_files: &list_files,
        load_post: &load_post,
        load_comments: &|file| data.json(file),
    };
    let pages = pages::write_pages(files, &shell, &manifest, &sources, cache)?;
    let stage = stage.next("stubs: feeds");
    let page_slugs: Vec<String> = manifest.pages.keys().cloned().collect();
    feeds::write_feeds(files, site, (&posts, &page_slugs), load_post)?;
    let stage = stage.next("stubs: hosts");
    hosting::write_host_files(files, &manifest, (&posts, &standalone), &assets, &policy)?;
    let stage = stage.next("stubs: offline");
    let offline = offline::write_offline(files, &assets, &manifest, &list_files)?;
    stage.done();
    Ok(Stubs {
        pages,
        offline,
        warnings,
        changed: None,
    })
}

/// Gives `shell` the head tags every page carries: the policy and base path, installing, and the
/// feeds when there are any. Returns why something was left out.
fn shell_head(shell: &mut Shell, manifest: &Manifest, policy: &str) -> Vec<String> {
    let site = &manifest.site;
    shell.head = pages::security_tags(policy, &site.base_path)
        + "\n"
        + &offline::head_tags(&site.base_path, manifest.theme.as_ref());
    if feeds::site_url(site).is_some() {
        shell.head.push_str(&feeds::head_tags(site));
        Vec::new()
    } else {
        vec![
            "site.toml has no base_url, so no feeds, sitemap or canonical links were written: set it to the address the site is served at (https://example.org)".to_string(),
        ]
    }
}

/// The data manifest, once it is sure the app was built for the same base path as the data.
fn read_manifest(data: &Data, opts: &StubOptions) -> Result<Manifest> {
    let manifest: Manifest = data.json(MANIFEST_FILE)?;
    let base = &manifest.site.base_path;
    if let Some(public_url) = &opts.public_url {
        if &markdown::with_slashes(public_url) != base {
            bail!(
                "Trunk builds for public URL {public_url:?} but site.toml sets base_path = {base:?}; \
                 set the same path in both (Trunk.toml [build] public_url), or build with \
                 FIELDNOTES_BASE_PATH={public_url} trunk build --public-url {public_url}"
            );
        }
    }
    Ok(manifest)
}

/// Every post's summary, newest first.
fn read_posts(data: &Data, manifest: &Manifest) -> Result<Vec<PostSummary>> {
    let all: AllPosts = data.json(&manifest.all_posts)?;
    Ok(all.posts)
}

/// What the slug shards hold for the route pages, by slug: the comment file of each post that has
/// comments, and every post's links (newer, older, series, translations), worked out once by the
/// data step rather than again here.
fn slug_entries(
    data: &Data,
    manifest: &Manifest,
    list_files: &BTreeMap<String, String>,
) -> Result<(HashMap<String, String>, HashMap<String, PostNav>)> {
    let mut files = HashMap::new();
    let mut navs = HashMap::new();
    for n in 0..manifest.slug_shards {
        let key = slug_shard_file(n);
        let file = list_files
            .get(&key)
            .with_context(|| format!("the lists' directory names no {key}"))?;
        let shard: SlugShard = data.json(file)?;
        for (slug, entry) in shard.posts {
            if let Some(file) = entry.comments {
                files.insert(slug.clone(), file);
            }
            navs.insert(slug, entry.nav);
        }
    }
    Ok((files, navs))
}

/// The data folder of a built site.
struct Data<'a>(&'a dyn SiteFiles);

impl Data<'_> {
    /// The data file `file` (relative to the data folder), read as its model type.
    fn json<T: serde::de::DeserializeOwned>(&self, file: &str) -> Result<T> {
        let path = format!("{DATA_DIR}/{file}");
        let bytes = self.0.read(&path)?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{} does not match the data format",
                self.0.location(&path).display()
            )
        })
    }
}
