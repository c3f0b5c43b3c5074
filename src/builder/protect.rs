//! Protected posts: where a post's password comes from, and the post sealed with it
//! ([`crate::model::sealed`] says how, and what the browser does to open it).
//!
//! A post is protected by `password: "…"` in its front matter, `password_env: NAME` (the password
//! is read from that environment variable at build time), or `protected: true` with its password
//! in `passwords.toml` at the top of the content folder (`slug = "password"`: a file for authors
//! to keep out of version control; it is never published). A post named in `passwords.toml` is
//! protected even without `protected: true`. A protected post whose password cannot be found, or
//! is empty, stops the build: it is never published in clear.
//!
//! Sealing happens once a post is parsed and its comments are threaded ([`seal_post`]): its body,
//! table of contents, summary and comments go into the sealed envelope, and every other field the
//! lists, feeds, search index and route pages read is emptied, so none of them can hold a word of
//! it. Its photos are not published at all (see [`withheld_files`]).

use super::error::Problem;
use super::front_matter::FrontMatter;
use super::parse::LoadedPost;
use crate::markdown::{self, RenderOptions};
use crate::model::sealed::{self, OpenError, Opened, Sealed, SealedParts};
use crate::model::strings::{Strings, S};
use crate::model::{CommentThread, Post};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// The passwords file, at the top of the content folder: never published.
pub const PASSWORDS_FILE: &str = "passwords.toml";

/// Reads `passwords.toml` (`slug = "password"`); none when the file is absent.
pub fn load_passwords(content: &Path) -> Result<BTreeMap<String, String>, Problem> {
    let path = content.join(PASSWORDS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Problem::new(&path, format!("cannot read: {e}"), "")),
    };
    let hint = "write one line per protected post: its-slug = \"its password\"";
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| Problem::new(&path, format!("not valid TOML: {}", e.message()), hint))?;
    table
        .into_iter()
        .map(|(slug, value)| match value {
            toml::Value::String(password) => Ok((slug, password)),
            _ => Err(Problem::new(
                &path,
                format!("the password of {slug} is not a string"),
                hint,
            )),
        })
        .collect()
}

/// The password of the post `slug` read from `path`, when it is protected; an error when it is
/// protected and its password cannot be had.
pub fn password_of(
    path: &Path,
    front: &FrontMatter,
    slug: &str,
    passwords: &BTreeMap<String, String>,
) -> Result<Option<String>, Problem> {
    let from_env = match &front.password_env {
        Some(name) => match std::env::var(name) {
            Ok(value) => Some(value),
            Err(_) => {
                return Err(Problem::new(
                    path,
                    format!("password_env names {name}, which is not set"),
                    format!(
                        "set {name} to the post's password when you build, or remove password_env"
                    ),
                ))
            }
        },
        None => None,
    };
    let found = front
        .password
        .clone()
        .or(from_env)
        .or_else(|| passwords.get(slug).cloned());
    match found {
        Some(password) if password.is_empty() => Err(Problem::new(
            path,
            "the post's password is empty",
            "give it a password, or remove the protection",
        )),
        Some(password) => Ok(Some(password)),
        None if front.protected => Err(Problem::new(
            path,
            "protected: true, but no password was found for it",
            format!("add {slug} = \"its password\" to {PASSWORDS_FILE}, or set password_env; a protected post is never published in clear"),
        )),
        None => Ok(None),
    }
}

/// A key derived from a password, with its salt.
#[derive(Clone)]
struct Key {
    salt: [u8; sealed::SALT_BYTES],
    key: [u8; sealed::KEY_BYTES],
}

/// Keys derived in this process, by password: one salt (and one slow derivation) per password,
/// shared by the posts that use it, and kept while `fieldnotes serve` rebuilds.
fn key_for(password: &str) -> Key {
    static KEYS: OnceLock<Mutex<HashMap<String, Key>>> = OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    if let Some(key) = keys.lock().expect("keys").get(password) {
        return key.clone();
    }
    let mut salt = [0; sealed::SALT_BYTES];
    getrandom::fill(&mut salt).expect("the system's random numbers");
    let key = Key {
        key: derive_key(password, &salt, sealed::KDF_ITERATIONS),
        salt,
    };
    keys.lock()
        .expect("keys")
        .insert(password.to_string(), key.clone());
    key
}

/// PBKDF2-HMAC-SHA256 of the password: the key.
pub fn derive_key(password: &str, salt: &[u8], iterations: u32) -> [u8; sealed::KEY_BYTES] {
    let mut key = [0; sealed::KEY_BYTES];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut key);
    key
}

