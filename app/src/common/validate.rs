//! Input newtypes. Each `parse` is the one rule for its field: the browser runs
//! it before sending (so the form shows the error at once) and the server runs
//! it again (so the rule holds for every client).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::localize(&self.0))
    }
}

fn invalid<T>(msg: &str) -> Result<T, Invalid> {
    Err(Invalid(msg.to_owned()))
}

fn has_control_chars(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A login name: 1-128 characters of letters, digits and `. _ @ -`, compared
/// without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return invalid("Enter a username.");
        }
        if s.chars().count() > Self::MAX_CHARS {
            return invalid("A username has at most 128 characters.");
        }
        if !s.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '@' | '-')) {
            return invalid("Use letters, digits and . _ @ - only.");
        }
        Ok(Username(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes usernames unique regardless of case.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// An email address, checked for shape only (the mailbox is proven by mail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return invalid("Enter an email address.");
        }
        if s.len() > 254 || has_control_chars(s) || s.contains(char::is_whitespace) {
            return invalid("Enter a valid email address, like name@example.com.");
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return invalid("Enter a valid email address, like name@example.com.");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return invalid("Enter a valid email address, like name@example.com.");
        }
        Ok(Email(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A phone number in E.164 form: `+`, a country code and the subscriber
/// number, 8 to 15 digits in all. Spaces, dots, dashes and brackets that people
/// type are accepted and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let compact: String =
            raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
        let Some(digits) = compact.strip_prefix('+') else {
            return invalid("Start with + and the country code, for example +86 138 0013 8000.");
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return invalid("A phone number holds only digits after the +.");
        }
        if digits.starts_with('0') {
            return invalid("A country code never starts with 0.");
        }
        if !(8..=15).contains(&digits.len()) {
            return invalid("With its country code, a phone number has 8 to 15 digits.");
        }
        Ok(Phone(compact))
    }

    /// Empty input means "no phone"; anything else must be a valid number.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, Invalid> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return invalid("Enter a name.");
        }
        if s.chars().count() > 128 {
            return invalid("A name has at most 128 characters.");
        }
        if has_control_chars(s) {
            return invalid("A name cannot contain control characters.");
        }
        Ok(PersonName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A WeChat id: empty, or 6-20 characters starting with a letter, then letters,
/// digits, `_` and `-` (WeChat's own rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wechat(String);

impl Wechat {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(Wechat(String::new()));
        }
        let mut chars = s.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !starts_with_letter || !rest_ok || !(6..=20).contains(&s.len()) {
            return invalid(
                "A WeChat ID has 6-20 letters, digits, _ or -, and starts with a letter.",
            );
        }
        Ok(Wechat(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text an admin writes about an account.
pub fn parse_comment(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if s.chars().count() > 1000 {
        return invalid("A comment has at most 1000 characters.");
    }
    Ok(s.to_owned())
}

/// A password as typed. The full policy (length by MFA state, blocklist,
/// history) is server-side; this is the part every password must meet.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    /// Long enough for any passphrase, short enough to bound hashing work.
    pub const MAX_BYTES: usize = 4096;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.chars().count() < Self::MIN_CHARS {
            return invalid("A password has at least 8 characters.");
        }
        if raw.len() > Self::MAX_BYTES {
            return invalid("A password has at most 4096 bytes.");
        }
        Ok(NewPassword(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_allow_unicode_letters_but_not_spaces() {
        assert!(Username::parse("alice.w").is_ok());
        assert!(Username::parse("张三").is_ok());
        assert!(Username::parse("al ice").is_err());
        assert!(Username::parse("  ").is_err());
        assert_eq!(Username::parse(" Alice ").unwrap().key(), "alice");
        assert!(Username::parse(&"a".repeat(129)).is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("ops@example.com").is_ok());
        for bad in ["", "ops", "ops@", "@example.com", "ops@example", "o ps@example.com", "a@b..c"]
        {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_are_e164_with_country_code() {
        assert_eq!(Phone::parse("+86 138-0013 8000").unwrap().as_str(), "+8613800138000");
        assert_eq!(Phone::parse("+1 (415) 555-2671").unwrap().as_str(), "+14155552671");
        for bad in ["13800138000", "+0123456789", "+12", "+1234567890123456", "+86abc12345", "+"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Phone::parse_optional("  ").unwrap(), None);
    }

    #[test]
    fn wechat_ids_follow_wechat_rules() {
        assert!(Wechat::parse("").is_ok());
        assert!(Wechat::parse("wx_ops-01").is_ok());
        assert!(Wechat::parse("1abcdef").is_err());
        assert!(Wechat::parse("abc").is_err());
    }

    #[test]
    fn passwords_are_never_truncated_and_redact_in_debug() {
        let long = "x".repeat(200);
        assert_eq!(NewPassword::parse(&long).unwrap().expose().len(), 200);
        assert!(NewPassword::parse("short").is_err());
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse").unwrap()),
            "NewPassword(<redacted>)"
        );
    }
}
