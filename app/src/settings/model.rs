use crate::common::{AppError, FieldErrors};
use crate::password::model::PasswordRules;
use serde::{Deserialize, Serialize};

/// A group of admin settings, read and written as one JSON object by
/// `GET/PATCH /api/v1/settings/setting/?category=<CATEGORY>`.
pub trait SettingsGroup:
    Serialize + serde::de::DeserializeOwned + Default + Clone + Send + Sync + 'static
{
    const CATEGORY: &'static str;
    /// Write-only settings of this group (stored encrypted, never shown).
    const SECRETS: &'static [&'static str];
    fn validate(&self) -> Result<(), AppError>;
}

impl SettingsGroup for SecuritySettings {
    const CATEGORY: &'static str = "security";
    const SECRETS: &'static [&'static str] = &[];

    fn validate(&self) -> Result<(), AppError> {
        SecuritySettings::validate(self)
    }
}

/// The security policy. Field names on the wire are JumpServer's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecuritySettings {
    /// 0 nobody is forced to use MFA, 1 everyone, 2 administrators.
    #[serde(rename = "SECURITY_MFA_AUTH")]
    pub mfa_policy: u8,
    /// The issuer authenticator apps show next to the code.
    #[serde(rename = "OTP_ISSUER_NAME")]
    pub otp_issuer: String,
    /// Accepted clock drift in 30-second steps, each way (0-2).
    #[serde(rename = "OTP_VALID_WINDOW")]
    pub otp_window: u8,
    /// Failed passwords (and, counted apart, failed MFA codes) before a user is blocked.
    #[serde(rename = "SECURITY_LOGIN_LIMIT_COUNT")]
    pub login_limit_count: u32,
    /// How long a user stays blocked, in minutes.
    #[serde(rename = "SECURITY_LOGIN_LIMIT_TIME")]
    pub login_limit_minutes: u32,
    /// Failed sign-ins from one IP address before it is blocked.
    #[serde(rename = "SECURITY_LOGIN_IP_LIMIT_COUNT")]
    pub ip_limit_count: u32,
    #[serde(rename = "SECURITY_LOGIN_IP_LIMIT_TIME")]
    pub ip_limit_minutes: u32,
    /// How long a confirmation with a second factor lasts, in minutes.
    #[serde(rename = "SECURITY_MFA_CONFIRM_TTL")]
    pub mfa_confirm_minutes: u32,
    /// Lifetime of API Bearer tokens, in seconds.
    #[serde(rename = "TOKEN_EXPIRATION")]
    pub token_lifetime_secs: u32,
    /// Minimum password length for people without a second factor.
    #[serde(rename = "SECURITY_PASSWORD_MIN_LENGTH")]
    pub password_min_length: u32,
    /// Minimum password length for people with a second factor.
    #[serde(rename = "SECURITY_PASSWORD_MIN_LENGTH_MFA")]
    pub password_min_length_mfa: u32,
    #[serde(rename = "SECURITY_PASSWORD_UPPER_CASE")]
    pub password_upper: bool,
    #[serde(rename = "SECURITY_PASSWORD_LOWER_CASE")]
    pub password_lower: bool,
    #[serde(rename = "SECURITY_PASSWORD_NUMBER")]
    pub password_digit: bool,
    #[serde(rename = "SECURITY_PASSWORD_SPECIAL_CHAR")]
    pub password_special: bool,
    /// The lowest strength (zxcvbn score 0-4) a new password may have.
    #[serde(rename = "SECURITY_PASSWORD_MIN_SCORE")]
    pub password_min_score: u8,
    /// How many earlier passwords may not be used again (0: no rule).
    #[serde(rename = "OLD_PASSWORD_HISTORY_LIMIT_COUNT")]
    pub password_history: u32,
    /// Days after which a password must be changed at the next sign-in (0: never).
    #[serde(rename = "SECURITY_PASSWORD_EXPIRATION_TIME")]
    pub password_expiry_days: u32,
    /// SSH public keys per user.
    #[serde(rename = "TERMINAL_SSH_KEY_LIMIT_COUNT")]
    pub ssh_key_limit: u32,
    /// Lifetime of a one-time connection token, in seconds.
    #[serde(rename = "CONNECTION_TOKEN_ONETIME_EXPIRATION")]
    pub connection_token_onetime_secs: u32,
    /// Lifetime of a reusable connection token, in seconds.
    #[serde(rename = "CONNECTION_TOKEN_REUSABLE_EXPIRATION")]
    pub connection_token_reusable_secs: u32,
    /// Whether people may make connection tokens reusable.
    #[serde(rename = "CONNECTION_TOKEN_REUSABLE")]
    pub connection_token_reusable: bool,
    /// Face recognition is offered as a second factor.
    #[serde(rename = "FACE_RECOGNITION_ENABLED")]
    pub face_enabled: bool,
    /// The lowest cosine similarity between a frame and the enrolled
    /// template that counts as the same person (0.5-0.95).
    #[serde(rename = "FACE_RECOGNITION_THRESHOLD")]
    pub face_threshold: f64,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            mfa_policy: 0,
            otp_issuer: Self::DEFAULT_ISSUER.into(),
            otp_window: 1,
            login_limit_count: 7,
            login_limit_minutes: 30,
            ip_limit_count: 50,
            ip_limit_minutes: 30,
            mfa_confirm_minutes: 10,
            token_lifetime_secs: 24 * 3600,
            // NIST SP 800-63B-4: 15 with a password alone, 8 as part of MFA.
            password_min_length: 15,
            password_min_length_mfa: 8,
            password_upper: false,
            password_lower: false,
            password_digit: false,
            password_special: false,
            password_min_score: 2,
            password_history: 5,
            password_expiry_days: 0,
            ssh_key_limit: 10,
            connection_token_onetime_secs: 5 * 60,
            connection_token_reusable_secs: 30 * 24 * 3600,
            connection_token_reusable: false,
            face_enabled: false,
            face_threshold: Self::DEFAULT_FACE_THRESHOLD,
        }
    }
}

