//! Re-authentication before sensitive actions. The server answers such an
//! action with `AppError::ConfirmRequired` (HTTP 412); any page passes that
//! error to [`ConfirmCtx::intercept`], one dialog asks for the password or a
//! code, and the original action runs again.

use super::api::{get_confirm_options, ConfirmIdentity, SendMfaCode};
use super::model::MfaKind;
use super::send::SendCodeControl;
use crate::common::AppError;
use crate::face::camera::{FaceCamera, FaceOutcome};
use crate::face::model::FacePurpose;
use crate::i18n::t;
use crate::ui::{input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct ConfirmCtx {
    retry: RwSignal<Option<Callback<()>>>,
}

impl ConfirmCtx {
    /// Opens the dialog when `err` asks for a confirmation, then runs
    /// `retry`; `true` when it did.
    pub fn intercept(&self, err: &AppError, retry: impl Fn() + Send + Sync + 'static) -> bool {
        if matches!(err, AppError::ConfirmRequired { .. }) {
            self.retry.set(Some(Callback::new(move |()| retry())));
            true
        } else {
            false
        }
    }
}

pub fn provide_confirm() -> ConfirmCtx {
    let ctx = ConfirmCtx { retry: RwSignal::new(None) };
    provide_context(ctx);
    ctx
}

pub fn use_confirm() -> ConfirmCtx {
    use_context::<ConfirmCtx>().unwrap_or_else(provide_confirm)
}

/// Renders the dialog while a confirmation is pending.
#[component]
pub fn ConfirmHost() -> impl IntoView {
    let ctx = use_confirm();
    view! { <Show when=move || ctx.retry.get().is_some()><ConfirmDialog ctx /></Show> }
}

#[component]
fn ConfirmDialog(ctx: ConfirmCtx) -> impl IntoView {
    let options = LocalResource::new(get_confirm_options);
    let secret = NodeRef::<html::Input>::new();
    let action = ServerAction::<ConfirmIdentity>::new();
    let cancel = move || ctx.retry.set(None);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            if let Some(retry) = ctx.retry.get_untracked() {
                ctx.retry.set(None);
                retry.run(());
            }
        }
    });
    let error = move || action.value().get().and_then(|r| r.err());
    let field_error =
        Signal::derive(move || error().map(|e| e.field("secret").unwrap_or_else(|| e.to_string())));

    view! {
        // Above any dialog that asked for it (the face enrolment's, say).
        <div class="modal-backdrop modal-over" on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { cancel() }>
            <div class="modal" on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev) role="dialog" aria-modal="true" aria-labelledby="confirm-identity-title">
                <h2 id="confirm-identity-title">{t("Confirm it is you")}</h2>
                <Suspense fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                    {move || Suspend::new(async move {
                        match options.await {
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                            Ok(opts) => {
                                let first = opts.mfa.first().copied().filter(|_| !opts.password_allowed);
                                let selected = RwSignal::new(first);
                                let kinds = opts.mfa.clone();
                                let show_picker = first.is_some() && kinds.len() > 1;
                                let send = ServerAction::<SendMfaCode>::new();
                                let sent_for = RwSignal::new(None::<MfaKind>);
                                let sent = Signal::derive(move || send.value().get().filter(|_| sent_for.get() == selected.get()));
                                let on_send = Callback::new(move |()| {
                                    if let Some(kind) = selected.get_untracked() {
                                        sent_for.set(Some(kind));
                                        send.dispatch(SendMfaCode { kind });
                                    }
                                });
                                let help = move || match selected.get() {
                                    Some(k) => t(k.prompt()),
                                    None => t("Your current password."),
                                };
                                let (label, autocomplete, kind_attr) = match first {
                                    Some(_) => (t("Code"), "one-time-code", "text"),
                                    None => (t("Password"), "current-password", "password"),
                                };
                                let on_submit = move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    action.dispatch(ConfirmIdentity { kind: selected.get_untracked(), secret: input_value(&secret) });
                                };
                                view! {
                                    <p class="muted">{t("This action needs a fresh proof that it is really you.")}</p>
                                    <form on:submit=on_submit novalidate>
                                        {show_picker.then(|| view! { <KindPicker kinds=kinds.clone() selected /> })}
                                        {move || selected.get().filter(|k| k.is_sent()).map(|_| view! {
                                            <SendCodeControl result=sent pending=send.pending() on_send />
                                        })}
                                        <p class="help" data-testid="confirm-prompt">{help}</p>
                                        {move || if selected.get() == Some(MfaKind::Face) {
                                            let on_done = Callback::new(move |outcome| {
                                                if let FaceOutcome::Passed(challenge) = outcome {
                                                    action.dispatch(ConfirmIdentity { kind: Some(MfaKind::Face), secret: challenge });
                                                }
                                            });
                                            view! {
                                                <FaceCamera purpose=FacePurpose::Confirm on_done />
                                                {move || field_error.get().map(|e| view! { <Banner kind="error">{e}</Banner> })}
                                                <div class="form-actions">
                                                    <button type="button" class="btn" on:click=move |_| cancel()>{t("Cancel")}</button>
                                                </div>
                                            }.into_any()
                                        } else {
                                            view! {
                                                <TextField id="confirm-secret" label=label name="secret" kind=kind_attr
                                                    node_ref=secret autocomplete=autocomplete
                                                    error=field_error required=true autofocus=true />
                                                <div class="form-actions">
                                                    <button type="button" class="btn" on:click=move |_| cancel()>{t("Cancel")}</button>
                                                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                                                        {move || if action.pending().get() { t("Checking…") } else { t("Confirm") }}
                                                    </button>
                                                </div>
                                            }.into_any()
                                        }}
                                    </form>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

/// The kinds a user may pick from, as a radio group.
#[component]
pub fn KindPicker(kinds: Vec<MfaKind>, selected: RwSignal<Option<MfaKind>>) -> impl IntoView {
    view! {
        <fieldset class="kind-picker">
            <legend>{t("Verify with")}</legend>
            {kinds.into_iter().map(|k| view! {
                <label class="radio">
                    <input type="radio" name="mfa-kind" value=k.as_str()
                        checked=move || selected.get() == Some(k)
                        on:change=move |_| selected.set(Some(k)) />
                    {t(k.label())}
                </label>
            }).collect_view()}
        </fieldset>
    }
}
