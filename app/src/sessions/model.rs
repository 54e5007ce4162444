//! Where an account is signed in: browser sessions and API tokens.

use crate::common::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum SessionKind {
    /// A signed-in browser.
    Browser,
    /// A Bearer token from `POST /api/v1/authentication/auth/`.
    ApiToken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    pub kind: SessionKind,
    pub date_created: Timestamp,
    /// Browsers only (tokens are not tracked per request).
    pub last_active: Option<Timestamp>,
    pub date_expired: Timestamp,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session this list was asked from.
    pub is_current: bool,
}
