use super::model::SecuritySettings;
use super::notify::{MailSettings, NotificationSettings, SecretChanges, SmsSettings};
use crate::common::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "get_security_settings")]
pub async fn get_security_settings() -> Result<SecuritySettings, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.settings.security_settings(&require_admin()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "save_security_settings", input = server_fn::codec::Json)]
pub async fn save_security_settings(
    settings: SecuritySettings,
) -> Result<SecuritySettings, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            settings.validate()?;
            services()?.settings.save_security_settings(&require_admin()?, settings).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "get_notification_settings")]
pub async fn get_notification_settings() -> Result<NotificationSettings, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.settings.notification_settings(&require_admin()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "save_notification_settings", input = server_fn::codec::Json)]
pub async fn save_notification_settings(
    mail: MailSettings,
    sms: SmsSettings,
    secrets: SecretChanges,
) -> Result<NotificationSettings, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            services()?
                .settings
                .save_notification_settings(&require_admin()?, mail, sms, secrets)
                .await
        }
        .await,
    )
}

/// Sends a test email with the form's values (saved or not).
#[server(prefix = "/rpc", endpoint = "test_email", input = server_fn::codec::Json)]
pub async fn test_email(
    mail: MailSettings,
    secrets: SecretChanges,
    to: String,
) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.settings.test_email(&require_admin()?, mail, secrets, to).await }.await,
    )
}

/// Sends a test SMS with the form's values (saved or not).
#[server(prefix = "/rpc", endpoint = "test_sms", input = server_fn::codec::Json)]
pub async fn test_sms(
    sms: SmsSettings,
    secrets: SecretChanges,
    phone: String,
) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.settings.test_sms(&require_admin()?, sms, secrets, phone).await }.await,
    )
}
