//! Server functions for the sessions page.

use super::model::SessionInfo;
use crate::common::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/rpc", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.sessions.list_sessions(&require_session()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "end_session")]
pub async fn end_session(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.sessions.end_session(&client_info(), &require_session()?, id).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            services()?.sessions.end_other_sessions(&client_info(), &require_session()?).await
        }
        .await,
    )
}
