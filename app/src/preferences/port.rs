//! What the server provides for preferences.

use super::model::{Category, Changes};
use crate::auth::model::SessionCtx;
use crate::common::AppError;
use serde_json::Value;

#[async_trait::async_trait]
pub trait PreferencesPort: Send + Sync {
    /// The category in JumpServer's grouped shape.
    async fn preferences(
        &self,
        session: &SessionCtx,
        category: Category,
    ) -> Result<Value, AppError>;
    async fn save_preferences(
        &self,
        session: &SessionCtx,
        category: Category,
        changes: Changes,
    ) -> Result<Value, AppError>;
    /// Puts these settings back to their defaults (`secret_key` removes the
    /// file password).
    /// The user's data as an encrypted ZIP archive, base64-encoded.
    async fn export_data(&self, session: &SessionCtx) -> Result<String, AppError>;
    async fn reset_preferences(
        &self,
        session: &SessionCtx,
        category: Category,
        names: Vec<String>,
    ) -> Result<Value, AppError>;
}
