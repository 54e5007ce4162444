//! `/profile/access-keys`: keys for scripts that sign API requests.

use super::api::{list_access_keys, CreateAccessKey, DeleteAccessKey, UpdateAccessKey};
use super::model::{
    split_allowlist, AccessKeyPatch, AccessKeyRecord, CreatedAccessKey, NewAccessKey,
};
use crate::common::{AppError, Timestamp};
use crate::i18n::{t, tf};
use crate::mfa::confirm::use_confirm;
use crate::ui::{ActivePill, Banner, ConfirmDialog, CopyButton};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn AccessKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let update = ServerAction::<UpdateAccessKey>::new();
    let delete = ServerAction::<DeleteAccessKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), update.version().get(), delete.version().get()),
        |_| list_access_keys(),
    );
    let confirm = use_confirm();
    // The secret dialog shows the last key created until it is dismissed.
    let shown = RwSignal::new(None::<CreatedAccessKey>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => shown.set(Some(created)),
        Some(Err(e)) => {
            confirm.intercept(&e, move || {
                create.dispatch(CreateAccessKey { new: NewAccessKey::default() });
            });
        }
        None => {}
    });
    let last_update = StoredValue::new(None::<UpdateAccessKey>);
    Effect::new(move |_| {
        if let Some(Err(e)) = update.value().get() {
            confirm.intercept(&e, move || {
                if let Some(args) = last_update.get_value() {
                    update.dispatch(args);
                }
            });
        }
    });
    let send_update = Callback::new(move |args: UpdateAccessKey| {
        last_update.set_value(Some(args.clone()));
        update.dispatch(args);
    });
    let errors = move || {
        [
            create.value().get().and_then(|r| r.err()),
            update.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .find(|e| !matches!(e, AppError::ConfirmRequired { .. }) && e.field("ip_group").is_none())
    };

    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("API access keys")}</h1>
                <p class="muted">
                    {t("Scripts sign their requests with a key (HTTP Signature, hmac-sha256) and act with your permissions. ")}
                    <a href="/api/docs/">{t("API documentation")}</a>
                </p>
            </header>
            {move || errors().map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <section class="card" aria-labelledby="ak-title">
                <div class="card-head">
                    <h2 id="ak-title">{t("Your access keys")}</h2>
                    <button type="button" class="btn btn-primary" disabled=move || create.pending().get()
                        on:click=move |_| { create.dispatch(CreateAccessKey { new: NewAccessKey::default() }); }>
                        {move || if create.pending().get() { t("Creating…") } else { t("Create access key") }}
                    </button>
                </div>
                <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading your keys…")}</p> }>
                    {move || Suspend::new(async move {
                        match keys.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted" data-testid="no-access-keys">{t("No access keys yet.")}</p>
                            }.into_any(),
                            Ok(list) => view! { <KeyTable keys=list update=send_update update_action=update delete /> }.into_any(),
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            {move || shown.get().map(|created| view! {
                <SecretDialog created on_close=Callback::new(move |()| shown.set(None)) />
            })}
        </div>
    }
}

#[component]
fn KeyTable(
    keys: Vec<AccessKeyRecord>,
    update: Callback<UpdateAccessKey>,
    update_action: ServerAction<UpdateAccessKey>,
    delete: ServerAction<DeleteAccessKey>,
) -> impl IntoView {
    let deleting = RwSignal::new(None::<AccessKeyRecord>);
    let editing = RwSignal::new(None::<AccessKeyRecord>);
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="access-keys-table">
                <thead><tr>
                    <th scope="col">{t("Access key ID")}</th><th scope="col">{t("Secret")}</th>
                    <th scope="col">{t("Status")}</th><th scope="col">{t("IP allowlist")}</th>
                    <th scope="col">{t("Created")}</th><th scope="col">{t("Last used")}</th>
                    <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                </tr></thead>
                <tbody>
                    {keys.into_iter().map(|k| {
                        let id = k.id;
                        let active = k.is_active;
                        let for_delete = k.clone();
                        let for_edit = k.clone();
                        view! {
                            <tr data-key-id=id.to_string()>
                                <td class="fingerprint"><code>{id.to_string()}</code></td>
                                <td><span aria-label=t("hidden")>"••••••••"</span></td>
                                <td><ActivePill active=active /></td>
                                <td class="small">{k.ip_group.join(", ")}</td>
                                <td>{k.date_created.display_short()}</td>
                                <td>{Timestamp::display_short_or(k.date_last_used, t("Never"))}</td>
                                <td class="actions">
                                    <button type="button" class="btn btn-small" on:click=move |_| editing.set(Some(for_edit.clone()))>{t("Allowlist")}</button>
                                    <button type="button" class="btn btn-small"
                                        on:click=move |_| update.run(UpdateAccessKey {
                                            id,
                                            patch: AccessKeyPatch { is_active: Some(!active), ip_group: None },
                                        })>
                                        {if active { t("Disable") } else { t("Enable") }}
                                    </button>
                                    <button type="button" class="btn btn-small btn-danger" on:click=move |_| deleting.set(Some(for_delete.clone()))>{t("Delete")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {move || deleting.get().map(|k| {
            let id = k.id;
            view! {
                <ConfirmDialog title=t("Delete this access key?") confirm_label=t("Delete key")
                    on_cancel=Callback::new(move |()| deleting.set(None))
                    on_confirm=Callback::new(move |()| { delete.dispatch(DeleteAccessKey { id }); deleting.set(None); })>
                    <p>{tf("Scripts using {id} stop working at once. This cannot be undone.", &[("id", id.to_string())])}</p>
                </ConfirmDialog>
            }
        })}
        {move || editing.get().map(|k| view! {
            <AllowlistDialog key=k update update_action on_close=Callback::new(move |()| editing.set(None)) />
        })}
    }
}

/// The one time the secret is shown. Only the button closes it: a stray
/// click beside it must not lose the secret.
#[component]
fn SecretDialog(created: CreatedAccessKey, on_close: Callback<()>) -> impl IntoView {
    let done = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = done.get() {
            let _ = button.focus();
        }
    });
    let id = created.key.id.to_string();
    let secret = created.secret.clone();
    view! {
        <div class="modal-backdrop">
            <div class="modal" on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev) role="dialog" aria-modal="true" aria-labelledby="secret-title" data-testid="secret-dialog">
                <h2 id="secret-title">{t("Your new access key")}</h2>
                <Banner kind="warning">{t("Copy the secret now: it is shown only this once and cannot be recovered.")}</Banner>
                <dl class="facts">
                    <div class="fact">
                        <dt>{t("Access key ID")}</dt>
                        <dd><code data-testid="new-key-id">{id.clone()}</code>" "<CopyButton text=id.clone() label=t("Copy ID") /></dd>
                    </div>
                    <div class="fact">
                        <dt>{t("Secret")}</dt>
                        <dd><code data-testid="new-key-secret">{secret.clone()}</code>" "<CopyButton text=secret.clone() label=t("Copy secret") /></dd>
                    </div>
                </dl>
                <div class="form-actions">
                    <button type="button" class="btn btn-primary" node_ref=done on:click=move |_| on_close.run(())>{t("I have saved the secret")}</button>
                </div>
            </div>
        </div>
    }
}

#[component]
fn AllowlistDialog(
    key: AccessKeyRecord,
    update: Callback<UpdateAccessKey>,
    update_action: ServerAction<UpdateAccessKey>,
    on_close: Callback<()>,
) -> impl IntoView {
    let text = NodeRef::<html::Textarea>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let start = update_action.version().get_untracked();
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| {
                (update_action.version().get() > start)
                    .then(|| update_action.value().get().and_then(|r| r.err()))
                    .flatten()
            })
            .and_then(|e| e.field("ip_group"))
    });
    Effect::new(move |_| {
        if update_action.version().get() > start
            && matches!(update_action.value().get(), Some(Ok(_)))
        {
            on_close.run(());
        }
    });
    let id = key.id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let entries = split_allowlist(&text.get_untracked().map(|t| t.value()).unwrap_or_default());
        let patch = AccessKeyPatch { ip_group: Some(entries), is_active: None };
        match patch.validate() {
            Ok(patch) => {
                local_error.set(None);
                update.run(UpdateAccessKey { id, patch });
            }
            Err(e) => local_error.set(Some(e)),
        }
    };
    view! {
        <div class="modal-backdrop" on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { on_close.run(()) }>
            <div class="modal" on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev) role="dialog" aria-modal="true" aria-labelledby="allow-title">
                <h2 id="allow-title">{t("IP allowlist")}</h2>
                <form on:submit=on_submit novalidate>
                    <div class="field" class:has-error=move || error.get().is_some()>
                        <label for="allow-text">{t("Addresses allowed to use this key")}</label>
                        <textarea id="allow-text" rows="4" node_ref=text autofocus spellcheck="false"
                            aria-describedby="allow-help allow-error"
                            aria-invalid=move || error.get().is_some().then_some("true")>{key.ip_group.join("\n")}</textarea>
                        <p class="help" id="allow-help">{t("One per line or separated by commas: 203.0.113.7, 10.0.0.0/8, 10.0.0.1-10.0.0.9, 2001:db8::/32, or * for any address.")}</p>
                        <p class="field-error" id="allow-error" role="alert">{move || error.get()}</p>
                    </div>
                    <div class="form-actions">
                        <button type="button" class="btn" on:click=move |_| on_close.run(())>{t("Cancel")}</button>
                        <button type="submit" class="btn btn-primary" disabled=move || update_action.pending().get()>{t("Save")}</button>
                    </div>
                </form>
            </div>
        </div>
    }
}
