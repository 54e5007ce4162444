//! Light, dark or the system's theme. The choice lives in a cookie, so the
//! server renders `<html data-theme>` with the first byte and no page
//! flashes in the wrong colours; a signed-in person's choice is also kept as
//! the `lina.basic.theme` preference and follows them to a new browser.

use crate::i18n::t;
use leptos::prelude::*;

pub const COOKIE: &str = "bp_theme";

/// `light` or `dark` from a `Cookie` header; `None` follows the system.
pub fn from_cookie_header(header: &str) -> Option<&'static str> {
    header.split(';').find_map(|pair| match pair.trim().strip_prefix("bp_theme=")? {
        "light" => Some("light"),
        "dark" => Some("dark"),
        _ => None,
    })
}

/// The theme the request asked for (server side).
pub fn requested() -> Option<&'static str> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(from_cookie_header)
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        current_cookie()
    }
}

/// Whether this browser has made a choice (`system` included).
pub fn chosen_here() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .is_some_and(|c| c.split(';').any(|p| p.trim().starts_with("bp_theme=")))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// The theme in `document.cookie` (browser side).
pub fn current_cookie() -> Option<&'static str> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?;
        from_cookie_header(&doc.cookie().ok()?)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Applies `theme` (`system`, `light`, `dark`) to the page now and remembers
/// it in the cookie for the next page.
pub fn apply(theme: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        if let Some(root) = doc.document_element() {
            match theme {
                "light" | "dark" => {
                    let _ = root.set_attribute("data-theme", theme);
                }
                _ => {
                    let _ = root.remove_attribute("data-theme");
                }
            }
        }
        if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
            let theme = if matches!(theme, "light" | "dark") { theme } else { "system" };
            let value = format!("{COOKIE}={theme}; Path=/; Max-Age=31536000; SameSite=Lax");
            let _ = html.set_cookie(&value);
        }
        if let Some(select) = web_sys_select() {
            select.set_value(theme);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = theme;
}

/// The theme picker in the header: applies at once and keeps the choice.
#[component]
pub fn ThemeSelect() -> impl IntoView {
    let initial = requested().unwrap_or("system");
    let save = ServerAction::<crate::preferences::api::SavePreferences>::new();
    // A browser without the cookie takes the person's stored choice.
    Effect::new(move |_| {
        if !chosen_here() {
            leptos::task::spawn_local(async move {
                if let Ok(prefs) = crate::preferences::api::get_preferences(
                    crate::preferences::model::Category::Lina,
                )
                .await
                {
                    // Once fetched, the cookie holds it (even "system").
                    apply(prefs["basic"]["theme"].as_str().unwrap_or("system"));
                }
            });
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        let theme = event_target_value(&ev);
        apply(&theme);
        let mut basic = serde_json::Map::new();
        basic.insert("theme".into(), serde_json::Value::String(theme));
        let mut update = serde_json::Map::new();
        update.insert("basic".into(), serde_json::Value::Object(basic));
        save.dispatch(crate::preferences::api::SavePreferences {
            category: crate::preferences::model::Category::Lina,
            update,
        });
    };
    view! {
        <label class="sr-only" for="theme-select">{t("Theme")}</label>
        <select id="theme-select" class="theme-select" on:change=on_change title=t("Theme")>
            <option value="system" selected=initial == "system">{t("System theme")}</option>
            <option value="light" selected=initial == "light">{t("Light")}</option>
            <option value="dark" selected=initial == "dark">{t("Dark")}</option>
        </select>
    }
}

#[cfg(feature = "hydrate")]
fn web_sys_select() -> Option<web_sys::HtmlSelectElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.get_element_by_id("theme-select")?.dyn_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_names_light_or_dark_or_nothing() {
        assert_eq!(from_cookie_header("a=1; bp_theme=dark; b=2"), Some("dark"));
        assert_eq!(from_cookie_header("bp_theme=light"), Some("light"));
        assert_eq!(from_cookie_header("bp_theme=purple"), None);
        assert_eq!(from_cookie_header(""), None);
    }
}
