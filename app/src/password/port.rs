use super::model::{PasswordChange, PasswordRules};
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::auth::port::SetCookie;
use crate::common::AppError;

#[async_trait::async_trait]
pub trait PasswordPort: Send + Sync {
    /// The policy as it applies to the session's user.
    async fn password_rules(&self, session: &SessionCtx) -> Result<PasswordRules, AppError>;
    /// Changes the password and ends the user's other sessions. A session
    /// held back by an expired password comes out signed in, with a new
    /// cookie.
    async fn change_password(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        change: PasswordChange,
    ) -> Result<Option<SetCookie>, AppError>;
}
