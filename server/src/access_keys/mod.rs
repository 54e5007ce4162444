//! Access keys: storage (secrets sealed with the server key), the owner's
//! service, and last-use bookkeeping that costs no database write per
//! request.

pub mod rest;

use crate::auth::events::Channel;
use crate::core::Core;
use crate::db::Db;
use crate::error::OrInternal;
use crate::notify::{KeyChange, Notice};
use crate::on_db;
use crate::users::store::{self as users, UserRow};
use app::access_keys::model::{AccessKeyPatch, AccessKeyRecord, CreatedAccessKey, NewAccessKey};
use app::access_keys::port::AccessKeysPort;
use app::auth::model::{ClientInfo, SessionCtx};
use app::common::{AppError, Timestamp};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a verified key and its owner are reused without a lookup.
/// Changes made on this instance clear the cache at once; another
/// instance's take effect here within this time.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(1);

/// Keys per user, as JumpServer allows.
pub const MAX_KEYS: u32 = 10;
/// Length of a secret, as JumpServer makes them.
pub const SECRET_CHARS: usize = 36;

const COLUMNS: &str = "id, user_id, secret_enc, ip_group, is_active, date_created, date_last_used";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub secret_enc: String,
    pub ip_group: String,
    pub is_active: bool,
    pub date_created: i64,
    pub date_last_used: Option<i64>,
}

impl KeyRow {
    pub fn allowlist(&self) -> Vec<String> {
        serde_json::from_str(&self.ip_group).unwrap_or_default()
    }

    fn record(&self, pending_use: Option<i64>) -> AccessKeyRecord {
        AccessKeyRecord {
            id: self.id,
            ip_group: self.allowlist(),
            is_active: self.is_active,
            date_created: Timestamp::from_millis(self.date_created),
            date_last_used: pending_use.max(self.date_last_used).map(Timestamp::from_millis),
        }
    }
}

pub fn seal_context(id: Uuid) -> String {
    format!("access_key:{id}")
}

/// A random secret of [`SECRET_CHARS`] letters and digits (about 214 bits).
fn new_secret() -> String {
    crate::crypto::random_alphanumeric(SECRET_CHARS)
}

pub async fn find(db: &Db, id: Uuid) -> Result<Option<KeyRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM access_keys WHERE id = $1");
    on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await).or_internal()
}

async fn list(db: &Db, user_id: Uuid) -> Result<Vec<KeyRow>, AppError> {
    let sql =
        format!("SELECT {COLUMNS} FROM access_keys WHERE user_id = $1 ORDER BY date_created, id");
    on_db!(db, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await).or_internal()
}

