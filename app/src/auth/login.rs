//! The sign-in page.

use super::api::Login;
use crate::common::AppError;
use crate::i18n::{n_, t};
use crate::ui::{hard_navigate, input_value, Banner, TextField};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next");
    let username = NodeRef::new();
    let password = NodeRef::new();
    let action = ServerAction::<Login>::new();
    let local_error = RwSignal::new(None::<AppError>);

    Effect::new(move |_| {
        if let Some(Ok(dest)) = action.value().get() {
            hard_navigate(&dest);
        }
    });
    let error = move || local_error.get().or_else(|| action.value().get().and_then(|r| r.err()));
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let form_error = move || {
        error().and_then(|e| match e {
            AppError::Invalid { .. } => None,
            other => Some(other.to_string()),
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = input_value(&username);
        let pass = input_value(&password);
        let mut fields = crate::common::FieldErrors::new();
        if user.trim().is_empty() {
            fields.insert("username".into(), n_("Enter your username.").into());
        }
        if pass.is_empty() {
            fields.insert("password".into(), n_("Enter your password.").into());
        }
        if !fields.is_empty() {
            local_error.set(Some(AppError::invalid_fields(fields)));
            return;
        }
        local_error.set(None);
        action.dispatch(Login { username: user, password: pass, next: next() });
    };

    view! {
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="login-title">
                // Before signing in, so the page can be read in one's own language.
                <div class="form-actions auth-lang">
                    <crate::i18n::LangSelect />
                </div>
                <h1 id="login-title">{t("Sign in")}</h1>
                <p class="muted">{t("Bastion Profile: your account, keys and second factors.")}</p>
                {move || form_error().map(|msg| view! { <Banner kind="error">{msg}</Banner> })}
                <form method="post" action="/rpc/login" on:submit=on_submit novalidate>
                    <TextField
                        id="login-username"
                        label=t("Username")
                        name="username"
                        node_ref=username
                        autocomplete="username"
                        error=field_error("username")
                        required=true
                        autofocus=true
                    />
                    <TextField
                        id="login-password"
                        label=t("Password")
                        name="password"
                        kind="password"
                        node_ref=password
                        autocomplete="current-password"
                        error=field_error("password")
                        required=true
                    />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { t("Signing in…") } else { t("Sign in") }}
                    </button>
                </form>
            </section>
        </main>
    }
}
