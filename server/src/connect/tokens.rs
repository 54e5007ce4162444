//! A person's connection tokens: creating one (the permission, its window,
//! the account and the protocol are checked), listing, expiring, making
//! reusable, and what clients need to use one: the connect dialog's
//! details, the `jms://` link and the `.rdp` file.

use super::grants::{self, Verdict};
use super::rdp::RdpFile;
use super::store::{self, AssetRow, TokenRow};
use crate::auth::events::{self, AuthEvent, Channel};
use crate::core::Core;
use crate::error::OrInternal;
use crate::users::store::UserRow;
use app::auth::model::{ClientInfo, SessionCtx};
use app::common::{AppError, Timestamp};
use app::connect::model::{
    methods_for, seconds_left, token_username, ConnectDetails, CreatedToken, NewToken, TokenRecord,
    ALIAS_INPUT, DATABASE_PROTOCOLS, MAX_SECRET_CHARS,
};
use app::preferences::model::Category;
use base64::Engine;
use serde_json::{json, Value};
use uuid::Uuid;

/// Characters of a token value: letters and digits, about 214 bits.
pub const VALUE_CHARS: usize = 36;
/// The largest `connect_options` object a token keeps, as JSON.
const MAX_OPTIONS_BYTES: usize = 4096;

/// A random value of [`VALUE_CHARS`] letters and digits.
pub fn new_value() -> String {
    crate::crypto::random_alphanumeric(VALUE_CHARS)
}

/// How long tokens live and whether they may be reusable (admin settings).
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub onetime_secs: i64,
    pub reusable_secs: i64,
    pub reuse_allowed: bool,
}

impl Lifetimes {
    pub fn of(&self, reusable: bool) -> i64 {
        if reusable {
            self.reusable_secs
        } else {
            self.onetime_secs
        }
    }
}

/// A line of the authentication log about a token.
pub(super) struct TokenEvent<'a> {
    pub owner: Option<&'a UserRow>,
    pub token: Option<Uuid>,
    pub success: bool,
    /// `created`, `expired`, `redeemed`, or the refusal's code.
    pub what: &'a str,
    /// The service account that redeemed or checked it.
    pub component: Option<&'a str>,
}

fn reuse_refused() -> AppError {
    AppError::invalid(
        "is_reusable",
        "Reusable connection tokens are turned off: an administrator can allow them in the security settings.",
    )
}

/// What the person typed beside the choice: the username and secret for
/// `@INPUT` (ignored for other accounts) and the connect options (a JSON
/// object, stored as text).
fn typed_inputs(
    new: &NewToken,
    account: &str,
) -> Result<(String, Option<String>, String), AppError> {
    let (input_username, input_secret) = if account == ALIAS_INPUT {
        let name = new.input_username.trim().to_owned();
        if name.is_empty() {
            return Err(AppError::invalid(
                "input_username",
                "Enter the username to sign in to the asset with.",
            ));
        }
        if name.chars().count() > 128 || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "input_username",
                "A username has at most 128 characters and no control characters.",
            ));
        }
        if new.input_secret.chars().count() > MAX_SECRET_CHARS {
            return Err(AppError::invalid("input_secret", "A secret has at most 4096 characters."));
        }
        (name, (!new.input_secret.is_empty()).then_some(new.input_secret.clone()))
    } else {
        (String::new(), None)
    };
    let options = match &new.connect_options {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => new.connect_options.clone(),
        _ => {
            return Err(AppError::invalid(
                "connect_options",
                "Send the connect options as an object.",
            ))
        }
    };
    let options = serde_json::to_string(&options).or_internal()?;
    if options.len() > MAX_OPTIONS_BYTES {
        return Err(AppError::invalid("connect_options", "The connect options are too long."));
    }
    Ok((input_username, input_secret, options))
}

impl Core {
    pub(super) async fn token_lifetimes(&self) -> Result<Lifetimes, AppError> {
        let s = self.security().await?;
        Ok(Lifetimes {
            onetime_secs: i64::from(s.connection_token_onetime_secs),
            reusable_secs: i64::from(s.connection_token_reusable_secs),
            reuse_allowed: s.connection_token_reusable,
        })
    }

