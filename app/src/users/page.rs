//! The administrators' Users page.

use super::api::{list_users, CreateUser, ResetUserMfa, UnblockUser, UpdateUser};
use super::model::{NewUser, UserEdit, UserQuery, UserRecord};
use crate::auth::Role;
use crate::common::{AppError, Timestamp};
use crate::i18n::{t, tf};
use crate::ui::{input_value, ActivePill, Banner, ConfirmDialog, Pager, TextField};
use leptos::html;
use leptos::prelude::*;

const PAGE_SIZE: u64 = 20;

#[derive(Clone, PartialEq)]
enum Panel {
    Closed,
    Create,
    Edit(Box<UserRecord>),
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let search_input = NodeRef::<html::Input>::new();
    let query = RwSignal::new(UserQuery { limit: PAGE_SIZE, ..Default::default() });
    let reload = RwSignal::new(0u32);
    let panel = RwSignal::new(Panel::Closed);
    let to_toggle = RwSignal::new(None::<UserRecord>);
    let toggle = ServerAction::<UpdateUser>::new();
    let users = Resource::new(
        move || (query.get(), reload.get(), toggle.version().get()),
        |(q, _, _)| list_users(q),
    );

    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(UserQuery { search: input_value(&search_input), offset: 0, limit: PAGE_SIZE });
    };
    let confirm_toggle = Callback::new(move |()| {
        if let Some(user) = to_toggle.get_untracked() {
            toggle.dispatch(UpdateUser {
                id: user.id,
                edit: UserEdit { is_active: Some(!user.is_active), ..Default::default() },
            });
        }
        to_toggle.set(None);
    });
    let toggle_error = move || toggle.value().get().and_then(|r| r.err());
    let unblock = ServerAction::<UnblockUser>::new();
    let reset = ServerAction::<ResetUserMfa>::new();
    let to_reset = RwSignal::new(None::<UserRecord>);
    let done = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(())) = unblock.value().get() {
            done.set(Some(t("The account is no longer blocked.").into()));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = reset.value().get() {
            done.set(Some(t("Two-step verification was reset: the user sets it up again.").into()));
        }
    });
    let action_error = move || {
        unblock
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| reset.value().get().and_then(|r| r.err()))
    };
    let confirm_reset = Callback::new(move |()| {
        if let Some(user) = to_reset.get_untracked() {
            reset.dispatch(ResetUserMfa { id: user.id });
        }
        to_reset.set(None);
    });

    view! {
        <div class="page">
            <header class="page-header page-header-row">
                <div>
                    <h1>{t("Users")}</h1>
                    <p class="muted">{t("Accounts that may sign in to the bastion.")}</p>
                </div>
                <button class="btn btn-primary" on:click=move |_| panel.set(Panel::Create)>{t("New user")}</button>
            </header>
            <form class="search" role="search" on:submit=on_search>
                <label for="user-search">{t("Search users")}</label>
                <input id="user-search" type="search" node_ref=search_input
                    placeholder=t("Username, name or email") />
                <button type="submit" class="btn">{t("Search")}</button>
            </form>
            {move || toggle_error().or_else(action_error).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            {move || done.get().map(|m| view! { <Banner kind="success">{m}</Banner> })}
            {move || match panel.get() {
                Panel::Closed => ().into_any(),
                Panel::Create => view! { <UserForm existing=None panel reload /> }.into_any(),
                Panel::Edit(u) => view! { <UserForm existing=Some(*u) panel reload /> }.into_any(),
            }}
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading users…")}</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        Ok(page) => {
                            let q = query.get_untracked();
                            let total = page.count;
                            let first = if total == 0 { 0 } else { q.offset + 1 };
                            let last = q.offset + page.results.len() as u64;
                            let has_prev = q.offset > 0;
                            let has_next = last < total;
                            view! {
                                <div class="table-wrap">
                                <table class="table" data-testid="users-table">
                                    <thead><tr>
                                        <th scope="col">{t("Username")}</th><th scope="col">{t("Name")}</th>
                                        <th scope="col">{t("Email")}</th><th scope="col">{t("Role")}</th>
                                        <th scope="col">{t("Status")}</th><th scope="col">{t("Last sign-in")}</th>
                                        <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {page.results.into_iter().map(|u| {
                                            let edit_user = u.clone();
                                            let toggle_user = u.clone();
                                            let reset_user = u.clone();
                                            let id = u.id;
                                            view! {
                                                <tr>
                                                    <td translate="no">{u.username.clone()}</td>
                                                    <td translate="no">{u.name.clone()}</td>
                                                    <td translate="no">{u.email.clone()}</td>
                                                    <td>{t(u.role.label())}</td>
                                                    <td><ActivePill active=u.is_active /></td>
                                                    <td>{u.last_login.map(Timestamp::display_short).unwrap_or_else(|| t("Never").into())}</td>
                                                    <td class="row-actions">
                                                        <button class="btn btn-small" on:click=move |_| panel.set(Panel::Edit(Box::new(edit_user.clone())))
                                                            aria-label=tf("Edit {username}", &[("username", u.username.as_str())])>{t("Edit")}</button>
                                                        <button class="btn btn-small" on:click=move |_| to_toggle.set(Some(toggle_user.clone()))
                                                            aria-label=tf(if u.is_active { "Deactivate {username}" } else { "Activate {username}" }, &[("username", u.username.as_str())])>
                                                            {if u.is_active { t("Deactivate") } else { t("Activate") }}
                                                        </button>
                                                        <button class="btn btn-small" on:click=move |_| { unblock.dispatch(UnblockUser { id }); }
                                                            aria-label=tf("Unblock {username}", &[("username", u.username.as_str())])>{t("Unblock")}</button>
                                                        <button class="btn btn-small" on:click=move |_| to_reset.set(Some(reset_user.clone()))
                                                            aria-label=tf("Reset MFA of {username} (remove every second factor)", &[("username", u.username.as_str())])>{t("Reset MFA")}</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <Pager summary=crate::ui::page_summary(first, last, total) has_prev has_next
                                    on_prev=Callback::new(move |()| query.update(|q| q.offset = q.offset.saturating_sub(PAGE_SIZE)))
                                    on_next=Callback::new(move |()| query.update(|q| q.offset += PAGE_SIZE)) />
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || to_reset.get().map(|u| view! {
                <ConfirmDialog title=tf("Reset two-step verification of {username}?", &[("username", u.username.as_str())]) confirm_label=t("Reset")
                    on_confirm=confirm_reset on_cancel=Callback::new(move |()| to_reset.set(None))>
                    <p>{t("Their authenticator and recovery codes stop working; they are treated as never bound.")}</p>
                </ConfirmDialog>
            })}
            {move || to_toggle.get().map(|u| {
                let verb = if u.is_active { t("Deactivate") } else { t("Activate") };
                let name = [("username", u.username.as_str())];
                let title = tf(if u.is_active { "Deactivate {username}?" } else { "Activate {username}?" }, &name);
                let text = if u.is_active {
                    tf("{username} will be signed out and cannot sign in until activated again.", &name)
                } else {
                    tf("{username} will be able to sign in again.", &name)
                };
                view! {
                    <ConfirmDialog title=title confirm_label=verb
                        on_confirm=confirm_toggle on_cancel=Callback::new(move |()| to_toggle.set(None))>
                        <p>{text}</p>
                    </ConfirmDialog>
                }
            })}
        </div>
    }
}

#[component]
fn UserForm(
    existing: Option<UserRecord>,
    panel: RwSignal<Panel>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let is_new = existing.is_none();
    let e = existing.clone().unwrap_or_else(|| UserRecord {
        id: uuid::Uuid::nil(),
        username: String::new(),
        name: String::new(),
        email: String::new(),
        phone: None,
        wechat: String::new(),
        role: Role::User,
        source: "local".into(),
        is_active: true,
        date_joined: Timestamp::from_millis(0),
        last_login: None,
        date_password_last_updated: None,
        date_expired: None,
        comment: String::new(),
        mfa_level: 0,
    });
    let (username, name, email, phone, password, comment, expires) = (
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
    );
    let role = NodeRef::<html::Select>::new();
    let mfa = NodeRef::<html::Select>::new();
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || {
        local_error.get().or_else(|| {
            create
                .value()
                .get()
                .and_then(|r| r.err())
                .or_else(|| update.value().get().and_then(|r| r.err()))
        })
    };
    let field_error =
        move |f: &'static str| Signal::derive(move || error().and_then(|e| e.field(f)));
    let pending = move || create.pending().get() || update.pending().get();
    Effect::new(move |_| {
        let done = matches!(create.value().get(), Some(Ok(_)))
            || matches!(update.value().get(), Some(Ok(_)));
        if done {
            panel.set(Panel::Closed);
            reload.update(|n| *n += 1);
        }
    });

    let id = e.id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role_value = role
            .get_untracked()
            .map(|el| el.value())
            .and_then(|v| Role::parse(&v))
            .unwrap_or_default();
        let expires_raw = input_value(&expires);
        let date_expired = if expires_raw.trim().is_empty() {
            None
        } else {
            match Timestamp::parse_day_end(&expires_raw) {
                Some(t) => Some(t),
                None => {
                    local_error.set(Some(AppError::invalid("date_expired", "Pick a valid date.")));
                    return;
                }
            }
        };
        local_error.set(None);
        if is_new {
            let user = NewUser {
                username: input_value(&username),
                name: input_value(&name),
                email: input_value(&email),
                phone: input_value(&phone),
                role: role_value,
                password: input_value(&password),
                is_active: true,
                comment: input_value(&comment),
                date_expired,
            };
            match user.validate() {
                Err(err) => local_error.set(Some(err)),
                Ok(_) => {
                    create.dispatch(CreateUser { user });
                }
            }
        } else {
            let edit = UserEdit {
                name: Some(input_value(&name)),
                email: Some(input_value(&email)),
                phone: Some(input_value(&phone)),
                role: Some(role_value),
                mfa_level: mfa.get_untracked().and_then(|s| s.value().parse().ok()),
                comment: Some(input_value(&comment)),
                date_expired: Some(date_expired),
                ..Default::default()
            };
            match edit.validate() {
                Err(err) => local_error.set(Some(err)),
                Ok(_) => {
                    update.dispatch(UpdateUser { id, edit });
                }
            }
        }
    };
    let title = if is_new {
        t("New user").to_owned()
    } else {
        tf("Edit {username}", &[("username", e.username.as_str())])
    };

    view! {
        <section class="card panel" aria-labelledby="user-form-title">
            <h2 id="user-form-title">{title}</h2>
            {move || error().filter(|e| !matches!(e, AppError::Invalid { .. }))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate class="form-grid">
                {is_new.then(|| view! {
                    <TextField id="user-username" label=t("Username") name="username" node_ref=username
                        error=field_error("username") required=true autofocus=true />
                })}
                <TextField id="user-name" label=t("Name") name="name" node_ref=name value=e.name.clone()
                    error=field_error("name") required=true />
                <TextField id="user-email" label=t("Email") name="email" kind="email" node_ref=email
                    value=e.email.clone() error=field_error("email") required=true />
                <TextField id="user-phone" label=t("Phone") name="phone" kind="tel" node_ref=phone
                    value=e.phone.clone().unwrap_or_default() placeholder="+86 138 0013 8000"
                    error=field_error("phone") />
                <div class="field">
                    <label for="user-role">{t("Role")}</label>
                    <select id="user-role" node_ref=role>
                        <option value="user" selected=e.role == Role::User>{t("User")}</option>
                        <option value="admin" selected=e.role == Role::Admin>{t("Administrator")}</option>
                    </select>
                    <p class="field-error" role="alert">{move || field_error("role").get()}</p>
                </div>
                {(!is_new).then(|| view! {
                    <div class="field">
                        <label for="user-mfa">{t("Two-step verification")}</label>
                        <select id="user-mfa" node_ref=mfa>
                            <option value="0" selected=e.mfa_level == 0>{t("Off (the user may turn it on)")}</option>
                            <option value="1" selected=e.mfa_level == 1>{t("On")}</option>
                            <option value="2" selected=e.mfa_level == 2>{t("Required by an administrator")}</option>
                        </select>
                        <p class="help">{t("A user who must use it and has no factor is sent to set one up at sign-in.")}</p>
                    </div>
                })}
                {is_new.then(|| view! {
                    <TextField id="user-password" label=t("Initial password") name="password" kind="password"
                        node_ref=password autocomplete="new-password" error=field_error("password")
                        help=t("At least 8 characters. Tell the user to change it.") required=true />
                })}
                <TextField id="user-expires" label=t("Account expires") name="date_expired" kind="date"
                    node_ref=expires value=e.date_expired.map(Timestamp::day).unwrap_or_default()
                    help=t("Leave empty for an account that never expires.") error=field_error("date_expired") />
                <TextField id="user-comment" label=t("Comment") name="comment" node_ref=comment
                    value=e.comment.clone() error=field_error("comment") />
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| panel.set(Panel::Closed)>{t("Cancel")}</button>
                    <button type="submit" class="btn btn-primary" disabled=pending>
                        {move || if pending() { t("Saving…") } else if is_new { t("Create user") } else { t("Save") }}
                    </button>
                </div>
            </form>
            {(!is_new).then(|| view! { <crate::face::enrol::AdminFaceSection user=e.id username=e.username.clone() /> })}
        </section>
    }
}
