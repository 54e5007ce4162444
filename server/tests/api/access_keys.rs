//! Access keys and HTTP Signature authentication, checked by an independent
//! client: `tests/clients/jms_signature.py` signs requests the way
//! JumpServer's clients do, with Python's standard library only.

use crate::helpers::{send, Backend, TestApp};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(signed_requests_act_as_the_key_owner, keys_are_managed_with_care);

const KEYS: &str = "/api/v1/authentication/access-keys/";

/// Runs one case of the Python client; its status and body.
fn client(app: &TestApp, id: &str, secret: &str, case: &str) -> (u16, Value) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/jms_signature.py");
    let now = (app.core.now().millis() / 1000).to_string();
    let out = std::process::Command::new("python3")
        .args([script, &app.base, id, secret, &now, case])
        .output()
        .expect("python3 runs the independent client");
    assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stderr));
    let result: Value = serde_json::from_slice(&out.stdout).expect("the client prints JSON");
    (u16::try_from(result["status"].as_u64().unwrap()).unwrap(), result["body"].clone())
}

async fn new_key(app: &TestApp, browser: &reqwest::Client) -> (String, String) {
    let (status, created) = send(browser.post(app.url(KEYS)).json(&json!({}))).await;
    assert_eq!(status, 201, "{created}");
    (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

async fn signed_requests_act_as_the_key_owner(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("frank", Role::User).await;
    let browser = app.signed_in("frank").await;
    let (id, secret) = new_key(&app, &browser).await;
    assert_eq!(secret.len(), 36);

    for case in ["profile", "profile_without_slash", "query"] {
        let (status, body) = client(&app, &id, &secret, case);
        assert_eq!(status, 200, "{case}: {body}");
        if case != "query" {
            assert_eq!(body["username"], "frank", "{case}");
        }
    }
    let (status, body) = client(&app, &id, &secret, "patch_with_digest");
    assert_eq!((status, body["name"].as_str()), (200, Some("Signed Name")), "{body}");
    let (status, body) = client(&app, &id, &secret, "upper_case_header_names");
    assert_eq!((status, body["name"].as_str()), (200, Some("Upper Case")), "{body}");

    // Every signature failure gets the same answer, and changes nothing.
    for case in ["wrong_secret", "tampered_path", "tampered_body", "stale_date", "missing_date"] {
        let (status, body) = client(&app, &id, &secret, case);
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(body["detail"], "Invalid signature.", "{case}");
    }
    let (_, profile) = send(browser.get(app.url("/api/v1/users/profile/"))).await;
    assert_eq!(profile["name"], "Upper Case", "the tampered body was not applied");

    // The owner's permissions: an ordinary user's key reaches no admin route.
    assert_eq!(client(&app, &id, &secret, "users_list").0, 403);

    // Last use shows at once, and reaches the database without a write per request.
    let (_, list) = send(browser.get(app.url(KEYS))).await;
    assert!(list[0]["date_last_used"].is_string(), "{list}");
    assert!(list[0].get("secret").is_none(), "the secret is shown only when created");
    assert!(app.core.flush_key_usage().await.unwrap() >= 1);
    assert_eq!(app.core.flush_key_usage().await.unwrap(), 0, "nothing new to write");

    // The allowlist: another address is refused with its own message.
    let url = app.url(&format!("{KEYS}{id}/"));
    let (status, body) =
        send(browser.patch(&url).json(&json!({"ip_group": ["10.9.9.9", "2001:db8::/32"]}))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = client(&app, &id, &secret, "profile");
    assert_eq!(status, 401);
    assert!(body["detail"].as_str().unwrap().contains("IP address"), "{body}");
    let (status, _) = send(browser.patch(&url).json(&json!({"ip_group": ["127.0.0.0/8"]}))).await;
    assert_eq!(status, 200);
    assert_eq!(client(&app, &id, &secret, "profile").0, 200);

    // Disabled, then deleted: refused like a bad signature.
    assert_eq!(send(browser.patch(&url).json(&json!({"is_active": false}))).await.0, 200);
    assert_eq!(
        client(&app, &id, &secret, "profile"),
        (401, json!({"detail": "Invalid signature.", "code": "not_authenticated"}))
    );
    assert_eq!(send(browser.delete(&url)).await.0, 204);
    assert_eq!(client(&app, &id, &secret, "profile").0, 401);

    // A key of an account that an administrator switches off stops at once.
    app.create_user("boss", Role::Admin).await;
    let admin = app.signed_in("boss").await;
    let (id2, secret2) = new_key(&app, &browser).await;
    assert_eq!(client(&app, &id2, &secret2, "profile").0, 200);
    let user =
        server::users::store::find_by_username(&app.core.db, "frank").await.unwrap().unwrap();
    let (status, _) = send(
        admin
            .patch(app.url(&format!("/api/v1/users/users/{}/", user.id)))
            .json(&json!({"is_active": false})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(client(&app, &id2, &secret2, "profile").0, 401);

    // A change made by another instance (here: straight in the database)
    // takes effect once this instance's short cache has expired.
    server::on_db!(&app.core.db, pool => sqlx::query("UPDATE users SET is_active = TRUE WHERE id = $1")
        .bind(user.id).execute(pool).await.map(|r| r.rows_affected()))
    .unwrap();
    let ttl = server::access_keys::KEY_CACHE_TTL + std::time::Duration::from_millis(100);
    tokio::time::sleep(ttl).await;
    assert_eq!(client(&app, &id2, &secret2, "profile").0, 200);
    server::on_db!(&app.core.db, pool => sqlx::query("UPDATE access_keys SET is_active = FALSE WHERE user_id = $1")
        .bind(user.id).execute(pool).await.map(|r| r.rows_affected()))
    .unwrap();
    tokio::time::sleep(ttl).await;
    assert_eq!(client(&app, &id2, &secret2, "profile").0, 401);
    app.finish().await;
}

async fn keys_are_managed_with_care(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("gina", Role::User).await;
    app.create_user("hank", Role::User).await;
    let browser = app.signed_in("gina").await;

    let (status, body) =
        send(browser.post(app.url(KEYS)).json(&json!({"ip_group": ["300.1.1.1", "10.0.0.0/8"]})))
            .await;
    assert_eq!(status, 400);
    assert!(body["ip_group"][0].as_str().unwrap().contains("300.1.1.1"), "{body}");

    let (id, _) = new_key(&app, &browser).await;
    let url = app.url(&format!("{KEYS}{id}/"));
    let hank = app.signed_in("hank").await;
    assert_eq!(send(hank.get(&url)).await.0, 404, "another user's key does not exist for them");
    assert_eq!(send(hank.delete(&url)).await.0, 404);
    let (status, body) = send(browser.patch(&url).json(&json!({"ip_group": []}))).await;
    assert_eq!(status, 400, "{body}");

    for _ in 1..10 {
        new_key(&app, &browser).await;
    }
    let (status, body) = send(browser.post(app.url(KEYS)).json(&json!({}))).await;
    assert_eq!(status, 400);
    assert!(body["detail"].as_str().unwrap().contains("the most allowed"), "{body}");
    assert_eq!(send(browser.delete(&url)).await.0, 204);

    // Creating a key needs a recent confirmation.
    app.clock.advance_secs(301);
    let (status, body) = send(browser.post(app.url(KEYS)).json(&json!({}))).await;
    assert_eq!(status, 412);
    assert_eq!(body["type"], "user_confirm_required");

    // No credentials at all.
    let (status, _) = send(reqwest::Client::new().get(app.url(KEYS))).await;
    assert_eq!(status, 401);
    app.finish().await;
}
