//! `PUT /api/v1/users/profile/password/` (PATCH is refused: a password
//! change is always the whole form).

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::auth::model::ClientInfo;
use app::password::model::PasswordChange;
use axum::extract::State;
use axum::routing::put;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    route_both(router, "/users/profile/password/", put(change))
}

/// Changes the caller's password. Other sessions and API tokens end.
#[utoipa::path(put, path = "/api/v1/users/profile/password/", tag = "Profile",
    request_body = PasswordChange,
    responses((status = 200, description = "`{\"msg\": ...}`"),
        (status = 400, description = "Wrong current password, a rule not met (named), mismatch or reuse")))]
pub async fn change(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    caller: ApiCaller,
    ApiJson(change): ApiJson<PasswordChange>,
) -> ApiResult<Json<Value>> {
    state.core.change_own_password(caller.channel(), &client, &caller.session, change).await?;
    Ok(Json(json!({"msg": app::i18n::t("Password changed. Your other sessions were signed out.")})))
}
