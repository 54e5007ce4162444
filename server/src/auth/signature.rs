//! HTTP Signatures (draft-cavage-http-signatures) with `hmac-sha256`, as
//! JumpServer's clients send them:
//! `Authorization: Signature keyId="..",algorithm="hmac-sha256",headers="(request-target) date",signature=".."`.
//! Parsing, the signing string and the checks live here; who the key
//! belongs to is the extractor's business.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha2::{Digest, Sha256};

/// How far a request's `Date` may be from the server clock.
pub const MAX_SKEW_SECS: i64 = 300;
/// The largest body a signed request may carry (its digest is computed in memory).
pub const MAX_SIGNED_BODY: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub key_id: String,
    pub algorithm: String,
    /// Lowercased header names, in the order they were signed.
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
}

/// Reads `keyId="..",algorithm="..",headers="..",signature=".."` (any
/// order; `headers` defaults to `date` as the draft says).
pub fn parse(credential: &str) -> Option<Params> {
    let mut key_id = None;
    let mut algorithm = None;
    let mut headers = None;
    let mut signature = None;
    let mut rest = credential.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=')?;
        let after = after.strip_prefix('"')?;
        let end = after.find('"')?;
        let value = &after[..end];
        rest = after[end + 1..].trim_start().trim_start_matches(',').trim_start();
        match name.trim().to_ascii_lowercase().as_str() {
            "keyid" => key_id = Some(value.to_owned()),
            "algorithm" => algorithm = Some(value.to_ascii_lowercase()),
            "headers" => {
                headers = Some(value.split_whitespace().map(str::to_ascii_lowercase).collect())
            }
            "signature" => signature = Some(B64.decode(value).ok()?),
            _ => {}
        }
    }
    Some(Params {
        key_id: key_id?,
        algorithm: algorithm.unwrap_or_else(|| "hmac-sha256".into()),
        headers: headers.unwrap_or_else(|| vec!["date".into()]),
        signature: signature?,
    })
}

/// The string the client signed: one `name: value` line per listed header.
/// `None` when a listed header is missing.
pub fn signing_string(
    params: &Params,
    method: &http::Method,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Option<String> {
    let mut lines = Vec::with_capacity(params.headers.len());
    for name in &params.headers {
        if name == "(request-target)" {
            lines.push(format!(
                "(request-target): {} {path_and_query}",
                method.as_str().to_ascii_lowercase()
            ));
        } else {
            // HeaderMap lookups ignore case; several values join as one.
            let values: Vec<&str> =
                headers.get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
            if values.is_empty() {
                return None;
            }
            lines.push(format!("{name}: {}", values.join(", ")));
        }
    }
    Some(lines.join("\n"))
}

/// Constant-time check of the HMAC-SHA256 of `signing_string` under `secret`.
pub fn verify(secret: &[u8], signing_string: &str, signature: &[u8]) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(signing_string.as_bytes());
    mac.verify_slice(signature).is_ok()
}

/// Whether a `Digest` header holds `SHA-256=<base64 of body digest>`.
pub fn digest_matches(header: &str, body_sha256: &[u8]) -> bool {
    let expected = B64.encode(body_sha256);
    header
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .any(|(alg, value)| alg.trim().eq_ignore_ascii_case("sha-256") && value.trim() == expected)
}

/// The SHA-256 of a signed request's body, for a listed `digest` header.
#[derive(Debug, Clone)]
pub struct BodyDigest(pub [u8; 32]);

/// For requests signed with a Signature, reads the body once to compute its
/// digest, then hands it on unchanged.
pub async fn digest_body(req: Request, next: Next) -> Response {
    let signed = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > 10 && v[..10].eq_ignore_ascii_case("signature "));
    if !signed {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_SIGNED_BODY).await else {
        return crate::http::error::ApiError {
            error: app::common::AppError::Invalid {
                message: format!("A signed request body is at most {MAX_SIGNED_BODY} bytes."),
                fields: Default::default(),
            },
            detail: None,
            code: None,
        }
        .into_response();
    };
    parts.extensions.insert(BodyDigest(Sha256::digest(&bytes).into()));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(secret: &str, text: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(text.as_bytes());
        B64.encode(mac.finalize().into_bytes())
    }

    #[test]
    fn parses_what_jumpserver_clients_send() {
        let p = parse(r#"keyId="abc",algorithm="hmac-sha256",headers="(request-target) accept date",signature="c2ln""#).unwrap();
        assert_eq!(p.key_id, "abc");
        assert_eq!(p.headers, vec!["(request-target)", "accept", "date"]);
        assert_eq!(p.signature, b"sig");
        let spaced = parse(r#"keyId="abc", signature="c2ln", headers="Date""#).unwrap();
        assert_eq!(spaced.headers, vec!["date"]);
        assert!(parse(r#"keyId="abc""#).is_none(), "no signature");
        assert!(parse("garbage").is_none());
        assert!(parse(r#"keyId="a",signature="***""#).is_none(), "not base64");
    }

    #[test]
    fn the_signing_string_lists_each_header_with_case_ignored() {
        let p = parse(
            r#"keyId="k",headers="(request-target) Content-Type date x-jms-org",signature="AA==""#,
        )
        .unwrap();
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h.insert("Date", "Thu, 03 Dec 2026 10:00:00 GMT".parse().unwrap());
        h.insert("X-JMS-ORG", "00000000-0000-0000-0000-000000000002".parse().unwrap());
        let s = signing_string(&p, &http::Method::GET, "/api/v1/users/profile/?a=1", &h).unwrap();
        assert_eq!(
            s,
            "(request-target): get /api/v1/users/profile/?a=1\ncontent-type: application/json\n\
             date: Thu, 03 Dec 2026 10:00:00 GMT\nx-jms-org: 00000000-0000-0000-0000-000000000002"
        );
        h.remove("x-jms-org");
        assert!(
            signing_string(&p, &http::Method::GET, "/", &h).is_none(),
            "a listed header is missing"
        );
        assert!(verify(b"secret", &s, &B64.decode(signed("secret", &s)).unwrap()));
        assert!(!verify(b"other", &s, &B64.decode(signed("secret", &s)).unwrap()));
    }

    #[test]
    fn digests_compare_by_algorithm_and_value() {
        let d: [u8; 32] = Sha256::digest(b"{}").into();
        let header = format!("SHA-256={}", B64.encode(d));
        assert!(digest_matches(&header, &d));
        assert!(
            digest_matches(&format!("sha-512=xyz, {header}"), &d),
            "other algorithms are skipped"
        );
        assert!(!digest_matches("SHA-256=AAAA", &d));
    }
}
