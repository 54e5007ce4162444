use super::model::{PasswordChange, PasswordRules};
use crate::common::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "get_password_rules")]
pub async fn get_password_rules() -> Result<PasswordRules, AppError> {
    use crate::auth::model::SessionStage;
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Full, SessionStage::PasswordExpired])?;
            services()?.password.password_rules(&session).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "change_password", input = server_fn::codec::Json)]
pub async fn change_password(change: PasswordChange) -> Result<(), AppError> {
    use crate::auth::model::SessionStage;
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Full, SessionStage::PasswordExpired])?;
            let cookie =
                services()?.password.change_password(&client_info(), &session, change).await?;
            if let Some(cookie) = cookie {
                set_cookie(cookie);
            }
            Ok(())
        }
        .await,
    )
}
