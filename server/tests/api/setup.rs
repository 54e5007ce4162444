//! The one-time link that creates the first administrator.

use crate::helpers::{Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use serde_json::{json, Value};

on_both_backends!(the_setup_link_creates_one_admin_once);

fn form(username: &str) -> Value {
    json!({
        "username": username,
        "name": "First Admin",
        "email": format!("{username}@example.com"),
        "password": PASSWORD,
        "password_again": PASSWORD,
    })
}

async fn the_setup_link_creates_one_admin_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let token = app.core.issue_setup_token().await.unwrap().expect("no admin yet, so a token");
    let client = app.browser();
    let valid = |t: String| {
        let client = client.clone();
        let url = app.url("/rpc/setup_token_valid");
        async move {
            client
                .post(url)
                .form(&[("token", t)])
                .send()
                .await
                .unwrap()
                .json::<bool>()
                .await
                .unwrap()
        }
    };
    assert!(valid(token.clone()).await);
    assert!(!valid("forged".into()).await);

    let res = client
        .post(app.url("/rpc/create_first_admin"))
        .json(&json!({"token": token, "form": {"username": "x y", "name": "", "email": "no", "password": "1", "password_again": "2"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a bad form does not burn the link");
    assert!(valid(token.clone()).await);

    let res = client
        .post(app.url("/rpc/create_first_admin"))
        .json(&json!({"token": token, "form": form("boss")}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(!valid(token.clone()).await, "used once");
    let res = client
        .post(app.url("/rpc/create_first_admin"))
        .json(&json!({"token": token, "form": form("second")}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(app.core.issue_setup_token().await.unwrap(), None, "an admin exists: no more links");

    let admin = app.signed_in("boss").await;
    let me: Value =
        admin.get(app.url("/api/v1/users/profile/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "admin");
    app.finish().await;
}
