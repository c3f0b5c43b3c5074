//! Front matter: the YAML block between `---` lines at the top of a post.

use super::config::line_column;
use super::error::Problem;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;

/// The front matter fields a post may set.
#[derive(Debug, Default, Deserialize)]
pub struct FrontMatter {
    /// The post's title. Required.
    pub title: Option<String>,
    /// Publication date, `YYYY-MM-DD` (a time after it is allowed and ignored). Required.
    pub date: Option<Spanned<String>>,
    /// Date of the last significant change, `YYYY-MM-DD`.
    pub updated: Option<Spanned<String>>,
    /// Topics; posts sharing a tag are listed together.
    #[serde(default)]
    pub tags: Vec<String>,
    /// One or two plain sentences for lists and link previews. Default: the first paragraph.
    pub summary: Option<String>,
    /// A draft is left out of the site unless the build is asked for drafts.
    #[serde(default)]
    pub draft: bool,
    /// Language of the post (BCP 47, e.g. `km`, `th`). Default: the site's language.
    pub lang: Option<String>,
    /// URL segment of the post. Default: the file name without its extension.
    pub slug: Option<String>,
}

/// A post file split into its parsed front matter and its Markdown body.
#[derive(Debug)]
pub struct Document<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
}

/// Splits `text` (the contents of `path`) and parses its front matter.
pub fn parse<'a>(path: &Path, text: &'a str) -> Result<Document<'a>, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Err(Problem::new(
            path,
            "the file does not start with front matter",
            "begin the file with a YAML block:\n---\ntitle: \"My day\"\ndate: 2025-02-03\n---",
        )
        .at(1, 1));
    };
    let yaml_start = text.len() - rest.len();
    let (yaml, body) = match find_closing_fence(rest) {
        Some((end, body_start)) => (&rest[..end], &rest[body_start..]),
        None => {
            return Err(Problem::new(
                path,
                "the front matter is never closed",
                "end the YAML block with a line that holds only ---",
            )
            .at(1, 1))
        }
    };
    let front: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        serde_saphyr::from_str(yaml).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((0, 0));
            // The YAML parser does not see the opening fence line.
            let line = if line > 0 {
                line + line_column(text, yaml_start).0 - 1
            } else {
                0
            };
            Problem::new(
                path,
                format!(
                    "malformed front matter: {}",
                    first_line(&e.without_snippet().to_string())
                ),
                "front matter is YAML: `key: value` lines; quote titles that contain a colon",
            )
            .at(line, column)
        })?
    };
    Ok(Document { front, body })
}

/// The byte range ending the YAML (`---` or `...` alone on a line) in `rest`.
fn find_closing_fence(rest: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// The parser's message without its own position, which counts from the start of the YAML
/// rather than of the file (the problem carries the position in the file instead).
fn first_line(message: &str) -> &str {
    let line = message.lines().next().unwrap_or(message).trim();
    line.rfind(" at line ").map_or(line, |i| &line[..i])
}

/// Line and column in the whole file of a value in the front matter.
pub fn position_in_file<T>(value: &Spanned<T>) -> (usize, usize) {
    // The YAML starts on line 2, after the opening `---`.
    (
        value.referenced.line() as usize + 1,
        value.referenced.column() as usize,
    )
}

/// Checks a `YYYY-MM-DD` date (optionally followed by a time) and returns its date part.
pub fn parse_date(value: &str) -> Option<String> {
    let value = value.trim();
    let date = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: u32 = date[..4].parse().ok()?;
    let month: u32 = date[5..7].parse().ok()?;
    let day: u32 = date[8..10].parse().ok()?;
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then(|| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_for_real_calendars() {
        assert_eq!(parse_date("2025-02-03").as_deref(), Some("2025-02-03"));
        assert_eq!(parse_date("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(
            parse_date("2025-02-03T10:20:00+07:00").as_deref(),
            Some("2025-02-03")
        );
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("3 Feb 2025"), None);
        assert_eq!(parse_date("2025-02-0x"), None);
        assert_eq!(parse_date("2025-02-031"), None);
    }

    #[test]
    fn front_matter_is_split_from_the_body() {
        let text = "---\ntitle: \"Day 1: Arrival\"\ndate: 2025-02-03\ntags: [a, b]\n---\n# Body\n";
        let doc = parse(Path::new("x.md"), text).unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("Day 1: Arrival"));
        assert_eq!(doc.front.date.as_ref().unwrap().value, "2025-02-03");
        assert_eq!(doc.front.tags, ["a", "b"]);
        assert_eq!(doc.body, "# Body\n");
        let (line, column) = position_in_file(doc.front.date.as_ref().unwrap());
        assert_eq!((line, column), (3, 7));
    }

    #[test]
    fn malformed_yaml_reports_the_line_in_the_file() {
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
    }

    #[test]
    fn missing_or_unclosed_fences_are_explained() {
        let err = parse(Path::new("x.md"), "# Just markdown\n").unwrap_err();
        assert_eq!(err.message, "the file does not start with front matter");
        let err = parse(Path::new("x.md"), "---\ntitle: a\n").unwrap_err();
        assert_eq!(err.message, "the front matter is never closed");
    }
}
