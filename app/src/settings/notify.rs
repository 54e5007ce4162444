//! Admin settings for sending: the mail server, the SMS provider, IM robot
//! webhooks, and the rules of emailed and texted codes. Field names on the
//! wire are JumpServer's where it has one. Credentials (passwords, tokens,
//! webhook URLs, which are credentials too) are write-only: they are not
//! fields here but [`SettingsGroup::SECRETS`], set through [`SecretChanges`].

use super::model::SettingsGroup;
use crate::common::validate::Email;
use crate::common::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// New values for write-only settings: a name with text sets it, a name with
/// an empty string clears it, a name left out keeps what is stored.
pub type SecretChanges = BTreeMap<String, String>;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSecurity {
    None,
    StartTls,
    Tls,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    #[serde(rename = "EMAIL_HOST")]
    pub host: String,
    #[serde(rename = "EMAIL_PORT")]
    pub port: u16,
    #[serde(rename = "EMAIL_HOST_USER")]
    pub username: String,
    #[serde(rename = "EMAIL_FROM")]
    pub from: String,
    /// Implicit TLS from the first byte (usually port 465).
    #[serde(rename = "EMAIL_USE_SSL")]
    pub use_ssl: bool,
    /// STARTTLS after connecting (usually port 587).
    #[serde(rename = "EMAIL_USE_TLS")]
    pub use_tls: bool,
    #[serde(rename = "EMAIL_SUBJECT_PREFIX")]
    pub subject_prefix: String,
    /// Codes by email as a second factor (off by default).
    #[serde(rename = "SECURITY_MFA_BY_EMAIL")]
    pub mfa_by_email: bool,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            host: String::new(),
            port: 25,
            username: String::new(),
            from: String::new(),
            use_ssl: false,
            use_tls: false,
            subject_prefix: "[Bastion Profile] ".into(),
            mfa_by_email: false,
        }
    }
}

impl MailSettings {
    pub const PASSWORD: &'static str = "EMAIL_HOST_PASSWORD";

    pub fn security(&self) -> MailSecurity {
        match (self.use_ssl, self.use_tls) {
            (true, _) => MailSecurity::Tls,
            (false, true) => MailSecurity::StartTls,
            (false, false) => MailSecurity::None,
        }
    }

    /// A server and a sender are set: mail can be sent.
    pub fn configured(&self) -> bool {
        !self.host.trim().is_empty() && !self.from.trim().is_empty()
    }
}

/// A host name or an IP address, as typed into a settings form.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// An http(s) URL without spaces.
pub fn valid_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

impl SettingsGroup for MailSettings {
    const CATEGORY: &'static str = "email";
    const SECRETS: &'static [&'static str] = &[Self::PASSWORD];

    fn validate(&self) -> Result<(), AppError> {
        let mut f = FieldErrors::new();
        let host = self.host.trim();
        if !host.is_empty() && !valid_host(host) {
            f.insert("EMAIL_HOST".into(), "Enter a host name or an IP address.".into());
        }
        if self.port == 0 {
            f.insert("EMAIL_PORT".into(), "Enter a port from 1 to 65535.".into());
        }
        if !self.from.trim().is_empty() {
            if let Err(e) = Email::parse(&self.from) {
                f.insert("EMAIL_FROM".into(), e.0);
            }
        } else if !host.is_empty() {
            f.insert("EMAIL_FROM".into(), "Enter the address messages come from.".into());
        }
        if self.use_ssl && self.use_tls {
            f.insert("EMAIL_USE_TLS".into(), "Choose TLS or STARTTLS, not both.".into());
        }
        if self.subject_prefix.chars().count() > 64 || self.subject_prefix.contains(['\r', '\n']) {
            f.insert(
                "EMAIL_SUBJECT_PREFIX".into(),
                "Enter at most 64 characters on one line.".into(),
            );
        }
        if self.mfa_by_email && !self.configured() {
            f.insert(
                "SECURITY_MFA_BY_EMAIL".into(),
                "Set up the mail server first: codes could not be sent.".into(),
            );
        }
        finish(f)
    }
}

fn finish(f: FieldErrors) -> Result<(), AppError> {
    if f.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(f))
    }
}

/// Which SMS provider sends texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsBackend {
    /// Any HTTP gateway: a URL, a method, headers and a body template.
    Custom,
    /// Twilio's Messages API (or a service that speaks it).
    Twilio,
}

