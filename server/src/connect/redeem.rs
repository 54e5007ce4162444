//! Components (SSH terminal, RDP gateway, database proxy) redeem connection
//! tokens with their service account's access key: the secret (once, for a
//! one-time token), a check that consumes nothing, and renewal. Every
//! refusal has its own code, and every redemption attempt is logged.

use super::grants::{self, Verdict};
use super::store::{self, AccountRow, AssetRow, TokenRow};
use super::tokens::TokenEvent;
use crate::auth::events::Channel;
use crate::core::Core;
use crate::error::OrInternal;
use crate::users::store::UserRow;
use app::auth::model::ClientInfo;
use app::auth::CurrentUser;
use app::common::{AppError, Timestamp};
use app::connect::model::{seconds_left, Protocol, ALIAS_INPUT, ALIAS_USER};
use app::preferences::model::Category;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Why a token was refused to a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    /// The value does not match.
    Invalid,
    /// Its owner expired it.
    Revoked,
    /// A one-time token that was redeemed already.
    Used,
    Expired,
    /// Its owner's account is disabled or has expired.
    UserInvalid,
    AssetInactive,
    /// The account on the asset is gone or switched off.
    AccountInvalid,
    /// No permission allows it any more.
    PermissionDenied,
    /// The permission that allowed it has ended.
    PermissionExpired,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotFound => "token_not_found",
            Refusal::Invalid => "token_invalid",
            Refusal::Revoked => "token_revoked",
            Refusal::Used => "token_used",
            Refusal::Expired => "token_expired",
            Refusal::UserInvalid => "user_invalid",
            Refusal::AssetInactive => "asset_inactive",
            Refusal::AccountInvalid => "account_invalid",
            Refusal::PermissionDenied => "permission_denied",
            Refusal::PermissionExpired => "permission_expired",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotFound => "No such connection token.",
            Refusal::Invalid => "The connection token's value is wrong.",
            Refusal::Revoked => "The connection token was revoked.",
            Refusal::Used => "The one-time connection token was used already.",
            Refusal::Expired => "The connection token has expired.",
            Refusal::UserInvalid => "The token's owner is disabled or has expired.",
            Refusal::AssetInactive => "The asset is inactive.",
            Refusal::AccountInvalid => "The account on the asset no longer exists or is inactive.",
            Refusal::PermissionDenied => "No permission allows this connection any more.",
            Refusal::PermissionExpired => {
                "The permission that allowed this connection has expired."
            }
        }
    }

    /// The error whose HTTP status the refusal answers with.
    pub fn error(self) -> AppError {
        match self {
            Refusal::NotFound => AppError::NotFound,
            Refusal::Invalid => {
                AppError::Invalid { message: self.message().into(), fields: Default::default() }
            }
            _ => AppError::Forbidden,
        }
    }
}

#[derive(Debug)]
pub enum RedeemError {
    Refused(Refusal),
    Failed(AppError),
}

impl From<AppError> for RedeemError {
    fn from(e: AppError) -> Self {
        RedeemError::Failed(e)
    }
}

impl From<Refusal> for RedeemError {
    fn from(r: Refusal) -> Self {
        RedeemError::Refused(r)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SecretUser {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SecretAsset {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub platform: String,
    pub protocols: Vec<Protocol>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SecretAccount {
    /// The account's id; none for `@USER`, `@INPUT` and `@ANON`.
    pub id: Option<Uuid>,
    /// The account's name or the alias.
    pub name: String,
    /// The login name on the asset.
    pub username: String,
    pub secret_type: String,
    /// The stored secret, the one typed for `@INPUT`, or none.
    pub secret: Option<String>,
    pub privileged: bool,
}

impl std::fmt::Debug for SecretAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretAccount").field("name", &self.name).finish_non_exhaustive()
    }
}

/// `POST /api/v1/authentication/super-connection-token/secret/`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenSecret {
    pub id: Uuid,
    pub user: SecretUser,
    pub asset: SecretAsset,
    pub account: SecretAccount,
    pub protocol: String,
    pub connect_method: String,
    /// The person's terminal preferences, overridden by the token's own.
    pub connect_options: Value,
    /// What the permission allows once connected.
    pub actions: Vec<String>,
    /// When the token expires, in seconds since the epoch.
    pub expire_at: i64,
    pub date_expired: Timestamp,
    pub is_reusable: bool,
}

/// `POST /api/v1/authentication/super-connection-token/check/`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenCheck {
    pub id: Uuid,
    pub is_valid: bool,
    pub is_reusable: bool,
    pub expire_at: i64,
    /// Seconds left.
    pub expire_time: i64,
    pub actions: Vec<String>,
}

