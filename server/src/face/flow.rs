//! Face attempts: a challenge that lives 30 seconds, frames checked against
//! it one by one, and what a passed attempt unlocks (the MFA step, a
//! confirmation) or saves (an enrolment). Shared by the pages and the REST
//! API; nothing here knows about HTTP.

use super::engine::Embedding;
use super::quality::{self, Sample};
use super::store::{self, AttemptRow, AttemptUpdate, NewAttempt};
use crate::auth::events::{self, AuthEvent, Channel};
use crate::auth::lockout;
use crate::core::Core;
use crate::crypto;
use crate::error::OrInternal;
use crate::notify::Notice;
use crate::users::store::{self as users, UserRow};
use app::auth::model::ClientInfo;
use app::common::AppError;
use app::face::model::{FaceFrame, FaceHint, FacePurpose, FaceRules, FaceStart};
use app::mfa::model::MfaKind;
use base64::Engine as _;
use uuid::Uuid;

/// What later frames of an attempt need from earlier ones, sealed in the
/// attempt's row: never pixels.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Memory {
    last: Option<Sample>,
    /// Enrolment: the embeddings of the usable frames so far
    /// ([`Embedding::to_bytes`]).
    samples: Vec<Vec<u8>>,
}

fn memory_context(id_hash: &str) -> String {
    format!("face-attempt:{id_hash}")
}

pub(crate) fn template_context(user_id: Uuid) -> String {
    format!("face:{user_id}")
}

/// The same answer for a challenge that does not exist and one that is not
/// the caller's: nothing to learn from it.
fn unknown_attempt() -> AppError {
    AppError::invalid("challenge", "This face check has ended. Start a new one.")
}

impl Core {
    /// Face recognition is on and its models can work.
    pub async fn face_offered(&self) -> Result<bool, AppError> {
        Ok(self.security().await?.face_enabled && self.face.usable())
    }

    pub(crate) async fn face_template(&self, user_id: Uuid) -> Result<Option<Embedding>, AppError> {
        let Some(row) = store::template(&self.db, user_id).await? else { return Ok(None) };
        let bytes =
            self.sealer.open(&template_context(user_id), &row.template_enc).ok_or_else(|| {
                crate::error::internal(
                    "a face template does not open with the configured secret key",
                )
            })?;
        Embedding::from_bytes(&bytes)
            .map(Some)
            .ok_or_else(|| crate::error::internal("a stored face template is malformed"))
    }

    /// Opens an attempt for `user`, owned by the session or credential
    /// `owner`. Verifications need the face set up and no lockout;
    /// enrolments need face recognition offered. An earlier attempt left
    /// open after it checked frames counts as a failed try now.
    pub async fn start_face_attempt(
        &self,
        client: &ClientInfo,
        channel: Channel,
        owner: Uuid,
        user: &UserRow,
        purpose: FacePurpose,
    ) -> Result<FaceStart, AppError> {
        let now = self.now();
        if !self.face_offered().await? {
            return Err(AppError::invalid(
                "type",
                "Face recognition is not offered on this server.",
            ));
        }
        if !purpose.enrols() {
            if let Some(until) =
                lockout::blocked_until(&self.db, &lockout::mfa_key(user.id), now).await?
            {
                return Err(lockout::blocked(until));
            }
            if store::template(&self.db, user.id).await?.is_none() {
                return Err(AppError::invalid(
                    "type",
                    "Face recognition is not set up for this account.",
                ));
            }
        }
        store::prune_attempts(&self.db, now).await?;
        for earlier in store::open_attempts(&self.db, user.id).await? {
            let reason = if earlier.expires_at <= now.millis() { "expired" } else { "abandoned" };
            self.close_attempt(&earlier, client, channel, user, reason).await?;
        }
        let challenge = crypto::new_token();
        let id_hash = crypto::token_hash(&challenge);
        let new = NewAttempt {
            id_hash: &id_hash,
            user_id: user.id,
            owner_id: owner,
            purpose: purpose.as_str(),
            expires_at: now.plus_secs(i64::from(FaceRules::ATTEMPT_SECS)),
        };
        store::insert_attempt(&self.db, &new, now).await?;
        Ok(FaceStart {
            challenge,
            expires_in_secs: FaceRules::ATTEMPT_SECS,
            frames_needed: if purpose.enrols() { FaceRules::ENROL_FRAMES } else { 0 },
            frame_interval_ms: FaceRules::FRAME_INTERVAL_MS,
        })
    }

    /// Ends an open attempt that did not pass. A verification that checked
    /// any frame counts as one failed second factor.
    async fn close_attempt(
        &self,
        row: &AttemptRow,
        client: &ClientInfo,
        channel: Channel,
        user: &UserRow,
        reason: &'static str,
    ) -> Result<(), AppError> {
        let to = if reason == "expired" { "expired" } else { "abandoned" };
        if !store::move_attempt(&self.db, &row.id_hash, "open", to).await? {
            return Ok(());
        }
        // Any frame checked counts, not only frames with a face: otherwise
        // frames without one would cost the server work without limit.
        let verifies = !FacePurpose::parse(&row.purpose).is_some_and(FacePurpose::enrols);
        if verifies && row.frames > 0 {
            self.face_attempt_failed(client, channel, user, reason).await?;
        }
        Ok(())
    }

