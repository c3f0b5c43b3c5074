//! Sealed posts: whatever bytes a sealed post's file holds (a CDN's damage, an attacker's edit),
//! reading and opening it gives an error the reader is told, never a panic, and never a post
//! that was not sealed with the key.

use fieldnotes::builder::{derive_key, open_with_key, seal};
use fieldnotes::model::sealed::{self, OpenError, Opened, Sealed, SealedParts};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Base64 of some bytes, or of none, or text that is not base64 at all.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..80).prop_map(|b| sealed::encode(&b)),
        any::<String>(),
    ]
}

/// One genuine sealed post and its key (derived once: 600,000 rounds take a while).
fn genuine() -> &'static (Sealed, Vec<u8>) {
    static GENUINE: OnceLock<(Sealed, Vec<u8>)> = OnceLock::new();
    GENUINE.get_or_init(|| {
        let opened = Opened {
            summary: "Kept for friends.".into(),
            reading_minutes: 1,
            ..Opened::default()
        };
        let sealed = seal("kept", &opened, "a long walk");
        let parts = sealed.parts().unwrap();
        let key = derive_key("a long walk", &parts.salt, parts.iterations).to_vec();
        assert!(open_with_key(&parts, "kept", &key).is_ok());
        (sealed, key)
    })
}

proptest! {
    #![proptest_config(super::config(256))]

    /// Random fields: refused as unreadable, or read with the sizes the scheme has.
    #[test]
    fn any_sealed_fields_are_read_or_refused(
        salt in field(), check in field(), nonce in field(), data in field(),
        iterations in prop_oneof![Just(sealed::KDF_ITERATIONS), any::<u32>()],
    ) {
        let s = Sealed { scheme: sealed::SCHEME.into(), iterations, salt, check, nonce, data };
        match s.parts() {
            Ok(parts) => {
                prop_assert_eq!(parts.salt.len(), sealed::SALT_BYTES);
                prop_assert_eq!(parts.nonce.len(), sealed::NONCE_BYTES);
                prop_assert!(parts.data.len() >= sealed::TAG_BYTES);
                prop_assert!(iterations >= sealed::MIN_ITERATIONS);
            }
            Err(e) => prop_assert_eq!(e, OpenError::Unreadable),
        }
    }

    /// Random bytes with a random key never open; with the right key's check they are damaged.
    #[test]
    fn random_bytes_never_open(
        key in proptest::collection::vec(any::<u8>(), 0..40),
        nonce in proptest::collection::vec(any::<u8>(), 0..16),
        data in proptest::collection::vec(any::<u8>(), 0..200),
        check in proptest::collection::vec(any::<u8>(), 0..20),
    ) {
        let parts = SealedParts { iterations: sealed::KDF_ITERATIONS, salt: vec![0; 16], check, nonce: nonce.clone(), data: data.clone() };
        prop_assert!(open_with_key(&parts, "kept", &key).is_err());
        let (_, right) = genuine();
        let genuine_check = genuine().0.parts().unwrap().check;
        let parts = SealedParts { check: genuine_check, ..parts };
        let opened = open_with_key(&parts, "kept", right);
        prop_assert!(matches!(opened, Err(OpenError::Damaged) | Err(OpenError::Unreadable)), "{opened:?}");
    }

    /// Any change of a genuine sealed post's bytes is refused: its text or nonce as damaged, its
    /// check as a wrong password.
    #[test]
    fn an_altered_sealed_post_is_refused(which in 0..3usize, at in any::<prop::sample::Index>(), bit in 0..8u8) {
        let (sealed, key) = genuine();
        let mut parts = sealed.parts().unwrap();
        let field = match which { 0 => &mut parts.data, 1 => &mut parts.nonce, _ => &mut parts.check };
        let i = at.index(field.len());
        field[i] ^= 1 << bit;
        let expected = if which == 2 { OpenError::WrongPassword } else { OpenError::Damaged };
        prop_assert_eq!(open_with_key(&parts, "kept", key), Err(expected));
    }
}
