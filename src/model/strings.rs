//! The words of the interface, in the site's language: one table shared by the app and the
//! builder's pages, so both say the same for the same state.
//!
//! English is written here and is every key's fallback. A site in another language carries its
//! table as data: the builder reads `strings/<language>.toml` (shipped with Fieldnotes) and the
//! author's `content/strings.toml`, and writes the result into the manifest's
//! [`super::SiteInfo::strings`], one text per key in the order of [`S`]. An English site
//! without overrides carries none, so the app's bytes do not grow with each language.
//!
//! A text may hold `{name}` slots, filled by [`Strings::fill`]. A key with plural forms holds
//! them as `category:text` joined by `|` (`one:{n} comment|other:{n} comments`), the categories
//! of CLDR (`zero`, `one`, `two`, `few`, `many`, `other`); [`Strings::count`] picks the form of
//! the site's language: ICU4X's rules in the builder, the browser's `Intl.PluralRules` in the app.
//! Dates are written from the table's month names, order and digits ([`Strings::date`]), by the
//! same code in both halves.

macro_rules! strings {
    ($($key:ident = $en:literal,)*) => {
        /// The place of each text in a site's table; its name is the key in `strings.toml`.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }

        /// The texts of the interface, each its key and its English. The English travels with
        /// the code that shows it: in the app, a text only the comments chunk shows is in that
        /// chunk, not in the reading core.
        #[allow(non_snake_case, non_upper_case_globals)]
        pub mod S {
            use super::{Key, Text};
            $(
                #[doc = $en]
                pub const $key: Text = Text { key: Key::$key, en: $en };
            )*
        }

        /// English, in the order of [`Key`], each text ended by a NUL: for the builder, which
        /// writes any key.
        #[cfg(not(target_arch = "wasm32"))]
        const ENGLISH_ALL: &str = concat!($($en, "\0"),*);

        /// How many keys there are.
        pub const KEY_COUNT: usize = [$(stringify!($key)),*].len();

        /// The keys' names, in the order of [`Key`].
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];
    };
}

/// A text of the interface: its key and its English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    key: Key,
    en: &'static str,
}

