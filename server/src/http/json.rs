//! A JSON body extractor whose rejections are API errors with a clear
//! message, instead of axum's plain-text ones.

use super::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::bad_request(
                "Send the body as JSON with Content-Type: application/json.",
            )),
            Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(ApiError::bad_request("The body is not valid JSON."))
            }
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                let reason = text.trim_start_matches(
                    "Failed to deserialize the JSON body into the target type: ",
                );
                Err(ApiError::bad_request(format!(
                    "The body does not have the expected fields: {reason}"
                )))
            }
            Err(_) => Err(ApiError::bad_request("The request body could not be read.")),
        }
    }
}