/// The key's check ([`Sealed::check`]).
fn check(key: &[u8]) -> Vec<u8> {
    let digest = Sha256::new()
        .chain_update(sealed::CHECK_PREFIX)
        .chain_update(key)
        .finalize();
    sealed::check_of(&digest).to_vec()
}

/// Seals `opened` for the post `slug` under `password`.
pub fn seal(slug: &str, opened: &Opened, password: &str) -> Sealed {
    let key = key_for(password);
    let mut nonce = [0; sealed::NONCE_BYTES];
    getrandom::fill(&mut nonce).expect("the system's random numbers");
    let plain = serde_json::to_vec(opened).expect("an opened post is JSON");
    let cipher = Aes256Gcm::new(&key.key.into());
    let data = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &plain,
                aad: slug.as_bytes(),
            },
        )
        .expect("AES-GCM encrypts any text shorter than 64 GB");
    Sealed {
        scheme: sealed::SCHEME.into(),
        iterations: sealed::KDF_ITERATIONS,
        salt: sealed::encode(&key.salt),
        check: sealed::encode(&check(&key.key)),
        nonce: sealed::encode(&nonce),
        data: sealed::encode(&data),
    }
}

/// Opens what [`seal`] sealed, as the browser does: for checks and tests.
pub fn open(sealed: &Sealed, slug: &str, password: &str) -> Result<Opened, OpenError> {
    let parts = sealed.parts()?;
    let key = derive_key(password, &parts.salt, parts.iterations);
    open_with_key(&parts, slug, &key)
}

/// Opens sealed parts with a derived key.
pub fn open_with_key(parts: &SealedParts, slug: &str, key: &[u8]) -> Result<Opened, OpenError> {
    if key.len() != sealed::KEY_BYTES {
        return Err(OpenError::WrongPassword);
    }
    if check(key) != parts.check {
        return Err(OpenError::WrongPassword);
    }
    let nonce: [u8; sealed::NONCE_BYTES] = parts
        .nonce
        .as_slice()
        .try_into()
        .map_err(|_| OpenError::Unreadable)?;
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| OpenError::WrongPassword)?;
    let plain = cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &parts.data,
                aad: slug.as_bytes(),
            },
        )
        .map_err(|_| OpenError::Damaged)?;
    Opened::from_plain(&plain)
}

/// Seals a parsed post: what it protects goes into [`Post::sealed`] with its comments (taken from
/// `comments`), and the fields every other file is made from are emptied.
pub fn seal_post(
    post: &mut Post,
    password: &str,
    (comments, page): (Option<CommentThread>, bool),
    s: Strings,
) {
    let opened = Opened {
        html: std::mem::take(&mut post.html),
        toc: std::mem::take(&mut post.toc),
        summary: std::mem::take(&mut post.summary.summary),
        reading_minutes: std::mem::take(&mut post.summary.reading_minutes),
        comments,
        cover: None,
    };
    post.sealed = Some(seal(&post.summary.slug, &opened, password));
    // In the site's language, as the rest of its interface.
    post.summary.summary = s.get(S::protected_summary).into();
    let note = s.get(if page {
        S::protected_page_note
    } else {
        S::protected_note
    });
    post.html = markdown::render(note, &RenderOptions::default()).html;
    post.text = String::new();
    post.images.clear();
    // Fields Fieldnotes does not know are kept for themes; a protected post's could say anything.
    post.extra.clear();
    post.summary.cover = None;
    post.summary.comments = 0;
    post.summary.protected = true;
}

/// The files of a protected post's photos, under the data folder (each image and its copies):
/// not published, unless a public post or page shows the same file.
pub fn withheld_files(post: &Post) -> Vec<String> {
    let cover = post.summary.cover.iter().map(|c| &c.image);
    post.images
        .values()
        .chain(cover)
        .flat_map(|image| {
            std::iter::once(image.src.clone()).chain(image.variants.iter().map(|v| v.src.clone()))
        })
        .collect()
}

/// Seals the protected posts and pages, each with its comments (taken out of `comments`), and
/// leaves out of `media` the files of their photos that no published post or page shows.
pub fn seal_all(
    posts: &mut [LoadedPost],
    pages: &mut [LoadedPost],
    comments: &mut BTreeMap<String, CommentThread>,
    media: &mut BTreeMap<String, Vec<u8>>,
    s: Strings,
) {
    let shown: HashSet<String> = posts
        .iter()
        .chain(pages.iter())
        .filter(|p| p.password.is_none())
        .flat_map(|p| withheld_files(&p.post))
        .collect();
    for loaded in posts.iter_mut().chain(pages.iter_mut()) {
        let Some(password) = &loaded.password else {
            continue;
        };
        let thread = comments.remove(&loaded.post.summary.slug);
        seal_post(&mut loaded.post, password, (thread, loaded.is_page), s);
        for file in &loaded.withheld {
            if !shown.contains(file) {
                media.remove(file);
            }
        }
    }
}

