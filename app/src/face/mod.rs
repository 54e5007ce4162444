//! Face recognition as a second factor: enrolling from the webcam, the
//! camera step at sign-in and in the confirmation dialog, and the admin's
//! part (clearing or enrolling a user's face, the models' state).

pub mod admin;
pub mod api;
pub mod camera;
pub mod enrol;
pub mod model;
#[cfg(feature = "ssr")]
pub mod port;
