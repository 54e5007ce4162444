//! What a person may use (`/api/v1/perms/users/self/assets/`) and their
//! connection tokens (`/api/v1/authentication/connection-token/`): the
//! lifecycle, expiry by the injected clock, reuse by the admin setting, the
//! `jms://` link and the `.rdp` file.

use super::{
    check, component, id_of, new_token, redeem, refused, setup, ssh_token, ASSETS, MY_ASSETS,
    PERMS, TOKENS,
};
use crate::helpers::{send, Backend, TestApp};
use crate::on_both_backends;
use base64::Engine;
use serde_json::{json, Value};

on_both_backends!(
    a_token_lives_from_the_asset_list_to_its_expiry,
    one_time_tokens_expire_after_300_seconds,
    reuse_follows_the_admin_setting,
    rdp_files_follow_the_preferences_and_the_permission,
    the_connect_dialog_gets_the_command_or_the_database_fields,
);

async fn a_token_lives_from_the_asset_list_to_its_expiry(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect", "upload", "download"])).await;
    let koko = component(&app, "koko").await;
    let alice = &f.alice;

    // The assets alice may use, paged and searchable as JumpServer answers.
    let (status, page) = send(alice.get(app.url(&format!("{MY_ASSETS}?limit=2&offset=0")))).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["count"], 3);
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert_eq!(page["results"][0]["name"], "db1");
    assert!(page["next"].as_str().unwrap().contains("offset=2"));
    let (_, last) = send(alice.get(app.url(&format!("{MY_ASSETS}?limit=2&offset=2")))).await;
    assert_eq!(last["results"][0]["name"], "win1");
    assert!(last["next"].is_null() && last["previous"].as_str().unwrap().contains("offset=0"));
    let (_, found) = send(alice.get(app.url(&format!("{MY_ASSETS}?search=DB1.EXAMPLE")))).await;
    assert_eq!(
        (found["count"].as_u64(), found["results"][0]["name"].as_str()),
        (Some(1), Some("db1"))
    );
    let (_, found) = send(alice.get(app.url(&format!("{MY_ASSETS}?search=10.0.0.1")))).await;
    assert_eq!(found["results"][0]["name"], "web1");

    // One asset with what she may use on it.
    let (status, web1) = send(alice.get(app.url(&format!("{MY_ASSETS}{}/", f.web1)))).await;
    assert_eq!(status, 200, "{web1}");
    let aliases: Vec<&str> = web1["permed_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alias"].as_str().unwrap())
        .collect();
    assert_eq!(aliases, ["root", "@USER", "@INPUT", "@ANON"]);
    assert_eq!(web1["permed_accounts"][0]["has_secret"], true);
    assert_eq!(web1["permed_accounts"][1]["username"], "alice");
    assert_eq!(
        web1["permed_protocols"],
        json!([{"name": "ssh", "port": 22}, {"name": "sftp", "port": 22}])
    );
    assert!(!web1.to_string().contains("root-secret"));

    // Someone without a permission sees nothing and gets nothing.
    app.create_user("bob", app::auth::Role::User).await;
    let bob = app.signed_in("bob").await;
    let (_, none) = send(bob.get(app.url(MY_ASSETS))).await;
    assert_eq!(none["count"], 0);
    assert_eq!(send(bob.get(app.url(&format!("{MY_ASSETS}{}/", f.web1)))).await.0, 404);
    let (status, body) = send(bob.post(app.url(TOKENS)).json(&ssh_token(&f.web1))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["asset"].is_array());

    // Creating checks the account, the protocol and the method.
    for (body, field) in [
        (
            json!({"asset": f.web1, "account": "nobody", "protocol": "ssh", "connect_method": "ssh_client"}),
            "account",
        ),
        (
            json!({"asset": f.web1, "account": "root", "protocol": "rdp", "connect_method": "mstsc"}),
            "protocol",
        ),
        (
            json!({"asset": f.web1, "account": "root", "protocol": "ssh", "connect_method": "mstsc"}),
            "connect_method",
        ),
        (
            json!({"asset": f.web1, "account": "@INPUT", "protocol": "ssh", "connect_method": "ssh_client"}),
            "input_username",
        ),
    ] {
        let (status, answer) = send(alice.post(app.url(TOKENS)).json(&body)).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer[field].is_array(), "{field}: {answer}");
    }

    let token = new_token(&app, alice, ssh_token(&f.web1)).await;
    let value = token["value"].as_str().unwrap();
    assert_eq!(value.len(), 36);
    assert!(value.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(token["expire_time"], 300);
    assert_eq!(token["is_reusable"], false);
    assert_eq!(token["account"], "root");
    assert_eq!(token["asset_display"], "web1(10.0.0.1)");
    assert_eq!(token["user_display"], "alice Example(alice)");
    // The value is kept sealed, never in the clear.
    let id = id_of(&token);
    let stored: String = server::on_db!(&app.core.db, pool => sqlx::query_scalar("SELECT value_enc FROM connection_tokens WHERE id = $1")
        .bind(uuid::Uuid::parse_str(&id).unwrap()).fetch_one(pool).await)
    .unwrap();
    assert!(!stored.contains(value));

    let (status, list) = send(alice.get(app.url(TOKENS))).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], token["id"]);
    assert!(list[0].get("value").is_none(), "the value is shown only when created");
    app.clock.advance_secs(1);
    let newer = new_token(&app, alice, json!({"asset": f.db1, "account": "@ANON", "protocol": "postgresql", "connect_method": "db_client"})).await;
    let (_, list) = send(alice.get(app.url(TOKENS))).await;
    assert_eq!(list[0]["id"], newer["id"], "newest first");
    assert_eq!(send(bob.get(app.url(&format!("{TOKENS}{id}/")))).await.0, 404, "not bob's");

    // The JumpServer client link.
    let (status, url) = send(alice.get(app.url(&format!("{TOKENS}{id}/client-url/")))).await;
    assert_eq!(status, 200, "{url}");
    let url = url["url"].as_str().unwrap();
    let payload = url.strip_prefix("jms://").expect("a jms:// link");
    let payload: Value =
        serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(payload).unwrap())
            .unwrap();
    assert_eq!(payload["id"], token["id"]);
    assert_eq!(payload["value"], value);
    assert_eq!(payload["protocol"], "ssh");
    assert_eq!(payload["asset"], "web1");
    assert_eq!(payload["username"], format!("JMS-{id}"));
    assert_eq!(payload["connect_method"], "ssh_client");
    assert_eq!(payload["endpoint"], json!({"host": "127.0.0.1", "port": 2222}));

    // Expired by its owner: 204, gone from the list, refused as revoked.
    let expire = app.url(&format!("{TOKENS}{id}/expire/"));
    assert_eq!(send(bob.patch(&expire)).await.0, 404);
    assert_eq!(send(alice.patch(&expire)).await.0, 204);
    let (_, list) = send(alice.get(app.url(TOKENS))).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], newer["id"]);
    refused(&redeem(&app, &koko, &token).await, 403, "token_revoked");
    refused(&check(&app, &koko, &token).await, 403, "token_revoked");
    assert_eq!(send(alice.get(app.url(&format!("{TOKENS}{id}/client-url/")))).await.0, 404);
    let (_, record) = send(alice.get(app.url(&format!("{TOKENS}{id}/")))).await;
    assert_eq!(
        (record["is_active"].as_bool(), record["is_expired"].as_bool()),
        (Some(false), Some(true))
    );
    app.finish().await;
}

