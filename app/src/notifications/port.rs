//! What the server provides for notifications and the inbox.

use super::model::{Backend, BackendInfo, SiteMessage, Subscription};
use crate::auth::model::SessionCtx;
use crate::common::AppError;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait NotificationsPort: Send + Sync {
    /// The backends that can deliver now (configured by an administrator).
    async fn available_backends(&self) -> Result<Vec<BackendInfo>, AppError>;
    async fn subscription(&self, session: &SessionCtx) -> Result<Subscription, AppError>;
    async fn set_subscription(
        &self,
        session: &SessionCtx,
        backends: Vec<Backend>,
    ) -> Result<Subscription, AppError>;
    /// The newest messages first.
    async fn inbox(&self, session: &SessionCtx) -> Result<Vec<SiteMessage>, AppError>;
    async fn unread_count(&self, session: &SessionCtx) -> Result<u32, AppError>;
    /// Marks these messages read (all of them when `ids` is `None`).
    async fn mark_read(&self, session: &SessionCtx, ids: Option<Vec<Uuid>>)
        -> Result<(), AppError>;
    async fn delete_message(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError>;
}
