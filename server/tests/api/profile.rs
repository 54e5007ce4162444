//! `GET/PATCH /api/v1/users/profile/`.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(profile_reads_and_edits_contact_details, profile_needs_credentials);

async fn profile_reads_and_edits_contact_details(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let alice = app.create_user("alice", Role::User).await;
    let client = app.signed_in("alice").await;

    let profile: Value =
        client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(profile["id"], alice.id.to_string());
    assert_eq!(profile["username"], "alice");
    assert_eq!(profile["source"], "local");
    assert_eq!(profile["mfa_level"], 0);
    assert_eq!(profile["is_otp_secret_key_bound"], false);
    assert_eq!(profile["phone"], Value::Null);
    assert!(profile["last_login"].is_string(), "sign-in recorded: {profile}");
    assert!(profile.get("password_hash").is_none());

    // A bad phone is refused beside its field and changes nothing.
    let res = client
        .patch(app.url("/api/v1/users/profile/"))
        .json(&json!({"phone": "12345", "wechat": "wx_alice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["phone"][0].as_str().unwrap().contains("country code"), "{body}");
    let profile: Value =
        client.get(app.url("/api/v1/users/profile")).send().await.unwrap().json().await.unwrap();
    assert_eq!(profile["wechat"], "", "nothing saved when one field is bad");

    // Without the trailing slash too.
    let res = client
        .patch(app.url("/api/v1/users/profile"))
        .json(&json!({"phone": "+86 138 0013 8000", "wechat": "wx_alice", "name": "Alice A."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["phone"], "+8613800138000");
    let profile: Value =
        client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(profile["phone"], "+8613800138000");
    assert_eq!(profile["name"], "Alice A.");

    // Read-only fields are not the user's to change.
    let res = client
        .patch(app.url("/api/v1/users/profile/"))
        .json(&json!({"username": "mallory", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let profile: Value = res.json().await.unwrap();
    assert_eq!(
        (profile["username"].as_str(), profile["role"].as_str()),
        (Some("alice"), Some("user"))
    );

    let res = client
        .patch(app.url("/api/v1/users/profile/"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.json::<Value>().await.unwrap()["detail"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
    app.finish().await;
}

async fn profile_needs_credentials(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let res = reqwest::get(app.url("/api/v1/users/profile/")).await.unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["detail"], "Authentication credentials were not provided.");
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/users/profile/"))
        .header("authorization", "Bearer forged")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "an unusable Authorization header is refused, not ignored");
    app.finish().await;
}
