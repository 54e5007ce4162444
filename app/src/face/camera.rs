//! The camera box shared by enrolment and verification: the live preview
//! with a face outline, the server's guidance under it, and the loop that
//! sends a frame, waits for the answer, and sends the next, until the
//! attempt passes, fails or its 30 seconds are over.

use super::model::{FaceHint, FacePurpose, FaceRules};
use crate::i18n::{t, tf};
use crate::mfa::confirm::use_confirm;
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaceOutcome {
    /// Verification: the challenge to hand to the MFA step or confirmation.
    Passed(String),
    Enrolled,
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
// Only the browser's loop moves past `Starting`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Phase {
    Starting,
    Running,
    Finished(bool),
    Error(String),
}

#[derive(Clone, Copy)]
struct View {
    phase: RwSignal<Phase>,
    hint: RwSignal<Option<FaceHint>>,
    face: RwSignal<Option<[f32; 4]>>,
    progress: RwSignal<(u32, u32)>,
    seconds_left: RwSignal<u32>,
}

#[component]
pub fn FaceCamera(
    purpose: FacePurpose,
    /// For an administrator enrolling someone else.
    #[prop(optional)]
    user: Option<Uuid>,
    on_done: Callback<FaceOutcome>,
) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let state = View {
        phase: RwSignal::new(Phase::Starting),
        hint: RwSignal::new(None),
        face: RwSignal::new(None),
        progress: RwSignal::new((0, 0)),
        seconds_left: RwSignal::new(FaceRules::ATTEMPT_SECS),
    };
    // Bumped to start again (after a failure or a confirmation).
    let round = RwSignal::new(0u32);
    let confirm = use_confirm();
    let run = move |round_no: u32| {
        #[cfg(feature = "hydrate")]
        {
            let retry = move || round.update(|r| *r += 1);
            leptos::task::spawn_local(browser::attempt(
                video, state, purpose, user, round, round_no, on_done, confirm, retry,
            ));
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (video, purpose, user, on_done, confirm, round_no);
        }
    };
    Effect::new(move |_| run(round.get()));
    on_cleanup(move || {
        // Any loop still running sees a newer round and stops.
        round.try_update_untracked(|r| *r = r.wrapping_add(1000));
        #[cfg(feature = "hydrate")]
        browser::stop_camera(video);
    });

    let message = move || match state.phase.get() {
        Phase::Starting => t("Starting the camera…").to_owned(),
        Phase::Error(e) => e,
        _ => state
            .hint
            .get()
            .map(|h| t(h.message()).to_owned())
            .unwrap_or_else(|| t("Look at the camera.").to_owned()),
    };
    let face_style = move || {
        state.face.get().map(|[x, y, w, h]| {
            // The preview is mirrored like a mirror; the box follows it.
            let left = (1.0 - x - w) * 100.0;
            format!(
                "left:{left:.1}%;top:{:.1}%;width:{:.1}%;height:{:.1}%",
                y * 100.0,
                w * 100.0,
                h * 100.0
            )
        })
    };
    let hint_class = move || match state.hint.get() {
        Some(h) if h.is_success() || h == FaceHint::Hold => "face-hint ok",
        Some(
            FaceHint::NoMatch
            | FaceHint::Failed
            | FaceHint::Expired
            | FaceHint::Frozen
            | FaceHint::OtherPerson,
        ) => "face-hint bad",
        _ => "face-hint",
    };
    let finished = move || matches!(state.phase.get(), Phase::Finished(false) | Phase::Error(_));
    view! {
        <div class="face-camera">
            <div class="face-stage">
                <video node_ref=video class="face-video" autoplay=true muted=true playsinline=true
                    aria-label=t("Camera preview") data-testid="face-video"></video>
                <svg class="face-outline" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
                    <ellipse cx="50" cy="48" rx="22" ry="34" />
                </svg>
                {move || face_style().map(|style| view! { <div class="face-box" style=style aria-hidden="true"></div> })}
            </div>
            <p class=hint_class role="status" aria-live="polite" data-testid="face-hint">{message}</p>
            <div class="face-meta">
                {move || {
                    let (done, needed) = state.progress.get();
                    (purpose.enrols() && needed > 0).then(|| view! {
                        <progress max=needed value=done aria-label=t("Frames captured")></progress>
                        <span class="muted">{tf("{done} of {needed} frames", &[("done", done.to_string()), ("needed", needed.to_string())])}</span>
                    })
                }}
                {move || matches!(state.phase.get(), Phase::Running).then(|| view! {
                    <span class="muted" data-testid="face-countdown">{tf("{n} s left", &[("n", state.seconds_left.get().to_string())])}</span>
                })}
            </div>
            <Show when=finished>
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="face-retry" on:click=move |_| round.update(|r| *r += 1)>
                        {t("Try again")}
                    </button>
                </div>
            </Show>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::common::AppError;
    use crate::face::api::{send_face_frame, start_face_attempt};
    use crate::face::model::{FaceFrame, FaceStart};
    use crate::mfa::confirm::ConfirmCtx;
    /// What a frame's answer means for the loop.
    fn apply(state: View, frame: &FaceFrame) {
        state.hint.set(Some(frame.hint));
        state.face.set(frame.face);
        state.progress.set((frame.progress, frame.needed));
    }

    fn start_error(err: &AppError) -> String {
        match err {
            AppError::Invalid { fields, .. } => {
                fields.values().next().cloned().unwrap_or_else(|| err.to_string())
            }
            other => other.to_string(),
        }
    }
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    async fn sleep_ms(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// Best effort when the box goes away; the loop itself stops the camera
    /// whenever an attempt ends.
    pub fn stop_camera(video: NodeRef<html::Video>) {
        if let Some(el) = video.try_get_untracked().flatten() {
            stop_tracks(&el);
        }
    }

    /// Turns the camera off (and its light), so it is on only while an
    /// attempt runs.
    fn stop_tracks(el: &web_sys::HtmlVideoElement) {
        if let Some(stream) =
            el.src_object().and_then(|s| s.dyn_into::<web_sys::MediaStream>().ok())
        {
            for track in stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
        el.set_src_object(None);
    }

    fn camera_error(err: &JsValue) -> String {
        let name = err.dyn_ref::<web_sys::DomException>().map(|e| e.name()).unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => {
                t("The camera was not allowed. Allow it in your browser, or choose another method.")
                    .to_owned()
            }
            "NotFoundError" | "OverconstrainedError" => {
                t("No camera was found on this device. Choose another method.").to_owned()
            }
            "NotReadableError" | "AbortError" => {
                t("The camera is in use by another program. Close it and try again.").to_owned()
            }
            _ => t("The camera could not be started. Choose another method.").to_owned(),
        }
    }

    async fn open_camera(video: &web_sys::HtmlVideoElement) -> Result<(), String> {
        let window = web_sys::window().ok_or_else(|| {
            t("The camera could not be started. Choose another method.").to_owned()
        })?;
        let devices = window.navigator().media_devices().map_err(|_| {
            t("This browser gives no camera to this page (a secure connection is needed).")
                .to_owned()
        })?;
        let wanted = js_sys::Object::new();
        for (key, value) in [
            ("width", JsValue::from(640)),
            ("height", JsValue::from(480)),
            ("facingMode", JsValue::from_str("user")),
        ] {
            let _ = js_sys::Reflect::set(&wanted, &JsValue::from_str(key), &value);
        }
        let constraints = web_sys::MediaStreamConstraints::new();
        constraints.set_video(&wanted);
        constraints.set_audio(&JsValue::FALSE);
        let promise =
            devices.get_user_media_with_constraints(&constraints).map_err(|e| camera_error(&e))?;
        let stream = JsFuture::from(promise).await.map_err(|e| camera_error(&e))?;
        let stream: web_sys::MediaStream = stream.dyn_into().map_err(|e| camera_error(&e))?;
        video.set_src_object(Some(&stream));
        let _ = video.play();
        for _ in 0..50 {
            if video.video_width() > 0 {
                return Ok(());
            }
            sleep_ms(100).await;
        }
        Err(t("The camera gave no picture. Check it and try again.").to_owned())
    }

    /// The current picture as a JPEG data URL, at most 640 pixels wide.
    fn capture(video: &web_sys::HtmlVideoElement) -> Option<String> {
        let (vw, vh) = (video.video_width(), video.video_height());
        if vw == 0 || vh == 0 {
            return None;
        }
        let scale = (640.0 / f64::from(vw)).min(1.0);
        let (w, h) = ((f64::from(vw) * scale).round(), (f64::from(vh) * scale).round());
        let document = web_sys::window()?.document()?;
        let canvas: web_sys::HtmlCanvasElement =
            document.create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width(w as u32);
        canvas.set_height(h as u32);
        let ctx: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, w, h).ok()?;
        canvas
            .to_data_url_with_type_and_encoder_options("image/jpeg", &JsValue::from_f64(0.85))
            .ok()
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn attempt(
        video: NodeRef<html::Video>,
        state: View,
        purpose: FacePurpose,
        user: Option<Uuid>,
        round: RwSignal<u32>,
        round_no: u32,
        on_done: Callback<FaceOutcome>,
        confirm: ConfirmCtx,
        retry: impl Fn() + Send + Sync + 'static,
    ) {
        let current = move || round.try_get_untracked() == Some(round_no);
        state.phase.set(Phase::Starting);
        state.hint.set(None);
        state.face.set(None);
        state.progress.set((0, 0));
        state.seconds_left.set(FaceRules::ATTEMPT_SECS);
        let Some(el) = video.get_untracked() else { return };
        if el.src_object().is_none() {
            if let Err(message) = open_camera(&el).await {
                state.phase.set(Phase::Error(message));
                return;
            }
        }
        let started: FaceStart = match start_face_attempt(purpose, user).await {
            Ok(s) => s,
            Err(err) => {
                stop_tracks(&el);
                if !confirm.intercept(&err, retry) {
                    state.phase.set(Phase::Error(start_error(&err)));
                }
                return;
            }
        };
        state.phase.set(Phase::Running);
        let deadline = now_ms() + f64::from(started.expires_in_secs) * 1000.0;
        loop {
            if !current() {
                stop_tracks(&el);
                return;
            }
            let left = ((deadline - now_ms()) / 1000.0).ceil().max(0.0) as u32;
            state.seconds_left.set(left);
            if left == 0 {
                state.hint.set(Some(FaceHint::Expired));
                state.face.set(None);
                break;
            }
            let sent_at = now_ms();
            if let Some(image) = capture(&el) {
                match send_face_frame(started.challenge.clone(), image).await {
                    Ok(frame) => {
                        if !current() {
                            stop_tracks(&el);
                            return;
                        }
                        apply(state, &frame);
                        if frame.hint.is_final() {
                            break;
                        }
                    }
                    Err(err) => {
                        stop_tracks(&el);
                        state.phase.set(Phase::Error(start_error(&err)));
                        on_done.run(FaceOutcome::Failed);
                        return;
                    }
                }
            }
            let waited = (now_ms() - sent_at) as i32;
            let interval = i32::try_from(started.frame_interval_ms).unwrap_or(300);
            sleep_ms((interval - waited).max(50)).await;
        }
        stop_tracks(&el);
        let hint = state.hint.get_untracked();
        let success = hint.is_some_and(FaceHint::is_success);
        state.phase.set(Phase::Finished(success));
        match hint {
            Some(FaceHint::Matched) => on_done.run(FaceOutcome::Passed(started.challenge)),
            Some(FaceHint::Enrolled) => on_done.run(FaceOutcome::Enrolled),
            _ => on_done.run(FaceOutcome::Failed),
        }
    }
}
