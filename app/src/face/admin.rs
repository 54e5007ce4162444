//! The face models' state on the security settings page.

use super::model::{FaceAdminStatus, FaceEngineState};
use crate::common::AppError;
use crate::i18n::{t, tf};
use crate::ui::Banner;
use leptos::prelude::*;

/// `status` is read with the settings themselves (one resource for the
/// page, so nothing suspends inside the form).
#[component]
pub fn FaceEngineStatusView(status: Result<FaceAdminStatus, AppError>) -> impl IntoView {
    let body = match status {
        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
        Ok(s) => {
            let enrolled = tf(
                "{n} people have enrolled a face.",
                &[("n", crate::i18n::number(i64::try_from(s.enrolled_users).unwrap_or(i64::MAX)))],
            );
            match s.engine {
                FaceEngineState::Ready { load_ms } => view! {
                    <Banner kind="success">{tf("The face models are loaded ({ms} ms).", &[("ms", load_ms.to_string())])}" "{enrolled}</Banner>
                }.into_any(),
                FaceEngineState::NotLoaded => view! {
                    <p class="help">{t("The face models load when face recognition is first used.")}" "{enrolled}</p>
                }.into_any(),
                FaceEngineState::Loading => view! {
                    <p class="help" aria-busy="true">{t("The face models are loading…")}</p>
                }.into_any(),
                FaceEngineState::Missing { path } => view! {
                    <Banner kind="error">
                        {tf("Face recognition cannot work: the model file {path} is missing. Install the models with scripts/fetch-face-assets.sh into {dir} (or set face_models_dir); until then nobody is offered face verification.", &[("path", path.as_str()), ("dir", s.models_dir.as_str())])}
                    </Banner>
                }.into_any(),
                FaceEngineState::Failed { reason } => view! {
                    <Banner kind="error">
                        {tf("Face recognition cannot work: the models did not load ({reason}). Nobody is offered face verification until this is fixed.", &[("reason", reason.as_str())])}
                    </Banner>
                }.into_any(),
            }
        }
    };
    view! { <div class="field" data-testid="face-engine">{body}</div> }
}
