//! Random tokens from the OS CSPRNG and the hashes under which they are
//! stored. A token is shown to its holder once; the database only ever sees
//! its SHA-256, so a leaked table opens no session.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS generator failing is not something to carry on from.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

/// `len` random letters and digits, each equally likely (5.95 bits each).
pub fn random_alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<64>() {
            // 248 = 4 * 62: rejecting the rest keeps every character as likely.
            if b < 248 && out.len() < len {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    out
}

/// A 256-bit random token, URL-safe base64 (43 characters).
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// The stored form of a token: hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Encrypts recoverable secrets at rest (TOTP seeds, access-key secrets)
/// with XChaCha20-Poly1305 under the configured secret key. The purpose and
/// owner are bound in as associated data, so a sealed value copied to another
/// row or column does not open.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    /// A separate key for keyed hashes, derived from the same secret.
    mac_key: [u8; 32],
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        let mac_key: [u8; 32] = Sha256::new_with_prefix(b"bastion-profile keyed hash v1")
            .chain_update(key)
            .finalize()
            .into();
        Sealer { cipher: XChaCha20Poly1305::new(key.into()), mac_key }
    }

    /// `base64(nonce || ciphertext)`.
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> String {
        let nonce_bytes = random_bytes::<24>();
        let nonce = XNonce::from_slice(&nonce_bytes);
        // Encryption with a valid key and nonce cannot fail.
        #[allow(clippy::expect_used)]
        let sealed = self
            .cipher
            .encrypt(nonce, Payload { msg: plaintext, aad: context.as_bytes() })
            .expect("XChaCha20-Poly1305 encryption");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        STANDARD.encode(out)
    }

    /// The plaintext, or `None` when the value was tampered with, sealed for
    /// another context, or sealed under another key.
    pub fn open(&self, context: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, body) = bytes.split_at(24);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: context.as_bytes() })
            .ok()
    }

    /// HMAC-SHA256 (hex) of a short secret such as a recovery code: without
    /// the server's key, a copy of the table cannot be brute-forced.
    pub fn keyed_hash(&self, context: &str, value: &str) -> String {
        #[allow(clippy::expect_used)]
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .expect("HMAC takes any key length");
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Access-key secrets and connection-token values are made this way.
    #[test]
    fn alphanumeric_values_have_their_length_and_differ() {
        let a = random_alphanumeric(36);
        assert_eq!(a.len(), 36);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, random_alphanumeric(36));
    }

    #[test]
    fn tokens_are_long_random_and_hash_stably() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn sealed_values_open_only_in_their_context_and_key() {
        let sealer = Sealer::new(&[7u8; 32]);
        let sealed = sealer.seal("totp:alice", b"seed bytes");
        assert_ne!(sealer.seal("totp:alice", b"seed bytes"), sealed, "a fresh nonce each time");
        assert_eq!(sealer.open("totp:alice", &sealed).as_deref(), Some(&b"seed bytes"[..]));
        assert_eq!(sealer.open("totp:bob", &sealed), None);
        assert_eq!(Sealer::new(&[8u8; 32]).open("totp:alice", &sealed), None);
        let mut tampered = STANDARD.decode(&sealed).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(sealer.open("totp:alice", &STANDARD.encode(tampered)), None);
        assert_eq!(sealer.open("totp:alice", "not base64!"), None);
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_context() {
        let a = Sealer::new(&[1u8; 32]);
        let b = Sealer::new(&[2u8; 32]);
        assert_eq!(a.keyed_hash("rc", "CODE"), a.keyed_hash("rc", "CODE"));
        assert_ne!(a.keyed_hash("rc", "CODE"), b.keyed_hash("rc", "CODE"));
        assert_ne!(a.keyed_hash("rc", "CODE"), a.keyed_hash("other", "CODE"));
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
