//! `/profile/tokens`: the person's connection tokens that have not expired,
//! each counting down, with "Expire" and, when allowed, "Reusable".

use super::api::{my_tokens, reuse_allowed, ExpireToken, SetTokenReusable};
use super::clock::{format_left, left_after, use_clock};
use super::dialog::method_label;
use super::model::TokenRecord;
use crate::i18n::{t, tf};
use crate::ui::{ActivePill, Banner, ConfirmDialog};
use leptos::prelude::*;

#[component]
pub fn TokensPage() -> impl IntoView {
    let expire = ServerAction::<ExpireToken>::new();
    let reuse = ServerAction::<SetTokenReusable>::new();
    let reload = RwSignal::new(0u32);
    let tokens = Resource::new(
        move || (expire.version().get(), reuse.version().get(), reload.get()),
        |_| my_tokens(),
    );
    let allowed = Resource::new(|| (), |_| reuse_allowed());
    let now = use_clock();
    let expiring = RwSignal::new(None::<TokenRecord>);
    let action_error = move || {
        expire
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reuse.value().get().and_then(Result::err))
    };

    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Connection tokens")}</h1>
                <p class="muted">
                    {t("Tokens you took to connect to your assets. A token stops working when it expires or when you expire it. ")}
                    <a href="/profile/assets">{t("Connect to an asset")}</a>
                </p>
            </header>
            {move || action_error().map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <section aria-labelledby="tokens-title">
                <h2 id="tokens-title" class="sr-only">{t("Your connection tokens")}</h2>
                <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading your tokens…")}</p> }>
                    {move || Suspend::new(async move {
                        let reuse_ok = allowed.await.unwrap_or(false);
                        match tokens.await {
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted" data-testid="no-tokens">{t("You have no connection tokens that are still valid.")}</p>
                            }.into_any(),
                            Ok(list) => view! { <TokenTable tokens=list now reuse_ok reuse reload expiring /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            {move || expiring.get().map(|tok| {
                let id = tok.id;
                view! {
                    <ConfirmDialog title=t("Expire this connection token?") confirm_label=t("Expire")
                        on_cancel=Callback::new(move |()| expiring.set(None))
                        on_confirm=Callback::new(move |()| { expire.dispatch(ExpireToken { id }); expiring.set(None); })>
                        <p>{tf("Clients using it for {asset} can no longer connect with it. This cannot be undone.", &[("asset", tok.asset_display.as_str())])}</p>
                    </ConfirmDialog>
                }
            })}
        </div>
    }
}

#[component]
fn TokenTable(
    tokens: Vec<TokenRecord>,
    now: RwSignal<i64>,
    reuse_ok: bool,
    reuse: ServerAction<SetTokenReusable>,
    reload: RwSignal<u32>,
    expiring: RwSignal<Option<TokenRecord>>,
) -> impl IntoView {
    // The server counted the seconds left when it answered: count on from now.
    let loaded_at = now.get_untracked();
    view! {
        <div class="table-wrap">
            <table class="table table-compact" data-testid="tokens-table">
                <thead><tr>
                    <th scope="col">{t("Asset")}</th><th scope="col">{t("Account")}</th>
                    <th scope="col">{t("Protocol")}</th><th scope="col">{t("Connect method")}</th>
                    <th scope="col">{t("Created")}</th><th scope="col">{t("Expires in")}</th>
                    <th scope="col">{t("Reusable")}</th><th scope="col">{t("Status")}</th>
                    <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                </tr></thead>
                <tbody>
                    {tokens.into_iter().map(|tok| view! {
                        <TokenRow tok now loaded_at reuse_ok reuse reload expiring />
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TokenRow(
    tok: TokenRecord,
    now: RwSignal<i64>,
    loaded_at: i64,
    reuse_ok: bool,
    reuse: ServerAction<SetTokenReusable>,
    reload: RwSignal<u32>,
    expiring: RwSignal<Option<TokenRecord>>,
) -> impl IntoView {
    let id = tok.id;
    let expire_time = tok.expire_time;
    let left = Memo::new(move |_| left_after(expire_time, now.get() - loaded_at));
    // Once the countdown reaches zero the list is read again, which drops
    // the row. A row that came already at zero does not ask again, so a
    // server that still lists it cannot make the page loop.
    Effect::new(move |fired: Option<bool>| {
        let done = fired.unwrap_or(false);
        if !done && expire_time > 0 && left.get() == 0 {
            reload.update(|n| *n += 1);
            return true;
        }
        done
    });
    let account = if tok.input_username.is_empty() || tok.input_username == tok.account {
        tok.account.clone()
    } else {
        format!("{} ({})", tok.account, tok.input_username)
    };
    let asset = tok.asset_display.clone();
    let reusable = tok.is_reusable;
    let active = tok.is_active;
    let for_expire = tok.clone();
    let switch_label = tf("Reusable: {asset}", &[("asset", asset.as_str())]);
    view! {
        <tr data-testid="token-row" data-token-id=id.to_string()>
            <td class="small" data-testid="token-asset">{asset.clone()}</td>
            <td data-testid="token-account">{account}</td>
            <td data-testid="token-protocol">{tok.protocol.clone()}</td>
            <td data-testid="token-method">{method_label(&tok.connect_method)}</td>
            <td class="small" data-testid="token-created">{tok.date_created.display_short()}</td>
            <td data-testid="token-expires">
                {move || match left.get() {
                    0 => t("Expired").to_owned(),
                    n => format_left(n),
                }}
            </td>
            <td data-testid="token-reusable">
                {if reuse_ok {
                    view! {
                        <input type="checkbox" role="switch" aria-label=switch_label prop:checked=reusable
                            disabled=move || reuse.pending().get()
                            on:change=move |ev| { reuse.dispatch(SetTokenReusable { id, reusable: event_target_checked(&ev) }); } />
                    }.into_any()
                } else {
                    view! { <span>{if reusable { t("Yes") } else { t("No") }}</span> }.into_any()
                }}
            </td>
            <td data-testid="token-active">
                <ActivePill active=active />
            </td>
            <td class="row-actions">
                <button type="button" class="btn btn-small btn-danger"
                    aria-label=tf("Expire the token for {asset}", &[("asset", asset.as_str())])
                    on:click=move |_| expiring.set(Some(for_expire.clone()))>{t("Expire")}</button>
            </td>
        </tr>
    }
}
