//! SSH public keys: parsing and checking what a user pastes, generating
//! pairs, storage, the owner's API, and the `authorized-keys` lookup that
//! OpenSSH's `AuthorizedKeysCommand` runs.

pub mod authorized;
pub mod rest;
pub mod service;
pub mod store;

use md5::{Digest, Md5};
use ssh_key::private::RsaKeypair;
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, EcdsaCurve, HashAlg, LineEnding, PrivateKey, PublicKey};
use zeroize::Zeroizing;

/// The least RSA modulus accepted (NIST SP 800-131A; OpenSSH refuses less
/// than 1024 and warns below 2048).
pub const MIN_RSA_BITS: u32 = 2048;
/// The size of generated RSA keys.
pub const GENERATED_RSA_BITS: usize = 3072;

/// A public key that passed every check, in the forms the product shows and stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// `<algorithm> <base64>`, re-encoded: never the pasted text.
    pub openssh: String,
    /// `ED25519`, `ECDSA` or `RSA`, as `ssh-keygen -l` prints it.
    pub key_type: &'static str,
    pub bits: u32,
    /// `SHA256:<base64>` as `ssh-keygen -l` prints it.
    pub sha256: String,
    /// `MD5:aa:bb:...` as `ssh-keygen -l -E md5` prints it.
    pub md5: String,
    /// The comment the key carried, if any.
    pub comment: String,
}

/// Why a pasted key was refused; the message is for the person, and never
/// repeats what was pasted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyRefused(pub String);

fn refuse<T>(message: &str) -> Result<T, KeyRefused> {
    Err(KeyRefused(message.to_owned()))
}

/// Checks a pasted public key.
pub fn parse_public(text: &str) -> Result<ParsedKey, KeyRefused> {
    let text = text.trim();
    if text.is_empty() {
        return refuse("Paste a public key (the contents of a .pub file).");
    }
    if text.contains("PRIVATE KEY") || text.starts_with("PuTTY-User-Key-File") {
        return refuse(
            "This is a private key: it was not saved. Paste the public half instead (the .pub file), and keep the private key to yourself.",
        );
    }
    if text.starts_with("---- BEGIN SSH2 PUBLIC KEY") {
        return refuse(
            "This key is in the SSH2 (RFC 4716) format. Convert it with `ssh-keygen -i -f key.pub` and paste the result.",
        );
    }
    if text.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
        return refuse("Paste one key at a time.");
    }
    let Ok(key) = PublicKey::from_openssh(text) else {
        return refuse(
            "This is not an OpenSSH public key. It should look like “ssh-ed25519 AAAAC3Nza… you@laptop”.",
        );
    };
    describe(&key)
}

/// Type, size and fingerprints of a key, refusing the kinds we do not accept.
pub fn describe(key: &PublicKey) -> Result<ParsedKey, KeyRefused> {
    let (key_type, bits) = match key.key_data() {
        KeyData::Ed25519(_) => ("ED25519", 256),
        KeyData::Ecdsa(ecdsa) => match ecdsa.curve() {
            EcdsaCurve::NistP256 => ("ECDSA", 256),
            EcdsaCurve::NistP384 => ("ECDSA", 384),
            EcdsaCurve::NistP521 => ("ECDSA", 521),
        },
        KeyData::Rsa(rsa) => {
            let bits = rsa.n.as_positive_bytes().map_or(0, bit_length);
            if bits < MIN_RSA_BITS {
                return Err(KeyRefused(format!(
                    "This RSA key has {bits} bits; at least {MIN_RSA_BITS} are needed. Make a new key with `ssh-keygen -t ed25519`."
                )));
            }
            ("RSA", bits)
        }
        KeyData::Dsa(_) => {
            return refuse(
                "DSA keys are no longer safe and OpenSSH no longer accepts them. Make a new key with `ssh-keygen -t ed25519`.",
            )
        }
        KeyData::SkEd25519(_) | KeyData::SkEcdsaSha2NistP256(_) => {
            return refuse("Security-key (FIDO) SSH keys are not supported yet. Use an Ed25519, ECDSA or RSA key.")
        }
        _ => return refuse("This key type is not supported. Use an Ed25519, ECDSA or RSA key."),
    };
    let mut bare = key.clone();
    bare.set_comment("");
    let openssh =
        bare.to_openssh().map_err(|_| KeyRefused("This key cannot be encoded.".into()))?;
    let blob = key.to_bytes().map_err(|_| KeyRefused("This key cannot be encoded.".into()))?;
    let md5 = Md5::digest(&blob).iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
    Ok(ParsedKey {
        openssh: openssh.trim().to_owned(),
        key_type,
        bits,
        sha256: key.fingerprint(HashAlg::Sha256).to_string(),
        md5: format!("MD5:{md5}"),
        comment: key.comment().trim().to_owned(),
    })
}

