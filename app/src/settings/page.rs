//! The administrators' security settings page.

use super::api::{get_security_settings, SaveSecuritySettings};
use super::model::SecuritySettings;
use crate::common::AppError;
use crate::i18n::{localize, t, tf};
use crate::ui::{input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn SecuritySettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSecuritySettings>::new();
    let current = Resource::new(
        || (),
        |_| async {
            (get_security_settings().await, crate::face::api::get_face_admin_status().await)
        },
    );
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Security settings")}</h1>
                <p class="muted">{t("Who must use two-step verification, and how sign-in failures are handled.")}</p>
            </header>
            <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        (Ok(s), face) => view! { <SettingsForm settings=s face save /> }.into_any(),
                        (Err(e), _) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn SettingsForm(
    settings: SecuritySettings,
    face: Result<crate::face::model::FaceAdminStatus, AppError>,
    save: ServerAction<SaveSecuritySettings>,
) -> impl IntoView {
    let policy = NodeRef::<html::Select>::new();
    let refs: [NodeRef<html::Input>; 8] = std::array::from_fn(|_| NodeRef::new());
    let [issuer, window, count, minutes, ip_count, ip_minutes, confirm_ttl, token_ttl] = refs;
    let pw_refs: [NodeRef<html::Input>; 5] = std::array::from_fn(|_| NodeRef::new());
    let [pw_min, pw_min_mfa, pw_history, pw_expiry, key_limit] = pw_refs;
    let class_refs: [NodeRef<html::Input>; 4] = std::array::from_fn(|_| NodeRef::new());
    let [pw_upper, pw_lower, pw_digit, pw_special] = class_refs;
    let min_score = NodeRef::<html::Select>::new();
    let (onetime_ttl, reusable_ttl, reusable) = (
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
    );
    let (face_on, face_threshold) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new());
    let checked = |r: &NodeRef<html::Input>| r.get_untracked().is_some_and(|el| el.checked());
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
            password_min_length: number(&pw_min),
            password_min_length_mfa: number(&pw_min_mfa),
            password_upper: checked(&pw_upper),
            password_lower: checked(&pw_lower),
            password_digit: checked(&pw_digit),
            password_special: checked(&pw_special),
            password_min_score: min_score
                .get_untracked()
                .and_then(|s| s.value().parse().ok())
                .unwrap_or(u8::MAX),
            password_history: number(&pw_history),
            password_expiry_days: number(&pw_expiry),
            ssh_key_limit: number(&key_limit),
            connection_token_onetime_secs: number(&onetime_ttl),
            connection_token_reusable_secs: number(&reusable_ttl),
            connection_token_reusable: checked(&reusable),
            face_enabled: checked(&face_on),
            face_threshold: input_value(&face_threshold).trim().parse::<f64>().unwrap_or(f64::NAN),
        };
        save.dispatch(SaveSecuritySettings { settings });
    };
    let p = settings.mfa_policy;
    let score = settings.password_min_score;
    view! {
        {move || match save.value().get() {
            Some(Ok(_)) => Some(view! { <Banner kind="success">{t("Saved.")}</Banner> }.into_any()),
            Some(Err(e)) if !matches!(e, AppError::Invalid { .. }) => Some(view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any()),
            _ => None,
        }}
        <form class="card form-grid" on:submit=on_submit novalidate>
            <div class="field">
                <label for="set-mfa-policy">{t("Require two-step verification for")}</label>
                <select id="set-mfa-policy" node_ref=policy>
                    <option value="0" selected=p == 0>{t("Nobody (users choose)")}</option>
                    <option value="1" selected=p == 1>{t("Everyone")}</option>
                    <option value="2" selected=p == 2>{t("Administrators")}</option>
                </select>
                <p class="help">{t("Users required to use it and without a factor are sent to set one up when they sign in.")}</p>
            </div>
            <TextField id="set-issuer" label=t("Authenticator issuer name") name="OTP_ISSUER_NAME" node_ref=issuer
                value=settings.otp_issuer.clone() help=t("Shown in authenticator apps; at most 16 characters.") error=field("OTP_ISSUER_NAME") />
            <TextField id="set-window" label=t("Accepted clock drift (steps of 30 s, 0-2)") name="OTP_VALID_WINDOW" node_ref=window
                kind="number" value=settings.otp_window.to_string() error=field("OTP_VALID_WINDOW") />
            <TextField id="set-count" label=t("Failed attempts before a user is blocked") name="SECURITY_LOGIN_LIMIT_COUNT" node_ref=count
                kind="number" value=settings.login_limit_count.to_string() help=t("Passwords and codes are counted apart.") error=field("SECURITY_LOGIN_LIMIT_COUNT") />
            <TextField id="set-minutes" label=t("Block time (minutes)") name="SECURITY_LOGIN_LIMIT_TIME" node_ref=minutes
                kind="number" value=settings.login_limit_minutes.to_string() error=field("SECURITY_LOGIN_LIMIT_TIME") />
            <TextField id="set-ip-count" label=t("Failed sign-ins from one IP before it is blocked") name="SECURITY_LOGIN_IP_LIMIT_COUNT" node_ref=ip_count
                kind="number" value=settings.ip_limit_count.to_string() error=field("SECURITY_LOGIN_IP_LIMIT_COUNT") />
            <TextField id="set-ip-minutes" label=t("IP block time (minutes)") name="SECURITY_LOGIN_IP_LIMIT_TIME" node_ref=ip_minutes
                kind="number" value=settings.ip_limit_minutes.to_string() error=field("SECURITY_LOGIN_IP_LIMIT_TIME") />
            <TextField id="set-confirm" label=t("A confirmation with a code lasts (minutes)") name="SECURITY_MFA_CONFIRM_TTL" node_ref=confirm_ttl
                kind="number" value=settings.mfa_confirm_minutes.to_string() help=t("A password confirmation always lasts 5 minutes.") error=field("SECURITY_MFA_CONFIRM_TTL") />
            <TextField id="set-token" label=t("API token lifetime (seconds)") name="TOKEN_EXPIRATION" node_ref=token_ttl
                kind="number" value=settings.token_lifetime_secs.to_string() error=field("TOKEN_EXPIRATION") />
            <h2 class="form-section">{t("Passwords and SSH keys")}</h2>
            <TextField id="set-pw-min" label=t("Minimum password length without two-step verification") name="SECURITY_PASSWORD_MIN_LENGTH" node_ref=pw_min
                kind="number" value=settings.password_min_length.to_string() help=t("6-64. NIST SP 800-63B-4 asks for 15 when the password is the only factor.") error=field("SECURITY_PASSWORD_MIN_LENGTH") />
            <TextField id="set-pw-min-mfa" label=t("Minimum password length with two-step verification") name="SECURITY_PASSWORD_MIN_LENGTH_MFA" node_ref=pw_min_mfa
                kind="number" value=settings.password_min_length_mfa.to_string() help=t("6-64. NIST asks for 8 when the password is one of two factors.") error=field("SECURITY_PASSWORD_MIN_LENGTH_MFA") />
            <fieldset class="field checks">
                <legend>{t("Also require (off by default: such rules make passwords weaker in practice)")}</legend>
                <label><input type="checkbox" node_ref=pw_upper checked=settings.password_upper />" "{t("An uppercase letter")}</label>
                <label><input type="checkbox" node_ref=pw_lower checked=settings.password_lower />" "{t("A lowercase letter")}</label>
                <label><input type="checkbox" node_ref=pw_digit checked=settings.password_digit />" "{t("A digit")}</label>
                <label><input type="checkbox" node_ref=pw_special checked=settings.password_special />" "{t("A special character")}</label>
            </fieldset>
            <div class="field">
                <label for="set-pw-score">{t("Lowest password strength accepted")}</label>
                <select id="set-pw-score" node_ref=min_score>
                    {(0u8..=4).map(|n| view! {
                        <option value=n.to_string() selected=n == score>
                            {if n == 0 {
                                t("Any (no strength rule)").to_owned()
                            } else {
                                let label = localize(crate::password::model::score_label(n)).into_owned();
                                tf("{label} ({n} of 4)", &[("label", label), ("n", n.to_string())])
                            }}
                        </option>
                    }).collect_view()}
                </select>
                <p class="help">{t("The strength meter users see while typing; common passwords are refused at any setting.")}</p>
                <p class="field-error" role="alert">{move || field("SECURITY_PASSWORD_MIN_SCORE").get()}</p>
            </div>
            <TextField id="set-pw-history" label=t("Earlier passwords that cannot be reused") name="OLD_PASSWORD_HISTORY_LIMIT_COUNT" node_ref=pw_history
                kind="number" value=settings.password_history.to_string() help=t("0-30; 0 turns the rule off.") error=field("OLD_PASSWORD_HISTORY_LIMIT_COUNT") />
            <TextField id="set-pw-expiry" label=t("Passwords expire after (days)") name="SECURITY_PASSWORD_EXPIRATION_TIME" node_ref=pw_expiry
                kind="number" value=settings.password_expiry_days.to_string() help=t("0 means never (NIST advises against routine expiry). Users with an expired password must change it at their next sign-in.") error=field("SECURITY_PASSWORD_EXPIRATION_TIME") />
            <TextField id="set-key-limit" label=t("SSH keys per user") name="TERMINAL_SSH_KEY_LIMIT_COUNT" node_ref=key_limit
                kind="number" value=settings.ssh_key_limit.to_string() error=field("TERMINAL_SSH_KEY_LIMIT_COUNT") />
            <h2 class="form-section">{t("Connection tokens")}</h2>
            <TextField id="set-token-onetime" label=t("A one-time connection token lasts (seconds)") name="CONNECTION_TOKEN_ONETIME_EXPIRATION" node_ref=onetime_ttl
                kind="number" value=settings.connection_token_onetime_secs.to_string() help=t("60-3600. It also stops working once a component has used it.") error=field("CONNECTION_TOKEN_ONETIME_EXPIRATION") />
            <TextField id="set-token-reusable-ttl" label=t("A reusable connection token lasts (seconds)") name="CONNECTION_TOKEN_REUSABLE_EXPIRATION" node_ref=reusable_ttl
                kind="number" value=settings.connection_token_reusable_secs.to_string() help=t("3600-31536000 (one hour to a year); 2592000 is 30 days.") error=field("CONNECTION_TOKEN_REUSABLE_EXPIRATION") />
            <div class="field checks">
                <label><input type="checkbox" id="set-token-reusable" node_ref=reusable checked=settings.connection_token_reusable />" "{t("People may make their connection tokens reusable")}</label>
                <p class="help">{t("A reusable token can be redeemed until it expires: anyone who learns it can connect meanwhile.")}</p>
            </div>
            <h2 class="form-section">{t("Face recognition")}</h2>
            <div class="field checks">
                <label><input type="checkbox" id="set-face-on" node_ref=face_on checked=settings.face_enabled />" "{t("Offer face recognition as a second factor")}</label>
                <p class="help">{t("People enrol their face on their profile; it is then one of their two-step choices.")}</p>
            </div>
            <TextField id="set-face-threshold" label=t("Match threshold (cosine similarity)") name="FACE_RECOGNITION_THRESHOLD" node_ref=face_threshold
                kind="number" value=settings.face_threshold.to_string()
                help=tf("0.5-0.95; {default} by default. Higher refuses more look-alikes and more real matches in poor light.", &[("default", SecuritySettings::DEFAULT_FACE_THRESHOLD.to_string())])
                error=field("FACE_RECOGNITION_THRESHOLD") />
            <crate::face::admin::FaceEngineStatusView status=face />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t("Saving…") } else { t("Save") }}
                </button>
            </div>
        </form>
    }
}
