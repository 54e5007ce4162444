//! What every request goes through before its handler: who the client is,
//! the CSRF check for state-changing requests, the session behind the cookie,
//! and the redirect to the sign-in page for pages that need one.

use super::error::ApiError;
use super::AppState;
use crate::auth::csrf::{is_state_changing, same_site_request};
use crate::auth::session::{self, read_cookie};
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::common::AppError;
use app::i18n::{Lang, REQUEST_LANG};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue, StatusCode};
use std::net::SocketAddr;

/// Pages anyone may open; every other page needs a session.
const PUBLIC_PAGES: &[&str] = &["/login", "/setup"];

pub async fn session_layer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let config = &state.core.config;
    let client = client_info(&req, config.trust_proxy_headers);
    req.extensions_mut().insert(client);
    let path = req.uri().path().to_owned();
    // The language: this browser's choice, else its `Accept-Language`.
    let cookie_lang = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Lang::from_cookie_header);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let mut lang =
        cookie_lang.or_else(|| accept.and_then(Lang::from_accept_language)).unwrap_or_default();

    let cookie_name = session::cookie_name(config.https());
    let token = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| read_cookie(v, cookie_name))
        .map(str::to_owned);
    if is_state_changing(req.method())
        && !same_site_request(
            req.headers(),
            &config.public_origin(),
            config.https(),
            token.is_some(),
        )
    {
        tracing::warn!(path = %path, "refused a cross-site state-changing request");
        return REQUEST_LANG.sync_scope(lang, || refusal(&path, AppError::CrossSite));
    }

    let mut stale_cookie = false;
    if let Some(token) = token {
        let core = &state.core;
        match session::resolve(&core.db, &token, "browser", core.now(), &core.session_lifetimes())
            .await
        {
            Ok(Some((row, user))) => {
                req.extensions_mut().insert(row.ctx(&user));
            }
            Ok(None) => stale_cookie = true,
            Err(err) => return REQUEST_LANG.sync_scope(lang, || refusal(&path, err)),
        }
    }

    let stage = req.extensions().get::<SessionCtx>().map(|s| s.stage);
    let signed_in = stage == Some(SessionStage::Full);
    let page = needs_sign_in(&req);
    // Half-way through sign-in, the only page is the one for the next step.
    if let (true, Some(stage)) = (page, stage) {
        let only = match stage {
            SessionStage::Mfa => Some("/mfa"),
            SessionStage::MfaSetup => Some("/otp/bind"),
            SessionStage::PasswordExpired => Some("/password/expired"),
            SessionStage::Full => None,
        };
        if let Some(only) = only {
            if req.uri().path() != only {
                let target = if only == "/otp/bind" { "/otp/bind?setup=1" } else { only };
                return Redirect::to(target).into_response();
            }
        }
    } else if !signed_in && page {
        let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let next: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }

    // A signed-in person's stored language, for a browser that has not chosen
    // one (it is remembered in the cookie from then on).
    let mut remember_lang = None;
    if let (None, true, Some(session)) = (cookie_lang, page, req.extensions().get::<SessionCtx>()) {
        remember_lang = state.core.chosen_language(session.user.id).await.ok().flatten();
        if let Some(chosen) = remember_lang {
            lang = chosen;
        }
    }
    req.extensions_mut().insert(lang);

    // Administrator pages render their refusal for others, with the status to match.
    let refused_admin_page = page
        && req.uri().path().starts_with("/admin")
        && req.extensions().get::<SessionCtx>().is_some_and(|s| s.is_full() && !s.user.is_admin());
    let mut response = REQUEST_LANG.scope(lang, next.run(req)).await;
    if let Some(lang) = remember_lang {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            app::i18n::COOKIE,
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    if refused_admin_page && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::FORBIDDEN;
    }
    if stale_cookie && !response.headers().contains_key(header::SET_COOKIE) {
        if let Ok(value) = HeaderValue::from_str(&session::clear_cookie_header(config.https())) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// A page load (not an API call, server function or asset) of a page that
/// is not public.
fn needs_sign_in(req: &Request) -> bool {
    if !matches!(*req.method(), http::Method::GET | http::Method::HEAD) {
        return false;
    }
    let path = req.uri().path();
    let is_asset = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    !(is_asset
        || PUBLIC_PAGES.contains(&path)
        || path == "/healthz"
        || path.starts_with("/api/")
        || path.starts_with("/rpc/")
        || path.starts_with("/pkg/"))
}

/// An error before the handler, in the shape the caller reads: server
/// functions decode `AppError` JSON, the REST API reads `{"detail"}`.
fn refusal(path: &str, error: AppError) -> Response {
    if path.starts_with("/rpc/") {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, axum::Json(error)).into_response();
    }
    if path.starts_with("/api/") {
        return ApiError::from(error).into_response();
    }
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

fn client_info(req: &Request, trust_proxy_headers: bool) -> ClientInfo {
    let forwarded = trust_proxy_headers
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned())
        .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    ClientInfo {
        ip: forwarded.or(peer),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
