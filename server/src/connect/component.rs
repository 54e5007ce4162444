//! Service accounts of components (SSH terminal, RDP gateway, database
//! proxy): an account with the `component` role and no password, which
//! calls the API with an access key only.

use crate::core::Core;
use crate::db::is_unique_violation;
use crate::on_db;
use crate::users::store::{self, UserRow};
use app::access_keys::model::CreatedAccessKey;
use app::auth::Role;
use app::common::validate::Username;
use app::common::AppError;
use uuid::Uuid;

impl Core {
    /// Creates the service account `name` and its first access key.
    pub async fn create_component(
        &self,
        name: &str,
    ) -> Result<(UserRow, CreatedAccessKey), AppError> {
        let username = Username::parse(name).map_err(|e| AppError::invalid("name", e.0))?;
        let id = Uuid::new_v4();
        let now = self.now().millis();
        let sql = "INSERT INTO users (id, username, username_key, name, email, email_key, role, \
                   source, is_active, date_joined, comment, password_hash) \
                   VALUES ($1, $2, $3, $2, '', '', $4, 'local', TRUE, $5, $6, NULL)";
        let name = username.as_str();
        let comment = format!("Service account of the {name} component");
        let done = on_db!(&self.db, pool => sqlx::query(sql)
            .bind(id).bind(username.as_str()).bind(username.key()).bind(Role::Component.as_str())
            .bind(now).bind(&comment)
            .execute(pool).await.map(|r| r.rows_affected()));
        match done {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::conflict("name", "This username is already taken."))
            }
            Err(e) => return Err(crate::error::internal(e)),
        }
        let user = store::find_by_id(&self.db, id).await?.ok_or(AppError::Internal)?;
        let key = self.issue_service_key(&user).await?;
        tracing::info!(component = %user.username, "component service account created");
        Ok((user, key))
    }
}
