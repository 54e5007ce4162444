//! Server functions for signing in and out and for the first-admin setup.

use super::model::CurrentUser;
use crate::common::AppError;
use leptos::prelude::*;

/// The signed-in person, or `None` when the request has no valid session.
#[server(prefix = "/rpc", endpoint = "session_user")]
pub async fn session_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::server_ctx::current_session().map(|s| s.user))
}

/// Checks the password; on success the response sets a fresh session cookie
/// and the browser goes on to `next`.
#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let mut errors = crate::common::FieldErrors::new();
            if username.trim().is_empty() {
                errors.insert("username".into(), crate::i18n::n_("Enter your username.").into());
            }
            if password.is_empty() {
                errors.insert("password".into(), crate::i18n::n_("Enter your password.").into());
            }
            if !errors.is_empty() {
                return Err(AppError::invalid_fields(errors));
            }
            let auth = services()?.auth;
            // A new sign-in never reuses the session it replaces.
            if let Some(previous) = any_session() {
                auth.logout(&previous).await?;
            }
            let next = super::model::safe_next_path(next.as_deref());
            let (cookie, destination) =
                auth.login(&client_info(), username.trim(), &password, &next).await?;
            set_cookie(cookie);
            Ok(destination)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            if let Some(session) = any_session() {
                let cookie = services()?.auth.logout(&session).await?;
                set_cookie(cookie);
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "setup_token_valid")]
pub async fn setup_token_valid(token: String) -> Result<bool, AppError> {
    use crate::server_ctx::*;
    with_status(services()?.auth.setup_token_valid(&token).await)
}

#[server(prefix = "/rpc", endpoint = "create_first_admin", input = server_fn::codec::Json)]
pub async fn create_first_admin(
    token: String,
    form: super::setup::SetupForm,
) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            form.validate()?;
            services()?.auth.create_first_admin(&token, form).await
        }
        .await,
    )
}
