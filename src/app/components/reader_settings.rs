//! Reader comfort: theme, text size, line width and line spacing, kept in this browser only.
//!
//! Each choice is a `data-*` attribute on `<html>` that the stylesheet reads, saved in
//! `localStorage` under `fieldnotes:{name}`. A few lines of script in the page head apply the saved
//! choices before the first paint, so a dark-theme reader never sees a white flash.

use crate::app::words::t;
use crate::model::strings::{Text, S};
use leptos::prelude::*;

/// One setting: its attribute name, what the reader sees, its choices and the default.
struct Setting {
    name: &'static str,
    legend: Text,
    choices: &'static [(&'static str, Text)],
    default: &'static str,
}

const SETTINGS: [Setting; 4] = [
    Setting {
        name: "theme",
        legend: S::theme,
        choices: &[
            ("system", S::theme_system),
            ("light", S::theme_light),
            ("dark", S::theme_dark),
        ],
        default: "system",
    },
    Setting {
        name: "size",
        legend: S::text_size,
        choices: &[
            ("s", S::size_small),
            ("m", S::size_medium),
            ("l", S::size_large),
            ("xl", S::size_largest),
        ],
        default: "m",
    },
    Setting {
        name: "width",
        legend: S::line_width,
        choices: &[
            ("narrow", S::width_narrow),
            ("medium", S::width_medium),
            ("wide", S::width_wide),
        ],
        default: "medium",
    },
    Setting {
        name: "spacing",
        legend: S::line_spacing,
        choices: &[
            ("tight", S::spacing_tight),
            ("normal", S::spacing_normal),
            ("loose", S::spacing_loose),
        ],
        default: "normal",
    },
];

fn storage() -> Option<web_sys::Storage> {
    // Storage can be refused (private modes, blocked cookies): settings then last for the visit.
    window().local_storage().ok().flatten()
}

/// The current value of a setting, as the page head's script or an earlier choice left it.
fn current(setting: &Setting) -> &'static str {
    let set = document()
        .document_element()
        .and_then(|html| html.get_attribute(&format!("data-{}", setting.name)));
    setting
        .choices
        .iter()
        .map(|(value, _)| *value)
        .find(|value| set.as_deref() == Some(*value))
        .unwrap_or(setting.default)
}

/// Applies a choice to the page and remembers it; the default leaves no trace.
fn choose(setting: &Setting, value: &str) {
    let attribute = format!("data-{}", setting.name);
    let key = format!("fieldnotes:{}", setting.name);
    let is_default = value == setting.default;
    if let Some(html) = document().document_element() {
        let _ = if is_default {
            html.remove_attribute(&attribute)
        } else {
            html.set_attribute(&attribute, value)
        };
    }
    if let Some(storage) = storage() {
        let _ = if is_default {
            storage.remove_item(&key)
        } else {
            storage.set_item(&key, value)
        };
    }
}

/// The "Display" menu in the header.
#[component]
pub fn ReaderSettings() -> impl IntoView {
    // Bumped by "Reset" so every group redraws with its default checked.
    let reset = RwSignal::new(0u32);
    let groups = move || {
        reset.track();
        SETTINGS
            .iter()
            .map(|setting| {
                let now = current(setting);
                let choices = setting
                    .choices
                    .iter()
                    .map(|(value, label)| {
                        let group = format!("fieldnotes-{}", setting.name);
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name=group
                                    value=*value
                                    checked=*value == now
                                    on:change=move |_| choose(setting, value)
                                />
                                {t(*label)}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset>
                        <legend>{t(setting.legend)}</legend>
                        {choices}
                    </fieldset>
                }
            })
            .collect_view()
    };
    let reset_all = move |_| {
        for setting in &SETTINGS {
            choose(setting, setting.default);
        }
        reset.update(|n| *n += 1);
    };
    view! {
        <details class="reader-settings">
            <summary>{t(S::display)}</summary>
            <div class="settings-panel">
                {groups}
                <button type="button" on:click=reset_all>{t(S::reset_display)}</button>
            </div>
        </details>
    }
}
