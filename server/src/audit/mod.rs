//! The authentication log for administrators: the server functions' port
//! and `GET /api/v1/audits/login-logs/` (JumpServer's path).

use crate::auth::extract::ApiCaller;
use crate::core::Core;
use crate::error::OrInternal;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::AppState;
use crate::on_db;
use app::audit::model::{AuthEventQuery, AuthEventRecord};
use app::audit::port::AuditPort;
use app::auth::model::SessionCtx;
use app::common::AppError;
use app::users::model::Page;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};

const COLUMNS: &str = "id, at AS datetime, user_id, username, factor, channel, success AS status, reason, ip, user_agent";

#[async_trait::async_trait]
impl AuditPort for Core {
    async fn auth_events(
        &self,
        admin: &SessionCtx,
        query: AuthEventQuery,
    ) -> Result<Page<AuthEventRecord>, AppError> {
        if !admin.user.is_admin() {
            return Err(AppError::Forbidden);
        }
        // The same escaping as the Users search: `_` and `%` match themselves.
        let pattern = crate::users::store::like_pattern(&query.search);
        let filter = "lower(username) LIKE $1 ESCAPE '\\'";
        let count_sql = format!("SELECT COUNT(*) FROM auth_events WHERE {filter}");
        let page_sql = format!(
            "SELECT {COLUMNS} FROM auth_events WHERE {filter} ORDER BY at DESC, id LIMIT $2 OFFSET $3"
        );
        let limit = i64::try_from(query.bounded_limit()).unwrap_or(50);
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        on_db!(&self.db, pool => {
            let count: i64 = sqlx::query_scalar(&count_sql).bind(&pattern).fetch_one(pool).await.or_internal()?;
            let results = sqlx::query_as::<_, AuthEventRecord>(&page_sql)
                .bind(&pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await
                .or_internal()?;
            Ok(Page { count: u64::try_from(count).unwrap_or(0), results })
        })
    }
}

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    route_both(router, "/audits/login-logs/", get(list))
}

/// The authentication log, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audits/login-logs/", tag = "Audit",
    params(AuthEventQuery),
    responses((status = 200, body = Page<AuthEventRecord>), (status = 403, description = "Administrators only")))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<AuthEventQuery>,
) -> ApiResult<Json<Page<AuthEventRecord>>> {
    caller.require_admin()?;
    Ok(Json(state.core.auth_events(&caller.session, query).await?))
}
