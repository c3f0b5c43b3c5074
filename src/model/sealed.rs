//! A protected post, sealed: what its author protects with a password travels only encrypted.
//!
//! The builder derives a 256-bit key from the password (PBKDF2-HMAC-SHA256, [`KDF_ITERATIONS`]
//! rounds, a random salt per password and build), encrypts an [`Opened`] (the body, its table of
//! contents, the summary and the comments, as JSON) with AES-256-GCM under a random nonce per
//! post, with the post's slug as associated data (a sealed body moved under another post's name
//! is refused), and writes the result as a [`Sealed`] in the post's own file, whose other fields
//! keep only what stays public: title, dates, tags, categories.
//!
//! The browser derives the same key with its own WebCrypto and opens it. [`Sealed::check`] tells a
//! wrong password (the key's check differs) from a damaged or altered file (the key is right but
//! the cipher's tag refuses the bytes). The check is a hash of the derived key, so it gives an
//! attacker no shortcut: each guess still costs the whole derivation.
//!
//! Nothing here touches a browser or a file: both halves read the envelope through
//! [`Sealed::parts`], so its checks are tested natively.

use super::{CommentThread, Cover};
use crate::markdown::{Heading, SafeHtml};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The one scheme: PBKDF2-HMAC-SHA256 for the key, AES-256-GCM for the text.
pub const SCHEME: &str = "pbkdf2-sha256/aes-256-gcm";

/// PBKDF2 rounds per password guess: OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023).
pub const KDF_ITERATIONS: u32 = 600_000;

/// Bytes of the salt, the nonce, the key, the key's check and the cipher's tag.
pub const SALT_BYTES: usize = 16;
pub const NONCE_BYTES: usize = 12;
pub const KEY_BYTES: usize = 32;
pub const CHECK_BYTES: usize = 16;
pub const TAG_BYTES: usize = 16;

/// What is hashed before the key to make its check (SHA-256 of this, then the key; the first
/// [`CHECK_BYTES`] bytes).
pub const CHECK_PREFIX: &[u8] = b"fieldnotes key check\n";

/// Fewer rounds than this is refused on opening: a file that asks for a cheaper derivation was
/// not written by our builder.
pub const MIN_ITERATIONS: u32 = 100_000;

/// A sealed post body: `sealed` in the post's own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// [`SCHEME`].
    pub scheme: String,
    /// PBKDF2 rounds.
    pub iterations: u32,
    /// Base64: the key's salt. Posts of one build that share a password share it (and so a key: a
    /// reader who keeps the key opens them all).
    pub salt: String,
    /// Base64: the first [`CHECK_BYTES`] of SHA-256([`CHECK_PREFIX`] + key).
    pub check: String,
    /// Base64: the nonce, random for each post.
    pub nonce: String,
    /// Base64: the encrypted JSON of an [`Opened`], its tag at the end.
    pub data: String,
}

/// A [`Sealed`]'s bytes, decoded and checked for size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedParts {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub check: Vec<u8>,
    pub nonce: Vec<u8>,
    pub data: Vec<u8>,
}

/// Why a sealed post could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// The password gives another key.
    WrongPassword,
    /// The key is right but the text does not decrypt: the file was altered or damaged.
    Damaged,
    /// Not a sealed post this app reads (another scheme, sizes out of bounds, bad base64).
    Unreadable,
}

impl OpenError {
    /// What the reader is told.
    pub fn message(self) -> &'static str {
        match self {
            OpenError::WrongPassword => "That password is not right. Try again.",
            OpenError::Damaged => "This post's file has been altered or damaged, so it was refused. Reload the page to fetch it again.",
            OpenError::Unreadable => "This post was protected in a way this page cannot open. Reload the page to fetch the latest version.",
        }
    }
}