impl SmsBackend {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "custom" => Some(SmsBackend::Custom),
            "twilio" => Some(SmsBackend::Twilio),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmsSettings {
    #[serde(rename = "SMS_ENABLED")]
    pub enabled: bool,
    /// `custom` or `twilio`.
    #[serde(rename = "SMS_BACKEND")]
    pub backend: String,
    /// Digits in an emailed or texted code (4-16).
    #[serde(rename = "SMS_CODE_LENGTH")]
    pub code_length: u8,
    /// How long an emailed or texted code stays valid, in seconds.
    #[serde(rename = "VERIFY_CODE_TTL")]
    pub code_ttl_secs: u32,
    #[serde(rename = "CUSTOM_SMS_URL")]
    pub custom_url: String,
    /// `POST` or `GET` (a GET sends the template as the query string).
    #[serde(rename = "CUSTOM_SMS_REQUEST_METHOD")]
    pub custom_method: String,
    /// The body, with `{phone}` and `{code}` filled in.
    #[serde(rename = "CUSTOM_SMS_API_PARAMS")]
    pub custom_template: String,
    #[serde(rename = "CUSTOM_SMS_CONTENT_TYPE")]
    pub custom_content_type: String,
    /// When set, a reply counts as sent only if its body contains this text.
    #[serde(rename = "CUSTOM_SMS_SUCCESS_TEXT")]
    pub custom_success_text: String,
    #[serde(rename = "TWILIO_ACCOUNT_SID")]
    pub twilio_sid: String,
    #[serde(rename = "TWILIO_FROM_NUMBER")]
    pub twilio_from: String,
    #[serde(rename = "TWILIO_BASE_URL")]
    pub twilio_base_url: String,
}

impl Default for SmsSettings {
    fn default() -> Self {
        SmsSettings {
            enabled: false,
            backend: "custom".into(),
            code_length: 6,
            code_ttl_secs: 300,
            custom_url: String::new(),
            custom_method: "POST".into(),
            custom_template: r#"{"phone": "{phone}", "code": "{code}"}"#.into(),
            custom_content_type: "application/json".into(),
            custom_success_text: String::new(),
            twilio_sid: String::new(),
            twilio_from: String::new(),
            twilio_base_url: "https://api.twilio.com".into(),
        }
    }
}

impl SmsSettings {
    /// `Name: value` lines sent with every gateway request (API keys go here).
    pub const CUSTOM_HEADERS: &'static str = "CUSTOM_SMS_HEADERS";
    pub const TWILIO_TOKEN: &'static str = "TWILIO_AUTH_TOKEN";

    pub fn backend(&self) -> SmsBackend {
        SmsBackend::parse(&self.backend).unwrap_or(SmsBackend::Custom)
    }

