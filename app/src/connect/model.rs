//! Assets, the accounts on them, the permissions that give people access,
//! and the connection tokens people take to connect, in JumpServer's field
//! names. The rules here run in the browser and again on the server.

use crate::common::{AppError, FieldErrors, Timestamp};
use crate::i18n::n_;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Protocols an asset may speak and the port each uses by default.
pub const PROTOCOLS: &[(&str, u16)] = &[
    ("ssh", 22),
    ("sftp", 22),
    ("telnet", 23),
    ("rdp", 3389),
    ("vnc", 5900),
    ("mysql", 3306),
    ("mariadb", 3306),
    ("postgresql", 5432),
    ("sqlserver", 1433),
    ("oracle", 1521),
    ("redis", 6379),
    ("mongodb", 27017),
];

/// Database protocols: their tokens connect through the database proxy.
pub const DATABASE_PROTOCOLS: &[&str] =
    &["mysql", "mariadb", "postgresql", "sqlserver", "oracle", "redis", "mongodb"];

/// Platforms, JumpServer's names, and what kind of asset each is.
pub const PLATFORMS: &[(&str, PlatformKind)] = &[
    ("Linux", PlatformKind::Host),
    ("Unix", PlatformKind::Host),
    ("Windows", PlatformKind::Host),
    ("MySQL", PlatformKind::Database),
    ("MariaDB", PlatformKind::Database),
    ("PostgreSQL", PlatformKind::Database),
    ("SQLServer", PlatformKind::Database),
    ("Oracle", PlatformKind::Database),
    ("Redis", PlatformKind::Database),
    ("MongoDB", PlatformKind::Database),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformKind {
    Host,
    Database,
}

/// Account names that stand for an account chosen at connect time.
pub const ALIAS_USER: &str = "@USER";
pub const ALIAS_INPUT: &str = "@INPUT";
pub const ALIAS_ANON: &str = "@ANON";
/// In a permission only: every account of the asset.
pub const ALIAS_ALL: &str = "@ALL";
pub const ALIASES: &[&str] = &[ALIAS_USER, ALIAS_INPUT, ALIAS_ANON];

/// What a permission lets its users do once connected.
pub const ACTIONS: &[&str] = &["connect", "upload", "download", "copy", "paste", "delete", "share"];

/// How a person connects with a token.
pub const CONNECT_METHODS: &[(&str, &str)] = &[
    ("ssh_client", n_("SSH client")),
    ("sftp_client", n_("SFTP client")),
    ("mstsc", n_("Remote Desktop client (mstsc)")),
    ("db_client", n_("Database client")),
    ("web_cli", n_("Web terminal")),
    ("web_sftp", n_("Web file manager")),
];

/// The methods that fit a protocol, in the order the dialog offers them.
pub fn methods_for(protocol: &str) -> &'static [&'static str] {
    match protocol {
        "ssh" | "telnet" => &["ssh_client", "web_cli"],
        "sftp" => &["sftp_client", "web_sftp"],
        "rdp" => &["mstsc"],
        "vnc" => &["web_cli"],
        p if DATABASE_PROTOCOLS.contains(&p) => &["db_client", "web_cli"],
        _ => &[],
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Protocol {
    pub name: String,
    pub port: u16,
}

/// An asset as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssetRecord {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub platform: String,
    pub protocols: Vec<Protocol>,
    pub is_active: bool,
    pub comment: String,
    /// For databases: the database clients open (may be empty).
    #[serde(default)]
    pub db_name: String,
    pub date_created: Timestamp,
}

/// Create or replace an asset (`POST`, `PUT`; `PATCH` sends only what changes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssetInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub platform: Option<String>,
    pub protocols: Option<Vec<Protocol>>,
    pub is_active: Option<bool>,
    pub comment: Option<String>,
    pub db_name: Option<String>,
}

/// A checked asset, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetValues {
    pub name: String,
    pub address: String,
    pub platform: String,
    pub protocols: Vec<Protocol>,
    pub is_active: bool,
    pub comment: String,
    pub db_name: String,
}

