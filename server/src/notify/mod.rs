//! Notifications: security notices to the backends each user chose (the
//! inbox always, email and IM robots through the [`outbox`]), the inbox
//! itself, and the senders for mail, SMS and robots.

pub mod outbox;
pub mod rest;
pub mod send;

use crate::core::Core;
use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use crate::users::store::UserRow;
use app::auth::model::{ClientInfo, SessionCtx};
use app::common::{AppError, Timestamp};
use app::i18n::{tfr, tr, Lang};
use app::notifications::model::{Backend, BackendInfo, SiteMessage, Subscription};
use app::notifications::port::NotificationsPort;
use app::settings::notify::MailSettings;
use uuid::Uuid;

/// Something about an account its owner should hear of.
#[derive(Debug, Clone)]
pub enum Notice {
    PasswordChanged,
    /// A second factor added; its label (`MfaKind::label`), English.
    MfaBound(&'static str),
    MfaRemoved(&'static str),
    /// An administrator removed every second factor.
    MfaReset,
    RecoveryCodesRegenerated,
    RecoveryCodeUsed {
        left: u32,
    },
    SshKeyAdded {
        name: String,
        fingerprint: String,
        generated: bool,
    },
    AccessKeyCreated {
        id: Uuid,
    },
    /// An SSH key enabled, disabled or deleted.
    SshKeyChanged {
        name: String,
        change: KeyChange,
    },
    /// An access key enabled, disabled or deleted.
    AccessKeyChanged {
        id: Uuid,
        change: KeyChange,
    },
    /// An access key given a new IP allowlist.
    AccessKeyRescoped {
        id: Uuid,
    },
    EmailChanged {
        old: String,
        new: String,
    },
    PhoneChanged,
    NewSignInAddress,
}

/// What happened to a key (each one its own sentence in a notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChange {
    Enabled,
    Disabled,
    Deleted,
}

impl KeyChange {
    /// Turned on or off.
    pub fn toggled(active: bool) -> KeyChange {
        if active {
            KeyChange::Enabled
        } else {
            KeyChange::Disabled
        }
    }

    /// The word the authentication log records.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyChange::Enabled => "enabled",
            KeyChange::Disabled => "disabled",
            KeyChange::Deleted => "deleted",
        }
    }
}

impl Notice {
    /// The subject, in `lang` (the recipient's).
    pub fn subject(&self, lang: Lang) -> String {
        let text = |english: &'static str| tr(lang, english).to_owned();
        match self {
            Notice::PasswordChanged => text("Your password was changed"),
            Notice::MfaBound(m) => {
                tfr(lang, "{m} was added to your account", &[("m", tr(lang, m))])
            }
            Notice::MfaRemoved(m) => {
                tfr(lang, "{m} was removed from your account", &[("m", tr(lang, m))])
            }
            Notice::MfaReset => text("Your two-step verification was reset"),
            Notice::RecoveryCodesRegenerated => text("New recovery codes were made"),
            Notice::RecoveryCodeUsed { .. } => text("A recovery code was used"),
            Notice::SshKeyAdded { generated: true, .. } => text("An SSH key pair was generated"),
            Notice::SshKeyAdded { .. } => text("An SSH key was added"),
            Notice::AccessKeyCreated { .. } => text("An API access key was created"),
            Notice::SshKeyChanged { change, .. } => text(match change {
                KeyChange::Enabled => "An SSH key was enabled",
                KeyChange::Disabled => "An SSH key was disabled",
                KeyChange::Deleted => "An SSH key was deleted",
            }),
            Notice::AccessKeyChanged { change, .. } => text(match change {
                KeyChange::Enabled => "An API access key was enabled",
                KeyChange::Disabled => "An API access key was disabled",
                KeyChange::Deleted => "An API access key was deleted",
            }),
            Notice::AccessKeyRescoped { .. } => {
                text("An API access key was given a new IP allowlist")
            }
            Notice::EmailChanged { .. } => text("Your email address was changed"),
            Notice::PhoneChanged => text("Your phone number was changed"),
            Notice::NewSignInAddress => text("Sign-in from a new address"),
        }
    }

