//! Server-rendered pages: protected ones redirect to sign-in and back.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::auth::Role;

on_both_backends!(protected_pages_redirect_to_sign_in, pages_render_for_a_signed_in_user);

async fn protected_pages_redirect_to_sign_in(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let client = app.browser();
    let res = client.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fprofile");
    let res = client.get(app.url("/admin/users?search=a%26b")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?next=%2Fadmin%2Fusers%3Fsearch%3Da%2526b");

    let res = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"login-username\""), "the sign-in form renders on the server");
    assert!(html.contains("/pkg/bastion-profile.js"), "the hydration script is linked");
    app.finish().await;
}

async fn pages_render_for_a_signed_in_user(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("alice", Role::User).await;
    let client = app.signed_in("alice").await;
    let res = client.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("alice@example.com"), "the profile is rendered with the account's data");
    let res = client.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Page not found"));
    app.finish().await;
}
