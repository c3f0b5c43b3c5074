//! The raster pipeline: decode, turn upright, resize to each width, encode as WebP and as the
//! fallback, and make the placeholder. Only pixels go from the decoder to the encoders.

use super::metadata::Blocks;
use super::{widths_for, Format, ImageOptions, Placeholder, Processed, Variant, PREVIEW_BUDGET};
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use fast_image_resize::{images::Image, images::ImageRef, PixelType, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;
use std::io::Cursor;

/// Decoded pixels, 8 bits a channel: RGB when every pixel is opaque, else RGBA.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

impl Pixels {
    fn pixel_type(&self) -> PixelType {
        if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        }
    }

    fn channels(&self) -> usize {
        if self.alpha {
            4
        } else {
            3
        }
    }

    /// The same picture `width` pixels wide (Lanczos3, alpha premultiplied while filtering).
    fn resized(&self, width: u32) -> Result<Pixels> {
        if width == self.width {
            return Ok(Pixels {
                data: self.data.clone(),
                ..*self
            });
        }
        let height = scaled_height(self.width, self.height, width);
        let source = ImageRef::new(self.width, self.height, &self.data, self.pixel_type())?;
        let mut target = Image::new(width, height, self.pixel_type());
        Resizer::new().resize(&source, &mut target, None)?;
        Ok(Pixels {
            width,
            height,
            alpha: self.alpha,
            data: target.into_vec(),
        })
    }
}

/// The height that keeps the aspect ratio at `width`, at least one pixel.
fn scaled_height(original_width: u32, original_height: u32, width: u32) -> u32 {
    let exact = u64::from(original_height) * u64::from(width);
    let rounded = (exact + u64::from(original_width) / 2) / u64::from(original_width);
    u32::try_from(rounded.max(1)).unwrap_or(u32::MAX)
}

/// A JPEG, PNG or WebP file in all its variants.
pub(super) fn raster(bytes: &[u8], opts: &ImageOptions) -> Result<Processed> {
    if is_animated_webp(bytes) {
        bail!("animated WebP images cannot be published yet; save the animation as a GIF");
    }
    let (image, metadata, icc) = decode(bytes)?;
    let mut pixels = to_pixels(image);
    to_srgb(&mut pixels, icc.as_deref());
    let widths = widths_for(pixels.width, &opts.widths);
    let per_width: Vec<[Variant; 2]> = widths
        .par_iter()
        .map(|&width| {
            let resized = pixels.resized(width)?;
            Ok([
                webp(&resized, opts.webp_quality)?,
                fallback(&resized, opts)?,
            ])
        })
        .collect::<Result<_>>()?;
    let placeholder = placeholder(&pixels, opts.preview)?;
    Ok(Processed {
        width: pixels.width,
        height: pixels.height,
        variants: per_width.into_iter().flatten().collect(),
        placeholder: Some(placeholder),
        metadata,
    })
}

/// The upright picture, what the file said about itself, and its colour profile.
fn decode(bytes: &[u8]) -> Result<(DynamicImage, super::Metadata, Option<Vec<u8>>)> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut decoder = reader.into_decoder().context(
        "this image cannot be opened; check that it opens in an image viewer, and save it again if not",
    )?;
    let blocks = Blocks::read(&mut decoder);
    let metadata = blocks.summary();
    let orientation = decoder.orientation()?;
    let mut image = DynamicImage::from_decoder(decoder)
        .context("this image is damaged: its pixels cannot be read; save it again")?;
    image.apply_orientation(orientation);
    Ok((image, metadata, blocks.icc))
}

/// Converts pixels from the colour space their profile `icc` describes to sRGB. The copies carry
/// no profile (it is metadata, left behind with the rest), and a browser shows pixels without one
/// as sRGB: a phone's Display P3 photo would otherwise look dull. A profile that cannot be read,
/// or that is not an RGB one, leaves the pixels as they are.
fn to_srgb(pixels: &mut Pixels, icc: Option<&[u8]>) {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let Some(source) = icc.and_then(|icc| ColorProfile::new_from_slice(icc).ok()) else {
        return;
    };
    if source.color_space != DataColorSpace::Rgb {
        return;
    }
    let layout = if pixels.alpha {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let srgb = ColorProfile::new_srgb();
    let Ok(transform) =
        source.create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
    else {
        return;
    };
    let mut converted = vec![0u8; pixels.data.len()];
    if transform.transform(&pixels.data, &mut converted).is_ok() {
        pixels.data = converted;
    }
}

/// An extended WebP whose header sets the animation flag (VP8X chunk, flags byte, bit 1).
fn is_animated_webp(bytes: &[u8]) -> bool {
    bytes.len() > 20
        && &bytes[0..4] == b"RIFF"
        && &bytes[8..16] == b"WEBPVP8X"
        && bytes[20] & 0x02 != 0
}

/// 8-bit RGB, or RGBA when some pixel is not fully opaque (an alpha channel that is opaque
/// everywhere is dropped, so the photo gets the smaller JPEG fallback).
fn to_pixels(image: DynamicImage) -> Pixels {
    let (width, height) = (image.width(), image.height());
    if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        if rgba.pixels().any(|p| p.0[3] < u8::MAX) {
            return Pixels {
                width,
                height,
                alpha: true,
                data: rgba.into_raw(),
            };
        }
    }
    Pixels {
        width,
        height,
        alpha: false,
        data: image.to_rgb8().into_raw(),
    }
}

