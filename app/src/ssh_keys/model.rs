use crate::common::{AppError, FieldErrors, Timestamp};
use crate::i18n::n_;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A key as the API and the page show it. The key text itself is
/// write-only (JumpServer's rule); the page downloads it on request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SshKeyRecord {
    pub id: Uuid,
    pub name: String,
    pub comment: String,
    /// `ED25519`, `ECDSA` or `RSA`, as `ssh-keygen -l` prints it.
    pub key_type: String,
    pub bits: u32,
    /// `SHA256:<base64>`, exactly as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// `MD5:aa:bb:...`, the form JumpServer shows.
    pub fingerprint_md5: String,
    pub is_active: bool,
    pub date_created: Timestamp,
    pub date_last_used: Option<Timestamp>,
}

/// Kinds of key pair the server generates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum GeneratedKind {
    #[default]
    Ed25519,
    /// RSA 3072, for the few systems without Ed25519.
    Rsa,
}

/// `POST /api/v1/authentication/ssh-key/`: a pasted public key
/// (`public_key_option` `input`, the default) or a generated pair (`auto`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewSshKey {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub public_key: String,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default)]
    pub public_key_option: KeyOption,
    #[serde(default)]
    pub key_type: GeneratedKind,
}

fn yes() -> bool {
    true
}

impl std::fmt::Debug for NewSshKey {
    // A pasted private key must never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSshKey")
            .field("name", &self.name)
            .field("public_key_option", &self.public_key_option)
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum KeyOption {
    #[default]
    Input,
    Auto,
}

/// What a create answers: the key, and for a generated pair the private
/// key in OpenSSH format, this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedSshKey {
    #[serde(flatten)]
    pub key: SshKeyRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
}

impl std::fmt::Debug for CreatedSshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedSshKey").field("key", &self.key).finish_non_exhaustive()
    }
}

/// `PATCH /api/v1/authentication/ssh-key/{id}/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SshKeyPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Refused when present: a key's material never changes.
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub public_key: Option<serde::de::IgnoredAny>,
}

pub const MAX_NAME_CHARS: usize = 128;
pub const MAX_COMMENT_CHARS: usize = 512;

fn text_rule(
    fields: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        fields.insert(field.into(), n_("Enter a name.").into());
    } else if trimmed.chars().count() > max {
        fields.insert(field.into(), format!("Use at most {max} characters."));
    } else if trimmed.chars().any(char::is_control) {
        fields.insert(field.into(), n_("Use a single line of text.").into());
    }
    trimmed.to_owned()
}

impl NewSshKey {
    /// The shape checks; the key itself is parsed on the server.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut f = FieldErrors::new();
        text_rule(&mut f, "name", &self.name, MAX_NAME_CHARS, false);
        text_rule(&mut f, "comment", &self.comment, MAX_COMMENT_CHARS, false);
        if self.public_key_option == KeyOption::Input && self.public_key.trim().is_empty() {
            f.insert(
                "public_key".into(),
                n_("Paste a public key (the contents of a .pub file).").into(),
            );
        }
        if f.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid_fields(f))
        }
    }
}

impl SshKeyPatch {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut f = FieldErrors::new();
        if let Some(name) = &self.name {
            text_rule(&mut f, "name", name, MAX_NAME_CHARS, true);
        }
        if let Some(comment) = &self.comment {
            text_rule(&mut f, "comment", comment, MAX_COMMENT_CHARS, false);
        }
        if self.public_key.is_some() {
            f.insert(
                "public_key".into(),
                n_("A key cannot be replaced; add the new key and delete the old one.").into(),
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
    fn a_pasted_key_is_required_unless_generated() {
        let empty = NewSshKey { is_active: true, ..Default::default() };
        assert!(empty.validate().unwrap_err().field("public_key").is_some());
        let auto = NewSshKey { public_key_option: KeyOption::Auto, ..Default::default() };
        assert!(auto.validate().is_ok());
    }

    #[test]
    fn debug_never_shows_the_pasted_text() {
        let k = NewSshKey {
            public_key: "-----BEGIN OPENSSH PRIVATE KEY-----".into(),
            ..Default::default()
        };
        assert!(!format!("{k:?}").contains("PRIVATE"));
    }

    #[test]
    fn patch_refuses_new_key_material_and_bad_names() {
        let p: SshKeyPatch = serde_json::from_str(r#"{"public_key":"ssh-ed25519 AAAA"}"#).unwrap();
        assert!(p.validate().unwrap_err().field("public_key").is_some());
        let p = SshKeyPatch { name: Some("  ".into()), ..Default::default() };
        assert!(p.validate().unwrap_err().field("name").is_some());
        let p = SshKeyPatch {
            name: Some("laptop".into()),
            is_active: Some(false),
            ..Default::default()
        };
        assert!(p.validate().is_ok());
    }

    #[test]
    fn create_defaults_match_jumpserver() {
        let k: NewSshKey = serde_json::from_str(r#"{"public_key":"x"}"#).unwrap();
        assert!(k.is_active);
        assert_eq!(k.public_key_option, KeyOption::Input);
        assert_eq!(k.key_type, GeneratedKind::Ed25519);
    }
}
