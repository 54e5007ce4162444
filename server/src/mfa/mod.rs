//! Second factors. Each kind of factor is an [`MfaMethod`]: whether the
//! administrator offers it, whether a user has it, how a challenge is sent
//! (email and SMS codes will), and how a response is checked. Sign-in, the
//! re-authentication dialog and the REST API all go through
//! [`Core::verify_factor`], which adds the lockout and the log.

pub mod codes;
pub mod recovery;
pub mod service;
pub mod store;
pub mod totp;

use crate::auth::events::{self, AuthEvent, Channel};
use crate::auth::lockout::{self, AfterFailure, Limit};
use crate::core::Core;
use crate::users::store::UserRow;
use app::auth::model::ClientInfo;
use app::auth::Role;
use app::common::AppError;
use app::mfa::model::{CodeSent, MfaKind};

#[async_trait::async_trait]
pub trait MfaMethod: Send + Sync {
    fn kind(&self) -> MfaKind;
    /// Offered on this server at all (admin settings, configured providers).
    async fn available(&self, _core: &Core) -> Result<bool, AppError> {
        Ok(true)
    }
    /// The user has this factor set up (`state` is read once for all methods).
    async fn active_for(
        &self,
        core: &Core,
        user: &UserRow,
        state: &store::FactorState,
    ) -> Result<bool, AppError>;
    /// Sends a challenge (a code by mail or SMS); factors the user already
    /// holds have none to send.
    async fn send_challenge(&self, _core: &Core, _user: &UserRow) -> Result<CodeSent, AppError> {
        let label = self.kind().label();
        Err(AppError::invalid("type", format!("{label} codes are not sent.")))
    }
    /// Whether `response` proves the factor now. Single-use responses are
    /// used up by a successful check.
    async fn verify(&self, core: &Core, user: &UserRow, response: &str) -> Result<bool, AppError>;
}

pub fn methods() -> Vec<Box<dyn MfaMethod>> {
    vec![
        Box::new(Otp),
        Box::new(codes::SmsCode),
        Box::new(codes::EmailCode),
        Box::new(crate::face::FaceMethod),
        Box::new(Recovery),
    ]
}

/// An authenticator app.
pub struct Otp;

fn totp_context(user: &UserRow) -> String {
    format!("totp:{}", user.id)
}

#[async_trait::async_trait]
impl MfaMethod for Otp {
    fn kind(&self) -> MfaKind {
        MfaKind::Otp
    }

    async fn active_for(
        &self,
        _core: &Core,
        _user: &UserRow,
        state: &store::FactorState,
    ) -> Result<bool, AppError> {
        Ok(state.otp_bound)
    }

    async fn verify(&self, core: &Core, user: &UserRow, response: &str) -> Result<bool, AppError> {
        let Some(bound) = store::bound_totp(&core.db, user.id).await? else { return Ok(false) };
        let secret = core.sealer.open(&totp_context(user), &bound.secret_enc).ok_or_else(|| {
            crate::error::internal("a TOTP secret does not open with the configured secret key")
        })?;
        let window = core.security().await?.otp_window;
        let now_secs = u64::try_from(core.now().millis() / 1000).unwrap_or(0);
        let last = u64::try_from(bound.last_step).unwrap_or(0);
        let code = app::mfa::model::normalize_code(response);
        match totp::verify(&secret, &code, now_secs, window, last) {
            Some(step) => {
                store::advance_totp_step(&core.db, user.id, i64::try_from(step).unwrap_or(i64::MAX))
                    .await
            }
            None => Ok(false),
        }
    }
}

/// A recovery code.
pub struct Recovery;

#[async_trait::async_trait]
impl MfaMethod for Recovery {
    fn kind(&self) -> MfaKind {
        MfaKind::Recovery
    }

    async fn active_for(
        &self,
        _core: &Core,
        _user: &UserRow,
        state: &store::FactorState,
    ) -> Result<bool, AppError> {
        Ok(state.recovery_left > 0)
    }

    async fn verify(&self, core: &Core, user: &UserRow, response: &str) -> Result<bool, AppError> {
        let hash = core.sealer.keyed_hash("recovery", &recovery::canonical(response));
        store::use_recovery_code(&core.db, user.id, &hash, core.now()).await
    }
}

impl Core {
    fn method(&self, kind: MfaKind) -> Option<&dyn MfaMethod> {
        self.mfa.iter().find(|m| m.kind() == kind).map(AsRef::as_ref)
    }

    /// Whether an administrator offers `kind` on this server.
    pub async fn mfa_offered(&self, kind: MfaKind) -> Result<bool, AppError> {
        match self.method(kind) {
            Some(m) => m.available(self).await,
            None => Ok(false),
        }
    }

    /// The method of `kind` when it is offered and `user` has it set up.
    async fn active_method(
        &self,
        user: &UserRow,
        kind: MfaKind,
    ) -> Result<Option<&dyn MfaMethod>, AppError> {
        let Some(m) = self.method(kind) else { return Ok(None) };
        let state = store::factor_state(&self.db, user.id).await?;
        Ok((m.available(self).await? && m.active_for(self, user, &state).await?).then_some(m))
    }

