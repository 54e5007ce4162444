//! Signing in with a password (with the lockout), the stage a sign-in
//! reaches, signing out, and the first-admin setup.

use super::events::{self, AuthEvent, Channel};
use super::lockout::{self, AfterFailure, Limit};
use super::session::{self, Lifetimes, NewSession};
use crate::core::Core;
use crate::error::OrInternal;
use crate::users::store::{self, UserRow};
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::auth::port::{AuthPort, SetCookie};
use app::auth::setup::SetupForm;
use app::auth::Role;
use app::common::validate::{Email, NewPassword, PersonName, Username};
use app::common::AppError;
use app::settings::model::SecuritySettings;
use app::users::model::ValidNewUser;

/// One answer for an unknown user and a wrong password, so the sign-in page
/// tells nobody which accounts exist (unknown names are counted too).
fn bad_credentials(tries_left: u32) -> AppError {
    // One whole sentence per plural form, so each translates as one.
    let message = if tries_left == 1 {
        "The username or password is incorrect. 1 try left before sign-in is blocked for a while."
            .to_owned()
    } else {
        format!("The username or password is incorrect. {tries_left} tries left before sign-in is blocked for a while.")
    };
    AppError::Denied { message }
}

impl Core {
    pub fn session_lifetimes(&self) -> Lifetimes {
        Lifetimes {
            idle_secs: self.config.session_idle_secs,
            max_secs: self.config.session_max_secs,
        }
    }

