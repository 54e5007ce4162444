//! Preferences, as JumpServer stores them: per user, a category (`lina` the
//! web UI, `luna` the web terminal, `koko` the SSH terminal), a group within
//! it (`basic`, `graphics`, `command_line`, `file`) and a named value. Every
//! setting is described once in [`DEFS`]: its type, choices or range and
//! default; the browser and the server validate with the same [`Def::check`].

use crate::common::{AppError, FieldErrors};
use crate::i18n::n_;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Lina,
    Luna,
    Koko,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Lina, Category::Luna, Category::Koko];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Lina => "lina",
            Category::Luna => "luna",
            Category::Koko => "koko",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int {
        min: i64,
        max: i64,
    },
    /// One of the values (value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// Any of the values, each once.
    Multi(&'static [(&'static str, &'static str)]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    List(&'static [&'static str]),
}

impl DefaultValue {
    pub fn value(self) -> Value {
        match self {
            DefaultValue::Bool(b) => Value::Bool(b),
            DefaultValue::Int(n) => Value::from(n),
            DefaultValue::Str(s) => Value::from(s),
            DefaultValue::List(l) => Value::from(l.to_vec()),
        }
    }
}

/// One setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Def {
    pub category: Category,
    pub group: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    pub default: DefaultValue,
    pub label: &'static str,
    pub help: &'static str,
}

impl Def {
    /// The value if it fits this setting, or why not.
    pub fn check(&self, value: &Value) -> Result<Value, String> {
        match self.kind {
            Kind::Bool => {
                value.as_bool().map(Value::Bool).ok_or_else(|| "Choose on or off.".into())
            }
            Kind::Int { min, max } => {
                let n = value
                    .as_i64()
                    .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
                    .ok_or_else(|| format!("Enter a whole number from {min} to {max}."))?;
                if (min..=max).contains(&n) {
                    Ok(Value::from(n))
                } else {
                    Err(format!("Enter a whole number from {min} to {max}."))
                }
            }
            Kind::Choice(choices) => {
                // JumpServer sends some choices as numbers ("0"/0 for smart sizing).
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                if choices.iter().any(|(v, _)| *v == text) {
                    Ok(Value::String(text))
                } else {
                    Err(format!(
                        "Choose one of: {}.",
                        choices.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ")
                    ))
                }
            }
            Kind::Multi(choices) => {
                let items = value.as_array().ok_or_else(|| "Choose from the list.".to_owned())?;
                let mut out: Vec<&str> = Vec::new();
                for item in items {
                    let s = item.as_str().unwrap_or_default();
                    let Some((v, _)) = choices.iter().find(|(v, _)| *v == s) else {
                        return Err(format!("`{s}` is not one of the options."));
                    };
                    if !out.contains(v) {
                        out.push(v);
                    }
                }
                Ok(Value::from(out))
            }
        }
    }
}

const KEYBOARDS: &[(&str, &str)] = &[
    ("en-us-qwerty", n_("English (US)")),
    ("en-gb-qwerty", n_("English (UK)")),
    ("ja-jp-qwerty", n_("Japanese")),
    ("fr-fr-azerty", n_("French")),
    ("fr-ch-qwertz", n_("French (Switzerland)")),
    ("fr-be-azerty", n_("French (Belgium)")),
    ("fr-ca-qwerty", n_("French (Canada)")),
    ("tr-tr-qwerty", n_("Turkish")),
    ("es-es-qwerty", n_("Spanish")),
    ("es-latam-qwerty", n_("Spanish (Latin America)")),
    ("de-de-qwertz", n_("German")),
    ("de-ch-qwertz", n_("German (Switzerland)")),
    ("sv-se-qwerty", n_("Swedish")),
    ("it-it-qwerty", n_("Italian")),
    ("pt-pt-qwerty", n_("Portuguese")),
    ("pt-br-qwerty", n_("Portuguese (Brazil)")),
    ("pl-pl-qwerty", n_("Polish")),
    ("hu-hu-qwertz", n_("Hungarian")),
    ("no-no-qwerty", n_("Norwegian")),
    ("ro-ro-qwerty", n_("Romanian")),
    ("da-dk-qwerty", n_("Danish")),
];

