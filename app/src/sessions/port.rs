//! What the server provides for a user's own sessions.

use super::model::SessionInfo;
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::common::AppError;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait SessionsPort: Send + Sync {
    /// Live browser sessions and API tokens, the newest first.
    async fn list_sessions(&self, session: &SessionCtx) -> Result<Vec<SessionInfo>, AppError>;
    /// Ends one of them (not the one in use: that is "Sign out").
    async fn end_session(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError>;
    /// Ends every other session and token; how many ended.
    async fn end_other_sessions(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
    ) -> Result<u64, AppError>;
}
