use super::model::{AccessKeyPatch, AccessKeyRecord, CreatedAccessKey, NewAccessKey};
use crate::common::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/rpc", endpoint = "list_access_keys")]
pub async fn list_access_keys() -> Result<Vec<AccessKeyRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.access_keys.list_access_keys(&require_session()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "create_access_key", input = server_fn::codec::Json)]
pub async fn create_access_key(new: NewAccessKey) -> Result<CreatedAccessKey, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let new = new.validate()?;
            services()?
                .access_keys
                .create_access_key(&client_info(), &require_session()?, new)
                .await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "update_access_key", input = server_fn::codec::Json)]
pub async fn update_access_key(
    id: Uuid,
    patch: AccessKeyPatch,
) -> Result<AccessKeyRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let patch = patch.validate()?;
            services()?
                .access_keys
                .update_access_key(&client_info(), &require_session()?, id, patch)
                .await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "delete_access_key", input = server_fn::codec::Json)]
pub async fn delete_access_key(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            services()?.access_keys.delete_access_key(&client_info(), &require_session()?, id).await
        }
        .await,
    )
}
