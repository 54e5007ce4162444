use crate::common::ip::parse_allowlist;
use crate::common::{AppError, FieldErrors, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A key as the list shows it: the id is the AccessKeyID; the secret never
/// appears after the create response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccessKeyRecord {
    pub id: Uuid,
    /// Who may use it: `*`, addresses, CIDR blocks, `first-last` ranges.
    pub ip_group: Vec<String>,
    pub is_active: bool,
    pub date_created: Timestamp,
    pub date_last_used: Option<Timestamp>,
}

/// The create response: the record and its secret, this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedAccessKey {
    #[serde(flatten)]
    pub key: AccessKeyRecord,
    pub secret: String,
}

impl std::fmt::Debug for CreatedAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedAccessKey").field("key", &self.key).finish_non_exhaustive()
    }
}

/// `POST /api/v1/authentication/access-keys/`; every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewAccessKey {
    #[serde(default = "everyone")]
    pub ip_group: Vec<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
}

impl Default for NewAccessKey {
    fn default() -> Self {
        NewAccessKey { ip_group: everyone(), is_active: true }
    }
}

fn everyone() -> Vec<String> {
    vec!["*".into()]
}

fn yes() -> bool {
    true
}

/// `PATCH /api/v1/authentication/access-keys/{id}/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccessKeyPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_group: Option<Vec<String>>,
}

pub const MAX_ALLOWLIST_ENTRIES: usize = 64;

fn check_allowlist(fields: &mut FieldErrors, entries: &[String]) -> Vec<String> {
    if entries.len() > MAX_ALLOWLIST_ENTRIES {
        fields.insert("ip_group".into(), format!("At most {MAX_ALLOWLIST_ENTRIES} entries."));
        return Vec::new();
    }
    match parse_allowlist(entries) {
        Ok(cleaned) => cleaned,
        Err(problems) => {
            fields.insert("ip_group".into(), problems.join(" "));
            Vec::new()
        }
    }
}

fn done<T>(fields: FieldErrors, value: T) -> Result<T, AppError> {
    if fields.is_empty() {
        Ok(value)
    } else {
        Err(AppError::invalid_fields(fields))
    }
}

impl NewAccessKey {
    /// The key with its allowlist cleaned (trimmed, empty entries dropped).
    pub fn validate(&self) -> Result<NewAccessKey, AppError> {
        let mut f = FieldErrors::new();
        let ip_group = check_allowlist(&mut f, &self.ip_group);
        done(f, NewAccessKey { ip_group, is_active: self.is_active })
    }
}

impl AccessKeyPatch {
    pub fn validate(&self) -> Result<AccessKeyPatch, AppError> {
        let mut f = FieldErrors::new();
        let ip_group = self.ip_group.as_ref().map(|g| check_allowlist(&mut f, g));
        done(f, AccessKeyPatch { ip_group, is_active: self.is_active })
    }
}

/// Splits what a person typed (commas, spaces or new lines) into entries.
pub fn split_allowlist(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_allow_everyone_and_bad_entries_are_refused() {
        let new: NewAccessKey = serde_json::from_str("{}").unwrap();
        assert_eq!(new.ip_group, vec!["*"]);
        assert!(new.is_active);
        let bad = NewAccessKey { ip_group: vec!["10.0.0.0/40".into()], is_active: true };
        assert!(bad.validate().unwrap_err().field("ip_group").unwrap().contains("at most 32"));
        let patch = AccessKeyPatch { ip_group: Some(vec![]), is_active: None };
        assert!(patch.validate().is_err(), "an empty allowlist would lock the key out silently");
    }

    #[test]
    fn typed_lists_split_on_commas_spaces_and_lines() {
        assert_eq!(
            split_allowlist("10.0.0.1, 10.0.0.0/8\n::1"),
            vec!["10.0.0.1", "10.0.0.0/8", "::1"]
        );
    }
}
