//! The one-time page that creates the first administrator. Its link, with a
//! token, is printed in the server log on a first start with no admin.

use super::api::CreateFirstAdmin;
use crate::common::validate::{Email, NewPassword, PersonName, Username};
use crate::common::{AppError, FieldErrors};
use crate::i18n::{n_, t};
use crate::ui::{input_value, Banner, TextField};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Serialize, Deserialize)]
pub struct SetupForm {
    pub username: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub password_again: String,
}

impl fmt::Debug for SetupForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupForm")
            .field("username", &self.username)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl SetupForm {
    /// Every rule the form must meet, with a message per field.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut fields = FieldErrors::new();
        if let Err(e) = Username::parse(&self.username) {
            fields.insert("username".into(), e.0);
        }
        if let Err(e) = PersonName::parse(&self.name) {
            fields.insert("name".into(), e.0);
        }
        if let Err(e) = Email::parse(&self.email) {
            fields.insert("email".into(), e.0);
        }
        if let Err(e) = NewPassword::parse(&self.password) {
            fields.insert("password".into(), e.0);
        } else if self.password != self.password_again {
            fields.insert("password_again".into(), n_("The two passwords differ.").into());
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid_fields(fields))
        }
    }
}

/// The command line that makes an administrator; the same in every language.
const CREATE_ADMIN_COMMAND: &str = "bastion-profile user create --admin";

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, |t| async move {
        if t.is_empty() {
            Ok(false)
        } else {
            super::api::setup_token_valid(t).await
        }
    });

    view! {
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="setup-title">
                <h1 id="setup-title">{t("Create the first administrator")}</h1>
                <Suspense fallback=|| view! { <p class="muted">{t("Checking the setup link…")}</p> }>
                    {move || Suspend::new(async move {
                        match valid.await {
                            Ok(true) => view! { <SetupFormView token=token() /> }.into_any(),
                            Ok(false) => {
                                // One sentence around the command, which stays as it is.
                                let text = t("This setup link is not valid: it expired, was used, or an administrator already exists. \
                                    Restart the server for a new link, or use the command {command}.");
                                let (before, after) = text.split_once("{command}").unwrap_or((text, ""));
                                view! {
                                    <Banner kind="error">
                                        {before}<code>{CREATE_ADMIN_COMMAND}</code>{after}
                                    </Banner>
                                    <p><a href="/login">{t("Go to sign in")}</a></p>
                                }.into_any()
                            }
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SetupFormView(token: String) -> impl IntoView {
    // Stored so the submit handler stays `Copy` and can be rebuilt by `Show`.
    let token = StoredValue::new(token);
    let username = NodeRef::new();
    let name = NodeRef::new();
    let email = NodeRef::new();
    let password = NodeRef::new();
    let password_again = NodeRef::new();
    let action = ServerAction::<CreateFirstAdmin>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || local_error.get().or_else(|| action.value().get().and_then(|r| r.err()));
    let field_error =
        move |f: &'static str| Signal::derive(move || error().and_then(|e| e.field(f)));
    let done = move || matches!(action.value().get(), Some(Ok(())));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SetupForm {
            username: input_value(&username),
            name: input_value(&name),
            email: input_value(&email),
            password: input_value(&password),
            password_again: input_value(&password_again),
        };
        if let Err(e) = form.validate() {
            local_error.set(Some(e));
            return;
        }
        local_error.set(None);
        action.dispatch(CreateFirstAdmin { token: token.get_value(), form });
    };

    view! {
        <Show
            when=done
            fallback=move || view! {
                {move || error().filter(|e| !matches!(e, AppError::Invalid { .. }))
                    .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
                <form on:submit=on_submit novalidate>
                    <TextField id="setup-username" label=t("Username") name="username" node_ref=username
                        autocomplete="username" error=field_error("username") required=true autofocus=true />
                    <TextField id="setup-name" label=t("Full name") name="name" node_ref=name
                        autocomplete="name" error=field_error("name") required=true />
                    <TextField id="setup-email" label=t("Email") name="email" kind="email" node_ref=email
                        autocomplete="email" error=field_error("email") required=true />
                    <TextField id="setup-password" label=t("Password") name="password" kind="password"
                        node_ref=password autocomplete="new-password" error=field_error("password")
                        help=t("At least 8 characters; a long passphrase is best.") required=true />
                    <TextField id="setup-password-again" label=t("Password again") name="password_again"
                        kind="password" node_ref=password_again autocomplete="new-password"
                        error=field_error("password_again") required=true />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { t("Creating…") } else { t("Create administrator") }}
                    </button>
                </form>
            }
        >
            <Banner kind="success">{t("The administrator account is ready.")}</Banner>
            <p><a class="btn btn-primary" href="/login">{t("Sign in")}</a></p>
        </Show>
    }
}
