//! Assets, the accounts on them, asset permissions and connection tokens:
//! administration, what a person may use, the token lifecycle and the
//! components' redemption. The REST handlers are in [`rest`] (people and
//! administrators) and [`component_rest`] (service accounts).

pub mod access;
pub mod admin;
pub mod admin_rest;
pub mod component;
pub mod component_rest;
pub mod grants;
pub mod rdp;
pub mod redeem;
pub mod rest;
pub mod store;
pub mod tokens;

use crate::auth::events::Channel;
use crate::core::Core;
use admin::Write;
use app::auth::model::{ClientInfo, SessionCtx};
use app::common::AppError;
use app::connect::model::*;
use app::connect::port::ConnectPort;
use app::users::model::Page;
use uuid::Uuid;

/// Lists for the pages have no page size; the REST API pages them.
const ALL: u64 = u64::MAX;

#[async_trait::async_trait]
impl ConnectPort for Core {
    async fn my_assets(
        &self,
        session: &SessionCtx,
        search: &str,
        limit: u64,
        offset: u64,
    ) -> Result<Page<PermedAsset>, AppError> {
        self.permitted_assets(session, search, offset, limit).await
    }

    async fn my_asset(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<PermedAssetDetail, AppError> {
        self.permitted_asset(session, id).await
    }

    async fn create_token(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewToken,
    ) -> Result<CreatedToken, AppError> {
        self.create_token_for(Channel::Browser, client, session, new).await
    }

    async fn connect_details(
        &self,
        session: &SessionCtx,
        created: CreatedToken,
    ) -> Result<ConnectDetails, AppError> {
        self.details_of(session, created).await
    }

    async fn my_tokens(&self, session: &SessionCtx) -> Result<Vec<TokenRecord>, AppError> {
        self.tokens_of(session).await
    }

    async fn expire_token(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        self.expire_token_for(Channel::Browser, &ClientInfo::default(), session, id).await
    }

    async fn set_token_reusable(
        &self,
        session: &SessionCtx,
        id: Uuid,
        reusable: bool,
    ) -> Result<TokenRecord, AppError> {
        self.reuse_token(session, id, reusable).await
    }

    async fn token_client_url(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError> {
        self.client_url_of(session, id).await
    }

    async fn token_rdp_file(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError> {
        Ok(self.rdp_file_of(session, id).await?.1)
    }

    async fn reuse_allowed(&self) -> Result<bool, AppError> {
        Ok(self.token_lifetimes().await?.reuse_allowed)
    }

    async fn list_assets(&self, session: &SessionCtx) -> Result<Vec<AssetRecord>, AppError> {
        Ok(self.assets_page(session, "", 0, ALL).await?.results)
    }

    async fn save_asset(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: AssetInput,
    ) -> Result<AssetRecord, AppError> {
        self.write_asset(session, id, input, Write::Merge).await
    }

    async fn delete_asset(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        self.remove_asset(session, id).await
    }

    async fn list_accounts(
        &self,
        session: &SessionCtx,
        asset: Option<Uuid>,
    ) -> Result<Vec<AccountRecord>, AppError> {
        Ok(self.accounts_page(session, asset, "", 0, ALL).await?.results)
    }

    async fn save_account(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: AccountInput,
    ) -> Result<AccountRecord, AppError> {
        self.write_account(session, id, input, Write::Merge).await
    }

    async fn delete_account(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        self.remove_account(session, id).await
    }

    async fn list_permissions(
        &self,
        session: &SessionCtx,
    ) -> Result<Vec<PermissionRecord>, AppError> {
        Ok(self.permissions_page(session, "", 0, ALL).await?.results)
    }

    async fn save_permission(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: PermissionInput,
    ) -> Result<PermissionRecord, AppError> {
        self.write_permission(session, id, input, Write::Merge).await
    }

    async fn delete_permission(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        self.remove_permission(session, id).await
    }
}