strings! {
    // The frame of every page.
    skip_to_content = "Skip to content",
    search_posts = "Search posts",
    search_hint = "Search (press /)",
    archive = "Archive",
    site_nav = "Site",
    footer = "Made with Fieldnotes. No trackers, no third parties.",
    reading_offline = "Reading offline",
    // Display settings.
    display = "Display",
    theme = "Theme",
    theme_system = "System",
    theme_light = "Light",
    theme_dark = "Dark",
    text_size = "Text size",
    size_small = "Small",
    size_medium = "Medium",
    size_large = "Large",
    size_largest = "Largest",
    line_width = "Line width",
    width_narrow = "Narrow",
    width_medium = "Medium",
    width_wide = "Wide",
    line_spacing = "Line spacing",
    spacing_tight = "Tight",
    spacing_normal = "Normal",
    spacing_loose = "Loose",
    reset_display = "Reset to defaults",
    // Lists of posts.
    newer_posts = "Newer posts",
    older_posts = "Older posts",
    pages_nav = "Pages",
    page_of = "Page {page} of {pages}",
    pinned = "Pinned",
    undated = "Undated",
    years_nav = "Years",
    tags = "Tags",
    categories = "Categories",
    authors = "Authors",
    tagged = "Tagged “{term}”",
    in_category = "In “{term}”",
    posts_by = "Posts by {term}",
    format_aside = "Aside",
    format_audio = "Audio",
    format_chat = "Chat",
    format_gallery = "Gallery",
    format_image = "Image",
    format_link = "Link",
    format_quote = "Quote",
    format_status = "Status",
    format_video = "Video",
    // A post.
    by = "By {names}",
    min_read = "one:{n} min read|other:{n} min read",
    comment_count = "one:{n} comment|other:{n} comments",
    post_count = "one:{n} post|other:{n} posts",
    newer = "Newer:",
    older = "Older:",
    more_posts = "More posts",
    related_posts = "Related posts",
    contents = "Contents",
    series = "Series",
    read_this_in = "Read this in",
    // Comments.
    comments = "Comments",
    leave_a_reply = "Leave a Reply",
    reply = "Reply",
    reply_to = "Reply to {name}",
    cancel_reply = "Cancel reply",
    comment = "Comment",
    name = "Name",
    email = "Email (optional, never published)",
    website = "Website (optional)",
    comment_note = "Your email address is never published. The author reads each comment before it appears.",
    leave_empty = "Leave this field empty",
    remember_me = "Remember my name, email and website in this browser",
    preview = "Preview",
    edit = "Edit",
    post_comment = "Post Comment",
    nothing_to_preview = "Nothing to preview yet.",
    sending = "Sending…",
    awaiting_moderation = "Thank you. Your comment is awaiting moderation.",
    saved_until_online = "Saved — it will be sent when you are back online.",
    not_delivered = "Your comment could not be delivered just now. It is kept in this browser and will be sent again later.",
    not_sent = "Your comment was not sent: {reason}",
    dismiss = "Dismiss",
    // Search.
    search = "Search",
    search_prompt = "Type words to search, or choose tags to see their posts.",
    search_none = "No posts match {what}. Check the spelling, use fewer words, or remove a tag.",
    these_tags = "these tags",
    found = "one:{n} post found|other:{n} posts found",
    found_at_least = "At least {n} posts found",
    show_more = "Show more results",
    search_failed = "Search could not load",
    filter_by_tag = "Filter by tag",
    search_offline = "You are offline: these results come from the {n} posts stored in this browser.",
    search_trouble = "The site is not answering: these results come from the {n} posts stored in this browser.",
    search_needs_js = "Search runs in your browser and needs JavaScript.",
    // Loading, errors, a page that is not there.
    loading = "Loading…",
    slow = "The site is slow to answer. You can wait, reload, or go to the home page.",
    reload = "Reload",
    try_again = "Try again",
    piece_search = "The search could not be loaded: the connection may be down.",
    piece_page = "This page could not be loaded: the connection may be down.",
    piece_password = "The password form could not be loaded: the connection may be down.",
    piece_comments = "The comments could not be loaded: the connection may be down.",
    comment_format_failed = "The comment's formatting could not be loaded.",
    home_page = "Go to the home page",
    went_wrong = "Something went wrong",
    error_network = "The page could not be loaded ({why}).",
    error_data = "The site's data could not be read ({why}).",
    error_newer = "This site has been updated (data format {found}, this page reads {reads}). Reload to get the new version.",
    error_older = "This site is in the middle of an update (data format {found}, this page reads {reads}). Reload in a moment.",
    error_replaced = "This site has been updated since this page was opened. Reload to get the new version.",
    not_found = "Page not found",
    not_found_text = "There is no page at this address. It may have moved, or the link may be mistyped.",
    see_all_posts = "See all posts",
    moved = "This page has moved to {link}.",
    // Reading offline.
    offline = "Offline",
    offline_title = "Showing what this browser has stored",
    site_trouble = "The site is having trouble; showing saved copies",
    new_version = "A new version of this site is ready.",
    available_offline = "Available offline",
    not_saved = "Not saved for offline reading",
    post_not_saved = "This post is not saved for offline reading",
    see_offline = "See what you can read offline",
    offline_intro = "Posts you open are kept in this browser, so you can read them again without a connection. Save them all to read anything, and search, while offline.",
    remove_saved = "Remove saved posts",
    nothing_saved = "Nothing yet: open a post, or save them all above.",
    // A protected post.
    password = "Password",
    open = "Open",
    opening = "Opening…",
    keep_key = "Keep the key in this browser after it is closed",
    protected_summary = "Protected with a password.",
    protected_prompt = "This post is protected. Enter the password to read it.",
    protected_page_prompt = "This page is protected. Enter the password to read it.",
    protected_note = "This post is protected with a password. Its text is encrypted: open it on the site, in a browser with JavaScript, and enter its password to read it.",
    protected_page_note = "This page is protected with a password. Its text is encrypted: open it on the site, in a browser with JavaScript, and enter its password to read it.",
    // Headings and titles of pages.
    page_n = "Page {page}",
    heading_page = "{heading}, page {page}",
    archive_year = "Archive: {year}",
    updated = "updated {date}",
    series_part = "Part {position} of {count} in “{name}”",
    all_tags = "All tags",
    all_categories = "All categories",
    all_authors = "All authors",
    browse = "Browse {tags} or {archive}.",
    by_tag = "by tag",
    the_archive = "the archive",
    // Saving for offline reading.
    this_tag = "this tag",
    this_category = "this category",
    this_author = "this author",
    all_posts = "all posts",
    save_offline = "Save {what} for offline ({n} posts, about {size})",
    saved_what = "Saved: {what} ({n} posts)",
    saving_progress = "Saving… {done} of {total} ({size})",
    offline_post_text = "You are offline, and this browser has not stored this post. It will load when you are back online.",
    offline_count = "{n} of {total} posts are available offline.",
    storage_used = "This site uses {size} of this browser's storage.",
    offline_needs_js = "Posts you open are kept in your browser for reading offline; saving more needs JavaScript.",
    load_stuck = "Reloading has not helped yet: the site's host is still sending an out-of-date copy. Try again in a few minutes; posts saved for offline reading stay readable.",
    saving_not_started = "Saving could not start: the connection may be down. Try again.",
    saved_posts = "one:Saved {n} post for offline reading ({size} stored now).|other:Saved {n} posts for offline reading ({size} stored now).",
    saving_stopped = "Saving stopped: {why} Try again when you are online.",
    // A comment of the reader's.
    pending = "Your comment is awaiting moderation.",
    approved = "Approved — everyone sees it once the blog is next published.",
    refused = "Not sent: {reason}",
    // Dates: the month names as a date uses them, the order, and the digits.
    month_1 = "January",
    month_2 = "February",
    month_3 = "March",
    month_4 = "April",
    month_5 = "May",
    month_6 = "June",
    month_7 = "July",
    month_8 = "August",
    month_9 = "September",
    month_10 = "October",
    month_11 = "November",
    month_12 = "December",
    date = "{d} {month} {y}",
    month_year = "{month} {y}",
    digits = "0123456789",
    year_offset = "0",
}