    pub(super) fn token_record(
        &self,
        row: &TokenRow,
        user: &UserRow,
        asset: Option<&AssetRow>,
        now: Timestamp,
    ) -> TokenRecord {
        let expires = Timestamp::from_millis(row.date_expired);
        TokenRecord {
            id: row.id,
            user: row.user_id,
            user_display: format!("{}({})", user.name, user.username),
            asset: row.asset_id,
            asset_display: asset.map_or_else(String::new, |a| format!("{}({})", a.name, a.address)),
            account: row.account.clone(),
            input_username: row.input_username.clone(),
            protocol: row.protocol.clone(),
            connect_method: row.connect_method.clone(),
            connect_options: row.options(),
            is_reusable: row.is_reusable,
            is_active: row.is_active,
            date_expired: expires,
            date_created: Timestamp::from_millis(row.date_created),
            expire_time: seconds_left(expires, now),
            is_expired: row.expired_at(now),
            remote_addr: row.remote_addr.clone(),
        }
    }

    pub(super) fn token_value(&self, row: &TokenRow) -> Result<String, AppError> {
        let plain = self
            .sealer
            .open(&store::value_seal_context(row.id), &row.value_enc)
            .ok_or_else(|| {
                crate::error::internal(
                    "a connection token does not open with the configured secret key",
                )
            })?;
        String::from_utf8(plain).or_internal()
    }

    /// Records a token event in the authentication log: its id, never its value.
    pub(super) async fn log_token_event(
        &self,
        channel: Channel,
        client: &ClientInfo,
        event: TokenEvent<'_>,
    ) -> Result<(), AppError> {
        let token = event.token.map_or_else(|| "unknown".to_owned(), |t| t.to_string());
        let token_name = event.token.map_or_else(|| "unknown".to_owned(), token_username);
        let mut reason = format!("{} token={token}", event.what);
        if let Some(component) = event.component {
            reason.push_str(&format!(" component={component}"));
        }
        let record = AuthEvent {
            user_id: event.owner.map(|u| u.id),
            username: event.owner.map_or(token_name.as_str(), |u| u.username.as_str()),
            factor: "connection_token",
            channel,
            success: event.success,
            reason: &reason,
        };
        events::record(&self.db, record, client, self.now()).await
    }

    pub async fn create_token_for(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        new: NewToken,
    ) -> Result<CreatedToken, AppError> {
        let user = self.signed_in_user(session).await?;
        let now = self.now();
        let lifetimes = self.token_lifetimes().await?;
        if new.is_reusable && !lifetimes.reuse_allowed {
            return Err(reuse_refused());
        }
        let Some((asset, grants)) = self.permitted_asset_row(user.id, new.asset, now).await? else {
            return Err(AppError::invalid("asset", "Choose one of the assets you may use."));
        };
        let protocol = new.protocol.trim().to_ascii_lowercase();
        if !asset.speaks(&protocol) || !grants::protocol_allowed(&grants, &protocol, now) {
            return Err(AppError::invalid(
                "protocol",
                "Choose a protocol of this asset that you may use.",
            ));
        }
        let account = new.account.trim().to_owned();
        if !grants::is_alias(&account) {
            let real = store::find_account_named(&self.db, asset.id, &account).await?;
            if !real.is_some_and(|a| a.is_active) {
                return Err(AppError::invalid(
                    "account",
                    "Choose one of the accounts you may use on this asset.",
                ));
            }
        }
        if !matches!(grants::verdict(&grants, &account, &protocol, now), Verdict::Allowed(_)) {
            return Err(AppError::invalid(
                "account",
                "You may not connect with this account over this protocol.",
            ));
        }
        let method = new.connect_method.trim().to_owned();
        if !methods_for(&protocol).contains(&method.as_str()) {
            return Err(AppError::invalid(
                "connect_method",
                "Choose a way to connect that fits the protocol.",
            ));
        }
        let (input_username, input_secret, options) = typed_inputs(&new, &account)?;
        let id = Uuid::new_v4();
        let value = new_value();
        let row = TokenRow {
            id,
            user_id: user.id,
            asset_id: asset.id,
            account,
            input_username,
            input_secret_enc: input_secret
                .map(|s| self.sealer.seal(&store::input_seal_context(id), s.as_bytes())),
            protocol,
            connect_method: method,
            connect_options: options,
            is_reusable: new.is_reusable,
            is_active: true,
            date_expired: now.plus_secs(lifetimes.of(new.is_reusable)).millis(),
            date_created: now.millis(),
            remote_addr: client.ip.clone().unwrap_or_default(),
            value_enc: self.sealer.seal(&store::value_seal_context(id), value.as_bytes()),
            redeemed_at: None,
        };
        store::insert_token(&self.db, &row).await?;
        let event = TokenEvent {
            owner: Some(&user),
            token: Some(id),
            success: true,
            what: "created",
            component: None,
        };
        self.log_token_event(channel, client, event).await?;
        tracing::info!(user = %user.username, token = %id, asset = %asset.id, "connection token created");
        Ok(CreatedToken { token: self.token_record(&row, &user, Some(&asset), now), value })
    }

