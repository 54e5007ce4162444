//! Signing in and out: cookies, session lifetime, same answers for unknown
//! users and wrong passwords, refused accounts.

use crate::helpers::{set_cookies, Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use app::common::Timestamp;
use app::users::model::UserChanges;

on_both_backends!(
    sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session,
    unknown_user_and_wrong_password_get_the_same_answer,
    every_sign_in_gets_a_new_session,
    inactive_and_expired_accounts_cannot_sign_in,
    sessions_end_when_idle_or_too_old,
    attempts_are_logged,
);

async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("alice", Role::User).await;
    let client = app.browser();
    assert_eq!(app.whoami(&client).await, None);

    let res = app.login(&client, "alice", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(&res);
    let cookie = cookies.iter().find(|c| c.starts_with("bp_session=")).expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = cookie.trim_start_matches("bp_session=").split(';').next().unwrap().to_owned();
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert_eq!(res.json::<String>().await.unwrap(), "/profile");
    assert_eq!(app.whoami(&client).await.as_deref(), Some("alice"));

    let res = client.post(app.url("/rpc/logout")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(set_cookies(&res).iter().any(|c| c.contains("Max-Age=0")));
    assert_eq!(app.whoami(&client).await, None);

    // The old token is dead on the server, not just forgotten by the browser.
    let replay = reqwest::Client::new()
        .post(app.url("/rpc/session_user"))
        .header("cookie", format!("bp_session={token}"))
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.json::<serde_json::Value>().await.unwrap(), serde_json::Value::Null);
    app.finish().await;
}

async fn unknown_user_and_wrong_password_get_the_same_answer(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("bob", Role::User).await;
    let client = app.browser();
    let wrong = app.login(&client, "bob", "not the password").await;
    let wrong_status = wrong.status();
    let wrong_body = wrong.text().await.unwrap();
    let unknown = app.login(&client, "nobody-here", "not the password").await;
    assert_eq!(wrong_status, 401);
    assert_eq!(unknown.status(), wrong_status);
    assert_eq!(unknown.text().await.unwrap(), wrong_body);
    assert!(wrong_body.contains("The username or password is incorrect."), "{wrong_body}");
    // Usernames compare without regard to case.
    assert_eq!(app.login(&client, "BOB", PASSWORD).await.status(), 200);
    app.finish().await;
}

async fn every_sign_in_gets_a_new_session(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("carol", Role::User).await;
    let client = app.browser();
    let first = set_cookies(&app.login(&client, "carol", PASSWORD).await);
    let second = set_cookies(&app.login(&client, "carol", PASSWORD).await);
    assert_ne!(first, second);
    let first_token = first[0].split(';').next().unwrap().to_owned();
    let stale = reqwest::Client::new()
        .post(app.url("/rpc/session_user"))
        .header("cookie", first_token)
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.json::<serde_json::Value>().await.unwrap(),
        serde_json::Value::Null,
        "the replaced session ended"
    );
    assert_eq!(app.whoami(&client).await.as_deref(), Some("carol"));
    app.finish().await;
}

async fn inactive_and_expired_accounts_cannot_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let admin = app.create_user("root", Role::Admin).await;
    let dave = app.create_user("dave", Role::User).await;
    let erin = app.create_user("erin", Role::User).await;
    let dave_client = app.signed_in("dave").await;

    let off = UserChanges { is_active: Some(false), ..Default::default() };
    app.core.edit_account(admin.id, dave.id, off).await.unwrap();
    assert_eq!(app.whoami(&dave_client).await, None, "deactivation ends open sessions");
    let res = app.login(&app.browser(), "dave", PASSWORD).await;
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("disabled or has expired"));

    let yesterday = Timestamp::from_millis(app.core.now().millis() - 86_400_000);
    let expired = UserChanges { date_expired: Some(Some(yesterday)), ..Default::default() };
    app.core.edit_account(admin.id, erin.id, expired).await.unwrap();
    assert_eq!(app.login(&app.browser(), "erin", PASSWORD).await.status(), 401);
    app.finish().await;
}

async fn sessions_end_when_idle_or_too_old(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("frank", Role::User).await;
    let idle = app.core.config.session_idle_secs;
    let client = app.signed_in("frank").await;

    // Activity keeps it alive past the idle limit...
    for _ in 0..3 {
        app.clock.advance_secs(idle - 120);
        assert_eq!(app.whoami(&client).await.as_deref(), Some("frank"));
    }
    // ...silence does not.
    app.clock.advance_secs(idle + 1);
    assert_eq!(app.whoami(&client).await, None);

    // And no amount of activity outlives the absolute lifetime.
    let client = app.signed_in("frank").await;
    let max = app.core.config.session_max_secs;
    let mut elapsed = 0;
    while elapsed + idle / 2 < max {
        app.clock.advance_secs(idle / 2);
        elapsed += idle / 2;
        assert_eq!(app.whoami(&client).await.as_deref(), Some("frank"));
    }
    app.clock.advance_secs(idle / 2);
    assert_eq!(app.whoami(&client).await, None);
    app.finish().await;
}

async fn attempts_are_logged(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("gina", Role::User).await;
    let client = app.browser();
    app.login(&client, "gina", "wrong password!").await;
    app.login(&client, "ghost", "wrong password!").await;
    app.login(&client, "gina", PASSWORD).await;
    let rows: Vec<(String, bool, String)> = server::on_db!(&app.core.db, pool => sqlx::query_as(
        "SELECT username, success, reason FROM auth_events ORDER BY at, username"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.contains(&("gina".into(), false, "bad_credentials".into())));
    assert!(rows.contains(&("ghost".into(), false, "bad_credentials".into())));
    assert!(rows.contains(&("gina".into(), true, String::new())));
    app.finish().await;
}
