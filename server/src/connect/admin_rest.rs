//! Administrators' API, in JumpServer's paths: `/api/v1/assets/assets/`,
//! `/api/v1/accounts/accounts/` and `/api/v1/perms/asset-permissions/`,
//! each listed in pages (`limit`, `offset`, `search`) and read, replaced
//! (`PUT`), changed (`PATCH`) and deleted by id.

use super::admin::Write;
use super::rest::{listing, ListQuery, Listing};
use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::connect::model::{
    AccountInput, AccountRecord, AssetInput, AssetRecord, PermissionInput, PermissionRecord,
};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

const ASSETS: &str = "/assets/assets/";
const ACCOUNTS: &str = "/accounts/accounts/";
const PERMISSIONS: &str = "/perms/asset-permissions/";

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, ASSETS, get(list_assets).post(create_asset));
    let router = route_both(
        router,
        "/assets/assets/{id}/",
        get(read_asset).put(replace_asset).patch(change_asset).delete(delete_asset),
    );
    let router = route_both(router, ACCOUNTS, get(list_accounts).post(create_account));
    let router = route_both(
        router,
        "/accounts/accounts/{id}/",
        get(read_account).put(replace_account).patch(change_account).delete(delete_account),
    );
    let router = route_both(router, PERMISSIONS, get(list_permissions).post(create_permission));
    route_both(
        router,
        "/perms/asset-permissions/{id}/",
        get(read_permission)
            .put(replace_permission)
            .patch(change_permission)
            .delete(delete_permission),
    )
}

// Assets.

/// Assets by name; `search` matches name or address (administrators).
#[utoipa::path(get, path = "/api/v1/assets/assets/", tag = "Assets",
    params(ListQuery), responses((status = 200, body = Listing<AssetRecord>), (status = 403)))]
pub async fn list_assets(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Listing<AssetRecord>>> {
    let limit = query.bounded_limit();
    let page = state.core.assets_page(&caller.session, &query.search, query.offset, limit).await?;
    Ok(Json(listing(&state, ASSETS, &query, &[], page)))
}

/// Creates an asset: name (unique regardless of case), address, platform,
/// protocols with ports (administrators).
#[utoipa::path(post, path = "/api/v1/assets/assets/", tag = "Assets", request_body = AssetInput,
    responses((status = 201, body = AssetRecord), (status = 400), (status = 403), (status = 409, description = "The name is taken")))]