    async fn face_attempt_failed(
        &self,
        client: &ClientInfo,
        channel: Channel,
        user: &UserRow,
        reason: &'static str,
    ) -> Result<(), AppError> {
        let event = AuthEvent {
            user_id: Some(user.id),
            username: &user.username,
            factor: MfaKind::Face.as_str(),
            channel,
            success: false,
            reason,
        };
        events::record(&self.db, event, client, self.now()).await?;
        self.count_mfa_failure(user).await?;
        Ok(())
    }

    /// Checks one frame of the attempt `challenge`, sent by `owner`.
    pub async fn check_face_frame(
        &self,
        client: &ClientInfo,
        channel: Channel,
        owner: Uuid,
        challenge: &str,
        image_base64: &str,
    ) -> Result<FaceFrame, AppError> {
        let now = self.now();
        let id_hash = crypto::token_hash(challenge.trim());
        let row = store::attempt(&self.db, &id_hash).await?.ok_or_else(unknown_attempt)?;
        if row.owner_id != owner {
            return Err(unknown_attempt());
        }
        let purpose = FacePurpose::parse(&row.purpose).ok_or_else(unknown_attempt)?;
        let user = users::find_by_id(&self.db, row.user_id).await?.ok_or_else(unknown_attempt)?;
        let needed =
            if purpose.enrols() { FaceRules::ENROL_FRAMES } else { FaceRules::LIVENESS_FRAMES };
        let answer = |hint, face, progress: i32| FaceFrame {
            hint,
            face,
            progress: u32::try_from(progress).unwrap_or(0),
            needed,
        };
        match row.state.as_str() {
            "open" => {}
            "passed" | "used" => return Ok(answer(FaceHint::Matched, None, row.good_frames)),
            "expired" => return Ok(answer(FaceHint::Expired, None, row.good_frames)),
            _ => return Ok(answer(FaceHint::Failed, None, row.good_frames)),
        }
        if row.expires_at <= now.millis() {
            self.close_attempt(&row, client, channel, &user, "expired").await?;
            return Ok(answer(FaceHint::Expired, None, row.good_frames));
        }
        if u32::try_from(row.frames).unwrap_or(u32::MAX) >= FaceRules::MAX_FRAMES {
            self.close_attempt(&row, client, channel, &user, "too_many_frames").await?;
            return Ok(answer(FaceHint::Failed, None, row.good_frames));
        }
        let bytes = decode_frame(image_base64)?;
        let seen = self.face.analyze(bytes).await?;
        // Time has passed while the frame waited for the models.
        let now = self.now();
        let mut update = AttemptUpdate {
            state: "open",
            frames: row.frames + 1,
            good_frames: row.good_frames,
            mismatches: row.mismatches,
            first_good_at: row.first_good_at,
            memory_enc: row.memory_enc.as_deref(),
        };
        let face_box =
            seen.faces.first().map(|f| quality::relative_box(seen.width, seen.height, f));
        let hint = quality::assess(seen.width, seen.height, &seen.faces, seen.brightness);
        let (Some(face), Some(embedding), None) = (seen.faces.first(), seen.embedding, hint) else {
            store::update_attempt(&self.db, &row, &update).await?;
            let fallback =
                if seen.faces.is_empty() { FaceHint::NoFace } else { FaceHint::LookStraight };
            return Ok(answer(hint.unwrap_or(fallback), face_box, row.good_frames));
        };
        let mut memory = self.open_memory(&row);
        if memory
            .last
            .as_ref()
            .is_some_and(|last| quality::is_copy(last, &face.landmarks, &embedding))
        {
            store::update_attempt(&self.db, &row, &update).await?;
            return Ok(answer(FaceHint::Frozen, face_box, row.good_frames));
        }
        memory.last = Some(Sample { landmarks: face.landmarks, embedding: embedding.to_bytes() });
        let threshold = self.security().await?.face_threshold as f32;

        // Enrolment: the frames kept so far, all of the same person.
        let mut samples: Vec<Embedding> =
            memory.samples.iter().filter_map(|v| Embedding::from_bytes(v)).collect();
        let hint = if purpose.enrols() {
            if Embedding::mean(&samples).is_some_and(|mean| mean.cosine(&embedding) < threshold) {
                update.state = "failed";
                FaceHint::OtherPerson
            } else {
                memory.samples.push(embedding.to_bytes());
                samples.push(embedding);
                update.good_frames += 1;
                update.first_good_at.get_or_insert(now.millis());
                FaceHint::Hold
            }
        } else {
            let template = self.face_template(user.id).await?.ok_or_else(unknown_attempt)?;
            if template.cosine(&embedding) >= threshold {
                update.good_frames += 1;
                update.first_good_at.get_or_insert(now.millis());
                FaceHint::Hold
            } else {
                update.mismatches += 1;
                if u32::try_from(update.mismatches).unwrap_or(u32::MAX) >= FaceRules::MAX_MISMATCHES
                {
                    update.state = "failed";
                    FaceHint::Failed
                } else {
                    FaceHint::NoMatch
                }
            }
        };
        let live = u32::try_from(update.good_frames).unwrap_or(0) >= needed
            && update
                .first_good_at
                .is_some_and(|at| now.millis() - at >= FaceRules::LIVENESS_SPAN_MS);
        let hint = match hint {
            FaceHint::Hold if live && purpose.enrols() => {
                let template = Embedding::mean(&samples)
                    .ok_or_else(|| crate::error::internal("no samples"))?;
                update.state = "used";
                let sealed = self.sealer.seal(&template_context(user.id), &template.to_bytes());
                // Written before the attempt closes: a lost race below only
                // means the same person's frames were saved twice.
                store::put_template(&self.db, user.id, &sealed, update.good_frames, now).await?;
                FaceHint::Enrolled
            }
            FaceHint::Hold if live => {
                update.state = "passed";
                FaceHint::Matched
            }
            other => other,
        };
        let sealed_memory = serde_json::to_vec(&memory)
            .map(|json| self.sealer.seal(&memory_context(&row.id_hash), &json))
            .or_internal()?;
        update.memory_enc = Some(&sealed_memory);
        if !store::update_attempt(&self.db, &row, &update).await? {
            // Another frame of this attempt was written first; this one
            // changes nothing.
            return Ok(answer(FaceHint::Hold, face_box, row.good_frames));
        }
        match hint {
            FaceHint::Failed => {
                self.face_attempt_failed(client, channel, &user, "face_mismatch").await?;
            }
            FaceHint::Enrolled => {
                self.face_enrolled(client, channel, owner, &user, purpose).await?
            }
            _ => {}
        }
        Ok(answer(hint, face_box, update.good_frames))
    }

