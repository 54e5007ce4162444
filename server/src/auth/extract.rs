//! Who is calling the REST API. Every `/api/v1/` handler takes an
//! [`ApiCaller`]; the schemes (browser session, Bearer token, HTTP
//! Signature with an access key) all resolve here, in one place, so a
//! handler never looks at credentials itself.

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
    /// `Authorization: Signature keyId=...` signed with an access key.
    Signature,
}

#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub user: CurrentUser,
    pub scheme: AuthScheme,
    /// The caller as the domain sees it; `session_id` is the id of the
    /// credential used (the browser session, the Bearer token, the key).
    pub session: SessionCtx,
    /// For a signed request, the account as looked up with the key (at most
    /// [`crate::access_keys::KEY_CACHE_TTL`] old, fresh after any change on
    /// this instance), so handlers need not read it again.
    pub owner: Option<std::sync::Arc<crate::access_keys::VerifiedKey>>,
}

impl ApiCaller {
    /// The channel the authentication log records for this caller.
    pub fn channel(&self) -> super::events::Channel {
        if self.scheme == AuthScheme::Session {
            super::events::Channel::Browser
        } else {
            super::events::Channel::Api
        }
    }

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
                "signature" => signature(state, parts, credential).await,
                // Private tokens are not offered; the header is refused, never ignored.
                "token" => Err(ApiError::unauthenticated(
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
                owner: None,
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
    Ok(ApiCaller { user: user.current_user(), scheme: AuthScheme::Bearer, session, owner: None })
}

/// Every signature failure gets this one answer: which check failed is
/// for the server log, not for the caller.
fn invalid_signature(why: &str) -> ApiError {
    tracing::info!(reason = why, "HTTP signature refused");
    ApiError::unauthenticated("Invalid signature.")
}

async fn signature(
    state: &AppState,
    parts: &Parts,
    credential: &str,
) -> Result<ApiCaller, ApiError> {
    use super::signature as sig;
    let core = &state.core;
    let params = sig::parse(credential).ok_or_else(|| invalid_signature("unreadable"))?;
    if params.algorithm != "hmac-sha256" {
        return Err(invalid_signature("algorithm"));
    }
    let listed = |name: &str| params.headers.iter().any(|h| h == name);
    if !listed("(request-target)") || !listed("date") {
        return Err(invalid_signature("(request-target) and date must be signed"));
    }
    let now = core.now();
    let date = parts
        .headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or_else(|| invalid_signature("date"))?;
    if (now.millis() / 1000 - date).abs() > sig::MAX_SKEW_SECS {
        return Err(invalid_signature("stale date"));
    }
    if listed("digest") {
        let header = parts.headers.get("digest").and_then(|v| v.to_str().ok()).unwrap_or("");
        let body =
            parts.extensions.get::<sig::BodyDigest>().ok_or_else(|| invalid_signature("body"))?;
        if !sig::digest_matches(header, &body.0) {
            return Err(invalid_signature("digest"));
        }
    }
    let id = uuid::Uuid::parse_str(&params.key_id).map_err(|_| invalid_signature("key id"))?;
    let verified =
        core.verified_key(id).await?.ok_or_else(|| invalid_signature("no such active key"))?;
    let (key, user, secret) = (&verified.key, &verified.owner, &verified.secret);
    if !user.usable_at(now) {
        return Err(invalid_signature("owner unusable"));
    }
    // The path as the client sent it (nesting strips /api/v1 from `uri`).
    let target = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |o| &o.0)
        .path_and_query()
        .map_or("/", |pq| pq.as_str());
    let text = sig::signing_string(&params, &parts.method, target, &parts.headers)
        .ok_or_else(|| invalid_signature("a listed header is missing"))?;
    if !sig::verify(secret, &text, &params.signature) {
        return Err(invalid_signature("mismatch"));
    }
    let ip = parts
        .extensions
        .get::<app::auth::model::ClientInfo>()
        .and_then(|c| c.ip.as_deref())
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok());
    if !ip.is_some_and(|ip| app::common::ip::allowed(&key.allowlist(), ip)) {
        return Err(ApiError::unauthenticated(
            "This access key may not be used from your IP address. Ask for it to be added to the key's allowlist.",
        ));
    }
    core.key_usage.record(key.id, now);
    let session = SessionCtx {
        session_id: key.id,
        user: user.current_user(),
        stage: SessionStage::Full,
        // A script's key cannot confirm an identity: sensitive actions stay
        // with people (the 412 flow).
        confirmed_until: 0,
        confirmed_with: String::new(),
    };
    let user = user.current_user();
    Ok(ApiCaller { user, scheme: AuthScheme::Signature, session, owner: Some(verified.clone()) })
}
