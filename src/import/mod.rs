//! Other blogs in. `fieldnotes import wordpress` turns WordPress exports (WXR files) into a
//! Fieldnotes content folder: posts as `posts/<slug>/index.md` with their images beside them,
//! pages as `pages/<slug>.md`, approved comments as `comments/<post>/<id>.md`, and `site.toml`.
//!
//! Stages, one file each: [`wxr`] streams the XML, [`wordpress`](mod@wordpress) turns items into
//! entries, [`html`] turns WordPress HTML into Markdown, [`media`] finds image files in the
//! uploads folder, [`menus`] makes the header's links of the site's main menu, [`output`] writes
//! the folder all at once (or not at all) and the report.
//!
//! Crates: `quick-xml` reads the export as a stream of events (the builder already uses it for SVG
//! sizes), so an export of any size is read one item at a time; `htmd` writes the Markdown. It
//! parses with html5ever, the HTML parser of Servo, so the broken markup found in old posts is
//! read the way a browser reads it, and it lets us add handlers per tag, which is where our rules
//! (no scripts, no frames, no unsafe links, images from local copies, figures with captions) live.
//! Only WordPress's own rules are written here: `wpautop`, block comments, shortcodes, permalinks.

mod html;
mod media;
mod menus;
mod output;
mod wordpress;
mod wxr;

pub use output::Report;
pub use wordpress::{PROTECTED_NOTE, PROTECTED_WARNING};

use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use wordpress::{Context, Converted, Entry};

/// What `fieldnotes import wordpress` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct WordpressOptions {
    /// Export files, read in order: a later file's item replaces an earlier one's with its id.
    pub exports: Vec<PathBuf>,
    /// The content folder to write into.
    pub content: PathBuf,
    /// The unpacked `wp-content/uploads` folder, if images are to be copied.
    pub media: Option<PathBuf>,
    /// Replace files that already exist.
    pub force: bool,
    /// The menu (its slug) whose links become the header's; by default the main one ([`menus`]).
    pub menu: Option<String>,
}

/// Imports the exports into the content folder; on any error the folder is left as it was.
pub fn wordpress(opts: &WordpressOptions) -> Result<Report> {
    anyhow::ensure!(
        !opts.exports.is_empty(),
        "name at least one export file (Tools → Export in WordPress)"
    );
    let ctx = first_pass(opts)?;
    let sites = [
        ctx.channel.link.as_str(),
        ctx.channel.base_blog_url.as_str(),
    ];
    let resolve = |url: &str| {
        let key = wordpress::address_key(url, &sites)?;
        ctx.addresses.get(&key).cloned()
    };
    let menu = menus::header_menu(&ctx.menus, opts.menu.as_deref(), &ctx.targets, &resolve);
    if let (Some(wanted), None) = (&opts.menu, &menu) {
        anyhow::bail!("the export has no menu named {wanted}; nothing was written");
    }
    let mut entries: BTreeMap<u64, Entry> = BTreeMap::new();
    let mut skipped: BTreeMap<u64, (String, String)> = BTreeMap::new();
    for export in &opts.exports {
        wxr::read(export, &mut |item| {
            let id = item.id;
            match wordpress::convert(item, &ctx) {
                Converted::Entry(entry) => {
                    skipped.remove(&id);
                    let mut entry = *entry;
                    if let Some(old) = entries.remove(&id) {
                        let mut comments = old.comments;
                        comments.append(&mut entry.comments);
                        entry.comments = comments;
                    }
                    entries.insert(id, entry);
                }
                Converted::Skipped { what, title } => {
                    entries.remove(&id);
                    skipped.insert(id, (what, title));
                }
                Converted::Attachment => {}
            }
            Ok(())
        })?;
    }
    output::write(
        opts,
        (&ctx.channel, menu),
        entries.into_values().collect(),
        skipped.into_values().collect(),
        ctx.attachments.len(),
    )
}

/// The channel, the attachments and the uploads folder, read before any post is converted
/// (an attachment often comes after the post that shows it).
fn first_pass(opts: &WordpressOptions) -> Result<Context> {
    let mut attachments = HashMap::new();
    let mut links = Vec::new();
    let (mut menu_items, mut targets) = (Vec::new(), HashMap::new());
    let mut channel: Option<wxr::Channel> = None;
    for export in &opts.exports {
        let this = wxr::read(export, &mut |item| {
            if item.kind == "attachment" && !item.attachment_url.is_empty() {
                attachments.insert(item.id, wordpress::Attachment::of(&item));
            }
            menu_items.extend(menus::MenuItem::of(&item));
            if let Some(address) = wordpress::published_address(&item) {
                targets.insert(item.id, (item.title.trim().to_string(), address));
            }
            if let Some(address) = wordpress::new_address(&item) {
                let short = if item.kind == "page" { "page_id" } else { "p" };
                links.push((item.link, address.clone()));
                links.push((format!("/?{short}={}", item.id), address));
            }
            Ok(())
        })?;
        match channel.as_mut() {
            None => channel = Some(this),
            Some(first) => first.authors.extend(this.authors),
        }
    }
    let uploads = opts
        .media
        .as_deref()
        .map(media::Uploads::scan)
        .transpose()?;
    let channel = channel.unwrap_or_default();
    // Old addresses are read relative to the blog: its own links and its short links.
    let sites = [channel.link.as_str(), channel.base_blog_url.as_str()];
    let addresses = links
        .into_iter()
        .filter_map(|(old, new)| {
            let absolute = if old.starts_with('/') {
                format!("{}{old}", sites[0].trim_end_matches('/'))
            } else {
                old
            };
            Some((wordpress::address_key(&absolute, &sites)?, new))
        })
        .collect();
    Ok(Context {
        channel,
        attachments,
        uploads,
        addresses,
        menus: menu_items,
        targets,
    })
}