/// Files of the content folder that hold a password and that git tracks (so whoever reads the
/// repository reads the protected posts): `passwords.toml`, and posts with `password:` in their
/// front matter. None when the folder is not in a git repository or git is not installed.
pub fn tracked_passwords(content: &Path) -> Vec<String> {
    let listed = std::process::Command::new("git")
        .arg("-C")
        .arg(content)
        .args(["ls-files", "-z", "--", "."])
        .stderr(std::process::Stdio::null())
        .output();
    let Some(listed) = listed.ok().filter(|o| o.status.success()) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&listed.stdout)
        .split('\0')
        .filter(|name| !name.is_empty())
        .filter(|name| {
            let path = content.join(name);
            if *name == PASSWORDS_FILE {
                return path.exists();
            }
            let markdown = name.ends_with(".md") || name.ends_with(".markdown");
            markdown
                && std::fs::read_to_string(&path).is_ok_and(|text| {
                    super::front_matter::parse(&path, &text)
                        .is_ok_and(|doc| doc.front.password.is_some())
                })
        })
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened() -> Opened {
        Opened {
            summary: "Two boats met at the ferry landing.".into(),
            reading_minutes: 3,
            ..Opened::default()
        }
    }

    #[test]
    fn a_sealed_post_opens_with_its_password_only() {
        let sealed = seal("ferry", &opened(), "mekong at dawn");
        assert_eq!(sealed.iterations, sealed::KDF_ITERATIONS);
        assert!(!sealed.data.contains("boats"));
        assert_eq!(open(&sealed, "ferry", "mekong at dawn"), Ok(opened()));
        assert_eq!(
            open(&sealed, "ferry", "mekong at dusk"),
            Err(OpenError::WrongPassword)
        );
        // Moved under another post's name, the right key refuses it.
        assert_eq!(
            open(&sealed, "market", "mekong at dawn"),
            Err(OpenError::Damaged)
        );
    }

    #[test]
    fn altered_bytes_are_refused_as_damaged() {
        let mut sealed = seal("ferry", &opened(), "pw");
        let mut data = sealed::decode(&sealed.data).unwrap();
        data[3] ^= 1;
        sealed.data = sealed::encode(&data);
        assert_eq!(open(&sealed, "ferry", "pw"), Err(OpenError::Damaged));
    }

    #[test]
    fn posts_with_one_password_share_a_salt_but_never_a_nonce() {
        let (a, b) = (seal("a", &opened(), "same"), seal("b", &opened(), "same"));
        assert_eq!(a.salt, b.salt);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.salt, seal("c", &opened(), "other").salt);
    }

    #[test]
    fn passwords_come_from_the_front_matter_the_environment_or_the_file() {
        let path = Path::new("posts/a.md");
        let file: BTreeMap<String, String> = [("a".to_string(), "from file".to_string())].into();
        let none = BTreeMap::new();
        let front = |f: fn(&mut FrontMatter)| {
            let mut front = FrontMatter::default();
            f(&mut front);
            front
        };
        let plain = FrontMatter::default();
        assert_eq!(password_of(path, &plain, "a", &none), Ok(None));
        assert_eq!(
            password_of(path, &plain, "a", &file),
            Ok(Some("from file".into())),
            "named in the file: protected"
        );
        let inline = front(|f| f.password = Some(" spaced ".into()));
        assert_eq!(
            password_of(path, &inline, "a", &file),
            Ok(Some(" spaced ".into()))
        );
        let flagged = front(|f| f.protected = true);
        let missing = password_of(path, &flagged, "a", &none).unwrap_err();
        assert!(missing.message.contains("no password"), "{missing:?}");
        let empty = front(|f| f.password = Some(String::new()));
        assert!(password_of(path, &empty, "a", &none).is_err());
        let unset = front(|f| f.password_env = Some("FIELDNOTES_TEST_UNSET_PASSWORD".into()));
        assert!(password_of(path, &unset, "a", &none)
            .unwrap_err()
            .message
            .contains("FIELDNOTES_TEST_UNSET_PASSWORD"));
    }
}
