//! Errors as the REST API answers them, in the shapes JumpServer (Django REST
//! framework) clients read: `{"detail": ...}` for most errors and
//! `{"field": ["message"]}` for invalid input, in the request's language.

use app::common::AppError;
use app::i18n::localize;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde_json::{json, Map, Value};

#[derive(Debug)]
pub struct ApiError {
    pub error: AppError,
    /// Overrides the error's own message (e.g. which credential was missing).
    pub detail: Option<String>,
    /// Overrides the error's own `code` where clients must tell refusals
    /// apart (a connection token that expired, was used, was revoked, ...).
    pub code: Option<&'static str>,
}

impl ApiError {
    pub fn unauthenticated(detail: &str) -> Self {
        ApiError { error: AppError::Unauthenticated, detail: Some(detail.to_owned()), code: None }
    }

    /// `error`'s status with its own message and code.
    pub fn coded(error: AppError, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError { error, detail: Some(detail.into()), code: Some(code) }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError {
            error: AppError::Invalid { message: detail.into(), fields: Default::default() },
            detail: None,
            code: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError { error, detail: None, code: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = match &self.error {
            AppError::Invalid { fields, .. } | AppError::Conflict { fields, .. }
                if !fields.is_empty() =>
            {
                let map: Map<String, Value> =
                    fields.iter().map(|(k, v)| (k.clone(), json!([localize(v)]))).collect();
                Value::Object(map)
            }
            AppError::ConfirmRequired { code } => json!({
                "type": "user_confirm_required",
                "code": code,
                "detail": self.error.to_string(),
            }),
            other => json!({
                "detail": self.detail.as_deref().map_or_else(|| other.to_string(), |d| localize(d).into_owned()),
                "code": self.code.unwrap_or_else(|| other.code()),
            }),
        };
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
