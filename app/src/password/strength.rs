//! How hard a password is to guess, by zxcvbn. The browser runs this while
//! the person types; the server runs the same code and has the last word.

use serde::{Deserialize, Serialize};
use zxcvbn::matching::patterns::MatchPattern;

/// zxcvbn's work grows with the length; the first this many characters are
/// what it looks at (anything longer is strong for length alone).
const ASSESSED_CHARS: usize = 100;
/// Characters a well-known password may gain and still count as well known.
const COMMON_SLACK: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strength {
    /// 0 (guessed at once) to 4 (very hard to guess).
    pub score: u8,
    /// The main weakness, if zxcvbn names one.
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
    /// The whole password is a well-known password (or one of the person's
    /// own names), however it is capitalised or spelled in l33t.
    pub common: bool,
}

impl Strength {
    pub fn label(&self) -> &'static str {
        match self.score {
            0 => "Very weak",
            1 => "Weak",
            2 => "Fair",
            3 => "Strong",
            _ => "Very strong",
        }
    }
}

/// Scores `password`, counting `personal` words (username, name, email) as
/// easy to guess.
pub fn assess(password: &str, personal: &[String]) -> Strength {
    let assessed: String = password.chars().take(ASSESSED_CHARS).collect();
    let inputs: Vec<&str> = personal.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    let entropy = zxcvbn::zxcvbn(&assessed, &inputs);
    // A well-known password (or the person's own name) with at most a few
    // characters around it ("password123", "Alice2024") counts as that password.
    let total = assessed.chars().count();
    let common = entropy.sequence().iter().any(|m| match &m.pattern {
        // zxcvbn does not export the dictionary type's name, only its Debug form.
        MatchPattern::Dictionary(d) => {
            matches!(format!("{:?}", d.dictionary_name).as_str(), "Passwords" | "UserInputs")
                && m.token.chars().count() + COMMON_SLACK >= total
        }
        _ => false,
    });
    let (warning, suggestions) = match entropy.feedback() {
        Some(f) => (
            f.warning().map(|w| w.to_string()),
            f.suggestions().iter().map(ToString::to_string).collect(),
        ),
        None => (None, Vec::new()),
    };
    Strength { score: u8::from(entropy.score()), warning, suggestions, common }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_passwords_are_common_in_any_case_or_l33t() {
        for pw in ["password", "Password", "P@ssw0rd", "qwerty123", "iloveyou"] {
            let s = assess(pw, &[]);
            assert!(s.score <= 1, "{pw}: {s:?}");
        }
        assert!(assess("P@ssw0rd", &[]).common);
        assert!(assess("dragon", &[]).common);
        assert!(assess("password123", &[]).common, "a few characters added change nothing");
        assert!(!assess("my password is long and mine alone", &[]).common);
    }

    #[test]
    fn the_persons_own_names_count_as_guessable() {
        let personal = vec!["alexandria".to_owned()];
        let s = assess("alexandria", &personal);
        assert!(s.common);
        assert!(assess("Alexandria2024", &personal).common);
        assert!(!assess("alexandria", &[]).common || assess("alexandria", &[]).score <= 1);
    }

    #[test]
    fn long_passphrases_score_high() {
        let s = assess("staple battery horse correct violet", &[]);
        assert!(s.score >= 3, "{s:?}");
        assert!(!s.common);
        let long =
            "the quick brown fox jumps over the lazy dog near the river bank at dawn ".repeat(3);
        assert_eq!(assess(&long, &[]).score, 4, "long inputs are assessed (their start), quickly");
    }
}
