//! The form token: the server signs the time it gave the form out, so a comment sent sooner than a
//! person could write one (a bot), later than a day (a stale page), or with a made-up token is
//! refused. Nothing is stored per token: the signature alone proves it is ours.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long a token stays good: a reader may leave a page open for a day before answering.
pub const MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;

/// Why a token was refused, each with what the reader should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    TooYoung,
    Expired,
    Forged,
}

impl TokenError {
    pub fn message(self) -> &'static str {
        match self {
            TokenError::TooYoung => "Please wait a few seconds and send again.",
            TokenError::Expired => "This form has expired: reload the page and send again.",
            TokenError::Forged => "This form is not valid: reload the page and send again.",
        }
    }
}

fn mac(key: &[u8], issued_ms: u64, nonce: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{issued_ms}.{nonce}").as_bytes());
    mac
}

/// A token issued at `issued_ms` (milliseconds since the Unix epoch): `<time>.<nonce>.<signature>`.
pub fn issue_at(key: &[u8], issued_ms: u64) -> String {
    let nonce = super::hex(&super::random::<12>());
    let sig = super::hex(&mac(key, issued_ms, &nonce).finalize().into_bytes());
    format!("{issued_ms}.{nonce}.{sig}")
}

/// Checks `token` at `now_ms`: ours, at least `wait_ms` old and at most [`MAX_AGE_MS`].
pub fn check(key: &[u8], token: &str, now_ms: u64, wait_ms: u64) -> Result<(), TokenError> {
    let mut parts = token.split('.');
    let (Some(time), Some(nonce), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Forged);
    };
    let issued: u64 = time.parse().map_err(|_| TokenError::Forged)?;
    let sig = unhex(sig).ok_or(TokenError::Forged)?;
    // Constant-time comparison, so the signature cannot be guessed byte by byte.
    mac(key, issued, nonce)
        .verify_slice(&sig)
        .map_err(|_| TokenError::Forged)?;
    let age = now_ms.saturating_sub(issued);
    if issued > now_ms + 60_000 {
        return Err(TokenError::Forged);
    }
    if age < wait_ms {
        return Err(TokenError::TooYoung);
    }
    if age > MAX_AGE_MS {
        return Err(TokenError::Expired);
    }
    Ok(())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_forgeries() {
        let key = b"0123456789abcdef";
        let t = issue_at(key, 1_000_000);
        assert_eq!(check(key, &t, 1_000_500, 3_000), Err(TokenError::TooYoung));
        assert_eq!(check(key, &t, 1_004_000, 3_000), Ok(()));
        assert_eq!(
            check(key, &t, 1_000_000 + MAX_AGE_MS + 1, 3_000),
            Err(TokenError::Expired)
        );
        assert_eq!(
            check(b"another key", &t, 1_004_000, 0),
            Err(TokenError::Forged)
        );
        let moved = t.replacen("1000000", "999000", 1);
        assert_eq!(check(key, &moved, 1_004_000, 0), Err(TokenError::Forged));
        assert_eq!(check(key, "junk", 1_004_000, 0), Err(TokenError::Forged));
    }
}