impl AssetInput {
    /// Applies the input over `base` (none for a new asset) and checks the result.
    pub fn resolve(self, base: Option<&AssetRecord>) -> Result<AssetValues, AppError> {
        let mut errors = FieldErrors::new();
        let name = self.name.or_else(|| base.map(|b| b.name.clone())).unwrap_or_default();
        let name = name.trim().to_owned();
        if name.is_empty() {
            errors.insert("name".into(), n_("Enter a name.").into());
        } else if name.chars().count() > 128 || name.chars().any(char::is_control) {
            errors.insert(
                "name".into(),
                n_("A name has at most 128 characters and no control characters.").into(),
            );
        }
        let address = self.address.or_else(|| base.map(|b| b.address.clone())).unwrap_or_default();
        let address = address.trim().to_owned();
        if let Err(message) = check_address(&address) {
            errors.insert("address".into(), message.into());
        }
        let platform =
            self.platform.or_else(|| base.map(|b| b.platform.clone())).unwrap_or_default();
        let platform = PLATFORMS
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(platform.trim()))
            .map(|(p, _)| (*p).to_owned());
        if platform.is_none() {
            errors.insert("platform".into(), n_("Choose a platform from the list.").into());
        }
        let protocols =
            self.protocols.or_else(|| base.map(|b| b.protocols.clone())).unwrap_or_default();
        if let Err(message) = check_protocols(&protocols) {
            errors.insert("protocols".into(), message);
        }
        let comment = self.comment.or_else(|| base.map(|b| b.comment.clone())).unwrap_or_default();
        if comment.chars().count() > 1024 {
            errors.insert("comment".into(), n_("A comment has at most 1024 characters.").into());
        }
        let db_name = self.db_name.or_else(|| base.map(|b| b.db_name.clone())).unwrap_or_default();
        let db_name = db_name.trim().to_owned();
        if db_name.chars().count() > 128 || db_name.chars().any(char::is_control) {
            errors.insert(
                "db_name".into(),
                n_("A database name has at most 128 characters and no control characters.").into(),
            );
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(AssetValues {
            name,
            address,
            platform: platform.unwrap_or_default(),
            protocols: protocols
                .into_iter()
                .map(|p| Protocol { name: p.name.trim().to_ascii_lowercase(), port: p.port })
                .collect(),
            is_active: self.is_active.or(base.map(|b| b.is_active)).unwrap_or(true),
            comment,
            db_name,
        })
    }
}

/// A host name or an IP address (v4 or v6), as a client would dial it.
pub fn check_address(address: &str) -> Result<(), &'static str> {
    if address.is_empty() {
        return Err(n_("Enter the address: a host name or an IP address."));
    }
    if address.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let host_ok = address.len() <= 253
        && address.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if host_ok {
        Ok(())
    } else {
        Err(n_("Enter a host name (like db1.example.com) or an IP address."))
    }
}

fn check_protocols(protocols: &[Protocol]) -> Result<(), String> {
    if protocols.is_empty() {
        return Err(n_("Add at least one protocol.").into());
    }
    let mut seen = Vec::new();
    for p in protocols {
        let name = p.name.trim().to_ascii_lowercase();
        if !PROTOCOLS.iter().any(|(known, _)| *known == name) {
            return Err(crate::i18n::tf("Unknown protocol {name}.", &[("name", p.name.as_str())]));
        }
        if p.port == 0 {
            return Err(crate::i18n::tf(
                "Give {name} a port from 1 to 65535.",
                &[("name", name.as_str())],
            ));
        }
        if seen.contains(&name) {
            return Err(crate::i18n::tf("{name} is listed twice.", &[("name", name.as_str())]));
        }
        seen.push(name);
    }
    Ok(())
}

/// An account on an asset. Its secret is write-only: `has_secret` tells
/// whether one is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountRecord {
    pub id: Uuid,
    pub asset: Uuid,
    pub name: String,
    pub username: String,
    /// `password` (the only kind stored for now).
    pub secret_type: String,
    pub has_secret: bool,
    pub privileged: bool,
    pub is_active: bool,
    pub date_created: Timestamp,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountInput {
    pub asset: Option<Uuid>,
    pub name: Option<String>,
    pub username: Option<String>,
    /// Write-only; `""` or `null` on PATCH clears it, leaving it out keeps it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::common::serde_helpers::double_option"
    )]
    pub secret: Option<Option<String>>,
    pub privileged: Option<bool>,
    pub is_active: Option<bool>,
}

impl std::fmt::Debug for AccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountInput")
            .field("asset", &self.asset)
            .field("name", &self.name)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Checks an account name: not an alias, 1-128 characters.
