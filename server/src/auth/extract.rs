//! Who is calling the REST API. Every `/api/v1/` handler takes an
//! [`ApiCaller`]; the schemes (browser session now; Bearer tokens and HTTP
//! Signature access keys next) all resolve here, in one place, so a handler
//! never looks at credentials itself.

use crate::http::error::ApiError;
use crate::http::AppState;
use app::auth::model::SessionCtx;
use app::auth::CurrentUser;
use app::common::AppError;
use axum::extract::FromRequestParts;
use http::request::Parts;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// The browser session cookie (CSRF-checked for unsafe methods).
    Session,
}

#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub user: CurrentUser,
    pub scheme: AuthScheme,
    /// The browser session, when the caller used one.
    pub session: SessionCtx,
}

impl ApiCaller {
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.user.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden.into())
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(header) = parts.headers.get(http::header::AUTHORIZATION) {
            let scheme = header
                .to_str()
                .ok()
                .and_then(|v| v.split_whitespace().next())
                .unwrap_or_default()
                .to_ascii_lowercase();
            // Token schemes arrive with the API-login and access-key features;
            // until then an Authorization header is refused, never ignored.
            return Err(ApiError::unauthenticated(match scheme.as_str() {
                "bearer" | "token" | "signature" => {
                    "This authentication scheme is not enabled on this server."
                }
                _ => "Unsupported authorization scheme.",
            }));
        }
        // The session middleware put the session there after checking the
        // cookie (and CSRF for unsafe methods).
        match parts.extensions.get::<SessionCtx>() {
            Some(session) => Ok(ApiCaller {
                user: session.user.clone(),
                scheme: AuthScheme::Session,
                session: session.clone(),
            }),
            None => Err(ApiError::unauthenticated("Authentication credentials were not provided.")),
        }
    }
}
