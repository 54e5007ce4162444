use crate::auth::Role;
use crate::common::validate::{PersonName, Phone, Wechat};
use crate::common::{AppError, FieldErrors, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The account as its owner sees it, in JumpServer's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Profile {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub wechat: String,
    pub role: Role,
    pub source: String,
    pub is_active: bool,
    pub date_joined: Timestamp,
    pub last_login: Option<Timestamp>,
    pub date_password_last_updated: Option<Timestamp>,
    pub date_expired: Option<Timestamp>,
    pub comment: String,
    /// 0 off, 1 on, 2 forced by an admin or by policy.
    pub mfa_level: i16,
    pub mfa_enabled: bool,
    pub mfa_force_enabled: bool,
    pub is_otp_secret_key_bound: bool,
    pub is_face_code_set: bool,
}

/// What the owner asked to change; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<String>,
    /// 0 off or 1 on; 2 is an administrator's to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_level: Option<i16>,
}

/// A validated `ProfileUpdate`: every present field already meets its rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub name: Option<PersonName>,
    /// `Some(None)` clears the phone.
    pub phone: Option<Option<Phone>>,
    pub wechat: Option<Wechat>,
    pub mfa_level: Option<i16>,
}

impl ProfileUpdate {
    pub fn validate(&self) -> Result<ProfileChanges, AppError> {
        let mut fields = FieldErrors::new();
        let mut changes = ProfileChanges::default();
        if let Some(raw) = &self.name {
            match PersonName::parse(raw) {
                Ok(v) => changes.name = Some(v),
                Err(e) => {
                    fields.insert("name".into(), e.0);
                }
            }
        }
        if let Some(raw) = &self.phone {
            match Phone::parse_optional(raw) {
                Ok(v) => changes.phone = Some(v),
                Err(e) => {
                    fields.insert("phone".into(), e.0);
                }
            }
        }
        if let Some(raw) = &self.wechat {
            match Wechat::parse(raw) {
                Ok(v) => changes.wechat = Some(v),
                Err(e) => {
                    fields.insert("wechat".into(), e.0);
                }
            }
        }
        if let Some(level) = self.mfa_level {
            if matches!(level, 0 | 1) {
                changes.mfa_level = Some(level);
            } else {
                fields.insert(
                    "mfa_level".into(),
                    crate::i18n::n_("Choose 0 (off) or 1 (on).").into(),
                );
            }
        }
        if fields.is_empty() {
            Ok(changes)
        } else {
            Err(AppError::invalid_fields(fields))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let update = ProfileUpdate {
            name: Some(" ".into()),
            phone: Some("12345".into()),
            wechat: Some("ok_wechat".into()),
            mfa_level: Some(2),
        };
        let err = update.validate().unwrap_err();
        assert!(err.field("name").is_some());
        assert!(err.field("phone").is_some());
        assert!(err.field("wechat").is_none());
        assert!(err.field("mfa_level").is_some(), "2 is an administrator's to set");
    }

    #[test]
    fn an_empty_phone_clears_it() {
        let update = ProfileUpdate { phone: Some(String::new()), ..Default::default() };
        assert_eq!(update.validate().unwrap().phone, Some(None));
    }
}