    /// The provider's own fields are filled in (secrets are checked apart).
    pub fn provider_configured(&self) -> bool {
        match self.backend() {
            SmsBackend::Custom => !self.custom_url.is_empty(),
            SmsBackend::Twilio => !self.twilio_sid.is_empty() && !self.twilio_from.is_empty(),
        }
    }
}

/// A phone number as Twilio and most gateways want it: `+` and digits.
fn valid_e164(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or("");
    (6..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

impl SettingsGroup for SmsSettings {
    const CATEGORY: &'static str = "sms";
    const SECRETS: &'static [&'static str] = &[Self::CUSTOM_HEADERS, Self::TWILIO_TOKEN];

    fn validate(&self) -> Result<(), AppError> {
        let mut f = FieldErrors::new();
        let backend = SmsBackend::parse(&self.backend);
        if backend.is_none() {
            f.insert("SMS_BACKEND".into(), "Choose custom or twilio.".into());
        }
        if !(4..=16).contains(&self.code_length) {
            f.insert("SMS_CODE_LENGTH".into(), "Enter a number from 4 to 16.".into());
        }
        if !(60..=3600).contains(&self.code_ttl_secs) {
            f.insert("VERIFY_CODE_TTL".into(), "Enter a number of seconds from 60 to 3600.".into());
        }
        if !self.custom_url.is_empty() && !valid_http_url(&self.custom_url) {
            f.insert("CUSTOM_SMS_URL".into(), "Enter an http:// or https:// URL.".into());
        }
        if !matches!(self.custom_method.as_str(), "POST" | "GET") {
            f.insert("CUSTOM_SMS_REQUEST_METHOD".into(), "Choose POST or GET.".into());
        }
        if backend == Some(SmsBackend::Custom)
            && !self.custom_url.is_empty()
            && !self.custom_template.contains("{code}")
        {
            f.insert(
                "CUSTOM_SMS_API_PARAMS".into(),
                "The template must contain {code} (and usually {phone}).".into(),
            );
        }
        if self.custom_content_type.contains(['\r', '\n']) || self.custom_content_type.len() > 100 {
            f.insert(
                "CUSTOM_SMS_CONTENT_TYPE".into(),
                "Enter a media type such as application/json.".into(),
            );
        }
        let sid_ok = self.twilio_sid.len() <= 64
            && self.twilio_sid.chars().all(|c| c.is_ascii_alphanumeric());
        if !sid_ok {
            f.insert(
                "TWILIO_ACCOUNT_SID".into(),
                "Enter the account SID (letters and digits).".into(),
            );
        }
        if !self.twilio_from.is_empty() && !valid_e164(&self.twilio_from) {
            f.insert(
                "TWILIO_FROM_NUMBER".into(),
                "Enter the number as + and 6 to 15 digits.".into(),
            );
        }
        if !valid_http_url(&self.twilio_base_url) {
            f.insert("TWILIO_BASE_URL".into(), "Enter an http:// or https:// URL.".into());
        }
        if self.enabled && backend.is_some() && !self.provider_configured() {
            f.insert("SMS_ENABLED".into(), "Fill in the provider's settings first.".into());
        }
        finish(f)
    }
}

/// IM robots that can post notifications. The webhook URLs carry their own
/// credential, so they are all write-only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImSettings {}

impl SettingsGroup for ImSettings {
    const CATEGORY: &'static str = "im";
    const SECRETS: &'static [&'static str] = &[
        "DINGTALK_WEBHOOK_URL",
        "WECOM_WEBHOOK_URL",
        "FEISHU_WEBHOOK_URL",
        "LARK_WEBHOOK_URL",
        "SLACK_WEBHOOK_URL",
    ];

    fn validate(&self) -> Result<(), AppError> {
        Ok(())
    }
}

/// Checks new values of write-only settings: each must be one of `names`,
/// webhook URLs must be URLs, header lines must be `Name: value`.
pub fn validate_secrets(names: &[&str], changes: &SecretChanges) -> Result<(), AppError> {
    let mut f = FieldErrors::new();
    for (name, value) in changes {
        if !names.contains(&name.as_str()) {
            f.insert(name.clone(), "This is not a setting of this section.".into());
        } else if value.is_empty() {
            continue;
        } else if value.len() > 4096 {
            f.insert(name.clone(), "Enter at most 4096 characters.".into());
        } else if name.ends_with("_WEBHOOK_URL") && !valid_http_url(value) {
            f.insert(name.clone(), "Enter the robot's http:// or https:// webhook URL.".into());
        } else if name == SmsSettings::CUSTOM_HEADERS && parse_header_lines(value).is_none() {
            f.insert(name.clone(), "Enter one `Name: value` header a line.".into());
        } else if name != SmsSettings::CUSTOM_HEADERS && value.contains(['\r', '\n']) {
            f.insert(name.clone(), "Enter it on one line.".into());
        }
    }
    finish(f)
}

/// `Name: value` lines as pairs; `None` when a line is not a header.
pub fn parse_header_lines(text: &str) -> Option<Vec<(String, String)>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (name, value) = line.split_once(':')?;
            let name = name.trim();
            let token = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_!#$%&'*+.^`|~".contains(c));
            token.then(|| (name.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// What the notification settings page edits, with which secrets are stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub mail: MailSettings,
    pub sms: SmsSettings,
    /// Names of the write-only settings that have a value.
    pub secrets_set: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_email_mfa_needs_a_server() {
        assert!(MailSettings::default().validate().is_ok());
        assert!(SmsSettings::default().validate().is_ok());
        let bad = MailSettings { mfa_by_email: true, ..Default::default() };
        assert!(bad.validate().unwrap_err().field("SECURITY_MFA_BY_EMAIL").is_some());
        let both = MailSettings {
            host: "smtp.example.com".into(),
            from: "ops@example.com".into(),
            use_ssl: true,
            use_tls: true,
            ..Default::default()
        };
        assert!(both.validate().unwrap_err().field("EMAIL_USE_TLS").is_some());
    }

    #[test]
    fn sms_rules_name_their_setting() {
        let bad = SmsSettings {
            code_length: 3,
            code_ttl_secs: 10,
            backend: "carrier-pigeon".into(),
            custom_url: "ftp://x".into(),
            ..Default::default()
        };
        let err = bad.validate().unwrap_err();
        for name in ["SMS_CODE_LENGTH", "VERIFY_CODE_TTL", "SMS_BACKEND", "CUSTOM_SMS_URL"] {
            assert!(err.field(name).is_some(), "{name}");
        }
        let enabled_empty = SmsSettings { enabled: true, ..Default::default() };
        assert!(enabled_empty.validate().unwrap_err().field("SMS_ENABLED").is_some());
    }

    #[test]
    fn secrets_are_checked_by_kind() {
        let mut changes = SecretChanges::new();
        changes.insert("SLACK_WEBHOOK_URL".into(), "not a url".into());
        changes.insert("NOPE".into(), "x".into());
        let err = validate_secrets(ImSettings::SECRETS, &changes).unwrap_err();
        assert!(err.field("SLACK_WEBHOOK_URL").is_some());
        assert!(err.field("NOPE").is_some());
        let headers = parse_header_lines("Authorization: Bearer abc\nX-Key: 1").unwrap();
        assert_eq!(headers[0], ("Authorization".into(), "Bearer abc".into()));
        assert!(parse_header_lines("no colon here").is_none());
    }
}