    fn open_memory(&self, row: &AttemptRow) -> Memory {
        row.memory_enc
            .as_deref()
            .and_then(|sealed| self.sealer.open(&memory_context(&row.id_hash), sealed))
            .and_then(|json| serde_json::from_slice(&json).ok())
            .unwrap_or_default()
    }

    async fn face_enrolled(
        &self,
        client: &ClientInfo,
        channel: Channel,
        owner: Uuid,
        user: &UserRow,
        purpose: FacePurpose,
    ) -> Result<(), AppError> {
        let how = if purpose == FacePurpose::AdminEnrol { "enrolled_by_admin" } else { "bound" };
        self.log_credential_change(channel, client, user, MfaKind::Face.as_str(), how).await?;
        self.notify(user, client, Notice::MfaBound(MfaKind::Face.label())).await;
        tracing::info!(user = %user.username, by = %owner, "face enrolled");
        Ok(())
    }

    /// Deletes `user`'s face template; `false` when there was none.
    pub async fn delete_face(
        &self,
        client: &ClientInfo,
        channel: Channel,
        user: &UserRow,
        by_admin: bool,
    ) -> Result<bool, AppError> {
        if !store::delete_template(&self.db, user.id).await? {
            return Ok(false);
        }
        let how = if by_admin { "cleared_by_admin" } else { "unbound" };
        self.log_credential_change(channel, client, user, MfaKind::Face.as_str(), how).await?;
        self.notify(user, client, Notice::MfaRemoved(MfaKind::Face.label())).await;
        tracing::info!(user = %user.username, by_admin, "face template deleted");
        Ok(true)
    }
}

/// A frame as sent: base64 (a `data:` URL or bare), at most the size rule.
fn decode_frame(text: &str) -> Result<Vec<u8>, AppError> {
    let bare = text.trim();
    let bare = bare.split_once("base64,").map_or(bare, |(_, rest)| rest);
    let too_large = || AppError::invalid("image", "The frame is too large: send at most 2 MiB.");
    if bare.len() > FaceRules::MAX_FRAME_BYTES / 3 * 4 + 4 {
        return Err(too_large());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(bare)
        .map_err(|_| AppError::invalid("image", "The frame is not valid base64."))?;
    if bytes.len() > FaceRules::MAX_FRAME_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_arrive_as_data_urls_or_bare_base64() {
        assert_eq!(decode_frame("data:image/jpeg;base64,AAEC").ok(), Some(vec![0, 1, 2]));
        assert_eq!(decode_frame(" AAEC ").ok(), Some(vec![0, 1, 2]));
        assert!(matches!(decode_frame("not base64!"), Err(AppError::Invalid { .. })));
        let huge = "A".repeat(3 * 1024 * 1024);
        assert!(matches!(decode_frame(&huge), Err(AppError::Invalid { .. })));
    }
}
