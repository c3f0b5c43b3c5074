//! The image pipeline (`builder::images`) on photos made here: a large JPEG with a GPS position,
//! a camera serial number, an owner and an orientation in its EXIF; a PNG with transparency; an
//! animated GIF; hostile and benign SVGs. Outputs are read back with decoders and metadata
//! parsers that are not ours.

use fieldnotes::builder::images::{
    has_gps, process, sanitise_svg, Cache, CacheStats, Format, ImageOptions, Processed, LADDER,
    PREVIEW_BUDGET,
};
use image::{GenericImageView, ImageEncoder};

const SERIAL: &str = "SN-0042-XYZ";
const OWNER: &str = "Jane Q. Owner";

/// One EXIF directory entry: tag, type (2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 1 BYTE), count,
/// and the value's bytes (little-endian).
type Entry = (u16, u16, u32, Vec<u8>);

/// A TIFF directory at `offset`: entries, next-directory 0, then values over four bytes.
fn directory(entries: &[Entry], offset: u32) -> Vec<u8> {
    let mut head = (entries.len() as u16).to_le_bytes().to_vec();
    let mut data = Vec::new();
    let data_start = offset + 2 + 12 * entries.len() as u32 + 4;
    for (tag, kind, count, value) in entries {
        head.extend_from_slice(&tag.to_le_bytes());
        head.extend_from_slice(&kind.to_le_bytes());
        head.extend_from_slice(&count.to_le_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            head.extend_from_slice(&inline);
        } else {
            head.extend_from_slice(&(data_start + data.len() as u32).to_le_bytes());
            data.extend_from_slice(value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    head.extend_from_slice(&0u32.to_le_bytes());
    head.extend_from_slice(&data);
    head
}

fn ascii(tag: u16, text: &str) -> Entry {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    (tag, 2, bytes.len() as u32, bytes)
}

fn rationals(tag: u16, values: &[(u32, u32)]) -> Entry {
    let bytes = values
        .iter()
        .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
        .collect();
    (tag, 5, values.len() as u32, bytes)
}

/// EXIF (a little-endian TIFF) with Orientation, Make, Artist, a serial number and owner in the
/// Exif directory, and a GPS position (51°30'N 0°7'W).
fn exif_block(orientation: u16) -> Vec<u8> {
    let exif_entries = vec![ascii(0xA430, OWNER), ascii(0xA431, SERIAL)];
    let gps_entries = vec![
        (0x0000, 1, 4, vec![2, 3, 0, 0]),
        ascii(0x0001, "N"),
        rationals(0x0002, &[(51, 1), (30, 1), (0, 1)]),
        ascii(0x0003, "W"),
        rationals(0x0004, &[(0, 1), (7, 1), (3900, 100)]),
    ];
    let first = |exif_at: u32, gps_at: u32| -> Vec<Entry> {
        vec![
            ascii(0x010F, "FieldCam"),
            (0x0112, 3, 1, orientation.to_le_bytes().to_vec()),
            ascii(0x013B, OWNER),
            (0x8769, 4, 1, exif_at.to_le_bytes().to_vec()),
            (0x8825, 4, 1, gps_at.to_le_bytes().to_vec()),
        ]
    };
    let first_len = directory(&first(0, 0), 8).len() as u32;
    let exif_at = 8 + first_len;
    let exif = directory(&exif_entries, exif_at);
    let gps_at = exif_at + exif.len() as u32;
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend(directory(&first(exif_at, gps_at), 8));
    tiff.extend(exif);
    tiff.extend(directory(&gps_entries, gps_at));
    tiff
}

/// A photo-like RGB picture: gradients with noise, and a red square in the top-left corner so
/// orientation can be checked.
fn photo_pixels(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x9E37_79B9u32;
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = state % 16;
            let corner = x < width / 10 && y < height / 10;
            let r = if corner {
                255
            } else {
                (x * 200 / width + noise) as u8
            };
            let g = if corner {
                0
            } else {
                (y * 200 / height + noise) as u8
            };
            let b = if corner { 0 } else { (120 + noise) as u8 };
            data.extend_from_slice(&[r, g, b]);
        }
    }
    data
}

/// A JPEG of `width`×`height` stored pixels, with [`exif_block`] when `orientation` is given.
fn jpeg(width: u16, height: u16, orientation: Option<u16>) -> Vec<u8> {
    let pixels = photo_pixels(width.into(), height.into());
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 90);
    if let Some(orientation) = orientation {
        encoder.add_exif_metadata(&exif_block(orientation)).unwrap();
    }
    encoder
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    bytes
}

