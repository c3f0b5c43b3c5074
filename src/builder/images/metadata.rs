//! What a source image says about itself beyond its pixels: its orientation (applied before
//! anything else) and the fields that give away where, with what and by whom it was taken. The
//! output never carries any of it (see the parent module); this only tells the author.

use image::{ImageDecoder, ImageReader};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// What a source image carried that its published variants do not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// A GPS position, in EXIF or XMP.
    pub had_gps: bool,
    /// The kinds of metadata left out, in a fixed order: `EXIF`, `GPS position`,
    /// `camera or lens serial number`, `owner or artist name`, `XMP`, `IPTC`, `ICC profile`.
    pub dropped: Vec<String>,
}

/// The metadata blocks of a decoder, read before its pixels.
pub(super) struct Blocks {
    pub exif: Option<Vec<u8>>,
    pub xmp: Option<Vec<u8>>,
    pub iptc: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
}

impl Blocks {
    /// Reads every block a decoder offers; a block it cannot read counts as absent.
    pub fn read(decoder: &mut impl ImageDecoder) -> Blocks {
        Blocks {
            exif: decoder.exif_metadata().ok().flatten(),
            xmp: decoder.xmp_metadata().ok().flatten(),
            iptc: decoder.iptc_metadata().ok().flatten(),
            icc: decoder.icc_profile().ok().flatten(),
        }
    }

    /// What these blocks hold, for the author.
    pub fn summary(&self) -> Metadata {
        let exif = self.exif.as_deref().and_then(parse_exif);
        let has =
            |pick: fn(&exif::Field) -> bool| exif.as_ref().is_some_and(|e| e.fields().any(pick));
        let xmp_gps = self.xmp.as_deref().is_some_and(xmp_has_gps);
        let had_gps = has(is_gps) || xmp_gps;
        let kinds = [
            ("EXIF", self.exif.is_some()),
            ("GPS position", had_gps),
            ("camera or lens serial number", has(is_serial)),
            ("owner or artist name", has(is_owner)),
            ("XMP", self.xmp.is_some()),
            ("IPTC", self.iptc.is_some()),
            ("ICC profile", self.icc.is_some()),
        ];
        Metadata {
            had_gps,
            dropped: kinds
                .iter()
                .filter(|(_, present)| *present)
                .map(|(kind, _)| kind.to_string())
                .collect(),
        }
    }
}

/// Whether an image file (JPEG, PNG, WebP, TIFF, HEIF) records where it was taken, in EXIF or
/// XMP: for `fieldnotes check`, which lists the source images that do.
pub fn has_gps(bytes: &[u8]) -> bool {
    let from_decoder = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|reader| reader.into_decoder().ok())
        .map(|mut decoder| Blocks::read(&mut decoder).summary().had_gps);
    // Formats the decoders do not open (HEIF, or a damaged file) may still hold EXIF.
    from_decoder.unwrap_or(false)
        || exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .is_ok_and(|e| e.fields().any(is_gps))
}

/// EXIF as decoders hand it over: a TIFF structure, sometimes still behind the JPEG marker.
fn parse_exif(block: &[u8]) -> Option<exif::Exif> {
    let tiff = block.strip_prefix(b"Exif\0\0").unwrap_or(block);
    exif::Reader::new().read_raw(tiff.to_vec()).ok()
}

/// A position field: latitude or longitude (the GPS directory also holds times and the
/// receiver's state, which place no one).
fn is_gps(field: &exif::Field) -> bool {
    use exif::Tag;
    [
        Tag::GPSLatitude,
        Tag::GPSLongitude,
        Tag::GPSDestLatitude,
        Tag::GPSDestLongitude,
    ]
    .contains(&field.tag)
}

fn is_serial(field: &exif::Field) -> bool {
    matches!(
        field.tag,
        exif::Tag::BodySerialNumber | exif::Tag::LensSerialNumber
    )
}

fn is_owner(field: &exif::Field) -> bool {
    matches!(
        field.tag,
        exif::Tag::CameraOwnerName | exif::Tag::Artist | exif::Tag::Copyright
    )
}

/// XMP names positions `exif:GPSLatitude`/`exif:GPSLongitude` (as attributes or elements).
fn xmp_has_gps(xmp: &[u8]) -> bool {
    let text = String::from_utf8_lossy(xmp);
    text.contains("GPSLatitude") || text.contains("GPSLongitude")
}
