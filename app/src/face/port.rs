//! What the server provides for face recognition.

use super::model::{FaceAdminStatus, FaceFrame, FacePurpose, FaceStart, FaceStatus};
use crate::auth::model::{ClientInfo, SessionCtx};
use crate::common::AppError;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait FacePort: Send + Sync {
    /// The signed-in user's face (or, for an administrator, `user`'s).
    async fn face_status(
        &self,
        session: &SessionCtx,
        user: Option<Uuid>,
    ) -> Result<FaceStatus, AppError>;
    /// Opens an attempt: a challenge the frames are bound to.
    async fn start_face(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        purpose: FacePurpose,
        user: Option<Uuid>,
    ) -> Result<FaceStart, AppError>;
    /// Checks one frame (a JPEG, base64) of the attempt `challenge`.
    async fn face_frame(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        challenge: &str,
        image_base64: &str,
    ) -> Result<FaceFrame, AppError>;
    /// Deletes the signed-in user's face (needs a recent confirmation).
    async fn remove_face(&self, client: &ClientInfo, session: &SessionCtx) -> Result<(), AppError>;
    /// An administrator deletes `user`'s face.
    async fn clear_user_face(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        user: Uuid,
    ) -> Result<(), AppError>;
    async fn face_admin_status(&self, session: &SessionCtx) -> Result<FaceAdminStatus, AppError>;
}
