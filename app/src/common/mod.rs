//! Pieces every feature uses: the error type that crosses the wire, input
//! newtypes validated the same way in the browser and on the server, and time.

pub mod error;
pub mod ip;
pub mod serde_helpers;
pub mod timestamp;
pub mod validate;

pub use error::{AppError, FieldErrors};
pub use timestamp::Timestamp;