/// A 600×400 PNG whose right half is fully transparent and left half opaque blue.
fn transparent_png() -> Vec<u8> {
    let image = image::RgbaImage::from_fn(600, 400, |x, _| {
        if x < 300 {
            image::Rgba([20, 60, 200, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(image.as_raw(), 600, 400, image::ExtendedColorType::Rgba8)
        .unwrap();
    bytes
}

/// A two-frame 40×30 animated GIF.
fn animated_gif() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
        encoder
            .set_repeat(image::codecs::gif::Repeat::Infinite)
            .unwrap();
        for shade in [0u8, 255] {
            let frame = image::RgbaImage::from_pixel(40, 30, image::Rgba([shade, 0, 0, 255]));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    bytes
}

/// Every way a file could still carry metadata, checked with parsers that are not ours.
fn assert_no_metadata(bytes: &[u8], format: Format) {
    assert!(
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(bytes))
            .is_err(),
        "{format:?} output has EXIF"
    );
    let whole = img_parts::Bytes::copy_from_slice(bytes);
    match format {
        Format::Jpeg => {
            let jpeg = img_parts::jpeg::Jpeg::from_bytes(whole).unwrap();
            for segment in jpeg.segments() {
                let marker = segment.marker();
                assert!(
                    !(0xE1..=0xEF).contains(&marker) && marker != 0xFE,
                    "JPEG output has an APP{} or comment segment",
                    marker.wrapping_sub(0xE0)
                );
            }
        }
        Format::Webp => {
            let webp = img_parts::webp::WebP::from_bytes(whole).unwrap();
            for chunk in webp.chunks() {
                assert!(
                    ![*b"EXIF", *b"XMP ", *b"ICCP"].contains(&chunk.id()),
                    "WebP output has a {:?} chunk",
                    String::from_utf8_lossy(&chunk.id())
                );
            }
        }
        Format::Png => {
            let png = img_parts::png::Png::from_bytes(whole).unwrap();
            for chunk in png.chunks() {
                assert!(
                    ![*b"eXIf", *b"tEXt", *b"iTXt", *b"zTXt", *b"iCCP", *b"tIME"]
                        .contains(&chunk.kind()),
                    "PNG output has a {:?} chunk",
                    String::from_utf8_lossy(&chunk.kind())
                );
            }
        }
        Format::Gif | Format::Svg => {}
    }
    let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!found(SERIAL) && !found(OWNER) && !found("FieldCam"));
    assert!(!has_gps(bytes));
}

/// Widths unique and decreasing per format, none over `max`; every variant decodes to the size
/// it states.
fn assert_variants(processed: &Processed, fallback: Format, max: u32) {
    for format in [Format::Webp, fallback] {
        let widths: Vec<u32> = processed.in_format(format).map(|v| v.width).collect();
        assert!(!widths.is_empty(), "no {format:?} variants");
        assert!(widths.windows(2).all(|w| w[0] > w[1]), "{widths:?}");
        assert_eq!(widths[0], max.min(*LADDER.iter().max().unwrap()));
    }
    for variant in &processed.variants {
        assert!(variant.width <= processed.width);
        let decoded = image::load_from_memory(&variant.bytes).unwrap();
        assert_eq!(decoded.dimensions(), (variant.width, variant.height));
        assert_no_metadata(&variant.bytes, variant.format);
    }
}

#[test]
fn a_rotated_photo_with_gps_comes_out_upright_resized_and_without_metadata() {
    let source = jpeg(3000, 2000, Some(6));
    // The fixture really carries what the output must not.
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&source))
        .unwrap();
    assert!(exif
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_some());
    assert!(has_gps(&source));

    let processed = process(&source, "JPG", &ImageOptions::default()).unwrap();
    assert_eq!((processed.width, processed.height), (2000, 3000));
    assert_variants(&processed, Format::Jpeg, 2000);
    assert!(processed.in_format(Format::Png).next().is_none());
    let widths: Vec<u32> = processed.in_format(Format::Webp).map(|v| v.width).collect();
    assert_eq!(widths, [2000, 1600, 1200, 800, 480]);

    // Orientation 6: the stored top-left corner is shown top-right.
    let largest = image::load_from_memory(&processed.variants[0].bytes).unwrap();
    let (width, _) = largest.dimensions();
    let top_right = largest.get_pixel(width - 20, 20).0;
    let top_left = largest.get_pixel(20, 20).0;
    assert!(top_right[0] > 200 && top_right[1] < 60, "{top_right:?}");
    assert!(top_left[0] < 200, "{top_left:?}");

    assert!(processed.metadata.had_gps);
    for kind in [
        "EXIF",
        "GPS position",
        "camera or lens serial number",
        "owner or artist name",
    ] {
        assert!(
            processed.metadata.dropped.iter().any(|d| d == kind),
            "{kind}"
        );
    }
    let placeholder = processed.placeholder.unwrap();
    assert!(placeholder.color.starts_with('#') && placeholder.color.len() == 7);
    let preview = placeholder.preview.unwrap();
    assert!(preview.starts_with("data:image/webp;base64,") && preview.len() <= PREVIEW_BUDGET);
}

#[test]
fn a_transparent_png_keeps_its_transparency_in_webp_and_png() {
    let processed = process(&transparent_png(), ".png", &ImageOptions::default()).unwrap();
    assert_eq!((processed.width, processed.height), (600, 400));
    assert!(processed.in_format(Format::Jpeg).next().is_none());
    assert_variants(&processed, Format::Png, 600);
    for variant in &processed.variants {
        let decoded = image::load_from_memory(&variant.bytes).unwrap().to_rgba8();
        let (w, h) = decoded.dimensions();
        assert_eq!(
            decoded.get_pixel(w - 2, h / 2).0[3],
            0,
            "{:?}",
            variant.format
        );
        assert_eq!(
            decoded.get_pixel(2, h / 2).0[3],
            255,
            "{:?}",
            variant.format
        );
    }
    // The dominant colour is the opaque blue, not the transparent black.
    let color = processed.placeholder.unwrap().color;
    assert!(color.ends_with("c8") || color.ends_with("c0"), "{color}");
}

#[test]
fn a_gif_is_kept_byte_for_byte() {
    let gif = animated_gif();
    let processed = process(&gif, "gif", &ImageOptions::default()).unwrap();
    assert_eq!((processed.width, processed.height), (40, 30));
    assert_eq!(processed.variants.len(), 1);
    assert_eq!(processed.variants[0].format, Format::Gif);
    assert_eq!(processed.variants[0].bytes, gif);
}

#[test]
fn gps_is_found_only_where_it_is() {
    assert!(has_gps(&jpeg(64, 48, Some(1))));
    assert!(!has_gps(&jpeg(64, 48, None)));
    assert!(!has_gps(&transparent_png()));
    assert!(!has_gps(b"not an image"));
    // A position in XMP only.
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(
        br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.0N" exif:GPSLongitude="0,7.65W"/></rdf:RDF></x:xmpmeta>"#,
    );
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 80);
    encoder.add_app_segment(1, xmp).unwrap();
    encoder
        .encode(&photo_pixels(64, 48), 64, 48, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    assert!(has_gps(&bytes));
    let processed = process(&bytes, "jpg", &ImageOptions::default()).unwrap();
    assert!(processed.metadata.had_gps);
    assert!(processed.metadata.dropped.contains(&"XMP".to_string()));
    assert_variants(&processed, Format::Jpeg, 64);
}

#[test]
fn small_images_are_never_upscaled() {
    let processed = process(&jpeg(300, 200, Some(1)), "jpeg", &ImageOptions::default()).unwrap();
    let widths: Vec<u32> = processed.variants.iter().map(|v| v.width).collect();
    assert_eq!(widths, [300, 300]);
    assert_eq!(processed.variants[0].format, Format::Webp);
    assert_eq!(processed.variants[1].format, Format::Jpeg);
}

#[test]
fn the_cache_reads_the_second_run_from_disk_and_misses_when_options_change() {
    let dir = tempfile::tempdir().unwrap();
    let source = jpeg(900, 600, Some(6));
    let opts = ImageOptions::default();
    let cache = Cache::new(dir.path());
    let first = cache.process(&source, "jpg", &opts).unwrap();
    assert_eq!(cache.stats(), CacheStats { hits: 0, misses: 1 });
    // A new cache over the same folder, as in the next build.
    let cache = Cache::new(dir.path());
    let second = cache.process(&source, "jpg", &opts).unwrap();
    assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 0 });
    assert_eq!(first, second);
    assert!(second.variants.iter().all(|v| !v.bytes.is_empty()));

    let sharper = ImageOptions {
        jpeg_quality: 90,
        ..opts
    };
    let third = cache.process(&source, "jpg", &sharper).unwrap();
    assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 1 });
    assert_ne!(
        third.in_format(Format::Jpeg).next(),
        first.in_format(Format::Jpeg).next()
    );
}

