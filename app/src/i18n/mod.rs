//! English and Simplified Chinese.
//!
//! Text is written in English where it is used and looked up in the Chinese
//! catalog (`locales/zh-hans/*.po`, keyed by the English) when the page's
//! language is Chinese, gettext style:
//! - `t("Save")` for fixed text on a page;
//! - `tf("Expires in {time}", &[("time", ..)])` for text with values;
//! - messages made elsewhere (errors, validation) stay English until shown:
//!   `AppError` and `Invalid` translate when displayed, and `translate` does
//!   it for any other finished message. `n_("...")` marks English written
//!   away from any of these so the catalog check finds it.
//!
//! The language comes from the `bp_lang` cookie (set when the person picks
//! one, or from their stored preference after signing in), else from the
//! browser's `Accept-Language`. The server renders in it, so no page flashes
//! in the wrong language; a change reloads the page.

pub mod catalog;
mod select;

pub use select::{switch_to, LangSelect};

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub const COOKIE: &str = "bp_lang";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-hans")]
    ZhHans,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhHans];

    /// The code JumpServer uses (`en`, `zh-hans`): the preference's value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-hans",
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
        }
    }

    /// The language's own name, shown in pickers.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHans => "简体中文",
        }
    }

    /// A code or tag: `en`, `en-US`, `zh-hans`, `zh-CN`, `zh_Hans`, `zh`...
    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase().replace('_', "-");
        if code == "en" || code.starts_with("en-") {
            Some(Lang::En)
        } else if code == "zh" || code.starts_with("zh-") {
            // Traditional Chinese readers are better served by Simplified than English.
            Some(Lang::ZhHans)
        } else {
            None
        }
    }

    /// The first language of an `Accept-Language` header we have, by weight.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let lang = Lang::parse(parts.next()?)?;
                let weight = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (weight > 0.0).then_some((weight, lang))
            })
            .collect();
        // Stable: equal weights keep the header's order.
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|(_, lang)| *lang)
    }

    /// The language a `Cookie` header names (`bp_lang`, or JumpServer's
    /// `django_language`).
    pub fn from_cookie_header(header: &str) -> Option<Lang> {
        let find = |name: &str| {
            header.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == name).then(|| Lang::parse(v)).flatten()
            })
        };
        find(COOKIE).or_else(|| find("django_language"))
    }

    /// What a request asks for: its cookie, else its `Accept-Language`.
    pub fn of_request(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::from_cookie_header)
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    /// The language of the request being served (set by the server's
    /// middleware around every handler).
    pub static REQUEST_LANG: Lang;
}

#[cfg(not(feature = "ssr"))]
thread_local! {
    static PAGE_LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// The language of the page or request at hand; English when none is known.
pub fn lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        // A page being rendered (registered by `shell`), else the request
        // whose handler is running, else the request in the reactive context.
        // The first two take no lock of the reactive owner tree: text is
        // looked up hundreds of times per page.
        if let Some(lang) = render::current() {
            return lang;
        }
        if let Ok(lang) = REQUEST_LANG.try_with(|lang| *lang) {
            return lang;
        }
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Lang>().copied())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        PAGE_LANG.with(std::cell::Cell::get)
    }
}

/// The language of each page the server is rendering, by the render's
/// shared context (one per request, reachable without locks).
#[cfg(feature = "ssr")]
pub mod render {
    use super::Lang;
    use leptos::prelude::Owner;
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    static PAGES: Mutex<BTreeMap<usize, (u64, Lang)>> = Mutex::new(BTreeMap::new());
    static NEXT: AtomicU64 = AtomicU64::new(0);

    fn key() -> Option<usize> {
        Owner::current_shared_context().map(|ctx| Arc::as_ptr(&ctx) as *const () as usize)
    }

    /// Forgets the page's language when its render ends (kept in the
    /// render's context, dropped with it).
    pub struct Registered {
        key: usize,
        generation: u64,
    }

    impl Drop for Registered {
        fn drop(&mut self) {
            if let Ok(mut pages) = PAGES.lock() {
                if pages.get(&self.key).is_some_and(|(g, _)| *g == self.generation) {
                    pages.remove(&self.key);
                }
            }
        }
    }

    /// Remembers `lang` for the page being rendered now.
    pub fn register(lang: Lang) -> Option<Registered> {
        let key = key()?;
        let generation = NEXT.fetch_add(1, Ordering::Relaxed);
        PAGES.lock().ok()?.insert(key, (generation, lang));
        Some(Registered { key, generation })
    }

    pub fn current() -> Option<Lang> {
        let key = key()?;
        PAGES.lock().ok()?.get(&key).map(|(_, lang)| *lang)
    }
}

/// The browser's page language, read once from `<html lang>` before hydrating.
#[cfg(not(feature = "ssr"))]
pub fn set_page_lang(lang: Lang) {
    PAGE_LANG.with(|cell| cell.set(lang));
}

/// Fixed English text in the page's language.
pub fn t(english: &'static str) -> &'static str {
    tr(lang(), english)
}

/// Fixed English text in `lang`.
pub fn tr(lang: Lang, english: &'static str) -> &'static str {
    match lang {
        Lang::En => english,
        Lang::ZhHans => catalog::Catalog::get().exact(english).unwrap_or(english),
    }
}

/// Whether the catalog translates `english`: text without an entry is a
/// name (a terminal theme, a font) and is marked `translate="no"`.
pub fn has_translation(english: &str) -> bool {
    catalog::Catalog::get().exact(english).is_some()
}

/// English text with `{name}` placeholders, translated, then filled in.
pub fn tf<S: AsRef<str>>(english: &'static str, values: &[(&str, S)]) -> String {
    tfr(lang(), english, values)
}

/// `tf` in a given language (emails go out in the recipient's).
pub fn tfr<S: AsRef<str>>(lang: Lang, english: &'static str, values: &[(&str, S)]) -> String {
    catalog::fill(tr(lang, english), values)
}

/// A finished English message (an error, a validation result) in `lang`: the
/// catalog's entry for it, or for the template it was made from.
pub fn translate(lang: Lang, english: &str) -> Cow<'_, str> {
    match lang {
        Lang::En => Cow::Borrowed(english),
        Lang::ZhHans => match catalog::Catalog::get().message(english) {
            Some(chinese) => Cow::Owned(chinese),
            None => Cow::Borrowed(english),
        },
    }
}

/// `translate` into the page's language.
pub fn localize(english: &str) -> Cow<'_, str> {
    translate(lang(), english)
}

/// Marks English that is translated later, where it is shown (gettext's
/// `N_`): it returns its argument unchanged.
pub const fn n_(english: &'static str) -> &'static str {
    english
}

/// A count with thousands grouped as the language writes them.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