    fn what(&self, lang: Lang) -> String {
        let text = |english: &'static str| tr(lang, english).to_owned();
        match self {
            Notice::PasswordChanged => {
                text("The password of your account was changed. Other sessions were signed out.")
            }
            Notice::MfaBound(m) => {
                tfr(lang, "{m} can now be used as your second factor.", &[("m", tr(lang, m))])
            }
            Notice::MfaRemoved(m) => {
                tfr(lang, "{m} can no longer be used as your second factor.", &[("m", tr(lang, m))])
            }
            Notice::MfaReset => text(
                "An administrator removed your second factors; set one up again from your profile.",
            ),
            Notice::RecoveryCodesRegenerated => {
                text("A new set of recovery codes was made; the earlier codes no longer work.")
            }
            Notice::RecoveryCodeUsed { left } => tfr(
                lang,
                "One of your recovery codes was used to sign in. {left} left.",
                &[("left", left.to_string())],
            ),
            Notice::SshKeyAdded { name, fingerprint, .. } => tfr(
                lang,
                "SSH key \"{name}\" ({fingerprint}) can now log in as you.",
                &[("name", name.as_str()), ("fingerprint", fingerprint.as_str())],
            ),
            Notice::AccessKeyCreated { id } => {
                tfr(lang, "Access key {id} can now call the API as you.", &[("id", id.to_string())])
            }
            Notice::SshKeyChanged { name, change } => {
                let english = match change {
                    KeyChange::Enabled => "SSH key \"{name}\" was enabled.",
                    KeyChange::Disabled => "SSH key \"{name}\" was disabled.",
                    KeyChange::Deleted => "SSH key \"{name}\" was deleted.",
                };
                tfr(lang, english, &[("name", name.as_str())])
            }
            Notice::AccessKeyChanged { id, change } => {
                let english = match change {
                    KeyChange::Enabled => "Access key {id} was enabled.",
                    KeyChange::Disabled => "Access key {id} was disabled.",
                    KeyChange::Deleted => "Access key {id} was deleted.",
                };
                tfr(lang, english, &[("id", id.to_string())])
            }
            Notice::AccessKeyRescoped { id } => tfr(
                lang,
                "Access key {id} was given a new IP allowlist.",
                &[("id", id.to_string())],
            ),
            Notice::EmailChanged { old, new } => tfr(
                lang,
                "The email address of your account changed from {old} to {new}.",
                &[("old", old.as_str()), ("new", new.as_str())],
            ),
            Notice::PhoneChanged => text("The phone number of your account changed."),
            Notice::NewSignInAddress => {
                text("Your password was used to sign in from an address not seen before.")
            }
        }
    }

    /// The whole text, in `lang` (the recipient's): what happened, when,
    /// from where, what to do.
    pub fn body(&self, lang: Lang, user: &UserRow, client: &ClientInfo, at: Timestamp) -> String {
        let unknown = || tr(lang, "unknown").to_owned();
        let values = [
            ("name", user.name.clone()),
            ("what", self.what(lang)),
            ("username", user.username.clone()),
            ("when", at.display_short_in(lang)),
            ("ip", client.ip.clone().unwrap_or_else(unknown)),
            ("agent", client.user_agent.as_deref().map(plain).unwrap_or_else(unknown)),
        ];
        tfr(
            lang,
            "Hello {name},\n\n{what}\n\nAccount: {username}\nWhen: {when} (UTC)\nFrom: {ip}\nBrowser or client: {agent}\n\n\
             If this was not you, change your password at once and tell your administrator.\n",
            &values,
        )
    }
}

/// Text a client chose (its user agent) made safe to quote in a message:
/// one short line, without the characters chat robots read as links or
/// markup, so a notice cannot be turned into a convincing fake.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '<' | '>' | '|' | '*' | '_' | '`' | '[' | ']' | '(' | ')')
        })
        .take(160)
        .collect()
}

async fn stored_backends(db: &Db, user_id: Uuid) -> Result<Option<Vec<Backend>>, AppError> {
    let sql = "SELECT receive_backends FROM msg_subscriptions WHERE user_id = $1";
    let json: Option<String> =
        on_db!(db, pool => sqlx::query_scalar(sql).bind(user_id).fetch_optional(pool).await)
            .or_internal()?;
    Ok(json.map(|j| {
        serde_json::from_str::<Vec<String>>(&j)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| Backend::parse(s))
            .collect()
    }))
}

impl Core {
    /// The backends that can deliver now.
    pub async fn delivering_backends(&self) -> Result<Vec<Backend>, AppError> {
        let mut out = vec![Backend::SiteMsg];
        if self.settings_group::<MailSettings>().await?.configured() {
            out.push(Backend::Email);
        }
        for backend in Backend::ALL {
            if let Some(name) = backend.webhook_setting() {
                if self.setting_secret(name).await?.is_some() {
                    out.push(backend);
                }
            }
        }
        Ok(out)
    }

    pub async fn subscription_of(&self, user_id: Uuid) -> Result<Subscription, AppError> {
        let chosen = stored_backends(&self.db, user_id)
            .await?
            .unwrap_or_else(Subscription::default_backends);
        Ok(Subscription { user_id, receive_backends: Subscription::normalized(chosen) })
    }