const HOSTILE_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet href="https://evil.example/style.css"?>
<!-- a comment -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 100 50" width="200" height="100" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <script xlink:href="https://evil.example/x.js"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml" onclick="x()">hi</div></foreignObject>
  <style>@import url("https://evil.example/a.css"); rect { fill: red }</style>
  <style>.b { background: url(//evil.example/b.png) }</style>
  <style>.c { fill: u\72l(https://evil.example) }</style>
  <rect id="r" x="1" y="1" width="10" height="10" onclick="steal()" OnMouseOver="x()" fill="url(https://evil.example/#p)"/>
  <a xlink:href="javascript:alert(2)"><circle cx="5" cy="5" r="2"/></a>
  <a href="  JaVa&#x09;Script:alert(3)"><circle cx="6" cy="5" r="2"/></a>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <image href="data:text/html;base64,PHNjcmlwdD4=" width="1" height="1"/>
  <use href="//evil.example/sprite.svg#i"/>
  <set attributeName="href" to="javascript:alert(4)"/>
  <animate attributeName="xlink:href" values="javascript:alert(5)"/>
  <animate attributeName="onclick" to="alert(6)"/>
  <iframe src="https://evil.example"/>
  <h:img xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/t.png" alt=""/>
  <g xml:base="https://evil.example/"><use href="sprite.svg#ok"/></g>
</svg>"##;

const BENIGN_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 80">
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#036"/></linearGradient>
    <circle id="dot" r="4"/>
  </defs>
  <style>.label { font: 12px sans-serif; fill: #333 } .sky { fill: url(#g) }</style>
  <rect class="sky" width="120" height="80"/>
  <path d="M0 80 L40 30 L80 80 Z" fill="url('#g')" stroke="#000"/>
  <use href="#dot" x="10" y="10"/>
  <use xlink:href="#dot" x="20" y="10"/>
  <image href="photos/boat.png" width="20" height="20"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <a href="/posts/river/"><text class="label" x="5" y="75">River &amp; sea &#169;</text></a>
  <animate attributeName="opacity" from="0" to="1" dur="1s"/>
</svg>"##;

/// Every element and attribute of a sanitised SVG, read back with an XML parser.
fn assert_safe(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name().to_ascii_lowercase();
        assert!(
            !["script", "foreignobject", "iframe", "set"].contains(&name.as_str()),
            "<{name}> kept"
        );
        if name == "animate" {
            let target = node.attribute("attributeName").unwrap_or_default();
            assert!(
                !target.ends_with("href") && !target.starts_with("on"),
                "{target}"
            );
        }
        for attr in node.attributes() {
            let key = attr.name().to_ascii_lowercase();
            let value = attr.value().to_ascii_lowercase();
            assert!(!key.starts_with("on"), "handler {key} kept on <{name}>");
            assert_ne!(key, "base", "xml:base kept");
            assert!(
                !value.contains("evil.example"),
                "{key}={value} kept on <{name}>"
            );
            if key == "href" {
                let plain: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(
                    plain.starts_with('#')
                        || plain.starts_with("data:image/png")
                        || !plain.contains(':'),
                    "{key}={value}"
                );
            }
        }
        if name == "style" {
            let css = node.text().unwrap_or_default();
            assert!(!css.contains("@import") && !css.contains("evil") && !css.contains('\\'));
        }
    }
    assert!(
        !doc.descendants().any(|n| n.is_pi()),
        "a processing instruction was kept"
    );
    doc
}

#[test]
fn a_hostile_svg_loses_scripts_handlers_and_external_references() {
    let clean = sanitise_svg(HOSTILE_SVG).unwrap();
    let doc = assert_safe(&clean);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("viewBox"), Some("0 0 100 50"));
    // The drawing stays: the rectangle (without its bad fill), both circles, the relative use.
    let count = |tag: &str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == tag)
            .count()
    };
    assert_eq!(count("rect"), 1);
    assert_eq!(count("circle"), 2);
    assert_eq!(count("style"), 0);
    let uses: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "use")
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert_eq!(uses, ["sprite.svg#ok"]);
    // Published as an SVG variant with its size.
    let processed = process(HOSTILE_SVG.as_bytes(), "svg", &ImageOptions::default()).unwrap();
    assert_eq!((processed.width, processed.height), (200, 100));
    assert_eq!(processed.variants[0].bytes, clean.as_bytes());
}

