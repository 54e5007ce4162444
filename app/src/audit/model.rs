use crate::common::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One authentication attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthEventRecord {
    pub id: Uuid,
    pub datetime: Timestamp,
    pub user_id: Option<Uuid>,
    pub username: String,
    /// `password`, `otp`, `recovery`, ...
    pub factor: String,
    /// `browser` or `api`
    pub channel: String,
    pub status: bool,
    /// Why it failed (`bad_credentials`, `blocked`, ...); empty on success.
    pub reason: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct AuthEventQuery {
    /// Part of a username.
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub offset: u64,
    #[serde(default = "AuthEventQuery::default_limit")]
    pub limit: u64,
}

impl AuthEventQuery {
    fn default_limit() -> u64 {
        50
    }

    pub fn bounded_limit(&self) -> u64 {
        self.limit.clamp(1, 200)
    }
}
