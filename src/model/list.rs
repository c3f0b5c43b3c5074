//! The lists readers browse, each a small file of its own so that no page of the site downloads
//! more as the blog grows: the pages of the home list and of each tag and category ([`Taxonomy`]),
//! their indexes, the archive by year, and the summaries search results are drawn from.
//!
//! Each list has a key that follows from a route alone ([`crate::routes::Route::data_file`]:
//! `home/2.json`, `tags/food/1.json`), and is published under that key with the hash of its own
//! content (`lists/home/2.<hash>.json`), so it may be cached forever and a new build leaves it
//! as it is unless its content changed: an edit of one post renames only the lists that show it.
//! The lists' directory ([`ListDir`]) tells the hash of each key; it is cut into small shards,
//! under one folder named by the hash of the whole directory (the manifest's `lists`), so a
//! reader never combines lists of two builds. A page the host serves names its own lists (its
//! `fieldnotes-data` meta), so a first visit needs no shard of the directory.
//!
//! The one file that does grow with the blog, [`AllPosts`], is read only to save every post for
//! offline reading, never to show a page.

use super::strings::{Strings, S};
use super::PostSummary;
use serde::{Deserialize, Serialize};

/// `posts.<hash>.json`: every post's summary, newest first. Only for "save all posts offline" and
/// the builder's own later steps (route pages, feeds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllPosts {
    pub posts: Vec<PostSummary>,
}

/// One page of a list of posts: the home list (`home/<n>.json`) or a tag's (`tags/<tag>/<n>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    /// This page's number, from 1.
    pub page: usize,
    /// How many pages the list has.
    pub pages: usize,
    /// How many posts the whole list has.
    pub total: usize,
    /// What saving every post of the whole list for offline costs, uncompressed, to two
    /// significant digits (a tag's, category's or author's list; none on the home list).
    #[serde(default, skip_serializing_if = "super::is_zero")]
    pub bytes: u64,
    pub posts: Vec<PostSummary>,
}

/// A link to a post, for lists that show only its title and date: the archive, a post's
/// neighbours, its series and related posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostLink {
    pub slug: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The post's own file, relative to the data folder.
    pub file: String,
}

impl PostLink {
    /// A link to `post`.
    pub fn to(post: &PostSummary) -> Self {
        PostLink {
            slug: post.slug.clone(),
            title: post.title.clone(),
            date: post.date.clone(),
            file: post.file.clone(),
        }
    }
}

/// `slugs/<n>.json`: for each post whose slug falls in shard `n` ([`slug_shard`]), its file and
/// the links under it. A link that knows only a slug costs this one small file to follow, and a
/// post's page reads its links here, beside the post's own file.
///
/// The links are not in the post's file on purpose: that file is named by the hash of its content
/// and cached forever, also in the reader's offline store. Were its neighbours in it, every new
/// post would rename the post before it (and the posts it is related to), and readers would lose
/// what they had saved of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlugShard {
    pub posts: std::collections::BTreeMap<String, ShardEntry>,
}

/// One post in a [`SlugShard`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardEntry {
    /// The post's own file, relative to the data folder.
    pub file: String,
    /// Its comment file ([`super::comments_file`]), when it has published comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(flatten)]
    pub nav: PostNav,
}

/// The links under a post, worked out by the builder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostNav {
    /// The next newer post in the home list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer: Option<PostLink>,
    /// The next older post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older: Option<PostLink>,
    /// Every part of the post's series in reading order, the post itself included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<PostLink>,
    /// Up to three posts sharing the most tags with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<PostLink>,
    /// The post in other languages: the posts joined to it by `translation_of`
    /// ([`super::PostSummary::translation_of`]), by language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
}

/// The same post in another language. Written as `[lang, name, slug]`: a list is read by code
/// the app has already, where an object of its own would add a reader of its own to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(String, String, String)", into = "(String, String, String)")]
pub struct Translation {
    /// BCP 47 language of the translation.
    pub lang: String,
    /// That language's name in itself ([`super::language_name`]; named by the builder, so the
    /// table of names stays out of the app).
    pub name: String,
    pub slug: String,
}

impl From<(String, String, String)> for Translation {
    fn from((lang, name, slug): (String, String, String)) -> Self {
        Translation { lang, name, slug }
    }
}

