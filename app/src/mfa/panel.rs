//! The profile's second-factor panel: the authenticator's state, replacing
//! or removing it, and the recovery codes.

use super::api::{get_mfa_status, RegenerateRecoveryCodes, UnbindTotp};
use super::bind::RecoveryCodesView;
use super::confirm::use_confirm;
use super::model::MfaStatus;
use crate::common::AppError;
use crate::i18n::{t, tf};
use crate::ui::{input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn MfaPanel(account: String) -> impl IntoView {
    let unbind = ServerAction::<UnbindTotp>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let changed = RwSignal::new(0u32);
    let status = Resource::new(
        move || (unbind.version().get(), regenerate.version().get(), changed.get()),
        |_| get_mfa_status(),
    );
    let confirm = use_confirm();
    Effect::new(move |_| {
        if let Some(Err(e)) = regenerate.value().get() {
            confirm.intercept(&e, move || {
                regenerate.dispatch(RegenerateRecoveryCodes {});
            });
        }
    });
    let account = StoredValue::new(account);

    view! {
        <section class="card" aria-labelledby="auth-title">
            <h2 id="auth-title">{t("Two-step verification")}</h2>
            <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! { <StatusView status=s unbind regenerate changed /> }.into_any(),
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
            {move || match regenerate.value().get() {
                Some(Ok(codes)) => Some(view! { <RecoveryCodesView codes account=account.get_value() /> }.into_any()),
                Some(Err(e)) if !matches!(e, AppError::ConfirmRequired { .. }) => {
                    Some(view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any())
                }
                _ => None,
            }}
        </section>
    }
}

#[component]
fn StatusView(
    status: MfaStatus,
    unbind: ServerAction<UnbindTotp>,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let removing = RwSignal::new(false);
    let email_on = status.active.contains(&super::model::MfaKind::Email);
    let left = status.recovery_codes_left;
    let low = status.otp_bound && left <= MfaStatus::LOW_RECOVERY_CODES;
    view! {
        {status.forced.then(|| view! {
            <p class="muted">{t("Your organisation requires two-step verification for your account.")}</p>
        })}
        <dl class="facts">
            <div class="fact">
                <dt>{t("Authenticator app")}</dt>
                <dd data-testid="otp-state">{if status.otp_bound { t("Bound") } else { t("Not bound") }}</dd>
            </div>
            <div class="fact">
                <dt>{t("Recovery codes")}</dt>
                <dd data-testid="recovery-left">
                    {if status.otp_bound { tf("{left} of 10 left", &[("left", left.to_string())]) } else { t("None").to_owned() }}
                </dd>
            </div>
            {(status.email_offered || email_on).then(|| view! {
                <div class="fact">
                    <dt>{t("Email codes")}</dt>
                    <dd data-testid="email-state">{t("On: your administrator turned on codes by email for everyone")}</dd>
                </div>
            })}
        </dl>
        {low.then(|| view! {
            <Banner kind="warning">{tf("Only {left} recovery codes left. Make a new set before you run out.", &[("left", left.to_string())])}</Banner>
        })}
        <div class="form-actions">
            {if status.otp_bound {
                view! {
                    <a class="btn" href="/otp/bind">{t("Replace authenticator")}</a>
                    <button type="button" class="btn btn-danger" on:click=move |_| removing.set(true)>{t("Remove authenticator")}</button>
                    <button type="button" class="btn" disabled=move || regenerate.pending().get()
                        on:click=move |_| { regenerate.dispatch(RegenerateRecoveryCodes {}); }>
                        {t("New recovery codes")}
                    </button>
                }.into_any()
            } else {
                view! { <a class="btn btn-primary" href="/otp/bind">{t("Set up authenticator app")}</a> }.into_any()
            }}
        </div>
        <super::phone::SmsSection offered=status.sms_offered phone=status.sms_phone.clone() changed />
        <crate::face::enrol::FaceSection offered=status.face_offered enrolled=status.face_enrolled changed />
        <Show when=move || removing.get()>
            <RemoveDialog unbind on_close=Callback::new(move |()| removing.set(false)) />
        </Show>
    }
}

/// Removing the authenticator takes a current code from it.
#[component]
fn RemoveDialog(unbind: ServerAction<UnbindTotp>, on_close: Callback<()>) -> impl IntoView {
    let code = NodeRef::<html::Input>::new();
    let error = Signal::derive(move || {
        unbind
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.field("code").unwrap_or_else(|| e.to_string()))
    });
    let start = unbind.version().get_untracked();
    let confirm = use_confirm();
    let last_code = StoredValue::new(String::new());
    Effect::new(move |_| {
        if let Some(Err(e)) = unbind.value().get() {
            confirm.intercept(&e, move || {
                unbind.dispatch(UnbindTotp { code: last_code.get_value() });
            });
        }
    });
    Effect::new(move |_| {
        if unbind.version().get() > start && matches!(unbind.value().get(), Some(Ok(()))) {
            on_close.run(());
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        last_code.set_value(input_value(&code));
        unbind.dispatch(UnbindTotp { code: last_code.get_value() });
    };
    view! {
        <div class="modal-backdrop" on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { on_close.run(()) }>
            <div class="modal" on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev) role="alertdialog" aria-modal="true" aria-labelledby="remove-otp-title">
                <h2 id="remove-otp-title">{t("Remove the authenticator?")}</h2>
                <p>{t("Its codes and your recovery codes stop working. Enter a current code to confirm.")}</p>
                <form on:submit=on_submit novalidate>
                    <TextField id="remove-otp-code" label=t("Code from the app") name="code" node_ref=code
                        autocomplete="one-time-code" error=error required=true autofocus=true />
                    <div class="form-actions">
                        <button type="button" class="btn" on:click=move |_| on_close.run(())>{t("Cancel")}</button>
                        <button type="submit" class="btn btn-danger" disabled=move || unbind.pending().get()>{t("Remove")}</button>
                    </div>
                </form>
            </div>
        </div>
    }
}
