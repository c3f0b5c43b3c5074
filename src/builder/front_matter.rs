//! Front matter: the block of settings at the top of a post, in YAML (`---`) or TOML (`+++`), with
//! the field names of Jekyll, Hugo and Zola, so existing blogs build unchanged.
//!
//! Parsing happens in two steps: the block is read into a generic map (so unknown fields can be
//! kept under `extra`), then each known field is taken from the map under any of its names.

use super::config::line_column;
use super::error::Problem;
use serde_json::{Map, Value};
use std::path::Path;

/// The settings a post may give, whatever dialect they were written in.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrontMatter {
    /// `title`. Required.
    pub title: Option<String>,
    /// `date`: publication date and time as written (`2024-03-05`, RFC 3339, `2024-03-05 10:20:00 +0700`).
    pub date: Option<Field<String>>,
    /// `updated`, `lastmod`, `last_modified_at`, `modified`.
    pub updated: Option<Field<String>>,
    /// `publishDate`, `publish_date`: not published before this date unless the build asks.
    pub publish_date: Option<Field<String>>,
    /// `expiryDate`, `expiry_date`, `unpublishdate`: not published after this date unless asked.
    pub expiry_date: Option<Field<String>>,
    /// `slug`; else the last segment of `path`/`permalink`/`url`; else the file name.
    pub slug: Option<String>,
    /// `path`, `permalink`, `url`: a date-shaped one (`2020/03/12/some-post`) also gives the date.
    pub path: Option<String>,
    /// `tags` (list, or a space/comma separated string), Zola `taxonomies.tags`.
    pub tags: Vec<String>,
    /// `categories`, `category`, Zola `taxonomies.categories`.
    pub categories: Vec<String>,
    /// `summary`, `description`, `excerpt`.
    pub summary: Option<String>,
    /// `draft: true`, Jekyll `published: false`, or `private: true` (a post WordPress kept
    /// private): published only by a preview build with drafts.
    pub draft: bool,
    /// `pinned`, `sticky`, `pin`: the post stays at the top of the home page.
    pub pinned: bool,
    /// `unlisted: true`, or Hugo's `build: {list: never}` (or `local`): the post is published but
    /// left out of every list ([`crate::model::PostSummary::unlisted`]).
    pub unlisted: bool,
    /// `password`: the post is protected, sealed under this password ([`crate::model::sealed`]).
    /// Taken as written (spaces kept), never kept in `extra`.
    pub password: Option<String>,
    /// `password_env`: the name of an environment variable that holds the password at build time.
    pub password_env: Option<String>,
    /// `protected: true`: the post is protected; its password is in `passwords.toml` (or given by
    /// one of the fields above). A protected post whose password cannot be found is an error.
    pub protected: bool,
    /// `format`, `post_format`: WordPress's post format (`aside`, `quote`, …).
    pub format: Option<String>,
    /// `author` / `authors`: a name or a list of names.
    pub authors: Vec<String>,
    /// `lang`, `language`.
    pub lang: Option<String>,
    /// `translation_of` (Hugo's `translationKey` is not read: it names a group, not a post): the
    /// slug of the post this one translates.
    pub translation_of: Option<String>,
    /// `series` (a name, or Hugo's one-item list) with `series_order`/`series_weight`/`weight`.
    pub series: Option<(String, Option<u32>)>,
    /// `cover`/`image`/`featured_image`: a path, or a table with `image`/`src`/`path` and `alt`;
    /// `cover_alt`/`image_alt` give the alt text otherwise.
    pub cover: Option<(String, String)>,
    /// `aliases`, `redirect_from`: old URLs of the post.
    pub aliases: Vec<String>,
    /// Every other field, and the fields of Zola's `[extra]` table.
    pub extra: Map<String, Value>,
}

/// A value with the place it was written, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    /// 1-based line and column in the file.
    pub line: usize,
    pub column: usize,
}

/// A post file split into its parsed front matter and its Markdown body.
#[derive(Debug)]
pub struct Document<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Whether `text` begins with a front matter fence (after a byte-order mark and blank lines).
pub fn has_front_matter(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.trim_start_matches(['\n', '\r', ' ', '\t']);
    text.starts_with("---") || text.starts_with("+++")
}

