use super::model::SecuritySettings;
use super::notify::{MailSettings, NotificationSettings, SecretChanges, SmsSettings};
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

    async fn notification_settings(
        &self,
        admin: &SessionCtx,
    ) -> Result<NotificationSettings, AppError>;
    async fn save_notification_settings(
        &self,
        admin: &SessionCtx,
        mail: MailSettings,
        sms: SmsSettings,
        secrets: SecretChanges,
    ) -> Result<NotificationSettings, AppError>;
    /// Sends a test email with these (unsaved) settings; the server's answer.
    async fn test_email(
        &self,
        admin: &SessionCtx,
        mail: MailSettings,
        secrets: SecretChanges,
        to: String,
    ) -> Result<String, AppError>;
    /// Sends a test SMS with these (unsaved) settings; the gateway's answer.
    async fn test_sms(
        &self,
        admin: &SessionCtx,
        sms: SmsSettings,
        secrets: SecretChanges,
        phone: String,
    ) -> Result<String, AppError>;
}
