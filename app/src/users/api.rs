use super::model::{NewUser, Page, UserEdit, UserQuery, UserRecord};
use crate::common::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/rpc", endpoint = "list_users", input = server_fn::codec::Json)]
pub async fn list_users(query: UserQuery) -> Result<Page<UserRecord>, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let admin = require_admin()?;
            services()?.users.list_users(&admin, query).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "create_user", input = server_fn::codec::Json)]
pub async fn create_user(user: NewUser) -> Result<UserRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let admin = require_admin()?;
            let valid = user.validate()?;
            services()?.users.create_user(&admin, valid).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "update_user", input = server_fn::codec::Json)]
pub async fn update_user(id: Uuid, edit: UserEdit) -> Result<UserRecord, AppError> {
    use crate::server_ctx::*;
    with_status(
        async {
            let admin = require_admin()?;
            let changes = edit.validate()?;
            services()?.users.update_user(&admin, id, changes).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "unblock_user")]
pub async fn unblock_user(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.users.unblock_user(&require_admin()?, id).await }.await)
}

#[server(prefix = "/rpc", endpoint = "reset_user_mfa")]
pub async fn reset_user_mfa(id: Uuid) -> Result<(), AppError> {
    use crate::server_ctx::*;
    with_status(async { services()?.users.reset_user_mfa(&require_admin()?, id).await }.await)
}
