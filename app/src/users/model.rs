use crate::auth::Role;
use crate::common::validate::{parse_comment, Email, NewPassword, PersonName, Phone, Username};
use crate::common::{AppError, FieldErrors, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// An account as an administrator sees it, in JumpServer's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserRecord {
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
    pub mfa_level: i16,
}

/// One page of a list, as JumpServer answers `limit`/`offset` queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub count: u64,
    pub results: Vec<T>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct UserQuery {
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub offset: u64,
    #[serde(default = "UserQuery::default_limit")]
    pub limit: u64,
}

impl UserQuery {
    pub const MAX_LIMIT: u64 = 200;

    fn default_limit() -> u64 {
        20
    }

    /// The limit actually applied: 1 to 200.
    pub fn bounded_limit(&self) -> u64 {
        self.limit.clamp(1, Self::MAX_LIMIT)
    }
}

/// A new account as typed by an administrator.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewUser {
    pub username: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub role: Role,
    pub password: String,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub date_expired: Option<Timestamp>,
}

fn yes() -> bool {
    true
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A `NewUser` whose every field met its rule.
#[derive(Debug, Clone)]
pub struct ValidNewUser {
    pub username: Username,
    pub name: PersonName,
    pub email: Email,
    pub phone: Option<Phone>,
    pub role: Role,
    pub password: NewPassword,
    pub is_active: bool,
    pub comment: String,
    pub date_expired: Option<Timestamp>,
}

fn note<T>(
    fields: &mut FieldErrors,
    name: &str,
    r: Result<T, crate::common::validate::Invalid>,
) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            fields.insert(name.to_owned(), e.0);
            None
        }
    }
}

impl NewUser {
    pub fn validate(&self) -> Result<ValidNewUser, AppError> {
        let mut f = FieldErrors::new();
        let username = note(&mut f, "username", Username::parse(&self.username));
        let name = note(&mut f, "name", PersonName::parse(&self.name));
        let email = note(&mut f, "email", Email::parse(&self.email));
        let phone = note(&mut f, "phone", Phone::parse_optional(&self.phone));
        let password = note(&mut f, "password", NewPassword::parse(&self.password));
        let comment = note(&mut f, "comment", parse_comment(&self.comment));
        match (username, name, email, phone, password, comment) {
            (
                Some(username),
                Some(name),
                Some(email),
                Some(phone),
                Some(password),
                Some(comment),
            ) if f.is_empty() => Ok(ValidNewUser {
                username,
                name,
                email,
                phone,
                role: self.role,
                password,
                is_active: self.is_active,
                comment,
                date_expired: self.date_expired,
            }),
            _ => Err(AppError::invalid_fields(f)),
        }
    }
}

/// What an administrator changes on an account; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// 0 off, 1 on, 2 required by an administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_level: Option<i16>,
    /// `Some(None)` means "never expires".
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::common::serde_helpers::double_option"
    )]
    pub date_expired: Option<Option<Timestamp>>,
}

#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<PersonName>,
    pub email: Option<Email>,
    pub phone: Option<Option<Phone>>,
    pub role: Option<Role>,
    pub is_active: Option<bool>,
    pub comment: Option<String>,
    pub date_expired: Option<Option<Timestamp>>,
    pub mfa_level: Option<i16>,
}

impl UserEdit {
    pub fn validate(&self) -> Result<UserChanges, AppError> {
        let mut f = FieldErrors::new();
        let changes = UserChanges {
            name: self.name.as_deref().and_then(|v| note(&mut f, "name", PersonName::parse(v))),
            email: self.email.as_deref().and_then(|v| note(&mut f, "email", Email::parse(v))),
            phone: self
                .phone
                .as_deref()
                .and_then(|v| note(&mut f, "phone", Phone::parse_optional(v))),
            role: self.role,
            is_active: self.is_active,
            comment: self
                .comment
                .as_deref()
                .and_then(|v| note(&mut f, "comment", parse_comment(v))),
            date_expired: self.date_expired,
            mfa_level: self.mfa_level,
        };
        if changes.mfa_level.is_some_and(|l| !(0..=2).contains(&l)) {
            f.insert(
                "mfa_level".into(),
                crate::i18n::n_("Choose 0 (off), 1 (on) or 2 (required).").into(),
            );
        }
        if f.is_empty() {
            Ok(changes)
        } else {
            Err(AppError::invalid_fields(f))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_user_reports_every_bad_field() {
        let user = NewUser {
            username: "bad name".into(),
            name: "Ann".into(),
            email: "nope".into(),
            password: "short".into(),
            ..Default::default()
        };
        let err = user.validate().unwrap_err();
        for field in ["username", "email", "password"] {
            assert!(err.field(field).is_some(), "{field}");
        }
        assert!(err.field("name").is_none());
    }

    #[test]
    fn limits_are_bounded() {
        let q = UserQuery { limit: 10_000, ..Default::default() };
        assert_eq!(q.bounded_limit(), 200);
        let q = UserQuery { limit: 0, ..Default::default() };
        assert_eq!(q.bounded_limit(), 1);
    }
}
