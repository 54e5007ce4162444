//! The owner's password change and the expiry rule.

use super::history;
use crate::auth::events::Channel;
use crate::auth::{session, tokens};
use crate::core::Core;
use crate::error::OrInternal;
use crate::users::store::{self, UserRow};
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::auth::port::SetCookie;
use app::common::AppError;
use app::password::model::{PasswordChange, PasswordRules};
use app::password::port::PasswordPort;

const DAY_MS: i64 = 24 * 3600 * 1000;

impl Core {
    /// The policy for `user`: the shorter minimum applies with a second factor.
    pub async fn password_rules_for(&self, user: &UserRow) -> Result<PasswordRules, AppError> {
        let has_mfa = !self.active_mfa(user).await?.is_empty();
        let mut personal = vec![user.username.clone(), user.email.clone()];
        if let Some((local, _)) = user.email.split_once('@') {
            personal.push(local.to_owned());
        }
        personal.extend(user.name.split_whitespace().map(str::to_owned));
        personal.push("bastion".into());
        personal.push("jumpserver".into());
        Ok(self.security().await?.password_rules(has_mfa, personal))
    }

    /// Whether `user`'s password is past the lifetime the policy sets.
    pub async fn password_expired(&self, user: &UserRow) -> Result<bool, AppError> {
        let days = self.security().await?.password_expiry_days;
        if days == 0 || user.source != "local" || user.password_hash.is_none() {
            return Ok(false);
        }
        let since = user.date_password_last_updated.unwrap_or(user.date_joined);
        Ok(since.saturating_add(i64::from(days) * DAY_MS) <= self.now().millis())
    }

    /// The stage a sign-in ends in once every factor is proven.
    pub async fn signed_in_stage(&self, user: &UserRow) -> Result<SessionStage, AppError> {
        if self.password_expired(user).await? {
            Ok(SessionStage::PasswordExpired)
        } else {
            Ok(SessionStage::Full)
        }
    }

    /// Stores a new hash, keeping the old one for the reuse rule.
    pub async fn replace_password_hash(&self, user: &UserRow, hash: &str) -> Result<(), AppError> {
        let now = self.now();
        if let Some(old) = &user.password_hash {
            history::push(&self.db, user.id, old, now).await?;
        }
        store::set_password_hash(&self.db, user.id, hash, now).await
    }

    /// The change itself, for the page (browser channel) and the REST API.
    pub async fn change_own_password(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        change: PasswordChange,
    ) -> Result<(), AppError> {
        let user = self.session_user(session).await?;
        if user.source != "local" || user.password_hash.is_none() {
            let message = if user.source == "local" {
                "Your password is managed by your administrator: change it there.".to_owned()
            } else {
                let source = &user.source;
                format!("Your password is managed by {source}: change it there.")
            };
            return Err(AppError::invalid("non_field_errors", message));
        }
        let rules = self.password_rules_for(&user).await?;
        rules.validate(&change)?;
        // The current password goes through the sign-in checks: failures
        // count towards the lockout and are logged.
        let user = match self
            .check_password(client, channel, &user.username, &change.old_password)
            .await
        {
            Ok(user) => user,
            Err(AppError::Denied { .. }) => {
                return Err(AppError::invalid(
                    "old_password",
                    "Your current password is incorrect.",
                ))
            }
            Err(other) => return Err(other),
        };
        if rules.history > 0 {
            let mut earlier = history::recent(&self.db, user.id, rules.history - 1).await?;
            earlier.extend(user.password_hash.clone());
            for hash in &earlier {
                if self.hasher.verify(&change.new_password, Some(hash)).await.or_internal()? {
                    let last = rules.history;
                    return Err(AppError::invalid(
                        "new_password",
                        format!(
                            "You used this password recently: choose one that is not among your last {last}."
                        ),
                    ));
                }
            }
        }
        let hash = self.hasher.hash(&change.new_password).await.or_internal()?;
        self.replace_password_hash(&user, &hash).await?;
        // Everyone else holding this account is out; this session stays.
        session::end_all_for_user(&self.db, user.id, Some(session.session_id)).await?;
        tokens::revoke_for_user(&self.db, user.id, Some(session.session_id)).await?;
        self.log_credential_change(channel, client, &user, "password", "changed").await?;
        self.notify(&user, client, crate::notify::Notice::PasswordChanged).await;
        tracing::info!(user = %user.username, "password changed");
        Ok(())
    }
}

#[async_trait::async_trait]
impl PasswordPort for Core {
    async fn password_rules(&self, session: &SessionCtx) -> Result<PasswordRules, AppError> {
        let user = self.session_user(session).await?;
        self.password_rules_for(&user).await
    }

    async fn change_password(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        change: PasswordChange,
    ) -> Result<Option<SetCookie>, AppError> {
        self.change_own_password(Channel::Browser, client, session, change).await?;
        if session.stage != SessionStage::PasswordExpired {
            return Ok(None);
        }
        // Held back by the expired password until now: signed in, with a new session id.
        let user = self.session_user(session).await?;
        let factors = session::factors_of(&self.db, session.session_id).await?;
        let cookie =
            self.reissue_session(client, session, &user, &factors, 300, "password").await?;
        Ok(Some(cookie))
    }
}
