//! `/api/v1/authentication/ssh-key/`: list, create (paste or generate),
//! retrieve, PATCH name/comment/is_active, DELETE.

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::auth::model::ClientInfo;
use app::ssh_keys::model::{CreatedSshKey, NewSshKey, SshKeyPatch, SshKeyRecord};
use app::ssh_keys::port::SshKeysPort;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http::StatusCode;
use uuid::Uuid;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/authentication/ssh-key/", get(list).post(create));
    route_both(router, "/authentication/ssh-key/{id}/", get(read).patch(edit).delete(remove))
}

/// The caller's SSH public keys (the key text itself is write-only).
#[utoipa::path(get, path = "/api/v1/authentication/ssh-key/", tag = "SSH keys",
    responses((status = 200, body = [SshKeyRecord])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<SshKeyRecord>>> {
    Ok(Json(state.core.list_ssh_keys(&caller.session).await?))
}

/// Adds a pasted public key (`public_key_option` `input`) or generates a
/// pair (`auto`; the answer holds `private_key`, once). Needs a recent
/// confirmation.
#[utoipa::path(post, path = "/api/v1/authentication/ssh-key/", tag = "SSH keys",
    request_body = NewSshKey,
    responses((status = 201, body = CreatedSshKey),
        (status = 400, description = "Not an acceptable public key (the reason is given), or too many keys"),
        (status = 409, description = "This key was added already"),
        (status = 412, description = "Confirm your identity first")))]
pub async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(new): ApiJson<NewSshKey>,
) -> ApiResult<(StatusCode, Json<CreatedSshKey>)> {
    let created = state.core.create_key(caller.channel(), &client, &caller.session, new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One of the caller's keys.
#[utoipa::path(get, path = "/api/v1/authentication/ssh-key/{id}/", tag = "SSH keys",
    params(("id" = Uuid, Path)), responses((status = 200, body = SshKeyRecord), (status = 404)))]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<SshKeyRecord>> {
    Ok(Json(state.core.get_ssh_key(&caller.session, id).await?))
}

/// Renames, comments, enables (needs a recent confirmation) or disables a key.
#[utoipa::path(patch, path = "/api/v1/authentication/ssh-key/{id}/", tag = "SSH keys",
    params(("id" = Uuid, Path)), request_body = SshKeyPatch,
    responses((status = 200, body = SshKeyRecord), (status = 400), (status = 404), (status = 412)))]
pub async fn edit(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(patch): ApiJson<SshKeyPatch>,
) -> ApiResult<Json<SshKeyRecord>> {
    Ok(Json(state.core.patch_key(caller.channel(), &client, &caller.session, id, patch).await?))
}

/// Deletes a key; SSH sign-in with it stops at once.
#[utoipa::path(delete, path = "/api/v1/authentication/ssh-key/{id}/", tag = "SSH keys",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404)))]
pub async fn remove(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.remove_key(caller.channel(), &client, &caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
