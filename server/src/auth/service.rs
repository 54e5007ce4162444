//! Signing in with a password, signing out, and the first-admin setup.

use super::events::{self, AuthEvent, Channel};
use super::session::{self, Lifetimes};
use crate::core::Core;
use crate::error::OrInternal;
use crate::users::store::{self, UserRow};
use app::auth::model::{ClientInfo, SessionCtx};
use app::auth::port::{AuthPort, SetCookie};
use app::auth::setup::SetupForm;
use app::auth::Role;
use app::common::validate::{Email, NewPassword, PersonName, Username};
use app::common::AppError;
use app::users::model::ValidNewUser;

/// One answer for an unknown user and a wrong password, so the sign-in page
/// tells nobody which accounts exist.
fn bad_credentials() -> AppError {
    AppError::Denied { message: "The username or password is incorrect.".into() }
}

impl Core {
    pub fn session_lifetimes(&self) -> Lifetimes {
        Lifetimes {
            idle_secs: self.config.session_idle_secs,
            max_secs: self.config.session_max_secs,
        }
    }

    /// Checks a username and password. The work done is the same whether the
    /// account exists or not: an unknown name is checked against a dummy hash.
    pub async fn check_password(
        &self,
        client: &ClientInfo,
        channel: Channel,
        username: &str,
        password: &str,
    ) -> Result<UserRow, AppError> {
        let now = self.now();
        let user = match Username::parse(username) {
            Ok(name) => store::find_by_username(&self.db, name.as_str()).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let matched = self.hasher.verify(password, stored).await.or_internal()?;
        let event = |user: Option<&UserRow>, success, reason| AuthEvent {
            user_id: user.map(|u| u.id),
            username,
            factor: "password",
            channel,
            success,
            reason,
        };
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
                return Err(bad_credentials());
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
        events::record(&self.db, event(Some(&user), true, ""), client, now).await?;
        Ok(user)
    }

    /// Opens a browser session for a user whose factors are all proven.
    pub async fn open_browser_session(
        &self,
        user: &UserRow,
        client: &ClientInfo,
    ) -> Result<SetCookie, AppError> {
        let now = self.now();
        let lifetimes = self.session_lifetimes();
        let opened = session::open(&self.db, user.id, client, "password", now, &lifetimes).await?;
        store::set_last_login(&self.db, user.id, now).await?;
        Ok(SetCookie(session::set_cookie_header(
            self.config.https(),
            &opened.token,
            lifetimes.max_secs,
        )))
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
    ) -> Result<SetCookie, AppError> {
        let user = self.check_password(client, Channel::Browser, username, password).await?;
        self.open_browser_session(&user, client).await
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
