use super::model::{AuthEventQuery, AuthEventRecord};
use crate::auth::model::SessionCtx;
use crate::common::AppError;
use crate::users::model::Page;

#[async_trait::async_trait]
pub trait AuditPort: Send + Sync {
    async fn auth_events(
        &self,
        admin: &SessionCtx,
        query: AuthEventQuery,
    ) -> Result<Page<AuthEventRecord>, AppError>;
}