/// The table of one site: its language and its texts in the order of [`S`] (empty: English).
#[derive(Clone, Copy, Debug)]
pub struct Strings<'a> {
    lang: &'a str,
    table: &'a [String],
}

// Kept small on purpose: every reader downloads this code. Texts are written into one `String`
// by hand (no `format!`, no `str::replace`, no `Vec<char>`), numbers digit by digit, and dates
// and months by one function.
impl<'a> Strings<'a> {
    /// The table of a site in `lang`, whose texts are `table` (empty for English).
    pub fn new(lang: &'a str, table: &'a [String]) -> Self {
        Self { lang, table }
    }

    /// The text of `key`; English when the table has none.
    #[inline(never)]
    pub fn get(&self, text: Text) -> &'a str {
        match self.table.get(text.key as usize) {
            Some(ours) if self.table.len() == KEY_COUNT => ours,
            _ => text.en,
        }
    }

    /// The text of `key` with each `{name}` slot filled.
    pub fn fill(&self, key: Text, slots: &[(&str, &str)]) -> String {
        fill(self.get(key), slots)
    }

    /// The text of `key` before and after its `{slot}`, for a slot that holds markup.
    #[inline(never)]
    pub fn around(&self, key: Text, slot: &str) -> (&'a str, &'a str) {
        let text = self.get(key);
        let mut rest = text;
        while let Some((at, name, after)) = next_slot(rest) {
            if name == slot {
                return (&text[..text.len() - rest.len() + at], after);
            }
            rest = &rest[at + 1..];
        }
        (text, "")
    }

    /// The form of plural `key` for `n`, its `{n}` written in the site's digits.
    #[inline(never)]
    pub fn count(&self, key: Text, n: u64) -> String {
        let form = plural_form(self.get(key), &plural_category(self.lang, n));
        fill(form, &[("n", &self.number(n))])
    }

    /// `n` in the site's digits.
    #[inline(never)]
    pub fn number(&self, n: u64) -> String {
        let digits = self.get(S::digits);
        let ours = digits.chars().count() == 10;
        let mut place = 1;
        while n / place >= 10 {
            place *= 10;
        }
        let mut out = String::new();
        while place > 0 {
            let d = (n / place % 10) as u8;
            out.push(match digits.chars().nth(d.into()) {
                Some(c) if ours => c,
                _ => char::from(b'0' + d),
            });
            place /= 10;
        }
        out
    }

    /// A year in the site's calendar (Thai counts from the Buddhist era) and digits.
    pub fn year(&self, year: u64) -> String {
        let offset: u64 = self.get(S::year_offset).parse().unwrap_or(0);
        self.number(year + offset)
    }

    /// A `YYYY-MM-DD` date in words ("3 February 2025"); anything else as it is.
    pub fn date(&self, date: &str) -> String {
        self.dated(date, true)
    }

    /// A `YYYY-MM` month in words ("February 2025"); anything else as it is.
    pub fn month_year(&self, month: &str) -> String {
        self.dated(month, false)
    }

    /// A date (`YYYY-MM-DD`, the day's first two characters read) or a month (`YYYY-MM`) in
    /// words; anything else as it is.
    #[inline(never)]
    fn dated(&self, value: &str, with_day: bool) -> String {
        let mut parts = value.splitn(3, '-');
        let read = |part: Option<&str>| part?.parse::<u64>().ok();
        let (y, m) = (read(parts.next()), read(parts.next()));
        let (key, d) = match (with_day, parts.next()) {
            (true, Some(d)) => (S::date, read(Some(d.get(..2).unwrap_or(d)))),
            (false, None) => (S::month_year, Some(0)),
            _ => (S::date, None),
        };
        match (y, m, d) {
            (Some(y), Some(m @ 1..=12), Some(d)) => {
                let (d, y) = (self.number(d), self.year(y));
                let month = self.get(MONTHS[m as usize - 1]);
                self.fill(key, &[("d", &d), ("month", month), ("y", &y)])
            }
            _ => value.to_string(),
        }
    }
}

