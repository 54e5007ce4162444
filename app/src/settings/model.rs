use crate::common::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};

/// The security policy. Field names on the wire are JumpServer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
