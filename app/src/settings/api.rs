use super::model::SecuritySettings;
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