async fn one_time_tokens_expire_after_300_seconds(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let koko = component(&app, "koko").await;
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;

    app.clock.advance_secs(299);
    let (status, body) = check(&app, &koko, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["is_valid"].as_bool(), body["expire_time"].as_i64()), (Some(true), Some(1)));
    let (_, list) = send(f.alice.get(app.url(TOKENS))).await;
    assert_eq!(list[0]["expire_time"], 1);

    app.clock.advance_secs(1);
    refused(&check(&app, &koko, &token).await, 403, "token_expired");
    refused(&redeem(&app, &koko, &token).await, 403, "token_expired");
    let (_, list) = send(f.alice.get(app.url(TOKENS))).await;
    assert_eq!(list, json!([]), "an expired token is not listed");
    app.finish().await;
}

async fn reuse_follows_the_admin_setting(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let koko = component(&app, "koko").await;
    let reusable = json!({"asset": f.web1, "account": "root", "protocol": "ssh",
                          "connect_method": "ssh_client", "is_reusable": true});

    // Off by default: neither made reusable nor switched to it.
    let (status, body) = send(f.alice.post(app.url(TOKENS)).json(&reusable)).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["is_reusable"][0].as_str().unwrap().contains("administrator"), "{body}");
    let token = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    let reuse = app.url(&format!("{TOKENS}{}/reuse/", id_of(&token)));
    let (status, _) = send(f.alice.patch(&reuse).json(&json!({"is_reusable": true}))).await;
    assert_eq!(status, 400);

    // The administrator allows it.
    let settings = app.url("/api/v1/settings/setting/?category=security");
    let (status, body) = send(f.admin.get(&settings)).await;
    assert_eq!(status, 200);
    assert_eq!(body["CONNECTION_TOKEN_ONETIME_EXPIRATION"], 300);
    assert_eq!(body["CONNECTION_TOKEN_REUSABLE_EXPIRATION"], 2_592_000);
    assert_eq!(body["CONNECTION_TOKEN_REUSABLE"], false);
    let (status, body) =
        send(f.admin.patch(&settings).json(&json!({"CONNECTION_TOKEN_REUSABLE_EXPIRATION": 60})))
            .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) =
        send(f.admin.patch(&settings).json(&json!({"CONNECTION_TOKEN_REUSABLE": true}))).await;
    assert_eq!(status, 200, "{body}");
    let (_, allowed) = send(f.alice.post(app.url(TOKENS)).json(&reusable)).await;
    assert_eq!(allowed["is_reusable"], true, "{allowed}");
    assert_eq!(allowed["expire_time"], 30 * 24 * 3600);

    // Switching kinds: the lifetime of the kind, from creation.
    app.clock.advance_secs(100);
    let (status, body) = send(f.alice.patch(&reuse).json(&json!({"is_reusable": true}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expire_time"], 30 * 24 * 3600 - 100);
    let (_, body) = send(f.alice.patch(&reuse).json(&json!({"is_reusable": false}))).await;
    assert_eq!(body["expire_time"], 200);

    // A reusable token redeems again and again, until it expires.
    for _ in 0..3 {
        assert_eq!(redeem(&app, &koko, &allowed).await.0, 200);
    }
    app.clock.advance_secs(30 * 24 * 3600 - 100 - 1);
    assert_eq!(redeem(&app, &koko, &allowed).await.0, 200);
    app.clock.advance_secs(1);
    refused(&redeem(&app, &koko, &allowed).await, 403, "token_expired");
    app.finish().await;
}

/// The lines of an `.rdp` file answer.
async fn rdp_lines(app: &TestApp, client: &reqwest::Client, token: &Value) -> Vec<String> {
    let res =
        client.get(app.url(&format!("{TOKENS}{}/rdp-file/", id_of(token)))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/x-rdp");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"win1.rdp\""), "{disposition}");
    res.text().await.unwrap().lines().map(str::to_owned).collect()
}

async fn rdp_files_follow_the_preferences_and_the_permission(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect", "upload", "download"])).await;
    let prefs = app.url("/api/v1/users/preference/?category=luna");
    let (status, body) = send(f.alice.patch(&prefs).json(&json!({"graphics": {
        "rdp_resolution": "1920x1080",
        "rdp_client_option": ["full_screen", "drives_redirect"],
        "rdp_color_quality": "24",
    }})))
    .await;
    assert_eq!(status, 200, "{body}");
    let rdp = json!({"asset": f.win1, "account": "Administrator", "protocol": "rdp", "connect_method": "mstsc"});
    let token = new_token(&app, &f.alice, rdp.clone()).await;
    let lines = rdp_lines(&app, &f.alice, &token).await;
    for expected in [
        "full address:s:127.0.0.1:3389".to_owned(),
        format!("username:s:JMS-{}", id_of(&token)),
        "screen mode id:i:2".into(),
        "desktopwidth:i:1920".into(),
        "desktopheight:i:1080".into(),
        "session bpp:i:24".into(),
        "use multimon:i:0".into(),
        "drivestoredirect:s:*".into(),
    ] {
        assert!(lines.contains(&expected), "{expected} in {lines:?}");
    }
    let text = lines.join("\n");
    assert!(!text.contains(token["value"].as_str().unwrap()), "the file holds no secret");

    // Without both upload and download, no drives, whatever the preference.
    let (status, _) = send(
        f.admin
            .patch(app.url(&format!("{PERMS}{}/", f.permission)))
            .json(&json!({"actions": ["connect", "upload"]})),
    )
    .await;
    assert_eq!(status, 200);
    let lines = rdp_lines(&app, &f.alice, &token).await;
    assert!(!lines.iter().any(|l| l.starts_with("drivestoredirect")), "{lines:?}");

    // Automatic resolution and windowed: no size, screen mode 1.
    let (status, _) = send(
        f.alice
            .patch(&prefs)
            .json(&json!({"graphics": {"rdp_resolution": "auto", "rdp_client_option": []}})),
    )
    .await;
    assert_eq!(status, 200);
    let lines = rdp_lines(&app, &f.alice, &token).await;
    assert!(lines.contains(&"screen mode id:i:1".to_owned()));
    assert!(!lines.iter().any(|l| l.starts_with("desktopwidth")), "{lines:?}");

    // The jms:// link of an RDP token carries the file.
    let (_, url) =
        send(f.alice.get(app.url(&format!("{TOKENS}{}/client-url/", id_of(&token))))).await;
    let payload = url["url"].as_str().unwrap().strip_prefix("jms://").unwrap();
    let payload: Value =
        serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(payload).unwrap())
            .unwrap();
    assert_eq!(payload["file"]["name"], "win1.rdp");
    assert!(payload["file"]["content"].as_str().unwrap().contains("full address:s:127.0.0.1:3389"));

    // Only RDP tokens have a file.
    let ssh = new_token(&app, &f.alice, ssh_token(&f.web1)).await;
    let (status, _) =
        send(f.alice.get(app.url(&format!("{TOKENS}{}/rdp-file/", id_of(&ssh))))).await;
    assert_eq!(status, 400);
    app.finish().await;
}

