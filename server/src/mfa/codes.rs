//! Codes sent by email or SMS: digits from the OS's CSPRNG, stored as a
//! keyed hash, one live code per user and purpose, a new one only after
//! [`SentCodes::RESEND_SECS`], at most [`SentCodes::MAX_TRIES`] wrong tries,
//! used once, compared in constant time.

use super::store::FactorState;
use super::MfaMethod;
use crate::core::Core;
use crate::crypto::constant_time_eq;
use crate::db::Db;
use crate::error::OrInternal;
use crate::notify::send::{self, Mail, SmsSecrets};
use crate::on_db;
use crate::users::store::UserRow;
use app::common::AppError;
use app::i18n::{tfr, tr};
use app::mfa::model::{mask_target, CodeSent, MfaKind, SentCodes};
use app::settings::notify::{MailSettings, SmsSettings};
use rand_core::{OsRng, RngCore};
use uuid::Uuid;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The email factor (sign-in or a confirmation).
    Email,
    /// The SMS factor.
    Sms,
    /// Proving a new phone number before it is used for SMS.
    PhoneBind,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Email => "email",
            Purpose::Sms => "sms",
            Purpose::PhoneBind => "phone_bind",
        }
    }
}

/// `len` decimal digits, each uniform (rejection sampling, no modulo bias).
pub fn random_digits(len: usize) -> String {
    // The largest multiple of 10 that fits in a u32.
    const LIMIT: u32 = u32::MAX - u32::MAX % 10;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let n = OsRng.next_u32();
        if n < LIMIT {
            out.push(char::from(b'0' + u8::try_from(n % 10).unwrap_or(0)));
        }
    }
    out
}

fn code_hash(core: &Core, user_id: Uuid, purpose: Purpose, created_at: i64, code: &str) -> String {
    core.sealer.keyed_hash(&format!("code:{user_id}:{}:{created_at}", purpose.as_str()), code)
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    target: String,
    code_hash: String,
    created_at: i64,
    expires_at: i64,
    tries: i32,
    used_at: Option<i64>,
}

