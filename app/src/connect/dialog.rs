//! The connect dialog: the person picks an account, a protocol and a way to
//! connect, takes a connection token and sees how to use it with their client.

use super::api::{my_asset, reuse_allowed, CreateConnection, TokenRdpFile};
use super::clock::{format_left, left_after, use_clock};
use super::model::{
    methods_for, ConnectDetails, NewToken, PermedAccount, PermedAsset, PermedAssetDetail,
    ALIAS_ANON, ALIAS_INPUT, ALIAS_USER, CONNECT_METHODS,
};
use crate::common::AppError;
use crate::i18n::{n_, t, tf};
use crate::mfa::confirm::use_confirm;
use crate::ui::{download_text, input_value, Banner, CopyButton, TextField};
use leptos::html;
use leptos::prelude::*;

/// A connect method's name in the page's language.
pub fn method_label(method: &str) -> String {
    CONNECT_METHODS
        .iter()
        .find(|(m, _)| *m == method)
        .map_or_else(|| method.to_owned(), |(_, label)| t(label).to_owned())
}

fn is_web_method(method: &str) -> bool {
    method.starts_with("web_")
}

/// The alias an account stands for (`@USER`, `@INPUT`, `@ANON`), if any.
fn alias_of(account: &PermedAccount) -> Option<&'static str> {
    [ALIAS_USER, ALIAS_INPUT, ALIAS_ANON]
        .into_iter()
        .find(|a| account.alias == *a || account.id == *a || account.name == *a)
}

fn account_label(account: &PermedAccount) -> String {
    match alias_of(account) {
        Some(ALIAS_USER) => t("Your own username (@USER)").to_owned(),
        Some(ALIAS_INPUT) => t("Type a username and password (@INPUT)").to_owned(),
        Some(_) => t("Anonymous (@ANON)").to_owned(),
        None if account.username.is_empty() || account.username == account.name => {
            account.name.clone()
        }
        None => format!("{} ({})", account.name, account.username),
    }
}

/// The fields the server may name in its answer, each shown beside its control.
const FORM_FIELDS: &[&str] =
    &["account", "protocol", "connect_method", "input_username", "input_secret"];

#[component]
pub fn ConnectDialog(asset: PermedAsset, on_close: Callback<()>) -> impl IntoView {
    let id = asset.id;
    let detail = LocalResource::new(move || my_asset(id));
    let reuse = LocalResource::new(reuse_allowed);
    let connect = ServerAction::<CreateConnection>::new();
    // The result replaces the form one update after the action answers, so
    // the form's own readers of that answer never run once it is gone.
    let shown = RwSignal::new(None::<ConnectDetails>);
    Effect::new(move |_| {
        if let Some(Ok(details)) = connect.value().get() {
            shown.set(Some(details));
        }
    });
    let dialog = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            let _ = el.focus();
        }
    });
    // Escape closes the dialog wherever focus is, even when a button that
    // had it was disabled while it worked.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());
    let asset_name = asset.name.clone();
    view! {
        <div class="modal-backdrop">
            <div class="modal modal-wide" node_ref=dialog tabindex="-1" role="dialog" aria-modal="true"
                aria-labelledby="connect-title" data-testid="connect-dialog"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev)>
                <h2 id="connect-title">{tf("Connect to {asset}", &[("asset", asset.name.as_str())])}</h2>
                <p class="muted small">{format!("{} · {}", asset.address, asset.platform)}</p>
                <Show when=move || shown.with(Option::is_none)>
                    <Suspense fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading…")}</p> }>
                        {move || Suspend::new(async move {
                            let allowed = reuse.await.unwrap_or(false);
                            match detail.await {
                                Ok(detail) => view! { <ConnectForm detail reuse_allowed=allowed connect on_close /> }.into_any(),
                                Err(e) => view! {
                                    <Banner kind="error">{e.to_string()}</Banner>
                                    <div class="form-actions">
                                        <button type="button" class="btn" on:click=move |_| on_close.run(())>{t("Close")}</button>
                                    </div>
                                }.into_any(),
                            }
                        })}
                    </Suspense>
                </Show>
                {move || shown.get().map(|details| view! {
                    <ConnectResult details asset_name=asset_name.clone() on_close />
                })}
            </div>
        </div>
    }
}

