//! What a person may use: the assets their permissions in force name, and
//! on each the accounts and protocols (`/api/v1/perms/users/self/assets/`).

use super::grants::{self, Grant};
use super::store::{self, AccountRow, AssetRow, PermissionRow};
use crate::core::Core;
use app::auth::model::SessionCtx;
use app::common::{AppError, Timestamp};
use app::connect::model::{
    PermedAccount, PermedAsset, PermedAssetDetail, ALIAS_ANON, ALIAS_INPUT, ALIAS_USER,
};
use app::users::model::Page;
use uuid::Uuid;

/// The aliases in the order the connect dialog offers them, with
/// JumpServer's names for them.
const VIRTUAL_ACCOUNTS: [(&str, &str); 3] = [
    (ALIAS_USER, "Dynamic user"),
    (ALIAS_INPUT, "Manual input"),
    (ALIAS_ANON, "Anonymous account"),
];

/// The accounts of an asset the grants let a person use, with what they
/// may do on each: the asset's active accounts, then the aliases listed.
pub fn permed_accounts(
    grants: &[Grant],
    accounts: &[AccountRow],
    username: &str,
    now: Timestamp,
) -> Vec<PermedAccount> {
    let real = accounts.iter().filter(|a| a.is_active).filter_map(|a| {
        let actions = grants::account_actions(grants, &a.name, now);
        (!actions.is_empty()).then(|| PermedAccount {
            id: a.id.to_string(),
            name: a.name.clone(),
            username: a.username.clone(),
            alias: a.name.clone(),
            has_secret: a.secret_enc.is_some(),
            actions,
        })
    });
    let virtual_accounts = VIRTUAL_ACCOUNTS.iter().filter_map(|(alias, name)| {
        let actions = grants::account_actions(grants, alias, now);
        (!actions.is_empty()).then(|| PermedAccount {
            id: (*alias).to_owned(),
            name: (*name).to_owned(),
            username: if *alias == ALIAS_USER { username.to_owned() } else { String::new() },
            alias: (*alias).to_owned(),
            has_secret: false,
            actions,
        })
    });
    real.chain(virtual_accounts).collect()
}

impl Core {
    /// Every permission naming `user` and `asset`, in force or not.
    pub(super) async fn grants_for(&self, user: Uuid, asset: Uuid) -> Result<Vec<Grant>, AppError> {
        let rows = store::permissions_naming(&self.db, user, asset).await?;
        Ok(rows.iter().map(PermissionRow::grant).collect())
    }

    /// The active asset `id` when a permission in force names it for `user`.
    pub(super) async fn permitted_asset_row(
        &self,
        user: Uuid,
        id: Uuid,
        now: Timestamp,
    ) -> Result<Option<(AssetRow, Vec<Grant>)>, AppError> {
        let Some(asset) = store::find_asset(&self.db, id).await?.filter(|a| a.is_active) else {
            return Ok(None);
        };
        let grants = self.grants_for(user, id).await?;
        if !grants.iter().any(|g| g.in_force_at(now)) {
            return Ok(None);
        }
        Ok(Some((asset, grants)))
    }

    pub async fn permitted_assets(
        &self,
        session: &SessionCtx,
        search: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Page<PermedAsset>, AppError> {
        let user = self.signed_in_user(session).await?;
        let (count, rows) =
            store::permitted_assets_page(&self.db, user.id, self.now(), search, offset, limit)
                .await?;
        Ok(Page { count, results: rows.iter().map(AssetRow::permed).collect() })
    }

    /// One asset with the accounts and protocols the person may use on it;
    /// not found when no permission in force names it.
    pub async fn permitted_asset(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<PermedAssetDetail, AppError> {
        let user = self.signed_in_user(session).await?;
        let now = self.now();
        let (asset, grants) =
            self.permitted_asset_row(user.id, id, now).await?.ok_or(AppError::NotFound)?;
        let accounts = store::accounts_of(&self.db, asset.id).await?;
        let permed_protocols = asset
            .protocols()
            .into_iter()
            .filter(|p| grants::protocol_allowed(&grants, &p.name, now))
            .collect();
        Ok(PermedAssetDetail {
            permed_accounts: permed_accounts(&grants, &accounts, &user.username, now),
            permed_protocols,
            asset: asset.permed(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, active: bool) -> AccountRow {
        AccountRow {
            id: Uuid::new_v4(),
            asset_id: Uuid::nil(),
            name: name.into(),
            username: format!("{name}-login"),
            secret_type: "password".into(),
            secret_enc: None,
            privileged: false,
            is_active: active,
            date_created: 0,
        }
    }

    #[test]
    fn only_listed_aliases_and_active_accounts_are_offered() {
        let grant = Grant {
            accounts: vec!["@ALL".into(), "@USER".into()],
            protocols: vec!["all".into()],
            actions: vec!["connect".into()],
            is_active: true,
            date_start: Timestamp::from_millis(0),
            date_expired: Timestamp::from_millis(10),
        };
        let accounts = [account("root", true), account("old", false)];
        let offered = permed_accounts(&[grant], &accounts, "alice", Timestamp::from_millis(5));
        let names: Vec<&str> = offered.iter().map(|a| a.alias.as_str()).collect();
        assert_eq!(names, ["root", "@USER"]);
        assert_eq!(offered[0].username, "root-login");
        assert_eq!(offered[1].username, "alice");
    }
}
