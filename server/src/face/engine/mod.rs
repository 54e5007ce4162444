//! The face-recognition engine: YuNet finds faces and their landmarks,
//! SFace turns an aligned crop into a 128-value embedding, two embeddings of
//! the same person have a high cosine. Pure computation, no I/O besides
//! reading the two pinned model files once.

pub mod align;
mod detect;
mod onnx;
mod raster;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};

pub const EMBEDDING_LEN: usize = 128;
pub const DETECTOR_FILE: &str = "face_detection_yunet_2023mar_int8bq.onnx";
pub const RECOGNIZER_FILE: &str = "face_recognition_sface_2021dec_int8bq.onnx";
/// Cosine at or above which two embeddings are taken for the same person.
///
/// Measured with these models and this pipeline on the test photos
/// (scripts/fetch-face-assets.sh): Obama against Obama across his three
/// photos 0.72-0.80 (0.73-0.78 with one of them mirrored), a photo against
/// its mirror image 0.91-0.96; different people (Obama, Biden, the six
/// faces of t1.jpg and mirrored copies, 75 pairs) at most 0.35, mostly below
/// 0.3. 0.55 leaves about 0.2 of margin on either side; it is above OpenCV's
/// 0.363 for SFace because a false accept costs more here than asking for
/// another frame.
pub const DEFAULT_MATCH_THRESHOLD: f32 = 0.55;

/// Pinned so a swapped or truncated file fails at start-up, not as silent
/// bad matches.
const DETECTOR_SHA256: &str = "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10";
const RECOGNIZER_SHA256: &str = "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee";

const MAX_IMAGE_SIDE: u32 = 4096;
const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// Decoded pixel buffers beyond this are refused (a 4096x4096 16-bit RGBA
/// PNG needs 128 MiB).
const MAX_DECODED_BYTES: u64 = 160 * 1024 * 1024;

/// Both models, ready to run. Plans keep no state between runs, so one
/// `Models` in an `Arc` serves every thread at once.
pub struct Models {
    detector: onnx::Plan,
    /// Output positions per stride, in `detect::HEADS` order.
    detector_heads: [[usize; 4]; 3],
    recognizer: onnx::Plan,
    recognizer_output: usize,
}

#[derive(Debug)]
pub enum LoadError {
    Missing(PathBuf),
    Invalid { file: PathBuf, reason: String },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing(file) => {
                write!(f, "the face model file {} is missing", file.display())
            }
            LoadError::Invalid { file, reason } => {
                write!(f, "the face model file {} cannot be used: {reason}", file.display())
            }
        }
    }
}

impl std::error::Error for LoadError {}

#[derive(Debug)]
pub enum EngineError {
    /// The picture itself is unusable; the message is meant for the user.
    Image(String),
    /// Something failed inside the engine; for the log, not the user.
    Inference(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Image(msg) => f.write_str(msg),
            EngineError::Inference(msg) => write!(f, "face inference failed: {msg}"),
        }
    }
}

impl std::error::Error for EngineError {}

impl Models {
    /// Loads both files from `dir`, checks their sha256 against the pinned
    /// values, folds the quantized weights, optimises and makes runnable
    /// plans.
    pub fn load(dir: &Path) -> Result<Models, LoadError> {
        let side = detect::INPUT_SIDE;
        let det_path = dir.join(DETECTOR_FILE);
        let detector = onnx::load(&det_path, DETECTOR_SHA256, &[1, 3, side, side])?;
        let rec_path = dir.join(RECOGNIZER_FILE);
        let crop = align::CROP_SIDE as usize;
        let recognizer = onnx::load(&rec_path, RECOGNIZER_SHA256, &[1, 3, crop, crop])?;

        let missing = |file: &Path, name: &str| LoadError::Invalid {
            file: file.to_path_buf(),
            reason: format!("it has no output named {name}"),
        };
        let position = |loaded: &onnx::Loaded, file: &Path, name: &str| {
            loaded.outputs.iter().position(|o| o == name).ok_or_else(|| missing(file, name))
        };
        let mut detector_heads = [[0usize; 4]; 3];
        for (heads, stride) in detector_heads.iter_mut().zip(detect::STRIDES) {
            for (slot, head) in heads.iter_mut().zip(detect::HEADS) {
                *slot = position(&detector, &det_path, &format!("{head}_{stride}"))?;
            }
        }
        let recognizer_output = position(&recognizer, &rec_path, "fc1")?;
        Ok(Models {
            detector: detector.plan,
            detector_heads,
            recognizer: recognizer.plan,
            recognizer_output,
        })
    }

