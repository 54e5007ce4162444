//! Codes by SMS on the profile: a phone number is used only after a code
//! sent to it came back; removing it needs a confirmation.

use super::api::{FinishPhoneBinding, RemoveSms, StartPhoneBinding};
use super::confirm::use_confirm;
use super::send::SendCodeControl;
use crate::common::AppError;
use crate::i18n::{t, tf};
use crate::ui::{input_value, Banner, ConfirmDialog, TextField};
use leptos::html;
use leptos::prelude::*;

/// The SMS row of the two-step panel. `changed` is bumped after a change.
#[component]
pub fn SmsSection(offered: bool, phone: Option<String>, changed: RwSignal<u32>) -> impl IntoView {
    let binding = RwSignal::new(false);
    let removing = RwSignal::new(false);
    let remove = ServerAction::<RemoveSms>::new();
    let confirm = use_confirm();
    Effect::new(move |_| match remove.value().get() {
        Some(Err(e)) => {
            confirm.intercept(&e, move || {
                remove.dispatch(RemoveSms {});
            });
        }
        Some(Ok(())) => changed.update(|n| *n += 1),
        None => {}
    });
    let state = match &phone {
        Some(p) => tf("On: codes go to {phone}", &[("phone", p)]),
        None if offered => t("Not set up").to_owned(),
        None => t("Not offered on this server").to_owned(),
    };
    let has_phone = phone.is_some();
    view! {
        <dl class="facts">
            <div class="fact">
                <dt>{t("SMS codes")}</dt>
                <dd data-testid="sms-state">{state}</dd>
            </div>
        </dl>
        <div class="form-actions">
            {has_phone.then(|| view! {
                <button type="button" class="btn btn-danger" on:click=move |_| removing.set(true)>{t("Stop SMS codes")}</button>
            })}
            {(offered && !has_phone).then(|| view! {
                <button type="button" class="btn" on:click=move |_| binding.set(true)
                    disabled=move || binding.get()>{t("Set up SMS codes")}</button>
            })}
        </div>
        {move || match remove.value().get() {
            Some(Err(e)) if !matches!(e, AppError::ConfirmRequired { .. }) => {
                Some(view! { <Banner kind="error">{e.to_string()}</Banner> })
            }
            _ => None,
        }}
        <Show when=move || binding.get()>
            <PhoneBinding on_done=Callback::new(move |()| { binding.set(false); changed.update(|n| *n += 1); })
                on_cancel=Callback::new(move |()| binding.set(false)) />
        </Show>
        <Show when=move || removing.get()>
            <ConfirmDialog title=t("Stop SMS codes?") confirm_label=t("Stop SMS codes")
                on_confirm=Callback::new(move |()| { removing.set(false); remove.dispatch(RemoveSms {}); })
                on_cancel=Callback::new(move |()| removing.set(false))>
                <p>{t("Codes will no longer be texted to this number. You can set it up again later.")}</p>
            </ConfirmDialog>
        </Show>
    }
}

#[component]
fn PhoneBinding(on_done: Callback<()>, on_cancel: Callback<()>) -> impl IntoView {
    let phone = NodeRef::<html::Input>::new();
    let code = NodeRef::<html::Input>::new();
    let start = ServerAction::<StartPhoneBinding>::new();
    let finish = ServerAction::<FinishPhoneBinding>::new();
    let confirm = use_confirm();
    let last_phone = StoredValue::new(String::new());
    let last_code = StoredValue::new(String::new());
    Effect::new(move |_| {
        if let Some(Err(e)) = start.value().get() {
            confirm.intercept(&e, move || {
                start.dispatch(StartPhoneBinding { phone: last_phone.get_value() });
            });
        }
    });
    Effect::new(move |_| match finish.value().get() {
        Some(Err(e)) => {
            confirm.intercept(&e, move || {
                finish.dispatch(FinishPhoneBinding { code: last_code.get_value() });
            });
        }
        Some(Ok(())) => on_done.run(()),
        None => {}
    });
    let phone_error = Signal::derive(move || {
        start.value().get().and_then(|r| r.err()).and_then(|e| e.field("phone"))
    });
    let code_error = Signal::derive(move || {
        finish
            .value()
            .get()
            .and_then(|r| r.err())
            .filter(|e| !matches!(e, AppError::ConfirmRequired { .. }))
            .map(|e| e.field("code").unwrap_or_else(|| e.to_string()))
    });
    let on_send = Callback::new(move |()| {
        last_phone.set_value(input_value(&phone));
        start.dispatch(StartPhoneBinding { phone: last_phone.get_value() });
    });
    // Errors about the number show beside the number; the rest beside the button.
    let sent = Signal::derive(move || {
        start.value().get().filter(|r| r.as_ref().err().and_then(|e| e.field("phone")).is_none())
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        last_code.set_value(input_value(&code));
        finish.dispatch(FinishPhoneBinding { code: last_code.get_value() });
    };
    view! {
        <form class="inline-form" on:submit=on_submit novalidate aria-label=t("Set up SMS codes")>
            <TextField id="sms-phone" label=t("Mobile phone number") name="phone" kind="tel" node_ref=phone
                autocomplete="tel" placeholder="+86 138 0013 8000"
                help=t("With the country code. A code is texted to it; the number is used only once that code comes back.")
                error=phone_error required=true autofocus=true />
            <SendCodeControl result=sent pending=start.pending() on_send />
            <TextField id="sms-code" label=t("Code from the text message") name="code" node_ref=code
                autocomplete="one-time-code" error=code_error required=true />
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>{t("Cancel")}</button>
                <button type="submit" class="btn btn-primary" disabled=move || finish.pending().get()>
                    {move || if finish.pending().get() { t("Checking…") } else { t("Use this number") }}
                </button>
            </div>
        </form>
    }
}
