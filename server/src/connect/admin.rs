//! Administration of assets, their accounts and asset permissions, for the
//! admin pages and `/api/v1/assets/`, `/accounts/`, `/perms/asset-permissions/`.

use super::store::{self, AccountRow, AssetRow};
use crate::core::Core;
use crate::error::OrInternal;
use app::auth::model::SessionCtx;
use app::common::AppError;
use app::connect::model::{
    AccountInput, AccountRecord, AssetInput, AssetRecord, PermissionInput, PermissionRecord,
    SecretChange,
};
use app::users::model::Page;
use uuid::Uuid;

fn admin_only(session: &SessionCtx) -> Result<(), AppError> {
    if session.is_full() && session.user.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// How a write applies its input: `PUT` replaces, `PATCH` merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Replace,
    Merge,
}

impl Core {
    pub async fn assets_page(
        &self,
        session: &SessionCtx,
        search: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Page<AssetRecord>, AppError> {
        admin_only(session)?;
        let (count, rows) = store::assets_page(&self.db, search, offset, limit).await?;
        Ok(Page { count, results: rows.iter().map(AssetRow::record).collect() })
    }

    pub async fn asset_record(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<AssetRecord, AppError> {
        admin_only(session)?;
        store::find_asset(&self.db, id).await?.map(|a| a.record()).ok_or(AppError::NotFound)
    }

    /// Creates (`id` none) or changes an asset.
    pub async fn write_asset(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: AssetInput,
        how: Write,
    ) -> Result<AssetRecord, AppError> {
        admin_only(session)?;
        let existing = match id {
            Some(id) => Some(store::find_asset(&self.db, id).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        let base = existing.as_ref().map(AssetRow::record);
        let values = input.resolve(if how == Write::Merge { base.as_ref() } else { None })?;
        let row = AssetRow {
            id: existing.as_ref().map_or_else(Uuid::new_v4, |e| e.id),
            name: values.name,
            address: values.address,
            platform: values.platform,
            protocols: serde_json::to_string(&values.protocols).or_internal()?,
            is_active: values.is_active,
            comment: values.comment,
            db_name: values.db_name,
            date_created: existing.as_ref().map_or_else(|| self.now().millis(), |e| e.date_created),
        };
        if existing.is_some() {
            store::update_asset(&self.db, &row).await?;
        } else {
            store::insert_asset(&self.db, &row).await?;
        }
        tracing::info!(admin = %session.user.username, asset = %row.id, "asset saved");
        Ok(row.record())
    }

    /// Deletes an asset with its accounts; its connection tokens stop working.
    pub async fn remove_asset(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        admin_only(session)?;
        if !store::delete_asset(&self.db, id).await? {
            return Err(AppError::NotFound);
        }
        tracing::info!(admin = %session.user.username, asset = %id, "asset deleted");
        Ok(())
    }

    pub async fn accounts_page(
        &self,
        session: &SessionCtx,
        asset: Option<Uuid>,
        search: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Page<AccountRecord>, AppError> {
        admin_only(session)?;
        let (count, rows) = store::accounts_page(&self.db, asset, search, offset, limit).await?;
        Ok(Page { count, results: rows.iter().map(AccountRow::record).collect() })
    }

    pub async fn account_record(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<AccountRecord, AppError> {
        admin_only(session)?;
        store::find_account(&self.db, id).await?.map(|a| a.record()).ok_or(AppError::NotFound)
    }

    /// Creates (`id` none) or changes an account; its secret is sealed.
    pub async fn write_account(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: AccountInput,
        how: Write,
    ) -> Result<AccountRecord, AppError> {
        admin_only(session)?;
        let existing = match id {
            Some(id) => Some(store::find_account(&self.db, id).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        let base = existing.as_ref().map(AccountRow::record);
        let values = match how {
            Write::Merge => input.resolve(base.as_ref())?,
            // A replacement keeps what it does not name only for the asset
            // (which never changes) and the write-only secret.
            Write::Replace => {
                let asset = input.asset.or(base.as_ref().map(|b| b.asset));
                if let (Some(b), Some(asset)) = (&base, asset) {
                    if asset != b.asset {
                        return Err(AppError::invalid(
                            "asset",
                            "An account stays on its asset: add a new account to the other asset.",
                        ));
                    }
                }
                AccountInput { asset, ..input }.resolve(None)?
            }
        };
        if store::find_asset(&self.db, values.asset).await?.is_none() {
            return Err(AppError::invalid("asset", "Choose an existing asset."));
        }
        let id = existing.as_ref().map_or_else(Uuid::new_v4, |e| e.id);
        let secret_enc = match &values.secret {
            SecretChange::Keep => existing.as_ref().and_then(|e| e.secret_enc.clone()),
            SecretChange::Clear => None,
            SecretChange::Set(secret) => {
                Some(self.sealer.seal(&store::account_seal_context(id), secret.as_bytes()))
            }
        };
        let row = AccountRow {
            id,
            asset_id: values.asset,
            name: values.name,
            username: values.username,
            secret_type: "password".into(),
            secret_enc,
            privileged: values.privileged,
            is_active: values.is_active,
            date_created: existing.as_ref().map_or_else(|| self.now().millis(), |e| e.date_created),
        };
        if existing.is_some() {
            store::update_account(&self.db, &row).await?;
        } else {
            store::insert_account(&self.db, &row).await?;
        }
        tracing::info!(admin = %session.user.username, account = %row.id, "asset account saved");
        Ok(row.record())
    }

    pub async fn remove_account(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        admin_only(session)?;
        if !store::delete_account(&self.db, id).await? {
            return Err(AppError::NotFound);
        }
        tracing::info!(admin = %session.user.username, account = %id, "asset account deleted");
        Ok(())
    }

    pub async fn permissions_page(
        &self,
        session: &SessionCtx,
        search: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Page<PermissionRecord>, AppError> {
        admin_only(session)?;
        let (count, rows) = store::permissions_page(&self.db, search, offset, limit).await?;
        Ok(Page { count, results: rows.iter().map(store::Permission::record).collect() })
    }

    pub async fn permission_record(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<PermissionRecord, AppError> {
        admin_only(session)?;
        store::find_permission(&self.db, id).await?.map(|p| p.record()).ok_or(AppError::NotFound)
    }

    /// Creates (`id` none) or changes a permission; its users and assets
    /// must exist.
    pub async fn write_permission(
        &self,
        session: &SessionCtx,
        id: Option<Uuid>,
        input: PermissionInput,
        how: Write,
    ) -> Result<PermissionRecord, AppError> {
        admin_only(session)?;
        let existing = match id {
            Some(id) => {
                Some(store::find_permission(&self.db, id).await?.ok_or(AppError::NotFound)?)
            }
            None => None,
        };
        let base = existing.as_ref().map(store::Permission::record);
        let base = if how == Write::Merge { base.as_ref() } else { None };
        let values = input.resolve(base, self.now())?;
        for user in &values.users {
            if crate::users::store::find_by_id(&self.db, *user).await?.is_none() {
                return Err(AppError::invalid("users", format!("There is no user {user}.")));
            }
        }
        for asset in &values.assets {
            if store::find_asset(&self.db, *asset).await?.is_none() {
                return Err(AppError::invalid("assets", format!("There is no asset {asset}.")));
            }
        }
        let id = existing.as_ref().map_or_else(Uuid::new_v4, |e| e.row.id);
        let created = existing.is_none().then(|| self.now());
        store::save_permission(&self.db, id, &values, created).await?;
        tracing::info!(admin = %session.user.username, permission = %id, "asset permission saved");
        store::find_permission(&self.db, id).await?.map(|p| p.record()).ok_or(AppError::NotFound)
    }

    pub async fn remove_permission(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        admin_only(session)?;
        if !store::delete_permission(&self.db, id).await? {
            return Err(AppError::NotFound);
        }
        tracing::info!(admin = %session.user.username, permission = %id, "asset permission deleted");
        Ok(())
    }
}