#[test]
fn a_benign_svg_keeps_its_drawing() {
    let clean = sanitise_svg(BENIGN_SVG).unwrap();
    let doc = assert_safe(&clean);
    let before = roxmltree::Document::parse(BENIGN_SVG).unwrap();
    let shape = |d: &roxmltree::Document| -> Vec<String> {
        d.descendants()
            .filter(|n| n.is_element())
            .map(|n| {
                let mut attrs: Vec<String> = n
                    .attributes()
                    .map(|a| format!("{}={}", a.name(), a.value()))
                    .collect();
                attrs.sort();
                format!("{} {}", n.tag_name().name(), attrs.join(" "))
            })
            .collect()
    };
    assert_eq!(shape(&doc), shape(&before));
    let text = doc
        .descendants()
        .find(|n| n.tag_name().name() == "text")
        .unwrap();
    assert_eq!(text.text(), Some("River & sea \u{a9}"));
}

#[test]
fn svgs_that_cannot_be_read_safely_are_refused() {
    let entity = r#"<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
    assert!(sanitise_svg(entity).is_err());
    assert!(sanitise_svg("<svg><g></svg>").is_err());
    assert!(sanitise_svg("<svg><g>").is_err());
    assert!(sanitise_svg("<html><script/></html>").is_err());
    assert!(sanitise_svg("").is_err());
}

