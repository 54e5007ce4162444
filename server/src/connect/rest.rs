//! What people call: `/api/v1/perms/users/self/assets/` (the assets they
//! may use) and `/api/v1/authentication/connection-token/` (their tokens),
//! in JumpServer's paths and field names. Also the paging every list of
//! this feature shares.

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::auth::model::ClientInfo;
use app::connect::model::{CreatedToken, NewToken, PermedAsset, PermedAssetDetail, TokenRecord};
use app::users::model::Page;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Extension, Json, Router};
use http::{header, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const TOKENS: &str = "/authentication/connection-token/";

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/perms/users/self/assets/", get(my_assets));
    let router = route_both(router, "/perms/users/self/assets/{id}/", get(my_asset));
    let router = route_both(router, TOKENS, get(list_tokens).post(create_token));
    let router = route_both(router, "/authentication/connection-token/{id}/", get(read_token));
    let router =
        route_both(router, "/authentication/connection-token/{id}/expire/", patch(expire_token));
    let router =
        route_both(router, "/authentication/connection-token/{id}/reuse/", patch(reuse_token));
    let router =
        route_both(router, "/authentication/connection-token/{id}/client-url/", get(client_url));
    let router =
        route_both(router, "/authentication/connection-token/{id}/rdp-file/", get(rdp_file));
    let router = super::admin_rest::routes(router);
    super::component_rest::routes(router)
}

/// One page of a list, as Django REST framework pages `limit`/`offset`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Listing<T> {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Matches names (and addresses or usernames), ignoring case.
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub offset: u64,
    /// 1 to 200; 20 when not given.
    #[serde(default = "default_limit")]
    pub limit: u64,
}

pub(super) fn default_limit() -> u64 {
    20
}

impl ListQuery {
    pub fn bounded_limit(&self) -> u64 {
        self.limit.clamp(1, 200)
    }
}

/// The page with links to its neighbours; `extra` query pairs (a filter)
/// are kept in the links.
pub fn listing<T>(
    state: &AppState,
    path: &str,
    query: &ListQuery,
    extra: &[(&str, String)],
    page: Page<T>,
) -> Listing<T> {
    let limit = query.bounded_limit();
    let link = |offset: u64| {
        let mut url = state.core.config.public_url.clone();
        url.set_path(&format!("/api/v1{path}"));
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in extra {
                pairs.append_pair(name, value);
            }
            pairs
                .append_pair("limit", &limit.to_string())
                .append_pair("offset", &offset.to_string());
            if !query.search.is_empty() {
                pairs.append_pair("search", &query.search);
            }
        }
        url.to_string()
    };
    let shown_to = query.offset.saturating_add(page.results.len() as u64);
    Listing {
        count: page.count,
        next: (shown_to < page.count).then(|| link(shown_to)),
        previous: (query.offset > 0).then(|| link(query.offset.saturating_sub(limit))),
        results: page.results,
    }
}

/// The active assets the caller holds a permission in force for, by name;
/// `search` matches name or address.
#[utoipa::path(get, path = "/api/v1/perms/users/self/assets/", tag = "Connect",
    params(ListQuery), responses((status = 200, body = Listing<PermedAsset>), (status = 401)))]
