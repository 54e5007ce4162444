use super::model::{Profile, ProfileUpdate};
use crate::common::AppError;
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_session()?;
            services()?.profile.get_profile(&session).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "update_profile", input = server_fn::codec::Json)]
pub async fn update_profile(update: ProfileUpdate) -> Result<Profile, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_session()?;
            let changes = update.validate()?;
            services()?.profile.update_profile(&session, changes).await
        }
        .await,
    )
}
