//! Cross-site request forgery: a state-changing request must come from this
//! site. Browsers say where a request comes from in `Sec-Fetch-Site` (all
//! current ones) and `Origin` (on every POST); a request that carries cookies
//! but neither header is refused, since only a very old browser or a forged
//! request would send it.

use http::{HeaderMap, Method};

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Whether an unsafe request may proceed. `public_origin` is the configured
/// `scheme://host[:port]`; the request's own `Host` is accepted too, so the
/// site works under any name it is reached by. `session_cookie` says whether
/// the request carries the browser session cookie.
pub fn same_site_request(
    headers: &HeaderMap,
    public_origin: &str,
    https: bool,
    session_cookie: bool,
) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = text("origin") {
        if origin == public_origin {
            return true;
        }
        let scheme = if https { "https" } else { "http" };
        return text("host").is_some_and(|host| origin == format!("{scheme}://{host}"));
    }
    // No browser provenance at all: fine for API scripts, refused when the
    // session cookie would lend the request a signed-in browser's authority.
    !session_cookie
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    const ORIGIN: &str = "http://127.0.0.1:3000";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(same_site_request(
            &headers(&[("sec-fetch-site", "same-origin")]),
            ORIGIN,
            false,
            false
        ));
        assert!(!same_site_request(
            &headers(&[("sec-fetch-site", "cross-site")]),
            ORIGIN,
            false,
            false
        ));
        assert!(!same_site_request(
            &headers(&[("sec-fetch-site", "same-site"), ("origin", ORIGIN)]),
            ORIGIN,
            false,
            false
        ));
    }

    #[test]
    fn origin_must_be_this_site() {
        assert!(same_site_request(&headers(&[("origin", ORIGIN)]), ORIGIN, false, false));
        assert!(same_site_request(
            &headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]),
            ORIGIN,
            false,
            false
        ));
        assert!(!same_site_request(
            &headers(&[("origin", "http://evil.example"), ("host", "127.0.0.1:3000")]),
            ORIGIN,
            false,
            false
        ));
        assert!(!same_site_request(&headers(&[("origin", "null")]), ORIGIN, false, false));
    }

    #[test]
    fn cookies_without_provenance_are_refused() {
        assert!(!same_site_request(&headers(&[("cookie", "bp_session=x")]), ORIGIN, false, true));
        assert!(same_site_request(&headers(&[]), ORIGIN, false, false));
    }

    #[test]
    fn only_unsafe_methods_are_checked() {
        assert!(!is_state_changing(&Method::GET));
        assert!(is_state_changing(&Method::POST));
        assert!(is_state_changing(&Method::PATCH));
        assert!(is_state_changing(&Method::DELETE));
    }
}
