//! `/api/v1/authentication/super-connection-token/`: components redeem
//! tokens with their service account's access key. Exactly once for a
//! one-time token, even from two components on two instances at the same
//! moment; every refusal its own code; every attempt in the log, without
//! the value.

use super::{
    check, component, id_of, new_token, redeem, refused, setup, signed, ssh_token, Key, ASSETS,
    PERMS, SUPER,
};
use crate::helpers::{send, Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    a_one_time_token_is_redeemed_exactly_once,
    refusals_have_their_own_codes,
    the_component_gets_the_account_and_the_options,
    only_components_redeem_and_they_never_sign_in,
);

/// A second instance on the same database, serving HTTP; its base URL.
async fn second_server(app: &TestApp) -> (String, tokio::task::JoinHandle<()>) {
    let (core, _outbox) = app.second_instance().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        server::serve(core, listener, std::future::pending()).await.unwrap();
    });
    (base, server)
}

async fn redeem_at(app: &TestApp, base: &str, key: &Key, token: &Value) -> (u16, Value) {
    let body = json!({"id": token["id"], "value": token["value"]});
    let path = format!("{SUPER}secret/");
    send(signed(app, base, key, Method::POST, &path, Some(&body))).await
}

/// The authentication log's lines about tokens: (success, reason), and
/// every column as text.
async fn token_log(app: &TestApp) -> Vec<(bool, String, String)> {
    let sql = "SELECT success, reason, username, factor, channel, COALESCE(ip, ''), COALESCE(user_agent, '') \
               FROM auth_events WHERE factor = 'connection_token' ORDER BY at, reason";
    let rows: Vec<(bool, String, String, String, String, String, String)> =
        server::on_db!(&app.core.db, pool => sqlx::query_as(sql).fetch_all(pool).await).unwrap();
    rows.into_iter()
        .map(|(ok, reason, user, factor, channel, ip, ua)| {
            let all = format!("{reason} {user} {factor} {channel} {ip} {ua}");
            (ok, reason, all)
        })
        .collect()
}

async fn a_one_time_token_is_redeemed_exactly_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let koko = component(&app, "koko").await;
    let lion = component(&app, "lion").await;
    let (other, server) = second_server(&app).await;

    for _ in 0..3 {
        let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
        let (a, b) = tokio::join!(
            redeem_at(&app, &app.base, &koko, &token),
            redeem_at(&app, &other, &lion, &token),
        );
        let statuses = [a.0, b.0];
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{a:?} {b:?}");
        let loser = if a.0 == 200 { &b } else { &a };
        refused(loser, 403, "token_used");
        let winner = if a.0 == 200 { &a.1 } else { &b.1 };
        assert_eq!(winner["account"]["secret"], "root-secret");
        refused(&redeem(&app, &koko, &token).await, 403, "token_used");
        refused(&check(&app, &koko, &token).await, 403, "token_used");
    }

    // Each attempt is logged with the token's id and the component, never the value.
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    assert_eq!(redeem(&app, &koko, &token).await.0, 200);
    let log = token_log(&app).await;
    let id = id_of(&token);
    let value = token["value"].as_str().unwrap();
    assert!(
        log.iter().any(|(ok, reason, _)| *ok && reason == &format!("created token={id}")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|(ok, reason, _)| *ok && reason == &format!("redeemed token={id} component=koko")),
        "{log:?}"
    );
    assert_eq!(
        log.iter().filter(|(ok, r, _)| !ok && r.starts_with("token_used")).count(),
        6,
        "{log:?}"
    );
    for (_, _, all) in &log {
        assert!(!all.contains(value), "{all}");
    }
    server.abort();
    app.finish().await;
}