/// Times one 12-megapixel photo through the pipeline and prints each variant's size. Not a
/// check: run it with
/// `cargo test --profile builder --test images -- --ignored --nocapture measure`, and set
/// `FIELDNOTES_BENCH_PHOTO` to a JPEG's path to measure a real photo instead of the made one.
#[test]
#[ignore]
fn measure_a_12_megapixel_photo() {
    let source = match std::env::var_os("FIELDNOTES_BENCH_PHOTO") {
        Some(path) => std::fs::read(path).unwrap(),
        None => jpeg(4000, 3000, Some(1)),
    };
    let started = std::time::Instant::now();
    let decoded = image::load_from_memory(&source).unwrap();
    println!(
        "source: {}x{}, {} bytes; decode alone {:.2} s",
        decoded.width(),
        decoded.height(),
        source.len(),
        started.elapsed().as_secs_f64()
    );
    let opts = ImageOptions::default();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let processed = pool.install(|| process(&source, "jpg", &opts)).unwrap();
        println!(
            "process, {threads} thread(s): {:.2} s wall",
            started.elapsed().as_secs_f64()
        );
        if threads == 1 {
            for (webp, fallback) in processed
                .in_format(Format::Webp)
                .zip(processed.in_format(Format::Jpeg))
            {
                println!(
                    "  {:>4}x{:<4} webp {:>8} bytes, jpeg {:>8} bytes ({:.0}%)",
                    webp.width,
                    webp.height,
                    webp.bytes.len(),
                    fallback.bytes.len(),
                    100.0 * webp.bytes.len() as f64 / fallback.bytes.len() as f64
                );
            }
            let placeholder = processed.placeholder.unwrap();
            println!(
                "  placeholder {} and a {}-byte preview",
                placeholder.color,
                placeholder.preview.map_or(0, |p| p.len())
            );
        }
    }
}

