//! A user lists where they are signed in and ends sessions and tokens.

use crate::helpers::{send, Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(people_see_and_end_their_own_sessions);

async fn people_see_and_end_their_own_sessions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("ann", Role::User).await;
    app.create_user("bob", Role::User).await;
    let here = app.signed_in("ann").await;
    let laptop = app.browser();
    let res = laptop
        .post(app.url("/rpc/login"))
        .header("user-agent", "LaptopBrowser/1.0")
        .form(&[("username", "ann"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, token) = send(
        reqwest::Client::new()
            .post(app.url("/api/v1/authentication/auth/"))
            .json(&json!({"username": "ann", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200);
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let api = reqwest::Client::new();

    let res = here.post(app.url("/rpc/list_sessions")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let list: Vec<Value> = res.json().await.unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(list[0]["is_current"], true, "the current one first");
    assert_eq!(list.iter().filter(|s| s["kind"] == "api_token").count(), 1);
    let laptop_row =
        list.iter().find(|s| s["user_agent"] == "LaptopBrowser/1.0").expect("the laptop is listed");
    let current_id = list[0]["id"].as_str().unwrap().to_owned();

    // The one in use is signed out with "Sign out", not here; others' are not mine.
    let res = here
        .post(app.url("/rpc/end_session"))
        .form(&[("id", current_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let bob = app.signed_in("bob").await;
    let (_, bobs) = send(bob.get(app.url("/api/v1/authentication/sessions/"))).await;
    let bob_id = bobs[0]["id"].as_str().unwrap();
    assert_eq!(
        send(here.delete(app.url(&format!("/api/v1/authentication/sessions/{bob_id}/")))).await.0,
        404
    );
    assert_eq!(app.whoami(&bob).await.as_deref(), Some("bob"));

    let res = here
        .post(app.url("/rpc/end_session"))
        .form(&[("id", laptop_row["id"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.whoami(&laptop).await, None, "the laptop is signed out");
    assert_eq!(
        send(api.get(app.url("/api/v1/users/profile/")).header("authorization", &bearer)).await.0,
        200
    );

    let (status, ended) = send(here.delete(app.url("/api/v1/authentication/sessions/"))).await;
    assert_eq!((status, ended), (200, json!({"ended": 1})));
    assert_eq!(
        send(api.get(app.url("/api/v1/users/profile/")).header("authorization", &bearer)).await.0,
        401
    );
    assert_eq!(app.whoami(&here).await.as_deref(), Some("ann"), "this browser stays");
    let (_, left) = send(here.get(app.url("/api/v1/authentication/sessions/"))).await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    app.finish().await;
}