/// Splits `text` (the contents of `path`) and parses its front matter.
pub fn parse<'a>(path: &Path, text: &'a str) -> Result<Document<'a>, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Zola and Hugo accept blank lines before the opening fence; the lines they take are added
    // back to every line number below.
    let blank = text.len() - text.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    let blank = text[..blank].rfind('\n').map_or(0, |i| i + 1);
    let lead = text[..blank].matches('\n').count();
    let text = &text[blank..];
    let mut doc = parse_fenced(path, text).map_err(|mut p| {
        if p.line > 0 {
            p.line += lead;
        }
        p
    })?;
    doc.body_line += lead;
    let front = &mut doc.front;
    for field in [
        &mut front.date,
        &mut front.updated,
        &mut front.publish_date,
        &mut front.expiry_date,
    ]
    .into_iter()
    .flatten()
    {
        field.line += lead;
    }
    Ok(doc)
}

/// [`parse`] for a text that starts with its fence.
fn parse_fenced<'a>(path: &Path, text: &'a str) -> Result<Document<'a>, Problem> {
    let (fence, toml) = if text.starts_with("---") {
        ("---", false)
    } else if text.starts_with("+++") {
        ("+++", true)
    } else {
        return Err(Problem::new(
            path,
            "the file does not start with front matter",
            "begin the file with a YAML block:\n---\ntitle: \"My day\"\ndate: 2025-02-03\n---",
        )
        .at(1, 1));
    };
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != fence {
        return Err(
            Problem::new(path, format!("the first line must be {fence} alone"), "").at(1, 4),
        );
    }
    let rest = &text[first_line_end..];
    let Some((end, body_start)) = find_closing_fence(rest, fence) else {
        return Err(Problem::new(
            path,
            "the front matter is never closed",
            format!("end the block with a line that holds only {fence}"),
        )
        .at(1, 1));
    };
    let block = &rest[..end];
    let body = &rest[body_start..];
    let body_line = line_column(text, first_line_end + body_start).0;
    let map = if toml {
        parse_toml(path, block)?
    } else {
        parse_yaml(path, block)?
    };
    let front = interpret(map, block, toml);
    Ok(Document {
        front,
        body,
        body_line,
    })
}

fn parse_yaml(path: &Path, block: &str) -> Result<Map<String, Value>, Problem> {
    if block.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: Value = serde_saphyr::from_str(block).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize + 1, l.column() as usize))
            .unwrap_or((0, 0));
        Problem::new(
            path,
            format!(
                "malformed front matter: {}",
                without_position(&e.without_snippet().to_string())
            ),
            "front matter is YAML: `key: value` lines; quote titles that contain a colon",
        )
        .at(line, column)
    })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(Problem::new(
            path,
            "the front matter is not a set of `key: value` lines",
            "",
        )
        .at(2, 1)),
    }
}

fn parse_toml(path: &Path, block: &str) -> Result<Map<String, Value>, Problem> {
    let table: toml::Table = toml::from_str(block).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_column(block, s.start))
            .unwrap_or((0, 0));
        Problem::new(
            path,
            format!("malformed front matter: {}", e.message().trim()),
            "front matter between +++ lines is TOML: `key = \"value\"` lines",
        )
        .at(if line > 0 { line + 1 } else { 0 }, column)
    })?;
    match toml_to_json(toml::Value::Table(table)) {
        Value::Object(map) => Ok(map),
        _ => unreachable!("a table converts to an object"),
    }
}

