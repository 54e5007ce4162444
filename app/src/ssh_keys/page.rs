//! `/profile/ssh-keys`: the person's SSH public keys.

use super::api::{list_ssh_keys, ssh_public_key, CreateSshKey, DeleteSshKey, UpdateSshKey};
use super::model::{GeneratedKind, KeyOption, NewSshKey, SshKeyPatch, SshKeyRecord};
use crate::common::{AppError, Timestamp};
use crate::i18n::{t, tf};
use crate::mfa::confirm::use_confirm;
use crate::ui::{download_text, input_value, ActivePill, Banner, ConfirmDialog, TextField};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn SshKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateSshKey>::new();
    let update = ServerAction::<UpdateSshKey>::new();
    let delete = ServerAction::<DeleteSshKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), update.version().get(), delete.version().get()),
        |_| list_ssh_keys(),
    );
    // Adding, generating and enabling a key grant access: they need a recent confirmation.
    let confirm = use_confirm();
    let last_create = StoredValue::new(None::<NewSshKey>);
    Effect::new(move |_| {
        if let Some(Err(e)) = create.value().get() {
            confirm.intercept(&e, move || {
                if let Some(new) = last_create.get_value() {
                    create.dispatch(CreateSshKey { new });
                }
            });
        }
    });
    let last_update = StoredValue::new(None::<UpdateSshKey>);
    Effect::new(move |_| {
        if let Some(Err(e)) = update.value().get() {
            confirm.intercept(&e, move || {
                if let Some(args) = last_update.get_value() {
                    update.dispatch(args);
                }
            });
        }
    });
    // The private half of a generated pair is handed over once, as a file.
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            if let Some(private_key) = &created.private_key {
                download_text(&private_key_file_name(&created.key), private_key);
            }
        }
    });
    let source = RwSignal::new(None::<KeyOption>);
    let dispatch_create = Callback::new(move |new: NewSshKey| {
        source.set(Some(new.public_key_option));
        last_create.set_value(Some(new.clone()));
        create.dispatch(CreateSshKey { new });
    });
    let dispatch_update = Callback::new(move |args: UpdateSshKey| {
        last_update.set_value(Some(args.clone()));
        update.dispatch(args);
    });

    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("SSH keys")}</h1>
                <p class="muted">{t("Public keys that let you sign in to the bastion with SSH.")}</p>
            </header>
            {move || match create.value().get() {
                Some(Ok(c)) if c.private_key.is_some() => Some(view! {
                    <Banner kind="warning">
                        <strong>{tf("Your private key was downloaded as {file}.", &[("file", private_key_file_name(&c.key))])}</strong>
                        {t(" It is not kept on the server and cannot be downloaded again: move it to ~/.ssh and run chmod 600 on it.")}
                    </Banner>
                }.into_any()),
                Some(Ok(c)) => Some(view! { <Banner kind="success">{tf("Key “{name}” added.", &[("name", c.key.name.as_str())])}</Banner> }.into_any()),
                _ => None,
            }}
            {move || [update.value().get().and_then(|r| r.err()), delete.value().get().and_then(|r| r.err())]
                .into_iter().flatten()
                .find(|e| !matches!(e, AppError::ConfirmRequired { .. }))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <section class="card" aria-labelledby="keys-title">
                <h2 id="keys-title">{t("Your keys")}</h2>
                <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading your keys…")}</p> }>
                    {move || Suspend::new(async move {
                        match keys.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted" data-testid="no-keys">{t("No SSH keys yet. Add the public key of a key pair you have, or generate one below.")}</p>
                            }.into_any(),
                            Ok(list) => view! { <KeyTable keys=list update=dispatch_update delete /> }.into_any(),
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <div class="card-row">
                <AddKeyForm create dispatch=dispatch_create
                    mine=Signal::derive(move || source.get() == Some(KeyOption::Input)) />
                <GenerateKeyForm create dispatch=dispatch_create
                    mine=Signal::derive(move || source.get() == Some(KeyOption::Auto)) />
            </div>
        </div>
    }
}

/// The last create's error, for the form that sent it (a confirmation
/// request is the dialog's business).
fn action_error(create: ServerAction<CreateSshKey>, mine: Signal<bool>) -> Option<AppError> {
    mine.get()
        .then(|| create.value().get().and_then(|r| r.err()))
        .flatten()
        .filter(|e| !matches!(e, AppError::ConfirmRequired { .. }))
}

/// An example of a public key line (not translated: it is what a key looks like).
const KEY_EXAMPLE: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… you@laptop";

fn private_key_file_name(key: &SshKeyRecord) -> String {
    let stem: String = key
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    format!("id_{}_{}", key.key_type.to_lowercase(), stem.trim_matches('_'))
}

#[component]
fn KeyTable(
    keys: Vec<SshKeyRecord>,
    update: Callback<UpdateSshKey>,
    delete: ServerAction<DeleteSshKey>,
) -> impl IntoView {
    let deleting = RwSignal::new(None::<SshKeyRecord>);
    let count = keys.len();
    view! {
        <p class="muted">{tf(if count == 1 { "{count} key" } else { "{count} keys" }, &[("count", count.to_string())])}</p>
        <div class="table-wrap">
            <table class="table" data-testid="ssh-keys-table">
                <thead><tr>
                    <th scope="col">{t("Name")}</th><th scope="col">{t("Type")}</th>
                    <th scope="col">{t("Fingerprint")}</th><th scope="col">{t("Status")}</th>
                    <th scope="col">{t("Created")}</th><th scope="col">{t("Last used")}</th>
                    <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                </tr></thead>
                <tbody>
                    {keys.into_iter().map(|k| {
                        let id = k.id;
                        let active = k.is_active;
                        let for_delete = k.clone();
                        let file = format!("{}.pub", private_key_file_name(&k));
                        let name = k.name.clone();
                        view! {
                            <tr data-key-name=k.name.clone()>
                                <td>
                                    <strong>{k.name.clone()}</strong>
                                    {(!k.comment.is_empty()).then(|| view! { <div class="muted small">{k.comment.clone()}</div> })}
                                </td>
                                <td>{format!("{} {}", k.key_type, k.bits)}</td>
                                <td class="fingerprint">
                                    <code data-testid="fingerprint">{k.fingerprint.clone()}</code>
                                    <div class="muted small"><code>{k.fingerprint_md5.clone()}</code></div>
                                </td>
                                <td><ActivePill active=active /></td>
                                <td>{k.date_created.display_short()}</td>
                                <td>{Timestamp::display_short_or(k.date_last_used, t("Never"))}</td>
                                <td class="actions">
                                    <button type="button" class="btn btn-small" aria-label=tf("Download the public key {name}", &[("name", name.as_str())])
                                        on:click=move |_| {
                                            let file = file.clone();
                                            leptos::task::spawn_local(async move {
                                                if let Ok(text) = ssh_public_key(id).await {
                                                    download_text(&file, &text);
                                                }
                                            });
                                        }>{t("Download")}</button>
                                    <button type="button" class="btn btn-small"
                                        on:click=move |_| update.run(UpdateSshKey {
                                            id,
                                            patch: SshKeyPatch { is_active: Some(!active), ..Default::default() },
                                        })>
                                        {if active { t("Disable") } else { t("Enable") }}
                                    </button>
                                    <button type="button" class="btn btn-small btn-danger"
                                        on:click=move |_| deleting.set(Some(for_delete.clone()))>{t("Delete")}</button>
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
                <ConfirmDialog title=t("Delete this SSH key?") confirm_label=t("Delete key")
                    on_cancel=Callback::new(move |()| deleting.set(None))
                    on_confirm=Callback::new(move |()| { delete.dispatch(DeleteSshKey { id }); deleting.set(None); })>
                    <p>{tf("“{name}” ({fingerprint}) stops working for SSH sign-in at once. This cannot be undone.", &[("name", k.name.as_str()), ("fingerprint", k.fingerprint.as_str())])}</p>
                </ConfirmDialog>
            }
        })}
    }
}

#[component]
fn AddKeyForm(
    create: ServerAction<CreateSshKey>,
    dispatch: Callback<NewSshKey>,
    mine: Signal<bool>,
) -> impl IntoView {
    let name = NodeRef::<html::Input>::new();
    let comment = NodeRef::<html::Input>::new();
    let key = NodeRef::<html::Textarea>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || local_error.get().or_else(|| action_error(create, mine));
    let field = move |f: &'static str| Signal::derive(move || error().and_then(|e| e.field(f)));
    Effect::new(move |_| {
        // Read the value first: it is what this effect must track.
        let succeeded = matches!(create.value().get(), Some(Ok(_)));
        if succeeded && mine.get_untracked() {
            for node in [name, comment] {
                if let Some(el) = node.get_untracked() {
                    el.set_value("");
                }
            }
            if let Some(el) = key.get_untracked() {
                el.set_value("");
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewSshKey {
            name: input_value(&name),
            comment: input_value(&comment),
            public_key: key.get_untracked().map(|el| el.value()).unwrap_or_default(),
            is_active: true,
            public_key_option: KeyOption::Input,
            key_type: GeneratedKind::Ed25519,
        };
        if let Err(e) = new.validate() {
            local_error.set(Some(e));
            return;
        }
        local_error.set(None);
        dispatch.run(new);
    };
    view! {
        <section class="card" aria-labelledby="add-key-title">
            <h2 id="add-key-title">{t("Add a public key")}</h2>
            {move || error().filter(|e| ["public_key", "name", "comment"].iter().all(|f| e.field(f).is_none()))
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate>
                <div class="field" class:has-error=move || field("public_key").get().is_some()>
                    <label for="key-text">{t("Public key")}</label>
                    <textarea id="key-text" name="public_key" rows="4" node_ref=key spellcheck="false"
                        autocomplete="off" placeholder=KEY_EXAMPLE
                        aria-describedby="key-text-help key-text-error"
                        aria-invalid=move || field("public_key").get().is_some().then_some("true")></textarea>
                    <p class="help" id="key-text-help">{t("The contents of your .pub file, e.g. ~/.ssh/id_ed25519.pub. Ed25519, ECDSA and RSA of 2048 bits or more.")}</p>
                    <p class="field-error" id="key-text-error" role="alert">{move || field("public_key").get()}</p>
                </div>
                <TextField id="key-name" label=t("Name") name="name" node_ref=name
                    help=t("Leave empty to use the key's comment.") error=field("name") />
                <TextField id="key-comment" label=t("Comment") name="comment" node_ref=comment error=field("comment") />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>{t("Add key")}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn GenerateKeyForm(
    create: ServerAction<CreateSshKey>,
    dispatch: Callback<NewSshKey>,
    mine: Signal<bool>,
) -> impl IntoView {
    let name = NodeRef::<html::Input>::new();
    let kind = NodeRef::<html::Select>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || local_error.get().or_else(|| action_error(create, mine));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key_type = match kind.get_untracked().map(|s| s.value()).as_deref() {
            Some("rsa") => GeneratedKind::Rsa,
            _ => GeneratedKind::Ed25519,
        };
        let new = NewSshKey {
            name: input_value(&name),
            public_key_option: KeyOption::Auto,
            key_type,
            is_active: true,
            ..Default::default()
        };
        if let Err(e) = new.validate() {
            local_error.set(Some(e));
            return;
        }
        local_error.set(None);
        dispatch.run(new);
    };
    view! {
        <section class="card" aria-labelledby="gen-key-title">
            <h2 id="gen-key-title">{t("Generate a key pair")}</h2>
            <p class="muted">{t("The server makes a new pair, keeps the public half and hands you the private key once, as a file download.")}</p>
            {move || error().filter(|e| e.field("name").is_none())
                .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <form on:submit=on_submit novalidate>
                <TextField id="gen-name" label=t("Name") name="name" node_ref=name
                    error=Signal::derive(move || error().and_then(|e| e.field("name"))) />
                <div class="field">
                    <label for="gen-type">{t("Type")}</label>
                    <select id="gen-type" name="key_type" node_ref=kind>
                        <option value="ed25519" selected>{t("Ed25519 (recommended)")}</option>
                        <option value="rsa">{t("RSA 3072 (for older systems)")}</option>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { t("Generating…") } else { t("Generate and download") }}
                    </button>
                </div>
            </form>
        </section>
    }
}
