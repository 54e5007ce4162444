use crate::i18n::{n_, t, tf};
use serde::{Deserialize, Serialize};

/// A kind of second factor, in JumpServer's names where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaKind {
    /// An authenticator app (TOTP, RFC 6238).
    Otp,
    /// One of the single-use recovery codes.
    Recovery,
    /// A code sent by email.
    Email,
    /// A code sent by SMS to the confirmed phone number.
    Sms,
    /// The enrolled face, seen by the camera (the response is the id of an
    /// attempt the server saw match).
    Face,
}

impl MfaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MfaKind::Otp => "otp",
            MfaKind::Recovery => "recovery",
            MfaKind::Email => "email",
            MfaKind::Sms => "sms",
            MfaKind::Face => "face",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "otp" => Some(MfaKind::Otp),
            "recovery" | "recovery_code" => Some(MfaKind::Recovery),
            "email" => Some(MfaKind::Email),
            "sms" => Some(MfaKind::Sms),
            "face" => Some(MfaKind::Face),
            _ => None,
        }
    }

    /// The kind's name in English (server messages are made with it); show
    /// it with `crate::i18n::t`.
    pub fn label(self) -> &'static str {
        match self {
            MfaKind::Otp => n_("Authenticator app"),
            MfaKind::Recovery => n_("Recovery code"),
            MfaKind::Email => n_("Email code"),
            MfaKind::Sms => n_("SMS code"),
            MfaKind::Face => n_("Face recognition"),
        }
    }

    /// What the code field asks for, in English; show it with `crate::i18n::t`.
    pub fn prompt(self) -> &'static str {
        match self {
            MfaKind::Otp => n_("The 6-digit code your authenticator app shows now."),
            MfaKind::Recovery => n_("One of the recovery codes you saved (each works once)."),
            MfaKind::Email => n_("Send a code to your email address, then enter it here."),
            MfaKind::Sms => n_("Send a code to your phone, then enter it here."),
            MfaKind::Face => n_("Look at your camera: the page checks your face."),
        }
    }

    /// The server sends this factor's code on request.
    pub fn is_sent(self) -> bool {
        matches!(self, MfaKind::Email | MfaKind::Sms)
    }
}

/// Rules of emailed and texted codes that do not change with settings.
pub struct SentCodes;

impl SentCodes {
    /// A new code may be asked for this long after the last one.
    pub const RESEND_SECS: u32 = 60;
    /// Wrong tries one code survives.
    pub const MAX_TRIES: u32 = 5;
}

/// A code was sent: where (masked), for how long, when to offer another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    /// `a***@example.com`, `+86 *** **** 8000`: enough to recognise it.
    pub sent_to: String,
    pub ttl_secs: u32,
    pub resend_after_secs: u32,
}

/// The parts of an email address or a phone number a person may see while
/// not fully signed in.
pub fn mask_target(target: &str) -> String {
    if let Some((local, domain)) = target.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits: Vec<char> = target.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("*** {tail}")
}

/// The user's second factors, for the profile's authentication panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaStatus {
    pub otp_bound: bool,
    pub recovery_codes_left: u32,
    /// MFA is required for this user (by policy or by an administrator).
    pub forced: bool,
    pub active: Vec<MfaKind>,
    /// An administrator offers codes by email (and the account has an address).
    pub email_offered: bool,
    /// An administrator offers codes by SMS.
    pub sms_offered: bool,
    /// The confirmed number SMS codes go to.
    pub sms_phone: Option<String>,
    /// An administrator offers face recognition and its models work.
    pub face_offered: bool,
    pub face_enrolled: bool,
}

impl MfaStatus {
    /// At or under this many unused recovery codes, the profile warns.
    pub const LOW_RECOVERY_CODES: u32 = 3;
}

/// A TOTP secret waiting to be confirmed with a first code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrollment {
    /// The QR code of `otpauth_url`, as an SVG document.
    pub qr_svg: String,
    /// Base32, for typing into an app that cannot scan.
    pub secret: String,
    pub otpauth_url: String,
    pub issuer: String,
    pub account: String,
    /// Rebinding replaces an authenticator that is already bound.
    pub rebinding: bool,
}

impl std::fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpEnrollment").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

/// Fresh recovery codes, shown exactly once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes(pub Vec<String>);

impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCodes(<{} redacted>)", self.0.len())
    }
}

impl RecoveryCodes {
    /// The text of the download: one code a line, with a heading (in the
    /// page's language).
    pub fn as_text(&self, account: &str) -> String {
        let mut text = tf("Bastion Profile recovery codes for {account}", &[("account", account)]);
        text.push('\n');
        text.push_str(t("Each code works once. Keep them somewhere safe."));
        text.push_str("\n\n");
        for code in &self.0 {
            text.push_str(code);
            text.push('\n');
        }
        text
    }
}

/// How the signed-in user can confirm it is them (re-authentication).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmOptions {
    /// `password` or `mfa`: what the pending action asks for.
    pub required: String,
    pub password_allowed: bool,
    pub mfa: Vec<MfaKind>,
}

/// Digits and spaces people type or paste: `123 456` is `123456`.
pub fn normalize_code(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in [MfaKind::Otp, MfaKind::Recovery, MfaKind::Email, MfaKind::Sms, MfaKind::Face] {
            assert_eq!(MfaKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MfaKind::parse("voice"), None);
    }

    #[test]
    fn targets_are_masked() {
        assert_eq!(mask_target("ann@example.com"), "a***@example.com");
        assert_eq!(mask_target("+86 138 0013 8000"), "*** 8000");
        assert_eq!(mask_target("12"), "*** 12");
    }

    #[test]
    fn codes_lose_spaces_and_dashes() {
        assert_eq!(normalize_code(" 123 456 "), "123456");
        assert_eq!(normalize_code("abcd-efgh"), "ABCDEFGH");
    }

    #[test]
    fn recovery_codes_never_print_in_debug() {
        let codes = RecoveryCodes(vec!["SECRET1".into()]);
        assert!(!format!("{codes:?}").contains("SECRET1"));
        assert!(codes.as_text("ann").contains("SECRET1\n"));
    }
}