impl Sealed {
    /// Its bytes, or [`OpenError::Unreadable`] when a field is not what our builder writes.
    pub fn parts(&self) -> Result<SealedParts, OpenError> {
        if self.scheme != SCHEME || self.iterations < MIN_ITERATIONS {
            return Err(OpenError::Unreadable);
        }
        let decode = |text: &str, min: usize, max: usize| {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .ok()
                .filter(|b| (min..=max).contains(&b.len()))
                .ok_or(OpenError::Unreadable)
        };
        Ok(SealedParts {
            iterations: self.iterations,
            salt: decode(&self.salt, SALT_BYTES, SALT_BYTES)?,
            check: decode(&self.check, CHECK_BYTES, CHECK_BYTES)?,
            nonce: decode(&self.nonce, NONCE_BYTES, NONCE_BYTES)?,
            data: decode(&self.data, TAG_BYTES, usize::MAX)?,
        })
    }
}

/// What a sealed post holds: everything of it its author protects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    /// The body, as the builder rendered it.
    pub html: SafeHtml,
    /// Its headings, for the table of contents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub toc: Vec<Heading>,
    /// The summary the lists would have shown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    pub reading_minutes: u32,
    /// Its published comments, when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<CommentThread>,
    /// Never set: a protected post's photos are not published (see the README), kept here so a
    /// later version can add them without a new format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<Cover>,
}

impl Opened {
    /// Reads the decrypted bytes; [`OpenError::Damaged`] when they are not an [`Opened`]. (The app
    /// reads them with the browser's JSON parser instead, as every other file.)
    pub fn from_plain(bytes: &[u8]) -> Result<Opened, OpenError> {
        let text = std::str::from_utf8(bytes).map_err(|_| OpenError::Damaged)?;
        serde_json::from_str(text).map_err(|_| OpenError::Damaged)
    }
}

/// The check of a derived key, given SHA-256 of [`CHECK_PREFIX`] + key.
pub fn check_of(digest: &[u8]) -> &[u8] {
    &digest[..CHECK_BYTES.min(digest.len())]
}

/// Base64 as the sealed fields write it.
pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Base64 back to bytes (a key a reader kept); `None` when it is not base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed() -> Sealed {
        Sealed {
            scheme: SCHEME.into(),
            iterations: KDF_ITERATIONS,
            salt: encode(&[1; SALT_BYTES]),
            check: encode(&[2; CHECK_BYTES]),
            nonce: encode(&[3; NONCE_BYTES]),
            data: encode(&[4; 40]),
        }
    }

    #[test]
    fn parts_are_checked_for_scheme_rounds_and_sizes() {
        let parts = sealed().parts().unwrap();
        assert_eq!((parts.salt.len(), parts.data.len()), (SALT_BYTES, 40));
        let refused = |change: fn(&mut Sealed)| {
            let mut s = sealed();
            change(&mut s);
            s.parts()
        };
        assert_eq!(
            refused(|s| s.scheme = "rot13".into()),
            Err(OpenError::Unreadable)
        );
        assert_eq!(refused(|s| s.iterations = 1), Err(OpenError::Unreadable));
        assert_eq!(
            refused(|s| s.nonce = encode(&[0; 8])),
            Err(OpenError::Unreadable)
        );
        assert_eq!(
            refused(|s| s.data = encode(&[0; 3])),
            Err(OpenError::Unreadable),
            "shorter than a tag"
        );
        assert_eq!(
            refused(|s| s.salt = "not base64!".into()),
            Err(OpenError::Unreadable)
        );
    }

    #[test]
    fn opened_reads_back_and_refuses_other_bytes() {
        let opened = Opened {
            summary: "s".into(),
            reading_minutes: 2,
            ..Opened::default()
        };
        let bytes = serde_json::to_vec(&opened).unwrap();
        assert_eq!(Opened::from_plain(&bytes), Ok(opened));
        assert_eq!(Opened::from_plain(b"\xff\x00"), Err(OpenError::Damaged));
    }
}
