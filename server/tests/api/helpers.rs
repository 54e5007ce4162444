use app::auth::Role;
use app::common::Timestamp;
use app::users::model::NewUser;
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use server::clock::ManualClock;
use server::config::{Config, RawConfig};
use server::core::SharedCore;
use server::users::store::UserRow;
use std::sync::Arc;

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed `async fn name(backend: Backend)` once per backend, as
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

pub struct TestApp {
    pub base: String,
    pub core: SharedCore,
    pub clock: ManualClock,
    _dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
    pg_database: Option<String>,
}

fn postgres_admin_url() -> String {
    std::env::var("BP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh PostgreSQL database for one test, or `None` (skipped) when no
/// server answers, except under CI where that is a failure.
async fn fresh_postgres_database() -> Option<(String, String)> {
    use sqlx::Connection;
    let admin_url = postgres_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL at {admin_url} is required under CI=true: {e}");
            }
            eprintln!("SKIPPED: PostgreSQL test, no server at {admin_url}: {e}");
            return None;
        }
    };
    let name = format!("bp_t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(&admin_url).expect("BP_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    Some((url.to_string(), name))
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg_database) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("test.db").display()), None),
            Backend::Postgres => {
                let (url, name) = fresh_postgres_database().await?;
                (url, Some(name))
            }
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://{addr}");
        let config = Config::check(RawConfig {
            bind: addr.to_string(),
            data_dir: dir.path().to_path_buf(),
            database_url: Some(database_url),
            public_url: Some(base.clone()),
            site_root: Some(dir.path().join("site")),
            hash_concurrency: Some(2),
            ..RawConfig::default()
        })
        .expect("test config");
        let clock = ManualClock::at(Timestamp::from_millis(1_800_000_000_000));
        let core = server::build_core(config, Arc::new(clock.clone())).await.expect("core");
        let serving = core.clone();
        let server = tokio::spawn(async move {
            server::serve(serving, listener, std::future::pending()).await.expect("serve");
        });
        Some(TestApp { base, core, clock, _dir: dir, server, pg_database })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that behaves like a browser on this site: keeps cookies and
    /// sends this site's Origin, and does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.base).expect("origin"));
        reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub async fn create_user(&self, username: &str, role: Role) -> UserRow {
        let new = NewUser {
            username: username.into(),
            name: format!("{username} Example"),
            email: format!("{username}@example.com"),
            role,
            password: PASSWORD.into(),
            is_active: true,
            ..Default::default()
        };
        self.core.create_account(new.validate().expect("valid user")).await.expect("create user")
    }

    /// Signs `client` in through the login server function.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/rpc/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("login request")
    }

    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.browser();
        let res = self.login(&client, username, PASSWORD).await;
        assert_eq!(
            res.status(),
            200,
            "sign-in of {username} failed: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }

    /// Who the server thinks `client` is (`None` when not signed in).
    pub async fn whoami(&self, client: &reqwest::Client) -> Option<String> {
        let res = client.post(self.url("/rpc/session_user")).send().await.expect("session_user");
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.expect("json");
        body.get("username").and_then(|v| v.as_str()).map(str::to_owned)
    }

    /// Stops the server and drops the PostgreSQL database of this test.
    pub async fn finish(self) {
        self.server.abort();
        self.core.db.close().await;
        if let Some(name) = self.pg_database {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

/// The `Set-Cookie` header values of a response.
pub fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// Sends a request; its status and JSON body (`Null` when there is none).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}
