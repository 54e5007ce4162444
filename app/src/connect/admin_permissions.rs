//! The permissions tab of the administrators' assets page: who may use which
//! assets, with which accounts and protocols, to do what, and when.

use super::api::{list_assets, list_permissions, DeletePermission, SavePermission};
use super::clock::wall_clock_secs;
use super::model::{
    AssetRecord, PermissionInput, PermissionRecord, ACTIONS, ALIAS_ALL, ALIAS_ANON, ALIAS_INPUT,
    ALIAS_USER, PROTOCOLS,
};
use crate::common::{AppError, FieldErrors, Timestamp};
use crate::i18n::{n_, t, tf};
use crate::ui::{input_value, ActivePill, Banner, ConfirmDialog, TextField};
use crate::users::api::list_users;
use crate::users::model::{UserQuery, UserRecord};
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;

/// Everything a permission may name: protocols stored as `all`.
const ALL_PROTOCOLS: &str = "all";

fn action_label(action: &str) -> &'static str {
    match action {
        "connect" => t("Connect"),
        "upload" => t("Upload"),
        "download" => t("Download"),
        "copy" => t("Copy"),
        "paste" => t("Paste"),
        "delete" => t("Delete"),
        "share" => t("Share"),
        _ => t("Other"),
    }
}

fn alias_label(alias: &str) -> &'static str {
    match alias {
        ALIAS_ALL => t("All accounts (@ALL)"),
        ALIAS_USER => t("Same name as the user (@USER)"),
        ALIAS_INPUT => t("Typed when connecting (@INPUT)"),
        _ => t("Anonymous (@ANON)"),
    }
}

#[derive(Clone, PartialEq)]
enum Panel {
    Closed,
    Create,
    Edit(Box<PermissionRecord>),
}

#[component]
pub fn PermissionsTab() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let delete = ServerAction::<DeletePermission>::new();
    let permissions =
        Resource::new(move || (reload.get(), delete.version().get()), |_| list_permissions());
    let assets = Resource::new(|| (), |_| list_assets());
    // The first 200 users, by username: enough to pick from on this page.
    let users = Resource::new(
        || (),
        |_| list_users(UserQuery { search: String::new(), offset: 0, limit: UserQuery::MAX_LIMIT }),
    );
    let panel = RwSignal::new(Panel::Closed);
    let deleting = RwSignal::new(None::<PermissionRecord>);
    view! {
        <div class="card-header">
            <h2>{t("Permissions")}</h2>
            <button type="button" class="btn btn-primary" on:click=move |_| panel.set(Panel::Create)>{t("New permission")}</button>
        </div>
        {move || delete.value().get().and_then(Result::err).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading permissions…")}</p> }>
            {move || Suspend::new(async move {
                let (list, assets, users) = (permissions.await, assets.await, users.await);
                let (list, assets, users) = match (list, assets, users) {
                    (Ok(l), Ok(a), Ok(u)) => (l, a, u.results),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                        return view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any();
                    }
                };
                let choices = StoredValue::new((users.clone(), assets.clone()));
                let form = move || match panel.get() {
                    Panel::Closed => ().into_any(),
                    Panel::Create => {
                        let (users, assets) = choices.get_value();
                        view! { <PermissionForm existing=None users assets panel reload /> }.into_any()
                    }
                    Panel::Edit(p) => {
                        let (users, assets) = choices.get_value();
                        view! { <PermissionForm existing=Some(*p) users assets panel reload /> }.into_any()
                    }
                };
                view! {
                    {form}
                    <PermissionTable list users assets panel deleting />
                }.into_any()
            })}
        </Transition>
        {move || deleting.get().map(|p| {
            let id = p.id;
            view! {
                <ConfirmDialog title=tf("Delete the permission {name}?", &[("name", p.name.as_str())]) confirm_label=t("Delete permission")
                    on_cancel=Callback::new(move |()| deleting.set(None))
                    on_confirm=Callback::new(move |()| { delete.dispatch(DeletePermission { id }); deleting.set(None); })>
                    <p>{t("Its users lose access to its assets, and the connection tokens it allowed stop working.")}</p>
                </ConfirmDialog>
            }
        })}
    }
}

