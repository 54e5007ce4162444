//! The catalog against the code: every English text the code shows has its
//! Chinese, every Chinese entry still has its English in the code, and the
//! placeholders agree.

use super::catalog::{entries, Entry, Template};
use super::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A string literal in the source and what stood before it on its line and
/// after it.
struct Literal {
    text: String,
    before: String,
    after: String,
    file: PathBuf,
    line: usize,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The literals of one file, leaving out comments, character literals, raw
/// strings (markup and SQL live there) and everything after `#[cfg(test)]`
/// that opens a test module.
fn literals(path: &Path, src: &str) -> Vec<Literal> {
    let src = match src.find("#[cfg(test)]\nmod tests") {
        Some(at) => &src[..at],
        None => src,
    };
    let bytes = src.as_bytes();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if src[i..].starts_with("//") {
            i += src[i..].find('\n').unwrap_or(src.len() - i);
        } else if src[i..].starts_with("/*") {
            let end = src[i..].find("*/").map_or(src.len(), |e| i + e + 2);
            line += src[i..end].matches('\n').count();
            i = end;
        } else if c == b'r' && (src[i..].starts_with("r\"") || src[i..].starts_with("r#")) {
            let hashes = src[i + 1..].chars().take_while(|&h| h == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 2 + hashes;
            let end = src[start..].find(&close).map_or(src.len(), |e| start + e + close.len());
            line += src[i..end].matches('\n').count();
            i = end;
        } else if c == b'\'' {
            // A char literal ('"', '\'') or a lifetime ('a).
            if src[i..].starts_with("'\\") {
                i += src[i + 2..].find('\'').map_or(2, |e| e + 3);
            } else if bytes.get(i + 2) == Some(&b'\'') {
                i += 3;
            } else {
                let ch_len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                if src[i + 1 + ch_len..].starts_with('\'') {
                    i += 2 + ch_len;
                } else {
                    i += 1;
                }
            }
        } else if c == b'"' {
            let (start_line, mut j, mut text) = (line, i + 1, String::new());
            while j < bytes.len() && bytes[j] != b'"' {
                if bytes[j] == b'\\' {
                    match bytes.get(j + 1) {
                        Some(b'n') => text.push('\n'),
                        Some(b'"') => text.push('"'),
                        Some(b'\\') => text.push('\\'),
                        Some(b'u') => {
                            // `\u{201c}`
                            let close = src[j..].find('}').map_or(j + 2, |e| j + e);
                            let hex = src.get(j + 3..close).unwrap_or_default();
                            if let Some(ch) =
                                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                            {
                                text.push(ch);
                            }
                            j = close + 1;
                            continue;
                        }
                        Some(b'\n') => {
                            // A continued line: the break and the next line's indent vanish.
                            line += 1;
                            j += 2;
                            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\n') {
                                j += 1;
                            }
                            continue;
                        }
                        _ => {}
                    }
                    j += 2;
                    continue;
                }
                if bytes[j] == b'\n' {
                    line += 1;
                }
                let ch = src[j..].chars().next().unwrap_or(' ');
                text.push(ch);
                j += ch.len_utf8();
            }
            // What stands before it, up to 120 bytes back (calls wrap lines).
            let from = i.saturating_sub(120);
            let from = (from..=i).find(|&k| src.is_char_boundary(k)).unwrap_or(i);
            let before = src[from..i].to_owned();
            let after_end = (j + 1 + 40).min(src.len());
            let after_end =
                (after_end..=src.len()).find(|&k| src.is_char_boundary(k)).unwrap_or(src.len());
            let after = src[(j + 1).min(src.len())..after_end].to_owned();
            out.push(Literal { text, before, after, file: path.to_owned(), line: start_line });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("../server/src"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|p| !p.ends_with("i18n/tests.rs"))
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|s| (p, s)))
        .collect()
}

/// Calls whose literal argument is English shown to people.
const MARKERS: &[&str] = &[
    "t(",
    "tf(",
    "n_(",
    "localize(",
    "invalid(",
    "conflict(",
    "Invalid(",
    "denied(",
    "unavailable(",
    "rate_limited(",
    "bad_request(",
    "unauthenticated(",
    "Denied { message: ",
    "RateLimited { message: ",
    "Unavailable { message: ",
    "message: ",
    "label: ",
    "help: ",
    "title: ",
    "subject: ",
    "summary: ",
];

/// Attributes whose value people read (or hear, from a screen reader).
const SHOWN_ATTRIBUTES: &[&str] =
    &["aria-label=", "title=", "placeholder=", "label=", "alt=", "text=", "confirm_label="];

/// Where the English a literal holds is shown to people and so must be in
/// the catalog; `None` where it is not (identifiers, log lines, markup).
fn shown(lit: &Literal) -> Option<&'static str> {
    let text = lit.text.trim();
    // Needs a lowercase letter (not "☰", "SSH", "{}"); not an identifier
    // such as a field name (`invalid("phone", ...)`).
    let identifier =
        text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-/".contains(c));
    if !text.chars().any(|c| c.is_ascii_lowercase()) || identifier {
        return None;
    }
    let before = lit.before.trim_end();
    let before = before.strip_suffix("format!(").map_or(before, str::trim_end);
    let before_no_ws: String = before.chars().filter(|c| !c.is_whitespace()).collect();
    if MARKERS.iter().any(|m| {
        let m: String = m.chars().filter(|c| !c.is_whitespace()).collect();
        before_no_ws.ends_with(&m)
            && !before_no_ws[..before_no_ws.len() - m.len()]
                .ends_with(|c: char| c.is_alphanumeric() || c == '_')
    }) {
        return Some("marked");
    }
    // `tr(lang, "...")`, `tfr(lang, "...", ..)`
    for call in ["tr(", "tfr("] {
        if let Some((head, args)) = before_no_ws.rsplit_once(call) {
            let word_start = !head.ends_with(|c: char| c.is_alphanumeric() || c == '_');
            if word_start && args.ends_with(',') && !args.contains('(') && !args.contains('"') {
                return Some("marked");
            }
        }
    }
    if SHOWN_ATTRIBUTES.iter().any(|a| before.ends_with(a)) {
        return Some("an attribute people read");
    }
    // Text between tags in `view!`: `>"Save"<`, or alone on a line.
    let after = lit.after.trim_start();
    let text_node = (before.ends_with('>') || before.ends_with("\n") || before.is_empty())
        && (after.starts_with('<') || after.starts_with('{'));
    let alone = lit.before.trim().is_empty() && (after.starts_with('<') || after.starts_with('\n'));
    if text_node || alone {
        return Some("text on a page");
    }
    None
}

