//! Server functions for preferences.

use super::model::Category;
use crate::common::AppError;
use leptos::prelude::*;
use serde_json::{Map, Value};

#[server(prefix = "/rpc", endpoint = "get_preferences")]
pub async fn get_preferences(category: Category) -> Result<Value, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.preferences.preferences(&require_session()?, category).await }.await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_preferences", input = server_fn::codec::Json)]
pub async fn save_preferences(
    category: Category,
    update: Map<String, Value>,
) -> Result<Value, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let changes = super::model::check_update(category, &update)?;
            services()?.preferences.save_preferences(&require_session()?, category, changes).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "reset_preferences", input = server_fn::codec::Json)]
pub async fn reset_preferences(category: Category, names: Vec<String>) -> Result<Value, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            services()?.preferences.reset_preferences(&require_session()?, category, names).await
        }
        .await,
    )
}

/// The user's data as an AES-256 encrypted ZIP archive (base64).
#[server(prefix = "/rpc", endpoint = "export_my_data")]
pub async fn export_my_data() -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.preferences.export_data(&require_session()?).await }.await)
}
