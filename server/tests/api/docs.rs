//! The API documentation: the OpenAPI document covers every `/api/v1/`
//! route with its auth schemes and bodies, and the page renders it with
//! nothing loaded from elsewhere.

use crate::helpers::{Backend, TestApp};
use serde_json::Value;

/// Every `/api/v1/` route the server registers, with its methods.
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/v1/authentication/auth/", &["post"]),
    ("/api/v1/authentication/mfa/challenge/", &["post"]),
    ("/api/v1/authentication/mfa/verify/", &["post"]),
    ("/api/v1/authentication/confirm/", &["get", "post"]),
    ("/api/v1/authentication/ssh-key/", &["get", "post"]),
    ("/api/v1/authentication/ssh-key/{id}/", &["get", "patch", "delete"]),
    ("/api/v1/authentication/access-keys/", &["get", "post"]),
    ("/api/v1/authentication/access-keys/{id}/", &["get", "patch", "delete"]),
    ("/api/v1/users/profile/", &["get", "patch", "put"]),
    ("/api/v1/users/profile/password/", &["put"]),
    ("/api/v1/users/users/", &["get", "post"]),
    ("/api/v1/users/users/{id}/", &["get", "patch"]),
    ("/api/v1/users/users/{id}/unblock/", &["patch", "post"]),
    ("/api/v1/users/users/{id}/mfa/reset/", &["patch", "post"]),
    ("/api/v1/audits/login-logs/", &["get"]),
    ("/api/v1/authentication/mfa/send-code/", &["post"]),
    ("/api/v1/authentication/mfa/face/start/", &["post"]),
    ("/api/v1/authentication/mfa/face/frame/", &["post"]),
    ("/api/v1/settings/setting/", &["get", "patch"]),
    ("/api/v1/notifications/backends/", &["get"]),
    ("/api/v1/notifications/user-msg-subscription/{user_id}/", &["get", "patch", "put"]),
    ("/api/v1/notifications/site-messages/", &["get"]),
    ("/api/v1/notifications/site-messages/unread-total/", &["get"]),
    ("/api/v1/notifications/site-messages/mark-as-read/", &["patch"]),
    ("/api/v1/notifications/site-messages/mark-as-read-all/", &["patch"]),
    ("/api/v1/notifications/site-messages/{id}/", &["get", "delete"]),
    ("/api/v1/users/preference/", &["get", "patch", "delete"]),
    ("/api/v1/authentication/sessions/", &["get", "delete"]),
    ("/api/v1/authentication/sessions/{id}/", &["delete"]),
    ("/api/v1/perms/users/self/assets/", &["get"]),
    ("/api/v1/perms/users/self/assets/{id}/", &["get"]),
    ("/api/v1/authentication/connection-token/", &["get", "post"]),
    ("/api/v1/authentication/connection-token/{id}/", &["get"]),
    ("/api/v1/authentication/connection-token/{id}/expire/", &["patch"]),
    ("/api/v1/authentication/connection-token/{id}/reuse/", &["patch"]),
    ("/api/v1/authentication/connection-token/{id}/client-url/", &["get"]),
    ("/api/v1/authentication/connection-token/{id}/rdp-file/", &["get"]),
    ("/api/v1/assets/assets/", &["get", "post"]),
    ("/api/v1/assets/assets/{id}/", &["get", "put", "patch", "delete"]),
    ("/api/v1/accounts/accounts/", &["get", "post"]),
    ("/api/v1/accounts/accounts/{id}/", &["get", "put", "patch", "delete"]),
    ("/api/v1/perms/asset-permissions/", &["get", "post"]),
    ("/api/v1/perms/asset-permissions/{id}/", &["get", "put", "patch", "delete"]),
    ("/api/v1/authentication/super-connection-token/secret/", &["post"]),
    ("/api/v1/authentication/super-connection-token/check/", &["post"]),
    ("/api/v1/authentication/super-connection-token/renewal/", &["patch"]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_documented_with_its_auth_and_bodies() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let doc: Value =
        reqwest::get(app.url("/api/docs/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, methods) in ROUTES {
        let item = paths.get(*path).unwrap_or_else(|| panic!("{path} is not documented"));
        for method in *methods {
            let op = &item[*method];
            assert!(op.is_object(), "{method} {path} is not documented");
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path}: no responses"
            );
            documented += 1;
        }
    }
    let total: usize = paths.values().map(|item| item.as_object().map_or(0, |o| o.len())).sum();
    assert_eq!(total, documented, "the document lists a route this test does not know");
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for scheme in ["session", "bearer", "signature"] {
        assert!(schemes.contains_key(scheme), "{scheme}");
    }
    assert!(schemes["signature"]["description"].as_str().unwrap().contains("hmac-sha256"));
    // Bodies are described, down to the fields.
    let create = &paths["/api/v1/authentication/access-keys/"]["post"];
    assert!(create["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string());
    let created = &doc["components"]["schemas"]["CreatedAccessKey"];
    assert!(created.to_string().contains("secret"), "{created}");
    assert_eq!(
        paths["/api/v1/authentication/auth/"]["post"]["security"],
        serde_json::json!([{}]),
        "sign-in needs no credentials"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_is_served_here_and_needs_nothing_from_elsewhere() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    for url in ["/api/docs/", "/api/docs"] {
        let res = reqwest::get(app.url(url)).await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = res.text().await.unwrap();
        for (path, _) in ROUTES {
            assert!(html.contains(path), "{path} missing from the page");
        }
        assert!(html.contains("hmac-sha256") && html.contains("id=\"schema-SshKeyRecord\""));
        assert!(!html.contains("<script"), "no script needed");
        assert!(
            !html.contains("src=\"http") && !html.contains("href=\"http"),
            "nothing from elsewhere"
        );
    }
    app.finish().await;
}
