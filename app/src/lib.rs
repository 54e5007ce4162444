//! Bastion Profile's pages and server functions, and the models the browser
//! and the server share. Built for the browser with `hydrate` and into the
//! server with `ssr`.

#![recursion_limit = "256"]

pub mod access_keys;
pub mod audit;
pub mod auth;
pub mod common;
pub mod mfa;
pub mod password;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod server_ctx;
pub mod settings;
pub mod shell;
pub mod ssh_keys;
pub mod ui;
pub mod users;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <link rel="stylesheet" id="leptos" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name) />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Bastion Profile" />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/login") view=auth::login::LoginPage />
                <Route path=path!("/setup") view=auth::setup::SetupPage />
                <Route path=path!("/mfa") view=mfa::step::MfaStepPage />
                <Route path=path!("/otp/bind") view=mfa::bind::BindTotpPage />
                <Route path=path!("/password/expired") view=password::page::ExpiredPasswordPage />
                <ParentRoute path=path!("") view=shell::Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/profile" /> } />
                    <Route path=path!("/profile") view=profile::page::ProfilePage />
                    <Route path=path!("/profile/password") view=password::page::PasswordPage />
                    <Route path=path!("/profile/ssh-keys") view=ssh_keys::page::SshKeysPage />
                    <Route path=path!("/profile/access-keys") view=access_keys::page::AccessKeysPage />
                    <Route path=path!("/admin/auth-log") view=|| view! {
                        <shell::AdminOnly>
                            <audit::page::AuthLogPage />
                        </shell::AdminOnly>
                    } />
                    <Route path=path!("/admin/security") view=|| view! {
                        <shell::AdminOnly>
                            <settings::page::SecuritySettingsPage />
                        </shell::AdminOnly>
                    } />
                    <Route path=path!("/admin/users") view=|| view! {
                        <shell::AdminOnly>
                            <users::page::UsersPage />
                        </shell::AdminOnly>
                    } />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="auth-page">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p><a href="/profile">"Go to your profile"</a></p>
            </section>
        </main>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Browser tests wait for this before they type.
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