#[component]
fn ConnectForm(
    detail: PermedAssetDetail,
    reuse_allowed: bool,
    connect: ServerAction<CreateConnection>,
    on_close: Callback<()>,
) -> impl IntoView {
    let asset_id = detail.asset.id;
    let accounts = StoredValue::new(detail.permed_accounts.clone());
    let protocols = detail.permed_protocols.clone();
    let first_protocol = protocols.first().map(|p| p.name.clone()).unwrap_or_default();
    let first_method = methods_for(&first_protocol).first().copied().unwrap_or_default();
    let account_ix = RwSignal::new(0usize);
    let protocol = RwSignal::new(first_protocol);
    let method = RwSignal::new(first_method.to_owned());
    let reusable = RwSignal::new(false);
    let input_username = NodeRef::<html::Input>::new();
    let input_secret = NodeRef::<html::Input>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let selected = move || accounts.with_value(|a| a.get(account_ix.get()).cloned());
    let alias = move || selected().and_then(|a| alias_of(&a));
    let confirm = use_confirm();
    let last = StoredValue::new(None::<NewToken>);
    Effect::new(move |_| {
        if let Some(Err(e)) = connect.value().get() {
            confirm.intercept(&e, move || {
                if let Some(new) = last.get_value() {
                    connect.dispatch(CreateConnection { new });
                }
            });
        }
    });
    let error = move || local_error.get().or_else(|| connect.value().get().and_then(Result::err));
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let banner = move || {
        error().filter(|e| {
            !matches!(e, AppError::ConfirmRequired { .. })
                && FORM_FIELDS.iter().all(|f| e.field(f).is_none())
        })
    };
    let pending = move || connect.pending().get();
    let nothing_to_use = detail.permed_accounts.is_empty() || protocols.is_empty();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(account) = selected() else { return };
        let alias = alias_of(&account);
        let username = input_value(&input_username).trim().to_owned();
        if alias == Some(ALIAS_INPUT) && username.is_empty() {
            local_error.set(Some(AppError::invalid(
                "input_username",
                n_("Enter the username to sign in to the asset with."),
            )));
            return;
        }
        local_error.set(None);
        let new = NewToken {
            asset: asset_id,
            account: alias.map_or_else(
                || {
                    if account.alias.is_empty() {
                        account.name.clone()
                    } else {
                        account.alias.clone()
                    }
                },
                str::to_owned,
            ),
            protocol: protocol.get_untracked(),
            connect_method: method.get_untracked(),
            input_username: if alias == Some(ALIAS_INPUT) { username } else { String::new() },
            input_secret: if matches!(alias, Some(ALIAS_INPUT | ALIAS_USER)) {
                input_value(&input_secret)
            } else {
                String::new()
            },
            is_reusable: reuse_allowed && reusable.get_untracked(),
            connect_options: serde_json::Value::Object(Default::default()),
        };
        last.set_value(Some(new.clone()));
        connect.dispatch(CreateConnection { new });
    };

    if nothing_to_use {
        return view! {
            <Banner kind="info">{t("None of this asset's accounts or protocols are granted to you. Ask your administrator.")}</Banner>
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>{t("Close")}</button>
            </div>
        }
        .into_any();
    }

    view! {
        <form on:submit=on_submit novalidate class="connect-form">
            {move || banner().map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <div class="field" class:has-error=move || field_error("account").get().is_some()>
                <label for="connect-account">{t("Account")}</label>
                <select id="connect-account" aria-describedby="connect-account-error"
                    on:change=move |ev| account_ix.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {detail.permed_accounts.iter().enumerate().map(|(i, a)| view! {
                        <option value=i.to_string() selected=i == 0>{account_label(a)}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" id="connect-account-error" role="alert">{move || field_error("account").get()}</p>
            </div>
            <Show when=move || alias() == Some(ALIAS_INPUT)>
                <TextField id="connect-input-username" label=t("Username on the asset") name="input_username"
                    node_ref=input_username autocomplete="off" error=field_error("input_username") required=true />
            </Show>
            <Show when=move || matches!(alias(), Some(ALIAS_INPUT | ALIAS_USER))>
                <TextField id="connect-input-secret" label=t("Password on the asset") name="input_secret" kind="password"
                    node_ref=input_secret autocomplete="off" error=field_error("input_secret")
                    help=t("Handed to the bastion for this connection only; never stored.") />
            </Show>
            <div class="field" class:has-error=move || field_error("protocol").get().is_some()>
                <label for="connect-protocol">{t("Protocol")}</label>
                <select id="connect-protocol" aria-describedby="connect-protocol-error"
                    on:change=move |ev| {
                        let p = event_target_value(&ev);
                        let methods = methods_for(&p);
                        if !methods.contains(&method.get_untracked().as_str()) {
                            method.set(methods.first().copied().unwrap_or_default().to_owned());
                        }
                        protocol.set(p);
                    }>
                    {protocols.iter().map(|p| {
                        let name = p.name.clone();
                        view! { <option value=name.clone() selected=move || protocol.get() == name>{p.name.clone()}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" id="connect-protocol-error" role="alert">{move || field_error("protocol").get()}</p>
            </div>
            <fieldset class="kind-picker" aria-describedby="connect-method-error">
                <legend>{t("Connect method")}</legend>
                {move || methods_for(&protocol.get()).iter().map(|m| {
                    let m = *m;
                    view! {
                        <label class="radio">
                            <input type="radio" name="connect-method" value=m
                                prop:checked=move || method.get() == m
                                on:change=move |_| method.set(m.to_owned()) />
                            {method_label(m)}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="connect-method-error" role="alert">{move || field_error("connect_method").get()}</p>
            </fieldset>
            {move || is_web_method(&method.get()).then(|| {
                let clients: Vec<&'static str> =
                    methods_for(&protocol.get()).iter().copied().filter(|m| !is_web_method(m)).collect();
                view! {
                    <div class="banner banner-info" role="status" data-testid="web-not-available">
                        <p>{t("The web terminal is not part of this product yet.")}</p>
                        {if clients.is_empty() {
                            view! { <p>{t("No client method fits this protocol yet: pick another protocol.")}</p> }.into_any()
                        } else {
                            view! {
                                <p>{t("Connect with a client on your computer instead:")}</p>
                                <p class="row-actions">
                                    {clients.into_iter().map(|m| view! {
                                        <button type="button" class="btn btn-small" on:click=move |_| method.set(m.to_owned())>{method_label(m)}</button>
                                    }).collect_view()}
                                </p>
                            }.into_any()
                        }}
                    </div>
                }
            })}
            {reuse_allowed.then(|| view! {
                <div class="field">
                    <label class="inline-check" for="connect-reusable">
                        <input type="checkbox" role="switch" id="connect-reusable" aria-describedby="connect-reusable-help"
                            prop:checked=move || reusable.get()
                            on:change=move |ev| reusable.set(event_target_checked(&ev)) />
                        " " {t("Reusable")}
                    </label>
                    <p class="help" id="connect-reusable-help">{t("A reusable token may connect many times until it expires; a one-time token works once, within 5 minutes.")}</p>
                </div>
            })}
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>{t("Cancel")}</button>
                <button type="submit" class="btn btn-primary" data-testid="connect-submit"
                    disabled=move || pending() || is_web_method(&method.get()) || method.get().is_empty()>
                    {move || if pending() { t("Connecting…") } else { t("Connect") }}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// One copyable fact of the result: its label, its value and a copy button.
#[component]
fn CopyFact(
    #[prop(into)] label: String,
    #[prop(into)] value: String,
    #[prop(into)] copy_label: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{label}</dt>
            <dd><code data-testid=testid>{value.clone()}</code>" "<CopyButton text=value label=copy_label /></dd>
        </div>
    }
}

#[component]
fn ConnectResult(
    details: ConnectDetails,
    asset_name: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let now = use_clock();
    let shown_at = now.get_untracked();
    let expire_time = details.token.expire_time;
    let left = move || left_after(expire_time, now.get() - shown_at);
    let done = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = done.get() {
            let _ = el.focus();
        }
    });
    let method = details.token.connect_method.clone();
    let password = details.value.clone();
    let how = match method.as_str() {
        "ssh_client" | "sftp_client" => {
            let command = details.command.clone().unwrap_or_else(|| {
                if method == "sftp_client" {
                    format!("sftp -P {} {}@{}", details.port, details.username, details.host)
                } else {
                    format!("ssh {}@{} -p {}", details.username, details.host, details.port)
                }
            });
            view! {
                <p>{t("Run this command and paste the password when asked:")}</p>
                <dl class="facts facts-stacked">
                    <CopyFact label=t("Command") value=command copy_label=t("Copy command") testid="connect-command" />
                    <CopyFact label=t("Password") value=password copy_label=t("Copy password") testid="connect-password" />
                </dl>
                <p><a class="btn" href=details.client_url.clone() data-testid="connect-client-url">{t("Open in the JumpServer client")}</a></p>
            }
            .into_any()
        }
        "mstsc" => {
            let rdp = ServerAction::<TokenRdpFile>::new();
            let file_name = format!("{asset_name}.rdp");
            Effect::new(move |_| {
                if let Some(Ok(text)) = rdp.value().get() {
                    download_text(&file_name, &text);
                }
            });
            let id = details.token.id;
            view! {
                <p>{t("Open the downloaded file with Remote Desktop and paste the password when asked.")}</p>
                <p>
                    <button type="button" class="btn btn-primary" disabled=move || rdp.pending().get()
                        on:click=move |_| { rdp.dispatch(TokenRdpFile { id }); }>
                        {move || if rdp.pending().get() { t("Preparing…") } else { t("Download .rdp file") }}
                    </button>
                </p>
                {move || rdp.value().get().and_then(Result::err).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
                <dl class="facts">
                    <CopyFact label=t("Password") value=password copy_label=t("Copy password") testid="connect-password" />
                </dl>
            }
            .into_any()
        }
        "db_client" => view! {
            <p>{t("Enter these in your database client:")}</p>
            <dl class="facts">
                <CopyFact label=t("Host") value=details.host.clone() copy_label=t("Copy host") testid="connect-host" />
                <CopyFact label=t("Port") value=details.port.to_string() copy_label=t("Copy port") testid="connect-port" />
                <CopyFact label=t("Username") value=details.username.clone() copy_label=t("Copy username") testid="connect-username" />
                <CopyFact label=t("Password") value=password copy_label=t("Copy password") testid="connect-password" />
                {details.database.clone().filter(|d| !d.is_empty()).map(|db| view! {
                    <CopyFact label=t("Database") value=db copy_label=t("Copy database") testid="connect-database" />
                })}
            </dl>
        }
        .into_any(),
        _ => view! {
            <dl class="facts">
                <CopyFact label=t("Username") value=details.username.clone() copy_label=t("Copy username") testid="connect-username" />
                <CopyFact label=t("Password") value=password copy_label=t("Copy password") testid="connect-password" />
            </dl>
        }
        .into_any(),
    };
    view! {
        <div data-testid="connect-result">
            <p class="muted">
                {format!("{} · {} · {}", method_label(&method), details.token.account, details.token.protocol)}
            </p>
            <Banner kind="warning">{t("The password is shown only this once: copy it now.")}</Banner>
            <p data-testid="connect-expires" aria-live="off">
                {move || match left() {
                    0 => t("This token has expired. Close and connect again.").to_owned(),
                    n => tf("Expires in {time}", &[("time", format_left(n))]),
                }}
            </p>
            {how}
            <div class="form-actions">
                <a class="btn" href="/profile/tokens">{t("Connection tokens")}</a>
                <button type="button" class="btn btn-primary" node_ref=done on:click=move |_| on_close.run(())>{t("Done")}</button>
            </div>
        </div>
    }
}