pub fn check_account_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err(n_("Enter a name."));
    }
    if name.starts_with('@') {
        return Err(n_("Names starting with @ are kept for @USER, @INPUT and @ANON."));
    }
    if name.chars().count() > 128 || name.chars().any(char::is_control) {
        return Err(n_("A name has at most 128 characters and no control characters."));
    }
    Ok(())
}

/// Who may use which assets, accounts and protocols, and do what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermissionRecord {
    pub id: Uuid,
    pub name: String,
    pub users: Vec<Uuid>,
    pub assets: Vec<Uuid>,
    /// Account names and aliases (`@ALL`, `@USER`, `@INPUT`, `@ANON`).
    pub accounts: Vec<String>,
    /// Protocol names, or `all`.
    pub protocols: Vec<String>,
    pub actions: Vec<String>,
    pub is_active: bool,
    pub date_start: Timestamp,
    pub date_expired: Timestamp,
    pub comment: String,
    pub date_created: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermissionInput {
    pub name: Option<String>,
    pub users: Option<Vec<Uuid>>,
    pub assets: Option<Vec<Uuid>>,
    pub accounts: Option<Vec<String>>,
    pub protocols: Option<Vec<String>>,
    pub actions: Option<Vec<String>>,
    pub is_active: Option<bool>,
    pub date_start: Option<Timestamp>,
    pub date_expired: Option<Timestamp>,
    pub comment: Option<String>,
}

/// What becomes of an account's stored secret.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretChange {
    Keep,
    Clear,
    Set(String),
}

impl std::fmt::Debug for SecretChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretChange::Keep => "Keep",
            SecretChange::Clear => "Clear",
            SecretChange::Set(_) => "Set(<redacted>)",
        })
    }
}

/// A checked account, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountValues {
    pub asset: Uuid,
    pub name: String,
    pub username: String,
    pub secret: SecretChange,
    pub privileged: bool,
    pub is_active: bool,
}

/// The longest secret an account may store.
pub const MAX_SECRET_CHARS: usize = 4096;

impl AccountInput {
    /// Applies the input over `base` (none for a new account) and checks it.
    pub fn resolve(self, base: Option<&AccountRecord>) -> Result<AccountValues, AppError> {
        let mut errors = FieldErrors::new();
        let asset = match (self.asset, base) {
            (Some(asset), Some(b)) if asset != b.asset => {
                errors.insert(
                    "asset".into(),
                    n_("An account stays on its asset: add a new account to the other asset.")
                        .into(),
                );
                None
            }
            (Some(asset), _) => Some(asset),
            (None, Some(b)) => Some(b.asset),
            (None, None) => {
                errors.insert("asset".into(), n_("Choose the asset.").into());
                None
            }
        };
        let name = self.name.or_else(|| base.map(|b| b.name.clone())).unwrap_or_default();
        let name = name.trim().to_owned();
        if let Err(message) = check_account_name(&name) {
            errors.insert("name".into(), message.into());
        }
        let username =
            self.username.or_else(|| base.map(|b| b.username.clone())).unwrap_or_default();
        let username = username.trim().to_owned();
        if username.is_empty() {
            errors.insert("username".into(), n_("Enter the username on the asset.").into());
        } else if username.chars().count() > 128 || username.chars().any(char::is_control) {
            errors.insert(
                "username".into(),
                n_("A username has at most 128 characters and no control characters.").into(),
            );
        }
        let secret = match self.secret {
            None => SecretChange::Keep,
            Some(None) => SecretChange::Clear,
            Some(Some(s)) if s.is_empty() => SecretChange::Clear,
            Some(Some(s)) if s.chars().count() > MAX_SECRET_CHARS => {
                errors.insert("secret".into(), n_("A secret has at most 4096 characters.").into());
                SecretChange::Keep
            }
            Some(Some(s)) => SecretChange::Set(s),
        };
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(AccountValues {
            asset: asset.unwrap_or_default(),
            name,
            username,
            secret,
            privileged: self.privileged.or(base.map(|b| b.privileged)).unwrap_or(false),
            is_active: self.is_active.or(base.map(|b| b.is_active)).unwrap_or(true),
        })
    }
}

/// A permission lasts this long unless an end is given (as in JumpServer).
pub const DEFAULT_PERMISSION_SECS: i64 = 70 * 365 * 24 * 3600;

