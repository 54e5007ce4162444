//! Assets, permissions and connection tokens: administration
//! (`/api/v1/assets/`, `/accounts/`, `/perms/asset-permissions/`), what a
//! person may use and their tokens (`tokens`), and the components'
//! redemption (`components`). Helpers shared by the three live here.

mod admin;
mod components;
mod tokens;

use crate::helpers::{send, TestApp};
use app::auth::Role;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

pub const ASSETS: &str = "/api/v1/assets/assets/";
pub const ACCOUNTS: &str = "/api/v1/accounts/accounts/";
pub const PERMS: &str = "/api/v1/perms/asset-permissions/";
pub const MY_ASSETS: &str = "/api/v1/perms/users/self/assets/";
pub const TOKENS: &str = "/api/v1/authentication/connection-token/";
pub const SUPER: &str = "/api/v1/authentication/super-connection-token/";

/// What `setup` made: three assets, root's account on web1, and a
/// permission for alice over all of them.
pub struct Fixture {
    pub admin: reqwest::Client,
    pub alice: reqwest::Client,
    pub web1: String,
    pub win1: String,
    pub db1: String,
    pub permission: String,
}

pub async fn create(client: &reqwest::Client, url: String, body: Value) -> Value {
    let (status, created) = send(client.post(url).json(&body)).await;
    assert_eq!(status, 201, "{created}");
    created
}

pub fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// An admin, alice, assets web1 (ssh, sftp), win1 (rdp) and db1
/// (postgresql), root (password `root-secret`) on web1, and a permission
/// giving alice every account, alias and protocol on the three.
pub async fn setup(app: &TestApp, actions: Value) -> Fixture {
    app.create_user("boss", Role::Admin).await;
    let alice = app.create_user("alice", Role::User).await;
    let admin = app.signed_in("boss").await;
    let web1 = create(
        &admin,
        app.url(ASSETS),
        json!({
            "name": "web1", "address": "10.0.0.1", "platform": "Linux",
            "protocols": [{"name": "ssh", "port": 22}, {"name": "sftp", "port": 22}],
        }),
    )
    .await;
    let win1 = create(
        &admin,
        app.url(ASSETS),
        json!({
            "name": "win1", "address": "10.0.0.2", "platform": "Windows",
            "protocols": [{"name": "rdp", "port": 3389}],
        }),
    )
    .await;
    let db1 = create(
        &admin,
        app.url(ASSETS),
        json!({
            "name": "db1", "address": "db1.example.com", "platform": "PostgreSQL",
            "protocols": [{"name": "postgresql", "port": 5432}],
        }),
    )
    .await;
    create(
        &admin,
        app.url(ACCOUNTS),
        json!({
            "asset": id_of(&web1), "name": "root", "username": "root", "secret": "root-secret",
        }),
    )
    .await;
    create(&admin, app.url(ACCOUNTS), json!({
        "asset": id_of(&win1), "name": "Administrator", "username": "Administrator", "secret": "win-secret",
    }))
    .await;
    let permission = create(
        &admin,
        app.url(PERMS),
        json!({
            "name": "alice everywhere",
            "users": [alice.id],
            "assets": [id_of(&web1), id_of(&win1), id_of(&db1)],
            "accounts": ["@ALL", "@USER", "@INPUT", "@ANON"],
            "protocols": ["all"],
            "actions": actions,
        }),
    )
    .await;
    let alice = app.signed_in("alice").await;
    Fixture {
        admin,
        alice,
        web1: id_of(&web1),
        win1: id_of(&win1),
        db1: id_of(&db1),
        permission: id_of(&permission),
    }
}

/// Creates a token as `client`; its JSON (with the value).
pub async fn new_token(app: &TestApp, client: &reqwest::Client, body: Value) -> Value {
    create(client, app.url(TOKENS), body).await
}

pub fn ssh_token(asset: &str) -> Value {
    json!({"asset": asset, "account": "root", "protocol": "ssh", "connect_method": "ssh_client"})
}

/// An access key: its id and secret.
pub type Key = (String, String);

/// A component's service account with its access key.
pub async fn component(app: &TestApp, name: &str) -> Key {
    let (_, key) = app.core.create_component(name).await.expect("component");
    (key.key.id.to_string(), key.secret)
}

/// A request signed with `key` the way JumpServer's components sign them,
/// dated by the server's (test) clock.
pub fn signed(
    app: &TestApp,
    base: &str,
    key: &Key,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> reqwest::RequestBuilder {
    let secs = u64::try_from(app.core.now().millis() / 1000).unwrap();
    let date =
        httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
    let accept = "application/json";
    let text = format!(
        "(request-target): {} {path}\naccept: {accept}\ndate: {date}",
        method.as_str().to_lowercase()
    );
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.1.as_bytes()).unwrap();
    mac.update(text.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let authorization = format!(
        "Signature keyId=\"{}\",algorithm=\"hmac-sha256\",headers=\"(request-target) accept date\",signature=\"{signature}\"",
        key.0
    );
    let request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .header("accept", accept)
        .header("date", date)
        .header("authorization", authorization);
    match body {
        Some(body) => request.json(body),
        None => request,
    }
}

/// `POST super-connection-token/secret/` as the component with `key`.
pub async fn redeem(app: &TestApp, key: &Key, token: &Value) -> (u16, Value) {
    let body = json!({"id": token["id"], "value": token["value"]});
    let path = format!("{SUPER}secret/");
    send(signed(app, &app.base, key, Method::POST, &path, Some(&body))).await
}

/// `POST super-connection-token/check/`.
pub async fn check(app: &TestApp, key: &Key, token: &Value) -> (u16, Value) {
    let body = json!({"id": token["id"]});
    let path = format!("{SUPER}check/");
    send(signed(app, &app.base, key, Method::POST, &path, Some(&body))).await
}

/// Asserts a refusal's status and code.
pub fn refused(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!((answer.0, answer.1["code"].as_str()), (status, Some(code)), "{}", answer.1);
    assert!(answer.1["detail"].is_string(), "{}", answer.1);
}