const CONFLICT: &[(&str, &str)] =
    &[("replace", n_("Replace the existing file")), ("suffix", n_("Keep both (add a suffix)"))];

/// Every preference, in the order the page shows them.
pub const DEFS: &[Def] = &[
    Def { category: Category::Lina, group: "basic", name: "lang", kind: Kind::Choice(&[("en", "English"), ("zh-hans", "简体中文")]),
        default: DefaultValue::Str("en"), label: "Language", help: "The language of pages and emails." },
    Def { category: Category::Lina, group: "basic", name: "theme", kind: Kind::Choice(&[("system", n_("Follow the system")), ("light", n_("Light")), ("dark", n_("Dark"))]),
        default: DefaultValue::Str("system"), label: "Theme", help: "Light, dark, or what your system uses. Also in the header." },
    Def { category: Category::Luna, group: "basic", name: "is_async_asset_tree", kind: Kind::Bool,
        default: DefaultValue::Bool(true), label: "Load the asset tree as it opens", help: "Faster with many assets; off loads the whole tree at once." },
    Def { category: Category::Luna, group: "basic", name: "connect_default_open_method", kind: Kind::Choice(&[("current", n_("In the current tab")), ("new", n_("In a new tab"))]),
        default: DefaultValue::Str("current"), label: "Open connections", help: "Where a new connection opens." },
    Def { category: Category::Luna, group: "basic", name: "themes", kind: Kind::Choice(&[("default", n_("Default")), ("darkGary", n_("Dark grey")), ("deepBlue", n_("Deep blue"))]),
        default: DefaultValue::Str("default"), label: "Terminal page theme", help: "The colours of the web terminal's page." },
    Def { category: Category::Luna, group: "graphics", name: "rdp_resolution", kind: Kind::Choice(&[("auto", n_("Automatic")), ("1024x768", "1024 × 768"), ("1366x768", "1366 × 768"), ("1600x900", "1600 × 900"), ("1920x1080", "1920 × 1080")]),
        default: DefaultValue::Str("auto"), label: "RDP resolution", help: "The size of remote desktops; automatic follows the window." },
    Def { category: Category::Luna, group: "graphics", name: "keyboard_layout", kind: Kind::Choice(KEYBOARDS),
        default: DefaultValue::Str("en-us-qwerty"), label: "Keyboard layout", help: "The layout of your keyboard, for graphical sessions." },
    Def { category: Category::Luna, group: "graphics", name: "rdp_client_option", kind: Kind::Multi(&[("full_screen", n_("Full screen")), ("multi_screen", n_("Use all monitors")), ("drives_redirect", n_("Share local drives")), ("remote_microphone", n_("Share the microphone"))]),
        default: DefaultValue::List(&["full_screen"]), label: "RDP client options", help: "Used in .rdp files for the Remote Desktop client. Drives are shared only where the permission allows upload and download." },
    Def { category: Category::Luna, group: "graphics", name: "rdp_color_quality", kind: Kind::Choice(&[("32", n_("32 bit (best)")), ("24", n_("24 bit")), ("16", n_("16 bit (fastest)"))]),
        default: DefaultValue::Str("32"), label: "RDP colour depth", help: "Fewer colours need less bandwidth." },
    Def { category: Category::Luna, group: "graphics", name: "rdp_smart_size", kind: Kind::Choice(&[("0", n_("Off")), ("1", n_("On"))]),
        default: DefaultValue::Str("0"), label: "RDP smart sizing", help: "Scale the remote desktop to the window instead of scrolling." },
    Def { category: Category::Luna, group: "graphics", name: "applet_connection_method", kind: Kind::Choice(&[("web", n_("In the browser")), ("client", n_("With the desktop client"))]),
        default: DefaultValue::Str("web"), label: "Remote applications open", help: "How remote applications (applets) are opened." },
    Def { category: Category::Luna, group: "graphics", name: "file_name_conflict_resolution", kind: Kind::Choice(CONFLICT),
        default: DefaultValue::Str("replace"), label: "When an uploaded file exists", help: "In graphical sessions." },
    Def { category: Category::Luna, group: "command_line", name: "character_terminal_font_size", kind: Kind::Int { min: 1, max: 100 },
        default: DefaultValue::Int(14), label: "Terminal font size", help: "In pixels, 1-100." },
    Def { category: Category::Luna, group: "command_line", name: "is_backspace_as_ctrl_h", kind: Kind::Bool,
        default: DefaultValue::Bool(false), label: "Backspace sends Ctrl+H", help: "For old systems that expect ^H instead of DEL." },
    Def { category: Category::Luna, group: "command_line", name: "is_right_click_quickly_paste", kind: Kind::Bool,
        default: DefaultValue::Bool(false), label: "Right-click pastes", help: "Paste the clipboard with a right click instead of opening a menu." },
    Def { category: Category::Koko, group: "basic", name: "file_name_conflict_resolution", kind: Kind::Choice(CONFLICT),
        default: DefaultValue::Str("replace"), label: "When an uploaded file exists", help: "In SSH and SFTP sessions." },
    Def { category: Category::Koko, group: "basic", name: "terminal_theme_name", kind: Kind::Choice(&[("Default", n_("Default")), ("Dracula", "Dracula"), ("Monokai", "Monokai"), ("Nord", "Nord"), ("Solarized Dark", "Solarized Dark"), ("Solarized Light", "Solarized Light")]),
        default: DefaultValue::Str("Default"), label: "SSH terminal colours", help: "The colour theme of SSH terminals." },
];