    async fn own_token(&self, user: &UserRow, id: Uuid) -> Result<TokenRow, AppError> {
        store::find_token(&self.db, id)
            .await?
            .filter(|t| t.user_id == user.id)
            .ok_or(AppError::NotFound)
    }

    /// One of the person's tokens that can still be used.
    async fn own_live_token(
        &self,
        user: &UserRow,
        id: Uuid,
        now: Timestamp,
    ) -> Result<TokenRow, AppError> {
        let token = self.own_token(user, id).await?;
        if !token.is_active || token.used() || token.expired_at(now) {
            return Err(AppError::NotFound);
        }
        Ok(token)
    }

    pub async fn tokens_of(&self, session: &SessionCtx) -> Result<Vec<TokenRecord>, AppError> {
        let user = self.signed_in_user(session).await?;
        let now = self.now();
        let rows = store::live_tokens_of(&self.db, user.id, now).await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in &rows {
            let asset = store::find_asset(&self.db, row.asset_id).await?;
            records.push(self.token_record(row, &user, asset.as_ref(), now));
        }
        Ok(records)
    }

    pub async fn token_of(&self, session: &SessionCtx, id: Uuid) -> Result<TokenRecord, AppError> {
        let user = self.signed_in_user(session).await?;
        let row = self.own_token(&user, id).await?;
        let asset = store::find_asset(&self.db, row.asset_id).await?;
        Ok(self.token_record(&row, &user, asset.as_ref(), self.now()))
    }

    /// Switches one of the person's tokens off at once.
    pub async fn expire_token_for(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        let user = self.signed_in_user(session).await?;
        self.own_token(&user, id).await?;
        store::expire_token(&self.db, id, self.now()).await?;
        let event = TokenEvent {
            owner: Some(&user),
            token: Some(id),
            success: true,
            what: "expired",
            component: None,
        };
        self.log_token_event(channel, client, event).await?;
        Ok(())
    }

    /// Makes a token reusable or one-time, when the administrator allows
    /// reuse; it then lives the lifetime of its kind from its creation.
    pub async fn reuse_token(
        &self,
        session: &SessionCtx,
        id: Uuid,
        reusable: bool,
    ) -> Result<TokenRecord, AppError> {
        let user = self.signed_in_user(session).await?;
        let lifetimes = self.token_lifetimes().await?;
        if !lifetimes.reuse_allowed {
            return Err(reuse_refused());
        }
        let now = self.now();
        let mut row = self.own_live_token(&user, id, now).await?;
        let expires = Timestamp::from_millis(row.date_created).plus_secs(lifetimes.of(reusable));
        store::set_token_reusable(&self.db, id, reusable, expires).await?;
        row.is_reusable = reusable;
        row.date_expired = expires.millis();
        let asset = store::find_asset(&self.db, row.asset_id).await?;
        Ok(self.token_record(&row, &user, asset.as_ref(), now))
    }