async fn refusals_have_their_own_codes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let koko = component(&app, "koko").await;

    // Unknown and malformed ids; a wrong value.
    let unknown = json!({"id": uuid::Uuid::new_v4(), "value": "x"});
    refused(&redeem(&app, &koko, &unknown).await, 404, "token_not_found");
    refused(
        &redeem(&app, &koko, &json!({"id": "JMS-nope", "value": "x"})).await,
        404,
        "token_not_found",
    );
    refused(&check(&app, &koko, &unknown).await, 404, "token_not_found");
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    let wrong = json!({"id": token["id"], "value": "A".repeat(36)});
    refused(&redeem(&app, &koko, &wrong).await, 400, "token_invalid");
    assert_eq!(check(&app, &koko, &token).await.0, 200, "a wrong value consumes nothing");

    // The permission is asked again at redemption.
    let perm = app.url(&format!("{PERMS}{}/", f.permission));
    let (status, _) = send(f.admin.patch(&perm).json(&json!({"is_active": false}))).await;
    assert_eq!(status, 200);
    refused(&redeem(&app, &koko, &token).await, 403, "permission_denied");
    send(f.admin.patch(&perm).json(&json!({"is_active": true}))).await;
    let (status, _) = send(f.admin.patch(&perm).json(&json!({"accounts": ["@INPUT"]}))).await;
    assert_eq!(status, 200);
    refused(&check(&app, &koko, &token).await, 403, "permission_denied");
    let all = json!({"accounts": ["@ALL", "@USER", "@INPUT", "@ANON"]});
    assert_eq!(send(f.admin.patch(&perm).json(&all)).await.0, 200);
    let ends = app.core.now().plus_secs(10).to_rfc3339();
    let (status, body) = send(f.admin.patch(&perm).json(&json!({"date_expired": ends}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(check(&app, &koko, &token).await.0, 200);
    app.clock.advance_secs(10);
    refused(&redeem(&app, &koko, &token).await, 403, "permission_expired");
    let renew = |t: &Value| {
        let body = json!({"id": t["id"]});
        signed(&app, &app.base, &koko, Method::PATCH, &format!("{SUPER}renewal/"), Some(&body))
    };
    refused(&send(renew(&token)).await, 403, "permission_expired");
    let later = app.core.now().plus_secs(3600).to_rfc3339();
    send(f.admin.patch(&perm).json(&json!({"date_expired": later}))).await;

    // Renewal: its lifetime again, from now.
    app.clock.advance_secs(200);
    let (status, body) = send(renew(&token)).await;
    assert_eq!(status, 200, "{body}");
    let expires: app::common::Timestamp =
        serde_json::from_value(body["date_expired"].clone()).unwrap();
    assert_eq!(expires, app.core.now().plus_secs(300));
    app.clock.advance_secs(299);
    assert_eq!(check(&app, &koko, &token).await.0, 200);

    // Deleted permission; inactive asset; deleted asset.
    let token = new_token(&app, &f.alice, json!({"asset": f.db1, "account": "@ANON", "protocol": "postgresql", "connect_method": "db_client"})).await;
    let db1 = app.url(&format!("{ASSETS}{}/", f.db1));
    send(f.admin.patch(&db1).json(&json!({"is_active": false}))).await;
    refused(&redeem(&app, &koko, &token).await, 403, "asset_inactive");
    send(f.admin.patch(&db1).json(&json!({"is_active": true}))).await;
    assert_eq!(check(&app, &koko, &token).await.0, 200);
    assert_eq!(send(f.admin.delete(&perm)).await.0, 204);
    refused(&redeem(&app, &koko, &token).await, 403, "permission_denied");
    assert_eq!(send(f.admin.delete(&db1)).await.0, 204);
    refused(&redeem(&app, &koko, &token).await, 404, "token_not_found");

    // Every refusal was logged.
    let sql = "SELECT COUNT(*) FROM auth_events WHERE factor = 'connection_token' AND NOT success";
    let refusals: i64 =
        server::on_db!(&app.core.db, pool => sqlx::query_scalar(sql).fetch_one(pool).await)
            .unwrap();
    assert_eq!(refusals, 9, "redemptions and renewals refused");
    app.finish().await;
}

async fn the_component_gets_the_account_and_the_options(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect", "upload"])).await;
    let koko = component(&app, "koko").await;
    let koko_prefs = app.url("/api/v1/users/preference/?category=koko");
    let (status, _) = send(
        f.alice.patch(&koko_prefs).json(&json!({"basic": {"terminal_theme_name": "Dracula"}})),
    )
    .await;
    assert_eq!(status, 200);

    // A real account: its stored secret, and everything about the connection.
    let token = new_token(
        &app,
        &f.alice,
        json!({
            "asset": f.web1, "account": "root", "protocol": "ssh", "connect_method": "ssh_client",
            "connect_options": {"charset": "utf-8", "terminal_theme_name": "Nord"},
        }),
    )
    .await;
    let (status, got) = redeem(&app, &koko, &token).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["id"], token["id"]);
    assert_eq!(
        got["user"],
        json!({"id": got["user"]["id"], "username": "alice", "name": "alice Example", "email": "alice@example.com"})
    );
    assert_eq!(got["asset"]["name"], "web1");
    assert_eq!(got["asset"]["address"], "10.0.0.1");
    assert_eq!(got["asset"]["platform"], "Linux");
    assert_eq!(got["asset"]["protocols"][0], json!({"name": "ssh", "port": 22}));
    assert_eq!(
        (got["account"]["name"].as_str(), got["account"]["username"].as_str()),
        (Some("root"), Some("root"))
    );
    assert_eq!(got["account"]["secret"], "root-secret");
    assert_eq!(
        (got["protocol"].as_str(), got["connect_method"].as_str()),
        (Some("ssh"), Some("ssh_client"))
    );
    assert_eq!(got["actions"], json!(["connect", "upload"]));
    assert_eq!(got["is_reusable"], false);
    assert_eq!(got["expire_at"], app.core.now().plus_secs(300).millis() / 1000);
    let options = &got["connect_options"];
    assert_eq!(options["charset"], "utf-8");
    assert_eq!(options["terminal_theme_name"], "Nord", "the token's own options win");
    assert_eq!(options["rdp_resolution"], "auto");
    assert_eq!(options["character_terminal_font_size"], 14);

    // @INPUT: what she typed, and only to the component.
    let typed = new_token(
        &app,
        &f.alice,
        json!({
            "asset": f.web1, "account": "@INPUT", "protocol": "ssh", "connect_method": "ssh_client",
            "input_username": "deploy", "input_secret": "typed-secret",
        }),
    )
    .await;
    assert!(!typed.to_string().contains("typed-secret"));
    assert_eq!(typed["input_username"], "deploy");
    let (status, got) = redeem(&app, &koko, &typed).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got["account"],
        json!({"id": null, "name": "@INPUT", "username": "deploy", "secret_type": "password", "secret": "typed-secret", "privileged": false})
    );
    let options = &got["connect_options"];
    assert_eq!(options["terminal_theme_name"], "Dracula", "her koko preference");

    // @USER: her own username and no secret; @ANON: neither.
    let own = new_token(&app, &f.alice, json!({"asset": f.web1, "account": "@USER", "protocol": "sftp", "connect_method": "sftp_client"})).await;
    let (_, got) = redeem(&app, &koko, &own).await;
    assert_eq!(
        (got["account"]["username"].as_str(), got["account"]["secret"].is_null()),
        (Some("alice"), true),
        "{got}"
    );
    let anon = new_token(&app, &f.alice, json!({"asset": f.db1, "account": "@ANON", "protocol": "postgresql", "connect_method": "db_client"})).await;
    let (_, got) = redeem(&app, &koko, &anon).await;
    assert_eq!(
        (got["account"]["username"].as_str(), got["account"]["secret"].is_null()),
        (Some(""), true),
        "{got}"
    );

    // The account's secret is the one stored at redemption time.
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    let (_, accounts) =
        send(f.admin.get(app.url(&format!("/api/v1/accounts/accounts/?asset={}", f.web1)))).await;
    let root = app.url(&format!("/api/v1/accounts/accounts/{}/", id_of(&accounts["results"][0])));
    send(f.admin.patch(&root).json(&json!({"secret": "rotated"}))).await;
    let (_, got) = redeem(&app, &koko, &token).await;
    assert_eq!(got["account"]["secret"], "rotated");
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    send(f.admin.patch(&root).json(&json!({"is_active": false}))).await;
    refused(&redeem(&app, &koko, &token).await, 403, "account_invalid");
    app.finish().await;
}

