//! `GET/PATCH /api/v1/settings/setting/?category=...`: every admin setting,
//! by JumpServer's names, for administrators. Write-only settings never
//! appear in an answer; `secrets_set` names those that have a value.

use crate::auth::extract::ApiCaller;
use crate::core::Core;
use crate::error::OrInternal;
use crate::http::api::route_both;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::common::{AppError, FieldErrors};
use app::settings::model::{SecuritySettings, SettingsGroup};
use app::settings::notify::{ImSettings, MailSettings, SecretChanges, SmsSettings};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value};

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    route_both(router, "/settings/setting/", get(read).patch(write))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// `security` (also `security_auth`, `security_password`,
    /// `security_login_limit`), `email`, `sms` or `im`.
    category: Option<String>,
}

/// The key in answers that lists which write-only settings have a value.
const SECRETS_SET: &str = "secrets_set";

#[derive(Clone, Copy)]
enum Category {
    Security,
    Email,
    Sms,
    Im,
}

fn category(query: &CategoryQuery) -> Result<Category, ApiError> {
    match query.category.as_deref() {
        Some("security" | "security_auth" | "security_password" | "security_login_limit") => {
            Ok(Category::Security)
        }
        Some("email") => Ok(Category::Email),
        Some("sms") => Ok(Category::Sms),
        Some("im") => Ok(Category::Im),
        Some(other) => Err(ApiError::bad_request(format!(
            "Unknown category `{other}`: use security, email, sms or im."
        ))),
        None => {
            Err(ApiError::bad_request("Name a category: ?category=security, email, sms or im."))
        }
    }
}

async fn group_json<T: SettingsGroup>(core: &Core) -> Result<Value, AppError> {
    let group: T = core.settings_group().await?;
    let mut value = serde_json::to_value(group).or_internal()?;
    if !T::SECRETS.is_empty() {
        let set = core.secrets_set(T::SECRETS).await?;
        if let Value::Object(map) = &mut value {
            map.insert(SECRETS_SET.into(), serde_json::json!(set));
        }
    }
    Ok(value)
}

/// Applies a partial update: fields are merged over the stored group,
/// secrets set (or cleared with `""`/`null`); anything unknown is refused
/// and nothing changes.
async fn patch_group<T: SettingsGroup>(
    core: &Core,
    patch: Map<String, Value>,
) -> Result<Value, AppError> {
    let current: T = core.settings_group().await?;
    let Value::Object(mut merged) = serde_json::to_value(current).or_internal()? else {
        return Err(crate::error::internal("settings are not an object"));
    };
    let mut secrets = SecretChanges::new();
    let mut errors = FieldErrors::new();
    for (name, value) in patch {
        if T::SECRETS.contains(&name.as_str()) {
            match value {
                Value::String(s) => {
                    secrets.insert(name, s);
                }
                Value::Null => {
                    secrets.insert(name, String::new());
                }
                _ => {
                    errors.insert(name, "Enter text (or null to clear it).".into());
                }
            }
        } else if name == SECRETS_SET {
            // Read-only: present in answers, so a GET body can be sent back.
        } else if merged.contains_key(&name) {
            merged.insert(name, value);
        } else {
            let category = T::CATEGORY;
            errors.insert(name, format!("Not a setting of the `{category}` category."));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let group: T = serde_json::from_value(Value::Object(merged.clone())).map_err(|_| {
        // Find the field of the wrong type by trying each over the defaults.
        let mut fields = FieldErrors::new();
        if let Ok(Value::Object(defaults)) = serde_json::to_value(T::default()) {
            for (name, value) in &merged {
                let mut probe = defaults.clone();
                probe.insert(name.clone(), value.clone());
                if serde_json::from_value::<T>(Value::Object(probe)).is_err() {
                    fields.insert(name.clone(), "This value has the wrong type.".into());
                }
            }
        }
        AppError::invalid_fields(fields)
    })?;
    core.save_settings_group(&group, &secrets).await?;
    group_json::<T>(core).await
}

/// One category of admin settings (administrators only).
#[utoipa::path(get, path = "/api/v1/settings/setting/", tag = "Settings", params(CategoryQuery),
    responses((status = 200, description = "The settings of the category by JumpServer name",
        example = json!({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": 587, "EMAIL_USE_TLS": true, "secrets_set": ["EMAIL_HOST_PASSWORD"]})),
        (status = 400, description = "No or an unknown category"), (status = 403)))]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CategoryQuery>,
) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let core = &state.core;
    let value = match category(&query)? {
        Category::Security => group_json::<SecuritySettings>(core).await?,
        Category::Email => group_json::<MailSettings>(core).await?,
        Category::Sms => group_json::<SmsSettings>(core).await?,
        Category::Im => group_json::<ImSettings>(core).await?,
    };
    Ok(Json(value))
}

/// Changes some settings of one category; the answer is the whole category.
#[utoipa::path(patch, path = "/api/v1/settings/setting/", tag = "Settings", params(CategoryQuery),
    request_body(content = Object, description = "Settings to change, by name; write-only ones too"),
    responses((status = 200, description = "The category after the change"),
        (status = 400, description = "`{NAME: [message]}` for each refused setting; nothing changed"),
        (status = 403)))]
pub async fn write(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CategoryQuery>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> ApiResult<Json<Value>> {
    caller.require_admin()?;
    let core = &state.core;
    let value = match category(&query)? {
        Category::Security => patch_group::<SecuritySettings>(core, patch).await?,
        Category::Email => patch_group::<MailSettings>(core, patch).await?,
        Category::Sms => patch_group::<SmsSettings>(core, patch).await?,
        Category::Im => patch_group::<ImSettings>(core, patch).await?,
    };
    tracing::info!(admin = %caller.user.username, "settings changed through the API");
    Ok(Json(value))
}
