//! Binding an authenticator, recovery codes, the MFA step of sign-in and
//! re-authentication, for the pages (server functions) and the REST API.

use super::{recovery, store, totp};
use crate::auth::events::{self, AuthEvent, Channel};
use crate::auth::session;
use crate::core::Core;
use crate::error::OrInternal;
use crate::notify::Notice;
use crate::users::store::{self as users, UserRow};
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::auth::port::SetCookie;
use app::common::validate::Phone;
use app::common::AppError;
use app::mfa::model::{
    CodeSent, ConfirmOptions, MfaKind, MfaStatus, RecoveryCodes, TotpEnrollment,
};
use app::mfa::port::MfaPort;
use app::settings::model::SecuritySettings;

/// How long a secret shown on the binding page may wait for its first code.
const PENDING_BINDING_SECS: i64 = 600;

fn pending_context(user: &UserRow) -> String {
    format!("totp-pending:{}", user.id)
}

fn in_stage(session: &SessionCtx, stages: &[SessionStage]) -> Result<(), AppError> {
    if stages.contains(&session.stage) {
        Ok(())
    } else {
        Err(AppError::Unauthenticated)
    }
}

impl Core {
    /// What a confirmation must be made with: a second factor when the user
    /// has one (a password alone must not unlock what MFA guards).
    async fn confirmation_kind(&self, user: &UserRow) -> Result<&'static str, AppError> {
        let strong = self.active_mfa(user).await?.into_iter().any(|k| k != MfaKind::Recovery);
        Ok(if strong { "mfa" } else { "password" })
    }

    /// Refuses with 412 unless the session re-authenticated recently enough,
    /// with the required kind of proof.
    pub async fn require_confirmed(
        &self,
        session: &SessionCtx,
        user: &UserRow,
    ) -> Result<(), AppError> {
        let needed = self.confirmation_kind(user).await?;
        let fresh = session.confirmed_until > self.now().millis();
        let strong_enough = needed == "password" || session.confirmed_with == "mfa";
        if fresh && strong_enough {
            Ok(())
        } else {
            Err(AppError::ConfirmRequired { code: needed.to_owned() })
        }
    }

    async fn new_recovery_set(&self) -> (Vec<String>, Vec<String>) {
        let codes = recovery::new_set();
        let hashes = codes
            .iter()
            .map(|c| self.sealer.keyed_hash("recovery", &recovery::canonical(c)))
            .collect();
        (codes, hashes)
    }

    /// Replaces the session with a new one (new id), keeping the account.
    /// The new session is signed in, unless the password has expired (then
    /// changing it is all the session may do, for a short while).
    pub(crate) async fn reissue_session(
        &self,
        client: &ClientInfo,
        old: &SessionCtx,
        user: &UserRow,
        factors: &str,
        confirmed_secs: i64,
        confirmed_with: &str,
    ) -> Result<SetCookie, AppError> {
        let now = self.now();
        let stage = self.signed_in_stage(user).await?;
        let lifetime_secs = if stage == SessionStage::Full {
            self.session_lifetimes().max_secs
        } else {
            session::PENDING_MFA_SECS
        };
        let new = session::NewSession {
            stage,
            channel: "browser",
            factors,
            lifetime_secs,
            confirmed_secs,
            confirmed_with,
        };
        let opened = session::open(&self.db, user.id, client, &new, now).await?;
        session::end(&self.db, old.session_id).await?;
        if stage == SessionStage::Full && old.stage != SessionStage::Full {
            users::set_last_login(&self.db, user.id, now).await?;
        }
        Ok(SetCookie(session::set_cookie_header(self.config.https(), &opened.token, lifetime_secs)))
    }

    /// Re-authentication shared by the dialog and the REST API; returns the
    /// confirmation lifetime in seconds.
    pub async fn confirm_identity(
        &self,
        client: &ClientInfo,
        channel: Channel,
        user: &UserRow,
        kind: Option<MfaKind>,
        secret: &str,
    ) -> Result<(i64, &'static str), AppError> {
        match kind {
            None => {
                if self.confirmation_kind(user).await? == "mfa" {
                    return Err(AppError::invalid(
                        "secret_key",
                        "Confirm with your second factor.",
                    ));
                }
                self.check_password(client, channel, &user.username, secret).await?;
                Ok((SecuritySettings::PASSWORD_CONFIRM_SECS, "password"))
            }
            Some(MfaKind::Recovery) => Err(AppError::invalid(
                "secret_key",
                "Recovery codes are for signing in when your device is lost.",
            )),
            Some(kind) => {
                self.verify_factor(client, channel, user, kind, secret).await?;
                let minutes = self.security().await?.mfa_confirm_minutes;
                Ok((i64::from(minutes) * 60, "mfa"))
            }
        }
    }
}

