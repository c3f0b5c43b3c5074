//! Reader comfort: theme, text size, line width and line spacing, kept in this browser only.
//!
//! Each choice is a `data-*` attribute on `<html>` that the stylesheet reads, saved in
//! `localStorage` under `fieldnotes:{name}`. A few lines of script in the page head apply the saved
//! choices before the first paint, so a dark-theme reader never sees a white flash.

use leptos::prelude::*;

/// One setting: its attribute name, what the reader sees, its choices and the default.
struct Setting {
    name: &'static str,
    legend: &'static str,
    choices: &'static [(&'static str, &'static str)],
    default: &'static str,
}

const SETTINGS: [Setting; 4] = [
    Setting {
        name: "theme",
        legend: "Theme",
        choices: &[("system", "System"), ("light", "Light"), ("dark", "Dark")],
        default: "system",
    },
    Setting {
        name: "size",
        legend: "Text size",
        choices: &[
            ("s", "Small"),
            ("m", "Medium"),
            ("l", "Large"),
            ("xl", "Largest"),
        ],
        default: "m",
    },
    Setting {
        name: "width",
        legend: "Line width",
        choices: &[("narrow", "Narrow"), ("medium", "Medium"), ("wide", "Wide")],
        default: "medium",
    },
    Setting {
        name: "spacing",
        legend: "Line spacing",
        choices: &[("tight", "Tight"), ("normal", "Normal"), ("loose", "Loose")],
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
                                {*label}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset>
                        <legend>{setting.legend}</legend>
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
            <summary>"Display"</summary>
            <div class="settings-panel">
                {groups}
                <button type="button" on:click=reset_all>"Reset to defaults"</button>
            </div>
        </details>
    }
}
