use crate::core::Core;
use crate::users::store;
use app::auth::model::SessionCtx;
use app::common::AppError;
use app::profile::model::{Profile, ProfileChanges};
use app::profile::port::ProfilePort;

#[async_trait::async_trait]
impl ProfilePort for Core {
    async fn get_profile(&self, session: &SessionCtx) -> Result<Profile, AppError> {
        let row =
            store::find_by_id(&self.db, session.user.id).await?.ok_or(AppError::Unauthenticated)?;
        Ok(row.profile())
    }

    async fn update_profile(
        &self,
        session: &SessionCtx,
        changes: ProfileChanges,
    ) -> Result<Profile, AppError> {
        let mut row =
            store::find_by_id(&self.db, session.user.id).await?.ok_or(AppError::Unauthenticated)?;
        if let Some(name) = changes.name {
            row.name = name.as_str().to_owned();
        }
        if let Some(phone) = changes.phone {
            row.phone = phone.map(|p| p.as_str().to_owned());
        }
        if let Some(wechat) = changes.wechat {
            row.wechat = wechat.as_str().to_owned();
        }
        store::save(&self.db, &row).await?;
        Ok(row.profile())
    }
}
