use super::strength::{assess, Strength};
use crate::common::{AppError, FieldErrors};
use crate::i18n::{localize, n_};
use serde::{Deserialize, Serialize};

/// `PUT /api/v1/users/profile/password/`, in JumpServer's field names.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    #[serde(default)]
    pub old_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_again: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange(<redacted>)")
    }
}

/// The password policy as it applies to one person (the minimum length
/// depends on whether they have a second factor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRules {
    pub min_length: usize,
    /// The minimum for people with a second factor, for the hint to others.
    pub min_length_mfa: usize,
    pub require_upper: bool,
    pub require_lower: bool,
    pub require_digit: bool,
    pub require_special: bool,
    /// The lowest zxcvbn score accepted (0-4).
    pub min_score: u8,
    /// How many earlier passwords may not come back (0: no rule).
    pub history: u32,
    /// Days a password lasts (0: no expiry).
    pub expiry_days: u32,
    /// Whether the minimum length is the one for people with a second factor.
    pub has_mfa: bool,
    /// The person's own words (username, name, email) that make a password easy to guess.
    pub personal: Vec<String>,
}

impl PasswordRules {
    /// Passphrases of any sensible length are accepted and never truncated;
    /// this only bounds hashing work.
    pub const MAX_BYTES: usize = 4096;
}

/// One rule and whether a candidate password meets it, for the checklist
/// beside the field and for the server's refusal. The texts are English;
/// show them with `crate::i18n::localize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    /// Stable name: `length`, `upper`, `lower`, `digit`, `special`, `common`, `strength`, `max_length`.
    pub rule: String,
    /// The rule, as shown in the checklist.
    pub label: String,
    /// Why the candidate fails it, as shown beside the field.
    pub failure: String,
    pub met: bool,
}

/// Whether a character belongs to a class (uppercase, digit, ...).
type CharTest = fn(char) -> bool;

/// A class of characters a policy may require: its rule name, its line in
/// the checklist, the advice when it is missing, and the test.
type CharClass = (bool, &'static str, &'static str, &'static str, CharTest);

fn rule(rule: &str, label: String, failure: String, met: bool) -> RuleCheck {
    RuleCheck { rule: rule.into(), label, failure, met }
}

impl PasswordRules {
    /// Every rule in force, checked against `password`, with the strength estimate.
    pub fn check(&self, password: &str) -> (Vec<RuleCheck>, Strength) {
        let strength = assess(password, &self.personal);
        let chars = password.chars().count();
        let (min, min_mfa) = (self.min_length, self.min_length_mfa);
        let mut checks = vec![rule(
            "length",
            format!("At least {min} characters"),
            if self.has_mfa {
                format!("Use at least {min} characters.")
            } else {
                format!(
                    "Use at least {min} characters (or {min_mfa} once you use two-step verification)."
                )
            },
            chars >= min,
        )];
        if !self.has_mfa && min_mfa >= min {
            checks[0].failure = format!("Use at least {min} characters.");
        }
        let classes: [CharClass; 4] = [
            (
                self.require_upper,
                "upper",
                n_("Contains an uppercase letter"),
                n_("Add an uppercase letter."),
                char::is_uppercase,
            ),
            (
                self.require_lower,
                "lower",
                n_("Contains a lowercase letter"),
                n_("Add a lowercase letter."),
                char::is_lowercase,
            ),
            (self.require_digit, "digit", n_("Contains a digit"), n_("Add a digit."), |c| {
                c.is_ascii_digit()
            }),
            (
                self.require_special,
                "special",
                n_("Contains a special character"),
                n_("Add a special character."),
                |c| !c.is_alphanumeric() && !c.is_whitespace(),
            ),
        ];
        for (required, name, label, failure, test) in classes {
            if required {
                checks.push(rule(name, label.into(), failure.into(), password.chars().any(test)));
            }
        }
        checks.push(rule(
            "common",
            n_("Not a well-known password or your own name").into(),
            n_("This is a well-known password or your own name: choose something else.").into(),
            password.is_empty() || !strength.common,
        ));
        if self.min_score > 0 {
            let hint = strength.warning.clone().or_else(|| strength.suggestions.first().cloned());
            let label = score_label(self.min_score);
            checks.push(rule(
                "strength",
                format!("Hard to guess (at least “{label}”)"),
                match hint {
                    Some(hint) => format!("Too easy to guess. {hint}"),
                    None => n_("Too easy to guess.").into(),
                },
                strength.score >= self.min_score,
            ));
        }
        if password.len() > Self::MAX_BYTES {
            let max = Self::MAX_BYTES;
            checks.push(rule(
                "max_length",
                format!("At most {max} bytes"),
                format!("Use at most {max} bytes."),
                false,
            ));
        }
        (checks, strength)
    }

    /// The checks a browser can make before sending: each field's first
    /// problem (the old password is checked by the server only). The new
    /// password's failures come as one message, so each is put into the
    /// page's (or request's) language before they are joined.
    pub fn validate(&self, change: &PasswordChange) -> Result<(), AppError> {
        let mut fields = FieldErrors::new();
        if change.old_password.is_empty() {
            fields.insert("old_password".into(), n_("Enter your current password.").into());
        }
        let (checks, _) = self.check(&change.new_password);
        let failures: Vec<String> =
            checks.iter().filter(|c| !c.met).map(|c| localize(&c.failure).into_owned()).collect();
        if change.new_password.is_empty() {
            fields.insert("new_password".into(), n_("Enter a new password.").into());
        } else if !failures.is_empty() {
            fields.insert("new_password".into(), failures.join(" "));
        } else if change.new_password == change.old_password {
            fields.insert(
                "new_password".into(),
                n_("The new password must differ from the current one.").into(),
            );
        }
        if change.new_password_again != change.new_password {
            fields.insert("new_password_again".into(), n_("The two new passwords differ.").into());
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid_fields(fields))
        }
    }
}

