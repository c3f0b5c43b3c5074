//! Comments' intake: a small HTTP server that takes new comments from readers' browsers, keeps them
//! in an embedded SQLite database for the author to moderate, and the moderation commands that
//! list, approve, reject, export (as the content files the builder reads) and purge them.
//!
//! Nothing here is sent anywhere: spam is kept out by a honeypot field, a signed form token that
//! must be a few seconds old, per-client rate limits keyed by a salted hash of the address (never
//! the address itself), holding comments with many links, and refusing duplicates.

pub mod cli;
pub mod export;
pub mod server;
pub mod site;
pub mod store;
pub mod token;

pub use export::export;
pub use server::{start, ServeOptions, Server};
pub use store::{Limits, Status, Store, StoredComment};

/// Lower-case hex of `bytes`: ids, tokens and hashes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes from the system.
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("the system has no source of random numbers");
    out
}

/// A new comment id: `c-` and 16 random hex digits.
pub fn new_id() -> String {
    format!("c-{}", hex(&random::<8>()))
}

/// Parses an age such as `90d`, `12h`, `30m` or `45s` into seconds.
pub fn parse_age(text: &str) -> Option<u64> {
    let text = text.trim();
    let (num, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    let mul = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return None,
    };
    n.checked_mul(mul)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_ids() {
        assert_eq!(parse_age("90d"), Some(90 * 86_400));
        assert_eq!(parse_age("2h"), Some(7_200));
        assert_eq!(parse_age("0s"), Some(0));
        assert_eq!(parse_age("90"), None);
        assert_eq!(parse_age("d"), None);
        let id = new_id();
        assert!(id.starts_with("c-") && id.len() == 18, "{id}");
        assert_ne!(new_id(), id);
    }
}