/// TOML values as JSON ones; dates and times become their TOML text (`2024-03-05T10:20:00+07:00`).
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Takes the known fields out of `map`, under each of their names; the rest is `extra`.
fn interpret(mut map: Map<String, Value>, block: &str, toml: bool) -> FrontMatter {
    let m = &mut map;
    let text =
        |m: &mut Map<String, Value>, names: &[&str]| take(m, names).as_ref().and_then(scalar_text);
    let dated = |m: &mut Map<String, Value>, names: &[&str]| {
        names.iter().find_map(|name| {
            let value = take(m, &[name]).as_ref().and_then(scalar_text)?;
            let (line, column) = locate(block, name, toml);
            Some(Field {
                value,
                line,
                column,
            })
        })
    };
    let mut front = FrontMatter {
        title: text(m, &["title"]),
        date: dated(m, &["date", "pubDate", "pub_date"]),
        updated: dated(m, &["updated", "lastmod", "last_modified_at", "modified"]),
        publish_date: dated(m, &["publishDate", "publish_date", "publishdate"]),
        expiry_date: dated(
            m,
            &["expiryDate", "expiry_date", "expirydate", "unpublishdate"],
        ),
        slug: text(m, &["slug"]),
        path: text(m, &["path", "permalink", "url"]),
        tags: take(m, &["tags", "tag", "keywords"])
            .map(|v| word_list(&v))
            .unwrap_or_default(),
        categories: take(m, &["categories", "category"])
            .map(|v| word_list(&v))
            .unwrap_or_default(),
        summary: text(m, &["summary", "description", "excerpt"]),
        draft: take(m, &["draft"]).is_some_and(|v| truthy(&v)),
        pinned: take(m, &["pinned", "sticky", "pin"]).is_some_and(|v| truthy(&v)),
        unlisted: take(m, &["unlisted"]).is_some_and(|v| truthy(&v)) || hugo_unlisted(m),
        password: take(m, &["password"]).as_ref().and_then(password_text),
        password_env: text(m, &["password_env"]),
        protected: take(m, &["protected"]).is_some_and(|v| truthy(&v)),
        format: text(m, &["format", "post_format"]).map(|f| f.to_lowercase()),
        lang: text(m, &["lang", "language", "locale"]),
        translation_of: text(m, &["translation_of"]),
        aliases: take(m, &["aliases", "redirect_from"])
            .map(|v| list_of_text(&v))
            .unwrap_or_default(),
        ..FrontMatter::default()
    };
    zola_taxonomies(m, &mut front);
    if let Some(published) = take(m, &["published"]) {
        front.draft |= !truthy(&published);
    }
    if let Some(private) = take(m, &["private"]) {
        front.draft |= truthy(&private);
    }
    front.authors = authors(m);
    front.series = series(m);
    let cover_alt = text(m, &["cover_alt", "image_alt", "cover_image_alt"]);
    front.cover = cover(m, cover_alt);
    if let Some(Value::Object(extra)) = take(m, &["extra"]) {
        m.extend(extra);
    }
    front.extra = map;
    front
}

/// Hugo's build options (`build`, `_build`) with `list = "never"` or `"local"`: a page kept out
/// of the site's lists. The table is taken out of the front matter only when it says so.
fn hugo_unlisted(m: &mut Map<String, Value>) -> bool {
    for key in ["build", "_build"] {
        let list = m
            .get(key)
            .and_then(|b| b.get("list"))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        if matches!(list.as_deref(), Some("never" | "local")) {
            m.remove(key);
            return true;
        }
    }
    false
}

/// Zola's `[taxonomies]`: its tags and categories join the post's; its series is read like
/// Hugo's; other taxonomies stay in `extra`.
fn zola_taxonomies(m: &mut Map<String, Value>, front: &mut FrontMatter) {
    let Some(Value::Object(mut taxonomies)) = take(m, &["taxonomies"]) else {
        return;
    };
    if let Some(tags) = taxonomies.remove("tags") {
        front.tags.extend(word_list(&tags));
    }
    if let Some(categories) = taxonomies.remove("categories") {
        front.categories.extend(word_list(&categories));
    }
    if let Some(series) = taxonomies.remove("series") {
        m.insert("series".into(), series);
    }
    if !taxonomies.is_empty() {
        m.insert("taxonomies".into(), Value::Object(taxonomies));
    }
}

/// `authors` and `author`: names, lists of names, or Jekyll and Hugo themes' `{name: …, email: …}`.
fn authors(m: &mut Map<String, Value>) -> Vec<String> {
    let mut authors = Vec::new();
    for name in ["authors", "author"] {
        if let Some(v) = take(m, &[name]) {
            authors.extend(match &v {
                Value::Object(o) => o.get("name").and_then(scalar_text).into_iter().collect(),
                other => list_of_text(other),
            });
        }
    }
    authors
}

/// `series` (a name, or Hugo's one-item list) and the post's place in it.
fn series(m: &mut Map<String, Value>) -> Option<(String, Option<u32>)> {
    let order = take(
        m,
        &["series_order", "series_weight", "series_part", "weight"],
    )
    .and_then(|v| v.as_u64().or_else(|| scalar_text(&v)?.parse().ok()))
    .and_then(|n| u32::try_from(n).ok());
    take(m, &["series"])
        .and_then(|v| list_of_text(&v).into_iter().next())
        .map(|name| (name, order))
}

