//! What the server provides for second factors.

use super::model::{CodeSent, ConfirmOptions, MfaKind, MfaStatus, RecoveryCodes, TotpEnrollment};
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::auth::port::SetCookie;
use crate::common::AppError;

#[async_trait::async_trait]
pub trait MfaPort: Send + Sync {
    async fn mfa_status(&self, session: &SessionCtx) -> Result<MfaStatus, AppError>;

    /// A fresh secret for the binding page (needs a recent confirmation).
    async fn start_totp_binding(&self, session: &SessionCtx) -> Result<TotpEnrollment, AppError>;
    /// Checks the first code; returns the recovery codes to save.
    async fn confirm_totp_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        code: &str,
    ) -> Result<RecoveryCodes, AppError>;
    /// The user saved the codes: the authenticator becomes active. During a
    /// forced set-up this also completes the sign-in (a new session cookie).
    async fn finish_totp_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
    ) -> Result<Option<SetCookie>, AppError>;
    async fn unbind_totp(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        code: &str,
    ) -> Result<(), AppError>;
    async fn regenerate_recovery_codes(
        &self,
        session: &SessionCtx,
    ) -> Result<RecoveryCodes, AppError>;

    /// The methods offered at the MFA step of sign-in.
    async fn step_choices(&self, pending: &SessionCtx) -> Result<Vec<MfaKind>, AppError>;
    /// Passes the MFA step: the pending state becomes a full session.
    async fn pass_step(
        &self,
        client: &ClientInfo,
        pending: &SessionCtx,
        kind: MfaKind,
        code: &str,
    ) -> Result<SetCookie, AppError>;

    async fn confirm_options(&self, session: &SessionCtx) -> Result<ConfirmOptions, AppError>;
    /// Re-authenticates with the password (`kind` = None) or a second factor;
    /// the session gets a new id.
    async fn confirm(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        kind: Option<MfaKind>,
        secret: &str,
    ) -> Result<SetCookie, AppError>;

    /// Sends an email or SMS code for the MFA step or a confirmation.
    async fn send_code(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        kind: MfaKind,
    ) -> Result<CodeSent, AppError>;
    /// Sends a code to a new phone number (needs a recent confirmation).
    async fn start_phone_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        phone: &str,
    ) -> Result<CodeSent, AppError>;
    /// The code sent to the new number was right: it is used for SMS now.
    async fn finish_phone_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        code: &str,
    ) -> Result<(), AppError>;
    /// Stops using the phone for SMS codes (needs a recent confirmation).
    async fn remove_sms(&self, client: &ClientInfo, session: &SessionCtx) -> Result<(), AppError>;
}
