//! `/api/v1/authentication/access-keys/`: list, create (the secret in the
//! answer, once), retrieve, PATCH is_active / ip_group, DELETE.

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::access_keys::model::{AccessKeyPatch, AccessKeyRecord, CreatedAccessKey, NewAccessKey};
use app::access_keys::port::AccessKeysPort;
use app::auth::model::ClientInfo;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http::StatusCode;
use uuid::Uuid;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/authentication/access-keys/", get(list).post(create));
    route_both(router, "/authentication/access-keys/{id}/", get(read).patch(edit).delete(remove))
}

/// The caller's access keys.
#[utoipa::path(get, path = "/api/v1/authentication/access-keys/", tag = "Access keys",
    responses((status = 200, body = [AccessKeyRecord]), (status = 401, description = "No or bad credentials")))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<AccessKeyRecord>>> {
    Ok(Json(state.core.list_access_keys(&caller.session).await?))
}

/// Creates a key. Needs a recent confirmation (412 otherwise); the answer
/// holds the secret, which is never shown again.
#[utoipa::path(post, path = "/api/v1/authentication/access-keys/", tag = "Access keys",
    request_body = NewAccessKey,
    responses((status = 201, body = CreatedAccessKey), (status = 400, description = "Bad allowlist or too many keys"),
        (status = 412, description = "Confirm your identity first (`/api/v1/authentication/confirm/`)")))]
pub async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(new): ApiJson<NewAccessKey>,
) -> ApiResult<(StatusCode, Json<CreatedAccessKey>)> {
    let created =
        state.core.create_key_for(caller.channel(), &client, &caller.session, new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One of the caller's keys.
#[utoipa::path(get, path = "/api/v1/authentication/access-keys/{id}/", tag = "Access keys",
    params(("id" = Uuid, Path, description = "The AccessKeyID")),
    responses((status = 200, body = AccessKeyRecord), (status = 404, description = "No such key of yours")))]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<AccessKeyRecord>> {
    Ok(Json(state.core.get_key_for(&caller.session, id).await?))
}

/// Enables or disables a key, or replaces its IP allowlist (enabling and
/// allowlist changes need a recent confirmation).
#[utoipa::path(patch, path = "/api/v1/authentication/access-keys/{id}/", tag = "Access keys",
    params(("id" = Uuid, Path, description = "The AccessKeyID")), request_body = AccessKeyPatch,
    responses((status = 200, body = AccessKeyRecord), (status = 400, description = "Bad allowlist"),
        (status = 404, description = "No such key of yours"), (status = 412, description = "Confirm your identity first")))]
pub async fn edit(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(patch): ApiJson<AccessKeyPatch>,
) -> ApiResult<Json<AccessKeyRecord>> {
    Ok(Json(state.core.patch_key_for(caller.channel(), &client, &caller.session, id, patch).await?))
}

/// Deletes a key; requests signed with it fail at once.
#[utoipa::path(delete, path = "/api/v1/authentication/access-keys/{id}/", tag = "Access keys",
    params(("id" = Uuid, Path, description = "The AccessKeyID")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such key of yours")))]
pub async fn remove(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.delete_key_for(caller.channel(), &client, &caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