impl From<Translation> for (String, String, String) {
    fn from(t: Translation) -> Self {
        (t.lang, t.name, t.slug)
    }
}

/// Posts per [`SlugShard`], on average: the manifest's `slug_shards` is the post count over this.
pub const SLUGS_PER_SHARD: usize = 16;

/// The shard, of `shards`, that holds `slug`: FNV-1a over its bytes, the same in both halves.
pub fn slug_shard(slug: &str, shards: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in slug.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % shards.max(1)
}

/// The key of the slug shard holding `slug`.
pub fn slug_file(slug: &str, shards: u32) -> String {
    slug_shard_file(slug_shard(slug, shards))
}

/// The key of slug shard number `n`.
pub fn slug_shard_file(n: u32) -> String {
    format!("slugs/{n}.json")
}

/// One shard of the lists' directory (`lists/<hash>/<n>.json`): the hash of each list whose key
/// falls in it ([`dir_shard`]). The list's file is [`list_path`] of its key and that hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDir {
    pub lists: std::collections::BTreeMap<String, String>,
}

/// Keys per shard of the lists' directory, on average: a shard stays near 1.5 KB brotli however
/// large the blog (the hashes do not compress).
pub const KEYS_PER_DIR_SHARD: usize = 64;

/// The number of directory shards for `count` lists.
pub fn dir_shards(count: usize) -> u32 {
    count.div_ceil(KEYS_PER_DIR_SHARD).max(1) as u32
}

/// The shard, of `shards`, of the lists' directory that holds the list `key`.
pub fn dir_shard(key: &str, shards: u32) -> u32 {
    slug_shard(key, shards)
}

/// The directory shard file (relative to the data folder) that holds `key`, in the directory
/// folder `lists` (the manifest's).
pub fn dir_file(lists: &str, key: &str, shards: u32) -> String {
    format!("{lists}/{}.json", dir_shard(key, shards))
}

/// The file of the list `key` (`home/2.json`) whose content hashes to `hash`, relative to the
/// data folder: `lists/home/2.<hash>.json`.
pub fn list_path(key: &str, hash: &str) -> String {
    let stem = key.strip_suffix(".json").unwrap_or(key);
    format!("{LISTS_DIR}/{stem}.{hash}.json")
}

/// The key of a list file ([`list_path`]), or `None` for a file that is not a list's.
pub fn list_key_of(file: &str) -> Option<String> {
    let rest = file.strip_prefix(LISTS_DIR)?.strip_prefix('/')?;
    let (stem, hash) = rest.strip_suffix(".json")?.rsplit_once('.')?;
    let hashed = hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    hashed.then(|| format!("{stem}.json"))
}

/// A way posts are grouped by their author: tags or categories. Both work alike: an index of
/// every term with its number of posts (`tags.json`, `categories.json`) and each term's paged list
/// (`tags/<term>/<n>.json`), at the addresses `tags/`, `tags/<term>/` and the same under
/// `categories/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Taxonomy {
    Tags,
    Categories,
    /// The posts' authors (`author`/`authors` in front matter, `dc:creator` of a WordPress
    /// export): by name, never by e-mail.
    Authors,
}

impl Taxonomy {
    /// Every one, in the order pages and route lists show them.
    pub const ALL: [Taxonomy; 3] = [Taxonomy::Tags, Taxonomy::Categories, Taxonomy::Authors];