/// `PATCH /api/v1/authentication/super-connection-token/renewal/`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenRenewal {
    pub ok: bool,
    pub msg: String,
    pub date_expired: Timestamp,
    pub expire_at: i64,
}

/// A token that passed every check at `now`.
struct Live {
    token: TokenRow,
    owner: UserRow,
    asset: AssetRow,
    account: Option<AccountRow>,
    actions: Vec<String>,
}

impl Core {
    /// The token `id` (as the component sent it) and its owner.
    async fn token_and_owner(
        &self,
        id: &str,
    ) -> Result<Option<(TokenRow, Option<UserRow>)>, AppError> {
        let Ok(id) = Uuid::parse_str(id.trim()) else { return Ok(None) };
        let Some(token) = store::find_token(&self.db, id).await? else { return Ok(None) };
        let owner = crate::users::store::find_by_id(&self.db, token.user_id).await?;
        Ok(Some((token, owner)))
    }

    /// Every check, in a fixed order; the permission is asked again, as it
    /// may have changed since the token was made. `value` is checked when given.
    async fn inspect(
        &self,
        token: TokenRow,
        owner: Option<UserRow>,
        value: Option<&str>,
        now: Timestamp,
    ) -> Result<Live, RedeemError> {
        if let Some(value) = value {
            let stored = self.token_value(&token)?;
            if !crate::crypto::constant_time_eq(stored.as_bytes(), value.as_bytes()) {
                return Err(Refusal::Invalid.into());
            }
        }
        if !token.is_active {
            return Err(Refusal::Revoked.into());
        }
        if token.used() {
            return Err(Refusal::Used.into());
        }
        if token.expired_at(now) {
            return Err(Refusal::Expired.into());
        }
        let owner = owner.filter(|u| u.usable_at(now)).ok_or(Refusal::UserInvalid)?;
        let asset = store::find_asset(&self.db, token.asset_id)
            .await?
            .filter(|a| a.is_active)
            .ok_or(Refusal::AssetInactive)?;
        if !asset.speaks(&token.protocol) {
            return Err(Refusal::PermissionDenied.into());
        }
        let account = if grants::is_alias(&token.account) {
            None
        } else {
            let found = store::find_account_named(&self.db, asset.id, &token.account).await?;
            Some(found.filter(|a| a.is_active).ok_or(Refusal::AccountInvalid)?)
        };
        let grants = self.grants_for(owner.id, asset.id).await?;
        let actions = match grants::verdict(&grants, &token.account, &token.protocol, now) {
            Verdict::Allowed(actions) => actions,
            Verdict::Expired => return Err(Refusal::PermissionExpired.into()),
            Verdict::Denied => return Err(Refusal::PermissionDenied.into()),
        };
        Ok(Live { token, owner, asset, account, actions })
    }

    fn open_secret(&self, context: &str, sealed: Option<&str>) -> Result<Option<String>, AppError> {
        let Some(sealed) = sealed else { return Ok(None) };
        let plain = self.sealer.open(context, sealed).ok_or_else(|| {
            crate::error::internal("a stored secret does not open with the configured secret key")
        })?;
        String::from_utf8(plain).map(Some).or_internal()
    }

    /// The person's terminal preferences, with the token's options over them.
    async fn connect_options(&self, user: Uuid, token: &TokenRow) -> Result<Value, AppError> {
        let luna = self.preferences_of(user, Category::Luna).await?;
        let koko = self.preferences_of(user, Category::Koko).await?;
        let mut options = Map::new();
        for group in [&luna["graphics"], &luna["command_line"], &koko["basic"]] {
            if let Some(values) = group.as_object() {
                options.extend(values.clone());
            }
        }
        if let Value::Object(own) = token.options() {
            options.extend(own);
        }
        Ok(Value::Object(options))
    }

    async fn secret_of(&self, live: &Live) -> Result<TokenSecret, AppError> {
        let token = &live.token;
        let account = match &live.account {
            Some(a) => SecretAccount {
                id: Some(a.id),
                name: a.name.clone(),
                username: a.username.clone(),
                secret_type: a.secret_type.clone(),
                secret: self
                    .open_secret(&store::account_seal_context(a.id), a.secret_enc.as_deref())?,
                privileged: a.privileged,
            },
            None => SecretAccount {
                id: None,
                name: token.account.clone(),
                username: match token.account.as_str() {
                    ALIAS_USER => live.owner.username.clone(),
                    ALIAS_INPUT => token.input_username.clone(),
                    _ => String::new(),
                },
                secret_type: "password".into(),
                secret: if token.account == ALIAS_INPUT {
                    self.open_secret(
                        &store::input_seal_context(token.id),
                        token.input_secret_enc.as_deref(),
                    )?
                } else {
                    None
                },
                privileged: false,
            },
        };
        let asset = &live.asset;
        Ok(TokenSecret {
            id: token.id,
            user: SecretUser {
                id: live.owner.id,
                username: live.owner.username.clone(),
                name: live.owner.name.clone(),
                email: live.owner.email.clone(),
            },
            asset: SecretAsset {
                id: asset.id,
                name: asset.name.clone(),
                address: asset.address.clone(),
                platform: asset.platform.clone(),
                protocols: asset.protocols(),
            },
            account,
            protocol: token.protocol.clone(),
            connect_method: token.connect_method.clone(),
            connect_options: self.connect_options(live.owner.id, token).await?,
            actions: live.actions.clone(),
            expire_at: token.date_expired / 1000,
            date_expired: Timestamp::from_millis(token.date_expired),
            is_reusable: token.is_reusable,
        })
    }