    /// Sets where `user_id`'s notices go; only backends that deliver now.
    pub async fn set_subscription_of(
        &self,
        user_id: Uuid,
        backends: Vec<Backend>,
    ) -> Result<Subscription, AppError> {
        let available = self.delivering_backends().await?;
        if let Some(missing) = backends.iter().find(|b| !available.contains(b)) {
            let backend = missing.label();
            return Err(AppError::invalid(
                "receive_backends",
                format!("{backend} is not set up on this server."),
            ));
        }
        let backends = Subscription::normalized(backends);
        let names: Vec<&str> = backends.iter().map(|b| b.as_str()).collect();
        let json = serde_json::to_string(&names).or_internal()?;
        let sql = "INSERT INTO msg_subscriptions (user_id, receive_backends) VALUES ($1, $2) \
                   ON CONFLICT (user_id) DO UPDATE SET receive_backends = excluded.receive_backends";
        on_db!(&self.db, pool => sqlx::query(sql).bind(user_id).bind(&json).execute(pool).await.map(|r| r.rows_affected()))
            .or_internal()?;
        Ok(Subscription { user_id, receive_backends: backends })
    }

    /// Tells `user` about `notice`: into the inbox at once, and queued for
    /// each other backend they receive, all in the language `user` chose.
    /// Never fails the action that caused it.
    pub async fn notify(&self, user: &UserRow, client: &ClientInfo, notice: Notice) {
        if let Err(e) = self.try_notify(user, client, &notice).await {
            tracing::error!(user = %user.username, error = %e, "notification not recorded");
        }
    }

    async fn try_notify(
        &self,
        user: &UserRow,
        client: &ClientInfo,
        notice: &Notice,
    ) -> Result<(), AppError> {
        let now = self.now();
        // Written once, in the recipient's language as it is now: the inbox
        // keeps this text (a later change of language leaves it as it was),
        // and the outbox sends it as it is.
        let lang = self.language_of(user.id).await;
        let subject = notice.subject(lang);
        let body = notice.body(lang, user, client, now);
        insert_site_message(&self.db, user.id, &subject, &body, now).await?;
        let chosen = self.subscription_of(user.id).await?.receive_backends;
        let available = self.delivering_backends().await?;
        let mut queued = false;
        for backend in
            chosen.into_iter().filter(|b| *b != Backend::SiteMsg && available.contains(b))
        {
            let recipient = match backend {
                Backend::Email if user.email.is_empty() => continue,
                Backend::Email => user.email.as_str(),
                _ => user.username.as_str(),
            };
            let text = if backend == Backend::Email {
                body.clone()
            } else {
                format!("[{}] {body}", user.username)
            };
            let msg = outbox::NewMessage {
                user_id: Some(user.id),
                backend,
                recipient,
                subject: &subject,
                body: &text,
            };
            outbox::enqueue(&self.db, &msg, now).await?;
            queued = true;
        }
        if let Notice::EmailChanged { old, .. } = notice {
            // The old address hears of it too: it may be the owner's last way to notice.
            if !old.is_empty() && self.settings_group::<MailSettings>().await?.configured() {
                let msg = outbox::NewMessage {
                    user_id: Some(user.id),
                    backend: Backend::Email,
                    recipient: old,
                    subject: &subject,
                    body: &body,
                };
                outbox::enqueue(&self.db, &msg, now).await?;
                queued = true;
            }
        }
        if queued {
            self.outbox.wake();
        }
        Ok(())
    }
}

