//! Recovery codes: ten single-use codes made when an authenticator is bound,
//! stored only as keyed hashes.

/// No 0/O, 1/I/L or U: codes are read off paper.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
pub const COUNT: usize = 10;
const CHARS: usize = 10;

/// A fresh code, `XXXXX-XXXXX` (about 49 bits).
pub fn new_code() -> String {
    let mut code = String::with_capacity(CHARS + 1);
    let mut filled = 0;
    while filled < CHARS {
        for byte in crate::crypto::random_bytes::<16>() {
            // Rejection sampling keeps every symbol equally likely.
            let limit = 256 - (256 % ALPHABET.len());
            if usize::from(byte) >= limit || filled == CHARS {
                continue;
            }
            if filled == CHARS / 2 {
                code.push('-');
            }
            code.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            filled += 1;
        }
    }
    code
}

pub fn new_set() -> Vec<String> {
    (0..COUNT).map(|_| new_code()).collect()
}

/// The form a code is hashed in: upper case, no separators.
pub fn canonical(code: &str) -> String {
    app::mfa::model::normalize_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_distinct() {
        let set = new_set();
        assert_eq!(set.len(), 10);
        for code in &set {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(code.as_bytes()[5], b'-');
            assert!(code.bytes().filter(|b| *b != b'-').all(|b| ALPHABET.contains(&b)), "{code}");
        }
        let unique: std::collections::HashSet<_> = set.iter().collect();
        assert_eq!(unique.len(), 10);
        assert_eq!(canonical(" abcde-fghjk "), "ABCDEFGHJK");
    }
}
