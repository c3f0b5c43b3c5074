//! "Leave a Reply": the form under a post when the site takes comments. Name, email (optional,
//! never published), website, the comment and a Preview drawn by the same safe renderer as the
//! published thread. What the reader sends is kept in the browser first ([`outbox`]), so it is
//! never lost; the answer is announced (`role="status"`, or `role="alert"` with the field at fault
//! marked and focused). "Remember me" keeps name, email and website in this browser only, and
//! only when ticked.

use super::CommentBody;
use crate::app::outbox;
use crate::app::words::{self, t};
use crate::model::outgoing::{Answer, Outgoing, State};
use crate::model::strings::S;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The comment the form answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    pub id: String,
    pub author: String,
}

/// Where "remember me" keeps the reader's details (this browser only).
const REMEMBER_KEY: &str = "fieldnotes:commenter";
/// The longest comment the server takes, in characters.
const MAX_BODY: u32 = 8000;

/// The ids of the form's fields: the server's name for each ([`Answer::Refused`]) with `comment-`.
fn field_id(field: &str) -> String {
    format!("comment-{field}")
}

/// Moves the focus to the comment text (after "Reply").
pub fn focus_text() {
    if let Some(el) = document().get_element_by_id(&field_id("body")) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Name, email and website remembered from an earlier visit, if the reader asked for that.
fn remembered() -> Option<[String; 3]> {
    let text = storage()?.get_item(REMEMBER_KEY).ok()??;
    let value = js_sys::JSON::parse(&text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

fn remember(details: Option<[String; 3]>) {
    let Some(storage) = storage() else { return };
    match details.and_then(|d| serde_wasm_bindgen::to_value(&d).ok()) {
        Some(value) => {
            if let Some(text) = js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|t| t.as_string())
            {
                let _ = storage.set_item(REMEMBER_KEY, &text);
            }
        }
        None => {
            let _ = storage.remove_item(REMEMBER_KEY);
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The form's text fields, as signals.
#[derive(Clone, Copy)]
struct Fields {
    author: RwSignal<String>,
    email: RwSignal<String>,
    website: RwSignal<String>,
    body: RwSignal<String>,
    hp: RwSignal<String>,
    remember: RwSignal<bool>,
}

impl Fields {
    fn new() -> Fields {
        let saved = remembered();
        let [author, email, website] = saved.clone().unwrap_or_default();
        Fields {
            author: RwSignal::new(author),
            email: RwSignal::new(email),
            website: RwSignal::new(website),
            body: RwSignal::new(String::new()),
            hp: RwSignal::new(String::new()),
            remember: RwSignal::new(saved.is_some()),
        }
    }

    /// The comment as written, for `post` under `parent`.
    fn comment(&self, endpoint: &str, post: &str, parent: Option<String>) -> Outgoing {
        let given = |s: RwSignal<String>| {
            let text = s.get_untracked().trim().to_string();
            (!text.is_empty()).then_some(text)
        };
        Outgoing {
            client_key: outbox::new_client_key(),
            endpoint: endpoint.to_string(),
            post: post.to_string(),
            parent,
            author: self.author.get_untracked().trim().to_string(),
            email: given(self.email),
            website: given(self.website),
            body: self.body.get_untracked().trim().to_string(),
            written: String::from(js_sys::Date::new_0().to_iso_string()),
            state: State::Queued,
            id: None,
            error: None,
            hp: self.hp.get_untracked(),
        }
    }
}

/// What the form says after sending.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Said {
    Nothing,
    Sending,
    Done(&'static str),
    Refused {
        field: Option<String>,
        message: String,
    },
}

/// The form under the post `post`, sending to `endpoint`, answering `reply_to` when set.
#[component]
pub fn CommentForm(
    endpoint: String,
    post: String,
    reply_to: RwSignal<Option<ReplyTo>>,
) -> impl IntoView {
    let fields = Fields::new();
    let said = RwSignal::new(Said::Nothing);
    let previewing = RwSignal::new(false);
    let endpoint_for_token = endpoint.clone();
    // The server wants its form token a few seconds old: fetched when the reader starts writing.
    // A reader who starts a comment may preview it: the renderer starts loading now.
    let on_focus = move |_| {
        outbox::prepare_token(endpoint_for_token.clone());
        crate::app::pieces::prefetch_markdown();
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if said.get_untracked() == Said::Sending {
            return;
        }
        let parent = reply_to.get_untracked().map(|r| r.id);
        let comment = fields.comment(&endpoint, &post, parent);
        remember(fields.remember.get_untracked().then(|| {
            [
                comment.author.clone(),
                comment.email.clone().unwrap_or_default(),
                comment.website.clone().unwrap_or_default(),
            ]
        }));
        said.set(Said::Sending);
        leptos::task::spawn_local(async move {
            let answer = outbox::submit(comment).await;
            // The reader may have left the post meanwhile: the comment is kept all the same.
            if !said.is_disposed() {
                said.set(after_send(answer, fields, reply_to, previewing));
            }
        });
    };
    let heading = move || match reply_to.get() {
        Some(to) => words::s().fill(S::reply_to, &[("name", &to.author)]),
        None => t(S::leave_a_reply).to_string(),
    };
    let cancel = move || {
        reply_to.get().map(|_| {
            view! {
                <button type="button" class="comment-cancel" on:click=move |_| reply_to.set(None)>
                    {t(S::cancel_reply)}
                </button>
            }
        })
    };
    let (body_invalid, body_described) = at_fault(said, "body");
    let preview = move || {
        previewing.get().then(|| {
            let text = fields.body.get();
            let body = if text.trim().is_empty() {
                view! { <p class="comment-preview-empty">{t(S::nothing_to_preview)}</p> }.into_any()
            } else {
                view! { <CommentBody markdown=text/> }.into_any()
            };
            view! {
                <div class="comment-preview" id="comment-preview" aria-label=t(S::preview)>{body}</div>
            }
        })
    };
    let form = NodeRef::<leptos::html::Form>::new();
    form.on_load(|form| crate::app::pieces::load_markdown_when_seen(&form));
    view! {
        <form class="comment-form" node_ref=form aria-labelledby="comment-form-heading" on:submit=on_submit
            on:focusin=on_focus>
            <h3 id="comment-form-heading">{heading}" "{cancel}</h3>
            <p class="comment-note">{t(S::comment_note)}</p>
            <div class="field">
                <label for=field_id("body")>{t(S::comment)}</label>
                <textarea id=field_id("body") name="comment" rows="6" required maxlength=MAX_BODY
                    aria-invalid=body_invalid aria-describedby=body_described
                    prop:value=move || fields.body.get()
                    on:input=move |ev| fields.body.set(event_target_value(&ev))></textarea>
            </div>
            {preview}
            {text_field("author", t(S::name), ("text", "name", 80), true, fields.author, said)}
            {text_field("email", t(S::email), ("email", "email", 254), false, fields.email, said)}
            {text_field("website", t(S::website), ("url", "url", 200), false, fields.website, said)}
            <div class="comment-hp" aria-hidden="true">
                <label for="comment-hp">{t(S::leave_empty)}</label>
                <input id="comment-hp" name="hp" type="text" tabindex="-1" autocomplete="off"
                    prop:value=move || fields.hp.get()
                    on:input=move |ev| fields.hp.set(event_target_value(&ev))/>
            </div>
            <div class="comment-remember">
                <input id="comment-remember" type="checkbox"
                    prop:checked=move || fields.remember.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        fields.remember.set(on);
                        if !on {
                            remember(None);
                        }
                    }/>
                <label for="comment-remember">{t(S::remember_me)}</label>
            </div>
            <div class="comment-actions">
                <button type="button" aria-pressed=move || previewing.get().to_string()
                    aria-controls="comment-preview"
                    on:click=move |_| previewing.update(|p| *p = !*p)>{t(S::preview)}</button>
                <button type="submit" disabled=move || said.get() == Said::Sending>{t(S::post_comment)}</button>
            </div>
            <p class="comment-status" role="status">{move || status_text(&said.get())}</p>
            <p class="comment-error" id="comment-error" role="alert">{move || error_text(&said.get())}</p>
        </form>
    }
}

/// Whether the server refused the comment for `field`: then `aria-invalid` and the error's id.
fn at_fault(
    said: RwSignal<Said>,
    field: &'static str,
) -> (Signal<Option<&'static str>>, Signal<Option<&'static str>>) {
    let faulty = move || matches!(said.get(), Said::Refused { field: Some(f), .. } if f == field);
    (
        Signal::derive(move || faulty().then_some("true")),
        Signal::derive(move || faulty().then_some("comment-error")),
    )
}

/// One labelled input bound to `value`: `kind`, `autocomplete` and the longest value the server
/// takes.
fn text_field(
    field: &'static str,
    label: &'static str,
    (kind, autocomplete, max): (&'static str, &'static str, u32),
    required: bool,
    value: RwSignal<String>,
    said: RwSignal<Said>,
) -> impl IntoView {
    let (invalid, described) = at_fault(said, field);
    view! {
        <div class="field">
            <label for=field_id(field)>{label}</label>
            <input id=field_id(field) name=field type=kind autocomplete=autocomplete maxlength=max
                required=required aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// What the form shows and does once the server answered (or could not be reached).
fn after_send(
    answer: Answer,
    fields: Fields,
    reply_to: RwSignal<Option<ReplyTo>>,
    previewing: RwSignal<bool>,
) -> Said {
    let sent = |message| {
        fields.body.set(String::new());
        reply_to.set(None);
        previewing.set(false);
        Said::Done(message)
    };
    match answer {
        Answer::Accepted { .. } => sent(t(S::awaiting_moderation)),
        Answer::Refused { field, message } => {
            let target = field.as_deref().map_or("body", |f| f);
            if let Some(el) = document().get_element_by_id(&field_id(target)) {
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
            Said::Refused { field, message }
        }
        // Kept and sent later either way; but a reader whose browser is online is not offline:
        // the server is down or turned the page away.
        _ if window().navigator().on_line() => sent(t(S::not_delivered)),
        _ => sent(t(S::saved_until_online)),
    }
}

fn status_text(said: &Said) -> &'static str {
    match said {
        Said::Sending => t(S::sending),
        Said::Done(message) => message,
        _ => "",
    }
}

fn error_text(said: &Said) -> String {
    match said {
        Said::Refused { message, .. } => words::s().fill(S::not_sent, &[("reason", message)]),
        _ => String::new(),
    }
}
