//! Who is calling the REST API. Every `/api/v1/` handler takes an
//! [`ApiCaller`]; the schemes (browser session, Bearer token; HTTP
//! Signature access keys next) all resolve here, in one place, so a handler
//! never looks at credentials itself.

use super::tokens;
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::users::store;
use app::auth::model::{SessionCtx, SessionStage};
use app::auth::CurrentUser;
use app::common::AppError;
use axum::extract::FromRequestParts;
use http::request::Parts;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// The browser session cookie (CSRF-checked for unsafe methods).
    Session,
    /// `Authorization: Bearer <token>` from the API sign-in.
    Bearer,
}

#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub user: CurrentUser,
    pub scheme: AuthScheme,
    /// The caller as the domain sees it; `session_id` is the id of the
    /// credential used (the browser session or the Bearer token).
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

fn invalid_token() -> ApiError {
    ApiError::unauthenticated("Invalid token or token expired.")
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(header) = parts.headers.get(http::header::AUTHORIZATION) {
            let text = header.to_str().map_err(|_| invalid_token())?;
            let (scheme, credential) = text.split_once(' ').unwrap_or((text, ""));
            return match scheme.to_ascii_lowercase().as_str() {
                "bearer" => bearer(state, credential.trim()).await,
                // Access keys arrive with their own feature; until then the
                // header is refused, never ignored.
                "signature" | "token" => Err(ApiError::unauthenticated(
                    "This authentication scheme is not enabled on this server.",
                )),
                _ => Err(ApiError::unauthenticated("Unsupported authorization scheme.")),
            };
        }
        // The session middleware put the session there after checking the
        // cookie (and CSRF for unsafe methods).
        match parts.extensions.get::<SessionCtx>() {
            Some(session) if session.is_full() => Ok(ApiCaller {
                user: session.user.clone(),
                scheme: AuthScheme::Session,
                session: session.clone(),
            }),
            _ => Err(ApiError::unauthenticated("Authentication credentials were not provided.")),
        }
    }
}

async fn bearer(state: &AppState, token: &str) -> Result<ApiCaller, ApiError> {
    let core = &state.core;
    let now = core.now();
    let row = tokens::resolve(&core.db, token, now).await?.ok_or_else(invalid_token)?;
    let user = store::find_by_id(&core.db, row.user_id)
        .await?
        .filter(|u| u.usable_at(now))
        .ok_or_else(invalid_token)?;
    let session = SessionCtx {
        session_id: row.id,
        user: user.current_user(),
        stage: SessionStage::Full,
        confirmed_until: row.confirmed_until,
        confirmed_with: row.confirmed_with,
    };
    Ok(ApiCaller { user: user.current_user(), scheme: AuthScheme::Bearer, session })
}
