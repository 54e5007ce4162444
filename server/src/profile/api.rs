//! `GET/PATCH /api/v1/users/profile/`.

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::profile::model::{Profile, ProfileUpdate};
use app::profile::port::ProfilePort;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    route_both(router, "/users/profile/", get(read).patch(update).put(update))
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/users/profile/", tag = "Profile",
    responses((status = 200, body = Profile), (status = 401, description = "No or bad credentials")))]
pub async fn read(State(state): State<AppState>, caller: ApiCaller) -> ApiResult<Json<Profile>> {
    match &caller.owner {
        // A signed request looked the account up already.
        Some(verified) => Ok(Json(state.core.profile_of(&verified.owner).await?)),
        None => Ok(Json(state.core.get_profile(&caller.session).await?)),
    }
}

/// Changes the caller's name, phone, WeChat or MFA switch; other fields are ignored.
#[utoipa::path(method(patch, put), path = "/api/v1/users/profile/", tag = "Profile",
    request_body = ProfileUpdate,
    responses((status = 200, body = Profile), (status = 400, description = "`{\"field\": [\"message\"]}`")))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(update): ApiJson<ProfileUpdate>,
) -> ApiResult<Json<Profile>> {
    let changes = update.validate()?;
    Ok(Json(state.core.update_profile(&caller.session, changes).await?))
}
