//! Whether a frame is good enough to compare, and what to tell the person
//! when it is not; and the liveness signal between frames. Pure functions
//! of what the detector found, so they are tested without models.

use super::engine::{Embedding, Face};
use app::face::model::FaceHint;

/// Below this detector score a face is too unclear to trust (poor light or
/// blur, in practice).
const MIN_SCORE: f32 = 0.8;
/// A second face at least this large (relative to the first) is a second
/// person in view, not a face on a poster far behind.
const SECOND_FACE_AREA: f32 = 0.25;
/// Face width as a share of the frame's shorter side.
const MIN_SIZE: f32 = 0.2;
const MAX_SIZE: f32 = 0.85;
/// Mean luma inside the face box, 0-255.
const MIN_BRIGHTNESS: f32 = 55.0;
/// The nose's sideways offset from between the eyes, per eye distance: a
/// turned head moves it off centre.
const MAX_YAW: f32 = 0.28;
/// Tilt of the line between the eyes, in degrees.
const MAX_ROLL_DEG: f32 = 20.0;
/// The nose's height between the eye line (0) and the mouth line (1).
const PITCH_RANGE: (f32, f32) = (0.3, 0.8);

/// `None` when the largest face can be compared; else what to fix.
pub fn assess(width: u32, height: u32, faces: &[Face], brightness: f32) -> Option<FaceHint> {
    let Some(face) = faces.first() else { return Some(FaceHint::NoFace) };
    let area = |f: &Face| f.width * f.height;
    if faces.iter().skip(1).any(|f| area(f) >= SECOND_FACE_AREA * area(face)) {
        return Some(FaceHint::SeveralFaces);
    }
    let (w, h) = (width as f32, height as f32);
    let size = face.width / w.min(h);
    if size < MIN_SIZE {
        return Some(FaceHint::Closer);
    }
    if size > MAX_SIZE {
        return Some(FaceHint::Farther);
    }
    let (cx, cy) = (face.x + face.width / 2.0, face.y + face.height / 2.0);
    if !(0.2 * w..=0.8 * w).contains(&cx) || !(0.15 * h..=0.85 * h).contains(&cy) {
        return Some(FaceHint::Center);
    }
    if brightness < MIN_BRIGHTNESS {
        return Some(FaceHint::MoreLight);
    }
    if !is_frontal(face) {
        return Some(FaceHint::LookStraight);
    }
    if face.score < MIN_SCORE {
        return Some(FaceHint::MoreLight);
    }
    None
}

/// Frontal enough from the five landmarks: eyes level, nose centred
/// between them and between the eye and mouth lines.
pub fn is_frontal(face: &Face) -> bool {
    let [right_eye, left_eye, nose, right_mouth, left_mouth] = face.landmarks;
    let eye_mid = midpoint(right_eye, left_eye);
    let mouth_mid = midpoint(right_mouth, left_mouth);
    let (dx, dy) = (left_eye[0] - right_eye[0], left_eye[1] - right_eye[1]);
    let eye_distance = dx.hypot(dy);
    if eye_distance < 1.0 {
        return false;
    }
    let roll = dy.atan2(dx).to_degrees();
    let yaw = (nose[0] - eye_mid[0]) / eye_distance;
    let span = mouth_mid[1] - eye_mid[1];
    if span <= 0.0 {
        return false;
    }
    let pitch = (nose[1] - eye_mid[1]) / span;
    roll.abs() <= MAX_ROLL_DEG
        && yaw.abs() <= MAX_YAW
        && (PITCH_RANGE.0..=PITCH_RANGE.1).contains(&pitch)
}

fn midpoint(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

/// The parts of the previous usable frame the next one is compared with.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Sample {
    pub landmarks: [[f32; 2]; 5],
    /// [`Embedding::to_bytes`].
    pub embedding: Vec<u8>,
}

/// Landmarks that moved less than this (per eye distance, averaged over the
/// five points) and an embedding this close mean the same picture again.
const STILL_MOTION: f32 = 0.0005;
const STILL_SIMILARITY: f32 = 0.9998;