async fn only_components_redeem_and_they_never_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    let path = format!("{SUPER}secret/");
    let body = json!({"id": token["id"], "value": token["value"]});

    // A person's access key, the admin's session, no credentials: refused.
    let (status, key) =
        send(f.alice.post(app.url("/api/v1/authentication/access-keys/")).json(&json!({}))).await;
    assert_eq!(status, 201, "{key}");
    let alice_key = (id_of(&key), key["secret"].as_str().unwrap().to_owned());
    let (status, answer) =
        send(signed(&app, &app.base, &alice_key, Method::POST, &path, Some(&body))).await;
    assert_eq!((status, answer["code"].as_str()), (403, Some("permission_denied")), "{answer}");
    assert_eq!(send(f.admin.post(app.url(&path)).json(&body)).await.0, 403);
    assert_eq!(send(reqwest::Client::new().post(app.url(&path)).json(&body)).await.0, 401);
    for op in ["check/", "renewal/"] {
        let method = if op == "check/" { Method::POST } else { Method::PATCH };
        let (status, _) = send(signed(
            &app,
            &app.base,
            &alice_key,
            method,
            &format!("{SUPER}{op}"),
            Some(&json!({"id": token["id"]})),
        ))
        .await;
        assert_eq!(status, 403, "{op}");
    }
    let koko = component(&app, "koko").await;
    assert_eq!(check(&app, &koko, &token).await.0, 200, "none of that consumed it");
    assert_eq!(redeem(&app, &koko, &token).await.0, 200);

    // A component's account signs in nowhere, even with a password.
    app.create_user("lion", Role::Component).await;
    let browser = app.browser();
    let (status, answer) = crate::helpers::rpc(
        &app,
        &browser,
        "login",
        &[("username", "lion"), ("password", PASSWORD)],
    )
    .await;
    assert_ne!(status, 200, "{answer}");
    assert!(answer.to_string().contains("service account"), "{answer}");
    assert_eq!(app.whoami(&browser).await, None);
    let (status, answer) = send(
        reqwest::Client::new()
            .post(app.url("/api/v1/authentication/auth/"))
            .json(&json!({"username": "lion", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer["msg"].as_str().unwrap().contains("service account"), "{answer}");
    let (status, answer) = send(
        reqwest::Client::new()
            .post(app.url("/api/v1/authentication/auth/"))
            .json(&json!({"username": "koko", "password": "anything at all"})),
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    app.finish().await;
}