    /// Faces in the image, largest first, coordinates in the image's pixels.
    pub fn detect(&self, img: &RgbImage) -> Result<Vec<Face>, EngineError> {
        if img.width() == 0 || img.height() == 0 {
            return Ok(Vec::new());
        }
        let input = detect::letterbox(img);
        let side = detect::INPUT_SIDE;
        let outputs = onnx::run(&self.detector, &[1, 3, side, side], &input.data)
            .map_err(|e| EngineError::Inference(format!("the detector failed: {e:#}")))?;
        let mut heads = Vec::with_capacity(detect::STRIDES.len());
        for (positions, stride) in self.detector_heads.iter().zip(detect::STRIDES) {
            let cells = (side / stride) * (side / stride);
            let head = |ix: usize, width: usize| {
                outputs.get(positions[ix]).map(Vec::as_slice).filter(|o| o.len() == cells * width)
            };
            let (Some(cls), Some(obj), Some(bbox), Some(kps)) =
                (head(0, 1), head(1, 1), head(2, 4), head(3, 10))
            else {
                return Err(EngineError::Inference(format!(
                    "the detector's stride-{stride} outputs have unexpected sizes"
                )));
            };
            heads.push(detect::StrideOutputs { stride, cls, obj, bbox, kps });
        }
        Ok(detect::decode(&heads, input.scale_x, input.scale_y))
    }

    /// Aligns `face` and computes its L2-normalised embedding.
    pub fn embed(&self, img: &RgbImage, face: &Face) -> Result<Embedding, EngineError> {
        let crop = align::crop(img, &face.landmarks).ok_or_else(|| {
            EngineError::Inference("the face's landmarks cannot be aligned".into())
        })?;
        let side = align::CROP_SIDE as usize;
        let outputs = onnx::run(&self.recognizer, &[1, 3, side, side], &raster::rgb_planes(&crop))
            .map_err(|e| EngineError::Inference(format!("the recogniser failed: {e:#}")))?;
        let raw = outputs
            .get(self.recognizer_output)
            .and_then(|o| <[f32; EMBEDDING_LEN]>::try_from(o.as_slice()).ok())
            .ok_or_else(|| {
                EngineError::Inference("the recogniser's output has an unexpected size".into())
            })?;
        Embedding::normalised(raw)
            .ok_or_else(|| EngineError::Inference("the recogniser returned a null vector".into()))
    }
}

/// One detected face. `x`, `y` is the top-left corner of its box; the
/// landmarks are right eye, left eye, nose tip, right and left mouth
/// corners (the subject's right, i.e. on the image's left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    pub score: f32,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub landmarks: [[f32; 2]; 5],
}

/// An L2-normalised face embedding. Biometric data: `Debug` hides the
/// values.
#[derive(Clone, PartialEq)]
pub struct Embedding([f32; EMBEDDING_LEN]);

impl fmt::Debug for Embedding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Embedding(<{EMBEDDING_LEN} values>)")
    }
}

impl Embedding {
    /// `values` scaled to unit length; `None` for a null or non-finite
    /// vector, which has no direction to compare.
    fn normalised(mut values: [f32; EMBEDDING_LEN]) -> Option<Embedding> {
        let norm = values.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>().sqrt();
        if !norm.is_finite() || norm < 1e-12 {
            return None;
        }
        for v in &mut values {
            *v = (f64::from(*v) / norm) as f32;
        }
        Some(Embedding(values))
    }

    /// Cosine similarity: 1 for the same direction, about 0 for unrelated
    /// faces.
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum::<f64>() as f32
    }

    /// The normalised mean of several embeddings (an enrolment template);
    /// `None` for an empty slice or embeddings that cancel out.
    pub fn mean(items: &[Embedding]) -> Option<Embedding> {
        if items.is_empty() {
            return None;
        }
        let mut sum = [0.0f32; EMBEDDING_LEN];
        for item in items {
            for (s, v) in sum.iter_mut().zip(&item.0) {
                *s += v;
            }
        }
        Embedding::normalised(sum)
    }

    /// 512 bytes, little-endian f32.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// The inverse of `to_bytes`; `None` unless exactly 512 bytes of finite
    /// values.
    pub fn from_bytes(bytes: &[u8]) -> Option<Embedding> {
        if bytes.len() != EMBEDDING_LEN * 4 {
            return None;
        }
        let mut values = [0.0f32; EMBEDDING_LEN];
        for (v, chunk) in values.iter_mut().zip(bytes.chunks_exact(4)) {
            *v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        values.iter().all(|v| v.is_finite()).then_some(Embedding(values))
    }
}

/// Decodes a JPEG or PNG, applying its EXIF orientation; refuses more than
/// 8 MiB of input or images wider or taller than 4096 px, so a hostile
/// upload cannot exhaust memory.
pub fn decode_image(bytes: &[u8]) -> Result<RgbImage, EngineError> {
    let refuse = |msg: &str| EngineError::Image(msg.to_string());
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(refuse("the image is larger than 8 MiB"));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| refuse("the image cannot be read"))?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(refuse("the image is not a JPEG or PNG"));
    }
    let too_large = || {
        EngineError::Image(format!(
            "the image is larger than {MAX_IMAGE_SIDE}x{MAX_IMAGE_SIDE} pixels"
        ))
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut reader = reader;
    reader.limits(limits);
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => too_large(),
        _ => refuse("the image is damaged or not a valid JPEG or PNG"),
    };
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(too_large());
    }
    if w == 0 || h == 0 {
        return Err(refuse("the image is empty"));
    }
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    Ok(img.into_rgb8())
}

/// Mean luma (0-255) inside the face's box, clipped to the image (for "more
/// light" guidance); 0 when the box lies outside the image.
pub fn brightness(img: &RgbImage, face: &Face) -> f32 {
    raster::mean_luma(img, face)
}
