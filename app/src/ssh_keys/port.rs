use super::model::{CreatedSshKey, NewSshKey, SshKeyPatch, SshKeyRecord};
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::common::AppError;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait SshKeysPort: Send + Sync {
    async fn list_ssh_keys(&self, session: &SessionCtx) -> Result<Vec<SshKeyRecord>, AppError>;
    async fn get_ssh_key(&self, session: &SessionCtx, id: Uuid) -> Result<SshKeyRecord, AppError>;
    /// Adds a pasted key or generates a pair; needs a recent confirmation.
    async fn create_ssh_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewSshKey,
    ) -> Result<CreatedSshKey, AppError>;
    /// Renames, comments, enables (needs a recent confirmation) or disables.
    async fn update_ssh_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
        patch: SshKeyPatch,
    ) -> Result<SshKeyRecord, AppError>;
    async fn delete_ssh_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError>;
    /// The key in `authorized_keys` form, for the owner's download.
    async fn ssh_public_key(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError>;
}