const MONTHS: [Text; 12] = [
    S::month_1,
    S::month_2,
    S::month_3,
    S::month_4,
    S::month_5,
    S::month_6,
    S::month_7,
    S::month_8,
    S::month_9,
    S::month_10,
    S::month_11,
    S::month_12,
];

/// `text` with each `{name}` of `slots` replaced by its value; any other `{…}` stays as it is.
#[inline(never)]
pub fn fill(text: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, name, after)) = next_slot(rest) {
        out.push_str(&rest[..at]);
        match slots.iter().find(|(slot, _)| *slot == name) {
            Some((_, value)) => {
                out.push_str(value);
                rest = after;
            }
            None => {
                out.push('{');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first `{name}` of `text`: where its `{` is, the name, and the text after its `}`.
fn next_slot(text: &str) -> Option<(usize, &str, &str)> {
    let at = text.find('{')?;
    let (name, after) = text[at + 1..].split_once('}')?;
    Some((at, name, after))
}

/// The English text of the key at `index` in the order of [`Key`].
#[cfg(not(target_arch = "wasm32"))]
pub fn english_at(index: usize) -> &'static str {
    ENGLISH_ALL.split('\0').nth(index).unwrap_or("")
}

/// Whether the key at `index` has plural forms.
#[cfg(not(target_arch = "wasm32"))]
pub fn is_plural(index: usize) -> bool {
    english_at(index).starts_with("one:")
}

/// The form for `category` of a plural text (`one:…|other:…`), `other`'s when it has none.
#[inline(never)]
pub fn plural_form<'t>(text: &'t str, category: &str) -> &'t str {
    let mut other = text;
    for (form, words) in text.split('|').filter_map(|part| part.split_once(':')) {
        if form == category {
            return words;
        }
        if form == "other" {
            other = words;
        }
    }
    other
}