    /// The `.rdp` file of an RDP token: the asset's name and the file.
    pub async fn rdp_file_of(
        &self,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(String, String), AppError> {
        let user = self.signed_in_user(session).await?;
        let now = self.now();
        let row = self.own_live_token(&user, id, now).await?;
        let asset = store::find_asset(&self.db, row.asset_id).await?.ok_or(AppError::NotFound)?;
        let file = self.rdp_file(&user, &row, now).await?;
        Ok((asset.name, file))
    }

    async fn rdp_file(
        &self,
        user: &UserRow,
        row: &TokenRow,
        now: Timestamp,
    ) -> Result<String, AppError> {
        if row.protocol != "rdp" {
            return Err(AppError::invalid(
                "protocol",
                "Only RDP tokens have a Remote Desktop file.",
            ));
        }
        let endpoint = &self.config.endpoint;
        let grants = self.grants_for(user.id, row.asset_id).await?;
        let actions = grants::actions_for(&grants, &row.account, &row.protocol, now);
        let transfer = ["upload", "download"].iter().all(|a| actions.iter().any(|g| g == a));
        let luna = self.preferences_of(user.id, Category::Luna).await?;
        let file = RdpFile::from_preferences(
            &luna["graphics"],
            &endpoint.host,
            endpoint.rdp_port,
            &token_username(row.id),
            transfer,
        );
        Ok(file.render())
    }

    async fn client_url_for(
        &self,
        user: &UserRow,
        row: &TokenRow,
        now: Timestamp,
    ) -> Result<String, AppError> {
        let asset = store::find_asset(&self.db, row.asset_id).await?.ok_or(AppError::NotFound)?;
        let value = self.token_value(row)?;
        let endpoint = &self.config.endpoint;
        let mut payload = json!({
            "version": 2,
            "id": row.id,
            "value": value,
            "name": asset.name,
            "asset": asset.name,
            "protocol": row.protocol,
            "username": token_username(row.id),
            "connect_method": row.connect_method,
            "token": {"id": row.id, "value": value},
            "endpoint": {"host": endpoint.host, "port": endpoint.port_for(&row.protocol)},
        });
        if row.protocol == "rdp" {
            payload["file"] = json!({
                "name": format!("{}.rdp", asset.name),
                "content": self.rdp_file(user, row, now).await?,
            });
        }
        let text = serde_json::to_vec(&payload).or_internal()?;
        Ok(format!("jms://{}", base64::engine::general_purpose::STANDARD.encode(text)))
    }

    pub async fn client_url_of(&self, session: &SessionCtx, id: Uuid) -> Result<String, AppError> {
        let user = self.signed_in_user(session).await?;
        let now = self.now();
        let row = self.own_live_token(&user, id, now).await?;
        self.client_url_for(&user, &row, now).await
    }

    /// Everything the connect dialog shows for a token just created.
    pub async fn details_of(
        &self,
        session: &SessionCtx,
        created: CreatedToken,
    ) -> Result<ConnectDetails, AppError> {
        let user = self.signed_in_user(session).await?;
        let now = self.now();
        let row = self.own_live_token(&user, created.token.id, now).await?;
        let endpoint = &self.config.endpoint;
        let username = token_username(row.id);
        let port = endpoint.port_for(&row.protocol).unwrap_or(0);
        let host = endpoint.host.clone();
        let command = match row.connect_method.as_str() {
            "ssh_client" => Some(format!("ssh {username}@{host} -p {port}")),
            "sftp_client" => Some(format!("sftp -P {port} {username}@{host}")),
            _ => None,
        };
        let client_url = self.client_url_for(&user, &row, now).await?;
        let asset = store::find_asset(&self.db, row.asset_id).await?;
        Ok(ConnectDetails {
            token: self.token_record(&row, &user, asset.as_ref(), now),
            value: self.token_value(&row)?,
            host,
            port,
            username,
            command,
            database: asset
                .as_ref()
                .filter(|a| {
                    !a.db_name.is_empty() && DATABASE_PROTOCOLS.contains(&row.protocol.as_str())
                })
                .map(|a| a.db_name.clone()),
            client_url,
        })
    }
}
