//! A protected post, opened in the browser: the password form, the key derived by the browser's
//! own WebCrypto (PBKDF2, then AES-GCM: no crypto code of ours in the WASM), the post decrypted
//! and drawn like any other. In the `protected` chunk (`src/app/split.rs`): a reader fetches it
//! only when a protected post is opened.
//!
//! A key the reader chose to keep is stored by its salt ([`crate::model::Sealed::salt`]): in this
//! tab's session storage always (the next protected post with the same password opens directly),
//! and in local storage too when "keep" is ticked. A new build seals with new salts, so a kept key
//! opens the posts of the build it was made for.

use crate::app::data::SiteData;
use crate::app::words::t;
use crate::model::sealed::{self, OpenError, Opened, SealedParts};
use crate::model::strings::S;
use crate::model::Sealed;
use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The form, then the post once it is open.
#[component]
pub fn ProtectedPost(
    site: Arc<SiteData>,
    slug: String,
    sealed: Sealed,
    highlight: Vec<String>,
    /// A standalone page, not a post: the prompt says so.
    page: bool,
) -> impl IntoView {
    let parts = match sealed.parts() {
        Ok(parts) => Arc::new(parts),
        Err(why) => {
            return view! { <p class="protected-error" role="alert">{why.message()}</p> }.into_any()
        }
    };
    let state = Opening {
        opened: RwSignal::new(None),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    // A key this browser kept for the post's password opens it at once.
    if let Some(key) = kept_key(&sealed.salt) {
        let (parts, slug, salt) = (parts.clone(), slug.clone(), sealed.salt.clone());
        state.busy.set(true);
        leptos::task::spawn_local(async move {
            match open_with_key(&parts, &slug, &key).await {
                Ok(found) => state.opened.set(Some(found)),
                Err(_) => forget_key(&salt),
            }
            state.busy.set(false);
        });
    }
    let prompt = t(if page {
        S::protected_page_prompt
    } else {
        S::protected_prompt
    });
    let form = password_form(state, parts, (slug.clone(), sealed.salt.clone()), prompt);
    let form = StoredValue::new_local(Some(form.into_any()));
    (move || match state.opened.get() {
        Some(found) => {
            let comments = crate::app::split::comments(
                site.clone(),
                slug.clone(),
                super::Published::Known(found.comments),
            );
            view! {
                {crate::app::pages::post_text(found.toc, found.html, highlight.clone())}
                {comments}
            }
            .into_any()
        }
        None => form
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(|| ().into_any()),
    })
    .into_any()
}

/// Where opening a post stands: the post once open, what went wrong, and whether a key is being
/// derived or tried.
#[derive(Clone, Copy)]
struct Opening {
    opened: RwSignal<Option<Opened>>,
    error: RwSignal<Option<&'static str>>,
    busy: RwSignal<bool>,
}

/// The labelled password field, "keep the key" and the message of a failed try. A wrong
/// password keeps the field, its text selected for typing again; nothing reloads.
fn password_form(
    state: Opening,
    parts: Arc<SealedParts>,
    (slug, salt): (String, String),
    prompt: &'static str,
) -> impl IntoView {
    let Opening {
        opened,
        error,
        busy,
    } = state;
    let password = NodeRef::<leptos::html::Input>::new();
    let keep = NodeRef::<leptos::html::Input>::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = password.get().map(|i| i.value()).unwrap_or_default();
        let kept = keep.get().is_some_and(|i| i.checked());
        if typed.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (parts, slug, salt) = (parts.clone(), slug.clone(), salt.clone());
        leptos::task::spawn_local(async move {
            match open_with_password(&parts, &slug, &typed).await {
                Ok((found, key)) => {
                    keep_key(&salt, &key, kept);
                    opened.set(Some(found));
                }
                Err(why) => {
                    error.set(Some(why.message()));
                    if let Some(input) = password.get_untracked() {
                        input.select();
                        let _ = input.focus();
                    }
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="protected" on:submit=submit aria-busy=move || busy.get().to_string()>
            <p id="protected-prompt">{prompt}</p>
            <p class="protected-field">
                <label for="protected-password">{t(S::password)}</label>
                <input id="protected-password" node_ref=password type="password" required
                    autocomplete="current-password"
                    aria-describedby="protected-prompt protected-error"
                    aria-invalid=move || error.get().is_some().to_string()/>
                <button type="submit" disabled=move || busy.get()>
                    {move || t(if busy.get() { S::opening } else { S::open })}
                </button>
            </p>
            <p class="protected-keep">
                <input id="protected-keep" node_ref=keep type="checkbox"/>
                <label for="protected-keep">{t(S::keep_key)}</label>
            </p>
            <p id="protected-error" class="protected-error" role="alert">{move || error.get()}</p>
        </form>
    }
}

/// The browser's WebCrypto, when the page has it (a secure context: https, or this machine).
fn subtle() -> Option<web_sys::SubtleCrypto> {
    window().crypto().ok().map(|c| c.subtle())
}

/// Waits for a WebCrypto promise.
async fn settle(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

/// The bytes of an `ArrayBuffer`.
fn bytes_of(buffer: &JsValue) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}

/// Derives the key from `password` as the builder did, then opens the post with it.
async fn open_with_password(
    parts: &SealedParts,
    slug: &str,
    password: &str,
) -> Result<(Opened, Vec<u8>), OpenError> {
    let key = derive_key(parts, password)
        .await
        .map_err(|_| OpenError::Unreadable)?;
    let opened = open_with_key(parts, slug, &key).await?;
    Ok((opened, key))
}

/// PBKDF2-HMAC-SHA256 of the password with the post's salt and rounds: the raw key.
async fn derive_key(parts: &SealedParts, password: &str) -> Result<Vec<u8>, JsValue> {
    let subtle = subtle().ok_or(JsValue::NULL)?;
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let typed = Uint8Array::from(password.as_bytes());
    let base = settle(subtle.import_key_with_str("raw", &typed, "PBKDF2", false, &usages)).await?;
    let salt = Uint8Array::from(parts.salt.as_slice());
    let params = web_sys::Pbkdf2Params::new(
        "PBKDF2",
        &JsValue::from_str("SHA-256"),
        parts.iterations,
        &salt,
    );
    let bits = settle(subtle.derive_bits_with_object(
        &params,
        base.unchecked_ref(),
        (sealed::KEY_BYTES * 8) as u32,
    ))
    .await?;
    Ok(bytes_of(&bits))
}

/// Opens the post with a raw key: [`OpenError::WrongPassword`] when the key's check differs,
/// [`OpenError::Damaged`] when the cipher refuses the bytes or they are not a post.
async fn open_with_key(parts: &SealedParts, slug: &str, key: &[u8]) -> Result<Opened, OpenError> {
    let subtle = subtle().ok_or(OpenError::Unreadable)?;
    let mut checked = sealed::CHECK_PREFIX.to_vec();
    checked.extend_from_slice(key);
    let digest = settle(subtle.digest_with_str_and_u8_array("SHA-256", &checked))
        .await
        .map_err(|_| OpenError::Unreadable)?;
    if sealed::check_of(&bytes_of(&digest)) != parts.check.as_slice() {
        return Err(OpenError::WrongPassword);
    }
    let usages = Array::of1(&JsValue::from_str("decrypt"));
    let raw = Uint8Array::from(key);
    let aes = settle(subtle.import_key_with_str("raw", &raw, "AES-GCM", false, &usages))
        .await
        .map_err(|_| OpenError::WrongPassword)?;
    let params = web_sys::AesGcmParams::new("AES-GCM", &Uint8Array::from(parts.nonce.as_slice()));
    params.set_additional_data_u8_array(&Uint8Array::from(slug.as_bytes()));
    let plain =
        settle(subtle.decrypt_with_object_and_u8_array(&params, aes.unchecked_ref(), &parts.data))
            .await
            .map_err(|_| OpenError::Damaged)?;
    read_opened(&bytes_of(&plain))
}

/// The decrypted bytes as an [`Opened`], read as the app reads every file (the browser's
/// `JSON.parse`, then the model's type): no JSON parser of our own in the WASM.
fn read_opened(bytes: &[u8]) -> Result<Opened, OpenError> {
    let text = std::str::from_utf8(bytes).map_err(|_| OpenError::Damaged)?;
    let value = js_sys::JSON::parse(text).map_err(|_| OpenError::Damaged)?;
    serde_wasm_bindgen::from_value(value).map_err(|_| OpenError::Damaged)
}

/// Where a kept key is stored, by the salt it was derived with.
fn key_name(salt: &str) -> String {
    format!("fieldnotes:key:{salt}")
}

/// A key kept for `salt`: this session's, else one kept after the browser was closed.
fn kept_key(salt: &str) -> Option<Vec<u8>> {
    let name = key_name(salt);
    [window().session_storage(), window().local_storage()]
        .into_iter()
        .filter_map(|s| s.ok().flatten())
        .find_map(|s| s.get_item(&name).ok().flatten())
        .and_then(|text| sealed::decode(&text))
}

/// Keeps the key for this session, and after the browser is closed when the reader asked.
fn keep_key(salt: &str, key: &[u8], for_good: bool) {
    let (name, text) = (key_name(salt), sealed::encode(key));
    if let Ok(Some(session)) = window().session_storage() {
        let _ = session.set_item(&name, &text);
    }
    if for_good {
        if let Ok(Some(local)) = window().local_storage() {
            let _ = local.set_item(&name, &text);
        }
    }
}

/// Forgets a kept key that no longer opens the post.
fn forget_key(salt: &str) {
    let name = key_name(salt);
    for storage in [window().session_storage(), window().local_storage()] {
        if let Ok(Some(storage)) = storage {
            let _ = storage.remove_item(&name);
        }
    }
}
