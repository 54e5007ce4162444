//! The profile page: every account field that exists, and a form for the
//! fields the owner may edit.

use super::api::{get_profile, UpdateProfile};
use super::model::{Profile, ProfileUpdate};
use crate::common::{AppError, Timestamp};
use crate::i18n::t;
use crate::ui::{input_value, Banner, TextField};
use leptos::prelude::*;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let save = ServerAction::<UpdateProfile>::new();
    let profile = Resource::new(move || save.version().get(), |_| get_profile());

    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Profile")}</h1>
                <p class="muted">{t("Your account as the bastion knows it.")}</p>
            </header>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading your profile…")}</p> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(p) => view! { <ProfileView profile=p save=save /> }.into_any(),
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn ProfileView(profile: Profile, save: ServerAction<UpdateProfile>) -> impl IntoView {
    let mfa_level = match profile.mfa_level {
        2 => t("Required by an administrator"),
        1 => t("On"),
        _ => t("Off"),
    };
    // What the person entered (or the bastion holds) is shown as it is, and
    // marked so that a page translator leaves it alone too.
    let text = |shown: &str| (shown.to_owned(), false);
    let data = |value: &str| (value.to_owned(), true);
    let never = t("Never");
    let rows: Vec<(&'static str, (String, bool))> = vec![
        (t("Multi-factor authentication"), text(mfa_level)),
        (t("Username"), data(&profile.username)),
        (t("Name"), data(&profile.name)),
        (t("Email"), data(&profile.email)),
        (t("Phone"), profile.phone.as_deref().map_or_else(|| text(t("Not set")), data)),
        (
            t("WeChat"),
            if profile.wechat.is_empty() { text(t("Not set")) } else { data(&profile.wechat) },
        ),
        (t("Role"), text(t(profile.role.label()))),
        (
            t("Source"),
            if profile.source == "local" { text(t("Local")) } else { data(&profile.source) },
        ),
        (t("Status"), if profile.is_active { text(t("Active")) } else { text(t("Disabled")) }),
        (t("Date joined"), text(&profile.date_joined.display_short())),
        (t("Last sign-in"), (Timestamp::display_short_or(profile.last_login, never), false)),
        (
            t("Password last changed"),
            (Timestamp::display_short_or(profile.date_password_last_updated, never), false),
        ),
        (t("Account expires"), (Timestamp::display_short_or(profile.date_expired, never), false)),
        (
            t("Comment"),
            if profile.comment.is_empty() { text(t("None")) } else { data(&profile.comment) },
        ),
    ];
    view! {
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">{t("Account")}</h2>
            <dl class="facts" data-testid="account-facts">
                {rows.into_iter().map(|(k, (v, is_data))| view! {
                    <div class="fact"><dt>{k}</dt><dd translate=is_data.then_some("no")>{v}</dd></div>
                }).collect_view()}
            </dl>
        </section>
        <crate::mfa::panel::MfaPanel account=profile.username.clone() />
        <ContactForm profile=profile save=save />
    }
}

#[component]
fn ContactForm(profile: Profile, save: ServerAction<UpdateProfile>) -> impl IntoView {
    let name = NodeRef::new();
    let phone = NodeRef::new();
    let wechat = NodeRef::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || local_error.get().or_else(|| save.value().get().and_then(|r| r.err()));
    let field_error =
        move |f: &'static str| Signal::derive(move || error().and_then(|e| e.field(f)));
    let saved = move || matches!(save.value().get(), Some(Ok(_))) && local_error.get().is_none();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = ProfileUpdate {
            name: Some(input_value(&name)),
            phone: Some(input_value(&phone)),
            wechat: Some(input_value(&wechat)),
            mfa_level: None,
        };
        // Same rules as the server: show mistakes before the round trip.
        if let Err(e) = update.validate() {
            local_error.set(Some(e));
            return;
        }
        local_error.set(None);
        save.dispatch(UpdateProfile { update });
    };

    view! {
        <section class="card" aria-labelledby="contact-title">
            <h2 id="contact-title">{t("Edit your details")}</h2>
            {move || saved().then(|| view! { <Banner kind="success">{t("Saved.")}</Banner> })}
            {move || error().filter(|e| !matches!(e, AppError::Invalid { .. }))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate class="form-grid">
                <TextField id="profile-name" label=t("Name") name="name" node_ref=name
                    value=profile.name.clone() autocomplete="name" error=field_error("name") required=true />
                <TextField id="profile-phone" label=t("Phone") name="phone" kind="tel" node_ref=phone
                    value=profile.phone.clone().unwrap_or_default() autocomplete="tel"
                    placeholder="+86 138 0013 8000"
                    help=t("With the country code, starting with +. Leave empty to remove.")
                    error=field_error("phone") />
                <TextField id="profile-wechat" label=t("WeChat ID") name="wechat" node_ref=wechat
                    value=profile.wechat.clone() error=field_error("wechat") />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t("Saving…") } else { t("Save") }}
                    </button>
                </div>
            </form>
        </section>
    }
}
