//! The accounts on one asset, on the administrators' assets page: the login
//! names used on it, each with a write-only password.

use super::admin_page::yes_no;
use super::api::{list_accounts, DeleteAccount, SaveAccount};
use super::model::{AccountInput, AccountRecord, AssetRecord};
use crate::common::AppError;
use crate::i18n::{t, tf};
use crate::ui::{input_value, ActivePill, Banner, ConfirmDialog, TextField};
use leptos::html;
use leptos::prelude::*;

#[derive(Clone, PartialEq)]
enum Panel {
    Closed,
    Create,
    Edit(Box<AccountRecord>),
}

#[component]
pub fn AccountsPanel(asset: AssetRecord, on_close: Callback<()>) -> impl IntoView {
    let asset_id = asset.id;
    let reload = RwSignal::new(0u32);
    let delete = ServerAction::<DeleteAccount>::new();
    let accounts = Resource::new(
        move || (reload.get(), delete.version().get()),
        move |_| list_accounts(Some(asset_id)),
    );
    let panel = RwSignal::new(Panel::Closed);
    let deleting = RwSignal::new(None::<AccountRecord>);
    let title = tf("Accounts on {asset}", &[("asset", asset.name.as_str())]);
    view! {
        <section class="card panel" aria-labelledby="accounts-title" data-testid="accounts-panel">
            <div class="card-header">
                <h2 id="accounts-title">{title}</h2>
                <div class="row-actions">
                    <button type="button" class="btn btn-primary" on:click=move |_| panel.set(Panel::Create)>{t("New account")}</button>
                    <button type="button" class="btn" on:click=move |_| on_close.run(())>{t("Close")}</button>
                </div>
            </div>
            <p class="muted">{t("People connect as one of these accounts, or as @USER, @INPUT or @ANON when a permission allows them.")}</p>
            {move || delete.value().get().and_then(Result::err).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            {move || match panel.get() {
                Panel::Closed => ().into_any(),
                Panel::Create => view! { <AccountForm asset_id existing=None panel reload /> }.into_any(),
                Panel::Edit(a) => view! { <AccountForm asset_id existing=Some(*a) panel reload /> }.into_any(),
            }}
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading accounts…")}</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted" data-testid="no-accounts">{t("No accounts on this asset yet.")}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="accounts-table">
                                    <thead><tr>
                                        <th scope="col">{t("Name")}</th><th scope="col">{t("Username")}</th>
                                        <th scope="col">{t("Password")}</th><th scope="col">{t("Privileged")}</th>
                                        <th scope="col">{t("Status")}</th>
                                        <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|a| {
                                            let (for_edit, for_delete) = (a.clone(), a.clone());
                                            let name = [("account", a.name.as_str())];
                                            view! {
                                                <tr data-testid="account-row">
                                                    <td>{a.name.clone()}</td>
                                                    <td><code>{a.username.clone()}</code></td>
                                                    <td>{if a.has_secret { t("Set") } else { t("Not set") }}</td>
                                                    <td>{yes_no(a.privileged)}</td>
                                                    <td><ActivePill active=a.is_active /></td>
                                                    <td class="row-actions">
                                                        <button type="button" class="btn btn-small" aria-label=tf("Edit account {account}", &name)
                                                            on:click=move |_| panel.set(Panel::Edit(Box::new(for_edit.clone())))>{t("Edit")}</button>
                                                        <button type="button" class="btn btn-small btn-danger" aria-label=tf("Delete account {account}", &name)
                                                            on:click=move |_| deleting.set(Some(for_delete.clone()))>{t("Delete")}</button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
            {move || deleting.get().map(|a| {
                let id = a.id;
                view! {
                    <ConfirmDialog title=tf("Delete account {account}?", &[("account", a.name.as_str())]) confirm_label=t("Delete account")
                        on_cancel=Callback::new(move |()| deleting.set(None))
                        on_confirm=Callback::new(move |()| { delete.dispatch(DeleteAccount { id }); deleting.set(None); })>
                        <p>{t("Its stored password is destroyed and tokens taken for it stop working. This cannot be undone.")}</p>
                    </ConfirmDialog>
                }
            })}
        </section>
    }
}

#[component]
fn AccountForm(
    asset_id: uuid::Uuid,
    existing: Option<AccountRecord>,
    panel: RwSignal<Panel>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let is_new = existing.is_none();
    let id = existing.as_ref().map(|a| a.id);
    let has_secret = existing.as_ref().is_some_and(|a| a.has_secret);
    let base = StoredValue::new(existing.clone());
    let (name, username, secret) = (NodeRef::<html::Input>::new(), NodeRef::new(), NodeRef::new());
    let clear_secret = RwSignal::new(false);
    let privileged = RwSignal::new(existing.as_ref().is_some_and(|a| a.privileged));
    let active = RwSignal::new(existing.as_ref().is_none_or(|a| a.is_active));
    let save = ServerAction::<SaveAccount>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || local_error.get().or_else(|| save.value().get().and_then(Result::err));
    let field_error =
        move |f: &'static str| Signal::derive(move || error().and_then(|e| e.field(f)));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            panel.set(Panel::Closed);
            reload.update(|n| *n += 1);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = input_value(&secret);
        // Empty keeps the stored password; the box removes it.
        let secret = if clear_secret.get_untracked() {
            Some(None)
        } else if typed.is_empty() {
            None
        } else {
            Some(Some(typed))
        };
        let input = AccountInput {
            asset: Some(asset_id),
            name: Some(input_value(&name)),
            username: Some(input_value(&username)),
            secret,
            privileged: Some(privileged.get_untracked()),
            is_active: Some(active.get_untracked()),
        };
        if let Err(e) = base.with_value(|b| input.clone().resolve(b.as_ref())) {
            local_error.set(Some(e));
            return;
        }
        local_error.set(None);
        save.dispatch(SaveAccount { id, input });
    };
    let title = match &existing {
        None => t("New account").to_owned(),
        Some(a) => tf("Edit account {account}", &[("account", a.name.as_str())]),
    };
    let (name_value, username_value) = existing.map(|a| (a.name, a.username)).unwrap_or_default();
    view! {
        <div class="inline-form" data-testid="account-form">
            <h3>{title}</h3>
            {move || error().filter(|e| !matches!(e, AppError::Invalid { .. } | AppError::Conflict { .. }))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate class="form-grid connect-form">
                <TextField id="account-name" label=t("Name") name="name" node_ref=name value=name_value
                    help=t("What people pick when they connect, like “root” or “dba”.") error=field_error("name") required=true autofocus=true />
                <TextField id="account-username" label=t("Username") name="username" node_ref=username value=username_value
                    autocomplete="off" error=field_error("username") required=true />
                <TextField id="account-secret" label=t("Password") name="secret" kind="password" node_ref=secret
                    autocomplete="new-password" error=field_error("secret")
                    help=if has_secret { t("A password is stored. Leave empty to keep it.") } else { t("Stored encrypted; it is never shown again.") } />
                {has_secret.then(|| view! {
                    <div class="field">
                        <label class="inline-check" for="account-clear-secret">
                            <input type="checkbox" id="account-clear-secret" prop:checked=move || clear_secret.get()
                                on:change=move |ev| clear_secret.set(event_target_checked(&ev)) />
                            " " {t("Remove the stored password")}
                        </label>
                    </div>
                })}
                <div class="field">
                    <label class="inline-check" for="account-privileged">
                        <input type="checkbox" id="account-privileged" prop:checked=move || privileged.get()
                            on:change=move |ev| privileged.set(event_target_checked(&ev)) />
                        " " {t("Privileged")}
                    </label>
                    <label class="inline-check" for="account-active">
                        <input type="checkbox" id="account-active" prop:checked=move || active.get()
                            on:change=move |ev| active.set(event_target_checked(&ev)) />
                        " " {t("Active")}
                    </label>
                </div>
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| panel.set(Panel::Closed)>{t("Cancel")}</button>
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t("Saving…") } else if is_new { t("Create account") } else { t("Save") }}
                    </button>
                </div>
            </form>
        </div>
    }
}
