use super::model::{AccessKeyPatch, AccessKeyRecord, CreatedAccessKey, NewAccessKey};
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::common::AppError;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait AccessKeysPort: Send + Sync {
    async fn list_access_keys(
        &self,
        session: &SessionCtx,
    ) -> Result<Vec<AccessKeyRecord>, AppError>;
    /// Needs a recent confirmation; the answer holds the secret, this once.
    async fn create_access_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewAccessKey,
    ) -> Result<CreatedAccessKey, AppError>;
    async fn update_access_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
        patch: AccessKeyPatch,
    ) -> Result<AccessKeyRecord, AppError>;
    async fn delete_access_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError>;
}
