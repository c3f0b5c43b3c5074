//! Photos through the whole build: a JPEG whose EXIF holds a GPS position, an owner's name, a
//! caption and a copyright is published as copies that hold none of it by default, and only the
//! copyright when `site.toml` says `[images] keep = ["copyright"]`. Every copy is read back with a
//! metadata parser that is not ours. `fieldnotes check` names the original that carries GPS.

mod common;

use fieldnotes::builder::{self, BuildOptions};
use img_parts::{jpeg::Jpeg, Bytes, ImageEXIF};
use std::path::Path;

/// An EXIF block (little-endian TIFF): caption, owner and copyright in the first directory, and
/// a GPS directory with a latitude.
fn exif_block() -> Vec<u8> {
    let caption = b"Boats at the pier\0";
    let artist = b"Dara Chan\0";
    let copyright = b"(c) Dara Chan\0";
    // Layout: header (8), IFD0 (2 + 4*12 + 4 = 54) at 8, GPS IFD (2 + 2*12 + 4 = 30) at 62, then
    // the values: caption, artist, copyright, latitude (3 rationals).
    let gps_at = 62u32;
    let mut at = gps_at + 30;
    let mut values = Vec::new();
    let mut place = |bytes: &[u8]| {
        let offset = at;
        at += bytes.len() as u32;
        values.extend_from_slice(bytes);
        offset
    };
    let caption_at = place(caption);
    let artist_at = place(artist);
    let copyright_at = place(copyright);
    let latitude: Vec<u8> = [(11u32, 1u32), (33, 1), (30, 1)]
        .iter()
        .flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes()))
        .collect();
    let latitude_at = place(&latitude);
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value.to_le_bytes());
        e
    };
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend(entry(0x010e, 2, caption.len() as u32, caption_at));
    out.extend(entry(0x013b, 2, artist.len() as u32, artist_at));
    out.extend(entry(0x8298, 2, copyright.len() as u32, copyright_at));
    out.extend(entry(0x8825, 4, 1, gps_at));
    out.extend(0u32.to_le_bytes());
    assert_eq!(out.len() as u32, gps_at);
    out.extend(2u16.to_le_bytes());
    out.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    out.extend(entry(0x0002, 5, 3, latitude_at));
    out.extend(0u32.to_le_bytes());
    out.extend(values);
    out
}

/// A 1200×800 JPEG carrying [`exif_block`].
fn located_photo() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x / 5) as u8, (y / 4) as u8, ((x + y) / 9) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&pixels)
        .unwrap();
    let mut parts = Jpeg::from_bytes(Bytes::from(jpeg)).unwrap();
    parts.set_exif(Some(Bytes::from(exif_block())));
    parts.encoder().bytes().to_vec()
}

/// A site with one post showing the photo, and `settings` added to `site.toml`.
fn site(settings: &str) -> tempfile::TempDir {
    let photo = located_photo();
    let toml = format!("title = \"Photos\"\n{settings}");
    common::site_with(&[
        ("site.toml", toml.as_bytes()),
        (
            "posts/pier/index.md",
            b"---\ntitle: The pier\ndate: 2025-02-01\n---\n![Boats at the pier](boats.jpg)\n",
        ),
        ("posts/pier/boats.jpg", &photo),
    ])
}