fn bit_length(bytes: &[u8]) -> u32 {
    let Some(pos) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    let rest = u32::try_from(bytes.len() - pos - 1).unwrap_or(u32::MAX / 16);
    rest * 8 + (8 - bytes[pos].leading_zeros())
}

/// A new pair: the private key in OpenSSH format (for the owner, once) and
/// the description of its public half.
pub struct GeneratedPair {
    pub private_openssh: Zeroizing<String>,
    pub public: ParsedKey,
}

/// Makes a key pair from the operating system's CSPRNG. Slow for RSA: run
/// it on a blocking thread.
pub fn generate(
    kind: app::ssh_keys::model::GeneratedKind,
    comment: &str,
) -> anyhow::Result<GeneratedPair> {
    use app::ssh_keys::model::GeneratedKind;
    let mut rng = rand_core::OsRng;
    let mut private = match kind {
        GeneratedKind::Ed25519 => PrivateKey::random(&mut rng, Algorithm::Ed25519)?,
        GeneratedKind::Rsa => PrivateKey::from(RsaKeypair::random(&mut rng, GENERATED_RSA_BITS)?),
    };
    private.set_comment(comment);
    let public = describe(private.public_key()).map_err(|e| anyhow::anyhow!(e.0))?;
    Ok(GeneratedPair { private_openssh: private.to_openssh(LineEnding::LF)?, public })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made with ssh-keygen (OpenSSH 9.2); the fingerprints are what
    // `ssh-keygen -l -f` and `ssh-keygen -l -E md5 -f` printed for them.
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEYKQ+D+q9/Vu23UTCeQLzsoWK1+fHTLIfGDrbhL4Yms alice@laptop";
    const ECDSA384: &str = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBNA5aK71AjpofUkbVNRZBghm+jrQQ/7L2i+UHNf/3OqiqeisKvzOgwLzoNQqFw1gyKGb1NJDfQFWJsgbrJFbYoBV3LrV90x2DQoWlgc6Y5OXVSlMo1aqIVWJd/6Rcipzyg== e384";
    const RSA2048: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDgdSZg0rgJ9pew32OUBGqo32U+5rTDb9ZyGnYczie1c1oioyV/6huUkD3vhHOWF1IBW9te1htES7oJVyDWLdnIt76/yfVmx71ThXhuMhFp6nxKjWc2mvPPVQhTnVPLXgstSv8WBbQm4YVStO74lbYGZkS6LPu45lAPiK/3w/5XaThuqddG92bitk2CY4QoiyA62DcWaeZikSBmcpKmFMqvn0zoY4nEDCC7YwsdWfkoO2/ln9c9Qgj2U3eTGBk4XfoOt+4qMpjYCVOwVOoMuYtRmpEzfR6lpeP9BY92lSTiYO4knJd2cmC4UPvKAtaM0pvjSwG+uV3vjJEJ4g7BtFXP r2048";
    const RSA1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDFT9cWYxq1VIceVHfEZjm8pkGU6emuA6gFhg7jmxJzidxOoqPxB3ORku0hbPPeIMqV+DiXxrgf2DJaMFNLXPw3Wo40YLng/Sp50TpOTXdYqlS7LYTrtn6HKP10o3/dIUzsru64IUQVu8cXNkw17xst6v7C1NMYXDR+N3sEtmignw== short";
    const DSA: &str = "ssh-dss AAAAB3NzaC1kc3MAAACBAJjKxlXaLmgYDHm+GA2TAy+ZlRt0vVxKIi74njiVQnJVymzIFbTXE2nTh3h9B0AQaP3uZz4/nEnrWTbdwJYffMX/CrEiXnJ/7KixtYGm9wAtpbkFaA5Zzq5XXJ6LXQ24WWfl1mkbqAb8J9cxDebh1OTQy7KWPaujT3uigFVm+whxAAAAFQCGAOwdTkXBMycSfpVj0gPrlrlvLwAAAIAxdFZwq1WvEqRLzvWmtc4UT6+/yj+yMATDdHmlS/q3uCcNo2tV3l0TKMWSX2O2wpl5Z+rqwqLVZJR3Ww4cnxnBl8he1JJyTCxNDIYfwFwkTaynuv5AL3L5zLUoiyDfdLoKFpmMfXNa92hhEoPlmEfImV6djXbwrZ0w73JTab+tegAAAIBoHX9WkM2iPOerz1HaMtLz7d84taAncnwiX6nK74Ca4I/wdo5R0r1LDV/nO3lMil3ZuDkYIFQgMGxxgFm27EsQhaHD6sZ+9EhPoXeHY3l21R7UO2vAwDAGBTitmggxhzPGTFU6BmVyO3Im5/HLZE3CeOO48IFrdmDHAv97f3Nimw== root@vm";

    #[test]
    fn fingerprints_sizes_and_types_match_ssh_keygen() {
        let cases = [
            (
                ED25519,
                "ED25519",
                256,
                "SHA256:QC+O9FzGigLgDh5otH8rrstn3BFfrb3A8/H8/KdT2p4",
                "MD5:79:74:b4:76:45:75:74:5d:d3:fd:02:aa:64:96:40:a7",
            ),
            (
                ECDSA384,
                "ECDSA",
                384,
                "SHA256:EFrX4wE7uO5nEG7kkKk2QSsweFN5VasAT+2ug0+Ca38",
                "MD5:a4:c8:79:b7:a0:6d:47:c9:8f:7b:41:c9:62:84:22:c2",
            ),
            (
                RSA2048,
                "RSA",
                2048,
                "SHA256:Fr4PYE+BLjB2napvUGGDc88xHteAcEf3Ow+wZeLCFfU",
                "MD5:0e:16:1d:47:62:fd:c4:9b:af:75:53:d6:81:02:70:35",
            ),
        ];
        for (text, kind, bits, sha256, md5) in cases {
            let parsed = parse_public(text).unwrap();
            assert_eq!((parsed.key_type, parsed.bits), (kind, bits));
            assert_eq!(parsed.sha256, sha256);
            assert_eq!(parsed.md5, md5);
        }
    }

    #[test]
    fn dsa_and_short_rsa_are_refused_with_the_reason() {
        assert!(parse_public(DSA).unwrap_err().0.contains("DSA"));
        let err = parse_public(RSA1024).unwrap_err();
        assert!(err.0.contains("1024 bits") && err.0.contains("2048"), "{err}");
    }

    #[test]
    fn a_generated_pair_describes_itself_like_ssh_keygen() {
        let pair = generate(app::ssh_keys::model::GeneratedKind::Ed25519, "bob@bastion").unwrap();
        assert!(pair.private_openssh.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assert_eq!(pair.public.key_type, "ED25519");
        assert_eq!(pair.public.bits, 256);
        assert!(pair.public.sha256.starts_with("SHA256:"));
        assert_eq!(pair.public.md5.len(), "MD5:".len() + 16 * 3 - 1);
        let reparsed = parse_public(&pair.public.openssh).unwrap();
        assert_eq!(reparsed.sha256, pair.public.sha256);
    }

    #[test]
    fn the_stored_form_drops_the_comment_and_options_are_refused() {
        let parsed = parse_public(&format!("  {ED25519}\n")).unwrap();
        assert_eq!(parsed.comment, "alice@laptop");
        assert!(!parsed.openssh.contains("alice"));
        assert!(parsed.openssh.starts_with("ssh-ed25519 AAAA"));
        assert!(parse_public(&format!("command=\"/bin/sh\" {ED25519}")).is_err());
    }

    #[test]
    fn private_keys_garbage_and_several_keys_are_refused_without_echo() {
        let private = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
        let err = parse_public(private).unwrap_err();
        assert!(err.0.contains("private key"), "{err}");
        assert!(!err.0.contains("b3BlbnNz"));
        assert!(parse_public("hello world").is_err());
        assert!(parse_public(&format!("{ED25519}\n{ED25519}")).unwrap_err().0.contains("one key"));
        assert!(parse_public("").is_err());
    }

    #[test]
    fn bit_length_counts_from_the_top_bit() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[0x00]), 0);
    }
}
