//! `/api/v1/users/users/`: admins only.

use crate::helpers::{Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(admins_list_create_and_edit_accounts, non_admins_are_forbidden);

async fn admins_list_create_and_edit_accounts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let admin = app.create_user("root", Role::Admin).await;
    for name in ["amy", "ann_b", "annie", "zed"] {
        app.create_user(name, Role::User).await;
    }
    let client = app.signed_in("root").await;

    let page: Value = client
        .get(app.url("/api/v1/users/users/?search=an&limit=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["count"], 2, "{page}");
    assert_eq!(page["results"][0]["username"], "ann_b");
    assert!(page["next"].as_str().unwrap().contains("offset=1"));
    assert_eq!(page["previous"], Value::Null);
    // `_` in a search is a character, not a wildcard.
    let page: Value = client
        .get(app.url("/api/v1/users/users/?search=n_"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["count"], 1);

    let res = client
        .post(app.url("/api/v1/users/users/"))
        .json(&json!({"username": "NewOne", "name": "New One", "email": "new@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["role"], "user");
    assert_eq!(created["is_active"], true);
    assert!(created.get("password").is_none() && created.get("password_hash").is_none());

    let res = client
        .post(app.url("/api/v1/users/users"))
        .json(&json!({"username": "newone", "name": "Dup", "email": "dup@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "usernames are unique regardless of case");
    assert!(res.json::<Value>().await.unwrap()["username"][0].as_str().unwrap().contains("taken"));

    let res = client
        .post(app.url("/api/v1/users/users/"))
        .json(&json!({"username": "bad name", "name": "", "email": "nope", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let errors: Value = res.json().await.unwrap();
    for field in ["username", "name", "email", "password"] {
        assert!(errors[field].is_array(), "{field} in {errors}");
    }

    let id = created["id"].as_str().unwrap();
    let newone = app.signed_in("NewOne").await;
    let res = client
        .patch(app.url(&format!("/api/v1/users/users/{id}/")))
        .json(&json!({"is_active": false, "comment": "left the team"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let edited: Value = client
        .get(app.url(&format!("/api/v1/users/users/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (edited["is_active"].as_bool(), edited["comment"].as_str()),
        (Some(false), Some("left the team"))
    );
    assert_eq!(app.whoami(&newone).await, None, "a deactivated account loses its sessions");

    let res = client
        .patch(app.url(&format!("/api/v1/users/users/{}/", admin.id)))
        .json(&json!({"is_active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "an admin cannot lock themselves out");
    let res = client
        .get(app.url(&format!("/api/v1/users/users/{}/", uuid::Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    app.finish().await;
}

async fn non_admins_are_forbidden(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let admin = app.create_user("root", Role::Admin).await;
    app.create_user("alice", Role::User).await;
    let client = app.signed_in("alice").await;
    let res = client.get(app.url("/api/v1/users/users/")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "permission_denied");
    let res = client
        .patch(app.url(&format!("/api/v1/users/users/{}/", admin.id)))
        .json(&json!({"is_active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // The server function behind the Users page refuses too.
    let res = client
        .post(app.url("/rpc/list_users"))
        .json(&json!({"query": {"search": "", "offset": 0, "limit": 20}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    app.finish().await;
}
