use crate::core::Core;
use crate::users::store;
use app::auth::model::SessionCtx;
use app::common::AppError;
use app::profile::model::{Profile, ProfileChanges};
use app::profile::port::ProfilePort;

impl Core {
    /// The profile with the real state of its second factors.
    pub async fn profile_of(&self, row: &store::UserRow) -> Result<Profile, AppError> {
        let mut profile = row.profile();
        let active = self.active_mfa(row).await?;
        profile.is_otp_secret_key_bound = active.contains(&app::mfa::model::MfaKind::Otp);
        profile.is_face_code_set = crate::face::store::template(&self.db, row.id).await?.is_some();
        profile.mfa_force_enabled = self.mfa_required_by_admin(row).await?;
        profile.mfa_enabled = self.mfa_forced(row).await? || !active.is_empty();
        Ok(profile)
    }
}

#[async_trait::async_trait]
impl ProfilePort for Core {
    async fn get_profile(&self, session: &SessionCtx) -> Result<Profile, AppError> {
        let row = self.session_user(session).await?;
        self.profile_of(&row).await
    }

    async fn update_profile(
        &self,
        session: &SessionCtx,
        changes: ProfileChanges,
    ) -> Result<Profile, AppError> {
        let mut row = self.session_user(session).await?;
        let phone_before = row.phone.clone();
        if let Some(name) = changes.name {
            row.name = name.as_str().to_owned();
        }
        if let Some(phone) = changes.phone {
            let phone = phone.map(|p| p.as_str().to_owned());
            if row.confirmed_phone().is_some() && phone != row.phone {
                return Err(AppError::invalid(
                    "phone",
                    "This number receives your SMS codes. Change it under Two-step verification, with a code sent to the new number.",
                ));
            }
            row.phone = phone;
        }
        if let Some(wechat) = changes.wechat {
            row.wechat = wechat.as_str().to_owned();
        }
        if let Some(level) = changes.mfa_level {
            if row.mfa_level == 2 && level < 2 {
                return Err(AppError::invalid(
                    "mfa_level",
                    "An administrator requires two-step verification for you.",
                ));
            }
            row.mfa_level = level;
        }
        store::save(&self.db, &row).await?;
        // Signed requests see the account as it is now.
        self.key_cache.clear();
        if phone_before != row.phone {
            let client = app::auth::model::ClientInfo::default();
            self.notify(&row, &client, crate::notify::Notice::PhoneChanged).await;
        }
        self.profile_of(&row).await
    }
}
