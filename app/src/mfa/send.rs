//! The "send a code" control of emailed and texted codes: a button, where
//! the code went and for how long, and a countdown until another may be
//! asked for.

use super::model::CodeSent;
use crate::common::AppError;
use crate::i18n::{t, tf};
use leptos::prelude::*;

#[component]
pub fn SendCodeControl(
    /// What the last request answered.
    #[prop(into)]
    result: Signal<Option<Result<CodeSent, AppError>>>,
    #[prop(into)] pending: Signal<bool>,
    on_send: Callback<()>,
    #[prop(into, default = t("Send code").into())] label: String,
) -> impl IntoView {
    let remaining = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(sent)) = result.get() {
            remaining.set(sent.resend_after_secs);
        }
    });
    // The countdown ticks only in the browser.
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if remaining.get_untracked() > 0 {
                    remaining.update(|n| *n -= 1);
                }
            },
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let label = StoredValue::new(label);
    let button_text = move || {
        let n = remaining.get();
        if pending.get() {
            t("Sending…").to_owned()
        } else if n > 0 {
            tf("Send again in {n} s", &[("n", n.to_string())])
        } else if matches!(result.get(), Some(Ok(_))) {
            t("Send a new code").to_owned()
        } else {
            label.get_value()
        }
    };
    view! {
        <div class="send-code">
            <button type="button" class="btn" data-testid="send-code"
                disabled=move || { pending.get() || remaining.get() != 0 }
                on:click=move |_| on_send.run(())>
                {button_text}
            </button>
            <p class="help" role="status" aria-live="polite">
                {move || match result.get() {
                    Some(Ok(sent)) => {
                        let minutes = sent.ttl_secs.div_ceil(60).to_string();
                        if sent.sent_to.is_empty() {
                            tf("Code sent. It is valid for {minutes} minutes.", &[("minutes", minutes)])
                        } else {
                            tf("Code sent to {to}. It is valid for {minutes} minutes.",
                                &[("to", sent.sent_to), ("minutes", minutes)])
                        }
                    }
                    _ => String::new(),
                }}
            </p>
            {move || match result.get() {
                Some(Err(e)) if !matches!(e, AppError::ConfirmRequired { .. }) => {
                    let text = e.field("phone").or_else(|| e.field("type")).unwrap_or_else(|| e.to_string());
                    Some(view! { <p class="field-error" role="alert" data-testid="send-code-error">{text}</p> })
                }
                _ => None,
            }}
        </div>
    }
}