    /// Checks a username and password, with the lockout. The work done is
    /// the same whether the account exists or not: an unknown name is
    /// checked against a dummy hash and counted against the same limits.
    pub async fn check_password(
        &self,
        client: &ClientInfo,
        channel: Channel,
        username: &str,
        password: &str,
    ) -> Result<UserRow, AppError> {
        let now = self.now();
        let policy = self.security().await?;
        let user_key = lockout::password_key(username);
        let ip_key = client.ip.as_deref().map(lockout::ip_key);
        let user_limit = Limit {
            count: policy.login_limit_count,
            block_secs: i64::from(policy.login_limit_minutes) * 60,
        };
        let ip_limit = Limit {
            count: policy.ip_limit_count,
            block_secs: i64::from(policy.ip_limit_minutes) * 60,
        };
        let event = |user: Option<&UserRow>, success, reason| AuthEvent {
            user_id: user.map(|u| u.id),
            username,
            factor: "password",
            channel,
            success,
            reason,
        };

        let mut blocked = lockout::blocked_until(&self.db, &user_key, now).await?;
        if let Some(ip_key) = &ip_key {
            blocked = blocked.max(lockout::blocked_until(&self.db, ip_key, now).await?);
        }
        if let Some(until) = blocked {
            events::record(&self.db, event(None, false, "blocked"), client, now).await?;
            return Err(lockout::blocked(until));
        }

        let user = match Username::parse(username) {
            Ok(name) => store::find_by_username(&self.db, name.as_str()).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let matched = self.hasher.verify(password, stored).await.or_internal()?;
        let user = match user {
            Some(user) if matched => user,
            other => {
                events::record(
                    &self.db,
                    event(other.as_ref(), false, "bad_credentials"),
                    client,
                    now,
                )
                .await?;
                let mut after =
                    lockout::record_failure(&self.db, &user_key, user_limit, now).await?;
                if let Some(ip_key) = &ip_key {
                    if let AfterFailure::BlockedUntil(t) =
                        lockout::record_failure(&self.db, ip_key, ip_limit, now).await?
                    {
                        after = AfterFailure::BlockedUntil(t);
                    }
                }
                return Err(match after {
                    AfterFailure::TriesLeft(n) => bad_credentials(n),
                    AfterFailure::BlockedUntil(until) => lockout::blocked(until),
                });
            }
        };
        if !user.usable_at(now) {
            let reason = if user.is_active { "expired" } else { "inactive" };
            events::record(&self.db, event(Some(&user), false, reason), client, now).await?;
            return Err(AppError::Denied {
                message:
                    "This account is disabled or has expired. Ask an administrator to restore it."
                        .into(),
            });
        }
        if user.role() == Role::Component {
            // A component signs its requests with its access key; its
            // account never opens a session, in the browser or the API.
            events::record(&self.db, event(Some(&user), false, "component"), client, now).await?;
            return Err(AppError::Denied {
                message: "This is a component's service account: it signs API requests with its access key and cannot sign in."
                    .into(),
            });
        }
        lockout::clear(&self.db, &user_key).await?;
        let new_address = self.first_success_from_here(&user, client).await?;
        events::record(&self.db, event(Some(&user), true, ""), client, now).await?;
        if new_address {
            self.notify(&user, client, crate::notify::Notice::NewSignInAddress).await;
        }
        Ok(user)
    }

    /// Whether the password of `user` worked before, but never from this
    /// address (the very first sign-in is not news).
    async fn first_success_from_here(
        &self,
        user: &UserRow,
        client: &ClientInfo,
    ) -> Result<bool, AppError> {
        let Some(ip) = client.ip.as_deref() else { return Ok(false) };
        let sql = "SELECT EXISTS (SELECT 1 FROM auth_events WHERE user_id = $1 AND factor = 'password' AND success), \
                   EXISTS (SELECT 1 FROM auth_events WHERE user_id = $1 AND factor = 'password' AND success AND ip = $2)";
        let (before, here): (bool, bool) = crate::on_db!(&self.db, pool =>
            sqlx::query_as(sql).bind(user.id).bind(ip).fetch_one(pool).await)
        .or_internal()?;
        Ok(before && !here)
    }

    /// Opens a browser session at `stage`; only a full one counts as signed in.
    pub async fn open_browser_session(
        &self,
        user: &UserRow,
        client: &ClientInfo,
        stage: SessionStage,
        factors: &str,
    ) -> Result<SetCookie, AppError> {
        let now = self.now();
        let lifetimes = self.session_lifetimes();
        let lifetime_secs = if stage == SessionStage::Full {
            lifetimes.max_secs
        } else {
            // The MFA step, the forced set-up or an expired password: short.
            session::PENDING_MFA_SECS
        };
        let confirmed_with = if factors.contains(',') { "mfa" } else { "password" };
        let new = NewSession {
            stage,
            channel: "browser",
            factors,
            lifetime_secs,
            // Having just proven the factors counts as a confirmation.
            confirmed_secs: SecuritySettings::PASSWORD_CONFIRM_SECS,
            confirmed_with,
        };
        let opened = session::open(&self.db, user.id, client, &new, now).await?;
        if stage == SessionStage::Full {
            store::set_last_login(&self.db, user.id, now).await?;
        }
        Ok(SetCookie(session::set_cookie_header(self.config.https(), &opened.token, lifetime_secs)))
    }

    /// What a correct password leads to: the full session, the MFA step, or
    /// (MFA required, none bound) the binding page.
    pub async fn stage_after_password(&self, user: &UserRow) -> Result<SessionStage, AppError> {
        if !self.active_mfa(user).await?.is_empty() {
            return Ok(SessionStage::Mfa);
        }
        if self.mfa_forced(user).await? {
            return Ok(SessionStage::MfaSetup);
        }
        self.signed_in_stage(user).await
    }

    /// Creates a setup token when no administrator exists yet, for the link
    /// printed at start-up. `None` when an administrator exists.
    pub async fn issue_setup_token(&self) -> Result<Option<String>, AppError> {
        if store::admin_exists(&self.db).await? {
            return Ok(None);
        }
        super::setup::issue(&self.db, self.now()).await.map(Some)
    }
}

fn field<T>(name: &str, parsed: Result<T, app::common::validate::Invalid>) -> Result<T, AppError> {
    parsed.map_err(|e| AppError::invalid(name, e.0))
}

#[async_trait::async_trait]
impl AuthPort for Core {
    async fn login(
        &self,
        client: &ClientInfo,
        username: &str,
        password: &str,
        next: &str,
    ) -> Result<(SetCookie, String), AppError> {
        let user = self.check_password(client, Channel::Browser, username, password).await?;
        let stage = self.stage_after_password(&user).await?;
        let cookie = self.open_browser_session(&user, client, stage, "password").await?;
        let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let destination = match stage {
            SessionStage::Full => next.to_owned(),
            SessionStage::Mfa => format!("/mfa?next={encoded}"),
            SessionStage::MfaSetup => "/otp/bind?setup=1".to_owned(),
            SessionStage::PasswordExpired => "/password/expired".to_owned(),
        };
        Ok((cookie, destination))
    }

    async fn logout(&self, session: &SessionCtx) -> Result<SetCookie, AppError> {
        session::end(&self.db, session.session_id).await?;
        Ok(SetCookie(session::clear_cookie_header(self.config.https())))
    }

    async fn setup_token_valid(&self, token: &str) -> Result<bool, AppError> {
        if store::admin_exists(&self.db).await? {
            return Ok(false);
        }
        super::setup::is_valid(&self.db, token, self.now()).await
    }

    async fn create_first_admin(&self, token: &str, form: SetupForm) -> Result<(), AppError> {
        let invalid_link = || AppError::Denied {
            message: "This setup link is no longer valid. Restart the server for a new one.".into(),
        };
        let new = ValidNewUser {
            username: field("username", Username::parse(&form.username))?,
            name: field("name", PersonName::parse(&form.name))?,
            email: field("email", Email::parse(&form.email))?,
            phone: None,
            role: Role::Admin,
            password: field("password", NewPassword::parse(&form.password))?,
            is_active: true,
            comment: String::new(),
            date_expired: None,
        };
        if !super::setup::consume(&self.db, token, self.now()).await?
            || store::admin_exists(&self.db).await?
        {
            return Err(invalid_link());
        }
        let admin = self.create_account(new).await?;
        super::setup::clear_all(&self.db).await?;
        tracing::info!(user = %admin.username, "first administrator created through the setup link");
        Ok(())
    }
}
