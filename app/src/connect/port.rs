//! What the pages and the REST API need from the server for assets,
//! permissions and connection tokens.

use super::model::*;
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::common::AppError;
use crate::users::model::Page;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait ConnectPort: Send + Sync {
    // What a person may use.
    /// Assets the person holds a valid permission for, by name; `search`
    /// matches name or address.
    async fn my_assets(
        &self,
        session: &SessionCtx,
        search: &str,
        limit: u64,
        offset: u64,
    ) -> Result<Page<PermedAsset>, AppError>;
    async fn my_asset(&self, session: &SessionCtx, id: Uuid)
        -> Result<PermedAssetDetail, AppError>;

    // Connection tokens of the person.
    /// Checks the permission, its window, the account and the protocol.
    async fn create_token(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewToken,
    ) -> Result<CreatedToken, AppError>;
    /// The token with everything the connect dialog shows.
    async fn connect_details(
        &self,
        session: &SessionCtx,
        created: CreatedToken,
    ) -> Result<ConnectDetails, AppError>;
    /// The person's tokens that have not expired, newest first.
    async fn my_tokens(&self, session: &SessionCtx) -> Result<Vec<TokenRecord>, AppError>;
    async fn expire_token(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError>;
    /// Only when the administrator allows reusable tokens.
    async fn set_token_reusable(
        &self,
        session: &SessionCtx,
        id: Uuid,
        reusable: bool,
    ) -> Result<TokenRecord, AppError>;
    /// `jms://` + base64 JSON for the JumpServer client.
    async fn token_client_url(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError>;
    /// An `.rdp` file from the person's Web Terminal preferences.
    async fn token_rdp_file(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError>;
    /// Whether reusable tokens are allowed (the dialog shows the switch).
    async fn reuse_allowed(&self) -> Result<bool, AppError>;

    // Administration.
    async fn list_assets(&self, session: &SessionCtx) -> Result<Vec<AssetRecord>, AppError>;
    async fn save_asset(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: AssetInput,
    ) -> Result<AssetRecord, AppError>;
    async fn delete_asset(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError>;
    async fn list_accounts(
        &self,
        session: &SessionCtx,
        asset: Option<Uuid>,
    ) -> Result<Vec<AccountRecord>, AppError>;
    async fn save_account(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: AccountInput,
    ) -> Result<AccountRecord, AppError>;
    async fn delete_account(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError>;
    async fn list_permissions(
        &self,
        session: &SessionCtx,
    ) -> Result<Vec<PermissionRecord>, AppError>;
    async fn save_permission(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: PermissionInput,
    ) -> Result<PermissionRecord, AppError>;
    async fn delete_permission(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError>;
}
