//! Server functions for second factors.

use super::model::{CodeSent, ConfirmOptions, MfaKind, MfaStatus, RecoveryCodes, TotpEnrollment};
use crate::common::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::model::SessionStage;

#[server(prefix = "/rpc", endpoint = "get_mfa_status")]
pub async fn get_mfa_status() -> Result<MfaStatus, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.mfa.mfa_status(&require_session()?).await }.await)
}

#[server(prefix = "/rpc", endpoint = "start_totp_binding")]
pub async fn start_totp_binding() -> Result<TotpEnrollment, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Full, SessionStage::MfaSetup])?;
            services()?.mfa.start_totp_binding(&session).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "confirm_totp_binding")]
pub async fn confirm_totp_binding(code: String) -> Result<RecoveryCodes, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Full, SessionStage::MfaSetup])?;
            services()?.mfa.confirm_totp_binding(&client_info(), &session, &code).await
        }
        .await,
    )
}

/// Activates the authenticator; returns where the browser goes next.
#[server(prefix = "/rpc", endpoint = "finish_totp_binding")]
pub async fn finish_totp_binding() -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Full, SessionStage::MfaSetup])?;
            if let Some(cookie) =
                services()?.mfa.finish_totp_binding(&client_info(), &session).await?
            {
                set_cookie(cookie);
            }
            Ok("/profile".to_owned())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "unbind_totp")]
pub async fn unbind_totp(code: String) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.mfa.unbind_totp(&client_info(), &require_session()?, &code).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.mfa.regenerate_recovery_codes(&require_session()?).await }.await,
    )
}

#[server(prefix = "/rpc", endpoint = "mfa_step_choices")]
pub async fn mfa_step_choices() -> Result<Vec<MfaKind>, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let pending = require_stage(&[SessionStage::Mfa])?;
            services()?.mfa.step_choices(&pending).await
        }
        .await,
    )
}

/// Passes the MFA step of sign-in; returns where the browser goes next.
#[server(prefix = "/rpc", endpoint = "pass_mfa_step")]
pub async fn pass_mfa_step(
    kind: MfaKind,
    code: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            if code.trim().is_empty() {
                return Err(AppError::invalid("code", "Enter the code."));
            }
            let pending = require_stage(&[SessionStage::Mfa])?;
            let cookie = services()?.mfa.pass_step(&client_info(), &pending, kind, &code).await?;
            set_cookie(cookie);
            Ok(crate::auth::model::safe_next_path(next.as_deref()))
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "get_confirm_options")]
pub async fn get_confirm_options() -> Result<ConfirmOptions, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.mfa.confirm_options(&require_session()?).await }.await)
}

/// Re-authenticates: `kind` None for the password, else a second factor.
#[server(prefix = "/rpc", endpoint = "confirm_identity")]
pub async fn confirm_identity(kind: Option<MfaKind>, secret: String) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            if secret.is_empty() {
                return Err(AppError::invalid("secret", "Enter it to continue."));
            }
            let cookie =
                services()?.mfa.confirm(&client_info(), &require_session()?, kind, &secret).await?;
            set_cookie(cookie);
            Ok(())
        }
        .await,
    )
}

/// Sends an email or SMS code for the MFA step or a confirmation.
#[server(prefix = "/rpc", endpoint = "send_mfa_code")]
pub async fn send_mfa_code(kind: MfaKind) -> Result<CodeSent, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Mfa, SessionStage::Full])?;
            services()?.mfa.send_code(&client_info(), &session, kind).await
        }
        .await,
    )
}

/// Sends a code to a phone number the user wants to use for SMS codes.
#[server(prefix = "/rpc", endpoint = "start_phone_binding")]
pub async fn start_phone_binding(phone: String) -> Result<CodeSent, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            crate::common::validate::Phone::parse(&phone)
                .map_err(|e| AppError::invalid("phone", e.0))?;
            services()?.mfa.start_phone_binding(&client_info(), &require_session()?, &phone).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "finish_phone_binding")]
pub async fn finish_phone_binding(code: String) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            if code.trim().is_empty() {
                return Err(AppError::invalid("code", "Enter the code."));
            }
            services()?.mfa.finish_phone_binding(&client_info(), &require_session()?, &code).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "remove_sms")]
pub async fn remove_sms() -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.mfa.remove_sms(&client_info(), &require_session()?).await }.await,
    )
}
