//! WordPress menus (`nav_menu_item` items) to the header's links (`[[nav]]` in `site.toml`).
//!
//! An export holds every menu of the site but not which one the theme shows as its main menu
//! (that is a theme setting, not content). The header takes one: the menu named with `--menu`,
//! else one whose name says it is the main one (`primary`, `main`, `header`, `top`, `navigation`),
//! else, among the menus that are not social or footer menus, the one with the most top-level
//! links that still fits a header (eight at most), else the one with the most. Its top-level
//! items become the links, in menu order: a link to a page or post goes to its new address, a
//! custom link to the old site's address goes to the new one, another site's `http(s)` link
//! stays; the header has one level, so sub-items are left out and counted in the report.

use super::wxr::Item;
use crate::model::{NavLink, Taxonomy};
use std::collections::{BTreeMap, HashMap};

/// One `nav_menu_item`, as the export gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub id: u64,
    /// The menu's slug (the `nav_menu` term's nicename).
    pub menu: String,
    pub order: i64,
    pub title: String,
    /// `_menu_item_type`: `post_type`, `taxonomy` or `custom`.
    pub kind: String,
    /// `_menu_item_object`: `page`, `post`, `category`, `post_tag`, `custom`.
    pub object: String,
    /// `_menu_item_object_id`: the page's, post's or term's id.
    pub object_id: u64,
    /// `_menu_item_url`: a custom link's address.
    pub url: String,
    /// `_menu_item_menu_item_parent`: the item it sits under (0 at the top).
    pub parent: u64,
}

impl MenuItem {
    /// The menu item an export's item is, if it is one.
    pub fn of(item: &Item) -> Option<MenuItem> {
        if item.kind != "nav_menu_item" {
            return None;
        }
        let meta = |key: &str| {
            item.meta
                .iter()
                .find(|(k, _)| k == key)
                .map_or("", |(_, v)| v.as_str())
                .trim()
                .to_string()
        };
        let menu = item
            .terms
            .iter()
            .find(|(domain, _, _)| domain == "nav_menu")?;
        Some(MenuItem {
            id: item.id,
            menu: menu.1.clone(),
            order: item.menu_order,
            title: item.title.trim().to_string(),
            kind: meta("_menu_item_type"),
            object: meta("_menu_item_object"),
            object_id: meta("_menu_item_object_id").parse().unwrap_or(0),
            url: meta("_menu_item_url"),
            parent: meta("_menu_item_menu_item_parent").parse().unwrap_or(0),
        })
    }
}

/// What the header became.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderMenu {
    /// The menu chosen, and the others left.
    pub name: String,
    pub others: Vec<String>,
    pub links: Vec<NavLink>,
    /// Sub-items left out (the header has one level), and items that could not be placed.
    pub nested: usize,
    pub unresolved: Vec<String>,
}

/// Names that say a menu is the site's main one.
const MAIN_NAMES: [&str; 5] = ["primary", "main", "header", "top", "navigation"];
/// The most top-level links a menu chosen without a name has, when one that short exists.
const HEADER_LINKS: usize = 8;
/// Names of menus that are not the main one.
const OTHER_NAMES: [&str; 3] = ["social", "footer", "secondary"];

