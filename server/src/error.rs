//! Turning failures inside the server into the error the client sees. What
//! went wrong is logged here, once; the client gets a generic message.

use app::common::AppError;
use std::fmt::Display;

/// Logs an internal failure and hides it behind `AppError::Internal`.
#[track_caller]
pub fn internal(err: impl Display) -> AppError {
    let at = std::panic::Location::caller();
    tracing::error!(error = %err, file = at.file(), line = at.line(), "internal error");
    AppError::Internal
}

/// `.or_internal()` on any result whose error is only for the log.
pub trait OrInternal<T> {
    fn or_internal(self) -> Result<T, AppError>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    #[track_caller]
    fn or_internal(self) -> Result<T, AppError> {
        match self {
            Ok(v) => Ok(v),
            Err(e) => Err(internal(e)),
        }
    }
}