/// The write-only file encryption password (`lina.file`).
pub const SECRET_KEY: &str = "secret_key";
pub const SECRET_KEY_MAX_CHARS: usize = 1024;
pub const SECRET_KEY_MIN_CHARS: usize = 8;

pub fn defs(category: Category) -> impl Iterator<Item = &'static Def> {
    DEFS.iter().filter(move |d| d.category == category)
}

pub fn find(category: Category, name: &str) -> Option<&'static Def> {
    defs(category).find(|d| d.name == name)
}

/// The groups of a category, in order.
pub fn groups(category: Category) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in defs(category) {
        if !out.contains(&d.group) {
            out.push(d.group);
        }
    }
    if category == Category::Lina {
        out.push("file");
    }
    out
}

/// A checked change: the values to store, and the file password if one was given.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    pub values: Vec<(&'static str, Value)>,
    pub secret_key: Option<String>,
}

/// Checks a grouped update (`{"graphics": {"rdp_resolution": "auto"}}`);
/// flat names are accepted too. Every problem is reported at once, by name.
pub fn check_update(category: Category, update: &Map<String, Value>) -> Result<Changes, AppError> {
    let mut errors = FieldErrors::new();
    let mut changes = Changes::default();
    let mut entries: Vec<(String, &Value)> = Vec::new();
    for (key, value) in update {
        match value {
            Value::Object(inner) if groups(category).contains(&key.as_str()) => {
                entries.extend(inner.iter().map(|(k, v)| (k.clone(), v)));
            }
            _ => entries.push((key.clone(), value)),
        }
    }
    let mut again: Option<&Value> = None;
    let mut secret: Option<&Value> = None;
    for (name, value) in entries {
        if category == Category::Lina && name == SECRET_KEY {
            secret = Some(value);
        } else if category == Category::Lina && name == "secret_key_again" {
            again = Some(value);
        } else if name == "has_secret_key" {
            // Read-only, in answers: sending a GET body back is fine.
        } else if let Some(def) = find(category, &name) {
            match def.check(value) {
                Ok(v) => changes.values.push((def.name, v)),
                Err(e) => {
                    errors.insert(name, e);
                }
            }
        } else {
            errors.insert(name, format!("Not a `{}` preference.", category.as_str()));
        }
    }
    if secret.is_some() || again.is_some() {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
        let (key, repeat) = (text(secret), text(again));
        let chars = key.chars().count();
        if !(SECRET_KEY_MIN_CHARS..=SECRET_KEY_MAX_CHARS).contains(&chars) {
            errors.insert(
                SECRET_KEY.into(),
                format!("Enter {SECRET_KEY_MIN_CHARS} to {SECRET_KEY_MAX_CHARS} characters."),
            );
        } else if key != repeat {
            errors.insert("secret_key_again".into(), "The two entries differ.".into());
        } else {
            changes.secret_key = Some(key);
        }
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(AppError::invalid_fields(errors))
    }
}

