use super::model::SecuritySettings;
use crate::auth::model::SessionCtx;
use crate::common::AppError;

#[async_trait::async_trait]
pub trait SettingsPort: Send + Sync {
    async fn security_settings(&self, admin: &SessionCtx) -> Result<SecuritySettings, AppError>;
    async fn save_security_settings(
        &self,
        admin: &SessionCtx,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, AppError>;
}