/// The cover image and its alt text: a path, or a table with `image`/`src`/`path`/`url` and
/// `alt`; `alt` (from `cover_alt` and its kin) when the table gives none.
fn cover(m: &mut Map<String, Value>, alt: Option<String>) -> Option<(String, String)> {
    let value = take(
        m,
        &["cover", "image", "featured_image", "cover_image", "images"],
    )?;
    let (src, own_alt) = match &value {
        Value::Object(o) => (
            ["image", "src", "path", "url"]
                .iter()
                .find_map(|k| o.get(*k).and_then(scalar_text)),
            o.get("alt").and_then(scalar_text),
        ),
        other => (list_of_text(other).into_iter().next(), None),
    };
    src.map(|s| (s, own_alt.or(alt).unwrap_or_default()))
}

/// Removes and returns the first of `names` present in `map`.
fn take(map: &mut Map<String, Value>, names: &[&str]) -> Option<Value> {
    names.iter().find_map(|name| map.remove(*name))
}

/// A password as written: a string untrimmed (an empty one is kept, for the build to refuse),
/// or a number's digits.
fn password_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => Some(String::new()),
    }
}

/// Text of a string, number or boolean value.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list of strings, or one string as a one-item list.
fn list_of_text(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar_text).collect(),
        other => scalar_text(other).into_iter().collect(),
    }
}

/// Tags and categories: a list, or Jekyll's space- or comma-separated string.
fn word_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) if s.contains(',') => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        Value::String(s) => s.split_whitespace().map(String::from).collect(),
        other => list_of_text(other),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "on"
        ),
        _ => false,
    }
}

/// Line and column in the file of the value of `key` (the block starts on line 2).
pub(super) fn locate(block: &str, key: &str, toml: bool) -> (usize, usize) {
    let separator = if toml { '=' } else { ':' };
    for (i, line) in block.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.trim_start().strip_prefix(key) {
            let rest_trimmed = rest.trim_start();
            if let Some(after) = rest_trimmed.strip_prefix(separator) {
                let value_start = line.len() - after.trim_start().len();
                let column = line[..value_start].chars().count() + 1;
                return (i + 2, column);
            }
        }
    }
    (2, 1)
}