/// Every field the EXIF of a published copy holds, as `tag=value`; empty when it has none.
fn exif_of(bytes: &[u8]) -> Vec<String> {
    match exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
        Ok(read) => read
            .fields()
            .map(|f| format!("{}={}", f.tag, f.display_value()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn photo_copies(content: &Path) -> Vec<(String, Vec<u8>)> {
    let site = builder::load_site(&BuildOptions {
        content: content.to_path_buf(),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        site.located,
        ["posts/pier/boats.jpg"],
        "the original carries GPS"
    );
    let copies: Vec<_> = site
        .media
        .into_iter()
        .filter(|(path, _)| path.starts_with("media/boats."))
        .collect();
    // 480, 800 and the photo's own 1200, each as WebP and JPEG.
    assert_eq!(
        copies.len(),
        6,
        "{:?}",
        copies.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    copies
}

#[test]
fn published_copies_carry_no_metadata_by_default() {
    let content = site("");
    for (path, bytes) in photo_copies(content.path()) {
        assert_eq!(exif_of(&bytes), Vec::<String>::new(), "{path}");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Dara") && !text.contains("Boats at"),
            "{path}"
        );
    }
}

#[test]
fn an_author_may_keep_the_copyright_and_never_the_location() {
    let content = site("[images]\nkeep = [\"copyright\"]\n");
    for (path, bytes) in photo_copies(content.path()) {
        let fields = exif_of(&bytes);
        assert_eq!(fields.len(), 1, "{path}: {fields:?}");
        assert!(
            fields[0].starts_with("Copyright=") && fields[0].contains("(c) Dara Chan"),
            "{path}: {fields:?}"
        );
    }
    // The caption too when asked; GPS and the owner's name are not settings at all.
    let content = site("[images]\nkeep = [\"caption\", \"copyright\"]\n");
    let (_, bytes) = &photo_copies(content.path())[0];
    let fields = exif_of(bytes);
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert!(
        fields.iter().any(|f| f.contains("Boats at the pier")),
        "{fields:?}"
    );
    let refused = site("[images]\nkeep = [\"gps\"]\n");
    let problems = builder::load_site(&BuildOptions {
        content: refused.path().to_path_buf(),
        ..BuildOptions::default()
    })
    .unwrap_err();
    assert!(problems.to_string().contains("site.toml"), "{problems}");
}

#[test]
fn check_names_the_originals_that_carry_a_gps_position() {
    let content = site("");
    let cache = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldnotes"))
        .args(["check", "--content"])
        .arg(content.path())
        .arg("--image-cache")
        .arg(cache.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("1 image(s) in the content folder carry a GPS position")
            && stderr.contains("  posts/pier/boats.jpg"),
        "{stderr}"
    );
    // The processed copies are kept for the next run.
    assert!(std::fs::read_dir(cache.path()).unwrap().count() > 0);
}

#[test]
fn a_display_p3_photo_is_converted_to_srgb_before_its_profile_is_left_behind() {
    use img_parts::ImageICC;
    use moxcms::{ColorProfile, Layout, TransformOptions};
    let p3 = [200u8, 100, 50];
    let flat = image::RgbImage::from_pixel(600, 400, image::Rgb(p3));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
        .encode_image(&flat)
        .unwrap();
    let profile = ColorProfile::new_display_p3().encode().unwrap();
    let mut parts = Jpeg::from_bytes(Bytes::from(jpeg)).unwrap();
    parts.set_icc_profile(Some(Bytes::from(profile)));
    let photo = parts.encoder().bytes().to_vec();
    // What the colour is in sRGB, by the colour management library itself.
    let mut expected = [0u8; 3];
    ColorProfile::new_display_p3()
        .create_transform_8bit(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap()
        .transform(&p3, &mut expected)
        .unwrap();
    assert!(
        expected.iter().zip(p3).any(|(e, s)| e.abs_diff(s) > 8),
        "the test colour must differ between the two spaces: {expected:?}"
    );
    let content = common::site_with(&[
        (
            "posts/wall/index.md",
            b"---\ntitle: Wall\ndate: 2025-02-01\n---\n![An orange wall](wall.jpg)\n",
        ),
        ("posts/wall/wall.jpg", &photo),
    ]);
    let site = builder::load_site(&BuildOptions {
        content: content.path().to_path_buf(),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|p| panic!("{p}"));
    let copies: Vec<_> = site
        .media
        .iter()
        .filter(|(p, _)| p.starts_with("media/wall."))
        .collect();
    assert!(!copies.is_empty());
    for (path, bytes) in copies {
        let decoded = image::load_from_memory(bytes).unwrap().to_rgb8();
        let centre = decoded
            .get_pixel(decoded.width() / 2, decoded.height() / 2)
            .0;
        assert!(
            centre.iter().zip(expected).all(|(c, e)| c.abs_diff(e) <= 4),
            "{path}: {centre:?}, expected about {expected:?} (the P3 values were {p3:?})"
        );
    }
}
