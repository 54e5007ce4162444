//! Face attempts over REST, for clients that show a camera themselves:
//! `POST authentication/mfa/face/start/` opens an attempt, `.../frame/`
//! checks a frame, and a passed attempt's challenge is the `code` of
//! `mfa/challenge/` (`type: face`) or of `confirm/` (`mfa_type: face`).
//! The API sign-in's pending cookie or a signed-in caller owns the attempt.

use crate::auth::events::Channel;
use crate::auth::extract::{ApiCaller, AuthScheme};
use crate::auth::rest::api_mfa_token;
use crate::auth::session;
use crate::http::api::route_both;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::AppState;
use crate::users::store::UserRow;
use app::auth::model::ClientInfo;
use app::common::AppError;
use app::face::model::{FaceFrame, FacePurpose, FaceStart};
use axum::extract::State;
use axum::routing::post;
use axum::{Extension, Json, Router};
use http::HeaderMap;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/authentication/mfa/face/start/", post(start));
    route_both(router, "/authentication/mfa/face/frame/", post(frame))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StartFace {
    /// `login` (with the API sign-in's cookie), `confirm` or `enrol`; by
    /// default `login` when that cookie is sent, else `confirm`.
    #[serde(default)]
    purpose: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FaceFrameBody {
    challenge: String,
    /// A JPEG or PNG frame, base64 (a `data:` URL works too), at most 2 MiB.
    image: String,
}

/// The pending API sign-in of this client, if its cookie is sent.
async fn pending_sign_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Uuid, UserRow)>, AppError> {
    let Some(token) = api_mfa_token(headers) else { return Ok(None) };
    let core = &state.core;
    let found =
        session::resolve(&core.db, &token, "api", core.now(), &core.session_lifetimes()).await?;
    Ok(found.map(|(row, user)| (row.id, user)))
}

fn person(caller: Result<ApiCaller, ApiError>) -> Result<ApiCaller, ApiError> {
    let caller = caller?;
    if caller.scheme == AuthScheme::Signature {
        return Err(AppError::invalid(
            "purpose",
            "Requests signed with an access key cannot use face recognition: sign in as a person.",
        )
        .into());
    }
    Ok(caller)
}

/// Opens a face attempt: frames must follow within 30 seconds.
#[utoipa::path(post, path = "/api/v1/authentication/mfa/face/start/", tag = "Authentication",
    request_body = StartFace,
    responses(
        (status = 200, description = "The attempt",
            example = json!({"challenge": "…", "expires_in_secs": 30, "frames_needed": 0, "frame_interval_ms": 300})),
        (status = 400, description = "Face recognition is off, or not set up for the account"),
        (status = 412, description = "Enrolment needs a recent confirmation"),
        (status = 429, description = "Blocked after too many failed second factors")))]
pub async fn start(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    headers: HeaderMap,
    caller: Result<ApiCaller, ApiError>,
    ApiJson(body): ApiJson<StartFace>,
) -> ApiResult<Json<FaceStart>> {
    let core = &state.core;
    let pending = pending_sign_in(&state, &headers).await?;
    let named = body.purpose.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let default = if pending.is_some() { "login" } else { "confirm" };
    let purpose = FacePurpose::parse(named.unwrap_or(default))
        .filter(|p| *p != FacePurpose::AdminEnrol)
        .ok_or_else(|| AppError::invalid("purpose", "Use login, confirm or enrol."))?;
    if purpose == FacePurpose::Login {
        let (owner, user) = pending.ok_or_else(|| {
            ApiError::from(AppError::invalid(
                "purpose",
                "Sign in with the password first (POST auth/).",
            ))
        })?;
        return Ok(Json(
            core.start_face_attempt(&client, Channel::Api, owner, &user, purpose).await?,
        ));
    }
    let caller = person(caller)?;
    let user = core.session_user(&caller.session).await?;
    if purpose.enrols() {
        core.require_confirmed(&caller.session, &user).await?;
    }
    let owner = caller.session.session_id;
    Ok(Json(core.start_face_attempt(&client, caller.channel(), owner, &user, purpose).await?))
}

/// Checks one frame of an attempt; the answer says what to fix, or that
/// the face matched (`hint: matched`) or was saved (`hint: enrolled`).
#[utoipa::path(post, path = "/api/v1/authentication/mfa/face/frame/", tag = "Authentication",
    request_body = FaceFrameBody,
    responses(
        (status = 200, description = "What the frame showed",
            example = json!({"hint": "hold", "face": [0.3, 0.2, 0.35, 0.5], "progress": 1, "needed": 3})),
        (status = 400, description = "Not a picture, too large, or an attempt that ended or is not the caller's"),
        (status = 503, description = "The face models are missing, or every inference slot is busy")))]
pub async fn frame(
    State(state): State<AppState>,
    Extension(client): Extension<ClientInfo>,
    headers: HeaderMap,
    caller: Result<ApiCaller, ApiError>,
    ApiJson(body): ApiJson<FaceFrameBody>,
) -> ApiResult<Json<FaceFrame>> {
    let core = &state.core;
    let (owner, channel) = match pending_sign_in(&state, &headers).await? {
        Some((owner, _)) => (owner, Channel::Api),
        None => {
            let caller = person(caller)?;
            (caller.session.session_id, caller.channel())
        }
    };
    let frame =
        core.check_face_frame(&client, channel, owner, &body.challenge, &body.image).await?;
    Ok(Json(frame))
}
