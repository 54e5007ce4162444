//! What the face pages and the server say to each other. No image is kept:
//! frames are checked in memory and only an averaged template is stored.

use crate::i18n::n_;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a face attempt is for; each is checked against a different state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacePurpose {
    /// The MFA step of sign-in.
    Login,
    /// Re-authentication before a sensitive action.
    Confirm,
    /// Recording the signed-in person's face (after a confirmation).
    Enrol,
    /// An administrator records the face of the user `FaceStart::user`.
    AdminEnrol,
}

impl FacePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            FacePurpose::Login => "login",
            FacePurpose::Confirm => "confirm",
            FacePurpose::Enrol => "enrol",
            FacePurpose::AdminEnrol => "admin_enrol",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "login" => Some(FacePurpose::Login),
            "confirm" => Some(FacePurpose::Confirm),
            "enrol" | "enroll" => Some(FacePurpose::Enrol),
            "admin_enrol" => Some(FacePurpose::AdminEnrol),
            _ => None,
        }
    }

    pub fn enrols(self) -> bool {
        matches!(self, FacePurpose::Enrol | FacePurpose::AdminEnrol)
    }
}

/// Rules of face attempts that do not change with settings.
pub struct FaceRules;

impl FaceRules {
    /// An attempt (its challenge) lives this long and is used once.
    pub const ATTEMPT_SECS: u32 = 30;
    /// Frames with a usable face an enrolment averages.
    pub const ENROL_FRAMES: u32 = 5;
    /// Usable frames that do not match before an attempt fails (and counts
    /// as one failed try towards the lockout).
    pub const MAX_MISMATCHES: u32 = 6;
    /// Frames one attempt may send at all.
    pub const MAX_FRAMES: u32 = 90;
    /// The liveness signal: at least this many usable frames, over at
    /// least [`FaceRules::LIVENESS_SPAN_MS`], that are not copies of each
    /// other (landmarks and embedding vary as they do in a live picture).
    pub const LIVENESS_FRAMES: u32 = 3;
    pub const LIVENESS_SPAN_MS: i64 = 600;
    /// How often the page sends a frame.
    pub const FRAME_INTERVAL_MS: u32 = 300;
    /// The largest frame accepted, in bytes of JPEG.
    pub const MAX_FRAME_BYTES: usize = 2 * 1024 * 1024;
}

/// A new attempt: the page sends frames bound to `challenge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceStart {
    pub challenge: String,
    pub expires_in_secs: u32,
    /// Usable frames an enrolment needs (0 for a verification).
    pub frames_needed: u32,
    pub frame_interval_ms: u32,
}

/// What the page tells the person after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceHint {
    NoFace,
    SeveralFaces,
    Closer,
    Farther,
    MoreLight,
    LookStraight,
    Center,
    /// A usable face: keep still while more frames are taken.
    Hold,
    /// The face does not match the enrolled one.
    NoMatch,
    /// Enrolment saw a different person than in its first frames.
    OtherPerson,
    /// Frames came in identical: not a live picture.
    Frozen,
    Matched,
    Enrolled,
    /// The attempt's 30 seconds are over.
    Expired,
    /// The attempt failed (too many frames that did not match).
    Failed,
}

impl FaceHint {
    /// The guidance shown under the preview, in English; show it with
    /// `crate::i18n::t`.
    pub fn message(self) -> &'static str {
        match self {
            FaceHint::NoFace => n_("No face found. Look at the camera."),
            FaceHint::SeveralFaces => n_("More than one face is in view. Only you, please."),
            FaceHint::Closer => n_("Come a little closer."),
            FaceHint::Farther => n_("Move back a little."),
            FaceHint::MoreLight => n_("Your face is too dark. Find more light."),
            FaceHint::LookStraight => n_("Look straight at the camera."),
            FaceHint::Center => n_("Move your face into the outline."),
            FaceHint::Hold => n_("Good. Hold still…"),
            FaceHint::NoMatch => n_("This face does not match. Look straight at the camera."),
            FaceHint::OtherPerson => n_("A different face appeared. Start again with only you in view."),
            FaceHint::Frozen => n_("The picture is not moving. A live camera is needed."),
            FaceHint::Matched => n_("Face recognised."),
            FaceHint::Enrolled => n_("Your face is saved."),
            FaceHint::Expired => n_("Time is up: no matching face within 30 seconds. Try again or choose another method."),
            FaceHint::Failed => n_("The face did not match. Try again or choose another method."),
        }
    }

    /// The attempt is over after this hint.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            FaceHint::Matched
                | FaceHint::Enrolled
                | FaceHint::Expired
                | FaceHint::Failed
                | FaceHint::OtherPerson
        )
    }

    pub fn is_success(self) -> bool {
        matches!(self, FaceHint::Matched | FaceHint::Enrolled)
    }
}

/// The server's answer to one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceFrame {
    pub hint: FaceHint,
    /// The face found, as fractions of the frame (x, y, width, height), for
    /// drawing it over the preview.
    pub face: Option<[f32; 4]>,
    /// Usable frames so far, and how many are needed.
    pub progress: u32,
    pub needed: u32,
}

/// Whether the face models are usable on this server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FaceEngineState {
    /// Not needed yet: the models load on first use.
    NotLoaded,
    Loading,
    Ready {
        load_ms: u64,
    },
    /// A model file is missing: the method is off until it is installed.
    Missing {
        path: String,
    },
    Failed {
        reason: String,
    },
}

/// Face recognition as the admin settings page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceAdminStatus {
    pub engine: FaceEngineState,
    pub models_dir: String,
    pub enrolled_users: u64,
}

/// A user's face, for the profile and the admin's user panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceStatus {
    pub user: Uuid,
    /// An administrator turned face recognition on and the models work.
    pub offered: bool,
    pub enrolled: bool,
    pub enrolled_at: Option<crate::common::Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_through_their_names() {
        for p in
            [FacePurpose::Login, FacePurpose::Confirm, FacePurpose::Enrol, FacePurpose::AdminEnrol]
        {
            assert_eq!(FacePurpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(FacePurpose::parse("selfie"), None);
    }

    #[test]
    fn only_outcomes_end_an_attempt() {
        assert!(FaceHint::Matched.is_final() && FaceHint::Matched.is_success());
        assert!(FaceHint::Expired.is_final() && !FaceHint::Expired.is_success());
        assert!(!FaceHint::NoMatch.is_final());
        assert!(!FaceHint::Hold.is_final());
    }
}
