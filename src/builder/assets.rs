//! Files beside the posts (images, PDFs, …): published under content-hashed names so they can be
//! cached forever, with the width and height of images so pages reserve their space.
//!
//! Images are never published as the author's camera wrote them: JPEG, PNG and WebP photos are
//! decoded, turned upright and encoded again at a few widths ([`super::images`]), which leaves
//! every byte of metadata behind (GPS position, camera serial, owner); SVG is rewritten without
//! scripts or external references; GIF is kept as it is. An image that cannot be processed is
//! left out with a warning rather than published with what it may carry. The work runs in
//! parallel and, given a cache folder, is done once per image and options.

use super::credit::{kept_exif, with_exif, Keep};
use super::error::Problem;
use super::images::{self, Cache, Format, ImageOptions, Processed};
use crate::model::{ImageRef, Variant};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folder of the output that holds the copies.
pub const MEDIA_DIR: &str = "media";

/// One file of the content folder, as published.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Every file it publishes, by path under the data folder: the file itself, or an image's
    /// copies at each width and format.
    pub files: Vec<(String, Vec<u8>)>,
    /// Where pages point and, for images, their size, copies and placeholder.
    pub image: ImageRef,
    /// The source carries a GPS position (left out of every published copy).
    pub had_gps: bool,
}

/// The collected files, and what went wrong reading them.
pub struct Loaded {
    /// By path relative to the content folder, with `/`.
    pub assets: BTreeMap<String, Asset>,
    /// Files that could not be read: errors.
    pub problems: Vec<Problem>,
    /// Images that could not be processed (left out) or whose size is unknown.
    pub warnings: Vec<Problem>,
}

/// Image formats whose size a page needs; a file of one of these that yields no size is damaged
/// or not what its name says.
const IMAGE_EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg"];

/// Reads `files` (paths below `root`) into assets, by their path relative to `root` with `/`;
/// images are processed (through `cache` when given), several at once.
pub fn load(root: &Path, files: &[PathBuf], cache: Option<&Cache>, keep: &[Keep]) -> Loaded {
    let opts = ImageOptions::default();
    let results: Vec<(String, Result<Asset, Problem>, Option<Problem>)> = files
        .par_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let (asset, warning) = match std::fs::read(path) {
                Ok(bytes) => load_one(path, bytes, cache, &opts, keep),
                Err(e) => (
                    Err(Problem::new(path, format!("cannot read: {e}"), "")),
                    None,
                ),
            };
            (relative, asset, warning)
        })
        .collect();
    let mut loaded = Loaded {
        assets: BTreeMap::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    for (relative, asset, warning) in results {
        loaded.warnings.extend(warning);
        match asset {
            Ok(asset) => {
                loaded.assets.insert(relative, asset);
            }
            Err(problem) if problem.severity == super::error::Severity::Warning => {
                loaded.warnings.push(problem);
            }
            Err(problem) => loaded.problems.push(problem),
        }
    }
    loaded
}

/// One file: an image processed, anything else as it is. A warning may come with it.
fn load_one(
    path: &Path,
    bytes: Vec<u8>,
    cache: Option<&Cache>,
    opts: &ImageOptions,
    keep: &[Keep],
) -> (Result<Asset, Problem>, Option<Problem>) {
    let stem = path
        .file_stem()
        .map(|s| url_safe(&s.to_string_lossy()))
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !is_image(&extension) {
        let src = format!(
            "{MEDIA_DIR}/{stem}.{}.{extension}",
            super::content_hash(&bytes)
        );
        let src = src.trim_end_matches('.').to_string();
        let image = ImageRef {
            src: src.clone(),
            ..ImageRef::default()
        };
        let asset = Asset {
            files: vec![(src, bytes)],
            image,
            had_gps: false,
        };
        return (Ok(asset), None);
    }
    let processed = match cache {
        Some(cache) => cache.process(&bytes, &extension, opts),
        None => images::process(&bytes, &extension, opts),
    };
    match processed {
        Ok(processed) => {
            let exif = kept_exif(&bytes, keep);
            let asset = published(&stem, processed, exif.as_deref());
            let no_size = asset.image.width.is_none().then(|| {
                Problem::new(
                    path,
                    "cannot read the size of this image; pages cannot reserve its space",
                    "an SVG needs width and height or a viewBox on its <svg> element",
                )
                .warning()
            });
            (Ok(asset), no_size)
        }
        Err(e) => (
            Err(Problem::new(
                path,
                format!("{e}: it is left out of the site"),
                "JPEG, PNG, WebP, GIF and SVG images are published; an image that does not open is never published as it is",
            )
            .warning()),
            None,
        ),
    }
}

