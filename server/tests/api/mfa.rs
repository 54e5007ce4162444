//! Second factors end to end over HTTP: binding an authenticator with codes
//! from an independent implementation (Debian's `oathtool`), the MFA step,
//! replays, recovery codes, lockout, re-authentication and the API sign-in.

use crate::helpers::{rpc, Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(
    an_authenticator_binds_and_guards_sign_in,
    failures_block_and_an_admin_unblocks,
    api_clients_sign_in_through_the_mfa_challenge,
    sensitive_actions_need_a_recent_confirmation,
    a_forced_user_must_bind_before_anything_else,
    admins_read_the_log_and_reset_mfa,
);

/// The code `oathtool` computes for `secret` at the app's current time.
fn oathtool(app: &TestApp, secret: &str) -> String {
    let secs = app.core.now().millis() / 1000;
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret, "-N", &format!("@{secs}")])
        .output()
        .expect("oathtool is installed (scripts/test.sh installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Binds an authenticator for the signed-in `client`; returns the secret and the recovery codes.
async fn bind(app: &TestApp, client: &reqwest::Client) -> (String, Vec<String>) {
    let (status, enrollment) = rpc(app, client, "start_totp_binding", &[]).await;
    assert_eq!(status, 200, "{enrollment}");
    let secret = enrollment["secret"].as_str().unwrap().to_owned();
    let (status, codes) =
        rpc(app, client, "confirm_totp_binding", &[("code", &oathtool(app, &secret))]).await;
    assert_eq!(status, 200, "{codes}");
    let (status, _) = rpc(app, client, "finish_totp_binding", &[]).await;
    assert_eq!(status, 200);
    let codes = codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    (secret, codes)
}

async fn sign_in_to_step(app: &TestApp, username: &str) -> reqwest::Client {
    let client = app.browser();
    let res = app.login(&client, username, PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<String>().await.unwrap(), "/mfa?next=%2Fprofile");
    client
}

async fn an_authenticator_binds_and_guards_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("alice", Role::User).await;
    let client = app.signed_in("alice").await;

    let (status, enrollment) = rpc(&app, &client, "start_totp_binding", &[]).await;
    assert_eq!(status, 200);
    let secret = enrollment["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let url = enrollment["otpauth_url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("otpauth://totp/Bastion%20Profile:alice?secret={secret}&issuer=Bastion%20Profile&algorithm=SHA1&digits=6&period=30")
    );
    assert!(enrollment["qr_svg"].as_str().unwrap().contains("<svg"));

    let (status, body) = rpc(&app, &client, "confirm_totp_binding", &[("code", "000000")]).await;
    assert_eq!(status, 400, "{body}");
    let code = oathtool(&app, &secret);
    let (status, codes) = rpc(&app, &client, "confirm_totp_binding", &[("code", &code)]).await;
    assert_eq!(status, 200);
    let codes: Vec<String> =
        codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), 10);
    let profile: Value =
        client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(profile["is_otp_secret_key_bound"], false, "not bound until the codes are saved");
    assert_eq!(rpc(&app, &client, "finish_totp_binding", &[]).await.0, 200);
    let profile: Value =
        client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(profile["is_otp_secret_key_bound"], true);
    let (_, status) = rpc(&app, &client, "get_mfa_status", &[]).await;
    assert_eq!(status["recovery_codes_left"], 10);

    // The password alone now leads to the MFA step and nothing else.
    let pending = sign_in_to_step(&app, "alice").await;
    assert_eq!(app.whoami(&pending).await, None);
    assert_eq!(pending.get(app.url("/api/v1/users/profile/")).send().await.unwrap().status(), 401);
    let page = pending.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(page.headers()["location"], "/mfa");
    let (_, choices) = rpc(&app, &pending, "mfa_step_choices", &[]).await;
    assert_eq!(choices, json!(["otp", "recovery"]));

    // The code used for binding is spent: the same step never works again.
    let (status, body) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "otp"), ("code", &code)]).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["message"].as_str().unwrap().contains("tries left"), "{body}");
    app.clock.advance_secs(30);
    let fresh = oathtool(&app, &secret);
    let (status, dest) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "otp"), ("code", &fresh)]).await;
    assert_eq!((status, dest), (200, json!("/profile")));
    assert_eq!(app.whoami(&pending).await.as_deref(), Some("alice"));
    let again = sign_in_to_step(&app, "alice").await;
    let (status, _) =
        rpc(&app, &again, "pass_mfa_step", &[("kind", "otp"), ("code", &fresh)]).await;
    assert_eq!(status, 401, "a replayed code is refused");

    // A recovery code works once.
    let (status, _) = rpc(
        &app,
        &again,
        "pass_mfa_step",
        &[("kind", "recovery"), ("code", &codes[0].to_lowercase())],
    )
    .await;
    assert_eq!(status, 200);
    let third = sign_in_to_step(&app, "alice").await;
    let (status, _) =
        rpc(&app, &third, "pass_mfa_step", &[("kind", "recovery"), ("code", &codes[0])]).await;
    assert_eq!(status, 401);
    let (_, status_now) = rpc(&app, &again, "get_mfa_status", &[]).await;
    assert_eq!(status_now["recovery_codes_left"], 9);

    // Removing it takes a recent confirmation and a current code.
    app.clock.advance_secs(11 * 60);
    let (status, body) = rpc(&app, &again, "unbind_totp", &[("code", "123456")]).await;
    assert_eq!((status, body), (412, json!({"kind": "confirm_required", "code": "mfa"})));
    let (status, _) = rpc(
        &app,
        &again,
        "confirm_identity",
        &[("kind", "otp"), ("secret", &oathtool(&app, &secret))],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(rpc(&app, &again, "unbind_totp", &[("code", "123456")]).await.0, 401);
    app.clock.advance_secs(30);
    assert_eq!(
        rpc(&app, &again, "unbind_totp", &[("code", &oathtool(&app, &secret))]).await.0,
        200
    );
    let res = app.login(&app.browser(), "alice", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/profile", "no second factor any more");
    app.finish().await;
}

async fn failures_block_and_an_admin_unblocks(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("root", Role::Admin).await;
    let bob = app.create_user("bob", Role::User).await;
    let admin = app.signed_in("root").await;
    let client = app.browser();
    for left in (1..7).rev() {
        let res = app.login(&client, "bob", "wrong password").await;
        assert!(res.text().await.unwrap().contains(&format!("{left} tr")), "{left} tries left");
    }
    let res = app.login(&client, "bob", "wrong password").await;
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("Try again after"));
    let res = app.login(&client, "bob", PASSWORD).await;
    assert_eq!(res.status(), 429, "blocked even with the right password");
    // Unknown names are counted and blocked the same way.
    for _ in 0..7 {
        app.login(&client, "nobody", "wrong password").await;
    }
    assert_eq!(app.login(&client, "nobody", "wrong password").await.status(), 429);

    let res = admin
        .patch(app.url(&format!("/api/v1/users/users/{}/unblock/", bob.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.login(&client, "bob", PASSWORD).await.status(), 200);

    // Blocks expire by themselves too.
    for _ in 0..7 {
        app.login(&client, "bob", "wrong password").await;
    }
    assert_eq!(app.login(&client, "bob", PASSWORD).await.status(), 429);
    app.clock.advance_secs(30 * 60 + 1);
    assert_eq!(app.login(&client, "bob", PASSWORD).await.status(), 200);
    app.finish().await;
}

async fn api_clients_sign_in_through_the_mfa_challenge(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("carol", Role::User).await;
    let script = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let auth = app.url("/api/v1/authentication/auth/");

    let body: Value = script
        .post(&auth)
        .json(&json!({"username": "carol", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["keyword"], "Bearer");
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(body["date_expired"].as_str().unwrap().ends_with('Z'));
    let me: Value = script
        .get(app.url("/api/v1/users/profile/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "carol");
    let res =
        script.get(app.url("/api/v1/users/profile/")).bearer_auth("forged").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = script
        .post(&auth)
        .json(&json!({"username": "carol", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "authentication_failed");

    let browser = app.signed_in("carol").await;
    let (secret, _) = bind(&app, &browser).await;
    app.clock.advance_secs(30);

    let res = script
        .post(&auth)
        .json(&json!({"username": "carol", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "mfa_required");
    assert_eq!(body["data"]["choices"], json!(["otp", "recovery"]));
    assert!(body.get("token").is_none());
    let challenge = app.url("/api/v1/authentication/mfa/challenge/");
    let res = script
        .post(&challenge)
        .json(&json!({"type": "otp", "code": "000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.json::<Value>().await.unwrap()["msg"].as_str().unwrap().contains("not correct"));
    let res = script
        .post(&challenge)
        .json(&json!({"type": "otp", "code": oathtool(&app, &secret)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"msg": "ok"}));
    let body: Value = script
        .post(&auth)
        .json(&json!({"username": "carol", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["keyword"], "Bearer", "{body}");
    // A client that never passed the challenge gets no token.
    let other = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let body: Value = other
        .post(&auth)
        .json(&json!({"username": "carol", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "mfa_required");
    app.finish().await;
}

async fn sensitive_actions_need_a_recent_confirmation(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("dan", Role::User).await;
    let client = app.signed_in("dan").await;
    app.clock.advance_secs(301);
    let (status, body) = rpc(&app, &client, "start_totp_binding", &[]).await;
    assert_eq!(status, 412);
    assert_eq!(body, json!({"kind": "confirm_required", "code": "password"}));
    let (status, _) =
        rpc(&app, &client, "confirm_identity", &[("secret", "not my password")]).await;
    assert_eq!(status, 401);
    let (status, _) = rpc(&app, &client, "confirm_identity", &[("secret", PASSWORD)]).await;
    assert_eq!(status, 200);
    let (secret, codes) = bind(&app, &client).await;

    app.clock.advance_secs(11 * 60);
    let (status, body) = rpc(&app, &client, "regenerate_recovery_codes", &[]).await;
    assert_eq!((status, body), (412, json!({"kind": "confirm_required", "code": "mfa"})));
    let (status, _) = rpc(&app, &client, "confirm_identity", &[("secret", PASSWORD)]).await;
    assert_eq!(status, 400, "a password is not enough once MFA is bound");
    let (status, _) = rpc(
        &app,
        &client,
        "confirm_identity",
        &[("kind", "otp"), ("secret", &oathtool(&app, &secret))],
    )
    .await;
    assert_eq!(status, 200);
    let (status, fresh) = rpc(&app, &client, "regenerate_recovery_codes", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(fresh.as_array().unwrap().len(), 10);
    let pending = sign_in_to_step(&app, "dan").await;
    let (status, _) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "recovery"), ("code", &codes[1])]).await;
    assert_eq!(status, 401, "the old set was replaced");

    // The REST shape of the same rule.
    let options: Value = client
        .get(app.url("/api/v1/authentication/confirm/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(options["required"], "mfa");
    assert_eq!(options["mfa"], json!(["otp"]));
    app.finish().await;
}

async fn a_forced_user_must_bind_before_anything_else(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("erin", Role::User).await;
    let mut policy = app.core.security().await.unwrap();
    policy.mfa_policy = 1;
    app.core.set_security(policy).await.unwrap();

    let client = app.browser();
    let res = app.login(&client, "erin", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/otp/bind?setup=1");
    assert_eq!(app.whoami(&client).await, None);
    assert_eq!(client.get(app.url("/api/v1/users/profile/")).send().await.unwrap().status(), 401);
    let page = client.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(page.headers()["location"], "/otp/bind?setup=1");
    let api = reqwest::Client::new()
        .post(app.url("/api/v1/authentication/auth/"))
        .json(&json!({"username": "erin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.json::<Value>().await.unwrap()["error"], "mfa_unset");

    bind(&app, &client).await;
    assert_eq!(app.whoami(&client).await.as_deref(), Some("erin"), "binding finished the sign-in");

    // An administrator can require it of one user, who cannot turn it off.
    let mut policy = app.core.security().await.unwrap();
    policy.mfa_policy = 0;
    app.core.set_security(policy).await.unwrap();
    app.create_user("root", Role::Admin).await;
    let gus = app.create_user("gus", Role::User).await;
    let admin = app.signed_in("root").await;
    let res = admin
        .patch(app.url(&format!("/api/v1/users/users/{}/", gus.id)))
        .json(&json!({"mfa_level": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let gus_client = app.browser();
    let res = app.login(&gus_client, "gus", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/otp/bind?setup=1");
    bind(&app, &gus_client).await;
    let res = gus_client
        .patch(app.url("/api/v1/users/profile/"))
        .json(&json!({"mfa_level": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let me: Value = gus_client
        .get(app.url("/api/v1/users/profile/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["mfa_level"].as_i64(), me["mfa_force_enabled"].as_bool()),
        (Some(2), Some(true))
    );
    app.finish().await;
}

async fn admins_read_the_log_and_reset_mfa(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("root", Role::Admin).await;
    let fay = app.create_user("fay", Role::User).await;
    let admin = app.signed_in("root").await;
    let client = app.signed_in("fay").await;
    bind(&app, &client).await;
    app.clock.advance_secs(1);
    app.login(&app.browser(), "fay", "wrong password").await;

    let log: Value = admin
        .get(app.url("/api/v1/audits/login-logs/?search=fay"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rows = log["results"].as_array().unwrap();
    assert_eq!(log["count"].as_u64().unwrap() as usize, rows.len());
    assert_eq!(rows[0]["status"], false, "newest first: the wrong password");
    assert_eq!(rows[0]["reason"], "bad_credentials");
    assert!(rows.iter().any(|r| r["factor"] == "otp" && r["reason"] == "bound"));
    assert!(rows.iter().all(|r| r["username"] == "fay"));
    let none: Value = admin
        .get(app.url("/api/v1/audits/login-logs/?search=f_y"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["count"], 0, "`_` in a search is a character, not a wildcard");
    assert_eq!(
        client.get(app.url("/api/v1/audits/login-logs/")).send().await.unwrap().status(),
        403
    );

    let res = admin
        .post(app.url(&format!("/api/v1/users/users/{}/mfa/reset/", fay.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app.login(&app.browser(), "fay", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/profile", "treated as never bound");
    app.finish().await;
}