/// Makes and stores a new code; refused while the last one is younger than
/// the resend delay. Returns the code to send.
async fn issue(
    core: &Core,
    user_id: Uuid,
    purpose: Purpose,
    target: &str,
    length: u8,
    ttl_secs: u32,
) -> Result<String, AppError> {
    let now = core.now().millis();
    let code = random_digits(usize::from(length));
    let hash = code_hash(core, user_id, purpose, now, &code);
    let resend_cutoff = now - i64::from(SentCodes::RESEND_SECS) * 1000;
    // A live code younger than the resend delay stays; the insert does nothing.
    let sql = "INSERT INTO verify_codes (user_id, purpose, target, code_hash, created_at, expires_at, tries, used_at) \
               VALUES ($1, $2, $3, $4, $5, $6, 0, NULL) \
               ON CONFLICT (user_id, purpose) DO UPDATE SET target = excluded.target, code_hash = excluded.code_hash, \
               created_at = excluded.created_at, expires_at = excluded.expires_at, tries = 0, used_at = NULL \
               WHERE verify_codes.created_at <= $7 OR verify_codes.used_at IS NOT NULL";
    let n = on_db!(&core.db, pool => sqlx::query(sql)
        .bind(user_id).bind(purpose.as_str()).bind(target).bind(&hash).bind(now)
        .bind(now + i64::from(ttl_secs) * 1000).bind(resend_cutoff)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    if n == 0 {
        let created: i64 = on_db!(&core.db, pool => sqlx::query_scalar(
            "SELECT created_at FROM verify_codes WHERE user_id = $1 AND purpose = $2")
            .bind(user_id).bind(purpose.as_str()).fetch_one(pool).await)
        .or_internal()?;
        let wait = ((created - resend_cutoff + 999) / 1000).max(1);
        return Err(AppError::RateLimited {
            message: format!("A code was just sent. You can ask for another in {wait} seconds."),
        });
    }
    Ok(code)
}

async fn discard(db: &Db, user_id: Uuid, purpose: Purpose) -> Result<(), AppError> {
    let sql = "DELETE FROM verify_codes WHERE user_id = $1 AND purpose = $2";
    on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(purpose.as_str()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

/// Checks `response` against the live code; on success the code is used up
/// and the target it went to is returned.
async fn check(
    core: &Core,
    user_id: Uuid,
    purpose: Purpose,
    response: &str,
) -> Result<Option<String>, AppError> {
    let now = core.now().millis();
    let sql = "SELECT target, code_hash, created_at, expires_at, tries, used_at FROM verify_codes \
               WHERE user_id = $1 AND purpose = $2";
    let row: Option<CodeRow> = on_db!(&core.db, pool => sqlx::query_as(sql).bind(user_id).bind(purpose.as_str()).fetch_optional(pool).await)
        .or_internal()?;
    let Some(row) = row else { return Ok(None) };
    let max_tries = i32::try_from(SentCodes::MAX_TRIES).unwrap_or(5);
    if row.used_at.is_some() || row.expires_at <= now || row.tries >= max_tries {
        return Ok(None);
    }
    let code = app::mfa::model::normalize_code(response);
    let candidate = code_hash(core, user_id, purpose, row.created_at, &code);
    if constant_time_eq(candidate.as_bytes(), row.code_hash.as_bytes()) {
        // Of two requests racing with the right code, exactly one wins.
        let sql = "UPDATE verify_codes SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND created_at = $4 \
                   AND used_at IS NULL AND tries < $5";
        let n = on_db!(&core.db, pool => sqlx::query(sql).bind(user_id).bind(purpose.as_str()).bind(now)
            .bind(row.created_at).bind(max_tries).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
        return Ok((n == 1).then_some(row.target));
    }
    let sql = "UPDATE verify_codes SET tries = tries + 1 WHERE user_id = $1 AND purpose = $2 AND created_at = $3";
    on_db!(&core.db, pool => sqlx::query(sql).bind(user_id).bind(purpose.as_str()).bind(row.created_at)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(None)
}

/// How a code went out, for the message when it did not.
#[derive(Clone, Copy)]
enum SentBy {
    Email,
    Sms,
}

fn unavailable(sent_by: SentBy, err: &send::SendError) -> AppError {
    // `err` shows in the request's language; the log keeps the English.
    let message = match sent_by {
        SentBy::Email => {
            tracing::warn!(error = %err.0, "email not sent");
            format!("The email could not be sent: {err}. Try again, or choose another method.")
        }
        SentBy::Sms => {
            tracing::warn!(error = %err.0, "text message not sent");
            format!(
                "The text message could not be sent: {err}. Try again, or choose another method."
            )
        }
    };
    AppError::Unavailable { message }
}

impl Core {
    async fn code_rules(&self) -> Result<(u8, u32), AppError> {
        let sms: SmsSettings = self.settings_group().await?;
        Ok((sms.code_length, sms.code_ttl_secs))
    }

    /// Emails a new code to `user`, in the language they chose.
    async fn email_code(&self, user: &UserRow, purpose: Purpose) -> Result<CodeSent, AppError> {
        let (length, ttl) = self.code_rules().await?;
        let settings: MailSettings = self.settings_group().await?;
        let password = self.setting_secret(MailSettings::PASSWORD).await?;
        let code = issue(self, user.id, purpose, &user.email, length, ttl).await?;
        let lang = self.language_of(user.id).await;
        let minutes = ttl.div_ceil(60).to_string();
        let body = tfr(
            lang,
            "Hello {name},\n\nYour verification code is:\n\n    {code}\n\nIt is valid for {minutes} minutes and works once. \
             Enter it on the page that asked for it.\n\nIf you did not try to sign in or confirm an action, \
             someone may know your password: change it and tell your administrator.\n",
            &[("name", user.name.as_str()), ("code", code.as_str()), ("minutes", minutes.as_str())],
        );
        let subject = tr(lang, "Your verification code");
        let mail = Mail { to: &user.email, subject, body: &body };
        if let Err(e) = send::send_mail(&settings, password.as_deref(), &mail).await {
            discard(&self.db, user.id, purpose).await?;
            return Err(unavailable(SentBy::Email, &e));
        }
        Ok(CodeSent {
            sent_to: mask_target(&user.email),
            ttl_secs: ttl,
            resend_after_secs: SentCodes::RESEND_SECS,
        })
    }

    /// Texts a new code to `phone`, in the language `user` chose.
    pub(crate) async fn sms_code(
        &self,
        user: &UserRow,
        purpose: Purpose,
        phone: &str,
    ) -> Result<CodeSent, AppError> {
        let settings: SmsSettings = self.settings_group().await?;
        let secrets = self.sms_secrets(&Default::default()).await?;
        let code =
            issue(self, user.id, purpose, phone, settings.code_length, settings.code_ttl_secs)
                .await?;
        let lang = self.language_of(user.id).await;
        if let Err(e) =
            send::send_sms(&self.http, &settings, &secrets, &wire_phone(phone), &code, lang).await
        {
            discard(&self.db, user.id, purpose).await?;
            return Err(unavailable(SentBy::Sms, &e));
        }
        Ok(CodeSent {
            sent_to: mask_target(phone),
            ttl_secs: settings.code_ttl_secs,
            resend_after_secs: SentCodes::RESEND_SECS,
        })
    }

    /// The SMS credentials after `changes` (a test with unsaved values).
    pub(crate) async fn sms_secrets(
        &self,
        changes: &app::settings::notify::SecretChanges,
    ) -> Result<SmsSecrets, AppError> {
        Ok(SmsSecrets {
            headers: self.secret_after(SmsSettings::CUSTOM_HEADERS, changes).await?,
            twilio_token: self.secret_after(SmsSettings::TWILIO_TOKEN, changes).await?,
        })
    }

    /// Checks a phone-binding code; the number it went to on success.
    pub(crate) async fn check_phone_code(
        &self,
        user: &UserRow,
        response: &str,
    ) -> Result<Option<String>, AppError> {
        check(self, user.id, Purpose::PhoneBind, response).await
    }
}

/// `+86 138 0013 8000` as gateways want it: `+8613800138000`.
pub fn wire_phone(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}

/// A code by email (JumpServer's `email` method).
pub struct EmailCode;

#[async_trait::async_trait]
impl MfaMethod for EmailCode {
    fn kind(&self) -> MfaKind {
        MfaKind::Email
    }

    async fn available(&self, core: &Core) -> Result<bool, AppError> {
        let mail: MailSettings = core.settings_group().await?;
        Ok(mail.mfa_by_email && mail.configured())
    }

    async fn active_for(
        &self,
        _core: &Core,
        user: &UserRow,
        _state: &FactorState,
    ) -> Result<bool, AppError> {
        Ok(!user.email.is_empty())
    }

    async fn send_challenge(&self, core: &Core, user: &UserRow) -> Result<CodeSent, AppError> {
        core.email_code(user, Purpose::Email).await
    }

    async fn verify(&self, core: &Core, user: &UserRow, response: &str) -> Result<bool, AppError> {
        // The code must have gone to the address the account has now.
        let sent_to = check(core, user.id, Purpose::Email, response).await?;
        Ok(sent_to.is_some_and(|t| t == user.email))
    }
}

/// A code by SMS to the confirmed phone number.
pub struct SmsCode;

#[async_trait::async_trait]
impl MfaMethod for SmsCode {
    fn kind(&self) -> MfaKind {
        MfaKind::Sms
    }

    async fn available(&self, core: &Core) -> Result<bool, AppError> {
        let sms: SmsSettings = core.settings_group().await?;
        Ok(sms.enabled && sms.provider_configured())
    }

    async fn active_for(
        &self,
        _core: &Core,
        user: &UserRow,
        _state: &FactorState,
    ) -> Result<bool, AppError> {
        Ok(user.confirmed_phone().is_some())
    }

    async fn send_challenge(&self, core: &Core, user: &UserRow) -> Result<CodeSent, AppError> {
        let phone = user
            .confirmed_phone()
            .ok_or_else(|| AppError::invalid("type", "No phone number is confirmed."))?;
        core.sms_code(user, Purpose::Sms, phone).await
    }

    async fn verify(&self, core: &Core, user: &UserRow, response: &str) -> Result<bool, AppError> {
        // The code must have gone to the number that is confirmed now.
        let Some(phone) = user.confirmed_phone() else { return Ok(false) };
        Ok(check(core, user.id, Purpose::Sms, response).await?.is_some_and(|t| t == phone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_digits_of_the_asked_length_and_vary() {
        for len in [4, 6, 16] {
            let code = random_digits(len);
            assert_eq!(code.len(), len);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
        let many: std::collections::HashSet<String> = (0..50).map(|_| random_digits(8)).collect();
        assert!(many.len() > 45, "50 random 8-digit codes should rarely repeat");
        // Every digit shows up: no digit is impossible.
        let all: String = (0..200).map(|_| random_digits(6)).collect();
        for d in '0'..='9' {
            assert!(all.contains(d), "digit {d} never drawn");
        }
    }

    #[test]
    fn phones_lose_spaces_for_the_wire() {
        assert_eq!(wire_phone("+86 138-0013 8000"), "+8613800138000");
    }
}
