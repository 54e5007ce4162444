//! The Chinese catalog: gettext PO files keyed by the English text, read once
//! on first use. English needs no catalog: its text is the key.
//!
//! Entries whose English holds `{name}` (or `{}`) placeholders are templates:
//! `fill` substitutes named values, and `translate` recognises a finished
//! English message made from one (an error built with `format!`) and rebuilds
//! it in Chinese with the same values.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The PO files, one per area of the product, in the order they are read.
pub const FILES: &[(&str, &str)] = &[
    ("common.po", include_str!("../../locales/zh-hans/common.po")),
    ("shell.po", include_str!("../../locales/zh-hans/shell.po")),
    ("auth.po", include_str!("../../locales/zh-hans/auth.po")),
    ("mfa.po", include_str!("../../locales/zh-hans/mfa.po")),
    ("profile.po", include_str!("../../locales/zh-hans/profile.po")),
    ("password.po", include_str!("../../locales/zh-hans/password.po")),
    ("keys.po", include_str!("../../locales/zh-hans/keys.po")),
    ("admin.po", include_str!("../../locales/zh-hans/admin.po")),
    ("settings.po", include_str!("../../locales/zh-hans/settings.po")),
    ("preferences.po", include_str!("../../locales/zh-hans/preferences.po")),
    ("server.po", include_str!("../../locales/zh-hans/server.po")),
    ("connect.po", include_str!("../../locales/zh-hans/connect.po")),
    ("face.po", include_str!("../../locales/zh-hans/face.po")),
];

/// One `msgid`/`msgstr` pair and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub english: String,
    pub chinese: String,
    pub file: &'static str,
    pub line: usize,
}

/// Reads one PO file: `msgid "..."` then `msgstr "..."`, each possibly
/// continued by further quoted lines; `#` lines are comments. Errors name the
/// file and line.
pub fn parse(file: &'static str, text: &str) -> Result<Vec<Entry>, String> {
    #[derive(PartialEq)]
    enum Field {
        None,
        Id,
        Str,
    }
    let mut entries = Vec::new();
    let (mut id, mut value, mut field, mut id_line) =
        (String::new(), String::new(), Field::None, 0);
    let mut finish = |id: &mut String, value: &mut String, line: usize| {
        if !id.is_empty() {
            entries.push(Entry {
                english: std::mem::take(id),
                chinese: std::mem::take(value),
                file,
                line,
            });
        }
        id.clear();
        value.clear();
    };
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("msgid ") {
            if field == Field::Id {
                return Err(format!("{file}:{}: msgid without msgstr", n + 1));
            }
            finish(&mut id, &mut value, id_line);
            id = unquote(rest).ok_or_else(|| format!("{file}:{}: bad quoting", n + 1))?;
            field = Field::Id;
            id_line = n + 1;
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            if field != Field::Id {
                return Err(format!("{file}:{}: msgstr without msgid", n + 1));
            }
            value = unquote(rest).ok_or_else(|| format!("{file}:{}: bad quoting", n + 1))?;
            field = Field::Str;
        } else if line.starts_with('"') {
            let more = unquote(line).ok_or_else(|| format!("{file}:{}: bad quoting", n + 1))?;
            match field {
                Field::Id => id.push_str(&more),
                Field::Str => value.push_str(&more),
                Field::None => return Err(format!("{file}:{}: text outside an entry", n + 1)),
            }
        } else {
            return Err(format!("{file}:{}: not a PO line: {line}", n + 1));
        }
    }
    if field == Field::Id {
        return Err(format!("{file}: the last msgid has no msgstr"));
    }
    finish(&mut id, &mut value, id_line);
    Ok(entries)
}

fn unquote(s: &str) -> Option<String> {
    let inner = s.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                _ => return None,
            },
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Every entry of every file (tests read this; lookups use `Catalog`).
pub fn entries() -> Result<Vec<Entry>, String> {
    let mut all = Vec::new();
    for (file, text) in FILES {
        all.extend(parse(file, text)?);
    }
    Ok(all)
}

/// A template split into its fixed parts and the placeholder names between
/// them: `"Try again in {secs} s."` is `["Try again in ", " s."]` and `["secs"]`.
#[derive(Debug)]
pub struct Template {
    pub parts: Vec<String>,
    pub names: Vec<String>,
}

impl Template {
    pub fn split(text: &str) -> Template {
        let (mut parts, mut names, mut current) = (Vec::new(), Vec::new(), String::new());
        let mut rest = text;
        let mut positional = 0;
        while let Some(start) = rest.find('{') {
            // `{{` is a literal brace in format strings.
            if rest[start..].starts_with("{{") {
                current.push_str(&rest[..start + 1].replace("}}", "}"));
                rest = &rest[start + 2..];
                continue;
            }
            let Some(len) = rest[start..].find('}') else { break };
            current.push_str(&rest[..start].replace("}}", "}"));
            let inner = &rest[start + 1..start + len];
            let name = inner.split(':').next().unwrap_or_default().trim();
            let name = if name.is_empty() {
                positional += 1;
                (positional - 1).to_string()
            } else {
                name.to_owned()
            };
            parts.push(std::mem::take(&mut current));
            names.push(name);
            rest = &rest[start + len + 1..];
        }
        current.push_str(&rest.replace("}}", "}"));
        parts.push(current);
        Template { parts, names }
    }

