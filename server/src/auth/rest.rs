//! JumpServer's authentication API: sign-in for scripts
//! (`authentication/auth/`), its MFA step (`mfa/challenge/`, alias
//! `mfa/verify/`) and re-authentication (`authentication/confirm/`).
//!
//! An API client that needs MFA keeps the half-signed state in its own
//! cookie (`bp_api_mfa`), separate from browser sessions: it posts the code
//! to `mfa/challenge/` with that cookie, then repeats `auth/` for its token.

use super::events::Channel;
use super::extract::{ApiCaller, AuthScheme};
use super::session::{self, read_cookie, NewSession};
use super::tokens;
use crate::http::api::route_both;
use crate::http::json::ApiJson;
use crate::http::AppState;
use crate::users::store;
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::common::AppError;
use app::i18n::{localize, t};
use app::mfa::model::MfaKind;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::json;

const API_MFA_COOKIE: &str = "bp_api_mfa";

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/authentication/auth/", post(sign_in));
    let router = route_both(router, "/authentication/mfa/challenge/", post(challenge));
    let router = route_both(router, "/authentication/mfa/verify/", post(verify));
    let router = route_both(router, "/authentication/mfa/send-code/", post(send_code));
    route_both(router, "/authentication/confirm/", get(confirm_options).post(confirm))
}

/// JumpServer's error shape for these endpoints: `{"error", "msg"}`, with
/// the English `msg` in the request's language.
fn auth_error(status: StatusCode, error: &str, msg: impl Into<String>) -> Response {
    let msg = msg.into();
    error_body(status, error, &localize(&msg))
}

fn error_body(status: StatusCode, error: &str, msg: &str) -> Response {
    (status, Json(json!({"error": error, "msg": msg}))).into_response()
}

fn from_app_error(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = match &err {
        AppError::Denied { .. } => "authentication_failed",
        AppError::RateLimited { .. } => "blocked",
        other => other.code(),
    };
    // Both in the request's language (`Display` translates).
    let msg = match &err {
        AppError::Invalid { fields, message } => {
            localize(fields.values().next().unwrap_or(message)).into_owned()
        }
        other => other.to_string(),
    };
    error_body(status, error, &msg)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    username: String,
    password: String,
}

pub(crate) fn api_mfa_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| read_cookie(v, API_MFA_COOKIE))
        .map(str::to_owned)
}

/// Signs in with a username and password and returns a Bearer token. With a
/// second factor bound, the first answer is `mfa_required` with a cookie:
/// post the code to `mfa/challenge/` with that cookie, then repeat this call.
#[utoipa::path(post, path = "/api/v1/authentication/auth/", tag = "Authentication", security(()),
    request_body = SignIn,
    responses(
        (status = 200, description = "A token, or `{\"error\": \"mfa_required\", ...}` with the MFA cookie",
            example = json!({"token": "...", "keyword": "Bearer", "date_expired": "2026-12-04T10:00:00Z"})),
        (status = 401, description = "Wrong username or password (`{\"error\", \"msg\"}`)"),
        (status = 403, description = "MFA required but not bound, or the password has expired"),
        (status = 429, description = "Blocked after too many failures")))]
