use super::model::{Page, UserChanges, UserQuery, UserRecord, ValidNewUser};
use crate::auth::model::SessionCtx;
use crate::common::AppError;
use uuid::Uuid;

/// Account administration. Every method checks that `admin` is an admin.
#[async_trait::async_trait]
pub trait UsersPort: Send + Sync {
    async fn list_users(
        &self,
        admin: &SessionCtx,
        query: UserQuery,
    ) -> Result<Page<UserRecord>, AppError>;
    async fn get_user(&self, admin: &SessionCtx, id: Uuid) -> Result<UserRecord, AppError>;
    async fn create_user(
        &self,
        admin: &SessionCtx,
        user: ValidNewUser,
    ) -> Result<UserRecord, AppError>;
    async fn update_user(
        &self,
        admin: &SessionCtx,
        id: Uuid,
        changes: UserChanges,
    ) -> Result<UserRecord, AppError>;
    /// Lifts the blocks that failed passwords or codes put on the account.
    async fn unblock_user(&self, admin: &SessionCtx, id: Uuid) -> Result<(), AppError>;
    /// Removes the account's second factors, as if never bound.
    async fn reset_user_mfa(&self, admin: &SessionCtx, id: Uuid) -> Result<(), AppError>;
}