    /// The values of the placeholders if `text` is this template filled in.
    pub fn capture<'a>(&self, text: &'a str) -> Option<Vec<&'a str>> {
        let first = self.parts.first()?;
        let mut rest = text.strip_prefix(first.as_str())?;
        let mut values = Vec::with_capacity(self.names.len());
        for (i, part) in self.parts.iter().enumerate().skip(1) {
            let last = i == self.parts.len() - 1;
            let at = if last {
                rest.strip_suffix(part.as_str()).map(str::len)?
            } else if part.is_empty() {
                return None; // two placeholders side by side: ambiguous
            } else {
                rest.find(part.as_str())?
            };
            if at == 0 {
                return None;
            }
            values.push(&rest[..at]);
            rest = &rest[at + part.len()..];
        }
        Some(values)
    }
}

pub struct Catalog {
    exact: HashMap<String, String>,
    /// Templates, longest fixed text first so the most specific one wins.
    templates: Vec<(Template, String)>,
}

impl Catalog {
    fn load() -> Catalog {
        // A broken file fails the unit tests; at run time it leaves English.
        let entries = entries().unwrap_or_default();
        let mut templates: Vec<(Template, String)> = entries
            .iter()
            .filter(|e| e.english.contains('{') && !e.chinese.is_empty())
            .map(|e| (Template::split(&e.english), e.chinese.clone()))
            // Only templates with enough fixed text to be recognised: "{n} key"
            // would match any message that ends in " key".
            .filter(|(t, _)| {
                !t.names.is_empty() && t.parts.iter().map(|p| p.trim().len()).sum::<usize>() >= 8
            })
            .collect();
        templates.sort_by_key(|(t, _)| {
            std::cmp::Reverse(t.parts.iter().map(String::len).sum::<usize>())
        });
        let exact = entries
            .into_iter()
            .filter(|e| !e.chinese.is_empty())
            .map(|e| (e.english, e.chinese))
            .collect();
        Catalog { exact, templates }
    }

    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(Catalog::load)
    }

    pub fn exact(&self, english: &str) -> Option<&str> {
        self.exact.get(english).map(String::as_str)
    }

    /// A finished English message rebuilt in Chinese: exactly, or as a
    /// filled-in template whose values are translated the same way (a
    /// reason inside a sentence), two levels deep.
    pub fn message(&self, english: &str) -> Option<String> {
        self.message_at(english, 0)
    }

    fn message_at(&self, english: &str, depth: u8) -> Option<String> {
        if let Some(found) = self.exact(english) {
            return Some(found.to_owned());
        }
        if depth > 2 {
            return None;
        }
        self.templates.iter().find_map(|(template, chinese)| {
            let values = template.capture(english)?;
            let pairs: Vec<(&str, String)> = template
                .names
                .iter()
                .zip(values)
                .map(|(name, value)| {
                    let value =
                        self.message_at(value, depth + 1).unwrap_or_else(|| value.to_owned());
                    (name.as_str(), value)
                })
                .collect();
            Some(fill(chinese, &pairs))
        })
    }
}

/// Puts named values into `{name}` placeholders (`{}` take values by position,
/// named `0`, `1`, ...). Unknown placeholders stay as they are.
pub fn fill<S: AsRef<str>>(template: &str, values: &[(&str, S)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut positional = 0;
    while let Some(start) = rest.find('{') {
        if rest[start..].starts_with("{{") {
            out.push_str(&rest[..start + 1].replace("}}", "}"));
            rest = &rest[start + 2..];
            continue;
        }
        let Some(len) = rest[start..].find('}') else { break };
        out.push_str(&rest[..start].replace("}}", "}"));
        let inner = &rest[start + 1..start + len];
        let name = inner.split(':').next().unwrap_or_default().trim();
        let key = if name.is_empty() {
            positional += 1;
            (positional - 1).to_string()
        } else {
            name.to_owned()
        };
        match values.iter().find(|(n, _)| *n == key) {
            Some((_, v)) => out.push_str(v.as_ref()),
            None => out.push_str(&rest[start..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(&rest.replace("}}", "}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn po_entries_with_continuations_and_escapes_are_read() {
        let text = "# comment\nmsgid \"Say \\\"hi\\\"\"\nmsgstr \"\"\n\"说\"\n\"“你好”\"\n\nmsgid \"Two\\nlines\"\nmsgstr \"两\\n行\"\n";
        let entries = parse("t.po", text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].english, "Say \"hi\"");
        assert_eq!(entries[0].chinese, "说“你好”");
        assert_eq!(entries[0].line, 2);
        assert_eq!(entries[1].chinese, "两\n行");
        assert!(parse("t.po", "msgid \"a\"\nmsgid \"b\"\nmsgstr \"\"").is_err());
        assert!(parse("t.po", "msgstr \"a\"").is_err());
        assert!(parse("t.po", "msgid \"a").is_err());
    }

    #[test]
    fn templates_capture_their_values_and_refill_them() {
        let t = Template::split("Try again in {secs} seconds ({}).");
        assert_eq!(t.names, ["secs", "0"]);
        assert_eq!(t.capture("Try again in 42 seconds (soon)."), Some(vec!["42", "soon"]));
        assert_eq!(t.capture("Try again in  seconds (x)."), None);
        assert_eq!(t.capture("Something else."), None);
        assert_eq!(
            fill("{secs} 秒后重试（{}）。", &[("secs", "42"), ("0", "soon")]),
            "42 秒后重试（soon）。"
        );
        assert_eq!(fill("{{literal}} {x:>3}", &[("x", "1")]), "{literal} 1");
    }
}
