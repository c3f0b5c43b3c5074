//! Photos made fit to publish: resized to a few widths, re-encoded without their metadata, with a
//! tiny placeholder to show while they load. Not yet called by the build; this is the piece it
//! will call, one image at a time (so the build can run images in parallel with rayon).
//!
//! [`process`] takes a file's bytes and its extension:
//!
//! - **JPEG, PNG, WebP** are decoded, turned upright by their EXIF orientation, and encoded again
//!   at each width of [`LADDER`] up to their own: lossy WebP (libwebp) for browsers that take it,
//!   and a fallback that every browser reads, JPEG for opaque images or PNG where some pixel is
//!   transparent. Encoding from decoded pixels writes only pixels, so **no metadata survives by
//!   construction**: EXIF (GPS position, camera and lens serial numbers, owner name, dates), XMP,
//!   IPTC, comments and the ICC profile are all left behind (the pixels are first converted from
//!   the profile's colour space to sRGB, which is what a browser assumes without one). [`Metadata`] says what the source
//!   carried, for the author's information; the tests read every output back with metadata
//!   parsers to prove the rest.
//! - **GIF** is kept byte for byte (animation is the point of most GIFs; re-encoding them is
//!   slow and often larger). Only its size is read.
//! - **SVG** is rewritten by [`sanitise_svg`]: no scripts, event handlers or external references.
//!
//! Output is deterministic: the same bytes and [`ImageOptions`] give the same variants, so the
//! build can cache them by content hash ([`Cache`]) and name them by it.
//!
//! Cost, measured on 2 cores in the builder profile (`bench/images.md`): a 12-megapixel photo
//! takes 0.9 s of CPU for its ten files and placeholder; its WebP is 43–47% of the JPEG at every
//! width. AVIF (`ravif`) was measured and left out: 33–41% smaller than the WebP, but 2.4–10× the
//! time of the whole pipeline.
//!
//! Not done yet: colour profiles are dropped with the rest, so a wide-gamut photo (Display P3,
//! as phones take them) shows slightly duller until its pixels are converted to sRGB first;
//! animated WebP is refused rather than kept.

mod cache;
mod encode;
mod metadata;
mod svg;

pub use cache::{Cache, CacheStats, CACHE_DIR};
pub use metadata::{has_gps, Metadata};
pub use svg::sanitise_svg;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The widths, in pixels, that raster images are offered at. The reading column is 40rem
/// (640 CSS px; 832 in the wide setting), so: 480 for small phones at 1×, 800 for the column at
/// 1.25× and phones at 2×, 1200 for phones at 3× (390 × 3), 1600 for the column at 2–2.5×, 2400
/// for the wide column at 3× and a photo opened on its own. Past 2400 the bytes grow and no
/// screen the column fits on shows the difference.
pub const LADDER: [u32; 5] = [480, 800, 1200, 1600, 2400];

/// How images are processed. Part of the cache key: changing any field makes new variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageOptions {
    /// Widths to offer, any order; an image is never made wider than it is.
    pub widths: Vec<u32>,
    /// libwebp's lossy quality, 0–100. 75 is libwebp's own default, and about JPEG 80 to the eye.
    pub webp_quality: f32,
    /// The JPEG fallback's quality, 1–100.
    pub jpeg_quality: u8,
    /// Whether to make the tiny preview of [`Placeholder::preview`] (the colour is always made).
    pub preview: bool,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            widths: LADDER.to_vec(),
            webp_quality: 75.0,
            jpeg_quality: 80,
            preview: true,
        }
    }
}

/// A file format the output is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Webp,
    Jpeg,
    Png,
    Gif,
    Svg,
}

impl Format {
    /// The file extension, without a dot; also the name in the JSON.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Svg => "svg",
        }
    }

    /// The Content-Type a host serves it with, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::Svg => "image/svg+xml",
        }
    }
}

/// One file to publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// The encoded file. Not part of the cache's JSON: stored beside it.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// What to show before the image arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    /// The most common colour, `#rrggbb`: a background that costs nothing.
    pub color: String,
    /// A blurred preview a few pixels wide as a `data:image/webp;base64,` URL, under
    /// [`PREVIEW_BUDGET`] bytes; the page scales it up over the image's box.
    pub preview: Option<String>,
}

