//! The language picker in the header and on the sign-in pages.

use super::{lang, t, Lang, COOKIE};
use leptos::prelude::*;

/// Remembers `lang` in this browser and renders the page again in it.
pub fn switch_to(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else { return };
        if let Some(doc) =
            window.document().and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let value = format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
            let _ = doc.set_cookie(&value);
        }
        // The server renders the whole page in the new language: nothing is
        // left half-translated and nothing flashes.
        let _ = window.location().reload();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (lang, COOKIE);
}

/// A select of the languages. Signed in, the choice is also saved as the
/// `lina.basic.lang` preference so it follows the person to other browsers.
#[component]
pub fn LangSelect(#[prop(optional)] signed_in: bool) -> impl IntoView {
    let current = lang();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(chosen) = Lang::parse(&event_target_value(&ev)) else { return };
        if !signed_in {
            switch_to(chosen);
            return;
        }
        leptos::task::spawn_local(async move {
            let mut basic = serde_json::Map::new();
            basic.insert("lang".into(), serde_json::Value::String(chosen.code().into()));
            let mut update = serde_json::Map::new();
            update.insert("basic".into(), serde_json::Value::Object(basic));
            // The page changes language even if saving failed (the cookie holds it).
            let _ = crate::preferences::api::save_preferences(
                crate::preferences::model::Category::Lina,
                update,
            )
            .await;
            switch_to(chosen);
        });
    };
    view! {
        <label class="sr-only" for="lang-select">{t("Language")}</label>
        <select id="lang-select" class="theme-select" on:change=on_change title=t("Language")>
            {Lang::ALL.iter().map(|l| view! {
                <option value=l.code() selected=*l == current lang=l.html_tag()>{l.native_name()}</option>
            }).collect_view()}
        </select>
    }
}
