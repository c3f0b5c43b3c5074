//! The one piece of metadata an author may choose to publish with their photos: who holds the
//! copyright and the photo's caption (`[images] keep = ["copyright", "caption"]` in `site.toml`).
//! Processing leaves every byte of metadata behind ([`super::images`]); this reads those two text
//! fields from the original and writes them, and nothing else, into each published copy as a
//! minimal EXIF block. Location, device serials and owner names are never among them: there is
//! no setting that keeps them.

use img_parts::{jpeg::Jpeg, webp::WebP, Bytes, ImageEXIF};

/// A field an author may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// EXIF `Copyright`.
    Copyright,
    /// EXIF `ImageDescription`.
    Caption,
}

impl Keep {
    fn tag(self) -> exif::Tag {
        match self {
            Keep::Copyright => exif::Tag::Copyright,
            Keep::Caption => exif::Tag::ImageDescription,
        }
    }
}

/// The fields of `keep` that the original `source` carries, as an EXIF block (a little-endian
/// TIFF structure with one directory of ASCII entries); none when it carries none of them.
pub fn kept_exif(source: &[u8], keep: &[Keep]) -> Option<Vec<u8>> {
    if keep.is_empty() {
        return None;
    }
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(source))
        .ok()?;
    let mut fields: Vec<(u16, String)> = keep
        .iter()
        .filter_map(|k| {
            let field = exif.get_field(k.tag(), exif::In::PRIMARY)?;
            let text = match &field.value {
                exif::Value::Ascii(parts) => parts
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => return None,
            };
            (!text.is_empty()).then(|| (k.tag().number(), text))
        })
        .collect();
    fields.sort();
    fields.dedup_by_key(|f| f.0);
    (!fields.is_empty()).then(|| tiff(&fields))
}

/// A TIFF structure with one directory of ASCII entries, sorted by tag as TIFF requires.
fn tiff(fields: &[(u16, String)]) -> Vec<u8> {
    let count = fields.len() as u32;
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    // The directory: count, 12 bytes an entry, the offset of the next directory (none).
    let mut data_at = 8 + 2 + 12 * count + 4;
    let mut data = Vec::new();
    out.extend((count as u16).to_le_bytes());
    for (tag, text) in fields {
        let mut value = text.as_bytes().to_vec();
        value.push(0);
        out.extend(tag.to_le_bytes());
        out.extend(2u16.to_le_bytes()); // ASCII
        out.extend((value.len() as u32).to_le_bytes());
        if value.len() <= 4 {
            value.resize(4, 0);
            out.extend(&value);
        } else {
            out.extend(data_at.to_le_bytes());
            data_at += value.len() as u32;
            data.extend(value);
        }
    }
    out.extend(0u32.to_le_bytes());
    out.extend(data);
    out
}

/// `bytes` of a published copy in `format` (`jpeg` or `webp`) with `exif` written into it; other
/// formats, or a copy that cannot be read back, are returned as they are.
pub fn with_exif(bytes: Vec<u8>, format: &str, exif: &[u8]) -> Vec<u8> {
    let exif = Bytes::copy_from_slice(exif);
    let written = match format {
        "jpeg" => Jpeg::from_bytes(Bytes::from(bytes.clone()))
            .ok()
            .map(|mut j| {
                j.set_exif(Some(exif));
                j.encoder().bytes().to_vec()
            }),
        "webp" => WebP::from_bytes(Bytes::from(bytes.clone()))
            .ok()
            .map(|mut w| {
                w.set_exif(Some(exif));
                w.encoder().bytes().to_vec()
            }),
        _ => None,
    };
    written.unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_of_text_fields_reads_back_as_exif() {
        let block = tiff(&[
            (exif::Tag::ImageDescription.number(), "Boats at dawn".into()),
            (exif::Tag::Copyright.number(), "© Dara".into()),
        ]);
        let read = exif::Reader::new().read_raw(block).unwrap();
        let text = |tag| {
            read.get_field(tag, exif::In::PRIMARY)
                .unwrap()
                .display_value()
                .to_string()
        };
        assert_eq!(text(exif::Tag::ImageDescription), "\"Boats at dawn\"");
        assert!(text(exif::Tag::Copyright).contains("Dara"));
        assert_eq!(read.fields().count(), 2);
    }
}
