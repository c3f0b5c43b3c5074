//! Stage 4, write data: the site as files. Each post's and page's JSON under a content-hashed name,
//! and each post's comments beside it, the lists readers browse ([`super::lists`]), every summary
//! in one file for saving all posts offline, the copied media, the search index and, last, the
//! unhashed manifest that names them all and the build. Each file goes to [`Output`] as soon as it
//! is made, which writes it into the staging folder that replaces the output atomically at the end.

use super::output::Output;
use super::{content_hash, hex16, lists, SearchState, Site};
use crate::model::{
    comments_file, page_file, AllPosts, Manifest, Post, PostSummary, FORMAT_VERSION, MANIFEST_FILE,
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Writes every output file of a site into `files` (paths relative to the output folder);
/// returns the build id.
pub fn render_files(site: &Site, files: &Output) -> String {
    render(site, files, None)
}

/// [`render_files`], with the search index kept between builds in `search` (made whole when it
/// holds none yet, else updated for the posts that changed).
pub fn render_files_with(site: &Site, files: &Output, search: &mut Option<SearchState>) -> String {
    render(site, files, Some(search))
}

fn render(site: &Site, files: &Output, search: Option<&mut Option<SearchState>>) -> String {
    let stage = super::timings::Stage::start("  data: posts");
    let comment_files = write_comments(site, files);
    let summaries = write_posts(site, files);
    stage.done();
    // The search index needs only the posts: it is made beside the lists, so that neither
    // leaves a core idle while the other works through a part that runs on one.
    let ((lists, slug_shards, all_posts, pages), (search_file, search_bytes)) = rayon::join(
        || write_browsing(site, summaries, &comment_files, files),
        || write_search(site, files, search),
    );

    let stage = super::timings::Stage::start("  data: manifest");
    // Every file name carries the hash of its content, so the names and the site settings
    // identify the build.
    let mut hasher = Sha256::new();
    for path in files.keys() {
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update(b"\n");
    }
    hasher.update(serde_json::to_vec(&site.info).expect("site info serialises"));
    let build_id = hex16(&hasher.finalize());

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        build_id: build_id.clone(),
        site: site.info.clone(),
        lists: lists.dir,
        list_shards: lists.shards,
        all_posts,
        slug_shards,
        post_count: site.posts.len(),
        unlisted: site.posts.iter().filter(|p| p.summary.unlisted).count(),
        pages,
        search_file: Some(search_file),
        search_bytes,
        theme: site.theme.clone(),
    };
    let mut json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    json.push(b'\n');
    files.insert(PathBuf::from(MANIFEST_FILE), json);
    stage.done();
    build_id
}

/// What readers browse: the lists, every summary in one file (named in the return, after the
/// lists and the number of slug shards), the standalone pages (their files by slug) and the
/// media.
fn write_browsing(
    site: &Site,
    summaries: Vec<PostSummary>,
    comment_files: &BTreeMap<String, String>,
    files: &Output,
) -> (lists::Written, u32, String, BTreeMap<String, String>) {
    let lists = lists::write_lists(&site.info, &summaries, comment_files, files);
    let stage = super::timings::Stage::start("  data: all posts");
    let slug_shards = lists::slug_shards(summaries.len());
    let all = serde_json::to_vec(&AllPosts { posts: summaries }).expect("summaries serialise");
    let all_posts = format!("posts.{}.json", content_hash(&all));
    files.insert(PathBuf::from(&all_posts), all);
    let pages = write_pages(site, comment_files, files);
    for (path, bytes) in &site.media {
        files.insert(PathBuf::from(path), bytes);
    }
    stage.done();
    (lists, slug_shards, all_posts, pages)
}

/// Writes each post's file, under a name with the hash of its content; returns the posts'
/// summaries, each naming its file.
fn write_posts(site: &Site, files: &Output) -> Vec<PostSummary> {
    // Serialising and hashing posts is the bulk of the work: done in parallel, in order, each
    // file written as soon as it is made.
    site.posts
        .par_iter()
        .map(|post| {
            // The post file repeats its summary; its own `file` field is left empty to keep the
            // hash a function of the content alone.
            let json = serde_json::to_vec(post).expect("posts serialise");
            let file = format!("posts/{}.{}.json", post.summary.slug, content_hash(&json));
            let summary = summary_of(site, post, &file, json.len());
            files.insert(PathBuf::from(&file), json);
            summary
        })
        .collect()
}

/// A post's summary as the lists give it: naming its file (`json_len` bytes), its comments, and
/// what saving it for offline stores.
fn summary_of(site: &Site, post: &Post, file: &str, json_len: usize) -> PostSummary {
    let mut summary = post.summary.clone();
    summary.file = file.to_string();
    summary.comments = site.comments.get(&summary.slug).map_or(0, |t| t.count);
    // The file and each image once, in the copy a phone's screen takes (375 px at 2 device
    // pixels per px).
    let images: BTreeSet<&str> = post
        .images
        .values()
        .chain(post.summary.cover.as_ref().map(|c| &c.image))
        .map(|image| image.pick(375.0, 2.0, &image.formats()))
        .collect();
    summary.bytes = json_len as u64
        + images
            .iter()
            .filter_map(|src| site.media.get(*src))
            .map(|bytes| bytes.len() as u64)
            .sum::<u64>();
    summary
}

/// Writes the search index: made whole, or through the index `kept` holds (made whole when it
/// holds none yet, else updated for the posts that changed). Returns its entry and its bytes.
fn write_search(
    site: &Site,
    files: &Output,
    kept: Option<&mut Option<SearchState>>,
) -> (String, u64) {
    let Some(kept) = kept else {
        return super::search_index::search_files(site, files);
    };
    let state = match kept {
        Some(state) => {
            state.update(site);
            state
        }
        None => kept.insert(SearchState::new(site)),
    };
    for (path, bytes) in state.files() {
        files.insert(PathBuf::from(path), bytes.as_slice());
    }
    (state.entry().to_string(), state.bytes())
}

/// Writes each post's and page's comments under a content-hashed name ([`comments_file`]); returns
/// the file of each that has comments, by slug, for its slug shard or its page file.
fn write_comments(site: &Site, files: &Output) -> BTreeMap<String, String> {
    site.comments
        .iter()
        .map(|(slug, thread)| {
            let json = serde_json::to_vec(thread).expect("comments serialise");
            let file = comments_file(slug, &content_hash(&json));
            files.insert(PathBuf::from(&file), json);
            (slug.clone(), file)
        })
        .collect()
}

/// Writes each standalone page under a content-hashed name, naming its comments' file; returns
/// their files by slug, for the manifest.
fn write_pages(
    site: &Site,
    comment_files: &BTreeMap<String, String>,
    files: &Output,
) -> BTreeMap<String, String> {
    site.pages
        .iter()
        .map(|page| {
            let mut page = page.clone();
            page.comments = comment_files.get(&page.slug).cloned();
            let json = serde_json::to_vec(&page).expect("pages serialise");
            let file = page_file(&page.slug, &content_hash(&json));
            files.insert(PathBuf::from(&file), json);
            (page.slug.clone(), file)
        })
        .collect()
}
