//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), SHA-1, six
//! digits, 30-second steps, as every authenticator app expects. The HMAC
//! truncation comes from totp-rs; which steps are accepted (the window, and
//! never a step at or before the last one accepted) is decided here.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use totp_rs::{Algorithm, TOTP};

pub const STEP_SECS: u64 = 30;
pub const DIGITS: usize = 6;
/// 160 bits, RFC 4226's recommended secret length.
pub const SECRET_BYTES: usize = 20;
pub const MAX_ISSUER_CHARS: usize = 16;

/// The HOTP value of `secret` at `counter`.
pub fn hotp(algorithm: Algorithm, secret: &[u8], counter: u64, digits: usize) -> String {
    // A step of one second makes totp-rs's "time" the HOTP counter itself.
    TOTP::new_unchecked(algorithm, digits, 0, 1, secret.to_vec()).generate(counter)
}

pub fn code_at_step(secret: &[u8], step: u64) -> String {
    hotp(Algorithm::SHA1, secret, step, DIGITS)
}

pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The step `code` belongs to, if it is within `window` steps of `now` and
/// later than `last_step`. Every candidate is compared, in constant time, so
/// the time taken says nothing about which one matched.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_secs: u64,
    window: u8,
    last_step: u64,
) -> Option<u64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_secs);
    let window = u64::from(window);
    let mut found = None;
    for step in now.saturating_sub(window)..=now.saturating_add(window) {
        let expected = code_at_step(secret, step);
        let matches = crate::crypto::constant_time_eq(expected.as_bytes(), code.as_bytes());
        if matches && step > last_step && found.is_none() {
            found = Some(step);
        }
    }
    found
}

pub fn new_secret() -> [u8; SECRET_BYTES] {
    crate::crypto::random_bytes::<SECRET_BYTES>()
}

pub fn base32(secret: &[u8]) -> String {
    TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 0, STEP_SECS, secret.to_vec()).get_secret_base32()
}

/// Why an issuer name cannot be used, if it cannot.
pub fn check_issuer(issuer: &str) -> Result<(), String> {
    let chars = issuer.chars().count();
    if issuer.trim().is_empty() {
        return Err("Enter an issuer name.".into());
    }
    if chars > MAX_ISSUER_CHARS {
        return Err(format!("The issuer has at most {MAX_ISSUER_CHARS} characters."));
    }
    if issuer.contains(':') || issuer.chars().any(char::is_control) {
        return Err("The issuer cannot contain a colon or control characters.".into());
    }
    Ok(())
}

/// Everything but RFC 3986's unreserved characters is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn enc(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The Key Uri Format every authenticator app reads, with every parameter
/// spelled out (some apps mishandle the defaults).
pub fn otpauth_url(issuer: &str, account: &str, secret: &[u8]) -> String {
    format!(
        "otpauth://totp/{issuer_enc}:{account}?secret={secret}&issuer={issuer_enc}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        issuer_enc = enc(issuer),
        account = enc(account),
        secret = base32(secret),
    )
}

/// The QR code of `text` as an SVG document.
pub fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_SHA1: &[u8] = b"12345678901234567890";
    const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    fn totp8(algorithm: Algorithm, seed: &[u8], unix: u64) -> String {
        hotp(algorithm, seed, unix / 30, 8)
    }

    /// RFC 6238 Appendix B, all 18 rows.
    #[test]
    fn rfc6238_appendix_b_vectors() {
        let rows: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in rows {
            assert_eq!(totp8(Algorithm::SHA1, SEED_SHA1, time), sha1, "SHA1 at {time}");
            assert_eq!(totp8(Algorithm::SHA256, SEED_SHA256, time), sha256, "SHA256 at {time}");
            assert_eq!(totp8(Algorithm::SHA512, SEED_SHA512, time), sha512, "SHA512 at {time}");
        }
    }

    /// RFC 4226 Appendix D.
    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(
                hotp(Algorithm::SHA1, SEED_SHA1, counter as u64, 6),
                *code,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn codes_are_accepted_within_the_window_only() {
        let secret = [42u8; 20];
        let now = 1_800_000_000;
        let at = |offset: i64| code_at_step(&secret, (step_at(now) as i64 + offset) as u64);
        assert_eq!(verify(&secret, &at(0), now, 1, 0), Some(step_at(now)));
        assert_eq!(verify(&secret, &at(-1), now, 1, 0), Some(step_at(now) - 1));
        assert_eq!(verify(&secret, &at(1), now, 1, 0), Some(step_at(now) + 1));
        assert_eq!(verify(&secret, &at(2), now, 1, 0), None);
        assert_eq!(
            verify(&secret, &at(-1), now, 0, 0),
            None,
            "window 0 takes only the current step"
        );
        assert_eq!(verify(&secret, &at(-2), now, 2, 0), Some(step_at(now) - 2));
    }

    #[test]
    fn a_step_is_never_accepted_twice_nor_an_earlier_one() {
        let secret = [7u8; 20];
        let now = 1_800_000_000;
        let step = step_at(now);
        let code = code_at_step(&secret, step);
        assert_eq!(verify(&secret, &code, now, 1, step), None, "replay of the same step");
        let previous = code_at_step(&secret, step - 1);
        assert_eq!(
            verify(&secret, &previous, now, 1, step),
            None,
            "an earlier step after a later one"
        );
        let next = code_at_step(&secret, step + 1);
        assert_eq!(verify(&secret, &next, now, 1, step), Some(step + 1));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = [1u8; 20];
        for bad in ["", "12345", "1234567", "12a456", " 12345"] {
            assert_eq!(verify(&secret, bad, 1_800_000_000, 1, 0), None, "{bad:?}");
        }
    }

    #[test]
    fn otpauth_urls_spell_out_every_parameter_and_escape_names() {
        let url = otpauth_url("Bastion Profile", "ann@example.com", SEED_SHA1);
        assert_eq!(
            url,
            "otpauth://totp/Bastion%20Profile:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bastion%20Profile&algorithm=SHA1&digits=6&period=30"
        );
        let chinese = otpauth_url("堡垒机", "张三", SEED_SHA1);
        assert!(
            chinese.starts_with("otpauth://totp/%E5%A0%A1%E5%9E%92%E6%9C%BA:%E5%BC%A0%E4%B8%89?")
        );
        assert!(qr_svg(&chinese).unwrap().starts_with("<?xml"));
    }

    #[test]
    fn issuers_are_short_and_colon_free() {
        assert!(check_issuer("Bastion Profile").is_ok());
        assert!(check_issuer("跳板机安全中心").is_ok());
        assert!(check_issuer("a:b").is_err());
        assert!(check_issuer(&"x".repeat(17)).is_err());
        assert!(check_issuer(" ").is_err());
    }
}
