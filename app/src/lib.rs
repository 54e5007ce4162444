//! Bastion Profile's pages and server functions, and the models the browser
//! and the server share. Built for the browser with `hydrate` and into the
//! server with `ssr`.

#![recursion_limit = "256"]

pub mod access_keys;
pub mod audit;
pub mod auth;
pub mod common;
pub mod connect;
pub mod face;
pub mod i18n;
pub mod mfa;
pub mod notifications;
pub mod password;
pub mod preferences;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod server_ctx;
pub mod sessions;
pub mod settings;
pub mod shell;
pub mod ssh_keys;
pub mod theme;
pub mod ui;
pub mod users;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The language is looked up once per page, not once per text.
    #[cfg(feature = "ssr")]
    if let Some(lang) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<i18n::Lang>().copied())
    {
        if let Some(registered) = i18n::render::register(lang) {
            provide_context(std::sync::Arc::new(registered));
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=i18n::lang().html_tag() data-theme=theme::requested()>
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
        <Title text=i18n::t("Bastion Profile") />
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
                    <Route path=path!("/profile/password") view={Lazy::<PasswordRoute>::new()} />
                    <Route path=path!("/profile/ssh-keys") view={Lazy::<SshKeysRoute>::new()} />
                    <Route path=path!("/profile/access-keys") view={Lazy::<AccessKeysRoute>::new()} />
                    <Route path=path!("/profile/messages") view={Lazy::<MessagesRoute>::new()} />
                    <Route path=path!("/profile/preferences") view={Lazy::<PreferencesRoute>::new()} />
                    <Route path=path!("/profile/sessions") view={Lazy::<SessionsRoute>::new()} />
                    <Route path=path!("/profile/assets") view={Lazy::<MyAssetsRoute>::new()} />
                    <Route path=path!("/profile/tokens") view={Lazy::<TokensRoute>::new()} />
                    <Route path=path!("/admin/notifications") view={Lazy::<NotificationSettingsRoute>::new()} />
                    <Route path=path!("/admin/auth-log") view={Lazy::<AuthLogRoute>::new()} />
                    <Route path=path!("/admin/security") view={Lazy::<SecurityRoute>::new()} />
                    <Route path=path!("/admin/users") view={Lazy::<UsersRoute>::new()} />
                    <Route path=path!("/admin/assets") view={Lazy::<AssetsAdminRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

// Pages other than the profile load their code when first visited
// (`cargo leptos build --split`): the first load carries only what every
// visit needs.

struct PasswordRoute;

#[lazy_route]
impl LazyRoute for PasswordRoute {
    fn data() -> Self {
        PasswordRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <password::page::PasswordPage /> }.into_any()
    }
}

struct SshKeysRoute;

#[lazy_route]
impl LazyRoute for SshKeysRoute {
    fn data() -> Self {
        SshKeysRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <ssh_keys::page::SshKeysPage /> }.into_any()
    }
}

struct AccessKeysRoute;

#[lazy_route]
impl LazyRoute for AccessKeysRoute {
    fn data() -> Self {
        AccessKeysRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <access_keys::page::AccessKeysPage /> }.into_any()
    }
}

struct SessionsRoute;

#[lazy_route]
impl LazyRoute for SessionsRoute {
    fn data() -> Self {
        SessionsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <sessions::page::SessionsPage /> }.into_any()
    }
}

struct PreferencesRoute;

#[lazy_route]
impl LazyRoute for PreferencesRoute {
    fn data() -> Self {
        PreferencesRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <preferences::page::PreferencesPage /> }.into_any()
    }
}

struct MessagesRoute;

#[lazy_route]
impl LazyRoute for MessagesRoute {
    fn data() -> Self {
        MessagesRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <notifications::page::MessagesPage /> }.into_any()
    }
}

struct NotificationSettingsRoute;

#[lazy_route]
impl LazyRoute for NotificationSettingsRoute {
    fn data() -> Self {
        NotificationSettingsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <shell::AdminOnly><settings::notify_page::NotificationSettingsPage /></shell::AdminOnly> }
            .into_any()
    }
}

struct AuthLogRoute;

#[lazy_route]
impl LazyRoute for AuthLogRoute {
    fn data() -> Self {
        AuthLogRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <shell::AdminOnly><audit::page::AuthLogPage /></shell::AdminOnly> }.into_any()
    }
}

struct SecurityRoute;

#[lazy_route]
impl LazyRoute for SecurityRoute {
    fn data() -> Self {
        SecurityRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <shell::AdminOnly><settings::page::SecuritySettingsPage /></shell::AdminOnly> }
            .into_any()
    }
}

struct UsersRoute;

#[lazy_route]
impl LazyRoute for UsersRoute {
    fn data() -> Self {
        UsersRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <shell::AdminOnly><users::page::UsersPage /></shell::AdminOnly> }.into_any()
    }
}

struct MyAssetsRoute;

#[lazy_route]
impl LazyRoute for MyAssetsRoute {
    fn data() -> Self {
        MyAssetsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <connect::assets_page::MyAssetsPage /> }.into_any()
    }
}

struct TokensRoute;

#[lazy_route]
impl LazyRoute for TokensRoute {
    fn data() -> Self {
        TokensRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <connect::tokens_page::TokensPage /> }.into_any()
    }
}

struct AssetsAdminRoute;

#[lazy_route]
impl LazyRoute for AssetsAdminRoute {
    fn data() -> Self {
        AssetsAdminRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <shell::AdminOnly><connect::admin_page::AssetsAdminPage /></shell::AdminOnly> }
            .into_any()
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
                <h1>{i18n::t("Page not found")}</h1>
                <p><a href="/profile">{i18n::t("Go to your profile")}</a></p>
            </section>
        </main>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else {
        return;
    };
    // The server rendered in this language; hydration must produce the same text.
    let page_lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .and_then(|tag| i18n::Lang::parse(&tag))
        .unwrap_or_default();
    i18n::set_page_lang(page_lang);
    // Lazily loaded routes hydrate asynchronously, once their code is here.
    wasm_bindgen_futures::spawn_local(async move {
        let owner = leptos::mount::hydrate_from_async(body.clone(), App).await;
        owner.forget();
        // Browser tests wait for this before they type.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
