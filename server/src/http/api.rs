//! The `/api/v1/` routes, in JumpServer's paths. Each path answers with and
//! without its trailing slash, the same way.

use super::AppState;
use axum::routing::MethodRouter;
use axum::Router;

/// Registers `path` (which ends in `/`) and its slash-less twin.
pub fn route_both(
    router: Router<AppState>,
    path: &str,
    handler: MethodRouter<AppState>,
) -> Router<AppState> {
    let bare = path.trim_end_matches('/');
    router.route(path, handler.clone()).route(bare, handler)
}

pub fn routes() -> Router<AppState> {
    let router = Router::new();
    let router = crate::auth::rest::routes(router);
    let router = crate::auth::own_sessions::routes(router);
    let router = crate::access_keys::rest::routes(router);
    let router = crate::audit::routes(router);
    let router = crate::password::rest::routes(router);
    let router = crate::profile::api::routes(router);
    let router = crate::notify::rest::routes(router);
    let router = crate::settings::rest::routes(router);
    let router = crate::preferences::rest::routes(router);
    let router = crate::ssh_keys::rest::routes(router);
    let router = crate::connect::rest::routes(router);
    let router = crate::face::rest::routes(router);
    crate::users::api::routes(router)
}