/// A checked permission, ready to store (whether its users and assets
/// exist is the server's to check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionValues {
    pub name: String,
    pub users: Vec<Uuid>,
    pub assets: Vec<Uuid>,
    pub accounts: Vec<String>,
    pub protocols: Vec<String>,
    pub actions: Vec<String>,
    pub is_active: bool,
    pub date_start: Timestamp,
    pub date_expired: Timestamp,
    pub comment: String,
}

fn distinct<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

impl PermissionInput {
    /// Applies the input over `base` (none for a new permission) and checks
    /// it; a new permission starts `now` and lasts 70 years by default.
    pub fn resolve(
        self,
        base: Option<&PermissionRecord>,
        now: Timestamp,
    ) -> Result<PermissionValues, AppError> {
        let mut errors = FieldErrors::new();
        let name = self.name.or_else(|| base.map(|b| b.name.clone())).unwrap_or_default();
        let name = name.trim().to_owned();
        if name.is_empty() {
            errors.insert("name".into(), n_("Enter a name.").into());
        } else if name.chars().count() > 128 || name.chars().any(char::is_control) {
            errors.insert(
                "name".into(),
                n_("A name has at most 128 characters and no control characters.").into(),
            );
        }
        let users =
            distinct(self.users.or_else(|| base.map(|b| b.users.clone())).unwrap_or_default());
        let assets =
            distinct(self.assets.or_else(|| base.map(|b| b.assets.clone())).unwrap_or_default());
        let accounts = self
            .accounts
            .or_else(|| base.map(|b| b.accounts.clone()))
            .unwrap_or_else(|| vec![ALIAS_ALL.to_owned()]);
        let accounts = distinct(accounts.into_iter().map(|a| a.trim().to_owned()).collect());
        if let Some(bad) = accounts.iter().find(|a| {
            a.as_str() != ALIAS_ALL
                && !ALIASES.contains(&a.as_str())
                && check_account_name(a).is_err()
        }) {
            errors.insert(
                "accounts".into(),
                crate::i18n::tf(
                    "{bad} is neither an account name nor one of @ALL, @USER, @INPUT and @ANON.",
                    &[("bad", bad.as_str())],
                ),
            );
        }
        let protocols = self
            .protocols
            .or_else(|| base.map(|b| b.protocols.clone()))
            .unwrap_or_else(|| vec!["all".to_owned()]);
        let protocols =
            distinct(protocols.into_iter().map(|p| p.trim().to_ascii_lowercase()).collect());
        if protocols.is_empty() {
            errors.insert("protocols".into(), n_("Choose at least one protocol, or all.").into());
        } else if let Some(bad) =
            protocols.iter().find(|p| p.as_str() != "all" && !PROTOCOLS.iter().any(|(k, _)| k == p))
        {
            errors.insert(
                "protocols".into(),
                crate::i18n::tf("Unknown protocol {name}.", &[("name", bad.as_str())]),
            );
        }
        let actions = self
            .actions
            .or_else(|| base.map(|b| b.actions.clone()))
            .unwrap_or_else(|| ACTIONS.iter().map(|a| (*a).to_owned()).collect());
        let actions =
            distinct(actions.into_iter().map(|a| a.trim().to_ascii_lowercase()).collect());
        if actions.is_empty() {
            errors.insert("actions".into(), n_("Choose at least one action.").into());
        } else if let Some(bad) = actions.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
            errors.insert(
                "actions".into(),
                crate::i18n::tf("Unknown action {name}.", &[("name", bad.as_str())]),
            );
        }
        let date_start = self.date_start.or(base.map(|b| b.date_start)).unwrap_or(now);
        let date_expired = self
            .date_expired
            .or(base.map(|b| b.date_expired))
            .unwrap_or_else(|| date_start.plus_secs(DEFAULT_PERMISSION_SECS));
        if date_expired <= date_start {
            errors.insert("date_expired".into(), n_("The end must come after the start.").into());
        }
        let comment = self.comment.or_else(|| base.map(|b| b.comment.clone())).unwrap_or_default();
        if comment.chars().count() > 1024 {
            errors.insert("comment".into(), n_("A comment has at most 1024 characters.").into());
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(PermissionValues {
            name,
            users,
            assets,
            accounts,
            protocols,
            actions,
            is_active: self.is_active.or(base.map(|b| b.is_active)).unwrap_or(true),
            date_start,
            date_expired,
            comment,
        })
    }
}