    /// The folder of its lists and of its pages' addresses: `tags`, `categories`, `authors`.
    pub fn folder(self) -> &'static str {
        match self {
            Taxonomy::Tags => "tags",
            Taxonomy::Categories => "categories",
            Taxonomy::Authors => "authors",
        }
    }

    /// The terms of this taxonomy a post carries.
    pub fn terms_of(self, post: &PostSummary) -> &[String] {
        match self {
            Taxonomy::Tags => &post.tags,
            Taxonomy::Categories => &post.categories,
            Taxonomy::Authors => &post.authors,
        }
    }

    /// The index page's heading: `Tags`, `Categories`.
    pub fn title(self, s: Strings<'_>) -> &str {
        s.get(match self {
            Taxonomy::Tags => S::tags,
            Taxonomy::Categories => S::categories,
            Taxonomy::Authors => S::authors,
        })
    }

    /// The link to the index page: `All tags`.
    pub fn all_label(self, s: Strings<'_>) -> &str {
        s.get(match self {
            Taxonomy::Tags => S::all_tags,
            Taxonomy::Categories => S::all_categories,
            Taxonomy::Authors => S::all_authors,
        })
    }

    /// What saving a term's posts saves: `this tag`.
    pub fn this_one(self, s: Strings<'_>) -> &str {
        s.get(match self {
            Taxonomy::Tags => S::this_tag,
            Taxonomy::Categories => S::this_category,
            Taxonomy::Authors => S::this_author,
        })
    }

    /// The heading of a term's list: `Tagged “food”`, `In “Cambodia”`, `Posts by Dara`.
    pub fn term_heading(self, s: Strings<'_>, term: &str) -> String {
        let key = match self {
            Taxonomy::Tags => S::tagged,
            Taxonomy::Categories => S::in_category,
            Taxonomy::Authors => S::posts_by,
        };
        s.fill(key, &[("term", term)])
    }

    /// What the reader saves or looks at, for buttons and labels: `this tag`, `this category`.
    pub fn singular(self) -> &'static str {
        match self {
            Taxonomy::Tags => "tag",
            Taxonomy::Categories => "category",
            Taxonomy::Authors => "author",
        }
    }

    /// The key of page `page` of a term's list; `segment` is the term as its address spells it
    /// ([`crate::routes::tag_segment`]), which is safe as a folder name.
    pub fn term_file(self, segment: &str, page: usize) -> String {
        format!("{}/{segment}/{page}.json", self.folder())
    }

    /// The key of the index of every term ([`TermIndex`]).
    pub fn index_file(self) -> String {
        format!("{}.json", self.folder())
    }
}

/// `tags.json`, `categories.json`: every term of a [`Taxonomy`] with its number of posts, most
/// used first, then by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermIndex {
    pub terms: Vec<(String, usize)>,
}

/// `archive.json`: the years that have posts, newest first, with their number of posts; posts
/// without a date are the year [`UNDATED`], last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveIndex {
    pub years: Vec<(String, usize)>,
}

/// `archive/<year>/<n>.json`: page `n` of one year's posts, newest first, [`ARCHIVE_PAGE`] to a
/// page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveYear {
    pub year: String,
    pub page: usize,
    pub pages: usize,
    /// Posts of the whole year.
    pub total: usize,
    pub posts: Vec<PostLink>,
}

/// Posts on each page of a year of the archive: links only, so a page is a few kilobytes however
/// much the author writes in a year.
pub const ARCHIVE_PAGE: usize = 100;

/// `docs/<n>.json`: the summaries of [`DOC_BLOCK`] posts in index order (newest first), so a
/// search result, known by its post's number, fetches its card and little else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocBlock {
    pub posts: Vec<PostSummary>,
}

/// Posts per [`DocBlock`]: a search's results are scattered over the blog, so each fetches its
/// block; small blocks keep that near one card's bytes (at 10,000 posts, 30 results from blocks of
/// 8 cost 44 KB brotli, of 4 about half).
pub const DOC_BLOCK: usize = 4;

/// The archive's name for the posts that have no date.
pub const UNDATED: &str = "undated";

/// Folder, in the data folder, of the lists and of their directory's folder.
pub const LISTS_DIR: &str = "lists";

/// The key of page `page` of the home list.
pub fn home_file(page: usize) -> String {
    format!("home/{page}.json")
}

/// The key of page `page` of a tag's list ([`Taxonomy::term_file`]).
pub fn tag_file(segment: &str, page: usize) -> String {
    Taxonomy::Tags.term_file(segment, page)
}

/// The key of the archive's list of years.
pub fn archive_file() -> String {
    "archive.json".to_string()
}

/// The key of page `page` of one year of the archive (or of [`UNDATED`]).
pub fn year_file(year: &str, page: usize) -> String {
    format!("archive/{year}/{page}.json")
}

/// The key of the block of summaries holding post number `doc` (its place in the index, from 0).
pub fn doc_file(doc: u32) -> String {
    format!("docs/{}.json", doc as usize / DOC_BLOCK)
}
