//! How hard a password is to guess, by zxcvbn. The browser runs this while
//! the person types; the server runs the same code and has the last word.

use crate::i18n::n_;
use serde::{Deserialize, Serialize};
use zxcvbn::feedback::{Suggestion, Warning};
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
    /// The main weakness, if zxcvbn names one (English: show it with
    /// `crate::i18n::localize`).
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
    /// The whole password is a well-known password (or one of the person's
    /// own names), however it is capitalised or spelled in l33t.
    pub common: bool,
}

impl Strength {
    /// The score's name in English; show it with `crate::i18n::t`.
    pub fn label(&self) -> &'static str {
        match self.score {
            0 => n_("Very weak"),
            1 => n_("Weak"),
            2 => n_("Fair"),
            3 => n_("Strong"),
            _ => n_("Very strong"),
        }
    }
}

/// zxcvbn's warning in its own English words, written here so the catalog
/// has their Chinese.
fn warning_text(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => n_("Straight rows of keys are easy to guess."),
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            n_("Short keyboard patterns are easy to guess.")
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => n_("Repeats like \"aaa\" are easy to guess."),
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            n_("Repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\".")
        }
        Warning::ThisIsATop10Password => n_("This is a top-10 common password."),
        Warning::ThisIsATop100Password => n_("This is a top-100 common password."),
        Warning::ThisIsACommonPassword => n_("This is a very common password."),
        Warning::ThisIsSimilarToACommonlyUsedPassword => {
            n_("This is similar to a commonly used password.")
        }
        Warning::SequencesLikeAbcAreEasyToGuess => {
            n_("Sequences like abc or 6543 are easy to guess.")
        }
        Warning::RecentYearsAreEasyToGuess => n_("Recent years are easy to guess."),
        Warning::AWordByItselfIsEasyToGuess => n_("A word by itself is easy to guess."),
        Warning::DatesAreOftenEasyToGuess => n_("Dates are often easy to guess."),
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            n_("Names and surnames by themselves are easy to guess.")
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            n_("Common names and surnames are easy to guess.")
        }
    }
}

/// zxcvbn's suggestion in its own English words (see `warning_text`).
fn suggestion_text(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => n_("Use a few words, avoid common phrases."),
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            n_("No need for symbols, digits, or uppercase letters.")
        }
        Suggestion::AddAnotherWordOrTwo => {
            n_("Add another word or two. Uncommon words are better.")
        }
        Suggestion::CapitalizationDoesntHelpVeryMuch => {
            n_("Capitalization doesn't help very much.")
        }
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            n_("All-uppercase is almost as easy to guess as all-lowercase.")
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => {
            n_("Reversed words aren't much harder to guess.")
        }
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            n_("Predictable substitutions like '@' instead of 'a' don't help very much.")
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            n_("Use a longer keyboard pattern with more turns.")
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => n_("Avoid repeated words and characters."),
        Suggestion::AvoidSequences => n_("Avoid sequences."),
        Suggestion::AvoidRecentYears => n_("Avoid recent years."),
        Suggestion::AvoidYearsThatAreAssociatedWithYou => {
            n_("Avoid years that are associated with you.")
        }
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            n_("Avoid dates and years that are associated with you.")
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
            matches!(&*format!("{:?}", d.dictionary_name), "Passwords" | "UserInputs")
                && m.token.chars().count() + COMMON_SLACK >= total
        }
        _ => false,
    });
    let (warning, suggestions) = match entropy.feedback() {
        Some(f) => (
            f.warning().map(|w| warning_text(w).to_owned()),
            f.suggestions().iter().map(|s| suggestion_text(*s).to_owned()).collect(),
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
    fn feedback_keeps_zxcvbns_words() {
        use Suggestion as S;
        use Warning as W;
        for w in [
            W::StraightRowsOfKeysAreEasyToGuess,
            W::ShortKeyboardPatternsAreEasyToGuess,
            W::RepeatsLikeAaaAreEasyToGuess,
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            W::ThisIsATop10Password,
            W::ThisIsATop100Password,
            W::ThisIsACommonPassword,
            W::ThisIsSimilarToACommonlyUsedPassword,
            W::SequencesLikeAbcAreEasyToGuess,
            W::RecentYearsAreEasyToGuess,
            W::AWordByItselfIsEasyToGuess,
            W::DatesAreOftenEasyToGuess,
            W::NamesAndSurnamesByThemselvesAreEasyToGuess,
            W::CommonNamesAndSurnamesAreEasyToGuess,
        ] {
            assert_eq!(warning_text(w), w.to_string());
        }
        for s in [
            S::UseAFewWordsAvoidCommonPhrases,
            S::NoNeedForSymbolsDigitsOrUppercaseLetters,
            S::AddAnotherWordOrTwo,
            S::CapitalizationDoesntHelpVeryMuch,
            S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
            S::ReversedWordsArentMuchHarderToGuess,
            S::PredictableSubstitutionsDontHelpVeryMuch,
            S::UseALongerKeyboardPatternWithMoreTurns,
            S::AvoidRepeatedWordsAndCharacters,
            S::AvoidSequences,
            S::AvoidRecentYears,
            S::AvoidYearsThatAreAssociatedWithYou,
            S::AvoidDatesAndYearsThatAreAssociatedWithYou,
        ] {
            assert_eq!(suggestion_text(s), s.to_string());
        }
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