/// An account as the person who may use it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermedAccount {
    /// The account's id, or the alias for `@USER`/`@INPUT`/`@ANON`.
    pub id: String,
    pub name: String,
    /// The login name on the asset (`@USER`: the person's own username;
    /// `@INPUT` and `@ANON`: empty).
    pub username: String,
    pub alias: String,
    pub has_secret: bool,
    pub actions: Vec<String>,
}

/// An asset the person may use, as `GET /api/v1/perms/users/self/assets/` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermedAsset {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub platform: String,
    pub protocols: Vec<Protocol>,
    pub is_active: bool,
    pub comment: String,
}

/// One asset with what the person may use on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PermedAssetDetail {
    #[serde(flatten)]
    pub asset: PermedAsset,
    pub permed_accounts: Vec<PermedAccount>,
    pub permed_protocols: Vec<Protocol>,
}

/// `POST /api/v1/authentication/connection-token/`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewToken {
    pub asset: Uuid,
    /// An account name, or an alias.
    pub account: String,
    pub protocol: String,
    pub connect_method: String,
    #[serde(default)]
    pub input_username: String,
    /// For `@INPUT`: the secret the person typed; given to the component only.
    #[serde(default)]
    pub input_secret: String,
    #[serde(default)]
    pub is_reusable: bool,
    /// Overrides of the person's preferences for this connection.
    #[serde(default)]
    pub connect_options: Value,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("asset", &self.asset)
            .field("account", &self.account)
            .field("protocol", &self.protocol)
            .field("connect_method", &self.connect_method)
            .field("is_reusable", &self.is_reusable)
            .finish_non_exhaustive()
    }
}

/// A connection token as its owner sees it (never its value, but on create).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenRecord {
    pub id: Uuid,
    pub user: Uuid,
    pub user_display: String,
    pub asset: Uuid,
    pub asset_display: String,
    pub account: String,
    pub input_username: String,
    pub protocol: String,
    pub connect_method: String,
    pub connect_options: Value,
    pub is_reusable: bool,
    pub is_active: bool,
    pub date_expired: Timestamp,
    pub date_created: Timestamp,
    /// Seconds left before it expires (0 once expired).
    pub expire_time: i64,
    pub is_expired: bool,
    pub remote_addr: String,
}

/// The create response: the record and, this once, the value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenRecord,
    pub value: String,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken").field("token", &self.token).finish_non_exhaustive()
    }
}

/// What the connect dialog shows for a new token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectDetails {
    pub token: TokenRecord,
    /// The token value: the password the client types.
    pub value: String,
    /// Where clients connect: the bastion's SSH, RDP or database endpoint.
    pub host: String,
    pub port: u16,
    /// `JMS-<token id>`.
    pub username: String,
    /// The ssh/sftp command line, for those methods.
    pub command: Option<String>,
    /// The database to open (the account's default, if any).
    pub database: Option<String>,
    /// `jms://` + base64 JSON, for the JumpServer client.
    pub client_url: String,
}

impl std::fmt::Debug for ConnectDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectDetails").field("token", &self.token).finish_non_exhaustive()
    }
}

/// The bastion's own login name for a token.
pub fn token_username(id: Uuid) -> String {
    format!("JMS-{id}")
}

