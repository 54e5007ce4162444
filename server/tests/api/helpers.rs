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

/// The face models and test photos (`scripts/fetch-face-assets.sh`, which
/// `scripts/test.sh` runs). Without them the face tests are skipped, loudly,
/// except under CI=true, where that fails.
pub fn face_assets() -> Option<std::path::PathBuf> {
    if let Some(dir) = face_assets_quiet() {
        return Some(dir);
    }
    let dir = face_assets_dir();
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the face assets are missing at {}: run scripts/fetch-face-assets.sh",
        dir.display()
    );
    eprintln!("!!! face assets missing at {}: face tests SKIPPED", dir.display());
    None
}

fn face_assets_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("BP_TEST_FACE_ASSETS")
            .unwrap_or_else(|| "/var/tmp/bastion-profile-face".into()),
    )
}

fn face_assets_quiet() -> Option<std::path::PathBuf> {
    let dir = face_assets_dir();
    (dir.join("models").is_dir() && dir.join("testimg").is_dir()).then_some(dir)
}

pub struct TestApp {
    pub base: String,
    pub core: SharedCore,
    pub clock: ManualClock,
    dir: tempfile::TempDir,
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
        Self::spawn_with(backend, face_assets_quiet().map(|dir| dir.join("models"))).await
    }

    /// A server whose face models are looked for in `dir`.
    pub async fn spawn_with_face_models(backend: Backend, dir: &str) -> Option<TestApp> {
        Self::spawn_with(backend, Some(std::path::PathBuf::from(dir))).await
    }

    async fn spawn_with(
        backend: Backend,
        face_models_dir: Option<std::path::PathBuf>,
    ) -> Option<TestApp> {
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
            // Tests name the client's address with X-Forwarded-For.
            trust_proxy_headers: true,
            face_models_dir,
            ..RawConfig::default()
        })
        .expect("test config");
        let clock = ManualClock::at(Timestamp::from_millis(1_800_000_000_000));
        let core = server::build_core(config, Arc::new(clock.clone())).await.expect("core");
        let serving = core.clone();
        let server = tokio::spawn(async move {
            server::serve(serving, listener, std::future::pending()).await.expect("serve");
        });
        Some(TestApp { base, core, clock, dir, server, pg_database })
    }

    /// A second server instance on the same database and secret key, with
    /// its own outbox worker (several instances behind a load balancer).
    pub async fn second_instance(&self) -> (SharedCore, tokio::task::JoinHandle<()>) {
        let mut raw = RawConfig {
            bind: "127.0.0.1:0".into(),
            data_dir: self.dir.path().to_path_buf(),
            database_url: Some(self.core.config.database_url.clone()),
            public_url: Some(self.base.clone()),
            site_root: Some(self.dir.path().join("site")),
            hash_concurrency: Some(2),
            ..RawConfig::default()
        };
        raw.trust_proxy_headers = true;
        let config = Config::check(raw).expect("second config");
        let core = server::build_core(config, Arc::new(self.clock.clone())).await.expect("core");
        let worker = tokio::spawn(server::notify::outbox::run(core.clone()));
        (core, worker)
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

/// Calls a server function with a form body; its status and JSON answer
/// (the text itself when it is not JSON).
pub async fn rpc(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let res = client.post(app.url(&format!("/rpc/{name}"))).form(form).send().await.expect("rpc");
    let status = res.status().as_u16();
    let text = res.text().await.expect("rpc body");
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// Sends a request; its status and JSON body (`Null` when there is none).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// The mail and HTTP sink (`tests/sinks/sink.py`): a real SMTP server and an
/// HTTP server playing SMS gateways and chat robots.
pub struct Sink {
    pub smtp_port: u16,
    pub http: String,
    child: std::process::Child,
}

impl Sink {
    /// Starts a sink; `None` (skipped) when its Python environment is
    /// missing, except under CI where that is a failure.
    pub fn start() -> Option<Sink> {
        use std::io::BufRead;
        let python = std::env::var("BP_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sinks/sink.py");
        let spawned = std::process::Command::new(&python)
            .arg(script)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => return Self::missing(&format!("{python}: {e}")),
        };
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let Some(json) = line.strip_prefix("READY ") else {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            }
            return Self::missing(&err);
        };
        let ports: serde_json::Value = serde_json::from_str(json).expect("sink ports");
        Some(Sink {
            smtp_port: u16::try_from(ports["smtp"].as_u64().unwrap()).unwrap(),
            http: format!("http://127.0.0.1:{}", ports["http"]),
            child,
        })
    }

    fn missing(why: &str) -> Option<Sink> {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the mail sink is required under CI=true (scripts/test.sh sets BP_TEST_PYTHON): {why}");
        }
        eprintln!(
            "SKIPPED: the mail sink could not start (run scripts/test.sh to install it): {why}"
        );
        None
    }

    async fn get(&self, path: &str) -> Vec<serde_json::Value> {
        let res = reqwest::get(format!("{}{path}", self.http)).await.expect("sink");
        res.json().await.expect("sink json")
    }

    pub async fn mails(&self) -> Vec<serde_json::Value> {
        self.get("/_sink/mail").await
    }

    pub async fn requests(&self) -> Vec<serde_json::Value> {
        self.get("/_sink/requests").await
    }

    /// Waits up to `secs` for a mail whose subject contains `subject`.
    pub async fn wait_for_mail(&self, subject: &str, secs: u64) -> Option<serde_json::Value> {
        for _ in 0..secs * 10 {
            if let Some(m) = self
                .mails()
                .await
                .into_iter()
                .find(|m| m["subject"].as_str().unwrap_or("").contains(subject))
            {
                return Some(m);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        None
    }

    pub async fn smtp(&self, up: bool) {
        let path = if up { "/_sink/smtp/start" } else { "/_sink/smtp/stop" };
        let res = reqwest::Client::new()
            .post(format!("{}{path}", self.http))
            .send()
            .await
            .expect("sink control");
        assert_eq!(res.status(), 200);
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