/// The byte range ending the block (`fence` alone on a line; YAML also allows `...`) in `rest`:
/// (end of the block, start of the body).
fn find_closing_fence(rest: &str, fence: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']).trim_end();
        if bare == fence || (fence == "---" && bare == "...") {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// The parser's message without its own position, which counts from the start of the block
/// rather than of the file (the problem carries the position in the file instead).
fn without_position(message: &str) -> &str {
    let line = message.lines().next().unwrap_or(message).trim();
    line.rfind(" at line ").map_or(line, |i| &line[..i])
}

/// A moment as written by Jekyll, Hugo or Zola authors, reduced to a sortable form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Moment {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM:SS`, `00:00:00` when not given.
    pub time: String,
}

/// Parses the date formats blogs use: `2024-03-05`, `2024-03-05T10:20:00Z`,
/// `2024-03-05T10:20:00+07:00`, `2024-03-05 10:20:00 +0700`, `2024-03-05 10:20`, with an
/// optional fraction of a second. The date and time are kept as written (the author's local time).
pub fn parse_date(value: &str) -> Option<Moment> {
    let value = value.trim();
    let date = value.get(..10)?;
    let rest = &value[10..];
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = date[..4].parse().ok()?;
    let month: u32 = date[5..7].parse().ok()?;
    let day: u32 = date[8..10].parse().ok()?;
    // A real day of the calendar (no 30 February), by the date crate.
    chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    let time = if rest.is_empty() {
        "00:00:00".to_string()
    } else {
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        parse_time(rest)?
    };
    Some(Moment {
        date: date.to_string(),
        time,
    })
}

/// `HH:MM[:SS[.fff]]` with an optional zone (`Z`, `+07:00`, `+0700`, ` +0700`, ` UTC`).
fn parse_time(text: &str) -> Option<String> {
    let clock_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(text.len());
    let (clock, zone) = text.split_at(clock_end);
    let mut parts = clock.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let second: f64 = parts.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if parts.next().is_some() || hour > 23 || minute > 59 || second >= 61.0 {
        return None;
    }
    let zone = zone.trim();
    let zone_ok = zone.is_empty()
        || zone.eq_ignore_ascii_case("z")
        || zone.eq_ignore_ascii_case("utc")
        || zone.eq_ignore_ascii_case("gmt")
        || (zone.starts_with(['+', '-'])
            && zone[1..].chars().all(|c| c.is_ascii_digit() || c == ':')
            && (4..=5).contains(&zone[1..].len()));
    zone_ok.then(|| format!("{hour:02}:{minute:02}:{:02}", second as u32))
}

/// A date at the start of a file name or path: Jekyll's `2024-03-05-slug`, or a date-shaped path
/// `2020/03/12/some-post`. Returns the date and what follows it.
pub fn date_prefix(text: &str) -> Option<(Moment, &str)> {
    let text = text.trim_start_matches('/');
    let candidate = text.get(..10)?;
    let normalised = candidate.replace('/', "-");
    let moment = parse_date(&normalised)?;
    let rest = text[10..].trim_start_matches(['-', '/', '_']);
    Some((moment, rest))
}

/// Today's date (UTC) as `YYYY-MM-DD`, for scheduled and expired posts.
pub fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(date: &str, time: &str) -> Option<Moment> {
        Some(Moment {
            date: date.into(),
            time: time.into(),
        })
    }

    #[test]
    fn dates_in_every_blog_format() {
        assert_eq!(parse_date("2025-02-03"), moment("2025-02-03", "00:00:00"));
        assert_eq!(parse_date("2024-02-29"), moment("2024-02-29", "00:00:00"));
        assert_eq!(
            parse_date("2025-02-03T10:20:00+07:00"),
            moment("2025-02-03", "10:20:00")
        );
        assert_eq!(
            parse_date("2025-02-03T10:20:00Z"),
            moment("2025-02-03", "10:20:00")
        );
        assert_eq!(
            parse_date("2025-02-03T10:20:00.123Z"),
            moment("2025-02-03", "10:20:00")
        );
        assert_eq!(
            parse_date("2024-03-05 10:20:00 +0700"),
            moment("2024-03-05", "10:20:00")
        );
        assert_eq!(
            parse_date("2024-03-05 10:20"),
            moment("2024-03-05", "10:20:00")
        );
        assert_eq!(
            parse_date("2024-03-05 10:20:00 UTC"),
            moment("2024-03-05", "10:20:00")
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "3 Feb 2025",
            "2025-02-0x",
            "2025-02-031",
            "2025-02-03T25:00",
            "2025-02-03 10:20 tomorrow",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_from_file_names_and_paths() {
        let (m, rest) = date_prefix("2024-03-05-first-post").unwrap();
        assert_eq!((m.date.as_str(), rest), ("2024-03-05", "first-post"));
        let (m, rest) = date_prefix("/2020/03/12/some-post").unwrap();
        assert_eq!((m.date.as_str(), rest), ("2020-03-12", "some-post"));
        assert!(date_prefix("first-post").is_none());
    }

    #[test]
    fn yaml_front_matter_is_split_from_the_body() {
        let text = "---\ntitle: \"Day 1: Arrival\"\ndate: 2025-02-03\ntags: [a, b]\n---\n# Body\n";
        let doc = parse(Path::new("x.md"), text).unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("Day 1: Arrival"));
        let date = doc.front.date.as_ref().unwrap();
        assert_eq!(
            (date.value.as_str(), date.line, date.column),
            ("2025-02-03", 3, 7)
        );
        assert_eq!(doc.front.tags, ["a", "b"]);
        assert_eq!(doc.body, "# Body\n");
        assert_eq!(doc.body_line, 6);
    }

    #[test]
    fn hugo_toml_front_matter() {
        let text = "+++\ntitle = \"Hugo post\"\ndate = 2024-03-05T10:20:00+07:00\nlastmod = 2024-04-01\ndraft = false\ntags = [\"go\", \"web\"]\ncategories = [\"dev\"]\nseries = [\"Building\"]\nweight = 2\naliases = [\"/old/hugo-post/\"]\nauthors = [\"Ana\", \"Ben\"]\n[params]\nmood = \"calm\"\n+++\nBody\n";
        let doc = parse(Path::new("x.md"), text).unwrap();
        let f = &doc.front;
        assert_eq!(f.title.as_deref(), Some("Hugo post"));
        assert_eq!(f.date.as_ref().unwrap().value, "2024-03-05T10:20:00+07:00");
        assert_eq!(f.date.as_ref().unwrap().line, 3);
        assert_eq!(f.updated.as_ref().unwrap().value, "2024-04-01");
        assert_eq!(f.tags, ["go", "web"]);
        assert_eq!(f.categories, ["dev"]);
        assert_eq!(f.series, Some(("Building".into(), Some(2))));
        assert_eq!(f.aliases, ["/old/hugo-post/"]);
        assert_eq!(f.authors, ["Ana", "Ben"]);
        assert_eq!(f.extra["params"]["mood"], "calm");
        assert_eq!(doc.body, "Body\n");
    }

    #[test]
    fn zola_toml_front_matter() {
        let text = "+++\ntitle = \"Zola post\"\ndate = 2020-03-12\nupdated = 2020-04-01\npath = \"2020/03/12/some-post\"\ndescription = \"A Zola summary.\"\n[taxonomies]\ntags = [\"rust\"]\ncategories = [\"notes\"]\n[extra]\ncover = \"x\"\n+++\nBody\n";
        let f = parse(Path::new("x.md"), text).unwrap().front;
        assert_eq!(f.tags, ["rust"]);
        assert_eq!(f.categories, ["notes"]);
        assert_eq!(f.summary.as_deref(), Some("A Zola summary."));
        assert_eq!(f.path.as_deref(), Some("2020/03/12/some-post"));
        assert_eq!(f.extra["cover"], "x", "[extra] fields are kept under extra");
    }

    #[test]
    fn jekyll_yaml_front_matter() {
        let text = "---\nlayout: post\ntitle: Jekyll post\ndate: 2024-03-05 10:20:00 +0700\ntags: ruby static-sites\ncategory: dev\nexcerpt: Short one.\npublished: false\nauthor: {name: Cleo, email: c@example.org}\nredirect_from: /2024/old-name/\nimage:\n  path: /assets/cover.png\n  alt: A cover\n---\nBody\n";
        let f = parse(Path::new("x.md"), text).unwrap().front;
        assert_eq!(f.tags, ["ruby", "static-sites"]);
        assert_eq!(f.categories, ["dev"]);
        assert_eq!(f.summary.as_deref(), Some("Short one."));
        assert!(f.draft, "published: false is a draft");
        assert_eq!(f.authors, ["Cleo"]);
        assert_eq!(f.aliases, ["/2024/old-name/"]);
        assert_eq!(
            f.cover,
            Some(("/assets/cover.png".into(), "A cover".into()))
        );
        assert_eq!(f.extra["layout"], "post", "unknown fields are kept");
    }

    #[test]
    fn blank_lines_before_the_front_matter_are_allowed() {
        let text = "\n\n+++\ntitle = \"Theme\"\ndate = \"2025-13-01\"\n+++\nBody\n";
        let doc = parse(Path::new("a.md"), text).unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("Theme"));
        let date = doc.front.date.unwrap();
        assert_eq!(
            (date.line, date.column),
            (5, 8),
            "lines count the blank ones"
        );
        assert_eq!(doc.body_line, 7);
        assert_eq!(doc.body, "Body\n");
        let bad = parse(Path::new("a.md"), "\n---\ntitle: [x\n---\n").unwrap_err();
        assert_eq!(bad.line, 3, "{bad}");
    }

    #[test]
    fn malformed_front_matter_reports_the_line_in_the_file() {
        let text = "---\ntitle: ok\ntags: [a, b\ndate: 2025-02-03\n---\nbody";
        let err = parse(Path::new("x.md"), text).unwrap_err();
        assert_eq!(
            err.message,
            "malformed front matter: illegal placement of ':' indicator"
        );
        assert_eq!(
            (err.line, err.column),
            (4, 5),
            "the line in the file, not in the YAML"
        );
        let err = parse(Path::new("x.md"), "+++\ntitle = \"a\"\ndate = \n+++\n").unwrap_err();
        assert!(err.message.starts_with("malformed front matter: "), "{err}");
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn missing_or_unclosed_fences_are_explained() {
        let err = parse(Path::new("x.md"), "# Just markdown\n").unwrap_err();
        assert_eq!(err.message, "the file does not start with front matter");
        let err = parse(Path::new("x.md"), "---\ntitle: a\n").unwrap_err();
        assert_eq!(err.message, "the front matter is never closed");
        let err = parse(Path::new("x.md"), "+++\ntitle = \"a\"\n").unwrap_err();
        assert_eq!(err.hint, "end the block with a line that holds only +++");
    }
}