    /// Logs an attempt; a failure to log fails the attempt.
    async fn log_attempt<T>(
        &self,
        component: &CurrentUser,
        client: &ClientInfo,
        found: Option<(Uuid, Option<&UserRow>)>,
        done: &str,
        outcome: &Result<T, RedeemError>,
    ) -> Result<(), AppError> {
        let what = match outcome {
            Ok(_) => done,
            Err(RedeemError::Refused(r)) => r.code(),
            Err(RedeemError::Failed(_)) => "error",
        };
        let event = TokenEvent {
            owner: found.and_then(|(_, owner)| owner),
            token: found.map(|(id, _)| id),
            success: outcome.is_ok(),
            what,
            component: Some(&component.username),
        };
        self.log_token_event(Channel::Api, client, event).await
    }

    /// The token's secret for a component. A one-time token works once:
    /// of concurrent redemptions, on any instance, exactly one succeeds.
    pub async fn redeem_token(
        &self,
        component: &CurrentUser,
        client: &ClientInfo,
        id: &str,
        value: &str,
    ) -> Result<TokenSecret, RedeemError> {
        let now = self.now();
        let Some((token, owner)) = self.token_and_owner(id).await? else {
            let refused: Result<TokenSecret, RedeemError> = Err(Refusal::NotFound.into());
            self.log_attempt(component, client, None, "", &refused).await?;
            return refused;
        };
        let (token_id, kept_owner) = (token.id, owner.clone());
        let outcome = match self.inspect(token, owner, Some(value), now).await {
            Ok(live) => {
                let won = if live.token.is_reusable {
                    store::note_redeemed(&self.db, live.token.id, now).await?;
                    true
                } else {
                    store::redeem_once(&self.db, live.token.id, now).await?
                };
                if won {
                    self.secret_of(&live).await.map_err(RedeemError::from)
                } else {
                    Err(Refusal::Used.into())
                }
            }
            Err(e) => Err(e),
        };
        let found = Some((token_id, kept_owner.as_ref()));
        self.log_attempt(component, client, found, "redeemed", &outcome).await?;
        if outcome.is_ok() {
            tracing::info!(token = %token_id, component = %component.username, "connection token redeemed");
        }
        outcome
    }

    /// Whether the token would be accepted now; consumes nothing.
    pub async fn check_token(&self, id: &str) -> Result<TokenCheck, RedeemError> {
        let now = self.now();
        let (token, owner) = self.token_and_owner(id).await?.ok_or(Refusal::NotFound)?;
        let live = self.inspect(token, owner, None, now).await?;
        let expires = Timestamp::from_millis(live.token.date_expired);
        Ok(TokenCheck {
            id: live.token.id,
            is_valid: true,
            is_reusable: live.token.is_reusable,
            expire_at: expires.millis() / 1000,
            expire_time: seconds_left(expires, now),
            actions: live.actions,
        })
    }

    /// Extends a token still in use by its lifetime, from now.
    pub async fn renew_token(
        &self,
        component: &CurrentUser,
        client: &ClientInfo,
        id: &str,
    ) -> Result<TokenRenewal, RedeemError> {
        let now = self.now();
        let (token, owner) = self.token_and_owner(id).await?.ok_or(Refusal::NotFound)?;
        let (token_id, kept_owner) = (token.id, owner.clone());
        let outcome = match self.inspect(token, owner, None, now).await {
            Ok(live) => {
                let lifetimes = self.token_lifetimes().await?;
                let expires = now.plus_secs(lifetimes.of(live.token.is_reusable));
                store::renew_token(&self.db, live.token.id, expires).await?;
                let at = expires.to_rfc3339();
                Ok(TokenRenewal {
                    ok: true,
                    msg: format!("The token now expires at {at}."),
                    date_expired: expires,
                    expire_at: expires.millis() / 1000,
                })
            }
            Err(e) => Err(e),
        };
        let found = Some((token_id, kept_owner.as_ref()));
        self.log_attempt(component, client, found, "renewed", &outcome).await?;
        outcome
    }
}