#[async_trait::async_trait]
impl MfaPort for Core {
    async fn mfa_status(&self, session: &SessionCtx) -> Result<MfaStatus, AppError> {
        let user = self.session_user(session).await?;
        Ok(MfaStatus {
            otp_bound: store::bound_totp(&self.db, user.id).await?.is_some(),
            recovery_codes_left: store::recovery_codes_left(&self.db, user.id).await?,
            forced: self.mfa_forced(&user).await?,
            active: self.active_mfa(&user).await?,
            email_offered: self.mfa_offered(MfaKind::Email).await? && !user.email.is_empty(),
            sms_offered: self.mfa_offered(MfaKind::Sms).await?,
            sms_phone: user.confirmed_phone().map(str::to_owned),
            face_offered: self.face_offered().await?,
            face_enrolled: crate::face::store::template(&self.db, user.id).await?.is_some(),
        })
    }

    async fn start_totp_binding(&self, session: &SessionCtx) -> Result<TotpEnrollment, AppError> {
        in_stage(session, &[SessionStage::Full, SessionStage::MfaSetup])?;
        let user = self.session_user(session).await?;
        // During a forced set-up the password was just given; otherwise ask again.
        if session.stage == SessionStage::Full {
            self.require_confirmed(session, &user).await?;
        }
        let rebinding = store::bound_totp(&self.db, user.id).await?.is_some();
        let issuer = self.security().await?.otp_issuer;
        let secret = totp::new_secret();
        let sealed = self.sealer.seal(&pending_context(&user), &secret);
        store::put_pending(
            &self.db,
            session.session_id,
            user.id,
            &sealed,
            self.now().plus_secs(PENDING_BINDING_SECS),
        )
        .await?;
        let otpauth_url = totp::otpauth_url(&issuer, &user.username, &secret);
        let qr_svg = totp::qr_svg(&otpauth_url).or_internal()?;
        Ok(TotpEnrollment {
            qr_svg,
            secret: totp::base32(&secret),
            otpauth_url,
            issuer,
            account: user.username.clone(),
            rebinding,
        })
    }