#[component]
fn PermissionTable(
    list: Vec<PermissionRecord>,
    users: Vec<UserRecord>,
    assets: Vec<AssetRecord>,
    panel: RwSignal<Panel>,
    deleting: RwSignal<Option<PermissionRecord>>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted" data-testid="no-permissions">{t("No permissions yet: nobody may connect to any asset.")}</p> }.into_any();
    }
    let user_name = |id: &Uuid| {
        users.iter().find(|u| u.id == *id).map_or_else(|| id.to_string(), |u| u.username.clone())
    };
    let asset_name = |id: &Uuid| {
        assets.iter().find(|a| a.id == *id).map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="permissions-table">
                <thead><tr>
                    <th scope="col">{t("Name")}</th><th scope="col">{t("Users")}</th>
                    <th scope="col">{t("Assets")}</th><th scope="col">{t("Accounts")}</th>
                    <th scope="col">{t("Protocols")}</th><th scope="col">{t("Actions")}</th>
                    <th scope="col">{t("Valid")}</th><th scope="col">{t("Status")}</th>
                    <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|p| {
                        let users = p.users.iter().map(user_name).collect::<Vec<_>>().join(", ");
                        let assets = p.assets.iter().map(asset_name).collect::<Vec<_>>().join(", ");
                        let protocols = if p.protocols.iter().any(|x| x == ALL_PROTOCOLS) {
                            t("All").to_owned()
                        } else {
                            p.protocols.join(", ")
                        };
                        let actions = p.actions.iter().map(|a| action_label(a)).collect::<Vec<_>>().join(", ");
                        let valid = format!("{} – {}", p.date_start.day(), p.date_expired.day());
                        let (for_edit, for_delete) = (p.clone(), p.clone());
                        let name = [("name", p.name.as_str())];
                        view! {
                            <tr data-testid="permission-row">
                                <td>{p.name.clone()}</td>
                                <td class="small">{users}</td>
                                <td class="small">{assets}</td>
                                <td class="small">{p.accounts.join(", ")}</td>
                                <td class="small">{protocols}</td>
                                <td class="small">{actions}</td>
                                <td class="small">{valid}</td>
                                <td><ActivePill active=p.is_active /></td>
                                <td class="row-actions">
                                    <button type="button" class="btn btn-small" aria-label=tf("Edit the permission {name}", &name)
                                        on:click=move |_| panel.set(Panel::Edit(Box::new(for_edit.clone())))>{t("Edit")}</button>
                                    <button type="button" class="btn btn-small btn-danger" aria-label=tf("Delete the permission {name}", &name)
                                        on:click=move |_| deleting.set(Some(for_delete.clone()))>{t("Delete")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Adds `value` to the list or takes it out.
fn toggle<T: PartialEq>(list: &mut Vec<T>, value: T, on: bool) {
    list.retain(|x| *x != value);
    if on {
        list.push(value);
    }
}

/// A date input's value as the start of that day (UTC).
fn parse_day_start(text: &str) -> Option<Timestamp> {
    Timestamp::parse_day_end(text).map(|end| end.plus_secs(-(24 * 3600 - 1)))
}

#[component]
fn PermissionForm(
    existing: Option<PermissionRecord>,
    users: Vec<UserRecord>,
    assets: Vec<AssetRecord>,
    panel: RwSignal<Panel>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let is_new = existing.is_none();
    let id = existing.as_ref().map(|p| p.id);
    let base = StoredValue::new(existing.clone());
    let (name, account_names, from, until, comment) = (
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
    );
    let p = existing.clone();
    let picked_users = RwSignal::new(p.as_ref().map(|p| p.users.clone()).unwrap_or_default());
    let picked_assets = RwSignal::new(p.as_ref().map(|p| p.assets.clone()).unwrap_or_default());
    let stored_accounts =
        p.as_ref().map_or_else(|| vec![ALIAS_ALL.to_owned()], |p| p.accounts.clone());
    let aliases = RwSignal::new(
        stored_accounts.iter().filter(|a| a.starts_with('@')).cloned().collect::<Vec<_>>(),
    );
    let named_accounts = stored_accounts
        .iter()
        .filter(|a| !a.starts_with('@'))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let stored_protocols =
        p.as_ref().map_or_else(|| vec![ALL_PROTOCOLS.to_owned()], |p| p.protocols.clone());
    let all_protocols = RwSignal::new(stored_protocols.iter().any(|x| x == ALL_PROTOCOLS));
    let protocols = RwSignal::new(
        stored_protocols.into_iter().filter(|x| x != ALL_PROTOCOLS).collect::<Vec<_>>(),
    );
    let actions =
        RwSignal::new(p.as_ref().map_or_else(
            || ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
            |p| p.actions.clone(),
        ));
    let active = RwSignal::new(p.as_ref().is_none_or(|p| p.is_active));
    let start_day = p.as_ref().map(|p| p.date_start.day()).unwrap_or_default();
    let end_day = p.as_ref().map(|p| p.date_expired.day()).unwrap_or_default();
    let save = ServerAction::<SavePermission>::new();
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
    let (start_stored, end_stored) = (start_day.clone(), end_day.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        let mut accounts = aliases.get_untracked();
        accounts.extend(
            input_value(&account_names)
                .split([',', '\n'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
        );
        let protocols = if all_protocols.get_untracked() {
            vec![ALL_PROTOCOLS.to_owned()]
        } else {
            protocols.get_untracked()
        };
        // A day left as it was keeps the stored time to the second.
        let day =
            |node: &NodeRef<html::Input>, stored: &str, parse: fn(&str) -> Option<Timestamp>| {
                let text = input_value(node);
                if text.trim().is_empty() || text == stored {
                    Ok(None)
                } else {
                    parse(&text).map(Some).ok_or(())
                }
            };
        let date_start = day(&from, &start_stored, parse_day_start).unwrap_or_else(|()| {
            errors.insert("date_start".into(), n_("Pick a valid date.").into());
            None
        });
        let date_expired =
            day(&until, &end_stored, Timestamp::parse_day_end).unwrap_or_else(|()| {
                errors.insert("date_expired".into(), n_("Pick a valid date.").into());
                None
            });
        let input = PermissionInput {
            name: Some(input_value(&name)),
            users: Some(picked_users.get_untracked()),
            assets: Some(picked_assets.get_untracked()),
            accounts: Some(accounts),
            protocols: Some(protocols),
            actions: Some(actions.get_untracked()),
            is_active: Some(active.get_untracked()),
            date_start,
            date_expired,
            comment: Some(input_value(&comment)),
        };
        let now = Timestamp::from_millis(wall_clock_secs() * 1000);
        if let Err(AppError::Invalid { fields, .. }) =
            base.with_value(|b| input.clone().resolve(b.as_ref(), now))
        {
            for (field, message) in fields {
                errors.entry(field).or_insert(message);
            }
        }
        if !errors.is_empty() {
            local_error.set(Some(AppError::invalid_fields(errors)));
            return;
        }
        local_error.set(None);
        save.dispatch(SavePermission { id, input });
    };
    let title = match &existing {
        None => t("New permission").to_owned(),
        Some(p) => tf("Edit the permission {name}", &[("name", p.name.as_str())]),
    };
    let (name_value, comment_value) = existing.map(|p| (p.name, p.comment)).unwrap_or_default();
    let fieldset_error = move |f: &'static str, id: &'static str| {
        view! { <p class="field-error" id=id role="alert">{move || field_error(f).get()}</p> }
    };
    view! {
        <section class="card panel" aria-labelledby="perm-form-title" data-testid="permission-form">
            <h2 id="perm-form-title">{title}</h2>
            {move || error().filter(|e| !matches!(e, AppError::Invalid { .. } | AppError::Conflict { .. }))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate class="form-grid connect-form">
                <TextField id="perm-name" label=t("Name") name="name" node_ref=name value=name_value
                    error=field_error("name") required=true autofocus=true />
                <fieldset class="field checks pick-list" aria-describedby="perm-users-error">
                    <legend>{t("Users")}</legend>
                    {users.into_iter().map(|u| {
                        let uid = u.id;
                        let label = if u.name.is_empty() || u.name == u.username { u.username.clone() } else { format!("{} ({})", u.username, u.name) };
                        view! {
                            <label><input type="checkbox" value=uid.to_string()
                                prop:checked=move || picked_users.with(|p| p.contains(&uid))
                                on:change=move |ev| picked_users.update(|p| toggle(p, uid, event_target_checked(&ev))) />
                                " " {label}</label>
                        }
                    }).collect_view()}
                    {fieldset_error("users", "perm-users-error")}
                </fieldset>
                <fieldset class="field checks pick-list" aria-describedby="perm-assets-error">
                    <legend>{t("Assets")}</legend>
                    {assets.into_iter().map(|a| {
                        let aid = a.id;
                        view! {
                            <label><input type="checkbox" value=aid.to_string()
                                prop:checked=move || picked_assets.with(|p| p.contains(&aid))
                                on:change=move |ev| picked_assets.update(|p| toggle(p, aid, event_target_checked(&ev))) />
                                " " {format!("{} ({})", a.name, a.address)}</label>
                        }
                    }).collect_view()}
                    {fieldset_error("assets", "perm-assets-error")}
                </fieldset>
                <fieldset class="field checks" aria-describedby="perm-accounts-help perm-accounts-error">
                    <legend>{t("Accounts")}</legend>
                    {[ALIAS_ALL, ALIAS_USER, ALIAS_INPUT, ALIAS_ANON].into_iter().map(|alias| view! {
                        <label><input type="checkbox" value=alias
                            prop:checked=move || aliases.with(|a| a.iter().any(|x| x == alias))
                            on:change=move |ev| aliases.update(|a| toggle(a, alias.to_owned(), event_target_checked(&ev))) />
                            " " {alias_label(alias)}</label>
                    }).collect_view()}
                    <label for="perm-account-names">{t("Account names")}</label>
                    <input id="perm-account-names" type="text" node_ref=account_names value=named_accounts
                        autocomplete="off" aria-describedby="perm-accounts-help" />
                    <p class="help" id="perm-accounts-help">{t("Accounts of the assets by name, separated by commas: root, dba.")}</p>
                    {fieldset_error("accounts", "perm-accounts-error")}
                </fieldset>
                <fieldset class="field checks" aria-describedby="perm-protocols-error">
                    <legend>{t("Protocols")}</legend>
                    <label class="radio"><input type="radio" name="perm-protocols" prop:checked=move || all_protocols.get()
                        on:change=move |_| all_protocols.set(true) />{t("All protocols")}</label>
                    <label class="radio"><input type="radio" name="perm-protocols" prop:checked=move || !all_protocols.get()
                        on:change=move |_| all_protocols.set(false) />{t("Only these:")}</label>
                    <div class="check-row">
                        {PROTOCOLS.iter().map(|(proto, _)| {
                            let proto = *proto;
                            view! {
                                <label class="inline-check"><input type="checkbox" value=proto
                                    disabled=move || all_protocols.get()
                                    prop:checked=move || protocols.with(|p| p.iter().any(|x| x == proto))
                                    on:change=move |ev| protocols.update(|p| toggle(p, proto.to_owned(), event_target_checked(&ev))) />
                                    " " {proto}</label>
                            }
                        }).collect_view()}
                    </div>
                    {fieldset_error("protocols", "perm-protocols-error")}
                </fieldset>
                <fieldset class="field checks" aria-describedby="perm-actions-error">
                    <legend>{t("Actions")}</legend>
                    <div class="check-row">
                        {ACTIONS.iter().map(|action| {
                            let action = *action;
                            view! {
                                <label class="inline-check"><input type="checkbox" value=action
                                    prop:checked=move || actions.with(|a| a.iter().any(|x| x == action))
                                    on:change=move |ev| actions.update(|a| toggle(a, action.to_owned(), event_target_checked(&ev))) />
                                    " " {action_label(action)}</label>
                            }
                        }).collect_view()}
                    </div>
                    {fieldset_error("actions", "perm-actions-error")}
                </fieldset>
                <TextField id="perm-from" label=t("Valid from") name="date_start" kind="date" node_ref=from value=start_day
                    help=if is_new { t("Leave empty to start now.") } else { t("The start of that day (UTC).") } error=field_error("date_start") />
                <TextField id="perm-until" label=t("Valid until") name="date_expired" kind="date" node_ref=until value=end_day
                    help=if is_new { t("The end of that day (UTC). Leave empty for no end.") } else { t("The end of that day (UTC).") }
                    error=field_error("date_expired") />
                <div class="field">
                    <label class="inline-check" for="perm-active">
                        <input type="checkbox" id="perm-active" prop:checked=move || active.get()
                            on:change=move |ev| active.set(event_target_checked(&ev)) />
                        " " {t("Active")}
                    </label>
                </div>
                <TextField id="perm-comment" label=t("Comment") name="comment" node_ref=comment value=comment_value
                    error=field_error("comment") />
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| panel.set(Panel::Closed)>{t("Cancel")}</button>
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t("Saving…") } else if is_new { t("Create permission") } else { t("Save") }}
                    </button>
                </div>
            </form>
        </section>
    }
}
