use super::model::{CreatedSshKey, NewSshKey, SshKeyPatch, SshKeyRecord};
use crate::common::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/rpc", endpoint = "list_ssh_keys")]
pub async fn list_ssh_keys() -> Result<Vec<SshKeyRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.ssh_keys.list_ssh_keys(&require_session()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "create_ssh_key", input = server_fn::codec::Json)]
pub async fn create_ssh_key(new: NewSshKey) -> Result<CreatedSshKey, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            new.validate()?;
            services()?.ssh_keys.create_ssh_key(&client_info(), &require_session()?, new).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "update_ssh_key", input = server_fn::codec::Json)]
pub async fn update_ssh_key(id: Uuid, patch: SshKeyPatch) -> Result<SshKeyRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            patch.validate()?;
            services()?
                .ssh_keys
                .update_ssh_key(&client_info(), &require_session()?, id, patch)
                .await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "delete_ssh_key", input = server_fn::codec::Json)]
pub async fn delete_ssh_key(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            services()?.ssh_keys.delete_ssh_key(&client_info(), &require_session()?, id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "ssh_public_key")]
pub async fn ssh_public_key(id: Uuid) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.ssh_keys.ssh_public_key(&require_session()?, id).await }.await)
}
