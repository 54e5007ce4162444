//! Server functions for assets, permissions and connection tokens: each one
//! hands its arguments to the server's `ConnectPort`, which checks roles and
//! rules again.

use super::model::{
    AccountInput, AccountRecord, AssetInput, AssetRecord, ConnectDetails, CreatedToken, NewToken,
    PermedAsset, PermedAssetDetail, PermissionInput, PermissionRecord, TokenRecord,
};
use crate::common::AppError;
use crate::users::model::Page;
use leptos::prelude::*;
use uuid::Uuid;

// What the person may use.

#[server(prefix = "/rpc", endpoint = "my_assets")]
pub async fn my_assets(
    search: String,
    limit: u64,
    offset: u64,
) -> Result<Page<PermedAsset>, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.connect.my_assets(&require_session()?, &search, limit, offset).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "my_asset")]
pub async fn my_asset(id: Uuid) -> Result<PermedAssetDetail, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.my_asset(&require_session()?, id).await }.await)
}

#[server(prefix = "/rpc", endpoint = "token_reuse_allowed")]
pub async fn reuse_allowed() -> Result<bool, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            require_session()?;
            services()?.connect.reuse_allowed().await
        }
        .await,
    )
}

// The person's connection tokens.

#[server(prefix = "/rpc", endpoint = "create_connection_token", input = server_fn::codec::Json)]
pub async fn create_token(new: NewToken) -> Result<CreatedToken, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.connect.create_token(&client_info(), &require_session()?, new).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "connection_token_details", input = server_fn::codec::Json)]
pub async fn token_connect_details(created: CreatedToken) -> Result<ConnectDetails, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.connect.connect_details(&require_session()?, created).await }.await,
    )
}

/// What the connect dialog calls: creates the token and answers with
/// everything the dialog shows, in one round trip, so the token's value
/// travels to the browser once.
#[server(prefix = "/rpc", endpoint = "create_connection", input = server_fn::codec::Json)]
pub async fn create_connection(new: NewToken) -> Result<ConnectDetails, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_session()?;
            let connect = services()?.connect;
            let created = connect.create_token(&client_info(), &session, new).await?;
            connect.connect_details(&session, created).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "my_connection_tokens")]
pub async fn my_tokens() -> Result<Vec<TokenRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.my_tokens(&require_session()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "expire_connection_token", input = server_fn::codec::Json)]
pub async fn expire_token(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.expire_token(&require_session()?, id).await }.await)
}

#[server(prefix = "/rpc", endpoint = "reuse_connection_token", input = server_fn::codec::Json)]
pub async fn set_token_reusable(id: Uuid, reusable: bool) -> Result<TokenRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.connect.set_token_reusable(&require_session()?, id, reusable).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "connection_token_client_url")]
pub async fn token_client_url(id: Uuid) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.token_client_url(&require_session()?, id).await }.await)
}

#[server(prefix = "/rpc", endpoint = "connection_token_rdp_file")]
pub async fn token_rdp_file(id: Uuid) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.token_rdp_file(&require_session()?, id).await }.await)
}

// Administration.

#[server(prefix = "/rpc", endpoint = "admin_list_assets")]
pub async fn list_assets() -> Result<Vec<AssetRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.list_assets(&require_admin()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "admin_save_asset", input = server_fn::codec::Json)]
pub async fn save_asset(id: Option<Uuid>, input: AssetInput) -> Result<AssetRecord, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.save_asset(&require_admin()?, id, input).await }.await)
}

#[server(prefix = "/rpc", endpoint = "admin_delete_asset", input = server_fn::codec::Json)]
pub async fn delete_asset(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.delete_asset(&require_admin()?, id).await }.await)
}

#[server(prefix = "/rpc", endpoint = "admin_list_accounts", input = server_fn::codec::Json)]
pub async fn list_accounts(asset: Option<Uuid>) -> Result<Vec<AccountRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.list_accounts(&require_admin()?, asset).await }.await)
}

#[server(prefix = "/rpc", endpoint = "admin_save_account", input = server_fn::codec::Json)]
pub async fn save_account(
    id: Option<Uuid>,
    input: AccountInput,
) -> Result<AccountRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.connect.save_account(&require_admin()?, id, input).await }.await,
    )
}

#[server(prefix = "/rpc", endpoint = "admin_delete_account", input = server_fn::codec::Json)]
pub async fn delete_account(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.delete_account(&require_admin()?, id).await }.await)
}

#[server(prefix = "/rpc", endpoint = "admin_list_permissions")]
pub async fn list_permissions() -> Result<Vec<PermissionRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.list_permissions(&require_admin()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "admin_save_permission", input = server_fn::codec::Json)]
pub async fn save_permission(
    id: Option<Uuid>,
    input: PermissionInput,
) -> Result<PermissionRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.connect.save_permission(&require_admin()?, id, input).await }.await,
    )
}

#[server(prefix = "/rpc", endpoint = "admin_delete_permission", input = server_fn::codec::Json)]
pub async fn delete_permission(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.connect.delete_permission(&require_admin()?, id).await }.await)
}
