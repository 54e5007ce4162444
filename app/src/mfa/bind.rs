//! Binding an authenticator app: the QR code and the secret, the first code,
//! then the recovery codes, which must be saved before the binding counts.
//! Also the only page a user sees when MFA is required and none is bound.

use super::api::{start_totp_binding, ConfirmTotpBinding, FinishTotpBinding};
use super::confirm::{provide_confirm, ConfirmHost};
use super::model::{RecoveryCodes, TotpEnrollment};
use crate::i18n::{t, tf};
use crate::ui::{hard_navigate, input_value, print_page, Banner, CopyButton, TextField};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BindTotpPage() -> impl IntoView {
    let confirm = provide_confirm();
    let query = use_query_map();
    let setup = move || query.read().get("setup").as_deref() == Some("1");
    let attempt = RwSignal::new(0u32);
    // Client-side only: a secret is made when a person opens the page, not
    // when the page is rendered or prefetched.
    let enrollment = LocalResource::new(move || {
        attempt.track();
        start_totp_binding()
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = enrollment.get() {
            confirm.intercept(&e, move || attempt.update(|n| *n += 1));
        }
    });

    view! {
        <main class="auth-page">
            <section class="auth-card auth-card-wide" aria-labelledby="bind-title">
                <h1 id="bind-title">{t("Set up an authenticator app")}</h1>
                <Show when=setup>
                    <Banner kind="info">{t("Your organisation requires a second factor. Set one up to finish signing in.")}</Banner>
                </Show>
                <Suspense fallback=|| view! { <p class="loading" aria-busy="true">{t("Preparing a new secret…")}</p> }>
                    {move || Suspend::new(async move {
                        match enrollment.await {
                            Ok(e) => view! { <Enroll enrollment=e /> }.into_any(),
                            Err(crate::common::AppError::ConfirmRequired { .. }) => view! {
                                <p class="muted">{t("Confirm it is you to continue.")}</p>
                            }.into_any(),
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        }
                    })}
                </Suspense>
                <p class="muted"><a href=move || if setup() { "/login" } else { "/profile" }>
                    {move || if setup() { t("Sign in as someone else") } else { t("Back to your profile") }}
                </a></p>
            </section>
            <ConfirmHost />
        </main>
    }
}

#[component]
fn Enroll(enrollment: TotpEnrollment) -> impl IntoView {
    let code = NodeRef::<html::Input>::new();
    let verify = ServerAction::<ConfirmTotpBinding>::new();
    let codes = move || verify.value().get().and_then(Result::ok);
    let error = Signal::derive(move || {
        verify
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.field("code").unwrap_or_else(|| e.to_string()))
    });
    let secret = enrollment.secret.clone();
    let account = enrollment.account.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        verify.dispatch(ConfirmTotpBinding { code: input_value(&code) });
    };
    let grouped: String = secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");

    let done = Memo::new(move |_| codes().is_some());
    let qr_svg = enrollment.qr_svg.clone();
    let caption = tf(
        "Shown in the app as {issuer} ({account}).",
        &[("issuer", enrollment.issuer.as_str()), ("account", enrollment.account.as_str())],
    );
    let rebinding = enrollment.rebinding;
    let form = StoredValue::new((qr_svg, secret, grouped, caption));
    move || {
        if done.get() {
            let codes = codes().unwrap_or(RecoveryCodes(vec![]));
            return view! { <SaveCodes codes account=account.clone() /> }.into_any();
        }
        let (qr_svg, secret, grouped, caption) = form.get_value();
        view! {
            {rebinding.then(|| view! {
                <Banner kind="warning">{t("This replaces the authenticator you have now: its codes stop working.")}</Banner>
            })}
            <ol class="steps">
                <li>{t("Open an authenticator app: Google Authenticator, Microsoft Authenticator, FreeOTP, Aegis, 1Password or Bitwarden.")}</li>
                <li>{t("Scan this QR code, or type the secret below.")}</li>
                <li>{t("Enter the 6-digit code the app shows.")}</li>
            </ol>
            <div class="qr" role="img" aria-label=t("QR code for your authenticator app") inner_html=qr_svg></div>
            <div class="secret-row">
                <span class="muted">{t("Secret")}</span>
                <code class="secret" data-testid="totp-secret" data-secret=secret.clone()>{grouped}</code>
                <CopyButton text=Signal::derive(move || secret.clone()) label=t("Copy") />
            </div>
            <p class="muted small">{caption}</p>
            <form on:submit=on_submit novalidate>
                <TextField id="totp-code" label=t("Code from the app") name="code" node_ref=code
                    autocomplete="one-time-code" help=t("6 digits; a new one every 30 seconds.") error=error required=true />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || verify.pending().get()>
                    {move || if verify.pending().get() { t("Checking…") } else { t("Verify") }}
                </button>
            </form>
        }
        .into_any()
    }
}

#[component]
fn SaveCodes(codes: RecoveryCodes, account: String) -> impl IntoView {
    let saved = RwSignal::new(false);
    let finish = ServerAction::<FinishTotpBinding>::new();
    Effect::new(move |_| {
        if let Some(Ok(dest)) = finish.value().get() {
            hard_navigate(&dest);
        }
    });
    view! {
        <Banner kind="success">{t("The code is right. One last step: save your recovery codes.")}</Banner>
        <RecoveryCodesView codes account />
        <label class="checkbox">
            <input type="checkbox" id="codes-saved" on:change=move |ev| saved.set(event_target_checked(&ev)) />
            {t("I have saved these recovery codes somewhere safe.")}
        </label>
        {move || finish.value().get().and_then(|r| r.err()).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
        <button type="button" class="btn btn-primary btn-block" id="finish-binding"
            disabled=move || !saved.get() || finish.pending().get()
            on:click=move |_| { finish.dispatch(FinishTotpBinding {}); }>
            {t("Finish")}
        </button>
    }
}

/// Fresh recovery codes with copy, download and print. Shown once.
#[component]
pub fn RecoveryCodesView(codes: RecoveryCodes, account: String) -> impl IntoView {
    let text = codes.as_text(&account);
    let href = format!("data:text/plain;charset=utf-8,{}", crate::ui::encode_query_value(&text));
    let all = codes.0.join("\n");
    view! {
        <section class="recovery" aria-labelledby="recovery-title">
            <h2 id="recovery-title">{t("Recovery codes")}</h2>
            <p class="muted">{t("Each code signs you in once if you lose your phone. They are shown only now.")}</p>
            <ol class="codes" data-testid="recovery-codes">
                {codes.0.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            <div class="form-actions">
                <CopyButton text=Signal::derive(move || all.clone()) label=t("Copy") />
                <a class="btn btn-small" href=href download="bastion-profile-recovery-codes.txt">{t("Download")}</a>
                <button type="button" class="btn btn-small" on:click=move |_| print_page()>{t("Print")}</button>
            </div>
        </section>
    }
}
