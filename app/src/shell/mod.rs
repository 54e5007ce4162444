//! The frame around every signed-in page: sidebar, header, user menu.

use crate::auth::api::{session_user, Logout};
use crate::auth::CurrentUser;
use crate::common::AppError;
use crate::i18n::{t, tf};
use crate::ui::{hard_navigate, Banner};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

/// The signed-in person, shared with every page under the shell.
#[derive(Clone, Copy)]
pub struct UserCtx(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// Bumped by pages that change the inbox, so the header's count follows.
#[derive(Clone, Copy)]
pub struct InboxChanged(pub RwSignal<u32>);

#[component]
pub fn Shell() -> impl IntoView {
    let user = Resource::new(|| (), |_| session_user());
    provide_context(UserCtx(user));
    let inbox_changed = RwSignal::new(0u32);
    provide_context(InboxChanged(inbox_changed));
    let location_for_count = use_location();
    // Re-read on every navigation: a notice may have arrived meanwhile.
    let unread = Resource::new(
        move || (inbox_changed.get(), location_for_count.pathname.get()),
        |_| crate::notifications::api::unread_messages(),
    );
    crate::mfa::confirm::provide_confirm();
    let nav_open = RwSignal::new(false);
    let location = use_location();
    // Close the phone menu after every navigation.
    Effect::new(move |_| {
        location.pathname.track();
        nav_open.set(false);
    });
    // A session that ended while the page was open (timeout, sign-out
    // elsewhere) sends the person to sign in and back here afterwards.
    Effect::new(move |_| {
        if let Some(Ok(None)) = user.get() {
            let search = location.search.get_untracked();
            let mut here = location.pathname.get_untracked();
            if !search.is_empty() {
                here = format!("{here}?{}", search.trim_start_matches('?'));
            }
            hard_navigate(&format!("/login?next={}", crate::ui::encode_query_value(&here)));
        }
    });

    view! {
        <a class="skip-link" href="#main">{t("Skip to content")}</a>
        <div class="app" class:nav-open=move || nav_open.get()>
            <header class="topbar">
                <button class="btn btn-icon nav-toggle" aria-label=t("Menu") aria-controls="sidebar"
                    aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| nav_open.update(|o| *o = !*o)>"☰"</button>
                <a class="brand" href="/profile">{t("Bastion Profile")}</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let n = unread.await.unwrap_or(0);
                        let label = match n {
                            0 => t("Messages, none unread").to_owned(),
                            n => tf("Messages, {n} unread", &[("n", n.to_string())]),
                        };
                        view! {
                            <a class="btn btn-icon inbox-link" href="/profile/messages" aria-label=label title=t("Messages")>
                                <span aria-hidden="true">"✉"</span>
                                {(n > 0).then(|| view! { <span class="badge" data-testid="unread-count" aria-hidden="true">{n.min(99).to_string()}</span> })}
                            </a>
                        }
                    })}
                </Transition>
                <crate::i18n::LangSelect signed_in=true />
                <crate::theme::ThemeSelect />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! { <UserMenu user=u /> }.into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </Transition>
            </header>
            <nav id="sidebar" class="sidebar" aria-label=t("Main")>
                <ul>
                    <li><A href="/profile" exact=true>{t("Profile")}</A></li>
                    <li><A href="/profile/password">{t("Password")}</A></li>
                    <li><A href="/profile/ssh-keys">{t("SSH keys")}</A></li>
                    <li><A href="/profile/access-keys">{t("API access keys")}</A></li>
                    <li><A href="/profile/assets">{t("My assets")}</A></li>
                    <li><A href="/profile/tokens">{t("Connection tokens")}</A></li>
                    <li><A href="/profile/sessions">{t("Sessions")}</A></li>
                    <li><A href="/profile/messages">{t("Messages")}</A></li>
                    <li><A href="/profile/preferences">{t("Preferences")}</A></li>
                </ul>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let admin = matches!(user.await, Ok(Some(u)) if u.is_admin());
                        admin.then(|| view! {
                            <p class="nav-heading">{t("Administration")}</p>
                            <ul>
                                <li><A href="/admin/users">{t("Users")}</A></li>
                                <li><A href="/admin/assets">{t("Assets and permissions")}</A></li>
                                <li><A href="/admin/auth-log">{t("Sign-in log")}</A></li>
                                <li><A href="/admin/security">{t("Security settings")}</A></li>
                                <li><A href="/admin/notifications">{t("Mail and SMS")}</A></li>
                            </ul>
                        })
                    })}
                </Transition>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
            <crate::mfa::confirm::ConfirmHost />
        </div>
    }
}

#[component]
fn UserMenu(user: CurrentUser) -> impl IntoView {
    let open = RwSignal::new(false);
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if matches!(logout.value().get(), Some(Ok(()))) {
            hard_navigate("/login");
        }
    });
    let label = if user.name.is_empty() { user.username.clone() } else { user.name.clone() };
    view! {
        <div class="user-menu"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
            // A disclosure (button + list), not an ARIA menu: Tab reaches both entries.
            <button class="btn user-menu-button" aria-controls="user-menu-list"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span class="avatar" aria-hidden="true" translate="no">{label.chars().next().unwrap_or('?').to_uppercase().to_string()}</span>
                <span class="user-name" translate="no">{label.clone()}</span>
            </button>
            <Show when=move || open.get()>
                <ul class="menu" id="user-menu-list">
                    <li><a href="/profile">{t("Profile")}</a></li>
                    <li>
                        <button type="button" class="menu-item" on:click=move |_| { logout.dispatch(Logout {}); }>
                            {t("Sign out")}
                        </button>
                    </li>
                </ul>
            </Show>
            {move || logout.value().get().and_then(|r| r.err()).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
        </div>
    }
}

/// Wraps administrator pages: others see a refusal (and the server answers 403).
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let UserCtx(user) = expect_context::<UserCtx>();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if u.is_admin() => children.read_value()().into_any(),
                    _ => view! {
                        <div class="page">
                            <h1>{t("Forbidden")}</h1>
                            <Banner kind="error">{t("This page is for administrators only.")}</Banner>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