pub async fn sign_in(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Response {
    match sign_in_inner(&state, &client, &headers, body).await {
        Ok(response) => response,
        Err(err) => from_app_error(err),
    }
}

async fn sign_in_inner(
    state: &AppState,
    client: &ClientInfo,
    headers: &HeaderMap,
    body: SignIn,
) -> Result<Response, AppError> {
    let core = &state.core;
    let user = core.check_password(client, Channel::Api, &body.username, &body.password).await?;
    let active = core.active_mfa(&user).await?;
    let now = core.now();
    if active.is_empty() && core.mfa_forced(&user).await? {
        return Ok(auth_error(
            StatusCode::FORBIDDEN,
            "mfa_unset",
            "Multi-factor authentication is required: bind an authenticator in the web console first.",
        ));
    }
    if !active.is_empty() {
        // Did this client pass the MFA step for this user already?
        let passed = match api_mfa_token(headers) {
            Some(token) => {
                session::resolve(&core.db, &token, "api", now, &core.session_lifetimes())
                    .await?
                    .filter(|(row, u)| u.id == user.id && row.mfa_passed)
            }
            None => None,
        };
        match passed {
            Some((row, _)) => session::end(&core.db, row.id).await?,
            None => {
                let new = NewSession {
                    stage: SessionStage::Mfa,
                    channel: "api",
                    factors: "password",
                    lifetime_secs: session::PENDING_MFA_SECS,
                    confirmed_secs: 0,
                    confirmed_with: "",
                };
                let opened = session::open(&core.db, user.id, client, &new, now).await?;
                let secure = if core.config.https() { "; Secure" } else { "" };
                let cookie = format!(
                    "{API_MFA_COOKIE}={}; Path=/api/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                    opened.token,
                    session::PENDING_MFA_SECS
                );
                let choices: Vec<&str> = active.iter().map(|k| k.as_str()).collect();
                let mut response = Json(json!({
                    "error": "mfa_required",
                    "msg": t("A second factor is required: post it to /api/v1/authentication/mfa/challenge/ with this cookie, then repeat this request."),
                    "data": {"choices": choices, "url": "/api/v1/authentication/mfa/challenge/"},
                }))
                .into_response();
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
                return Ok(response);
            }
        }
    }
    if core.password_expired(&user).await? {
        return Ok(auth_error(
            StatusCode::FORBIDDEN,
            "password_expired",
            "Your password has expired: change it in the web console first.",
        ));
    }
    let lifetime = i64::from(core.security().await?.token_lifetime_secs);
    let (token, expires) = tokens::issue(&core.db, user.id, lifetime, now).await?;
    store::set_last_login(&core.db, user.id, now).await?;
    Ok(Json(json!({"token": token, "keyword": "Bearer", "date_expired": expires.to_rfc3339()}))
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Challenge {
    #[serde(rename = "type")]
    kind: String,
    code: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SendCode {
    /// `email` or `sms`.
    #[serde(rename = "type")]
    kind: String,
    /// Optional; must name the account that is signing in.
    #[serde(default)]
    username: Option<String>,
}

/// Sends an email or SMS code to the account of the pending sign-in (the
/// API sign-in's cookie or the browser's MFA step) or of a signed-in
/// browser (for a confirmation). A `username` that is not that account, or
/// no such account at all, gets the same answer, and nothing is sent.
#[utoipa::path(post, path = "/api/v1/authentication/mfa/send-code/", tag = "Authentication", security(()),
    request_body = SendCode,
    responses(
        (status = 200, description = "Sent (or, for anyone else, as if sent)",
            example = json!({"msg": "ok", "ttl": 300, "resend_after": 60})),
        (status = 400, description = "Unknown type, or the method is not set up for the account"),
        (status = 429, description = "Asked again too soon, or blocked"),
        (status = 503, description = "The mail server or SMS provider failed (`error: send_failed`)")))]
pub async fn send_code(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    session: Option<Extension<SessionCtx>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendCode>,
) -> Response {
    let core = &state.core;
    let Some(kind) = MfaKind::parse(&body.kind).filter(|k| k.is_sent()) else {
        let kind = &body.kind;
        return auth_error(
            StatusCode::BAD_REQUEST,
            "invalid_type",
            format!("`{kind}` codes are not sent: use email or sms."),
        );
    };
    let mut caller = None;
    if let Some(token) = api_mfa_token(&headers) {
        match session::resolve(&core.db, &token, "api", core.now(), &core.session_lifetimes()).await
        {
            Ok(Some((_, user))) => caller = Some((user, Channel::Api)),
            Ok(None) => {}
            Err(err) => return from_app_error(err),
        }
    }
    if caller.is_none() {
        if let Some(Extension(ctx)) =
            session.filter(|s| matches!(s.stage, SessionStage::Mfa | SessionStage::Full))
        {
            match core.session_user(&ctx).await {
                Ok(user) => caller = Some((user, Channel::Browser)),
                Err(err) => return from_app_error(err),
            }
        }
    }
    let named = body.username.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let result = match caller {
        Some((user, _)) if named.is_none_or(|n| n.eq_ignore_ascii_case(&user.username)) => {
            core.send_mfa_code(&user, kind).await
        }
        other => {
            let channel = other.map_or(Channel::Api, |(_, c)| c);
            core.refuse_code_request(&client, channel, named.unwrap_or(""), kind).await
        }
    };
    match result {
        Ok(sent) => {
            Json(json!({"msg": "ok", "ttl": sent.ttl_secs, "resend_after": sent.resend_after_secs}))
                .into_response()
        }
        Err(AppError::Unavailable { message }) => {
            auth_error(StatusCode::SERVICE_UNAVAILABLE, "send_failed", message)
        }
        Err(err) => from_app_error(err),
    }
}

/// Answers the MFA step of an API sign-in (`type`: `otp` or `recovery`).
#[utoipa::path(post, path = "/api/v1/authentication/mfa/challenge/", tag = "Authentication", security(()),
    request_body = Challenge,
    responses((status = 200, description = "`{\"msg\": \"ok\"}`: repeat the `auth/` call"),
        (status = 401, description = "Wrong code or no pending sign-in")))]
