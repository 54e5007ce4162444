//! `/api/v1/authentication/super-connection-token/`: components redeem,
//! check and renew connection tokens, signing with their service account's
//! access key. Anyone else gets 403. Refusals answer
//! `{"detail": ..., "code": ...}` with a code per reason.

use super::redeem::{RedeemError, TokenCheck, TokenRenewal, TokenSecret};
use crate::auth::extract::{ApiCaller, AuthScheme};
use crate::http::api::route_both;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::auth::model::ClientInfo;
use app::auth::Role;
use app::common::AppError;
use axum::extract::State;
use axum::routing::{patch, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let base = "/authentication/super-connection-token";
    let router = route_both(router, &format!("{base}/secret/"), post(secret));
    let router = route_both(router, &format!("{base}/check/"), post(check));
    route_both(router, &format!("{base}/renewal/"), patch(renewal))
}

/// Only a component's service account, signing with its access key.
fn require_component(caller: &ApiCaller) -> Result<(), ApiError> {
    if caller.user.role == Role::Component && caller.scheme == AuthScheme::Signature {
        Ok(())
    } else {
        Err(ApiError::coded(
            AppError::Forbidden,
            "permission_denied",
            "Only a component's service account, signing with its access key, may do this.",
        ))
    }
}

fn answer(err: RedeemError) -> ApiError {
    match err {
        RedeemError::Refused(r) => ApiError::coded(r.error(), r.code(), r.message()),
        RedeemError::Failed(e) => e.into(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SecretRequest {
    /// The token's id (the `<id>` of `JMS-<id>`).
    pub id: String,
    /// The token's value, as the person's client sent it.
    pub value: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenIdRequest {
    pub id: String,
}

/// Redeems a token: the person, the asset, the account with its secret
/// (the typed one for `@INPUT`, none for `@USER` and `@ANON`), the
/// protocol and the connect options. A one-time token works once.
/// Refusals: `token_not_found` (404), `token_invalid` (400),
/// `token_revoked`, `token_used`, `token_expired`, `user_invalid`,
/// `asset_inactive`, `account_invalid`, `permission_denied`,
/// `permission_expired` (403). Every attempt is logged.
#[utoipa::path(post, path = "/api/v1/authentication/super-connection-token/secret/", tag = "Components",
    request_body = SecretRequest, security(("signature" = [])),
    responses((status = 200, body = TokenSecret),
        (status = 400, description = "`token_invalid`: wrong value"),
        (status = 403, description = "Not a component, or the token is refused (see `code`)"),
        (status = 404, description = "`token_not_found`")))]
pub async fn secret(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<SecretRequest>,
) -> ApiResult<Json<TokenSecret>> {
    require_component(&caller)?;
    let redeemed = state.core.redeem_token(&caller.user, &client, &body.id, &body.value).await;
    Ok(Json(redeemed.map_err(answer)?))
}

/// Whether a token would be accepted now, with the same codes as
/// `secret/`; consumes nothing.
#[utoipa::path(post, path = "/api/v1/authentication/super-connection-token/check/", tag = "Components",
    request_body = TokenIdRequest, security(("signature" = [])),
    responses((status = 200, body = TokenCheck), (status = 403), (status = 404)))]
pub async fn check(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<TokenIdRequest>,
) -> ApiResult<Json<TokenCheck>> {
    require_component(&caller)?;
    Ok(Json(state.core.check_token(&body.id).await.map_err(answer)?))
}

/// Extends a token in use (active, unexpired, still permitted) by its
/// lifetime from now.
#[utoipa::path(patch, path = "/api/v1/authentication/super-connection-token/renewal/", tag = "Components",
    request_body = TokenIdRequest, security(("signature" = [])),
    responses((status = 200, body = TokenRenewal), (status = 403), (status = 404)))]
pub async fn renewal(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<TokenIdRequest>,
) -> ApiResult<Json<TokenRenewal>> {
    require_component(&caller)?;
    Ok(Json(state.core.renew_token(&caller.user, &client, &body.id).await.map_err(answer)?))
}
