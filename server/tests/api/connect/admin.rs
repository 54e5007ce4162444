//! `/api/v1/assets/assets/`, `/api/v1/accounts/accounts/` and
//! `/api/v1/perms/asset-permissions/`: administrators only, JumpServer's
//! shapes, validation, and what deleting takes with it.

use super::{create, id_of, setup, ACCOUNTS, ASSETS, PERMS};
use crate::helpers::{send, Backend, TestApp};
use crate::on_both_backends;
use app::common::Timestamp;
use app::connect::model::DEFAULT_PERMISSION_SECS;
use serde_json::json;

on_both_backends!(assets_accounts_and_permissions_are_administered, only_administrators_administer);

async fn assets_accounts_and_permissions_are_administered(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    let admin = &f.admin;

    // Listed in pages, by name, searchable by name or address.
    let (status, page) = send(admin.get(app.url(&format!("{ASSETS}?limit=2")))).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["count"], 3);
    let names: Vec<&str> =
        page["results"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["db1", "web1"]);
    assert!(page["next"].as_str().unwrap().contains("offset=2"), "{page}");
    assert!(page["previous"].is_null());
    let (_, found) = send(admin.get(app.url(&format!("{ASSETS}?search=10.0.0.2")))).await;
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["name"], "win1");

    // Names are unique regardless of case; input is checked field by field.
    let (status, body) = send(admin.post(app.url(ASSETS)).json(&json!({
        "name": "WEB1", "address": "10.0.0.9", "platform": "Linux", "protocols": [{"name": "ssh", "port": 22}],
    })))
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["name"].is_array(), "{body}");
    let (status, body) = send(admin.post(app.url(ASSETS)).json(&json!({
        "name": "bad", "address": "not a host", "platform": "Amiga", "protocols": [],
    })))
    .await;
    assert_eq!(status, 400);
    for field in ["address", "platform", "protocols"] {
        assert!(body[field].is_array(), "{field}: {body}");
    }

    // PATCH changes what it names; PUT replaces (and needs every field).
    let web1 = app.url(&format!("{ASSETS}{}/", f.web1));
    let (status, body) = send(admin.patch(&web1).json(&json!({"comment": "front"}))).await;
    assert_eq!(
        (status, body["comment"].as_str(), body["address"].as_str()),
        (200, Some("front"), Some("10.0.0.1"))
    );
    let (status, body) = send(admin.put(&web1).json(&json!({"comment": "x"}))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["name"].is_array());

    // Secrets are write-only.
    let (_, accounts) = send(admin.get(app.url(&format!("{ACCOUNTS}?asset={}", f.web1)))).await;
    assert_eq!(accounts["count"], 1, "{accounts}");
    let root = &accounts["results"][0];
    assert_eq!((root["name"].as_str(), root["has_secret"].as_bool()), (Some("root"), Some(true)));
    assert!(root.get("secret").is_none() && !accounts.to_string().contains("root-secret"));
    let root_url = app.url(&format!("{ACCOUNTS}{}/", id_of(root)));
    let (status, body) = send(admin.patch(&root_url).json(&json!({"secret": ""}))).await;
    assert_eq!((status, body["has_secret"].as_bool()), (200, Some(false)), "{body}");
    let (status, body) = send(admin.patch(&root_url).json(&json!({"secret": "again"}))).await;
    assert_eq!((status, body["has_secret"].as_bool()), (200, Some(true)), "{body}");
    let (status, body) = send(admin.post(app.url(ACCOUNTS)).json(&json!({
        "asset": f.web1, "name": "root", "username": "other",
    })))
    .await;
    assert_eq!(status, 409, "one name per asset: {body}");
    let (status, body) = send(admin.post(app.url(ACCOUNTS)).json(&json!({
        "asset": f.web1, "name": "@USER", "username": "x",
    })))
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["name"].is_array());
    let (status, _) = send(admin.patch(&root_url).json(&json!({"asset": f.win1}))).await;
    assert_eq!(status, 400, "an account stays on its asset");

    // Permissions: defaults like JumpServer, and every list is checked.
    let (_, perm) = send(admin.get(app.url(&format!("{PERMS}{}/", f.permission)))).await;
    assert_eq!(perm["actions"], json!(["connect"]));
    assert_eq!(perm["users"].as_array().unwrap().len(), 1);
    assert_eq!(perm["assets"].as_array().unwrap().len(), 3);
    let made = create(admin, app.url(PERMS), json!({"name": "defaults"})).await;
    assert_eq!(made["accounts"], json!(["@ALL"]));
    assert_eq!(made["protocols"], json!(["all"]));
    assert_eq!(made["actions"].as_array().unwrap().len(), app::connect::model::ACTIONS.len());
    let at = |name: &str| serde_json::from_value::<Timestamp>(made[name].clone()).unwrap();
    assert_eq!(at("date_start"), app.core.now());
    assert_eq!(at("date_expired"), app.core.now().plus_secs(DEFAULT_PERMISSION_SECS), "{made}");
    let (status, body) = send(admin.post(app.url(PERMS)).json(&json!({
        "name": "bad", "users": [uuid::Uuid::new_v4()],
    })))
    .await;
    assert_eq!(status, 400);
    assert!(body["users"].is_array(), "{body}");
    let (status, body) = send(admin.post(app.url(PERMS)).json(&json!({
        "name": "bad", "accounts": ["@EVERYONE"], "protocols": ["gopher"], "actions": ["fly"],
        "date_start": "2030-01-02T00:00:00Z", "date_expired": "2030-01-01T00:00:00Z",
    })))
    .await;
    assert_eq!(status, 400);
    for field in ["accounts", "protocols", "actions", "date_expired"] {
        assert!(body[field].is_array(), "{field}: {body}");
    }
    let (status, _) = send(admin.post(app.url(PERMS)).json(&json!({"name": "DEFAULTS"}))).await;
    assert_eq!(status, 409);
    let (_, perms) = send(admin.get(app.url(&format!("{PERMS}?search=default")))).await;
    assert_eq!(perms["count"], 1);
    let made_url = app.url(&format!("{PERMS}{}/", id_of(&made)));
    assert_eq!(send(admin.delete(&made_url)).await.0, 204);
    assert_eq!(send(admin.get(&made_url)).await.0, 404);

    // Deleting an asset takes its accounts and its place in permissions.
    assert_eq!(send(admin.delete(&web1)).await.0, 204);
    assert_eq!(send(admin.get(&web1)).await.0, 404);
    assert_eq!(send(admin.get(&root_url)).await.0, 404);
    let (_, perm) = send(admin.get(app.url(&format!("{PERMS}{}/", f.permission)))).await;
    assert_eq!(perm["assets"].as_array().unwrap().len(), 2);
    assert_eq!(send(admin.delete(&web1)).await.0, 404);
    app.finish().await;
}

async fn only_administrators_administer(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let f = setup(&app, json!(["connect"])).await;
    for path in [ASSETS, ACCOUNTS, PERMS] {
        assert_eq!(send(f.alice.get(app.url(path))).await.0, 403, "{path}");
        assert_eq!(send(f.alice.post(app.url(path)).json(&json!({"name": "x"}))).await.0, 403);
    }
    let web1 = app.url(&format!("{ASSETS}{}/", f.web1));
    assert_eq!(send(f.alice.get(&web1)).await.0, 403);
    assert_eq!(send(f.alice.delete(&web1)).await.0, 403);
    assert_eq!(send(f.admin.get(&web1)).await.0, 200, "still there");
    assert_eq!(send(reqwest::Client::new().get(app.url(ASSETS))).await.0, 401);
    app.finish().await;
}
