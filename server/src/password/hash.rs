//! Password hashing with argon2id (m=19456 KiB, t=2, p=1: OWASP's first
//! choice). Hashing is slow on purpose, so it runs on the blocking pool with
//! a bound on how many run at once; an unknown account is checked against a
//! dummy hash so the answer takes as long as for a real one.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task stopped: {0}")]
    Task(String),
}

#[derive(Clone)]
pub struct PasswordHasherPool {
    permits: Arc<Semaphore>,
    params: Params,
    /// A real hash of a random password, verified when the account is unknown.
    dummy: Arc<String>,
}

impl PasswordHasherPool {
    pub const MEMORY_KIB: u32 = 19456;
    pub const ITERATIONS: u32 = 2;
    pub const PARALLELISM: u32 = 1;

    pub fn new(concurrency: usize) -> Result<Self, HashError> {
        let params = Params::new(Self::MEMORY_KIB, Self::ITERATIONS, Self::PARALLELISM, None)
            .map_err(|e| HashError::Hash(e.to_string()))?;
        let dummy_password = crate::crypto::new_token();
        let dummy = hash_with(&params, &dummy_password)?;
        Ok(PasswordHasherPool {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            params,
            dummy: Arc::new(dummy),
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.run(move || hash_with(&params, &password)).await?
    }

    /// Whether `password` matches `stored`. With no stored hash the dummy is
    /// checked instead and the answer is always `false`.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, HashError> {
        let real = stored.is_some();
        let target = stored.map_or_else(|| self.dummy.as_str().to_owned(), str::to_owned);
        let password = password.to_owned();
        let matched = self.run(move || verify_with(&password, &target)).await?;
        Ok(real && matched)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| HashError::Task(e.to_string()))
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_with(params: &Params, password: &str) -> Result<String, HashError> {
    let salt = SaltString::encode_b64(&crate::crypto::random_bytes::<16>())
        .map_err(|e| HashError::Hash(e.to_string()))?;
    argon2(params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// Verifies with the parameters recorded in the hash itself, so hashes made
/// under older parameters keep working.
fn verify_with(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_required_parameters() {
        let pool = PasswordHasherPool::new(2).unwrap();
        let hash = pool.hash("correct horse battery staple").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(pool.verify("correct horse battery staple", Some(&hash)).await.unwrap());
        assert!(!pool.verify("correct horse battery stapl", Some(&hash)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let pool = PasswordHasherPool::new(1).unwrap();
        assert!(!pool.verify("anything", None).await.unwrap());
        assert!(!pool.verify("anything", Some("not a hash")).await.unwrap());
    }

    #[tokio::test]
    async fn long_passwords_are_not_truncated() {
        let pool = PasswordHasherPool::new(1).unwrap();
        let long = "p".repeat(200);
        let hash = pool.hash(&long).await.unwrap();
        assert!(!pool.verify(&"p".repeat(199), Some(&hash)).await.unwrap());
        assert!(pool.verify(&long, Some(&hash)).await.unwrap());
    }
}