pub async fn create_asset(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<AssetInput>,
) -> ApiResult<(StatusCode, Json<AssetRecord>)> {
    let record = state.core.write_asset(&caller.session, None, input, Write::Replace).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[utoipa::path(get, path = "/api/v1/assets/assets/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    responses((status = 200, body = AssetRecord), (status = 403), (status = 404)))]
pub async fn read_asset(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AssetRecord>> {
    Ok(Json(state.core.asset_record(&caller.session, id).await?))
}

/// Replaces an asset: every field as for creating one.
#[utoipa::path(put, path = "/api/v1/assets/assets/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    request_body = AssetInput,
    responses((status = 200, body = AssetRecord), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn replace_asset(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AssetInput>,
) -> ApiResult<Json<AssetRecord>> {
    Ok(Json(state.core.write_asset(&caller.session, Some(id), input, Write::Replace).await?))
}

/// Changes the fields given.
#[utoipa::path(patch, path = "/api/v1/assets/assets/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    request_body = AssetInput,
    responses((status = 200, body = AssetRecord), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn change_asset(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AssetInput>,
) -> ApiResult<Json<AssetRecord>> {
    Ok(Json(state.core.write_asset(&caller.session, Some(id), input, Write::Merge).await?))
}

/// Deletes an asset and its accounts; tokens for it stop working.
#[utoipa::path(delete, path = "/api/v1/assets/assets/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_asset(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.remove_asset(&caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// Accounts.

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Only the accounts of this asset.
    pub asset: Option<Uuid>,
    /// Matches name or username.
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub offset: u64,
    /// 1 to 200; 20 when not given.
    #[serde(default = "super::rest::default_limit")]
    pub limit: u64,
}

/// Accounts on assets; secrets are never shown, `has_secret` says whether
/// one is stored (administrators).
#[utoipa::path(get, path = "/api/v1/accounts/accounts/", tag = "Assets",
    params(AccountQuery), responses((status = 200, body = Listing<AccountRecord>), (status = 403)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<AccountQuery>,
) -> ApiResult<Json<Listing<AccountRecord>>> {
    let list = ListQuery { search: query.search, offset: query.offset, limit: query.limit };
    let limit = list.bounded_limit();
    let page = state
        .core
        .accounts_page(&caller.session, query.asset, &list.search, list.offset, limit)
        .await?;
    let extra: Vec<(&str, String)> =
        query.asset.map(|a| ("asset", a.to_string())).into_iter().collect();
    Ok(Json(listing(&state, ACCOUNTS, &list, &extra, page)))
}

/// Creates an account on an asset; `secret` is write-only and stored
/// encrypted. Names are unique per asset and cannot start with `@`.
#[utoipa::path(post, path = "/api/v1/accounts/accounts/", tag = "Assets", request_body = AccountInput,
    responses((status = 201, body = AccountRecord), (status = 400), (status = 403), (status = 409)))]
pub async fn create_account(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<AccountInput>,
) -> ApiResult<(StatusCode, Json<AccountRecord>)> {
    let record = state.core.write_account(&caller.session, None, input, Write::Replace).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[utoipa::path(get, path = "/api/v1/accounts/accounts/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    responses((status = 200, body = AccountRecord), (status = 403), (status = 404)))]
pub async fn read_account(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AccountRecord>> {
    Ok(Json(state.core.account_record(&caller.session, id).await?))
}

/// Replaces an account; a secret left out is kept.
#[utoipa::path(put, path = "/api/v1/accounts/accounts/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    request_body = AccountInput,
    responses((status = 200, body = AccountRecord), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn replace_account(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AccountInput>,
) -> ApiResult<Json<AccountRecord>> {
    Ok(Json(state.core.write_account(&caller.session, Some(id), input, Write::Replace).await?))
}

/// Changes the fields given; `"secret": ""` or `null` removes the secret.
#[utoipa::path(patch, path = "/api/v1/accounts/accounts/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    request_body = AccountInput,
    responses((status = 200, body = AccountRecord), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn change_account(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AccountInput>,
) -> ApiResult<Json<AccountRecord>> {
    Ok(Json(state.core.write_account(&caller.session, Some(id), input, Write::Merge).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/accounts/{id}/", tag = "Assets", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_account(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.remove_account(&caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// Permissions.

/// Asset permissions by name (administrators).
#[utoipa::path(get, path = "/api/v1/perms/asset-permissions/", tag = "Assets",
    params(ListQuery), responses((status = 200, body = Listing<PermissionRecord>), (status = 403)))]
pub async fn list_permissions(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Listing<PermissionRecord>>> {
    let limit = query.bounded_limit();
    let page =
        state.core.permissions_page(&caller.session, &query.search, query.offset, limit).await?;
    Ok(Json(listing(&state, PERMISSIONS, &query, &[], page)))
}

/// Creates a permission: users, assets, accounts (names, `@ALL`, `@USER`,
/// `@INPUT`, `@ANON`), protocols (names or `all`), actions, and a window
/// (`date_start` to `date_expired`, by default now to 70 years on).
#[utoipa::path(post, path = "/api/v1/perms/asset-permissions/", tag = "Assets",
    request_body = PermissionInput,
    responses((status = 201, body = PermissionRecord), (status = 400), (status = 403), (status = 409)))]
pub async fn create_permission(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<PermissionInput>,
) -> ApiResult<(StatusCode, Json<PermissionRecord>)> {
    let record = state.core.write_permission(&caller.session, None, input, Write::Replace).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[utoipa::path(get, path = "/api/v1/perms/asset-permissions/{id}/", tag = "Assets",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PermissionRecord), (status = 403), (status = 404)))]
pub async fn read_permission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<PermissionRecord>> {
    Ok(Json(state.core.permission_record(&caller.session, id).await?))
}

/// Replaces a permission; fields left out take their defaults.
#[utoipa::path(put, path = "/api/v1/perms/asset-permissions/{id}/", tag = "Assets",
    params(("id" = Uuid, Path)), request_body = PermissionInput,
    responses((status = 200, body = PermissionRecord), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn replace_permission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<PermissionInput>,
) -> ApiResult<Json<PermissionRecord>> {
    let session = &caller.session;
    Ok(Json(state.core.write_permission(session, Some(id), input, Write::Replace).await?))
}

/// Changes the fields given; tokens made under it are checked again when
/// a component redeems them.
#[utoipa::path(patch, path = "/api/v1/perms/asset-permissions/{id}/", tag = "Assets",
    params(("id" = Uuid, Path)), request_body = PermissionInput,
    responses((status = 200, body = PermissionRecord), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn change_permission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<PermissionInput>,
) -> ApiResult<Json<PermissionRecord>> {
    let session = &caller.session;
    Ok(Json(state.core.write_permission(session, Some(id), input, Write::Merge).await?))
}

#[utoipa::path(delete, path = "/api/v1/perms/asset-permissions/{id}/", tag = "Assets",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_permission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.remove_permission(&caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
