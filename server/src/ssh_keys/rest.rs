//! `/api/v1/authentication/ssh-key/`: list, create (paste or generate),
//! retrieve, PATCH name/comment/is_active, DELETE.

use crate::auth::events::Channel;
use crate::auth::extract::{ApiCaller, AuthScheme};
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

fn channel(caller: &ApiCaller) -> Channel {
    if caller.scheme == AuthScheme::Session {
        Channel::Browser
    } else {
        Channel::Api
    }
}

async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<SshKeyRecord>>> {
    Ok(Json(state.core.list_ssh_keys(&caller.session).await?))
}

async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(new): ApiJson<NewSshKey>,
) -> ApiResult<(StatusCode, Json<CreatedSshKey>)> {
    let created = state.core.create_key(channel(&caller), &client, &caller.session, new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<SshKeyRecord>> {
    Ok(Json(state.core.get_ssh_key(&caller.session, id).await?))
}

async fn edit(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(patch): ApiJson<SshKeyPatch>,
) -> ApiResult<Json<SshKeyRecord>> {
    Ok(Json(state.core.patch_key(channel(&caller), &client, &caller.session, id, patch).await?))
}

async fn remove(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.remove_key(channel(&caller), &client, &caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
