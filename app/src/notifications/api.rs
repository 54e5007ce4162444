//! Server functions for the inbox and message subscriptions.

use super::model::{Backend, BackendInfo, SiteMessage, Subscription};
use crate::common::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The unread count in the header (0 when not signed in).
#[server(prefix = "/rpc", endpoint = "unread_messages")]
pub async fn unread_messages() -> Result<u32, AppError> {
    use crate::server_ctx::*;
    let Some(session) = current_session() else { return Ok(0) };
    with_status(services()?.notifications.unread_count(&session).await)
}

#[server(prefix = "/rpc", endpoint = "list_messages")]
pub async fn list_messages() -> Result<Vec<SiteMessage>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.notifications.inbox(&require_session()?).await }.await)
}

/// Marks messages read; all of them when `ids` is `None`.
#[server(prefix = "/rpc", endpoint = "mark_messages_read", input = server_fn::codec::Json)]
pub async fn mark_messages_read(ids: Option<Vec<Uuid>>) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.notifications.mark_read(&require_session()?, ids).await }.await)
}

#[server(prefix = "/rpc", endpoint = "delete_message")]
pub async fn delete_message(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.notifications.delete_message(&require_session()?, id).await }.await,
    )
}

/// The backends offered and the ones the user receives.
#[server(prefix = "/rpc", endpoint = "get_subscription")]
pub async fn get_subscription() -> Result<(Vec<BackendInfo>, Subscription), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_session()?;
            let services = services()?;
            let offered = services.notifications.available_backends().await?;
            Ok((offered, services.notifications.subscription(&session).await?))
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "set_subscription", input = server_fn::codec::Json)]
pub async fn set_subscription(backends: Vec<Backend>) -> Result<Subscription, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.notifications.set_subscription(&require_session()?, backends).await }
            .await,
    )
}
