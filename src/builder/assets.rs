//! Files beside the posts (images, PDFs, …): copied under content-hashed names so they can be
//! cached forever, with the width and height of images so pages reserve their space.

use super::error::Problem;
use crate::model::ImageRef;
use std::collections::BTreeMap;
use std::path::Path;

/// Folder of the output that holds the copies.
pub const MEDIA_DIR: &str = "media";

/// One copied file.
#[derive(Debug, Clone)]
pub struct Asset {
    pub bytes: Vec<u8>,
    /// Where the copy goes and, for images, their size.
    pub image: ImageRef,
}

/// The collected files, and what went wrong reading them.
pub struct Loaded {
    /// By path relative to the content folder, with `/`.
    pub assets: BTreeMap<String, Asset>,
    /// Files that could not be read: errors.
    pub problems: Vec<Problem>,
    /// Images whose size could not be read: copied all the same, but the page cannot reserve
    /// their space.
    pub warnings: Vec<Problem>,
}

/// Image formats whose size a page needs; a file of one of these that yields no size is damaged
/// or not what its name says.
const IMAGE_EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg"];

/// Reads `files` (paths below `root`) into assets, by their path relative to `root` with `/`.
pub fn load(root: &Path, files: &[std::path::PathBuf]) -> Loaded {
    let mut loaded = Loaded {
        assets: BTreeMap::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    for path in files {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                loaded
                    .problems
                    .push(Problem::new(path, format!("cannot read: {e}"), ""));
                continue;
            }
        };
        let relative = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let extension = path
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        let src = format!(
            "{MEDIA_DIR}/{}.{}{extension}",
            url_safe(&name),
            super::content_hash(&bytes)
        );
        let size = dimensions(&extension, &bytes);
        if size.is_none() && is_image(&extension) {
            loaded.warnings.push(
                Problem::new(
                    path,
                    "cannot read the size of this image; it is copied as it is, and pages cannot reserve its space",
                    "check that the file opens in an image viewer (save it again if not); an SVG needs width and height or a viewBox on its <svg> element",
                )
                .warning(),
            );
        }
        let (width, height) = size.map_or((None, None), |(w, h)| (Some(w), Some(h)));
        loaded.assets.insert(
            relative,
            Asset {
                bytes,
                image: ImageRef {
                    src,
                    width,
                    height,
                    ..ImageRef::default()
                },
            },
        );
    }
    loaded
}

/// Whether a file with this extension (`.jpg`) is an image whose size pages need.
fn is_image(extension: &str) -> bool {
    let extension = extension.trim_start_matches('.');
    IMAGE_EXTENSIONS
        .iter()
        .any(|e| e.eq_ignore_ascii_case(extension))
}

/// A file name that needs no escaping in a URL.
fn url_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Width and height of an image: raster formats by their headers, SVG by its root element.
pub fn dimensions(extension: &str, bytes: &[u8]) -> Option<(u32, u32)> {
    if extension.eq_ignore_ascii_case(".svg") {
        return svg_dimensions(std::str::from_utf8(bytes).ok()?);
    }
    let size = imagesize::blob_size(bytes).ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}

/// `width`/`height` attributes of the `<svg>` element (in px or unitless), else its `viewBox`.
/// Read with an XML parser that streams, so the rest of the file need not be well formed; an
/// attribute it cannot read (unbalanced or typographic quotes) gives no size rather than a panic.
fn svg_dimensions(text: &str) -> Option<(u32, u32)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let root = loop {
        match reader.read_event().ok()? {
            Event::Start(tag) | Event::Empty(tag) if tag.local_name().as_ref() == b"svg" => {
                break tag
            }
            Event::Eof => return None,
            _ => {}
        }
    };
    let attr = |name: &str| -> Option<String> {
        let value = root.try_get_attribute(name).ok()??;
        let text = value
            .decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, reader.decoder());
        Some(text.ok()?.into_owned())
    };
    let number = |v: String| {
        v.trim()
            .trim_end_matches("px")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n > 0.0)
    };
    if let (Some(w), Some(h)) = (
        attr("width").and_then(number),
        attr("height").and_then(number),
    ) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let view_box: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match view_box[..] {
        [_, _, w, h] if w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 => {
            Some((w.round() as u32, h.round() as u32))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_come_from_attributes_or_the_view_box() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="800" height="450px">"#;
        assert_eq!(dimensions(".svg", svg), Some((800, 450)));
        let svg = br#"<svg viewBox="0 0 40.4 20" xmlns="http://www.w3.org/2000/svg">"#;
        assert_eq!(dimensions(".svg", svg), Some((40, 20)));
        let svg = br#"<svg stroke-width="2" width="100%" viewBox="0,0,10,5">"#;
        assert_eq!(dimensions(".svg", svg), Some((10, 5)));
        assert_eq!(dimensions(".svg", b"<svg>"), None);
    }

    #[test]
    fn an_svg_with_typographic_quotes_or_broken_markup_has_no_size_and_no_panic() {
        let svg = "<svg width=\u{201c}100\u{201d} height=\u{201c}50\u{201d}>".as_bytes();
        assert_eq!(dimensions(".svg", svg), None);
        let svg = "<svg width=\"\u{e9}\u{201c}\" height='1".as_bytes();
        assert_eq!(dimensions(".svg", svg), None);
        assert_eq!(
            dimensions(
                ".svg",
                b"<svg width=\"1e400\" height=\"5\" viewBox=\"0 0 NaN 5\">"
            ),
            None
        );
        assert_eq!(dimensions(".svg", b"\xff\xfe<"), None);
    }

    #[test]
    fn a_damaged_image_is_copied_with_a_warning() {
        let tmp = tempfile::tempdir().unwrap();
        let files: Vec<_> = [
            ("broken.jpg", &b"not a jpeg"[..]),
            ("notes.pdf", b"%PDF-1.4"),
        ]
        .iter()
        .map(|(name, bytes)| {
            let path = tmp.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
        let loaded = load(tmp.path(), &files);
        assert!(loaded.problems.is_empty());
        assert_eq!(loaded.assets.len(), 2);
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(loaded.warnings[0].path.ends_with("broken.jpg"));
        assert_eq!(
            loaded.warnings[0].severity,
            crate::builder::Severity::Warning
        );
    }

    #[test]
    fn raster_sizes_come_from_headers() {
        // A 3×2 PNG header: signature, IHDR length and type, width, height.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&3u32.to_be_bytes());
        png.extend_from_slice(&2u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(dimensions(".png", &png), Some((3, 2)));
        assert_eq!(dimensions(".pdf", b"%PDF-1.4"), None);
    }
}