pub async fn my_assets(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Listing<PermedAsset>>> {
    let limit = query.bounded_limit();
    let page =
        state.core.permitted_assets(&caller.session, &query.search, query.offset, limit).await?;
    Ok(Json(listing(&state, "/perms/users/self/assets/", &query, &[], page)))
}

/// One asset with the accounts (`permed_accounts`) and protocols
/// (`permed_protocols`) the caller may use on it.
#[utoipa::path(get, path = "/api/v1/perms/users/self/assets/{id}/", tag = "Connect",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PermedAssetDetail), (status = 404, description = "Not an asset you may use")))]
pub async fn my_asset(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<PermedAssetDetail>> {
    Ok(Json(state.core.permitted_asset(&caller.session, id).await?))
}

/// The caller's connection tokens that can still be used, newest first.
#[utoipa::path(get, path = "/api/v1/authentication/connection-token/", tag = "Connect",
    responses((status = 200, body = [TokenRecord]), (status = 401)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<TokenRecord>>> {
    Ok(Json(state.core.tokens_of(&caller.session).await?))
}

/// Creates a token for an asset, account and protocol the caller may use;
/// the answer holds its value, the password clients sign in with as
/// `JMS-<id>`. One-time tokens live `CONNECTION_TOKEN_ONETIME_EXPIRATION`
/// seconds, reusable ones (when `CONNECTION_TOKEN_REUSABLE` allows)
/// `CONNECTION_TOKEN_REUSABLE_EXPIRATION`.
#[utoipa::path(post, path = "/api/v1/authentication/connection-token/", tag = "Connect",
    request_body = NewToken,
    responses((status = 201, body = CreatedToken),
        (status = 400, description = "Not permitted, a method that does not fit the protocol, or reuse not allowed")))]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(new): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let created =
        state.core.create_token_for(caller.channel(), &client, &caller.session, new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One of the caller's tokens (never its value).
#[utoipa::path(get, path = "/api/v1/authentication/connection-token/{id}/", tag = "Connect",
    params(("id" = Uuid, Path)), responses((status = 200, body = TokenRecord), (status = 404)))]
pub async fn read_token(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<TokenRecord>> {
    Ok(Json(state.core.token_of(&caller.session, id).await?))
}

/// Expires one of the caller's tokens at once.
#[utoipa::path(patch, path = "/api/v1/authentication/connection-token/{id}/expire/", tag = "Connect",
    params(("id" = Uuid, Path)), responses((status = 204, description = "Expired"), (status = 404)))]
pub async fn expire_token(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.expire_token_for(caller.channel(), &client, &caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReuseBody {
    pub is_reusable: bool,
}

/// Makes a token reusable or one-time (only when the administrator allows
/// reusable tokens); it then expires that kind's lifetime after its creation.
#[utoipa::path(patch, path = "/api/v1/authentication/connection-token/{id}/reuse/", tag = "Connect",
    params(("id" = Uuid, Path)), request_body = ReuseBody,
    responses((status = 200, body = TokenRecord), (status = 400, description = "Reusable tokens are not allowed"), (status = 404)))]
pub async fn reuse_token(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<ReuseBody>,
) -> ApiResult<Json<TokenRecord>> {
    Ok(Json(state.core.reuse_token(&caller.session, id, body.is_reusable).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClientUrl {
    /// `jms://` + base64 of a JSON object with the token, the asset, the
    /// protocol, the username `JMS-<id>` and the method.
    pub url: String,
}

/// The link that opens the JumpServer client on this token.
#[utoipa::path(get, path = "/api/v1/authentication/connection-token/{id}/client-url/", tag = "Connect",
    params(("id" = Uuid, Path)), responses((status = 200, body = ClientUrl), (status = 404)))]
pub async fn client_url(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ClientUrl>> {
    Ok(Json(ClientUrl { url: state.core.client_url_of(&caller.session, id).await? }))
}

/// `attachment; filename=...` for any file name: an ASCII fallback and
/// the name itself in RFC 5987 form.
fn attachment(name: &str) -> Option<HeaderValue> {
    let fallback: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .ok()
}

/// The `.rdp` file of an RDP token, from the caller's Web Terminal
/// preferences (resolution, colour depth, smart sizing, full screen,
/// monitors, drives when the permission allows upload and download,
/// microphone).
#[utoipa::path(get, path = "/api/v1/authentication/connection-token/{id}/rdp-file/", tag = "Connect",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file", content_type = "application/x-rdp", body = String),
        (status = 400, description = "Not an RDP token"), (status = 404)))]
pub async fn rdp_file(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (asset, file) = state.core.rdp_file_of(&caller.session, id).await?;
    let mut response = file.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-rdp"));
    if let Some(disposition) = attachment(&format!("{asset}.rdp")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_survive_any_asset_name() {
        let value = attachment("web \"1\".rdp").unwrap();
        let text = value.to_str().unwrap();
        assert!(text.starts_with("attachment; filename=\"web _1_.rdp\""), "{text}");
        assert!(text.contains("filename*=UTF-8''web%20%221%22%2Erdp"), "{text}");
        let text = attachment("服务器.rdp").unwrap();
        assert!(text.to_str().unwrap().contains("%E6%9C%8D"));
    }
}
