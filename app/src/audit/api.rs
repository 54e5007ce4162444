use super::model::{AuthEventQuery, AuthEventRecord};
use crate::common::AppError;
use crate::users::model::Page;
use leptos::prelude::*;

#[server(prefix = "/rpc", endpoint = "list_auth_events", input = server_fn::codec::Json)]
pub async fn list_auth_events(query: AuthEventQuery) -> Result<Page<AuthEventRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.audit.auth_events(&require_admin()?, query).await }.await)
}
