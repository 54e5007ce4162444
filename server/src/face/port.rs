//! The pages' side of face recognition (server functions call these).

use crate::auth::events::Channel;
use crate::core::Core;
use crate::users::store as users;
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::common::{AppError, Timestamp};
use app::face::model::{FaceAdminStatus, FaceFrame, FacePurpose, FaceStart, FaceStatus};
use app::face::port::FacePort;
use uuid::Uuid;

impl Core {
    /// The account a face request is about: the caller's own, or, for an
    /// administrator naming someone, theirs.
    async fn face_subject(
        &self,
        session: &SessionCtx,
        user: Option<Uuid>,
    ) -> Result<users::UserRow, AppError> {
        match user.filter(|id| *id != session.user.id) {
            None => self.session_user(session).await,
            Some(_) if !session.user.is_admin() || !session.is_full() => Err(AppError::Forbidden),
            Some(id) => users::find_by_id(&self.db, id).await?.ok_or(AppError::NotFound),
        }
    }
}

fn nothing_enrolled() -> AppError {
    AppError::invalid("face", "No face is enrolled for this account.")
}

#[async_trait::async_trait]
impl FacePort for Core {
    async fn face_status(
        &self,
        session: &SessionCtx,
        user: Option<Uuid>,
    ) -> Result<FaceStatus, AppError> {
        let subject = self.face_subject(session, user).await?;
        let template = super::store::template(&self.db, subject.id).await?;
        Ok(FaceStatus {
            user: subject.id,
            offered: self.face_offered().await?,
            enrolled: template.is_some(),
            enrolled_at: template.map(|t| Timestamp::from_millis(t.created_at)),
        })
    }

    async fn start_face(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        purpose: FacePurpose,
        user: Option<Uuid>,
    ) -> Result<FaceStart, AppError> {
        let wanted =
            if purpose == FacePurpose::Login { SessionStage::Mfa } else { SessionStage::Full };
        if session.stage != wanted {
            return Err(AppError::Unauthenticated);
        }
        let actor = self.session_user(session).await?;
        let subject = match purpose {
            FacePurpose::AdminEnrol => {
                let Some(id) = user else {
                    return Err(AppError::invalid("user", "Choose the user whose face to enrol."));
                };
                self.face_subject(session, Some(id)).await?
            }
            _ => actor.clone(),
        };
        if purpose.enrols() {
            // The administrator's own confirmation guards another's factor.
            self.require_confirmed(session, &actor).await?;
        }
        self.start_face_attempt(client, Channel::Browser, session.session_id, &subject, purpose)
            .await
    }

    async fn face_frame(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        challenge: &str,
        image_base64: &str,
    ) -> Result<FaceFrame, AppError> {
        self.check_face_frame(client, Channel::Browser, session.session_id, challenge, image_base64)
            .await
    }

    async fn remove_face(&self, client: &ClientInfo, session: &SessionCtx) -> Result<(), AppError> {
        if !session.is_full() {
            return Err(AppError::Unauthenticated);
        }
        let user = self.session_user(session).await?;
        if super::store::template(&self.db, user.id).await?.is_none() {
            return Err(nothing_enrolled());
        }
        self.require_confirmed(session, &user).await?;
        self.delete_face(client, Channel::Browser, &user, false).await?;
        Ok(())
    }

    async fn clear_user_face(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        user: Uuid,
    ) -> Result<(), AppError> {
        let subject = self.face_subject(session, Some(user)).await?;
        if !self.delete_face(client, Channel::Browser, &subject, session.user.id != user).await? {
            return Err(nothing_enrolled());
        }
        Ok(())
    }

    async fn face_admin_status(&self, session: &SessionCtx) -> Result<FaceAdminStatus, AppError> {
        if !session.user.is_admin() {
            return Err(AppError::Forbidden);
        }
        if self.security().await?.face_enabled {
            // The page shows the outcome of a load, not "not loaded yet".
            let _ = self.face.models().await;
        }
        Ok(FaceAdminStatus {
            engine: self.face.state(),
            models_dir: self.face.dir().to_string_lossy().into_owned(),
            enrolled_users: super::store::count_templates(&self.db).await?,
        })
    }
}
