//! The MFA step of sign-in: the password was right; now a second factor.

use super::api::{mfa_step_choices, PassMfaStep, SendMfaCode};
use super::confirm::KindPicker;
use super::model::MfaKind;
use super::send::SendCodeControl;
use crate::face::camera::{FaceCamera, FaceOutcome};
use crate::face::model::FacePurpose;
use crate::i18n::t;
use crate::ui::{hard_navigate, input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MfaStepPage() -> impl IntoView {
    let choices = Resource::new(|| (), |_| mfa_step_choices());
    view! {
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="mfa-title">
                // As on the sign-in page: the language can still change here.
                <div class="form-actions auth-lang">
                    <crate::i18n::LangSelect />
                </div>
                <h1 id="mfa-title">{t("Two-step verification")}</h1>
                <Suspense fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading…")}</p> }>
                    {move || Suspend::new(async move {
                        match choices.await {
                            Ok(kinds) if !kinds.is_empty() => view! { <StepForm kinds /> }.into_any(),
                            Ok(_) => view! { <Banner kind="error">{t("No second factor is set up for this account.")}</Banner> }.into_any(),
                            Err(_) => view! {
                                <Banner kind="error">{t("This sign-in expired. Enter your password again.")}</Banner>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                <p class="muted"><a href="/login">{t("Start again")}</a></p>
            </section>
        </main>
    }
}

#[component]
fn StepForm(kinds: Vec<MfaKind>) -> impl IntoView {
    let query = use_query_map();
    let selected = RwSignal::new(kinds.first().copied());
    let code = NodeRef::<html::Input>::new();
    let action = ServerAction::<PassMfaStep>::new();
    Effect::new(move |_| {
        if let Some(Ok(dest)) = action.value().get() {
            hard_navigate(&dest);
        }
    });
    let error = Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.field("code").unwrap_or_else(|| e.to_string()))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(kind) = selected.get_untracked() {
            action.dispatch(PassMfaStep {
                kind,
                code: input_value(&code),
                next: query.read_untracked().get("next"),
            });
        }
    };
    let send = ServerAction::<SendMfaCode>::new();
    // A code sent for one kind says nothing about another.
    let sent_for = RwSignal::new(None::<MfaKind>);
    let sent =
        Signal::derive(move || send.value().get().filter(|_| sent_for.get() == selected.get()));
    let on_send = Callback::new(move |()| {
        if let Some(kind) = selected.get_untracked() {
            sent_for.set(Some(kind));
            send.dispatch(SendMfaCode { kind });
        }
    });
    let help = move || selected.get().map(|k| t(k.prompt())).unwrap_or_default();
    let show_picker = kinds.len() > 1;
    view! {
        <form on:submit=on_submit novalidate>
            {show_picker.then(|| view! { <KindPicker kinds=kinds.clone() selected /> })}
            {move || selected.get().filter(|k| k.is_sent()).map(|_| view! {
                <SendCodeControl result=sent pending=send.pending() on_send />
            })}
            <p class="help" data-testid="mfa-prompt">{help}</p>
            {move || if selected.get() == Some(MfaKind::Face) {
                let on_done = Callback::new(move |outcome| {
                    if let FaceOutcome::Passed(challenge) = outcome {
                        action.dispatch(PassMfaStep {
                            kind: MfaKind::Face,
                            code: challenge,
                            next: query.read_untracked().get("next"),
                        });
                    }
                });
                view! {
                    <FaceCamera purpose=FacePurpose::Login on_done />
                    {move || error.get().map(|e| view! { <Banner kind="error">{e}</Banner> })}
                }.into_any()
            } else {
                view! {
                    <TextField id="mfa-code" label=t("Code") name="code" node_ref=code autocomplete="one-time-code"
                        error=error required=true autofocus=true />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { t("Verifying…") } else { t("Verify") }}
                    </button>
                }.into_any()
            }}
        </form>
    }
}