/// The answer shape: groups of named values, stored ones over defaults.
pub fn grouped(category: Category, stored: &[(String, Value)], has_secret_key: bool) -> Value {
    let mut out = Map::new();
    for group in groups(category) {
        out.insert(group.to_owned(), Value::Object(Map::new()));
    }
    for def in defs(category) {
        let value = stored
            .iter()
            .find(|(n, _)| n == def.name)
            .and_then(|(_, v)| def.check(v).ok())
            .unwrap_or_else(|| def.default.value());
        if let Some(Value::Object(group)) = out.get_mut(def.group) {
            group.insert(def.name.to_owned(), value);
        }
    }
    if category == Category::Lina {
        if let Some(Value::Object(file)) = out.get_mut("file") {
            file.insert("has_secret_key".into(), Value::Bool(has_secret_key));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_default_passes_its_own_check_and_names_are_unique_per_category() {
        for def in DEFS {
            assert_eq!(def.check(&def.default.value()), Ok(def.default.value()), "{}", def.name);
            assert_eq!(
                defs(def.category).filter(|d| d.name == def.name).count(),
                1,
                "{}",
                def.name
            );
            assert!(!def.help.is_empty() && !def.label.is_empty());
        }
    }

    #[test]
    fn updates_are_checked_as_a_whole() {
        let update = json!({
            "graphics": {"rdp_resolution": "800x600", "rdp_color_quality": 16, "rdp_client_option": ["multi_screen", "full_screen", "multi_screen"]},
            "command_line": {"character_terminal_font_size": 101},
            "nope": 1,
        });
        let err = check_update(Category::Luna, update.as_object().unwrap()).unwrap_err();
        for name in ["rdp_resolution", "character_terminal_font_size", "nope"] {
            assert!(err.field(name).is_some(), "{name}");
        }
        assert!(err.field("rdp_color_quality").is_none(), "16 is one of the depths");
        let ok = check_update(Category::Luna, json!({"graphics": {"rdp_client_option": ["multi_screen", "full_screen", "multi_screen"]}}).as_object().unwrap()).unwrap();
        assert_eq!(ok.values, vec![("rdp_client_option", json!(["multi_screen", "full_screen"]))]);
    }

    #[test]
    fn the_file_password_is_entered_twice_and_never_shown() {
        let bad = check_update(
            Category::Lina,
            json!({"file": {"secret_key": "long enough", "secret_key_again": "different"}})
                .as_object()
                .unwrap(),
        );
        assert!(bad.unwrap_err().field("secret_key_again").is_some());
        let short = check_update(
            Category::Lina,
            json!({"secret_key": "short", "secret_key_again": "short"}).as_object().unwrap(),
        );
        assert!(short.unwrap_err().field("secret_key").is_some());
        let ok = check_update(
            Category::Lina,
            json!({"file": {"secret_key": "long enough", "secret_key_again": "long enough"}})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.secret_key.as_deref(), Some("long enough"));
        let shown = grouped(Category::Lina, &[], true);
        assert_eq!(shown["file"], json!({"has_secret_key": true}));
        assert_eq!(shown["basic"]["lang"], "en");
    }

    #[test]
    fn stored_values_show_over_defaults_and_bad_stored_ones_fall_back() {
        let stored = vec![
            ("character_terminal_font_size".to_owned(), json!(20)),
            ("rdp_resolution".to_owned(), json!("bogus")),
        ];
        let shown = grouped(Category::Luna, &stored, false);
        assert_eq!(shown["command_line"]["character_terminal_font_size"], 20);
        assert_eq!(shown["graphics"]["rdp_resolution"], "auto");
        assert!(shown.get("file").is_none());
    }
}
