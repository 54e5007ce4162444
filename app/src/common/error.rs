//! The error every server function returns. It keeps what the user did wrong
//! (shown, with a stable code) apart from what failed inside (logged on the
//! server, shown as a generic message), and it survives the trip to the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::collections::BTreeMap;

/// Messages per form field, in the order the fields are named.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session: the client should send the person to the sign-in page.
    Unauthenticated,
    /// Credentials were checked and refused; the message says what to do.
    Denied {
        message: String,
    },
    Forbidden,
    NotFound,
    /// The input broke a rule; `fields` says which field and why.
    Invalid {
        message: String,
        fields: FieldErrors,
    },
    /// A well-formed request the current state refuses (a taken username, ...).
    Conflict {
        message: String,
        fields: FieldErrors,
    },
    /// The request came from another site or lacked a valid origin.
    CrossSite,
    /// Too many failures: the message says until when.
    RateLimited {
        message: String,
    },
    /// A sensitive action needs a fresh proof of identity first
    /// (`code` is `password` or `mfa`); the client confirms and retries.
    ConfirmRequired {
        code: String,
    },
    /// A service the server depends on (a mail server, an SMS gateway) did
    /// not do its part; the message says which and what to try.
    Unavailable {
        message: String,
    },
    /// Something broke on the server. Details are in the server log only.
    Internal,
    /// The request could not be sent or understood (network down, bad payload).
    Transport(String),
}

impl std::fmt::Display for AppError {
    /// The message in the language of the page or request (English when none).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::i18n::{localize, n_};
        let english = match self {
            AppError::Unauthenticated => n_("Please sign in."),
            AppError::Forbidden => n_("You do not have permission to do this."),
            AppError::NotFound => n_("Not found."),
            AppError::CrossSite => n_("The request was refused by the cross-site request check."),
            AppError::ConfirmRequired { .. } => n_("Confirm it is you to continue."),
            AppError::Internal => n_("Something went wrong on the server. Please try again."),
            AppError::Denied { message }
            | AppError::Invalid { message, .. }
            | AppError::Conflict { message, .. }
            | AppError::RateLimited { message }
            | AppError::Unavailable { message } => message,
            AppError::Transport(m) => {
                return f
                    .write_str(&crate::i18n::tf("Could not reach the server: {m}", &[("m", m)]))
            }
        };
        f.write_str(&localize(english))
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Invalid {
            fields: FieldErrors::from([(field.to_owned(), message.clone())]),
            message,
        }
    }

    pub fn invalid_fields(fields: FieldErrors) -> Self {
        let message = fields
            .values()
            .next()
            .cloned()
            .unwrap_or_else(|| crate::i18n::n_("The input is not valid.").to_owned());
        AppError::Invalid { message, fields }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Conflict {
            fields: FieldErrors::from([(field.to_owned(), message.clone())]),
            message,
        }
    }

    /// The message for one field, if this error names it, in the page's language.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { fields, .. } | AppError::Conflict { fields, .. } => {
                fields.get(name).map(|m| crate::i18n::localize(m).into_owned())
            }
            _ => None,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::Denied { .. } => 401,
            AppError::Forbidden | AppError::CrossSite => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 400,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited { .. } => 429,
            AppError::ConfirmRequired { .. } => 412,
            AppError::Unavailable { .. } => 503,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "not_authenticated",
            AppError::Denied { .. } => "authentication_failed",
            AppError::Forbidden => "permission_denied",
            AppError::NotFound => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::CrossSite => "csrf_failed",
            AppError::RateLimited { .. } => "throttled",
            AppError::ConfirmRequired { .. } => "user_confirm_required",
            AppError::Unavailable { .. } => "unavailable",
            AppError::Internal => "error",
            AppError::Transport(_) => "transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => {
                AppError::Transport(msg)
            }
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Invalid {
                    message: format!("The request was malformed: {msg}"),
                    fields: FieldErrors::new(),
                }
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_survive_a_json_round_trip() {
        let err = AppError::invalid("phone", "Enter the number with its country code.");
        let json = serde_json_like(&err);
        assert!(json.contains("\"kind\":\"invalid\""), "{json}");
        assert_eq!(err.field("phone").as_deref(), Some("Enter the number with its country code."));
        assert_eq!(err.status(), 400);
    }

    fn serde_json_like(err: &AppError) -> String {
        let bytes = err.ser();
        let back = AppError::de(bytes.clone());
        assert_eq!(&back, err);
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
