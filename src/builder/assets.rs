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

/// Reads `files` (paths below `root`) into assets, by their path relative to `root` with `/`.
pub fn load(root: &Path, files: &[std::path::PathBuf]) -> (BTreeMap<String, Asset>, Vec<Problem>) {
    let mut assets = BTreeMap::new();
    let mut problems = Vec::new();
    for path in files {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(Problem::new(path, format!("cannot read: {e}"), ""));
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
        let (width, height) =
            dimensions(&extension, &bytes).map_or((None, None), |(w, h)| (Some(w), Some(h)));
        assets.insert(
            relative,
            Asset {
                bytes,
                image: ImageRef { src, width, height },
            },
        );
    }
    (assets, problems)
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
fn svg_dimensions(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let mut search = tag;
        while let Some(i) = search.find(name) {
            let before = search[..i].chars().last();
            let after = search[i + name.len()..].trim_start();
            if before.is_some_and(char::is_whitespace) {
                if let Some(value) = after.strip_prefix('=') {
                    let value = value.trim_start();
                    let quote = value.chars().next()?;
                    let end = value[1..].find(quote)?;
                    return Some(&value[1..1 + end]);
                }
            }
            search = &search[i + name.len()..];
        }
        None
    };
    let number = |v: &str| {
        v.trim()
            .trim_end_matches("px")
            .parse::<f64>()
            .ok()
            .filter(|n| *n > 0.0)
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
        [_, _, w, h] if w > 0.0 && h > 0.0 => Some((w.round() as u32, h.round() as u32)),
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