/// The largest preview data URL, in bytes: small enough to inline in a post's JSON for every
/// photo it shows.
pub const PREVIEW_BUDGET: usize = 400;

/// The result of [`process`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Processed {
    /// The image's display size: after orientation, before any resizing.
    pub width: u32,
    pub height: u32,
    /// Every file to publish, widest first; for raster images, each width in WebP then in the
    /// fallback (JPEG or PNG). A GIF or an SVG has one variant.
    pub variants: Vec<Variant>,
    /// None for SVG (drawn at once) and GIF.
    pub placeholder: Option<Placeholder>,
    /// What the source carried and the output does not.
    pub metadata: Metadata,
}

impl Processed {
    /// The variants in one format, widest first.
    pub fn in_format(&self, format: Format) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.format == format)
    }
}

/// Processes one image file; `extension` is its file name's, with or without the dot, any case.
/// An error says what is wrong with the file (it does not decode, or the format is not one a
/// post can show), for the build to report with the file's path.
pub fn process(bytes: &[u8], extension: &str, opts: &ImageOptions) -> Result<Processed> {
    let extension = extension.trim_start_matches('.').to_ascii_lowercase();
    match extension.as_str() {
        "jpg" | "jpeg" | "png" | "webp" => encode::raster(bytes, opts),
        "gif" => kept_gif(bytes),
        "svg" => {
            let text = std::str::from_utf8(bytes).context("this SVG is not UTF-8 text")?;
            let clean = sanitise_svg(text)?;
            let (width, height) =
                super::assets::dimensions(".svg", clean.as_bytes()).unwrap_or((0, 0));
            Ok(kept(width, height, Format::Svg, clean.into_bytes()))
        }
        other => bail!(
            "`.{other}` images cannot be processed; save the image as JPEG, PNG, WebP, GIF or SVG"
        ),
    }
}

/// A GIF as it is: its size from its header.
fn kept_gif(bytes: &[u8]) -> Result<Processed> {
    let size = imagesize::blob_size(bytes).context("this GIF's size cannot be read")?;
    let width = u32::try_from(size.width)?;
    let height = u32::try_from(size.height)?;
    Ok(kept(width, height, Format::Gif, bytes.to_vec()))
}

/// An image published as one file, with no placeholder and nothing left behind.
fn kept(width: u32, height: u32, format: Format, bytes: Vec<u8>) -> Processed {
    Processed {
        width,
        height,
        variants: vec![Variant {
            width,
            height,
            format,
            bytes,
        }],
        placeholder: None,
        metadata: Metadata::default(),
    }
}

/// The widths to make for an image `original` pixels wide, widest first: the original (capped
/// at the widest step asked for), then every step below it. A step within 10% of the widest
/// is left out: it would cost a file and save the reader almost nothing.
pub fn widths_for(original: u32, steps: &[u32]) -> Vec<u32> {
    let cap = steps.iter().copied().max().unwrap_or(original);
    let top = original.min(cap).max(1);
    let mut widths: Vec<u32> = steps
        .iter()
        .copied()
        .filter(|&w| w > 0 && u64::from(w) * 10 < u64::from(top) * 9)
        .collect();
    widths.push(top);
    widths.sort_unstable_by(|a, b| b.cmp(a));
    widths.dedup();
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_exceed_the_original_and_skip_near_duplicates() {
        assert_eq!(widths_for(4000, &LADDER), [2400, 1600, 1200, 800, 480]);
        assert_eq!(widths_for(2400, &LADDER), [2400, 1600, 1200, 800, 480]);
        assert_eq!(widths_for(1700, &LADDER), [1700, 1200, 800, 480]);
        assert_eq!(widths_for(850, &LADDER), [850, 480]);
        assert_eq!(widths_for(300, &LADDER), [300]);
        assert_eq!(widths_for(1, &[]), [1]);
    }

    #[test]
    fn unknown_formats_are_refused_with_a_hint() {
        let err = process(b"II*\0", "tiff", &ImageOptions::default()).unwrap_err();
        assert!(err.to_string().contains("JPEG, PNG"), "{err}");
    }
}
