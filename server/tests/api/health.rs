use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(health_follows_the_database);

async fn health_follows_the_database(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"), "every response carries a request id");
    assert_eq!(res.text().await.unwrap(), "ok");

    app.core.db.close().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 503);
    app.finish().await;
}