fn catalog() -> Vec<Entry> {
    entries().unwrap_or_else(|e| panic!("a catalog file is broken: {e}"))
}

#[test]
fn every_catalog_entry_is_translated_once_with_its_placeholders() {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, &Entry> = BTreeMap::new();
    let entries = catalog();
    for e in &entries {
        let at = format!("{}:{}", e.file, e.line);
        if e.chinese.trim().is_empty() {
            problems.push(format!("{at}: no Chinese for {:?}", e.english));
        }
        if let Some(first) = seen.insert(&e.english, e) {
            problems
                .push(format!("{at}: {:?} is also in {}:{}", e.english, first.file, first.line));
        }
        let names = |s: &str| Template::split(s).names.into_iter().collect::<BTreeSet<_>>();
        if names(&e.english) != names(&e.chinese) {
            problems
                .push(format!("{at}: placeholders differ in {:?} and {:?}", e.english, e.chinese));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_english_text_the_code_shows_has_its_chinese_and_every_chinese_its_english() {
    let entries = catalog();
    let known: BTreeSet<&str> = entries.iter().map(|e| e.english.as_str()).collect();
    let mut missing = Vec::new();
    let mut in_code = BTreeSet::new();
    for (path, src) in sources() {
        for lit in literals(&path, &src) {
            in_code.insert(lit.text.clone());
            if let Some(why) = shown(&lit) {
                if !known.contains(lit.text.as_str()) {
                    missing.push(format!(
                        "{}:{}: {:?} ({why}) has no Chinese",
                        lit.file.display(),
                        lit.line,
                        lit.text
                    ));
                }
            }
        }
    }
    let stale: Vec<String> = entries
        .iter()
        .filter(|e| !in_code.contains(&e.english))
        .map(|e| format!("{}:{}: {:?} is not in the code any more", e.file, e.line, e.english))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "missing in Chinese ({}):\n{}\n\nmissing in English ({}):\n{}",
        missing.len(),
        missing.join("\n"),
        stale.len(),
        stale.join("\n")
    );
}

#[test]
fn the_checker_sees_marked_text_attributes_and_text_between_tags() {
    let src = "fn a() { view! { <p title=\"Help me\">\"Plain text\"</p> {t(\"Marked\")} }; \
               tracing::info!(\"a log line\"); let x = \"id_only\"; }\n";
    let found: Vec<(String, Option<&str>)> = literals(Path::new("x.rs"), src)
        .into_iter()
        .map(|l| {
            let s = shown(&l);
            (l.text, s)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Help me".to_owned(), Some("an attribute people read")),
            ("Plain text".to_owned(), Some("text on a page")),
            ("Marked".to_owned(), Some("marked")),
            ("a log line".to_owned(), None),
            ("id_only".to_owned(), None),
        ]
    );
}

#[test]
fn languages_come_from_the_cookie_then_accept_language() {
    assert_eq!(Lang::of_request(Some("a=1; bp_lang=zh-hans"), Some("en")), Lang::ZhHans);
    assert_eq!(Lang::of_request(Some("django_language=zh-hans"), None), Lang::ZhHans);
    assert_eq!(Lang::of_request(Some("bp_lang=fr"), Some("zh-CN,zh;q=0.9")), Lang::ZhHans);
    assert_eq!(Lang::of_request(None, Some("fr, en-GB;q=0.8, zh;q=0.5")), Lang::En);
    assert_eq!(Lang::of_request(None, Some("fr, en;q=0.3, zh-TW;q=0.5")), Lang::ZhHans);
    assert_eq!(Lang::of_request(None, Some("zh;q=0")), Lang::En);
    assert_eq!(Lang::of_request(None, None), Lang::En);
    assert_eq!(Lang::parse("zh_Hans"), Some(Lang::ZhHans));
}

#[test]
fn chinese_text_and_messages_come_from_the_catalog() {
    assert_eq!(tr(Lang::En, "Save"), "Save");
    assert_eq!(tr(Lang::ZhHans, "Save"), "保存");
    assert_eq!(tr(Lang::ZhHans, "no such text, kept as it is"), "no such text, kept as it is");
    // A message made with `format!` is recognised from its template.
    let english = format!("Too many failed attempts. Try again after {}.", "10:00 UTC");
    assert_eq!(translate(Lang::ZhHans, &english), "失败次数过多，请在 10:00 UTC 之后重试。");
    assert_eq!(translate(Lang::En, &english), english);
}

#[test]
fn numbers_are_grouped_by_thousands() {
    assert_eq!(number(0), "0");
    assert_eq!(number(999), "999");
    assert_eq!(number(1234567), "1,234,567");
    assert_eq!(number(-1000), "-1,000");
}