pub async fn challenge(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Challenge>,
) -> Response {
    let core = &state.core;
    let expired = || {
        auth_error(
            StatusCode::UNAUTHORIZED,
            "no_pending_sign_in",
            "Sign in with the password first (POST auth/).",
        )
    };
    let Some(token) = api_mfa_token(&headers) else { return expired() };
    let pending = match session::resolve(
        &core.db,
        &token,
        "api",
        core.now(),
        &core.session_lifetimes(),
    )
    .await
    {
        Ok(Some(found)) => found,
        Ok(None) => return expired(),
        Err(err) => return from_app_error(err),
    };
    let (row, user) = pending;
    let Some(kind) = MfaKind::parse(&body.kind) else {
        let kind = &body.kind;
        return auth_error(
            StatusCode::BAD_REQUEST,
            "invalid_type",
            format!("Unknown MFA type `{kind}`."),
        );
    };
    if let Err(err) = core.verify_factor(&client, Channel::Api, &user, kind, &body.code).await {
        return from_app_error(err);
    }
    match session::set_mfa_passed(&core.db, row.id).await {
        Ok(()) => Json(json!({"msg": "ok"})).into_response(),
        Err(err) => from_app_error(err),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfirmQuery {
    /// `password` or `mfa`: what the caller means to confirm with.
    #[serde(default)]
    confirm_type: Option<String>,
}

/// How the caller can confirm their identity before a sensitive action.
#[utoipa::path(get, path = "/api/v1/authentication/confirm/", tag = "Authentication",
    params(ConfirmQuery),
    responses((status = 200, description = "What a confirmation needs",
        example = json!({"required": "mfa", "password_allowed": false, "mfa": ["otp"]}))))]
pub async fn confirm_options(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<ConfirmQuery>,
) -> Response {
    let core = &state.core;
    let user = match store::find_by_id(&core.db, caller.user.id).await {
        Ok(Some(user)) => user,
        Ok(None) => return from_app_error(AppError::Unauthenticated),
        Err(err) => return from_app_error(err),
    };
    let active = match core.active_mfa(&user).await {
        Ok(active) => active,
        Err(err) => return from_app_error(err),
    };
    let mfa: Vec<&str> =
        active.iter().filter(|k| **k != MfaKind::Recovery).map(|k| k.as_str()).collect();
    let required = if mfa.is_empty() { "password" } else { "mfa" };
    Json(json!({
        "confirm_type": query.confirm_type.unwrap_or_else(|| required.to_owned()),
        "required": required,
        "password": mfa.is_empty(),
        "mfa": mfa,
    }))
    .into_response()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Confirm {
    confirm_type: String,
    #[serde(default)]
    mfa_type: Option<String>,
    secret_key: String,
}

/// Confirms the caller's identity (password or code); sensitive actions
/// answered with 412 then succeed for a few minutes.
#[utoipa::path(post, path = "/api/v1/authentication/confirm/", tag = "Authentication",
    request_body = Confirm,
    responses((status = 200, description = "`{\"msg\": \"ok\"}`"),
        (status = 400, description = "A password where a code is required"),
        (status = 401, description = "Wrong password or code"),
        (status = 403, description = "Requests signed with an access key cannot confirm")))]
pub async fn confirm(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<Confirm>,
) -> Response {
    let core = &state.core;
    let kind = match body.confirm_type.as_str() {
        "password" => None,
        "mfa" => match body.mfa_type.as_deref().map(MfaKind::parse) {
            Some(Some(kind)) => Some(kind),
            _ => {
                return auth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_type",
                    "Give mfa_type, for example \"otp\".",
                )
            }
        },
        other => {
            return auth_error(
                StatusCode::BAD_REQUEST,
                "invalid_type",
                format!("Unknown confirm_type `{other}`."),
            )
        }
    };
    if caller.scheme == AuthScheme::Signature {
        return auth_error(
            StatusCode::FORBIDDEN,
            "not_supported",
            "Requests signed with an access key cannot confirm an identity: sign in as a person for this.",
        );
    }
    let result = async {
        let user =
            store::find_by_id(&core.db, caller.user.id).await?.ok_or(AppError::Unauthenticated)?;
        let (secs, with) =
            core.confirm_identity(&client, Channel::Api, &user, kind, &body.secret_key).await?;
        let until = core.now().plus_secs(secs);
        match caller.scheme {
            AuthScheme::Session => {
                session::set_confirmed(&core.db, caller.session.session_id, until, with).await
            }
            AuthScheme::Bearer | AuthScheme::Signature => {
                tokens::set_confirmed(&core.db, caller.session.session_id, until, with).await
            }
        }
    }
    .await;
    match result {
        Ok(()) => Json(json!({"msg": "ok"})).into_response(),
        Err(err) => from_app_error(err),
    }
}

/// The same as `mfa/challenge/`, under the other name JumpServer clients use.
#[utoipa::path(post, path = "/api/v1/authentication/mfa/verify/", tag = "Authentication", security(()),
    request_body = Challenge,
    responses((status = 200, description = "`{\"msg\": \"ok\"}`: repeat the `auth/` call"),
        (status = 401, description = "Wrong code or no pending sign-in")))]
pub async fn verify(
    state: State<AppState>,
    client: Extension<ClientInfo>,
    headers: HeaderMap,
    body: ApiJson<Challenge>,
) -> Response {
    challenge(state, client, headers, body).await
}
