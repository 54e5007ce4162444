//! `/admin/assets`: the administrators' page for assets (with their accounts)
//! and, on a second tab, the permissions that grant them to people.

use super::admin_accounts::AccountsPanel;
use super::admin_permissions::PermissionsTab;
use super::api::{list_assets, DeleteAsset, SaveAsset};
use super::model::{AssetInput, AssetRecord, PlatformKind, Protocol, PLATFORMS, PROTOCOLS};
use crate::common::AppError;
use crate::i18n::{t, tf};
use crate::ui::{input_value, ActivePill, Banner, ConfirmDialog, TextField};
use leptos::html;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Assets,
    Permissions,
}

#[component]
pub fn AssetsAdminPage() -> impl IntoView {
    let tab = RwSignal::new(Tab::Assets);
    let tab_button = move |this: Tab, id: &'static str, label: &'static str| {
        view! {
            <button type="button" role="tab" id=id class="tab" aria-selected=move || (tab.get() == this).to_string()
                aria-controls="assets-admin-panel" tabindex=move || if tab.get() == this { "0" } else { "-1" }
                on:click=move |_| tab.set(this)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "ArrowLeft" || ev.key() == "ArrowRight" {
                        tab.update(|t| *t = if *t == Tab::Assets { Tab::Permissions } else { Tab::Assets });
                    }
                }>
                {label}
            </button>
        }
    };
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Assets and permissions")}</h1>
                <p class="muted">{t("The servers and databases people connect to through the bastion, the accounts used on them, and who may use which.")}</p>
            </header>
            <div class="tabs" role="tablist" aria-label=t("Assets and permissions")>
                {tab_button(Tab::Assets, "tab-assets", t("Assets"))}
                {tab_button(Tab::Permissions, "tab-permissions", t("Permissions"))}
            </div>
            <div id="assets-admin-panel" role="tabpanel"
                aria-labelledby=move || if tab.get() == Tab::Assets { "tab-assets" } else { "tab-permissions" }>
                <Show when=move || tab.get() == Tab::Assets><AssetsTab /></Show>
                <Show when=move || tab.get() == Tab::Permissions><PermissionsTab /></Show>
            </div>
        </div>
    }
}

#[derive(Clone, PartialEq)]
enum Panel {
    Closed,
    Create,
    Edit(Box<AssetRecord>),
}

pub fn yes_no(value: bool) -> &'static str {
    if value {
        t("Yes")
    } else {
        t("No")
    }
}