/// What the connect dialog shows, from the server function it calls: the
/// command for an SSH client, the fields (with the asset's database) for a
/// database client, each pointing at the bastion's own endpoint.
async fn the_connect_dialog_gets_the_command_or_the_database_fields(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let (status, db1) = send(
        f.admin
            .patch(app.url(&format!("{ASSETS}{}/", f.db1)))
            .json(&json!({"db_name": " inventory "})),
    )
    .await;
    assert_eq!((status, db1["db_name"].as_str()), (200, Some("inventory")), "{db1}");
    let (status, bad) = send(
        f.admin.patch(app.url(&format!("{ASSETS}{}/", f.db1))).json(&json!({"db_name": "a\u{7}b"})),
    )
    .await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad["db_name"].is_array(), "{bad}");

    let connect = |body: Value| {
        let url = app.url("/rpc/create_connection");
        let client = f.alice.clone();
        async move { send(client.post(url).json(&json!({ "new": body }))).await }
    };
    let (status, db) =
        connect(json!({"asset": f.db1, "account": "@ANON", "protocol": "postgresql",
        "connect_method": "db_client"}))
        .await;
    assert_eq!(status, 200, "{db}");
    let id = db["token"]["id"].as_str().unwrap();
    assert_eq!(db["username"], format!("JMS-{id}"));
    assert_eq!(db["port"], 54320, "the database proxy's port, not the asset's");
    assert_eq!(db["database"], "inventory");
    assert_eq!(db["command"], Value::Null);
    assert_eq!(db["value"].as_str().map(str::len), Some(36));

    let (status, ssh) = connect(json!({"asset": f.web1, "account": "root", "protocol": "ssh",
        "connect_method": "ssh_client"}))
    .await;
    assert_eq!(status, 200, "{ssh}");
    let id = ssh["token"]["id"].as_str().unwrap();
    let host = ssh["host"].as_str().unwrap();
    assert_eq!(ssh["command"], format!("ssh JMS-{id}@{host} -p 2222"));
    assert_eq!(ssh["database"], Value::Null);
    app.finish().await;
}
