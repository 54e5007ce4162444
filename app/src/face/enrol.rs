//! Enrolling a face (the profile's own, or a user's by an administrator)
//! and removing it.

use super::api::{get_face_status, ClearUserFace, RemoveFace};
use super::camera::{FaceCamera, FaceOutcome};
use super::model::{FacePurpose, FaceStatus};
use crate::common::{AppError, Timestamp};
use crate::i18n::{t, tf};
use crate::mfa::confirm::use_confirm;
use crate::ui::{Banner, ConfirmDialog};
use leptos::prelude::*;
use uuid::Uuid;

/// The camera in a dialog, until the face is saved or the person cancels.
#[component]
pub fn FaceEnrolDialog(
    /// Someone else's face (an administrator enrolling a user).
    #[prop(optional)]
    user: Option<Uuid>,
    #[prop(optional, into)] username: Option<String>,
    /// `true` when a face was saved.
    on_close: Callback<bool>,
) -> impl IntoView {
    let saved = RwSignal::new(false);
    let purpose = if user.is_some() { FacePurpose::AdminEnrol } else { FacePurpose::Enrol };
    let title = match &username {
        Some(name) => tf("Enrol the face of {username}", &[("username", name.as_str())]),
        None => t("Enrol your face").to_owned(),
    };
    let on_done = Callback::new(move |outcome| {
        if outcome == FaceOutcome::Enrolled {
            saved.set(true);
        }
    });
    let close = move || on_close.run(saved.get_untracked());
    view! {
        <div class="modal-backdrop" on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close() }>
            <div class="modal modal-wide" on:keydown=move |ev: leptos::ev::KeyboardEvent| crate::ui::trap_focus(&ev)
                role="dialog" aria-modal="true" aria-labelledby="face-enrol-title">
                <h2 id="face-enrol-title">{title}</h2>
                <Show when=move || !saved.get()
                    fallback=|| view! { <Banner kind="success">{t("The face is saved. It can be used for two-step verification now.")}</Banner> }>
                    <p class="muted">{t("Look straight at the camera in good light, with only one face in view. A few pictures are taken and averaged; no picture is kept.")}</p>
                    {match user {
                        Some(id) => view! { <FaceCamera purpose user=id on_done /> }.into_any(),
                        None => view! { <FaceCamera purpose on_done /> }.into_any(),
                    }}
                </Show>
                <div class="form-actions">
                    <button type="button" class="btn" class:btn-primary=move || saved.get() on:click=move |_| close()
                        data-testid="face-enrol-close">
                        {move || if saved.get() { t("Done") } else { t("Cancel") }}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// The profile's face row: state, enrol or re-enrol, remove.
#[component]
pub fn FaceSection(offered: bool, enrolled: bool, changed: RwSignal<u32>) -> impl IntoView {
    let enrolling = RwSignal::new(false);
    let removing = RwSignal::new(false);
    let remove = ServerAction::<RemoveFace>::new();
    let confirm = use_confirm();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => changed.update(|c| *c += 1),
        Some(Err(e)) => {
            confirm.intercept(&e, move || {
                remove.dispatch(RemoveFace {});
            });
        }
        None => {}
    });
    let error = move || {
        remove
            .value()
            .get()
            .and_then(|r| r.err())
            .filter(|e| !matches!(e, AppError::ConfirmRequired { .. }))
    };
    if !offered && !enrolled {
        return ().into_any();
    }
    view! {
        <dl class="facts">
            <div class="fact">
                <dt>{t("Face recognition")}</dt>
                <dd data-testid="face-state">{if enrolled { t("Enrolled") } else { t("Not enrolled") }}</dd>
            </div>
        </dl>
        {(!offered).then(|| view! {
            <p class="muted">{t("Face recognition is turned off on this server: your enrolled face is not used.")}</p>
        })}
        {move || error().map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
        <div class="form-actions">
            {offered.then(|| view! {
                <button type="button" class=if enrolled { "btn" } else { "btn btn-primary" } data-testid="face-enrol"
                    on:click=move |_| enrolling.set(true)>
                    {if enrolled { t("Enrol again") } else { t("Enrol face") }}
                </button>
            })}
            {enrolled.then(|| view! {
                <button type="button" class="btn btn-danger" data-testid="face-remove" on:click=move |_| removing.set(true)>
                    {t("Remove face")}
                </button>
            })}
        </div>
        <Show when=move || enrolling.get()>
            <FaceEnrolDialog on_close=enrol_closed(enrolling, changed) />
        </Show>
        <Show when=move || removing.get()>
            <ConfirmDialog title=t("Remove your face?") confirm_label=t("Remove")
                on_confirm=Callback::new(move |()| {
                    removing.set(false);
                    remove.dispatch(RemoveFace {});
                })
                on_cancel=Callback::new(move |()| removing.set(false))>
                <p>{t("Face recognition stops working for your account until you enrol again. You confirm it is you first.")}</p>
            </ConfirmDialog>
        </Show>
    }
    .into_any()
}

