//! Small building blocks shared by the pages: a labelled field with its error
//! beside it, a message banner, and the pieces the tables share.

use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;

/// A text input with a visible label, optional help text and the error for
/// this field right under it (announced to screen readers).
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    node_ref: NodeRef<html::Input>,
    #[prop(into, optional)] value: String,
    #[prop(into, default = "text".into())] kind: String,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(into, optional)] help: Option<String>,
    #[prop(into, optional)] placeholder: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let err_id = format!("{id}-error");
    let help_id = format!("{id}-help");
    let described_by = {
        let err_id = err_id.clone();
        let help_id = help_id.clone();
        let has_help = help.is_some();
        move || {
            let mut ids = Vec::new();
            if has_help {
                ids.push(help_id.clone());
            }
            if error.get().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                node_ref=node_ref
                autocomplete=autocomplete
                placeholder=placeholder
                required=required
                autofocus=autofocus
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {help.map(|h| view! { <p class="help" id=help_id>{h}</p> })}
            <p class="field-error" id=err_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A banner for a whole-form message.
#[component]
pub fn Banner(#[prop(into)] kind: String, children: Children) -> impl IntoView {
    // Errors interrupt (alert); everything else is announced politely (status).
    let role = if kind == "error" { "alert" } else { "status" };
    view! { <div class=format!("banner banner-{kind}") role=role>{children()}</div> }
}

/// "Active" or "Disabled", as a coloured pill in a table row.
#[component]
pub fn ActivePill(active: bool) -> impl IntoView {
    view! {
        <span class=if active { "pill pill-ok" } else { "pill pill-off" }>
            {if active { t("Active") } else { t("Disabled") }}
        </span>
    }
}

/// The value of an input, or empty when the element is not mounted.
pub fn input_value(node: &NodeRef<html::Input>) -> String {
    node.get_untracked().map(|el| el.value()).unwrap_or_default()
}

/// "1-20 of 45" with Previous and Next, under a paged table.
#[component]
pub fn Pager(
    #[prop(into)] summary: String,
    has_prev: bool,
    has_next: bool,
    on_prev: Callback<()>,
    on_next: Callback<()>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=t("Pages")>
            <span>{summary}</span>
            <button class="btn btn-small" disabled=!has_prev on:click=move |_| on_prev.run(())>{t("Previous")}</button>
            <button class="btn btn-small" disabled=!has_next on:click=move |_| on_next.run(())>{t("Next")}</button>
        </nav>
    }
}

/// Puts `text` on the clipboard (no-op on the server).
pub fn copy_to_clipboard(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// Opens the browser's print dialog.
pub fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// "21-40 of 1,234": where a page of a list is, numbers written the
/// language's way.
pub fn page_summary(first: u64, last: u64, total: u64) -> String {
    let n = |v: u64| crate::i18n::number(i64::try_from(v).unwrap_or(i64::MAX));
    crate::i18n::tf(
        "{first}-{last} of {total}",
        &[("first", n(first)), ("last", n(last)), ("total", n(total))],
    )
}

/// A button that copies `text` and says so for a moment.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    // The label says what it copies ("Copy ID"); it is also the accessible name.
    view! {
        <button type="button" class="btn btn-small"
            on:click=move |_| { copy_to_clipboard(&text.get_untracked()); copied.set(true); }>
            {move || if copied.get() { t("Copied").to_owned() } else { label.clone() }}
        </button>
    }
}

/// Percent-encodes a value for a URL query string.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Sends the browser to `path` with a full page load, so every part of the
/// page starts again from the new session state.
pub fn hard_navigate(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// A modal question before a destructive or far-reaching action. Escape or
/// "Cancel" closes it; focus starts on "Cancel" so Enter never confirms by
/// accident.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] confirm_label: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    children: Children,
) -> impl IntoView {
    let cancel_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_ref.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="modal-backdrop"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { on_cancel.run(()) }>
            <div class="modal" on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev) role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
                <h2 id="confirm-title">{title}</h2>
                {children()}
                <div class="form-actions">
                    <button type="button" class="btn" node_ref=cancel_ref on:click=move |_| on_cancel.run(())>{t("Cancel")}</button>
                    <button type="button" class="btn btn-danger" on:click=move |_| on_confirm.run(())>{confirm_label}</button>
                </div>
            </div>
        </div>
    }
}

/// Hands `text` to the browser as a file download named `file_name`
/// (no-op on the server). Nothing is fetched: the data travels in the link.
pub fn download_text(file_name: &str, text: &str) {
    download_url(file_name, &format!("data:application/octet-stream,{}", encode_query_value(text)));
}

/// Hands base64-encoded bytes to the browser as a file download.
pub fn download_base64(file_name: &str, mime: &str, base64: &str) {
    download_url(file_name, &format!("data:{mime};base64,{base64}"));
}

fn download_url(file_name: &str, href: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = document.body() else {
            return;
        };
        let Ok(link) = document.create_element("a") else {
            return;
        };
        let _ = link.set_attribute("href", href);
        let _ = link.set_attribute("download", file_name);
        let _ = link.set_attribute("hidden", "");
        let _ = body.append_child(&link);
        if let Ok(link) = link.clone().dyn_into::<web_sys::HtmlElement>() {
            link.click();
        }
        link.remove();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (file_name, href);
}

/// Keeps Tab and Shift+Tab inside a modal dialog (attach it to the dialog's
/// `keydown`): from the last control Tab goes to the first, and back.
pub fn trap_focus(ev: &leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if ev.key() != "Tab" {
            return;
        }
        let Some(dialog) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let focusable =
            "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
        let Ok(list) = dialog.query_selector_all(focusable) else {
            return;
        };
        let count = list.length();
        if count == 0 {
            return;
        }
        let (first, last) = (list.item(0), list.item(count - 1));
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        let is_active = |node: &Option<web_sys::Node>| match (node, &active) {
            (Some(node), Some(active)) => node.is_same_node(Some(active.as_ref())),
            _ => false,
        };
        let wrap_to = if ev.shift_key() && is_active(&first) {
            last
        } else if !ev.shift_key() && is_active(&last) {
            first
        } else {
            None
        };
        if let Some(el) = wrap_to.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            ev.prevent_default();
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}