fn range(fields: &mut FieldErrors, name: &str, value: u32, low: u32, high: u32) {
    if !(low..=high).contains(&value) {
        fields.insert(name.into(), format!("Enter a number from {low} to {high}."));
    }
}

impl SecuritySettings {
    pub const DEFAULT_ISSUER: &'static str = "Bastion Profile";
    /// A password confirmation lasts this long (fixed, as in JumpServer).
    pub const PASSWORD_CONFIRM_SECS: i64 = 300;
    /// Measured on the packaged test photos (see the README's face section):
    /// the same person scores 0.74-0.78 across photos, different people at
    /// most 0.43.
    pub const DEFAULT_FACE_THRESHOLD: f64 = 0.55;
    pub const FACE_THRESHOLD_RANGE: (f64, f64) = (0.5, 0.95);

    /// The password policy for one person.
    pub fn password_rules(&self, has_mfa: bool, personal: Vec<String>) -> PasswordRules {
        let min = if has_mfa { self.password_min_length_mfa } else { self.password_min_length };
        PasswordRules {
            min_length: usize::try_from(min).unwrap_or(64),
            min_length_mfa: usize::try_from(self.password_min_length_mfa).unwrap_or(64),
            require_upper: self.password_upper,
            require_lower: self.password_lower,
            require_digit: self.password_digit,
            require_special: self.password_special,
            min_score: self.password_min_score,
            history: self.password_history,
            expiry_days: self.password_expiry_days,
            has_mfa,
            personal,
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        let mut f = FieldErrors::new();
        if self.mfa_policy > 2 {
            f.insert(
                "SECURITY_MFA_AUTH".into(),
                "Choose 0 (nobody), 1 (everyone) or 2 (administrators).".into(),
            );
        }
        let issuer_chars = self.otp_issuer.chars().count();
        if self.otp_issuer.trim().is_empty() || issuer_chars > 16 {
            f.insert("OTP_ISSUER_NAME".into(), "Enter 1 to 16 characters.".into());
        } else if self.otp_issuer.contains(':') || self.otp_issuer.chars().any(char::is_control) {
            f.insert("OTP_ISSUER_NAME".into(), "The issuer cannot contain a colon.".into());
        }
        range(&mut f, "OTP_VALID_WINDOW", u32::from(self.otp_window), 0, 2);
        range(&mut f, "SECURITY_LOGIN_LIMIT_COUNT", self.login_limit_count, 1, 100);
        range(&mut f, "SECURITY_LOGIN_LIMIT_TIME", self.login_limit_minutes, 1, 1440);
        range(&mut f, "SECURITY_LOGIN_IP_LIMIT_COUNT", self.ip_limit_count, 1, 10_000);
        range(&mut f, "SECURITY_LOGIN_IP_LIMIT_TIME", self.ip_limit_minutes, 1, 1440);
        range(&mut f, "SECURITY_MFA_CONFIRM_TTL", self.mfa_confirm_minutes, 1, 60);
        range(&mut f, "TOKEN_EXPIRATION", self.token_lifetime_secs, 300, 30 * 24 * 3600);
        range(&mut f, "SECURITY_PASSWORD_MIN_LENGTH", self.password_min_length, 6, 64);
        range(&mut f, "SECURITY_PASSWORD_MIN_LENGTH_MFA", self.password_min_length_mfa, 6, 64);
        range(&mut f, "SECURITY_PASSWORD_MIN_SCORE", u32::from(self.password_min_score), 0, 4);
        range(&mut f, "OLD_PASSWORD_HISTORY_LIMIT_COUNT", self.password_history, 0, 30);
        range(&mut f, "SECURITY_PASSWORD_EXPIRATION_TIME", self.password_expiry_days, 0, 9999);
        range(&mut f, "TERMINAL_SSH_KEY_LIMIT_COUNT", self.ssh_key_limit, 1, 100);
        range(
            &mut f,
            "CONNECTION_TOKEN_ONETIME_EXPIRATION",
            self.connection_token_onetime_secs,
            60,
            3600,
        );
        range(
            &mut f,
            "CONNECTION_TOKEN_REUSABLE_EXPIRATION",
            self.connection_token_reusable_secs,
            3600,
            365 * 24 * 3600,
        );
        let (low, high) = Self::FACE_THRESHOLD_RANGE;
        if !(low..=high).contains(&self.face_threshold) {
            f.insert(
                "FACE_RECOGNITION_THRESHOLD".into(),
                "Enter a number from 0.5 to 0.95.".into(),
            );
        }
        if f.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid_fields(f))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_name_their_setting() {
        assert!(SecuritySettings::default().validate().is_ok());
        let bad =
            SecuritySettings { otp_window: 3, otp_issuer: "a:b".into(), ..Default::default() };
        let err = bad.validate().unwrap_err();
        assert!(err.field("OTP_VALID_WINDOW").is_some());
        assert!(err.field("OTP_ISSUER_NAME").is_some());
    }

    #[test]
    fn wire_names_are_jumpservers() {
        let json = serde_json::to_value(SecuritySettings::default()).unwrap();
        assert_eq!(json["SECURITY_MFA_AUTH"], 0);
        assert_eq!(json["OTP_ISSUER_NAME"], "Bastion Profile");
        let partial: SecuritySettings = serde_json::from_str(r#"{"OTP_VALID_WINDOW": 2}"#).unwrap();
        assert_eq!(partial.otp_window, 2);
        assert_eq!(partial.login_limit_count, 7);
    }
}
