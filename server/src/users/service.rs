//! Account administration, shared by the Users page, `/api/v1/users/users/`
//! and the CLI.

use super::store::{self, NewUserRow, UserRow};
use crate::core::Core;
use crate::error::OrInternal;
use app::auth::model::SessionCtx;
use app::common::validate::NewPassword;
use app::common::AppError;
use app::users::model::{Page, UserChanges, UserQuery, UserRecord, ValidNewUser};
use app::users::port::UsersPort;
use uuid::Uuid;

fn ensure_admin(session: &SessionCtx) -> Result<(), AppError> {
    if session.user.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Core {
    /// The account behind a session, at any stage of sign-in.
    pub async fn session_user(&self, session: &SessionCtx) -> Result<UserRow, AppError> {
        store::find_by_id(&self.db, session.user.id).await?.ok_or(AppError::Unauthenticated)
    }

    /// The account behind a fully signed-in session.
    pub async fn signed_in_user(&self, session: &SessionCtx) -> Result<UserRow, AppError> {
        if !session.is_full() {
            return Err(AppError::Unauthenticated);
        }
        self.session_user(session).await
    }

    /// Creates an account (admin pages, the API, the CLI, the first-admin setup).
    pub async fn create_account(&self, new: ValidNewUser) -> Result<UserRow, AppError> {
        let password_hash = self.hasher.hash(new.password.expose()).await.or_internal()?;
        let row = NewUserRow {
            username: new.username.as_str().to_owned(),
            name: new.name.as_str().to_owned(),
            email: new.email.as_str().to_owned(),
            phone: new.phone.map(|p| p.as_str().to_owned()),
            role: new.role,
            is_active: new.is_active,
            comment: new.comment,
            date_expired: new.date_expired,
            password_hash,
        };
        let user = store::insert(&self.db, row, self.now()).await?;
        tracing::info!(user = %user.username, role = %user.role, "account created");
        Ok(user)
    }

    /// Replaces an account's password (CLI and, later, admin reset).
    pub async fn set_password(
        &self,
        username: &str,
        password: &NewPassword,
    ) -> Result<UserRow, AppError> {
        let user = store::find_by_username(&self.db, username).await?.ok_or(AppError::NotFound)?;
        let hash = self.hasher.hash(password.expose()).await.or_internal()?;
        self.replace_password_hash(&user, &hash).await?;
        crate::auth::session::end_all_for_user(&self.db, user.id, None).await?;
        crate::auth::tokens::revoke_for_user(&self.db, user.id, None).await?;
        Ok(user)
    }

    /// Lifts password and MFA blocks on an account (admins, `user unlock`).
    pub async fn unlock_account(&self, user: &UserRow) -> Result<(), AppError> {
        crate::auth::lockout::clear(&self.db, &crate::auth::lockout::password_key(&user.username))
            .await?;
        crate::auth::lockout::clear(&self.db, &crate::auth::lockout::mfa_key(user.id)).await?;
        tracing::info!(user = %user.username, "account unblocked");
        Ok(())
    }

    /// Removes an account's second factors (the authenticator, its recovery
    /// codes, the face template, the phone's use for SMS): it is treated as never bound.
    pub async fn reset_mfa(&self, user: &UserRow) -> Result<(), AppError> {
        crate::mfa::store::unbind_totp(&self.db, user.id).await?;
        crate::face::store::delete_template(&self.db, user.id).await?;
        if user.confirmed_phone().is_some() {
            store::set_confirmed_phone(&self.db, user.id, None, self.now()).await?;
        }
        self.key_cache.clear();
        let client = app::auth::model::ClientInfo::default();
        self.notify(user, &client, crate::notify::Notice::MfaReset).await;
        tracing::info!(user = %user.username, "MFA reset by an administrator");
        Ok(())
    }

    pub async fn edit_account(
        &self,
        actor: Uuid,
        id: Uuid,
        changes: UserChanges,
    ) -> Result<UserRow, AppError> {
        let mut row = store::find_by_id(&self.db, id).await?.ok_or(AppError::NotFound)?;
        let before = row.clone();
        if id == actor {
            // An admin locking themselves out leaves nobody to undo it.
            if changes.is_active == Some(false) {
                return Err(AppError::invalid(
                    "is_active",
                    "You cannot deactivate your own account.",
                ));
            }
            if changes.role.is_some_and(|r| r != row.role()) {
                return Err(AppError::invalid("role", "You cannot change your own role."));
            }
        }
        if let Some(name) = changes.name {
            row.name = name.as_str().to_owned();
        }
        if let Some(email) = changes.email {
            row.email = email.as_str().to_owned();
        }
        if let Some(phone) = changes.phone {
            row.phone = phone.map(|p| p.as_str().to_owned());
        }
        if let Some(role) = changes.role {
            row.role = role.as_str().to_owned();
        }
        if let Some(active) = changes.is_active {
            row.is_active = active;
        }
        if let Some(comment) = changes.comment {
            row.comment = comment;
        }
        if let Some(level) = changes.mfa_level {
            row.mfa_level = level;
        }
        if let Some(end) = changes.date_expired {
            row.date_expired = end.map(|t| t.millis());
        }
        store::save(&self.db, &row).await?;
        // Signed requests see the account as it is now.
        self.key_cache.clear();
        let client = app::auth::model::ClientInfo::default();
        if before.email != row.email {
            let notice = crate::notify::Notice::EmailChanged {
                old: before.email.clone(),
                new: row.email.clone(),
            };
            self.notify(&row, &client, notice).await;
        }
        if before.phone != row.phone {
            self.notify(&row, &client, crate::notify::Notice::PhoneChanged).await;
        }
        if !row.is_active {
            // A deactivated account keeps no open session.
            crate::auth::session::end_all_for_user(&self.db, row.id, None).await?;
        }
        Ok(row)
    }
}

#[async_trait::async_trait]
impl UsersPort for Core {
    async fn list_users(
        &self,
        admin: &SessionCtx,
        query: UserQuery,
    ) -> Result<Page<UserRecord>, AppError> {
        ensure_admin(admin)?;
        let (count, rows) =
            store::list(&self.db, &query.search, query.offset, query.bounded_limit()).await?;
        Ok(Page { count, results: rows.iter().map(UserRow::record).collect() })
    }

    async fn get_user(&self, admin: &SessionCtx, id: Uuid) -> Result<UserRecord, AppError> {
        ensure_admin(admin)?;
        let row = store::find_by_id(&self.db, id).await?.ok_or(AppError::NotFound)?;
        Ok(row.record())
    }

    async fn create_user(
        &self,
        admin: &SessionCtx,
        user: ValidNewUser,
    ) -> Result<UserRecord, AppError> {
        ensure_admin(admin)?;
        Ok(self.create_account(user).await?.record())
    }

    async fn update_user(
        &self,
        admin: &SessionCtx,
        id: Uuid,
        changes: UserChanges,
    ) -> Result<UserRecord, AppError> {
        ensure_admin(admin)?;
        Ok(self.edit_account(admin.user.id, id, changes).await?.record())
    }

    async fn unblock_user(&self, admin: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        ensure_admin(admin)?;
        let user = store::find_by_id(&self.db, id).await?.ok_or(AppError::NotFound)?;
        self.unlock_account(&user).await
    }

    async fn reset_user_mfa(&self, admin: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        ensure_admin(admin)?;
        let user = store::find_by_id(&self.db, id).await?.ok_or(AppError::NotFound)?;
        self.reset_mfa(&user).await
    }
}