/// The CLDR plural category of `n` in `lang`: `one`, `few`, `other`…
#[cfg(not(target_arch = "wasm32"))]
pub fn plural_category(lang: &str, n: u64) -> String {
    use icu_plurals::{PluralCategory, PluralRules};
    use std::cell::RefCell;
    thread_local! {
        // The rules of the last language asked for: a build asks for one language only.
        static RULES: RefCell<Option<(String, Option<PluralRules>)>> = const { RefCell::new(None) };
    }
    RULES.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().is_none_or(|(l, _)| l != lang) {
            let locale = lang
                .parse::<icu_locale_core::Locale>()
                .unwrap_or(icu_locale_core::locale!("en"));
            *cell = Some((
                lang.to_string(),
                PluralRules::try_new_cardinal(locale.into()).ok(),
            ));
        }
        let category = match cell.as_ref().and_then(|(_, r)| r.as_ref()) {
            Some(rules) => rules.category_for(n),
            None => PluralCategory::Other,
        };
        match category {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
        .into()
    })
}

/// The CLDR plural category of `n` in `lang`, as the browser's `Intl.PluralRules` says.
#[cfg(target_arch = "wasm32")]
pub fn plural_category(lang: &str, n: u64) -> String {
    let locales = js_sys::Array::of1(&lang.into());
    js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new())
        .select(n as f64)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_the_fallback_of_a_table_of_another_length() {
        let short = vec!["x".to_string()];
        let s = Strings::new("km", &short);
        assert_eq!(s.get(S::search), "Search");
        assert_eq!(KEYS.len(), KEY_COUNT);
        assert_eq!(english_at(KEY_COUNT - 1), "0", "the last key, year_offset");
    }

    #[test]
    fn english_plurals_dates_and_slots() {
        let s = Strings::new("en", &[]);
        assert_eq!(s.count(S::comment_count, 1), "1 comment");
        assert_eq!(s.count(S::comment_count, 0), "0 comments");
        assert_eq!(s.date("2025-02-04"), "4 February 2025");
        assert_eq!(s.date("2025-13-04"), "2025-13-04");
        assert_eq!(s.date("sometime"), "sometime");
        assert_eq!(
            s.fill(S::page_of, &[("page", "2"), ("pages", "5")]),
            "Page 2 of 5"
        );
    }

    #[test]
    fn slots_without_a_value_stay_and_dates_read_only_their_own_shape() {
        assert_eq!(fill("{a} {b} {", &[("a", "1")]), "1 {b} {");
        let s = Strings::new("en", &[]);
        assert_eq!(s.around(S::updated, "date"), ("updated ", ""));
        assert_eq!(s.around(S::by, "none"), ("By {names}", ""));
        assert_eq!(
            (s.number(0), s.number(1_000_305)),
            ("0".into(), "1000305".into())
        );
        assert_eq!(s.month_year("2025-02"), "February 2025");
        assert_eq!(s.month_year("2025-02-03"), "2025-02-03");
        assert_eq!(s.date("2025-02"), "2025-02");
        assert_eq!(s.date("2025-02-04T10:00"), "4 February 2025");
    }

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(plural_category("ar", 0), "zero");
        assert_eq!(plural_category("ar", 2), "two");
        assert_eq!(plural_category("ar", 105), "few");
        assert_eq!(plural_category("ar", 111), "many");
        assert_eq!(plural_category("km", 1), "other");
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("en", 0), "other");
        assert_eq!(plural_form("one:a|other:b", "few"), "b");
    }

    #[test]
    fn digits_and_calendar_years_of_a_table() {
        let mut table: Vec<String> = (0..KEY_COUNT).map(|i| english_at(i).to_string()).collect();
        table[Key::digits as usize] = "٠١٢٣٤٥٦٧٨٩".into();
        table[Key::year_offset as usize] = "543".into();
        let s = Strings::new("ar", &table);
        assert_eq!(s.date("2025-02-04"), "٤ February ٢٥٦٨");
    }
}