/// Closes the enrolment dialog; a saved face reloads the state shown.
fn enrol_closed(enrolling: RwSignal<bool>, changed: RwSignal<u32>) -> Callback<bool> {
    Callback::new(move |saved| {
        enrolling.set(false);
        if saved {
            changed.update(|c| *c += 1);
        }
    })
}

/// The face part of an administrator's user panel.
#[component]
pub fn AdminFaceSection(user: Uuid, username: String) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let clear = ServerAction::<ClearUserFace>::new();
    let status = LocalResource::new(move || {
        let _ = (changed.get(), clear.version().get());
        get_face_status(Some(user))
    });
    let enrolling = RwSignal::new(false);
    let clearing = RwSignal::new(false);
    let username = StoredValue::new(username);
    view! {
        <section class="subsection" aria-labelledby="user-face-title">
            <h3 id="user-face-title">{t("Face recognition")}</h3>
            <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        Ok(s) => view! { <AdminFaceState status=s enrolling clearing /> }.into_any(),
                    }
                })}
            </Transition>
            {move || clear.value().get().and_then(|r| r.err()).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <Show when=move || enrolling.get()>
                <FaceEnrolDialog user username=username.get_value() on_close=enrol_closed(enrolling, changed) />
            </Show>
            <Show when=move || clearing.get()>
                <ConfirmDialog title=tf("Clear the face of {username}?", &[("username", username.get_value().as_str())])
                    confirm_label=t("Clear")
                    on_confirm=Callback::new(move |()| {
                        clearing.set(false);
                        clear.dispatch(ClearUserFace { user });
                    })
                    on_cancel=Callback::new(move |()| clearing.set(false))>
                    <p>{t("They can no longer verify with their face until it is enrolled again.")}</p>
                </ConfirmDialog>
            </Show>
        </section>
    }
}

#[component]
fn AdminFaceState(
    status: FaceStatus,
    enrolling: RwSignal<bool>,
    clearing: RwSignal<bool>,
) -> impl IntoView {
    let state = match (status.enrolled, status.enrolled_at) {
        (true, Some(at)) => tf("Enrolled on {date}", &[("date", Timestamp::display_short(at))]),
        (true, None) => t("Enrolled").to_owned(),
        (false, _) => t("Not enrolled").to_owned(),
    };
    view! {
        <p data-testid="user-face-state">{state}</p>
        {(!status.offered).then(|| view! {
            <p class="muted">{t("Face recognition is off (or its models are missing): see the security settings.")}</p>
        })}
        <div class="form-actions">
            {status.offered.then(|| view! {
                <button type="button" class="btn" data-testid="user-face-enrol" on:click=move |_| enrolling.set(true)>
                    {if status.enrolled { t("Enrol again") } else { t("Enrol face") }}
                </button>
            })}
            {status.enrolled.then(|| view! {
                <button type="button" class="btn btn-danger" data-testid="user-face-clear" on:click=move |_| clearing.set(true)>
                    {t("Clear face")}
                </button>
            })}
        </div>
    }
}