async fn insert_site_message(
    db: &Db,
    user_id: Uuid,
    subject: &str,
    message: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    let sql = "INSERT INTO site_messages (id, user_id, subject, message, date_created) VALUES ($1, $2, $3, $4, $5)";
    on_db!(db, pool => sqlx::query(sql).bind(Uuid::new_v4()).bind(user_id).bind(subject).bind(message).bind(now.millis())
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn quoted_client_text_loses_markup_and_length() {
        assert_eq!(
            plain("Mozilla <https://evil.example|Reset here> *now*"),
            "Mozilla https://evil.exampleReset here now"
        );
        assert_eq!(plain(&"x".repeat(500)).len(), 160);
        assert_eq!(plain("a\nb\rc"), "abc");
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: Uuid,
    subject: String,
    message: String,
    date_created: i64,
    read_at: Option<i64>,
}

impl MessageRow {
    fn model(self) -> SiteMessage {
        SiteMessage {
            id: self.id,
            subject: self.subject,
            message: self.message,
            has_read: self.read_at.is_some(),
            read_at: self.read_at.map(Timestamp::from_millis),
            date_created: Timestamp::from_millis(self.date_created),
        }
    }
}

/// The newest `limit` messages of a user, after `offset`, optionally only
/// read or unread ones; and how many there are in all.
pub async fn list_messages(
    db: &Db,
    user_id: Uuid,
    has_read: Option<bool>,
    limit: i64,
    offset: i64,
) -> Result<(u64, Vec<SiteMessage>), AppError> {
    let filter = match has_read {
        Some(true) => " AND read_at IS NOT NULL",
        Some(false) => " AND read_at IS NULL",
        None => "",
    };
    let count_sql = format!("SELECT COUNT(*) FROM site_messages WHERE user_id = $1{filter}");
    let count: i64 =
        on_db!(db, pool => sqlx::query_scalar(&count_sql).bind(user_id).fetch_one(pool).await)
            .or_internal()?;
    let sql = format!(
        "SELECT id, subject, message, date_created, read_at FROM site_messages WHERE user_id = $1{filter} \
         ORDER BY date_created DESC, id LIMIT $2 OFFSET $3"
    );
    let rows: Vec<MessageRow> = on_db!(db, pool => sqlx::query_as(&sql).bind(user_id).bind(limit).bind(offset).fetch_all(pool).await)
        .or_internal()?;
    Ok((u64::try_from(count).unwrap_or(0), rows.into_iter().map(MessageRow::model).collect()))
}

pub async fn get_message(db: &Db, user_id: Uuid, id: Uuid) -> Result<SiteMessage, AppError> {
    let sql = "SELECT id, subject, message, date_created, read_at FROM site_messages WHERE user_id = $1 AND id = $2";
    let row: Option<MessageRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(user_id).bind(id).fetch_optional(pool).await)
            .or_internal()?;
    row.map(MessageRow::model).ok_or(AppError::NotFound)
}

pub async fn unread(db: &Db, user_id: Uuid) -> Result<u32, AppError> {
    let sql = "SELECT COUNT(*) FROM site_messages WHERE user_id = $1 AND read_at IS NULL";
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(sql).bind(user_id).fetch_one(pool).await)
        .or_internal()?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

pub async fn mark_read(
    db: &Db,
    user_id: Uuid,
    ids: Option<&[Uuid]>,
    now: Timestamp,
) -> Result<(), AppError> {
    match ids {
        None => {
            let sql =
                "UPDATE site_messages SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL";
            on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
                .or_internal()?;
        }
        Some(ids) => {
            let sql = "UPDATE site_messages SET read_at = $3 WHERE user_id = $1 AND id = $2 AND read_at IS NULL";
            for id in ids {
                on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
                    .or_internal()?;
            }
        }
    }
    Ok(())
}

pub async fn delete_message(db: &Db, user_id: Uuid, id: Uuid) -> Result<(), AppError> {
    let sql = "DELETE FROM site_messages WHERE user_id = $1 AND id = $2";
    let n = on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(id).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The inbox shows this many messages.
const INBOX_PAGE: i64 = 200;

#[async_trait::async_trait]
impl NotificationsPort for Core {
    async fn available_backends(&self) -> Result<Vec<BackendInfo>, AppError> {
        Ok(self
            .delivering_backends()
            .await?
            .into_iter()
            .map(|b| BackendInfo { name: b, name_display: tr(app::i18n::lang(), b.label()).into() })
            .collect())
    }

    async fn subscription(&self, session: &SessionCtx) -> Result<Subscription, AppError> {
        self.subscription_of(session.user.id).await
    }

    async fn set_subscription(
        &self,
        session: &SessionCtx,
        backends: Vec<Backend>,
    ) -> Result<Subscription, AppError> {
        self.set_subscription_of(session.user.id, backends).await
    }

    async fn inbox(&self, session: &SessionCtx) -> Result<Vec<SiteMessage>, AppError> {
        Ok(list_messages(&self.db, session.user.id, None, INBOX_PAGE, 0).await?.1)
    }

    async fn unread_count(&self, session: &SessionCtx) -> Result<u32, AppError> {
        unread(&self.db, session.user.id).await
    }

    async fn mark_read(
        &self,
        session: &SessionCtx,
        ids: Option<Vec<Uuid>>,
    ) -> Result<(), AppError> {
        mark_read(&self.db, session.user.id, ids.as_deref(), self.now()).await
    }

    async fn delete_message(&self, session: &SessionCtx, id: Uuid) -> Result<(), AppError> {
        delete_message(&self.db, session.user.id, id).await
    }
}