/// The header menu from `items`; `wanted` names one. `targets` gives each published post's and
/// page's id its title and new address; `addresses` each old address ([`super::wordpress::address_key`])
/// its new one; `sites` are the blog's own addresses. None when the export has no menu.
pub fn header_menu(
    items: &[MenuItem],
    wanted: Option<&str>,
    targets: &HashMap<u64, (String, String)>,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Option<HeaderMenu> {
    let mut menus: BTreeMap<&str, Vec<&MenuItem>> = BTreeMap::new();
    for item in items {
        menus.entry(item.menu.as_str()).or_default().push(item);
    }
    let name = choose(&menus, wanted)?;
    let mut chosen = menus.remove(name.as_str()).unwrap_or_default();
    chosen.sort_by_key(|i| (i.order, i.id));
    let mut menu = HeaderMenu {
        others: menus.keys().map(|m| m.to_string()).collect(),
        name,
        ..HeaderMenu::default()
    };
    for item in chosen {
        if item.parent != 0 {
            menu.nested += 1;
            continue;
        }
        match link_of(item, targets, resolve) {
            Some(link) => menu.links.push(link),
            None => menu.unresolved.push(if item.title.is_empty() {
                format!("item {}", item.id)
            } else {
                item.title.clone()
            }),
        }
    }
    Some(menu)
}

/// The menu to use: the one asked for, else one named as the main one, else the largest of the
/// others by top-level items (the first by name on a tie).
fn choose(menus: &BTreeMap<&str, Vec<&MenuItem>>, wanted: Option<&str>) -> Option<String> {
    if let Some(wanted) = wanted {
        return menus.contains_key(wanted).then(|| wanted.to_string());
    }
    if let Some(main) = menus
        .keys()
        .find(|name| MAIN_NAMES.iter().any(|m| name.contains(m)))
    {
        return Some(main.to_string());
    }
    let top = |items: &Vec<&MenuItem>| items.iter().filter(|i| i.parent == 0).count();
    // A header holds a few links: a menu of at most HEADER_LINKS top-level links is preferred to
    // a longer one (a list of every page), then the larger.
    let fits = |items: &Vec<&MenuItem>| top(items) <= HEADER_LINKS;
    menus
        .iter()
        .filter(|(name, _)| !OTHER_NAMES.iter().any(|o| name.contains(o)))
        .max_by(|a, b| {
            (fits(a.1), top(a.1))
                .cmp(&(fits(b.1), top(b.1)))
                .then(b.0.cmp(a.0))
        })
        .or_else(|| menus.iter().next())
        .map(|(name, _)| name.to_string())
}

/// Where an item leads: a post's or page's new address (its title when the item has none), the
/// new address of a custom link to the old site, another site's link; none for a placeholder (`#`)
/// or what the export cannot place (a term, whose name it does not give with the item).
fn link_of(
    item: &MenuItem,
    targets: &HashMap<u64, (String, String)>,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Option<NavLink> {
    let (title, url) = match item.kind.as_str() {
        "post_type" => {
            let (title, url) = targets.get(&item.object_id)?;
            (
                Some(item.title.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or(title.clone()),
                url.clone(),
            )
        }
        "custom" => {
            let url = resolve(&item.url).or_else(|| {
                let web = item.url.starts_with("https://") || item.url.starts_with("http://");
                web.then(|| item.url.clone())
            })?;
            (item.title.clone(), url)
        }
        "taxonomy" => {
            let taxonomy = match item.object.as_str() {
                "category" => Taxonomy::Categories,
                "post_tag" => Taxonomy::Tags,
                _ => return None,
            };
            let segment = crate::routes::tag_segment(&item.title);
            (
                item.title.clone(),
                format!("/{}/{segment}/", taxonomy.folder()),
            )
        }
        _ => return None,
    };
    (!title.is_empty()).then_some(NavLink { title, url })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: u64, menu: &str, kind: &str, object_id: u64, url: &str, parent: u64) -> MenuItem {
        MenuItem {
            id,
            menu: menu.into(),
            order: id as i64,
            title: if kind == "custom" {
                format!("Link {id}")
            } else {
                String::new()
            },
            kind: kind.into(),
            object: if kind == "post_type" {
                "page".into()
            } else {
                "custom".into()
            },
            object_id,
            url: url.into(),
            parent,
        }
    }

    #[test]
    fn the_largest_menu_becomes_the_header_with_its_links_resolved() {
        let items = vec![
            item(1, "social-menu", "custom", 0, "https://example.social/a", 0),
            item(2, "social-menu", "custom", 0, "https://example.social/b", 0),
            item(3, "social-menu", "custom", 0, "https://example.social/c", 0),
            item(10, "site-links", "post_type", 7, "", 0),
            item(
                11,
                "site-links",
                "custom",
                0,
                "https://old.example/2019/05/walk/",
                0,
            ),
            item(12, "site-links", "custom", 0, "#", 0),
            item(13, "site-links", "post_type", 8, "", 10),
            item(
                14,
                "site-links",
                "custom",
                0,
                "https://elsewhere.example/",
                0,
            ),
            item(15, "short", "post_type", 7, "", 0),
        ];
        let targets = HashMap::from([
            (7, ("About".to_string(), "/about/".to_string())),
            (8, ("Team".to_string(), "/team/".to_string())),
        ]);
        let resolve = |url: &str| {
            (url == "https://old.example/2019/05/walk/").then(|| "/posts/walk/".to_string())
        };
        let menu = header_menu(&items, None, &targets, &resolve).unwrap();
        assert_eq!(menu.name, "site-links");
        assert_eq!(menu.others, ["short", "social-menu"]);
        let links: Vec<(&str, &str)> = menu
            .links
            .iter()
            .map(|l| (l.title.as_str(), l.url.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                ("About", "/about/"),
                ("Link 11", "/posts/walk/"),
                ("Link 14", "https://elsewhere.example/")
            ]
        );
        assert_eq!(
            (menu.nested, menu.unresolved.as_slice()),
            (1, &["Link 12".to_string()][..])
        );
        // Asked for by name, or named as the main one.
        assert_eq!(
            header_menu(&items, Some("short"), &targets, &resolve)
                .unwrap()
                .links
                .len(),
            1
        );
        assert!(header_menu(&items, Some("nope"), &targets, &resolve).is_none());
        let mut named = items.clone();
        named.push(item(20, "primary", "post_type", 8, "", 0));
        assert_eq!(
            header_menu(&named, None, &targets, &resolve).unwrap().name,
            "primary"
        );
        assert!(header_menu(&[], None, &targets, &resolve).is_none());
    }
}
