//! The owner's SSH keys: every rule applies the same to the page and the API.

use super::store::{self, KeyRow};
use crate::auth::events::Channel;
use crate::core::Core;
use crate::error::OrInternal;
use crate::notify::{KeyChange, Notice};
use app::auth::model::{ClientInfo, SessionCtx};
use app::common::AppError;
use app::ssh_keys::model::{CreatedSshKey, KeyOption, NewSshKey, SshKeyPatch, SshKeyRecord};
use app::ssh_keys::port::SshKeysPort;
use uuid::Uuid;

impl Core {
    pub async fn create_key(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewSshKey,
    ) -> Result<CreatedSshKey, AppError> {
        new.validate()?;
        let user = self.signed_in_user(session).await?;
        // A new key is a new way in: prove it is you first.
        self.require_confirmed(session, &user).await?;
        let limit = self.security().await?.ssh_key_limit;
        if store::count(&self.db, user.id).await? >= limit {
            return Err(AppError::Invalid {
                message: format!(
                    "You have {limit} SSH keys, the most allowed. Delete one you no longer use first."
                ),
                fields: Default::default(),
            });
        }
        let (parsed, private_key) = match new.public_key_option {
            KeyOption::Input => match super::parse_public(&new.public_key) {
                Ok(parsed) => (parsed, None),
                Err(refused) => return Err(AppError::invalid("public_key", refused.0)),
            },
            KeyOption::Auto => {
                let kind = new.key_type;
                let comment = format!("{}@bastion", user.username);
                let pair = tokio::task::spawn_blocking(move || super::generate(kind, &comment))
                    .await
                    .or_internal()?
                    .or_internal()?;
                let private = pair.private_openssh.as_str().to_owned();
                (pair.public, Some(private))
            }
        };
        let name = match new.name.trim() {
            "" if !parsed.comment.is_empty() => {
                parsed.comment.chars().take(app::ssh_keys::model::MAX_NAME_CHARS).collect()
            }
            "" => format!("{} key", parsed.key_type),
            given => given.to_owned(),
        };
        let row = KeyRow {
            id: Uuid::new_v4(),
            user_id: user.id,
            name,
            comment: if new.comment.trim().is_empty() {
                parsed.comment.chars().take(app::ssh_keys::model::MAX_COMMENT_CHARS).collect()
            } else {
                new.comment.trim().to_owned()
            },
            public_key: parsed.openssh,
            key_type: parsed.key_type.to_owned(),
            bits: i32::try_from(parsed.bits).unwrap_or(i32::MAX),
            fingerprint_sha256: parsed.sha256,
            fingerprint_md5: parsed.md5,
            is_active: new.is_active,
            date_created: self.now().millis(),
            date_last_used: None,
        };
        if !store::insert(&self.db, &row).await? {
            return Err(AppError::conflict("public_key", "You have added this key already."));
        }
        let what = if private_key.is_some() { "generated" } else { "added" };
        self.log_credential_change(channel, client, &user, "ssh_key", what).await?;
        let notice = Notice::SshKeyAdded {
            name: row.name.clone(),
            fingerprint: row.fingerprint_sha256.clone(),
            generated: private_key.is_some(),
        };
        self.notify(&user, client, notice).await;
        tracing::info!(user = %user.username, fingerprint = %row.fingerprint_sha256, "SSH key {what}");
        Ok(CreatedSshKey { key: row.record(), private_key })
    }

    pub async fn patch_key(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
        patch: SshKeyPatch,
    ) -> Result<SshKeyRecord, AppError> {
        patch.validate()?;
        let user = self.signed_in_user(session).await?;
        let mut row = store::find(&self.db, user.id, id).await?.ok_or(AppError::NotFound)?;
        let enabling = patch.is_active == Some(true) && !row.is_active;
        if enabling {
            self.require_confirmed(session, &user).await?;
        }
        if let Some(name) = &patch.name {
            row.name = name.trim().to_owned();
        }
        if let Some(comment) = &patch.comment {
            row.comment = comment.trim().to_owned();
        }
        let toggled = patch.is_active.filter(|a| *a != row.is_active);
        if let Some(active) = patch.is_active {
            row.is_active = active;
        }
        store::save(&self.db, &row).await?;
        if let Some(active) = toggled {
            let change = KeyChange::toggled(active);
            self.log_credential_change(channel, client, &user, "ssh_key", change.as_str()).await?;
            let notice = Notice::SshKeyChanged { name: row.name.clone(), change };
            self.notify(&user, client, notice).await;
        }
        Ok(row.record())
    }

    pub async fn remove_key(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        let user = self.signed_in_user(session).await?;
        let row = store::find(&self.db, user.id, id).await?.ok_or(AppError::NotFound)?;
        if !store::delete(&self.db, user.id, id).await? {
            return Err(AppError::NotFound);
        }
        self.log_credential_change(channel, client, &user, "ssh_key", "deleted").await?;
        let notice = Notice::SshKeyChanged { name: row.name, change: KeyChange::Deleted };
        self.notify(&user, client, notice).await;
        tracing::info!(user = %user.username, key = %id, "SSH key deleted");
        Ok(())
    }
}

#[async_trait::async_trait]
impl SshKeysPort for Core {
    async fn list_ssh_keys(&self, session: &SessionCtx) -> Result<Vec<SshKeyRecord>, AppError> {
        let user = self.signed_in_user(session).await?;
        Ok(store::list(&self.db, user.id).await?.iter().map(KeyRow::record).collect())
    }

    async fn get_ssh_key(&self, session: &SessionCtx, id: Uuid) -> Result<SshKeyRecord, AppError> {
        let user = self.signed_in_user(session).await?;
        store::find(&self.db, user.id, id).await?.map(|r| r.record()).ok_or(AppError::NotFound)
    }

    async fn create_ssh_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewSshKey,
    ) -> Result<CreatedSshKey, AppError> {
        self.create_key(Channel::Browser, client, session, new).await
    }

    async fn update_ssh_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
        patch: SshKeyPatch,
    ) -> Result<SshKeyRecord, AppError> {
        self.patch_key(Channel::Browser, client, session, id, patch).await
    }

    async fn delete_ssh_key(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        self.remove_key(Channel::Browser, client, session, id).await
    }

    async fn ssh_public_key(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError> {
        let user = self.signed_in_user(session).await?;
        let row = store::find(&self.db, user.id, id).await?.ok_or(AppError::NotFound)?;
        let line = if row.comment.is_empty() {
            row.public_key
        } else {
            format!("{} {}", row.public_key, row.comment.replace(char::is_whitespace, "_"))
        };
        Ok(format!("{line}\n"))
    }
}
