//! State-changing requests must come from this site.

use crate::helpers::{Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;

on_both_backends!(cross_site_requests_are_refused);

async fn cross_site_requests_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("alice", Role::User).await;
    let browser = app.signed_in("alice").await;
    let cookie = {
        // The same session, sent by hand with chosen provenance headers.
        let res = app.login(&app.browser(), "alice", PASSWORD).await;
        crate::helpers::set_cookies(&res)[0].split(';').next().unwrap().to_owned()
    };
    let patch = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = reqwest::Client::new()
            .patch(app.url("/api/v1/users/profile/"))
            .header("cookie", &cookie)
            .json(&serde_json::json!({"wechat": "wx_attacker"}));
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            req = req.header("sec-fetch-site", site);
        }
        req.send()
    };
    let res = patch(Some("http://evil.example"), None).await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "csrf_failed");
    assert_eq!(patch(Some(&app.base), Some("cross-site")).await.unwrap().status(), 403);
    assert_eq!(patch(None, None).await.unwrap().status(), 403, "cookies without provenance");
    // Nothing changed.
    let profile: serde_json::Value =
        browser.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(profile["wechat"], "");

    assert_eq!(patch(Some(&app.base), None).await.unwrap().status(), 200);
    assert_eq!(patch(None, Some("same-origin")).await.unwrap().status(), 200);

    // Server functions too, with an error their client can decode.
    let res = reqwest::Client::new()
        .post(app.url("/rpc/logout"))
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["kind"], "cross_site");
    app.finish().await;
}