#[component]
fn AssetsTab() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let delete = ServerAction::<DeleteAsset>::new();
    let assets = Resource::new(move || (reload.get(), delete.version().get()), |_| list_assets());
    let panel = RwSignal::new(Panel::Closed);
    let accounts_of = RwSignal::new(None::<AssetRecord>);
    let deleting = RwSignal::new(None::<AssetRecord>);
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            accounts_of.set(None);
        }
    });
    view! {
        <div class="card-header">
            <h2>{t("Assets")}</h2>
            <button type="button" class="btn btn-primary" on:click=move |_| panel.set(Panel::Create)>{t("New asset")}</button>
        </div>
        {move || delete.value().get().and_then(Result::err).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
        {move || match panel.get() {
            Panel::Closed => ().into_any(),
            Panel::Create => view! { <AssetForm existing=None panel reload /> }.into_any(),
            Panel::Edit(a) => view! { <AssetForm existing=Some(*a) panel reload /> }.into_any(),
        }}
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading assets…")}</p> }>
            {move || Suspend::new(async move {
                match assets.await {
                    Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted" data-testid="no-admin-assets">{t("No assets yet.")}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="admin-assets-table">
                                <thead><tr>
                                    <th scope="col">{t("Name")}</th><th scope="col">{t("Address")}</th>
                                    <th scope="col">{t("Platform")}</th><th scope="col">{t("Protocols")}</th>
                                    <th scope="col">{t("Status")}</th>
                                    <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|a| {
                                        let protocols = a.protocols.iter().map(|p| format!("{}/{}", p.name, p.port)).collect::<Vec<_>>().join(", ");
                                        let (for_edit, for_accounts, for_delete) = (a.clone(), a.clone(), a.clone());
                                        let name = [("asset", a.name.as_str())];
                                        view! {
                                            <tr data-testid="admin-asset-row">
                                                <td>{a.name.clone()}</td>
                                                <td><code>{a.address.clone()}</code></td>
                                                <td>{a.platform.clone()}</td>
                                                <td class="small">{protocols}</td>
                                                <td><ActivePill active=a.is_active /></td>
                                                <td class="row-actions">
                                                    <button type="button" class="btn btn-small" aria-label=tf("Edit {asset}", &name)
                                                        on:click=move |_| panel.set(Panel::Edit(Box::new(for_edit.clone())))>{t("Edit")}</button>
                                                    <button type="button" class="btn btn-small" aria-label=tf("Accounts on {asset}", &name)
                                                        on:click=move |_| accounts_of.set(Some(for_accounts.clone()))>{t("Accounts")}</button>
                                                    <button type="button" class="btn btn-small btn-danger" aria-label=tf("Delete {asset}", &name)
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
        {move || accounts_of.get().map(|asset| view! {
            <AccountsPanel asset on_close=Callback::new(move |()| accounts_of.set(None)) />
        })}
        {move || deleting.get().map(|a| {
            let id = a.id;
            view! {
                <ConfirmDialog title=tf("Delete {asset}?", &[("asset", a.name.as_str())]) confirm_label=t("Delete asset")
                    on_cancel=Callback::new(move |()| deleting.set(None))
                    on_confirm=Callback::new(move |()| { delete.dispatch(DeleteAsset { id }); deleting.set(None); })>
                    <p>{t("Its accounts go with it, permissions no longer grant it, and its connection tokens stop working. This cannot be undone.")}</p>
                </ConfirmDialog>
            }
        })}
    }
}

/// One protocol row of the form; the key keeps rows apart while they change.
#[derive(Clone, Copy)]
struct ProtocolRow {
    key: u32,
    name: RwSignal<String>,
    port: RwSignal<String>,
}

impl ProtocolRow {
    fn new(key: u32, name: &str, port: u16) -> Self {
        ProtocolRow {
            key,
            name: RwSignal::new(name.to_owned()),
            port: RwSignal::new(port.to_string()),
        }
    }
}

fn default_port(protocol: &str) -> u16 {
    PROTOCOLS.iter().find(|(p, _)| *p == protocol).map_or(0, |(_, port)| *port)
}

/// The protocol a new asset of a platform usually speaks.
fn platform_protocol(platform: &str) -> &'static str {
    match platform {
        "Windows" => "rdp",
        "Linux" | "Unix" => "ssh",
        other => PROTOCOLS
            .iter()
            .map(|(p, _)| *p)
            .find(|p| p.eq_ignore_ascii_case(other))
            .unwrap_or("ssh"),
    }
}

#[component]
fn AssetForm(
    existing: Option<AssetRecord>,
    panel: RwSignal<Panel>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let is_new = existing.is_none();
    let id = existing.as_ref().map(|a| a.id);
    let base = StoredValue::new(existing.clone());
    let (name, address, comment) = (NodeRef::<html::Input>::new(), NodeRef::new(), NodeRef::new());
    let db_name = NodeRef::<html::Input>::new();
    let platform =
        RwSignal::new(existing.as_ref().map_or_else(|| "Linux".to_owned(), |a| a.platform.clone()));
    let active = RwSignal::new(existing.as_ref().is_none_or(|a| a.is_active));
    let initial: Vec<ProtocolRow> = match &existing {
        Some(a) => a
            .protocols
            .iter()
            .enumerate()
            .map(|(i, p)| ProtocolRow::new(i as u32, &p.name, p.port))
            .collect(),
        None => vec![ProtocolRow::new(0, "ssh", 22)],
    };
    let next_key = StoredValue::new(initial.len() as u32);
    let rows = RwSignal::new(initial);
    let save = ServerAction::<SaveAsset>::new();
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
    let add_row = move |_| {
        let used: Vec<String> =
            rows.with_untracked(|r| r.iter().map(|row| row.name.get_untracked()).collect());
        let (proto, port) = PROTOCOLS
            .iter()
            .find(|(p, _)| !used.iter().any(|u| u == p))
            .copied()
            .unwrap_or(("ssh", 22));
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(ProtocolRow::new(key, proto, port)));
    };
    let on_platform = move |ev: leptos::ev::Event| {
        let new = event_target_value(&ev);
        // A new asset's untouched single protocol follows the platform.
        let old_default = platform_protocol(&platform.get_untracked());
        if is_new {
            rows.with_untracked(|r| {
                if let [only] = r.as_slice() {
                    if only.name.get_untracked() == old_default {
                        let proto = platform_protocol(&new);
                        only.name.set(proto.to_owned());
                        only.port.set(default_port(proto).to_string());
                    }
                }
            });
        }
        platform.set(new);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let protocols = rows.with_untracked(|r| {
            r.iter()
                .map(|row| Protocol {
                    name: row.name.get_untracked(),
                    port: row.port.get_untracked().trim().parse().unwrap_or(0),
                })
                .collect()
        });
        let input = AssetInput {
            name: Some(input_value(&name)),
            address: Some(input_value(&address)),
            platform: Some(platform.get_untracked()),
            protocols: Some(protocols),
            is_active: Some(active.get_untracked()),
            comment: Some(input_value(&comment)),
            db_name: Some(input_value(&db_name)),
        };
        if let Err(e) = base.with_value(|b| input.clone().resolve(b.as_ref())) {
            local_error.set(Some(e));
            return;
        }
        local_error.set(None);
        save.dispatch(SaveAsset { id, input });
    };
    let title = match &existing {
        None => t("New asset").to_owned(),
        Some(a) => tf("Edit {asset}", &[("asset", a.name.as_str())]),
    };
    let e = existing.unwrap_or_else(|| AssetRecord {
        id: uuid::Uuid::nil(),
        name: String::new(),
        address: String::new(),
        platform: String::new(),
        protocols: Vec::new(),
        is_active: true,
        comment: String::new(),
        db_name: String::new(),
        date_created: crate::common::Timestamp::from_millis(0),
    });
    view! {
        <section class="card panel" aria-labelledby="asset-form-title" data-testid="asset-form">
            <h2 id="asset-form-title">{title}</h2>
            {move || error().filter(|e| !matches!(e, AppError::Invalid { .. } | AppError::Conflict { .. }))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate class="form-grid connect-form">
                <TextField id="asset-name" label=t("Name") name="name" node_ref=name value=e.name.clone()
                    error=field_error("name") required=true autofocus=true />
                <TextField id="asset-address" label=t("Address") name="address" node_ref=address value=e.address.clone()
                    placeholder="10.0.0.5" help=t("A host name or an IP address.") error=field_error("address") required=true />
                <div class="field" class:has-error=move || field_error("platform").get().is_some()>
                    <label for="asset-platform">{t("Platform")}</label>
                    <select id="asset-platform" aria-describedby="asset-platform-error" on:change=on_platform>
                        {[PlatformKind::Host, PlatformKind::Database].into_iter().map(|kind| view! {
                            <optgroup label=if kind == PlatformKind::Host { t("Hosts") } else { t("Databases") }>
                                {PLATFORMS.iter().filter(|(_, k)| *k == kind).map(|(p, _)| {
                                    let p = *p;
                                    view! { <option value=p selected=move || platform.get() == p>{p}</option> }
                                }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                    <p class="field-error" id="asset-platform-error" role="alert">{move || field_error("platform").get()}</p>
                </div>
                <fieldset class="field checks protocol-rows" class:has-error=move || field_error("protocols").get().is_some()
                    aria-describedby="asset-protocols-error">
                    <legend>{t("Protocols")}</legend>
                    <For each=move || rows.get() key=|row| row.key let:row>
                        <div class="protocol-row" data-testid="protocol-row">
                            <label for=format!("asset-proto-{}", row.key) class="sr-only">{t("Protocol")}</label>
                            <select id=format!("asset-proto-{}", row.key)
                                on:change=move |ev| {
                                    let proto = event_target_value(&ev);
                                    row.port.set(default_port(&proto).to_string());
                                    row.name.set(proto);
                                }>
                                {PROTOCOLS.iter().map(|(p, _)| {
                                    let p = *p;
                                    view! { <option value=p selected=move || row.name.get() == p>{p}</option> }
                                }).collect_view()}
                            </select>
                            <label for=format!("asset-port-{}", row.key)>{t("Port")}</label>
                            <input id=format!("asset-port-{}", row.key) type="number" min="1" max="65535" step="1" inputmode="numeric"
                                prop:value=move || row.port.get() on:input=move |ev| row.port.set(event_target_value(&ev)) />
                            <button type="button" class="btn btn-small"
                                aria-label=move || tf("Remove {protocol}", &[("protocol", row.name.get())])
                                on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>{t("Remove")}</button>
                        </div>
                    </For>
                    <button type="button" class="btn btn-small" on:click=add_row
                        disabled=move || rows.with(|r| r.len() >= PROTOCOLS.len())>{t("Add protocol")}</button>
                    <p class="field-error" id="asset-protocols-error" role="alert">{move || field_error("protocols").get()}</p>
                </fieldset>
                <div class="field">
                    <label class="inline-check" for="asset-active">
                        <input type="checkbox" id="asset-active" prop:checked=move || active.get()
                            on:change=move |ev| active.set(event_target_checked(&ev)) />
                        " " {t("Active")}
                    </label>
                </div>
                <TextField id="asset-comment" label=t("Comment") name="comment" node_ref=comment value=e.comment.clone()
                    error=field_error("comment") />
                <TextField id="asset-db-name" label=t("Database name") name="db_name" node_ref=db_name value=e.db_name.clone()
                    help=t("For databases: what database clients open. Leave empty for hosts.") error=field_error("db_name") />
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| panel.set(Panel::Closed)>{t("Cancel")}</button>
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t("Saving…") } else if is_new { t("Create asset") } else { t("Save") }}
                    </button>
                </div>
            </form>
        </section>
    }
}