#[test]
fn metadata_in_png_and_webp_sources_is_dropped_too() {
    use img_parts::ImageEXIF;
    let exif = img_parts::Bytes::from(exif_block(1));
    let mut png = img_parts::png::Png::from_bytes(transparent_png().into()).unwrap();
    png.set_exif(Some(exif.clone()));
    let png = png.encoder().bytes().to_vec();
    let plain = process(&jpeg(640, 480, None), "jpg", &ImageOptions::default()).unwrap();
    let webp = plain.in_format(Format::Webp).next().unwrap().bytes.clone();
    let mut webp = img_parts::webp::WebP::from_bytes(webp.into()).unwrap();
    webp.set_exif(Some(exif));
    let webp = webp.encoder().bytes().to_vec();
    for (source, extension, fallback) in [(png, "png", Format::Png), (webp, "webp", Format::Jpeg)] {
        assert!(has_gps(&source), "{extension} fixture has no GPS");
        let processed = process(&source, extension, &ImageOptions::default()).unwrap();
        assert!(processed.metadata.had_gps, "{extension}");
        assert_variants(&processed, fallback, processed.width);
    }
}

#[test]
fn the_same_bytes_give_the_same_files() {
    let source = jpeg(1000, 700, Some(3));
    let opts = ImageOptions::default();
    assert_eq!(
        process(&source, "jpg", &opts).unwrap(),
        process(&source, "jpg", &opts).unwrap()
    );
    // Processed compares everything but the bytes (they are stored beside the cache entry).
    let bytes = |p: Processed| p.variants.into_iter().map(|v| v.bytes).collect::<Vec<_>>();
    assert_eq!(
        bytes(process(&source, "jpg", &opts).unwrap()),
        bytes(process(&source, "jpg", &opts).unwrap())
    );
}

#[test]
fn a_damaged_cache_entry_is_processed_again() {
    let dir = tempfile::tempdir().unwrap();
    let source = jpeg(500, 300, None);
    let opts = ImageOptions::default();
    let first = Cache::new(dir.path())
        .process(&source, "jpg", &opts)
        .unwrap();
    // Lose one variant file of the only entry.
    let entry = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let variant = std::fs::read_dir(&entry)
        .unwrap()
        .map(|f| f.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .unwrap();
    std::fs::remove_file(variant).unwrap();
    let cache = Cache::new(dir.path());
    let again = cache.process(&source, "jpg", &opts).unwrap();
    assert_eq!(cache.stats(), CacheStats { hits: 0, misses: 1 });
    assert_eq!(again.variants.len(), first.variants.len());
    let cache = Cache::new(dir.path());
    cache.process(&source, "jpg", &opts).unwrap();
    assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 0 });
}