/// A live camera never delivers the same picture twice: sensor noise and
/// small movements shift the landmarks and the embedding a little. A
/// replayed still frame (or one image streamed as a fake camera) does not.
pub fn is_copy(previous: &Sample, landmarks: &[[f32; 2]; 5], embedding: &Embedding) -> bool {
    let [re, le, ..] = previous.landmarks;
    let eye_distance = (le[0] - re[0]).hypot(le[1] - re[1]).max(1.0);
    let motion = previous
        .landmarks
        .iter()
        .zip(landmarks)
        .map(|(a, b)| (a[0] - b[0]).hypot(a[1] - b[1]))
        .sum::<f32>()
        / 5.0
        / eye_distance;
    let similarity =
        Embedding::from_bytes(&previous.embedding).map_or(0.0, |prev| prev.cosine(embedding));
    motion < STILL_MOTION && similarity > STILL_SIMILARITY
}

/// The box as fractions of the frame, for drawing over the preview.
pub fn relative_box(width: u32, height: u32, face: &Face) -> [f32; 4] {
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    [face.x / w, face.y / h, face.width / w, face.height / h]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frontal face of 200 px in a 640x480 frame, centred.
    fn frontal() -> Face {
        Face {
            score: 0.95,
            x: 220.0,
            y: 120.0,
            width: 200.0,
            height: 240.0,
            landmarks: [
                [280.0, 210.0],
                [360.0, 210.0],
                [320.0, 255.0],
                [288.0, 300.0],
                [352.0, 300.0],
            ],
        }
    }

    fn shifted(face: Face, dx: f32) -> Face {
        let mut f = face;
        f.x += dx;
        for p in &mut f.landmarks {
            p[0] += dx;
        }
        f
    }

    #[test]
    fn a_frontal_centred_lit_face_passes() {
        assert_eq!(assess(640, 480, &[frontal()], 120.0), None);
    }

    #[test]
    fn each_problem_gets_its_own_hint() {
        assert_eq!(assess(640, 480, &[], 120.0), Some(FaceHint::NoFace));
        assert_eq!(
            assess(640, 480, &[frontal(), shifted(frontal(), 10.0)], 120.0),
            Some(FaceHint::SeveralFaces)
        );
        let mut small = frontal();
        small.width = 60.0;
        assert_eq!(assess(640, 480, &[small], 120.0), Some(FaceHint::Closer));
        let mut big = frontal();
        big.width = 450.0;
        assert_eq!(assess(640, 480, &[big], 120.0), Some(FaceHint::Farther));
        assert_eq!(assess(640, 480, &[shifted(frontal(), 250.0)], 120.0), Some(FaceHint::Center));
        assert_eq!(assess(640, 480, &[frontal()], 30.0), Some(FaceHint::MoreLight));
        let mut unclear = frontal();
        unclear.score = 0.6;
        assert_eq!(assess(640, 480, &[unclear], 120.0), Some(FaceHint::MoreLight));
    }

    #[test]
    fn a_small_face_far_behind_is_not_a_second_person() {
        let mut poster = shifted(frontal(), 150.0);
        poster.width = 40.0;
        poster.height = 50.0;
        assert_eq!(assess(640, 480, &[frontal(), poster], 120.0), None);
    }

    #[test]
    fn turned_tilted_or_nodding_heads_are_not_frontal() {
        assert!(is_frontal(&frontal()));
        let mut turned = frontal();
        turned.landmarks[2][0] += 35.0;
        assert!(!is_frontal(&turned));
        let mut tilted = frontal();
        tilted.landmarks[1][1] += 45.0;
        assert!(!is_frontal(&tilted));
        let mut nodding = frontal();
        nodding.landmarks[2][1] = 215.0;
        assert!(!is_frontal(&nodding));
        assert_eq!(assess(640, 480, &[turned], 120.0), Some(FaceHint::LookStraight));
    }

    /// A unit vector with some structure, as bytes and as an embedding.
    fn unit(bump: f32) -> Embedding {
        let mut values: Vec<f32> = (0..128).map(|i| ((i * 7 % 13) as f32) - 6.0).collect();
        values[0] += bump;
        let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
        let bytes: Vec<u8> = values.iter().flat_map(|v| (v / norm).to_le_bytes()).collect();
        Embedding::from_bytes(&bytes).expect("512 bytes")
    }

    #[test]
    fn the_same_picture_again_is_a_copy_and_a_moved_one_is_not() {
        let embedding = unit(0.0);
        let sample = Sample { landmarks: frontal().landmarks, embedding: embedding.to_bytes() };
        assert!(is_copy(&sample, &frontal().landmarks, &embedding));
        let moved = shifted(frontal(), 1.5);
        assert!(!is_copy(&sample, &moved.landmarks, &embedding));
        assert!(!is_copy(&sample, &frontal().landmarks, &unit(3.0)));
    }
}
