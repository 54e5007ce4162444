//! The web server: pages (leptos SSR + hydration), server functions under
//! `/rpc/`, the JumpServer-style REST API under `/api/v1/`, static assets,
//! and the layers every request passes through.

pub mod api;
pub mod docs;
pub mod error;
pub mod json;
pub mod middleware;

use crate::core::SharedCore;
use app::server_ctx::Services;
use axum::extract::{FromRef, Request, State};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{HeaderName, HeaderValue, StatusCode};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The name cargo-leptos gives the wasm, js and css bundles.
pub const OUTPUT_NAME: &str = "bastion-profile";

#[derive(Clone)]
pub struct AppState {
    pub core: SharedCore,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl AppState {
    pub fn new(core: SharedCore) -> Self {
        let leptos = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(core.config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(core.config.bind)
            .build();
        AppState { core, leptos }
    }

    fn services(&self) -> Services {
        Services {
            auth: self.core.clone(),
            profile: self.core.clone(),
            users: self.core.clone(),
            mfa: self.core.clone(),
            settings: self.core.clone(),
            audit: self.core.clone(),
            password: self.core.clone(),
            ssh_keys: self.core.clone(),
            access_keys: self.core.clone(),
            notifications: self.core.clone(),
            preferences: self.core.clone(),
            sessions: self.core.clone(),
            connect: self.core.clone(),
            face: self.core.clone(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    let services = state.services();
    let provide = move || provide_context(services.clone());
    let routes = generate_route_list(app::App);
    let options = state.leptos.clone();
    let static_files = ServeDir::new(&*state.leptos.site_root)
        .not_found_service(not_found_page.with_state(state.clone()));

    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(health))
        .merge(docs::routes())
        .nest(
            "/api/v1",
            api::routes().layer(axum::middleware::from_fn(crate::auth::signature::digest_body)),
        )
        .leptos_routes_with_context(&state, routes, provide, move || app::shell(options.clone()))
        .fallback_service(static_files)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::session_layer))
        .layer(CompressionLayer::new())
        .layer(security_header("x-content-type-options", "nosniff"))
        // A security console is never framed: no clickjacking.
        .layer(security_header("x-frame-options", "DENY"))
        .layer(security_header("referrer-policy", "same-origin"))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-");
                    // The path only: a query string can carry a one-time token.
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

fn security_header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// 200 when the database answers, 503 otherwise (for load balancers).
async fn health(State(state): State<AppState>) -> Response {
    let answered = tokio::time::timeout(Duration::from_secs(3), state.core.db.ping()).await;
    match answered {
        Ok(true) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// Unknown paths get the app's own "page not found" page (status 404).
async fn not_found_page(State(state): State<AppState>, req: Request) -> Response {
    let services = state.services();
    let options = state.leptos.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(services.clone()),
        move || app::shell(options.clone()),
    );
    let mut response = handler(req).await.into_response();
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
