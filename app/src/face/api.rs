//! Server functions for face recognition.

use super::model::{FaceAdminStatus, FaceFrame, FacePurpose, FaceStart, FaceStatus};
use crate::common::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::auth::model::SessionStage;

#[server(prefix = "/rpc", endpoint = "get_face_status")]
pub async fn get_face_status(user: Option<Uuid>) -> Result<FaceStatus, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.face.face_status(&require_session()?, user).await }.await)
}

#[server(prefix = "/rpc", endpoint = "start_face_attempt")]
pub async fn start_face_attempt(
    purpose: FacePurpose,
    user: Option<Uuid>,
) -> Result<FaceStart, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let stages: &[SessionStage] = if purpose == FacePurpose::Login {
                &[SessionStage::Mfa]
            } else {
                &[SessionStage::Full]
            };
            let session = require_stage(stages)?;
            services()?.face.start_face(&client_info(), &session, purpose, user).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "send_face_frame")]
pub async fn send_face_frame(challenge: String, image: String) -> Result<FaceFrame, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let session = require_stage(&[SessionStage::Mfa, SessionStage::Full])?;
            services()?.face.face_frame(&client_info(), &session, &challenge, &image).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "remove_face")]
pub async fn remove_face() -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.face.remove_face(&client_info(), &require_session()?).await }.await,
    )
}

#[server(prefix = "/rpc", endpoint = "clear_user_face")]
pub async fn clear_user_face(user: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(
        async { services()?.face.clear_user_face(&client_info(), &require_admin()?, user).await }
            .await,
    )
}

#[server(prefix = "/rpc", endpoint = "get_face_admin_status")]
pub async fn get_face_admin_status() -> Result<FaceAdminStatus, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.face.face_admin_status(&require_admin()?).await }.await)
}
