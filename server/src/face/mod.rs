//! Face recognition as a second factor: the models ([`engine`]) behind a
//! bounded service ([`service`]), the quality and liveness checks
//! ([`quality`]), attempts and templates ([`flow`], [`store`]), and its
//! edges: the pages' port and the REST API.

pub mod engine;
pub mod flow;
pub mod port;
pub mod quality;
pub mod rest;
pub mod service;
pub mod store;

use crate::core::Core;
use crate::mfa::{store::FactorState, MfaMethod};
use crate::users::store::UserRow;
use app::common::AppError;
use app::mfa::model::MfaKind;

/// The enrolled face. The response is the challenge of an attempt whose
/// frames matched; it is used up by the check.
pub struct FaceMethod;

#[async_trait::async_trait]
impl MfaMethod for FaceMethod {
    fn kind(&self) -> MfaKind {
        MfaKind::Face
    }

    async fn available(&self, core: &Core) -> Result<bool, AppError> {
        core.face_offered().await
    }

    async fn active_for(
        &self,
        core: &Core,
        user: &UserRow,
        _state: &FactorState,
    ) -> Result<bool, AppError> {
        Ok(store::template(&core.db, user.id).await?.is_some())
    }

    async fn verify(&self, core: &Core, user: &UserRow, response: &str) -> Result<bool, AppError> {
        let id_hash = crate::crypto::token_hash(response.trim());
        store::use_passed_attempt(&core.db, &id_hash, user.id, core.now()).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_settings_default_is_the_measured_threshold() {
        let default = app::settings::model::SecuritySettings::default().face_threshold;
        assert!((default - f64::from(super::engine::DEFAULT_MATCH_THRESHOLD)).abs() < 1e-6);
        assert!(default >= 0.5);
    }
}