pub fn score_label(score: u8) -> &'static str {
    Strength { score, warning: None, suggestions: Vec::new(), common: false }.label()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(has_mfa: bool) -> PasswordRules {
        PasswordRules {
            min_length: if has_mfa { 8 } else { 15 },
            min_length_mfa: 8,
            require_upper: false,
            require_lower: false,
            require_digit: false,
            require_special: false,
            min_score: 2,
            history: 5,
            expiry_days: 0,
            has_mfa,
            personal: vec!["alice".into(), "alice@example.com".into()],
        }
    }

    fn change(old: &str, new: &str, again: &str) -> PasswordChange {
        PasswordChange {
            old_password: old.into(),
            new_password: new.into(),
            new_password_again: again.into(),
        }
    }

    #[test]
    fn length_depends_on_mfa_and_the_error_names_the_rule() {
        let pw = "kettle-violet-9";
        assert!(rules(true).validate(&change("old", "kettle-v1", "kettle-v1")).is_ok());
        let err = rules(false).validate(&change("old", "kettle-v1", "kettle-v1")).unwrap_err();
        assert!(err.field("new_password").unwrap().contains("at least 15 characters"));
        assert!(rules(false).validate(&change("old", pw, pw)).is_ok());
    }

    #[test]
    fn common_passwords_and_own_names_are_refused() {
        let err = rules(true).validate(&change("x", "password1", "password1")).unwrap_err();
        assert!(err.field("new_password").unwrap().contains("well-known"), "{err:?}");
        let err = rules(true).validate(&change("x", "alice", "alice")).unwrap_err();
        assert!(err.field("new_password").is_some());
    }

    #[test]
    fn classes_apply_only_when_required() {
        let mut r = rules(true);
        let pw = "lantern orbit quiet";
        assert!(r.validate(&change("x", pw, pw)).is_ok());
        r.require_digit = true;
        r.require_upper = true;
        let msg = r.validate(&change("x", pw, pw)).unwrap_err().field("new_password").unwrap();
        assert!(msg.contains("Add an uppercase letter.") && msg.contains("Add a digit."), "{msg}");
    }

    #[test]
    fn mismatch_same_as_old_and_empty_fields_are_reported() {
        let err = rules(true).validate(&change("", "lantern orbit", "lantern orbiT")).unwrap_err();
        assert!(err.field("old_password").is_some());
        assert!(err.field("new_password_again").is_some());
        let same = "lantern orbit quiet";
        let err = rules(true).validate(&change(same, same, same)).unwrap_err();
        assert!(err.field("new_password").unwrap().contains("differ"));
    }

    #[test]
    fn long_passwords_are_accepted_up_to_the_byte_bound() {
        let long = "lantern orbit quiet ".repeat(10);
        assert!(long.chars().count() >= 64);
        assert!(rules(false).validate(&change("x", &long, &long)).is_ok());
        let huge = "a".repeat(PasswordRules::MAX_BYTES + 1);
        let (checks, _) = rules(false).check(&huge);
        assert!(checks.iter().any(|c| c.rule == "max_length" && !c.met));
    }

    #[test]
    fn every_rule_and_refusal_reads_in_chinese() {
        use crate::i18n::{translate, Lang};
        let mut r = rules(false);
        (r.require_upper, r.require_lower, r.require_digit, r.require_special) =
            (true, true, true, true);
        let huge = "a".repeat(PasswordRules::MAX_BYTES + 1);
        for pw in ["", "password", "qwerty", "alice", &huge] {
            let (checks, strength) = r.check(pw);
            for text in checks.iter().flat_map(|c| [&c.label, &c.failure]) {
                let chinese = translate(Lang::ZhHans, text);
                let han = chinese.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
                let latin = chinese.chars().filter(char::is_ascii_lowercase).count();
                assert!(han > latin, "{text} -> {chinese}");
            }
            for hint in strength.warning.iter().chain(&strength.suggestions) {
                assert_ne!(translate(Lang::ZhHans, hint), hint.as_str());
            }
        }
    }

    #[test]
    fn debug_output_hides_the_passwords() {
        assert_eq!(format!("{:?}", change("a", "b", "c")), "PasswordChange(<redacted>)");
    }
}