/// The files and the reference of a processed image: each copy named by its width and hash,
/// with `exif` (the fields the author keeps) written into its JPEG and WebP copies.
fn published(stem: &str, processed: Processed, exif: Option<&[u8]>) -> Asset {
    let raster = processed
        .variants
        .iter()
        .any(|v| matches!(v.format, Format::Webp | Format::Jpeg | Format::Png));
    // A transparent image shows what is under it: no placeholder there.
    let transparent = processed.in_format(Format::Png).next().is_some();
    let placeholder = processed
        .placeholder
        .filter(|_| !transparent)
        .and_then(|p| p.preview);
    let mut files = Vec::new();
    let mut variants = Vec::new();
    // The page's plain `src`: the widest copy in a format every browser reads (WebP only when
    // there is nothing else), with its size.
    let mut fallback: Option<((bool, u32), String, u32)> = None;
    for v in processed.variants {
        let ext = v.format.extension();
        let bytes = match exif {
            Some(exif) => with_exif(v.bytes, ext, exif),
            None => v.bytes,
        };
        let hash = super::content_hash(&bytes);
        let src = if raster {
            format!("{MEDIA_DIR}/{stem}.{}.{hash}.{ext}", v.width)
        } else {
            format!("{MEDIA_DIR}/{stem}.{hash}.{ext}")
        };
        let rank = (v.format != Format::Webp, v.width);
        if fallback.as_ref().is_none_or(|(best, _, _)| rank > *best) {
            fallback = Some((rank, src.clone(), v.height));
        }
        variants.push(Variant {
            src: src.clone(),
            width: v.width,
            format: ext.to_string(),
            bytes: bytes.len() as u64,
        });
        files.push((src, bytes));
    }
    let (src, size) = fallback.map_or((String::new(), None), |((_, width), src, height)| {
        (src, Some((width, height)))
    });
    let size = size.filter(|(w, h)| *w > 0 && *h > 0);
    Asset {
        files,
        image: ImageRef {
            src,
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            variants: if raster { variants } else { Vec::new() },
            placeholder,
        },
        had_gps: processed.metadata.had_gps,
    }
}

/// Whether a file with this extension (`.jpg`) is an image whose size pages need.
fn is_image(extension: &str) -> bool {
    let extension = extension.trim_start_matches('.');
    IMAGE_EXTENSIONS
        .iter()
        .any(|e| e.eq_ignore_ascii_case(extension))
}

/// A file name that needs no escaping in a URL.
pub(super) fn url_safe(name: &str) -> String {
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
    fn a_damaged_image_is_left_out_with_a_warning_other_files_are_copied() {
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
        let loaded = load(tmp.path(), &files, None, &[]);
        assert!(loaded.problems.is_empty());
        // Published as it is, it could carry what the author never meant to share.
        assert_eq!(loaded.assets.keys().collect::<Vec<_>>(), ["notes.pdf"]);
        let pdf = &loaded.assets["notes.pdf"];
        assert!(pdf.image.src.starts_with("media/notes.") && pdf.image.src.ends_with(".pdf"));
        assert_eq!(pdf.files[0].1, b"%PDF-1.4");
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(loaded.warnings[0].path.ends_with("broken.jpg"));
        assert!(loaded.warnings[0].message.contains("left out"));
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