    async fn confirm_totp_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        code: &str,
    ) -> Result<RecoveryCodes, AppError> {
        in_stage(session, &[SessionStage::Full, SessionStage::MfaSetup])?;
        let user = self.session_user(session).await?;
        let expired =
            || AppError::invalid("code", "This QR code expired. Start again to get a new one.");
        let pending = store::pending(&self.db, session.session_id).await?.ok_or_else(expired)?;
        if pending.user_id != user.id || pending.expires_at <= self.now().millis() {
            return Err(expired());
        }
        let secret =
            self.sealer.open(&pending_context(&user), &pending.secret_enc).ok_or_else(expired)?;
        let window = self.security().await?.otp_window;
        let now_secs = u64::try_from(self.now().millis() / 1000).unwrap_or(0);
        let code = app::mfa::model::normalize_code(code);
        let Some(step) = totp::verify(&secret, &code, now_secs, window, 0) else {
            let event = AuthEvent {
                user_id: Some(user.id),
                username: &user.username,
                factor: "otp",
                channel: Channel::Browser,
                success: false,
                reason: "bind_bad_code",
            };
            events::record(&self.db, event, client, self.now()).await?;
            return Err(AppError::invalid(
                "code",
                "That code is not right. Check the time on your phone and enter the code shown now.",
            ));
        };
        let (codes, hashes) = self.new_recovery_set().await;
        let json = serde_json::to_string(&hashes).or_internal()?;
        store::mark_pending_verified(
            &self.db,
            session.session_id,
            i64::try_from(step).unwrap_or(0),
            &json,
        )
        .await?;
        Ok(RecoveryCodes(codes))
    }

    async fn finish_totp_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
    ) -> Result<Option<SetCookie>, AppError> {
        in_stage(session, &[SessionStage::Full, SessionStage::MfaSetup])?;
        let user = self.session_user(session).await?;
        let not_ready = || AppError::invalid("code", "Enter a code from your authenticator first.");
        let pending = store::pending(&self.db, session.session_id).await?.ok_or_else(not_ready)?;
        let (Some(step), Some(json)) = (pending.verified_step, pending.recovery_json) else {
            return Err(not_ready());
        };
        if pending.user_id != user.id {
            return Err(not_ready());
        }
        let secret =
            self.sealer.open(&pending_context(&user), &pending.secret_enc).ok_or_else(not_ready)?;
        let hashes: Vec<String> = serde_json::from_str(&json).or_internal()?;
        let sealed = self.sealer.seal(&format!("totp:{}", user.id), &secret);
        store::bind_totp(&self.db, user.id, &sealed, step, self.now()).await?;
        store::replace_recovery_codes(&self.db, user.id, &hashes, self.now()).await?;
        store::drop_pending(&self.db, session.session_id).await?;
        self.log_credential_change(Channel::Browser, client, &user, "otp", "bound").await?;
        self.notify(&user, client, Notice::MfaBound(MfaKind::Otp.label())).await;
        tracing::info!(user = %user.username, "authenticator bound");
        if session.stage == SessionStage::MfaSetup {
            // Binding proved the new factor: the forced set-up ends signed in.
            let cookie =
                self.reissue_session(client, session, &user, "password,otp", 300, "mfa").await?;
            return Ok(Some(cookie));
        }
        Ok(None)
    }

    async fn unbind_totp(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        code: &str,
    ) -> Result<(), AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let user = self.session_user(session).await?;
        // A recent confirmation, and a current code from the authenticator itself.
        self.require_confirmed(session, &user).await?;
        self.verify_factor(client, Channel::Browser, &user, MfaKind::Otp, code).await?;
        store::unbind_totp(&self.db, user.id).await?;
        self.log_credential_change(Channel::Browser, client, &user, "otp", "unbound").await?;
        self.notify(&user, client, Notice::MfaRemoved(MfaKind::Otp.label())).await;
        tracing::info!(user = %user.username, "authenticator removed");
        Ok(())
    }

    async fn regenerate_recovery_codes(
        &self,
        session: &SessionCtx,
    ) -> Result<RecoveryCodes, AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let user = self.session_user(session).await?;
        if store::bound_totp(&self.db, user.id).await?.is_none() {
            return Err(AppError::invalid("recovery", "Bind an authenticator app first."));
        }
        self.require_confirmed(session, &user).await?;
        let (codes, hashes) = self.new_recovery_set().await;
        store::replace_recovery_codes(&self.db, user.id, &hashes, self.now()).await?;
        self.notify(&user, &ClientInfo::default(), Notice::RecoveryCodesRegenerated).await;
        tracing::info!(user = %user.username, "recovery codes regenerated");
        Ok(RecoveryCodes(codes))
    }

    async fn step_choices(&self, pending: &SessionCtx) -> Result<Vec<MfaKind>, AppError> {
        in_stage(pending, &[SessionStage::Mfa])?;
        let user = self.session_user(pending).await?;
        self.active_mfa(&user).await
    }

    async fn pass_step(
        &self,
        client: &ClientInfo,
        pending: &SessionCtx,
        kind: MfaKind,
        code: &str,
    ) -> Result<SetCookie, AppError> {
        in_stage(pending, &[SessionStage::Mfa])?;
        let user = self.session_user(pending).await?;
        self.verify_factor(client, Channel::Browser, &user, kind, code).await?;
        let factors = format!("password,{}", kind.as_str());
        self.reissue_session(
            client,
            pending,
            &user,
            &factors,
            SecuritySettings::PASSWORD_CONFIRM_SECS,
            "mfa",
        )
        .await
    }

    async fn confirm_options(&self, session: &SessionCtx) -> Result<ConfirmOptions, AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let user = self.session_user(session).await?;
        let required = self.confirmation_kind(&user).await?;
        let mfa =
            self.active_mfa(&user).await?.into_iter().filter(|k| *k != MfaKind::Recovery).collect();
        Ok(ConfirmOptions {
            required: required.to_owned(),
            password_allowed: required == "password",
            mfa,
        })
    }

    async fn confirm(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        kind: Option<MfaKind>,
        secret: &str,
    ) -> Result<SetCookie, AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let user = self.session_user(session).await?;
        let (secs, with) =
            self.confirm_identity(client, Channel::Browser, &user, kind, secret).await?;
        let factors = session::factors_of(&self.db, session.session_id).await?;
        self.reissue_session(client, session, &user, &factors, secs, with).await
    }

    async fn send_code(
        &self,
        _client: &ClientInfo,
        session: &SessionCtx,
        kind: MfaKind,
    ) -> Result<CodeSent, AppError> {
        in_stage(session, &[SessionStage::Mfa, SessionStage::Full])?;
        let user = self.session_user(session).await?;
        self.send_mfa_code(&user, kind).await
    }

    async fn start_phone_binding(
        &self,
        _client: &ClientInfo,
        session: &SessionCtx,
        phone: &str,
    ) -> Result<CodeSent, AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let phone = Phone::parse(phone).map_err(|e| AppError::invalid("phone", e.0))?;
        let user = self.session_user(session).await?;
        if !self.mfa_offered(MfaKind::Sms).await? {
            return Err(AppError::invalid(
                "phone",
                "SMS verification is not offered on this server.",
            ));
        }
        self.require_confirmed(session, &user).await?;
        self.sms_code(&user, super::codes::Purpose::PhoneBind, phone.as_str()).await
    }

    async fn finish_phone_binding(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        code: &str,
    ) -> Result<(), AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let user = self.session_user(session).await?;
        self.require_confirmed(session, &user).await?;
        let Some(phone) = self.check_phone_code(&user, code).await? else {
            return Err(AppError::invalid(
                "code",
                "That code is not right, has expired or was tried too often. Ask for a new one.",
            ));
        };
        let changed = user.phone.as_deref() != Some(phone.as_str());
        users::set_confirmed_phone(&self.db, user.id, Some(&phone), self.now()).await?;
        self.key_cache.clear();
        self.log_credential_change(Channel::Browser, client, &user, "sms", "bound").await?;
        self.notify(&user, client, Notice::MfaBound(MfaKind::Sms.label())).await;
        if changed {
            self.notify(&user, client, Notice::PhoneChanged).await;
        }
        tracing::info!(user = %user.username, "phone confirmed for SMS codes");
        Ok(())
    }

    async fn remove_sms(&self, client: &ClientInfo, session: &SessionCtx) -> Result<(), AppError> {
        in_stage(session, &[SessionStage::Full])?;
        let user = self.session_user(session).await?;
        if user.confirmed_phone().is_none() {
            return Err(AppError::invalid("phone", "No phone number is set up for SMS codes."));
        }
        self.require_confirmed(session, &user).await?;
        users::set_confirmed_phone(&self.db, user.id, None, self.now()).await?;
        self.log_credential_change(Channel::Browser, client, &user, "sms", "unbound").await?;
        self.notify(&user, client, Notice::MfaRemoved(MfaKind::Sms.label())).await;
        tracing::info!(user = %user.username, "phone no longer used for SMS codes");
        Ok(())
    }
}
