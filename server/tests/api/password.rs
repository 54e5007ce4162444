//! Changing one's password over HTTP: the policy (length, blocklist,
//! strength, reuse), what happens to other sessions and tokens, expiry, and
//! the JumpServer REST shape.

use crate::helpers::{Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(
    a_change_follows_the_policy_and_ends_other_sessions,
    an_expired_password_must_change_before_anything_else,
    only_local_accounts_change_passwords_here,
);

async fn put_password(
    app: &TestApp,
    client: &reqwest::Client,
    old: &str,
    new: &str,
    again: &str,
) -> (u16, Value) {
    let res = client
        .put(app.url("/api/v1/users/profile/password/"))
        .json(&json!({"old_password": old, "new_password": new, "new_password_again": again}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn first_error(body: &Value, field: &str) -> String {
    body[field][0].as_str().unwrap_or_else(|| panic!("no error for {field} in {body}")).to_owned()
}

async fn bearer_token(app: &TestApp, username: &str, password: &str) -> String {
    let body: Value = reqwest::Client::new()
        .post(app.url("/api/v1/authentication/auth/"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap_or_else(|| panic!("no token: {body}")).to_owned()
}

async fn a_change_follows_the_policy_and_ends_other_sessions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("alice", Role::User).await;
    app.create_user("root-admin", Role::Admin).await;
    let client = app.signed_in("alice").await;
    let other = app.signed_in("alice").await;
    let token = bearer_token(&app, "alice", PASSWORD).await;

    let res = client
        .patch(app.url("/api/v1/users/profile/password/"))
        .json(&json!({"old_password": PASSWORD, "new_password": "x", "new_password_again": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405, "a password change is a PUT of the whole form");

    let good = "amber kettle orbit forty-two";
    let (status, body) = put_password(&app, &client, "not my password", good, good).await;
    assert_eq!(status, 400);
    assert_eq!(first_error(&body, "old_password"), "Your current password is incorrect.");

    // Without MFA the minimum is 15 characters, and the message says so.
    let (status, body) = put_password(&app, &client, PASSWORD, "kettle-v1!", "kettle-v1!").await;
    assert_eq!(status, 400);
    assert!(first_error(&body, "new_password").contains("at least 15 characters"), "{body}");

    for weak in ["passwordpassword", "Password1234567", "alice@example.com"] {
        let (status, body) = put_password(&app, &client, PASSWORD, weak, weak).await;
        assert_eq!(status, 400, "{weak} was accepted");
        let msg = first_error(&body, "new_password");
        assert!(msg.contains("well-known") || msg.contains("Too easy to guess"), "{weak}: {msg}");
    }

    let (status, body) = put_password(&app, &client, PASSWORD, good, "amber kettle orbit").await;
    assert_eq!(status, 400);
    assert_eq!(first_error(&body, "new_password_again"), "The two new passwords differ.");

    let before: Value =
        client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    app.clock.advance_secs(60);
    let long = "a sentence long enough to pass any limit you like, ".repeat(3);
    assert!(long.chars().count() > 64);
    let (status, body) = put_password(&app, &client, PASSWORD, &long, &long).await;
    assert_eq!(status, 200, "{body}");

    // Only this session survives; the other browser and the API token are out.
    assert_eq!(app.whoami(&client).await.as_deref(), Some("alice"));
    assert_eq!(app.whoami(&other).await, None);
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/users/profile/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let profile: Value =
        client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert!(profile["date_password_last_updated"].is_string(), "{profile}");
    assert_ne!(profile["date_password_last_updated"], before["date_password_last_updated"]);

    // The whole long password counts: a prefix does not sign in.
    let fresh = app.browser();
    assert_eq!(app.login(&fresh, "alice", &long[..64]).await.status(), 401);
    assert_eq!(app.login(&fresh, "alice", &long).await.status(), 200);

    // The last passwords (the first one included) cannot come back.
    let (status, body) = put_password(&app, &client, &long, good, good).await;
    assert_eq!(status, 200, "{body}");
    for reused in [PASSWORD, long.as_str()] {
        let (status, body) = put_password(&app, &client, good, reused, reused).await;
        assert_eq!(status, 400);
        assert!(first_error(&body, "new_password").contains("recently"), "{body}");
    }
    // With the rule off, an old one is allowed again.
    let mut policy = app.core.security().await.unwrap();
    policy.password_history = 0;
    app.core.set_security(policy).await.unwrap();
    let (status, body) = put_password(&app, &client, good, PASSWORD, PASSWORD).await;
    assert_eq!(status, 200, "{body}");

    // Every change is in the authentication log.
    let admin = app.signed_in("root-admin").await;
    let log: Value = admin
        .get(app.url("/api/v1/audits/login-logs/?search=alice"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let changes = log["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["factor"] == "password" && e["reason"] == "changed")
        .count();
    assert_eq!(changes, 3, "{log}");
    app.finish().await;
}

async fn an_expired_password_must_change_before_anything_else(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("bob", Role::User).await;
    let mut policy = app.core.security().await.unwrap();
    policy.password_expiry_days = 30;
    app.core.set_security(policy).await.unwrap();
    app.clock.advance_secs(31 * 24 * 3600);

    let client = app.browser();
    let res = app.login(&client, "bob", PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<String>().await.unwrap(), "/password/expired");
    let res = client.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/password/expired");
    assert_eq!(app.whoami(&client).await, None, "not signed in yet");
    let res = client.get(app.url("/api/v1/users/profile/")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let api: Value = reqwest::Client::new()
        .post(app.url("/api/v1/authentication/auth/"))
        .json(&json!({"username": "bob", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["error"], "password_expired");

    let new = "violet harbour lantern seven";
    let res = client
        .post(app.url("/rpc/change_password"))
        .json(&json!({"change": {"old_password": PASSWORD, "new_password": new, "new_password_again": new}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("bob"),
        "the change finished the sign-in"
    );
    assert_eq!(client.get(app.url("/profile")).send().await.unwrap().status(), 200);
    app.finish().await;
}

async fn only_local_accounts_change_passwords_here(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let carol = app.create_user("carol", Role::User).await;
    let client = app.signed_in("carol").await;
    server::on_db!(&app.core.db, pool => sqlx::query("UPDATE users SET source = 'ldap' WHERE id = $1")
        .bind(carol.id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    let new = "violet harbour lantern seven";
    let (status, body) = put_password(&app, &client, PASSWORD, new, new).await;
    assert_eq!(status, 400);
    assert!(first_error(&body, "non_field_errors").contains("managed by ldap"), "{body}");
    let fresh = app.browser();
    assert_eq!(app.login(&fresh, "carol", PASSWORD).await.status(), 200, "nothing changed");
    app.finish().await;
}
