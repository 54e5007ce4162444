//! The administrators' security settings page.

use super::api::{get_security_settings, SaveSecuritySettings};
use super::model::SecuritySettings;
use crate::common::AppError;
use crate::ui::{input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn SecuritySettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSecuritySettings>::new();
    let current = Resource::new(|| (), |_| get_security_settings());
    view! {
        <div class="page">
            <header class="page-header">
                <h1>"Security settings"</h1>
                <p class="muted">"Who must use two-step verification, and how sign-in failures are handled."</p>
            </header>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(s) => view! { <SettingsForm settings=s save /> }.into_any(),
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn SettingsForm(
    settings: SecuritySettings,
    save: ServerAction<SaveSecuritySettings>,
) -> impl IntoView {
    let policy = NodeRef::<html::Select>::new();
    let refs: [NodeRef<html::Input>; 8] = std::array::from_fn(|_| NodeRef::new());
    let [issuer, window, count, minutes, ip_count, ip_minutes, confirm_ttl, token_ttl] = refs;
    let error = move || save.value().get().and_then(|r| r.err());
    let field =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let number =
        |r: &NodeRef<html::Input>| input_value(r).trim().parse::<u32>().unwrap_or(u32::MAX);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = SecuritySettings {
            mfa_policy: policy
                .get_untracked()
                .map(|s| s.value())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            otp_issuer: input_value(&issuer),
            otp_window: u8::try_from(number(&window)).unwrap_or(u8::MAX),
            login_limit_count: number(&count),
            login_limit_minutes: number(&minutes),
            ip_limit_count: number(&ip_count),
            ip_limit_minutes: number(&ip_minutes),
            mfa_confirm_minutes: number(&confirm_ttl),
            token_lifetime_secs: number(&token_ttl),
        };
        save.dispatch(SaveSecuritySettings { settings });
    };
    let p = settings.mfa_policy;
    view! {
        {move || match save.value().get() {
            Some(Ok(_)) => Some(view! { <Banner kind="success">"Saved."</Banner> }.into_any()),
            Some(Err(e)) if !matches!(e, AppError::Invalid { .. }) => Some(view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any()),
            _ => None,
        }}
        <form class="card form-grid" on:submit=on_submit novalidate>
            <div class="field">
                <label for="set-mfa-policy">"Require two-step verification for"</label>
                <select id="set-mfa-policy" node_ref=policy>
                    <option value="0" selected=p == 0>"Nobody (users choose)"</option>
                    <option value="1" selected=p == 1>"Everyone"</option>
                    <option value="2" selected=p == 2>"Administrators"</option>
                </select>
                <p class="help">"Users required to use it and without a factor are sent to set one up when they sign in."</p>
            </div>
            <TextField id="set-issuer" label="Authenticator issuer name" name="OTP_ISSUER_NAME" node_ref=issuer
                value=settings.otp_issuer.clone() help="Shown in authenticator apps; at most 16 characters." error=field("OTP_ISSUER_NAME") />
            <TextField id="set-window" label="Accepted clock drift (steps of 30 s, 0-2)" name="OTP_VALID_WINDOW" node_ref=window
                kind="number" value=settings.otp_window.to_string() error=field("OTP_VALID_WINDOW") />
            <TextField id="set-count" label="Failed attempts before a user is blocked" name="SECURITY_LOGIN_LIMIT_COUNT" node_ref=count
                kind="number" value=settings.login_limit_count.to_string() help="Passwords and codes are counted apart." error=field("SECURITY_LOGIN_LIMIT_COUNT") />
            <TextField id="set-minutes" label="Block time (minutes)" name="SECURITY_LOGIN_LIMIT_TIME" node_ref=minutes
                kind="number" value=settings.login_limit_minutes.to_string() error=field("SECURITY_LOGIN_LIMIT_TIME") />
            <TextField id="set-ip-count" label="Failed sign-ins from one IP before it is blocked" name="SECURITY_LOGIN_IP_LIMIT_COUNT" node_ref=ip_count
                kind="number" value=settings.ip_limit_count.to_string() error=field("SECURITY_LOGIN_IP_LIMIT_COUNT") />
            <TextField id="set-ip-minutes" label="IP block time (minutes)" name="SECURITY_LOGIN_IP_LIMIT_TIME" node_ref=ip_minutes
                kind="number" value=settings.ip_limit_minutes.to_string() error=field("SECURITY_LOGIN_IP_LIMIT_TIME") />
            <TextField id="set-confirm" label="A confirmation with a code lasts (minutes)" name="SECURITY_MFA_CONFIRM_TTL" node_ref=confirm_ttl
                kind="number" value=settings.mfa_confirm_minutes.to_string() help="A password confirmation always lasts 5 minutes." error=field("SECURITY_MFA_CONFIRM_TTL") />
            <TextField id="set-token" label="API token lifetime (seconds)" name="TOKEN_EXPIRATION" node_ref=token_ttl
                kind="number" value=settings.token_lifetime_secs.to_string() error=field("TOKEN_EXPIRATION") />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
            </div>
        </form>
    }
}
