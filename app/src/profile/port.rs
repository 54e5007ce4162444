use super::model::{Profile, ProfileChanges};
use crate::auth::model::SessionCtx;
use crate::common::AppError;

#[async_trait::async_trait]
pub trait ProfilePort: Send + Sync {
    async fn get_profile(&self, session: &SessionCtx) -> Result<Profile, AppError>;
    async fn update_profile(
        &self,
        session: &SessionCtx,
        changes: ProfileChanges,
    ) -> Result<Profile, AppError>;
}