/// Lossy WebP, alpha included.
fn webp(pixels: &Pixels, quality: f32) -> Result<Variant> {
    let layout = if pixels.alpha {
        webp::PixelLayout::Rgba
    } else {
        webp::PixelLayout::Rgb
    };
    let encoded = webp::Encoder::new(&pixels.data, layout, pixels.width, pixels.height)
        .encode_simple(false, quality)
        .map_err(|e| anyhow!("the WebP encoder failed: {e:?}"))?;
    Ok(Variant {
        width: pixels.width,
        height: pixels.height,
        format: Format::Webp,
        bytes: encoded.to_vec(),
    })
}

/// JPEG (progressive, optimised Huffman tables) for opaque pictures, PNG for the others.
fn fallback(pixels: &Pixels, opts: &ImageOptions) -> Result<Variant> {
    let mut bytes = Vec::new();
    let format = if pixels.alpha {
        use image::codecs::png::{CompressionType, FilterType, PngEncoder};
        use image::ImageEncoder;
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, FilterType::Adaptive)
            .write_image(
                &pixels.data,
                pixels.width,
                pixels.height,
                image::ExtendedColorType::Rgba8,
            )?;
        Format::Png
    } else {
        let (Ok(width), Ok(height)) = (u16::try_from(pixels.width), u16::try_from(pixels.height))
        else {
            bail!("images over 65535 pixels a side cannot be written as JPEG");
        };
        let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, opts.jpeg_quality);
        encoder.set_progressive(true);
        encoder.set_optimized_huffman_tables(true);
        encoder.encode(&pixels.data, width, height, jpeg_encoder::ColorType::Rgb)?;
        Format::Jpeg
    };
    Ok(Variant {
        width: pixels.width,
        height: pixels.height,
        format,
        bytes,
    })
}

/// The dominant colour, and if asked a preview of a few pixels, both from a 64-pixel-wide copy.
fn placeholder(pixels: &Pixels, preview: bool) -> Result<Placeholder> {
    let thumb = pixels.resized(pixels.width.min(64))?;
    let color = dominant_color(&thumb);
    let preview = if preview { tiny_preview(&thumb)? } else { None };
    Ok(Placeholder { color, preview })
}

/// The mean of the most common colour bucket (4 bits a channel), ignoring pixels under half
/// opaque: the colour a reader would name, where a plain mean of a blue sky over a red roof is a
/// brown that is in neither.
fn dominant_color(pixels: &Pixels) -> String {
    let channels = pixels.channels();
    let mut buckets = vec![(0u32, [0u64; 3]); 4096];
    for pixel in pixels.data.chunks_exact(channels) {
        if channels == 4 && pixel[3] < 128 {
            continue;
        }
        let key = (usize::from(pixel[0] >> 4) << 8)
            | (usize::from(pixel[1] >> 4) << 4)
            | usize::from(pixel[2] >> 4);
        let bucket = &mut buckets[key];
        bucket.0 += 1;
        for (sum, &value) in bucket.1.iter_mut().zip(pixel) {
            *sum += u64::from(value);
        }
    }
    // The first of equal buckets wins, so the choice does not depend on iteration details.
    let (count, sums) = buckets
        .iter()
        .fold((0, [0; 3]), |best, b| if b.0 > best.0 { *b } else { best });
    if count == 0 {
        return "#000000".to_string();
    }
    let mean = |sum: u64| sum / u64::from(count);
    format!(
        "#{:02x}{:02x}{:02x}",
        mean(sums[0]),
        mean(sums[1]),
        mean(sums[2])
    )
}

/// A WebP at most 16 pixels on its long side, as a data URL within [`PREVIEW_BUDGET`]; smaller
/// and rougher until it fits, none if even 4 pixels do not.
fn tiny_preview(pixels: &Pixels) -> Result<Option<String>> {
    for (side, quality) in [(16, 40.0), (12, 30.0), (8, 20.0), (4, 10.0)] {
        let long = pixels.width.max(pixels.height);
        let width = if long <= side {
            pixels.width
        } else {
            (u64::from(pixels.width) * u64::from(side) / u64::from(long)).max(1) as u32
        };
        let small = pixels.resized(width)?;
        let encoded = webp(&small, quality)?;
        let url = format!(
            "data:image/webp;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&encoded.bytes)
        );
        if url.len() <= PREVIEW_BUDGET {
            return Ok(Some(url));
        }
    }
    Ok(None)
}
