//! `GET/PATCH/DELETE /api/v1/users/preference/?category=lina|luna|koko`, in
//! JumpServer's grouped shape (`basic`, `graphics`, `command_line`, `file`).

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::preferences::model::{self as prefs, Category};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value};

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    route_both(router, "/users/preference/", get(read).patch(write).delete(reset))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// `lina` (web UI), `luna` (web terminal) or `koko` (SSH terminal).
    category: Option<String>,
}

fn category(query: &CategoryQuery) -> Result<Category, ApiError> {
    let name = query.category.as_deref().unwrap_or_default();
    Category::parse(name)
        .ok_or_else(|| ApiError::bad_request("Name a category: ?category=lina, luna or koko."))
}

/// The caller's preferences of one category.
#[utoipa::path(get, path = "/api/v1/users/preference/", tag = "Preferences", params(CategoryQuery),
    responses((status = 200, description = "Grouped values",
        example = json!({"basic": {"is_async_asset_tree": true}, "graphics": {"rdp_resolution": "auto"}, "command_line": {"character_terminal_font_size": 14}})),
        (status = 400, description = "No or an unknown category")))]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CategoryQuery>,
) -> ApiResult<Json<Value>> {
    Ok(Json(state.core.preferences_of(caller.user.id, category(&query)?).await?))
}

/// Changes some preferences (grouped or flat names); all or nothing.
#[utoipa::path(patch, path = "/api/v1/users/preference/", tag = "Preferences", params(CategoryQuery),
    request_body(content = Object, description = "`{group: {name: value}}`; `lina` takes `file.secret_key` and `file.secret_key_again`"),
    responses((status = 200, description = "The category after the change"),
        (status = 400, description = "`{name: [message]}` for each refused value; nothing changed")))]
pub async fn write(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CategoryQuery>,
    ApiJson(update): ApiJson<Map<String, Value>>,
) -> ApiResult<Json<Value>> {
    let category = category(&query)?;
    let changes = prefs::check_update(category, &update)?;
    Ok(Json(state.core.save_preferences_of(caller.user.id, category, changes).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetNames {
    names: Vec<String>,
}

/// Puts the named preferences back to their defaults.
#[utoipa::path(delete, path = "/api/v1/users/preference/", tag = "Preferences", params(CategoryQuery),
    request_body = ResetNames,
    responses((status = 200, description = "The category after the reset"), (status = 400)))]
pub async fn reset(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CategoryQuery>,
    ApiJson(body): ApiJson<ResetNames>,
) -> ApiResult<Json<Value>> {
    let category = category(&query)?;
    Ok(Json(state.core.reset_preferences_of(caller.user.id, category, &body.names).await?))
}
