//! Server-side glue for server functions: the services the server crate
//! provides, the session of the current request, and the HTTP status of an
//! error. Compiled only with `ssr`.

use crate::access_keys::port::AccessKeysPort;
use crate::audit::port::AuditPort;
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::auth::port::{AuthPort, SetCookie};
use crate::common::AppError;
use crate::connect::port::ConnectPort;
use crate::mfa::port::MfaPort;
use crate::notifications::port::NotificationsPort;
use crate::password::port::PasswordPort;
use crate::preferences::port::PreferencesPort;
use crate::profile::port::ProfilePort;
use crate::sessions::port::SessionsPort;
use crate::settings::port::SettingsPort;
use crate::ssh_keys::port::SshKeysPort;
use crate::users::port::UsersPort;
use http::request::Parts;
use leptos::prelude::*;
use std::sync::Arc;

/// Everything the server functions need from the server crate.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<dyn AuthPort>,
    pub profile: Arc<dyn ProfilePort>,
    pub users: Arc<dyn UsersPort>,
    pub mfa: Arc<dyn MfaPort>,
    pub settings: Arc<dyn SettingsPort>,
    pub audit: Arc<dyn AuditPort>,
    pub password: Arc<dyn PasswordPort>,
    pub ssh_keys: Arc<dyn SshKeysPort>,
    pub access_keys: Arc<dyn AccessKeysPort>,
    pub notifications: Arc<dyn NotificationsPort>,
    pub preferences: Arc<dyn PreferencesPort>,
    pub sessions: Arc<dyn SessionsPort>,
    pub connect: Arc<dyn ConnectPort>,
    pub face: Arc<dyn crate::face::port::FacePort>,
}

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or(AppError::Internal)
}

/// The session of the request being served, at whatever stage of sign-in.
pub fn any_session() -> Option<SessionCtx> {
    use_context::<Parts>().and_then(|parts| parts.extensions.get::<SessionCtx>().cloned())
}

/// The session of the request, if it is fully signed in.
pub fn current_session() -> Option<SessionCtx> {
    any_session().filter(SessionCtx::is_full)
}

pub fn require_session() -> Result<SessionCtx, AppError> {
    current_session().ok_or(AppError::Unauthenticated)
}

/// A session at one of `stages` (the MFA step, binding during set-up).
pub fn require_stage(stages: &[crate::auth::model::SessionStage]) -> Result<SessionCtx, AppError> {
    any_session().filter(|s| stages.contains(&s.stage)).ok_or(AppError::Unauthenticated)
}

pub fn require_admin() -> Result<SessionCtx, AppError> {
    let session = require_session()?;
    if session.user.is_admin() {
        Ok(session)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn client_info() -> ClientInfo {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<ClientInfo>().cloned())
        .unwrap_or_default()
}

pub fn set_cookie(cookie: SetCookie) {
    if let (Some(res), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&cookie.0))
    {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

/// Gives an error its own HTTP status instead of server_fn's blanket 500.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        if let (Some(res), Ok(code)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(err.status()),
        ) {
            res.set_status(code);
        }
    }
    result
}
