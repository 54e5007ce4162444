//! What the server must provide for signing in. The server crate implements
//! it; the server functions here only translate between the wire and it.

use super::model::{ClientInfo, SessionCtx};
use crate::common::AppError;

/// A cookie to set on the response, already formatted.
pub struct SetCookie(pub String);

#[async_trait::async_trait]
pub trait AuthPort: Send + Sync {
    /// Checks the password and opens a new session (fully signed in, or at
    /// the MFA step); returns the cookie and where the browser goes next.
    async fn login(
        &self,
        client: &ClientInfo,
        username: &str,
        password: &str,
        next: &str,
    ) -> Result<(SetCookie, String), AppError>;

    /// Ends the session server-side and returns the cookie that clears it.
    async fn logout(&self, session: &SessionCtx) -> Result<SetCookie, AppError>;

    /// Whether this setup token may still create the first admin.
    async fn setup_token_valid(&self, token: &str) -> Result<bool, AppError>;

    /// Creates the first admin with a valid setup token, then burns the token.
    async fn create_first_admin(
        &self,
        token: &str,
        form: super::setup::SetupForm,
    ) -> Result<(), AppError>;
}
