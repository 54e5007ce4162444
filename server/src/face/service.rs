//! The face models in a running server: loaded once, on first use (or at
//! start when face recognition is on), shared by every request, and run on
//! blocking threads, a bounded number at a time, never on the async workers.

use super::engine::{self, Embedding, EngineError, Face, LoadError, Models};
use app::common::AppError;
use app::face::model::FaceEngineState;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How long a frame may wait for a free inference slot before the server
/// says it is busy.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

enum Loaded {
    NotYet,
    Loading,
    Ready(Arc<Models>, u64),
    Missing(PathBuf),
    Failed(String),
}

pub struct FaceService {
    dir: PathBuf,
    loaded: Mutex<Loaded>,
    /// Only one load at a time; others wait for its outcome.
    loading: tokio::sync::Mutex<()>,
    permits: Semaphore,
}

/// What the models saw in one frame.
pub struct Analysis {
    pub width: u32,
    pub height: u32,
    /// Largest first.
    pub faces: Vec<Face>,
    /// Of the largest face.
    pub embedding: Option<Embedding>,
    pub brightness: f32,
}

impl FaceService {
    pub fn new(dir: PathBuf, concurrency: usize) -> Self {
        FaceService {
            dir,
            loaded: Mutex::new(Loaded::NotYet),
            loading: tokio::sync::Mutex::new(()),
            permits: Semaphore::new(concurrency.max(1)),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn files_present(&self) -> bool {
        [engine::DETECTOR_FILE, engine::RECOGNIZER_FILE].iter().all(|f| self.dir.join(f).is_file())
    }

    /// The models' state for the admin page. A missing file that has since
    /// been installed makes the next use try again.
    pub fn state(&self) -> FaceEngineState {
        let Ok(mut loaded) = self.loaded.lock() else {
            return FaceEngineState::Failed { reason: "internal lock poisoned".into() };
        };
        if matches!(*loaded, Loaded::Missing(_)) && self.files_present() {
            *loaded = Loaded::NotYet;
        }
        match &*loaded {
            Loaded::NotYet => FaceEngineState::NotLoaded,
            Loaded::Loading => FaceEngineState::Loading,
            Loaded::Ready(_, ms) => FaceEngineState::Ready { load_ms: *ms },
            Loaded::Missing(path) => {
                FaceEngineState::Missing { path: path.to_string_lossy().into_owned() }
            }
            Loaded::Failed(reason) => FaceEngineState::Failed { reason: reason.clone() },
        }
    }

    /// Whether the method can work: loaded, or not loaded yet with its
    /// files in place.
    pub fn usable(&self) -> bool {
        match self.state() {
            FaceEngineState::Ready { .. } => true,
            FaceEngineState::NotLoaded | FaceEngineState::Loading => self.files_present(),
            FaceEngineState::Missing { .. } | FaceEngineState::Failed { .. } => false,
        }
    }

    fn ready(&self) -> Option<Arc<Models>> {
        match &*self.loaded.lock().ok()? {
            Loaded::Ready(models, _) => Some(models.clone()),
            _ => None,
        }
    }

    /// Loads the models unless they are loaded (or known to be missing).
    pub async fn models(&self) -> Result<Arc<Models>, AppError> {
        if let Some(models) = self.ready() {
            return Ok(models);
        }
        let _one_at_a_time = self.loading.lock().await;
        if let Some(models) = self.ready() {
            return Ok(models);
        }
        if let Ok(mut loaded) = self.loaded.lock() {
            *loaded = Loaded::Loading;
        }
        let dir = self.dir.clone();
        let started = Instant::now();
        let result = tokio::task::spawn_blocking(move || Models::load(&dir))
            .await
            .map_err(|e| crate::error::internal(format!("the face model loader stopped: {e}")))?;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut loaded = self.loaded.lock().map_err(|_| crate::error::internal("face lock"))?;
        match result {
            Ok(models) => {
                tracing::info!(load_ms = ms, dir = %self.dir.display(), "face models loaded");
                let models = Arc::new(models);
                *loaded = Loaded::Ready(models.clone(), ms);
                Ok(models)
            }
            Err(err) => {
                tracing::error!(error = %err, "face recognition is off: its models did not load");
                *loaded = match err {
                    LoadError::Missing(path) => Loaded::Missing(path),
                    err @ LoadError::Invalid { .. } => Loaded::Failed(err.to_string()),
                };
                Err(unavailable())
            }
        }
    }

    /// Decodes a frame and finds the faces in it; the embedding of the
    /// largest one too. Waits for a free slot; gives up when none frees up.
    pub async fn analyze(&self, jpeg: Vec<u8>) -> Result<Analysis, AppError> {
        let models = self.models().await?;
        let _permit = tokio::time::timeout(QUEUE_WAIT, self.permits.acquire())
            .await
            .map_err(|_| AppError::Unavailable {
                message: "The face check is busy. Try again in a moment.".into(),
            })?
            .map_err(|_| crate::error::internal("the face permits were closed"))?;
        let result = tokio::task::spawn_blocking(move || analyze_blocking(&models, &jpeg))
            .await
            .map_err(|e| crate::error::internal(format!("a face check stopped: {e}")))?;
        result.map_err(|err| match err {
            EngineError::Image(_) => AppError::invalid(
                "image",
                "The picture could not be read. Send a JPEG or PNG frame.",
            ),
            EngineError::Inference(reason) => {
                crate::error::internal(format!("face inference failed: {reason}"))
            }
        })
    }
}

fn unavailable() -> AppError {
    AppError::Unavailable {
        message: "Face recognition is not working on this server: an administrator must install its model files.".into(),
    }
}

fn analyze_blocking(models: &Models, bytes: &[u8]) -> Result<Analysis, EngineError> {
    let image = engine::decode_image(bytes)?;
    let faces = models.detect(&image)?;
    let (embedding, brightness) = match faces.first() {
        Some(face) => {
            // A face whose landmarks cannot be aligned is an unusable frame,
            // not a server error.
            let embedding = models
                .embed(&image, face)
                .map_err(|err| tracing::warn!(error = %err, "a detected face was not embedded"))
                .ok();
            (embedding, engine::brightness(&image, face))
        }
        None => (None, 0.0),
    };
    Ok(Analysis { width: image.width(), height: image.height(), faces, embedding, brightness })
}