/// Seconds from `now` to `expires`, never negative.
pub fn seconds_left(expires: Timestamp, now: Timestamp) -> i64 {
    ((expires.millis() - now.millis()) / 1000).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_host_names_or_ip_addresses() {
        assert!(check_address("10.0.0.5").is_ok());
        assert!(check_address("fe80::1").is_ok());
        assert!(check_address("db-1.example.com").is_ok());
        assert!(check_address("").is_err());
        assert!(check_address("bad host").is_err());
        assert!(check_address("-x.example.com").is_err());
        assert!(check_address("a..b").is_err());
    }

    #[test]
    fn an_asset_needs_known_platform_and_distinct_protocols() {
        let input = AssetInput {
            name: Some(" web1 ".into()),
            address: Some("10.0.0.1".into()),
            platform: Some("linux".into()),
            protocols: Some(vec![Protocol { name: "SSH".into(), port: 22 }]),
            ..Default::default()
        };
        let values = input.clone().resolve(None).unwrap();
        assert_eq!(values.name, "web1");
        assert_eq!(values.platform, "Linux");
        assert_eq!(values.protocols[0].name, "ssh");
        assert!(values.is_active);

        let twice = AssetInput {
            protocols: Some(vec![
                Protocol { name: "ssh".into(), port: 22 },
                Protocol { name: "ssh".into(), port: 2222 },
            ]),
            ..input.clone()
        };
        assert!(twice.resolve(None).unwrap_err().field("protocols").is_some());
        let unknown = AssetInput { platform: Some("Amiga".into()), ..input };
        assert!(unknown.resolve(None).unwrap_err().field("platform").is_some());
    }

    #[test]
    fn accounts_need_an_asset_a_name_and_a_username() {
        let asset = Uuid::from_u128(1);
        let input = AccountInput {
            asset: Some(asset),
            name: Some(" root ".into()),
            username: Some("root".into()),
            secret: Some(Some("s3cret".into())),
            ..Default::default()
        };
        let values = input.clone().resolve(None).unwrap();
        assert_eq!(
            (values.name.as_str(), values.secret),
            ("root", SecretChange::Set("s3cret".into()))
        );
        assert!(values.is_active && !values.privileged);
        let alias = AccountInput { name: Some("@USER".into()), ..input.clone() };
        assert!(alias.resolve(None).unwrap_err().field("name").is_some());
        let none = AccountInput::default().resolve(None).unwrap_err();
        for field in ["asset", "name", "username"] {
            assert!(none.field(field).is_some(), "{field}");
        }
        let record = AccountRecord {
            id: Uuid::from_u128(2),
            asset,
            name: "root".into(),
            username: "root".into(),
            secret_type: "password".into(),
            has_secret: true,
            privileged: false,
            is_active: true,
            date_created: Timestamp::from_millis(0),
        };
        let keep = AccountInput { username: Some("admin".into()), ..Default::default() };
        assert_eq!(keep.resolve(Some(&record)).unwrap().secret, SecretChange::Keep);
        let clear = AccountInput { secret: Some(None), ..Default::default() };
        assert_eq!(clear.resolve(Some(&record)).unwrap().secret, SecretChange::Clear);
        let moved = AccountInput { asset: Some(Uuid::from_u128(3)), ..Default::default() };
        assert!(moved.resolve(Some(&record)).unwrap_err().field("asset").is_some());
    }

    #[test]
    fn permissions_default_like_jumpserver_and_check_their_lists() {
        let now = Timestamp::from_millis(1_000_000);
        let values = PermissionInput { name: Some("ops".into()), ..Default::default() }
            .resolve(None, now)
            .unwrap();
        assert_eq!(values.accounts, ["@ALL"]);
        assert_eq!(values.protocols, ["all"]);
        assert_eq!(values.actions.len(), ACTIONS.len());
        assert_eq!(values.date_start, now);
        assert_eq!(values.date_expired, now.plus_secs(DEFAULT_PERMISSION_SECS));
        let bad = PermissionInput {
            name: Some("ops".into()),
            accounts: Some(vec!["@SOMEONE".into()]),
            protocols: Some(vec!["gopher".into()]),
            actions: Some(vec!["fly".into()]),
            date_start: Some(now),
            date_expired: Some(now),
            ..Default::default()
        };
        let err = bad.resolve(None, now).unwrap_err();
        for field in ["accounts", "protocols", "actions", "date_expired"] {
            assert!(err.field(field).is_some(), "{field}");
        }
        let ok = PermissionInput {
            name: Some("ops".into()),
            accounts: Some(vec!["root".into(), "@INPUT".into(), "root".into()]),
            protocols: Some(vec!["SSH".into()]),
            ..Default::default()
        };
        let values = ok.resolve(None, now).unwrap();
        assert_eq!(values.accounts, ["root", "@INPUT"]);
        assert_eq!(values.protocols, ["ssh"]);
    }

    #[test]
    fn methods_follow_the_protocol() {
        assert_eq!(methods_for("ssh"), ["ssh_client", "web_cli"]);
        assert_eq!(methods_for("rdp"), ["mstsc"]);
        assert_eq!(methods_for("postgresql")[0], "db_client");
        assert!(methods_for("gopher").is_empty());
    }
}