async fn insert(db: &Db, row: &KeyRow) -> Result<(), AppError> {
    let sql = format!("INSERT INTO access_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    on_db!(db, pool => sqlx::query(&sql)
        .bind(row.id).bind(row.user_id).bind(&row.secret_enc).bind(&row.ip_group)
        .bind(row.is_active).bind(row.date_created).bind(row.date_last_used)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

async fn save(db: &Db, row: &KeyRow) -> Result<(), AppError> {
    let sql = "UPDATE access_keys SET ip_group = $2, is_active = $3 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(row.id).bind(&row.ip_group).bind(row.is_active)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

/// When keys were last used, kept in memory and written out in batches
/// (see [`Core::flush_key_usage`]), so a signed request costs no write.
#[derive(Default)]
pub struct KeyUsage(Mutex<HashMap<Uuid, i64>>);

impl KeyUsage {
    pub fn record(&self, id: Uuid, at: Timestamp) {
        if let Ok(mut map) = self.0.lock() {
            let slot = map.entry(id).or_insert(at.millis());
            *slot = (*slot).max(at.millis());
        }
    }

    fn pending(&self, id: Uuid) -> Option<i64> {
        self.0.lock().ok().and_then(|m| m.get(&id).copied())
    }

    fn take(&self) -> HashMap<Uuid, i64> {
        self.0.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default()
    }
}

/// A key that opened, with its owner as they were when it was looked up.
pub struct VerifiedKey {
    pub key: KeyRow,
    pub owner: UserRow,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for VerifiedKey {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedKey")
            .field("key", &self.key.id)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
pub struct KeyCache(Mutex<HashMap<Uuid, (Instant, Arc<VerifiedKey>)>>);

impl KeyCache {
    pub fn get(&self, id: Uuid) -> Option<Arc<VerifiedKey>> {
        let map = self.0.lock().ok()?;
        map.get(&id).filter(|(at, _)| at.elapsed() < KEY_CACHE_TTL).map(|(_, v)| v.clone())
    }

    pub fn put(&self, id: Uuid, verified: Arc<VerifiedKey>) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, (at, _)| at.elapsed() < KEY_CACHE_TTL);
            map.insert(id, (Instant::now(), verified));
        }
    }

    /// Forgets everything: after any change to a key or an account.
    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

impl Core {
    /// An active key and its usable owner, from the cache or the database;
    /// `None` for anything that must not sign.
    pub async fn verified_key(&self, id: Uuid) -> Result<Option<Arc<VerifiedKey>>, AppError> {
        if let Some(hit) = self.key_cache.get(id) {
            return Ok(Some(hit));
        }
        let Some(key) = find(&self.db, id).await?.filter(|k| k.is_active) else {
            return Ok(None);
        };
        let Some(owner) = users::find_by_id(&self.db, key.user_id).await? else {
            return Ok(None);
        };
        let Some(secret) = self.sealer.open(&seal_context(key.id), &key.secret_enc) else {
            return Ok(None);
        };
        let verified = Arc::new(VerifiedKey { key, owner, secret });
        self.key_cache.put(id, verified.clone());
        Ok(Some(verified))
    }

    /// Writes the recorded last uses (one statement per key used since the
    /// last flush); run every few seconds and at shutdown.
    pub async fn flush_key_usage(&self) -> Result<usize, AppError> {
        let pending = self.key_usage.take();
        let sql = "UPDATE access_keys SET date_last_used = $2 WHERE id = $1 \
                   AND (date_last_used IS NULL OR date_last_used < $2)";
        for (id, at) in &pending {
            let written = on_db!(&self.db, pool => sqlx::query(sql).bind(id).bind(at).execute(pool).await.map(|r| r.rows_affected()));
            if let Err(e) = written {
                // Keep every use not yet written for the next flush.
                for (id, at) in &pending {
                    self.key_usage.record(*id, Timestamp::from_millis(*at));
                }
                return Err(crate::error::internal(e));
            }
        }
        Ok(pending.len())
    }

    async fn own_key(&self, user: &UserRow, id: Uuid) -> Result<KeyRow, AppError> {
        find(&self.db, id).await?.filter(|k| k.user_id == user.id).ok_or(AppError::NotFound)
    }

    pub async fn create_key_for(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewAccessKey,
    ) -> Result<CreatedAccessKey, AppError> {
        let new = new.validate()?;
        let user = self.signed_in_user(session).await?;
        self.require_confirmed(session, &user).await?;
        if u32::try_from(list(&self.db, user.id).await?.len()).unwrap_or(u32::MAX) >= MAX_KEYS {
            return Err(AppError::Invalid {
                message: format!("You have {MAX_KEYS} access keys, the most allowed. Delete one you no longer use first."),
                fields: Default::default(),
            });
        }
        let id = Uuid::new_v4();
        let secret = new_secret();
        let row = KeyRow {
            id,
            user_id: user.id,
            secret_enc: self.sealer.seal(&seal_context(id), secret.as_bytes()),
            ip_group: serde_json::to_string(&new.ip_group).or_internal()?,
            is_active: new.is_active,
            date_created: self.now().millis(),
            date_last_used: None,
        };
        insert(&self.db, &row).await?;
        self.log_credential_change(channel, client, &user, "access_key", "created").await?;
        self.notify(&user, client, Notice::AccessKeyCreated { id }).await;
        tracing::info!(user = %user.username, key = %id, "access key created");
        Ok(CreatedAccessKey { key: row.record(None), secret })
    }

    /// A key for a service account, made by the command line (no session,
    /// no confirmation: whoever runs it administers the server).
    pub async fn issue_service_key(&self, user: &UserRow) -> Result<CreatedAccessKey, AppError> {
        let id = Uuid::new_v4();
        let secret = new_secret();
        let row = KeyRow {
            id,
            user_id: user.id,
            secret_enc: self.sealer.seal(&seal_context(id), secret.as_bytes()),
            ip_group: serde_json::to_string(&["*"]).or_internal()?,
            is_active: true,
            date_created: self.now().millis(),
            date_last_used: None,
        };
        insert(&self.db, &row).await?;
        tracing::info!(user = %user.username, key = %id, "service access key created");
        Ok(CreatedAccessKey { key: row.record(None), secret })
    }

    pub async fn patch_key_for(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
        patch: AccessKeyPatch,
    ) -> Result<AccessKeyRecord, AppError> {
        let patch = patch.validate()?;
        let user = self.signed_in_user(session).await?;
        let mut row = self.own_key(&user, id).await?;
        // Turning a key on or widening who may use it grants access again.
        if patch.is_active == Some(true) && !row.is_active || patch.ip_group.is_some() {
            self.require_confirmed(session, &user).await?;
        }
        if let Some(group) = &patch.ip_group {
            row.ip_group = serde_json::to_string(group).or_internal()?;
        }
        let toggled = patch.is_active.filter(|a| *a != row.is_active);
        if let Some(active) = patch.is_active {
            row.is_active = active;
        }
        save(&self.db, &row).await?;
        self.key_cache.clear();
        if let Some(active) = toggled {
            let change = KeyChange::toggled(active);
            self.log_credential_change(channel, client, &user, "access_key", change.as_str())
                .await?;
            self.notify(&user, client, Notice::AccessKeyChanged { id, change }).await;
        } else if patch.ip_group.is_some() {
            self.log_credential_change(channel, client, &user, "access_key", "allowlist_changed")
                .await?;
            self.notify(&user, client, Notice::AccessKeyRescoped { id }).await;
        }
        Ok(row.record(self.key_usage.pending(id)))
    }

    pub async fn delete_key_for(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        let user = self.signed_in_user(session).await?;
        self.own_key(&user, id).await?;
        let sql = "DELETE FROM access_keys WHERE id = $1 AND user_id = $2";
        on_db!(&self.db, pool => sqlx::query(sql).bind(id).bind(user.id).execute(pool).await.map(|r| r.rows_affected()))
            .or_internal()?;
        self.key_cache.clear();
        self.log_credential_change(channel, client, &user, "access_key", "deleted").await?;
        self.notify(&user, client, Notice::AccessKeyChanged { id, change: KeyChange::Deleted })
            .await;
        tracing::info!(user = %user.username, key = %id, "access key deleted");
        Ok(())
    }

    pub async fn get_key_for(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<AccessKeyRecord, AppError> {
        let user = self.signed_in_user(session).await?;
        Ok(self.own_key(&user, id).await?.record(self.key_usage.pending(id)))
    }
}

#[async_trait::async_trait]
impl AccessKeysPort for Core {
    async fn list_access_keys(
        &self,
        session: &SessionCtx,
    ) -> Result<Vec<AccessKeyRecord>, AppError> {
        let user = self.signed_in_user(session).await?;
        Ok(list(&self.db, user.id)
            .await?
            .iter()
            .map(|k| k.record(self.key_usage.pending(k.id)))
            .collect())
    }

    async fn create_access_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewAccessKey,
    ) -> Result<CreatedAccessKey, AppError> {
        self.create_key_for(Channel::Browser, client, session, new).await
    }

    async fn update_access_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
        patch: AccessKeyPatch,
    ) -> Result<AccessKeyRecord, AppError> {
        self.patch_key_for(Channel::Browser, client, session, id, patch).await
    }

    async fn delete_access_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        self.delete_key_for(Channel::Browser, client, session, id).await
    }
}