    /// The factors this user can use now.
    pub async fn active_mfa(&self, user: &UserRow) -> Result<Vec<MfaKind>, AppError> {
        let state = store::factor_state(&self.db, user.id).await?;
        let mut active = Vec::new();
        for method in &self.mfa {
            if method.available(self).await? && method.active_for(self, user, &state).await? {
                active.push(method.kind());
            }
        }
        Ok(active)
    }

    /// MFA is required for this user: turned on by the user (level 1), by an
    /// administrator (level 2), or by the policy (everyone, or administrators).
    pub async fn mfa_forced(&self, user: &UserRow) -> Result<bool, AppError> {
        Ok(user.mfa_level >= 1 || self.mfa_required_by_admin(user).await?)
    }

    /// Required by an administrator or the policy, not just the user's choice
    /// (JumpServer's `mfa_force_enabled`).
    pub async fn mfa_required_by_admin(&self, user: &UserRow) -> Result<bool, AppError> {
        let policy = self.security().await?.mfa_policy;
        Ok(user.mfa_level == 2 || policy == 1 || (policy == 2 && user.role() == Role::Admin))
    }

    /// Sends `user` a code for `kind` (email or SMS), unless MFA is blocked
    /// for them or the method is not theirs.
    pub async fn send_mfa_code(&self, user: &UserRow, kind: MfaKind) -> Result<CodeSent, AppError> {
        if let Some(until) =
            lockout::blocked_until(&self.db, &lockout::mfa_key(user.id), self.now()).await?
        {
            return Err(lockout::blocked(until));
        }
        match self.active_method(user, kind).await? {
            Some(m) => m.send_challenge(self, user).await,
            None => {
                let label = kind.label();
                Err(AppError::invalid("type", format!("{label} is not set up for this account.")))
            }
        }
    }

    /// A code was asked for someone who is not the caller (or nobody): the
    /// same answer as a real send, nothing sent, and a failure on the
    /// caller's address so guessing names is slowed down like guessing codes.
    pub async fn refuse_code_request(
        &self,
        client: &ClientInfo,
        channel: Channel,
        username: &str,
        kind: MfaKind,
    ) -> Result<CodeSent, AppError> {
        let now = self.now();
        let event = AuthEvent {
            user_id: None,
            username,
            factor: kind.as_str(),
            channel,
            success: false,
            reason: "send_code_refused",
        };
        events::record(&self.db, event, client, now).await?;
        if let Some(ip) = client.ip.as_deref() {
            let policy = self.security().await?;
            let limit = Limit {
                count: policy.ip_limit_count,
                block_secs: i64::from(policy.ip_limit_minutes) * 60,
            };
            lockout::record_failure(&self.db, &lockout::ip_key(ip), limit, now).await?;
        }
        let ttl = self.settings_group::<app::settings::notify::SmsSettings>().await?.code_ttl_secs;
        Ok(CodeSent {
            sent_to: String::new(),
            ttl_secs: ttl,
            resend_after_secs: app::mfa::model::SentCodes::RESEND_SECS,
        })
    }

    /// Checks a second factor with the lockout and the authentication log.
    pub async fn verify_factor(
        &self,
        client: &ClientInfo,
        channel: Channel,
        user: &UserRow,
        kind: MfaKind,
        response: &str,
    ) -> Result<(), AppError> {
        let now = self.now();
        let key = lockout::mfa_key(user.id);
        let event = |success, reason| AuthEvent {
            user_id: Some(user.id),
            username: &user.username,
            factor: kind.as_str(),
            channel,
            success,
            reason,
        };
        if let Some(until) = lockout::blocked_until(&self.db, &key, now).await? {
            events::record(&self.db, event(false, "blocked"), client, now).await?;
            return Err(lockout::blocked(until));
        }
        let method = match self.active_method(user, kind).await? {
            Some(m) => m,
            None => {
                events::record(&self.db, event(false, "not_active"), client, now).await?;
                let label = kind.label();
                return Err(AppError::invalid(
                    "code",
                    format!("{label} is not set up for this account."),
                ));
            }
        };
        if method.verify(self, user, response).await? {
            lockout::clear(&self.db, &key).await?;
            events::record(&self.db, event(true, ""), client, now).await?;
            if kind == MfaKind::Recovery {
                let left = store::recovery_codes_left(&self.db, user.id).await?;
                self.notify(user, client, crate::notify::Notice::RecoveryCodeUsed { left }).await;
            }
            return Ok(());
        }
        events::record(&self.db, event(false, "bad_code"), client, now).await?;
        Err(match self.count_mfa_failure(user).await? {
            // One whole sentence per plural form, so each translates as one.
            AfterFailure::TriesLeft(1) => AppError::Denied {
                message: "The code is not correct (or was already used). 1 try left.".into(),
            },
            AfterFailure::TriesLeft(n) => AppError::Denied {
                message: format!("The code is not correct (or was already used). {n} tries left."),
            },
            AfterFailure::BlockedUntil(until) => lockout::blocked(until),
        })
    }

    /// One more failed second factor for `user` (codes and face attempts
    /// share the count).
    pub(crate) async fn count_mfa_failure(&self, user: &UserRow) -> Result<AfterFailure, AppError> {
        let policy = self.security().await?;
        let limit = Limit {
            count: policy.login_limit_count,
            block_secs: i64::from(policy.login_limit_minutes) * 60,
        };
        lockout::record_failure(&self.db, &lockout::mfa_key(user.id), limit, self.now()).await
    }
}
