//! Configuration: built-in defaults, then a TOML file (`--config` or
//! `BP_CONFIG`), then `BP_*` environment variables. A TOML key is the
//! variable's name without the prefix, in lower case (`BP_BIND` -> `bind`).
//! Everything is checked once at start-up; a bad value stops the server with
//! a message that names the key.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

/// The raw settings as read from the sources, before checking.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub secret_key: Option<String>,
    pub secret_key_file: Option<PathBuf>,
    pub public_url: Option<String>,
    /// Where the built site (wasm, js, css, static files) lives.
    pub site_root: Option<PathBuf>,
    pub session_idle_secs: u64,
    pub session_max_secs: u64,
    /// How many password hashes may be computed at once.
    pub hash_concurrency: Option<usize>,
    pub log_format: String,
    /// A tracing filter such as `info` or `server=debug,info`.
    pub log: String,
    /// Read the client address from `X-Forwarded-For` (only behind a proxy
    /// that sets it).
    pub trust_proxy_headers: bool,
    /// Where clients connect with a connection token (SSH, RDP and database
    /// clients): the bastion's gateway host, by default the public URL's host.
    pub endpoint_host: Option<String>,
    /// The gateway's ports per protocol, JumpServer's defaults.
    pub endpoint_ssh_port: u16,
    pub endpoint_rdp_port: u16,
    pub endpoint_mysql_port: u16,
    pub endpoint_mariadb_port: u16,
    pub endpoint_postgresql_port: u16,
    pub endpoint_sqlserver_port: u16,
    pub endpoint_oracle_port: u16,
    pub endpoint_redis_port: u16,
    pub endpoint_mongodb_port: u16,
    /// Where the face models are (default `<data_dir>/face-models`).
    pub face_models_dir: Option<PathBuf>,
    /// How many face checks may run at once (default: half the cores).
    pub face_concurrency: Option<usize>,
    /// The config file itself; read from `BP_CONFIG`, never from the file.
    pub config: Option<PathBuf>,
}

impl Default for RawConfig {
    fn default() -> Self {
        RawConfig {
            bind: "127.0.0.1:3000".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            secret_key: None,
            secret_key_file: None,
            public_url: None,
            site_root: None,
            session_idle_secs: 30 * 60,
            session_max_secs: 12 * 60 * 60,
            hash_concurrency: None,
            log_format: "text".into(),
            log: "info".into(),
            trust_proxy_headers: false,
            endpoint_host: None,
            endpoint_ssh_port: 2222,
            endpoint_rdp_port: 3389,
            endpoint_mysql_port: 33061,
            endpoint_mariadb_port: 33062,
            endpoint_postgresql_port: 54320,
            endpoint_sqlserver_port: 14330,
            endpoint_oracle_port: 15210,
            endpoint_redis_port: 63790,
            endpoint_mongodb_port: 27018,
            face_models_dir: None,
            face_concurrency: None,
            config: None,
        }
    }
}

/// A start-up problem, naming the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
    #[error("configuration: {0}")]
    Source(String),
}

fn bad(key: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { key, message: message.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The secret that encrypts recoverable secrets at rest. Never printed.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Accepts 64 hex digits or 43/44 characters of base64 (32 bytes).
    pub fn parse(text: &str) -> Option<Self> {
        use base64::Engine;
        let text = text.trim();
        let bytes = if text.len() == 64 {
            hex::decode(text).ok()?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
                .ok()?
        };
        bytes.try_into().ok().map(SecretKey)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// Where the secret key comes from; a generated one is written on first start.
#[derive(Debug, Clone)]
pub enum SecretKeySource {
    Value(SecretKey),
    File(PathBuf),
    /// `<data_dir>/secret.key`, created with mode 0600 when missing.
    DataDir(PathBuf),
}

/// Where SSH, RDP and database clients reach the bastion's gateways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub ssh_port: u16,
    pub rdp_port: u16,
    pub mysql_port: u16,
    pub mariadb_port: u16,
    pub postgresql_port: u16,
    pub sqlserver_port: u16,
    pub oracle_port: u16,
    pub redis_port: u16,
    pub mongodb_port: u16,
}

impl Endpoint {
    /// The gateway port a client uses for `protocol`; `None` for protocols
    /// only the web terminal offers (telnet, VNC).
    pub fn port_for(&self, protocol: &str) -> Option<u16> {
        Some(match protocol {
            "ssh" | "sftp" => self.ssh_port,
            "rdp" => self.rdp_port,
            "mysql" => self.mysql_port,
            "mariadb" => self.mariadb_port,
            "postgresql" => self.postgresql_port,
            "sqlserver" => self.sqlserver_port,
            "oracle" => self.oracle_port,
            "redis" => self.redis_port,
            "mongodb" => self.mongodb_port,
            _ => return None,
        })
    }
}

/// The checked configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub secret_key: SecretKeySource,
    pub public_url: Url,
    pub site_root: PathBuf,
    pub session_idle_secs: i64,
    pub session_max_secs: i64,
    pub hash_concurrency: usize,
    pub log_format: LogFormat,
    pub log: String,
    pub trust_proxy_headers: bool,
    pub endpoint: Endpoint,
    pub face_models_dir: PathBuf,
    pub face_concurrency: usize,
}

impl Config {
    /// Reads defaults, the file and the environment (in that order).
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env_file = std::env::var_os("BP_CONFIG").map(PathBuf::from);
        let file = match file.map(Path::to_path_buf).or(env_file) {
            Some(path) if !path.is_file() => {
                return Err(bad("config", format!("the file {} does not exist", path.display())))
            }
            other => other,
        };
        let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
        if let Some(path) = file {
            figment = figment.merge(Toml::file(path));
        }
        // BP_TEST_* variables belong to the test suite, not to the server.
        let env = Env::prefixed("BP_")
            .filter(|key| !key.as_str().to_ascii_lowercase().starts_with("test_"));
        Self::extract(figment.merge(env))
    }

    fn extract(figment: Figment) -> Result<Self, ConfigError> {
        let raw: RawConfig = figment.extract().map_err(|e| ConfigError::Source(e.to_string()))?;
        Self::check(raw)
    }

    /// Turns raw settings into a `Config`, or says which key is wrong.
    pub fn check(raw: RawConfig) -> Result<Self, ConfigError> {
        let bind: SocketAddr = raw.bind.parse().map_err(|_| {
            bad("bind", format!("`{}` is not an address like 127.0.0.1:3000", raw.bind))
        })?;
        if raw.data_dir.as_os_str().is_empty() {
            return Err(bad("data_dir", "must not be empty"));
        }
        let database_url = match raw.database_url {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://") =>
            {
                url
            }
            Some(_) => {
                return Err(bad(
                    "database_url",
                    "must start with sqlite:, postgres:// or postgresql://",
                ))
            }
            None => format!("sqlite://{}", raw.data_dir.join("bastion-profile.db").display()),
        };
        let secret_key = match (raw.secret_key, raw.secret_key_file) {
            (Some(_), Some(_)) => {
                return Err(bad("secret_key", "set either secret_key or secret_key_file, not both"))
            }
            (Some(text), None) => {
                SecretKeySource::Value(SecretKey::parse(&text).ok_or_else(|| {
                    bad("secret_key", "must be 32 bytes as 64 hex digits or base64")
                })?)
            }
            (None, Some(path)) => SecretKeySource::File(path),
            (None, None) => SecretKeySource::DataDir(raw.data_dir.join("secret.key")),
        };
        let public_url = match raw.public_url {
            Some(text) => {
                let url = Url::parse(&text)
                    .map_err(|e| bad("public_url", format!("`{text}` is not a URL: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(bad(
                        "public_url",
                        "must be an http:// or https:// URL with a host",
                    ));
                }
                url
            }
            None => Url::parse(&format!("http://{bind}/"))
                .map_err(|e| bad("bind", format!("cannot form a URL from it: {e}")))?,
        };
        let site_root = match raw.site_root {
            Some(path) => path,
            None => default_site_root(),
        };
        if raw.session_idle_secs < 60 {
            return Err(bad("session_idle_secs", "must be at least 60"));
        }
        if raw.session_max_secs < raw.session_idle_secs {
            return Err(bad("session_max_secs", "must not be shorter than session_idle_secs"));
        }
        let hash_concurrency = match raw.hash_concurrency {
            Some(0) => return Err(bad("hash_concurrency", "must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(2, |n| n.get()),
        };
        let face_concurrency = match raw.face_concurrency {
            Some(0) => return Err(bad("face_concurrency", "must be at least 1")),
            Some(n) => n,
            // Inference is CPU-bound: leave room for everything else.
            None => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
        };
        let face_models_dir =
            raw.face_models_dir.unwrap_or_else(|| raw.data_dir.join("face-models"));
        let log_format = match raw.log_format.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => return Err(bad("log_format", format!("`{other}` is not text or json"))),
        };
        let endpoint_host = match raw.endpoint_host {
            Some(host) => {
                let host = host.trim().to_owned();
                app::connect::model::check_address(&host).map_err(|_| {
                    bad("endpoint_host", format!("`{host}` is not a host name or an IP address"))
                })?;
                host
            }
            None => {
                public_url.host_str().unwrap_or("127.0.0.1").trim_matches(['[', ']']).to_owned()
            }
        };
        let port = |key: &'static str, port: u16| {
            if port == 0 {
                Err(bad(key, "must be a port from 1 to 65535"))
            } else {
                Ok(port)
            }
        };
        let endpoint = Endpoint {
            host: endpoint_host,
            ssh_port: port("endpoint_ssh_port", raw.endpoint_ssh_port)?,
            rdp_port: port("endpoint_rdp_port", raw.endpoint_rdp_port)?,
            mysql_port: port("endpoint_mysql_port", raw.endpoint_mysql_port)?,
            mariadb_port: port("endpoint_mariadb_port", raw.endpoint_mariadb_port)?,
            postgresql_port: port("endpoint_postgresql_port", raw.endpoint_postgresql_port)?,
            sqlserver_port: port("endpoint_sqlserver_port", raw.endpoint_sqlserver_port)?,
            oracle_port: port("endpoint_oracle_port", raw.endpoint_oracle_port)?,
            redis_port: port("endpoint_redis_port", raw.endpoint_redis_port)?,
            mongodb_port: port("endpoint_mongodb_port", raw.endpoint_mongodb_port)?,
        };
        Ok(Config {
            bind,
            data_dir: raw.data_dir,
            database_url,
            secret_key,
            public_url,
            site_root,
            session_idle_secs: i64::try_from(raw.session_idle_secs)
                .map_err(|_| bad("session_idle_secs", "too large"))?,
            session_max_secs: i64::try_from(raw.session_max_secs)
                .map_err(|_| bad("session_max_secs", "too large"))?,
            hash_concurrency,
            log_format,
            log: raw.log,
            trust_proxy_headers: raw.trust_proxy_headers,
            endpoint,
            face_models_dir,
            face_concurrency,
        })
    }

    /// Cookies get `Secure` and the `__Host-` prefix when served over HTTPS.
    pub fn https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `scheme://host[:port]` of the public URL, as browsers send in `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

/// Where the built site is when no `site_root` is configured: `LEPTOS_SITE_ROOT`
/// (set by cargo-leptos), then a `site` folder beside the binary's folder (an
/// installed layout), then the checkout's `target/site` this binary was built
/// from, so it runs from any working directory.
fn default_site_root() -> PathBuf {
    if let Some(root) = std::env::var_os("LEPTOS_SITE_ROOT") {
        return PathBuf::from(root);
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(Path::parent).map(|dir| dir.join("site")))
        .filter(|dir| dir.join("pkg").is_dir());
    beside_binary.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site"))
}

/// Loads the secret key, generating it into the data dir on first start.
pub fn load_secret_key(source: &SecretKeySource) -> anyhow::Result<SecretKey> {
    use anyhow::Context;
    match source {
        SecretKeySource::Value(key) => Ok(key.clone()),
        SecretKeySource::File(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("configuration key `secret_key_file`: cannot read {}", path.display())
            })?;
            SecretKey::parse(&text).with_context(|| {
                format!("configuration key `secret_key_file`: {} does not hold 32 bytes (hex or base64)", path.display())
            })
        }
        SecretKeySource::DataDir(path) => {
            if path.exists() {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the secret key {}", path.display()))?;
                return SecretKey::parse(&text).with_context(|| {
                    format!("{} does not hold a valid secret key", path.display())
                });
            }
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
            write_private_file(path, &hex::encode(bytes))?;
            tracing::info!(path = %path.display(), "generated a new secret key");
            Ok(SecretKey(bytes))
        }
    }
}

fn write_private_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file =
        options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_toml(text: &str) -> Result<Config, ConfigError> {
        Config::extract(
            Figment::from(Serialized::defaults(RawConfig::default())).merge(Toml::string(text)),
        )
    }

    #[test]
    fn starts_with_no_configuration_at_all() {
        let config = Config::check(RawConfig::default()).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert!(config.database_url.starts_with("sqlite://./data/"));
        assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(!config.https());
    }

    #[test]
    fn the_file_overrides_the_defaults() {
        let config =
            from_toml("bind = \"127.0.0.1:9000\"\npublic_url = \"https://bastion.example.com\"\n")
                .unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:9000");
        assert!(config.https());
        assert_eq!(config.public_origin(), "https://bastion.example.com");
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Config::check(RawConfig { bind: "nowhere".into(), ..RawConfig::default() })
            .unwrap_err();
        assert!(err.to_string().contains("`bind`"), "{err}");
        let err = Config::check(RawConfig {
            database_url: Some("mysql://x".into()),
            ..RawConfig::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("`database_url`"), "{err}");
        let err =
            Config::check(RawConfig { secret_key: Some("short".into()), ..RawConfig::default() })
                .unwrap_err();
        assert!(err.to_string().contains("`secret_key`"), "{err}");
    }

    #[test]
    fn the_endpoint_defaults_to_the_public_host_and_jumpservers_ports() {
        let config = from_toml("public_url = \"https://bastion.example.com\"\n").unwrap();
        assert_eq!(config.endpoint.host, "bastion.example.com");
        assert_eq!(config.endpoint.port_for("ssh"), Some(2222));
        assert_eq!(config.endpoint.port_for("sftp"), Some(2222));
        assert_eq!(config.endpoint.port_for("rdp"), Some(3389));
        assert_eq!(config.endpoint.port_for("postgresql"), Some(54320));
        assert_eq!(config.endpoint.port_for("vnc"), None);
        let config =
            from_toml("endpoint_host = \"gw.example.com\"\nendpoint_ssh_port = 22\n").unwrap();
        assert_eq!(
            (config.endpoint.host.as_str(), config.endpoint.ssh_port),
            ("gw.example.com", 22)
        );
        let err = from_toml("endpoint_host = \"not a host\"\n").unwrap_err();
        assert!(err.to_string().contains("`endpoint_host`"), "{err}");
        let err = from_toml("endpoint_rdp_port = 0\n").unwrap_err();
        assert!(err.to_string().contains("`endpoint_rdp_port`"), "{err}");
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let err = from_toml("bnid = \"127.0.0.1:9000\"\n").unwrap_err();
        assert!(err.to_string().contains("bnid"), "{err}");
    }

    #[test]
    fn secret_keys_parse_from_hex_and_base64_and_never_print() {
        let hex_key = "00".repeat(32);
        assert!(SecretKey::parse(&hex_key).is_some());
        assert!(SecretKey::parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_some());
        assert!(SecretKey::parse("nope").is_none());
        let key = SecretKey::parse(&hex_key).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn a_generated_key_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let source = SecretKeySource::DataDir(path.clone());
        let first = load_secret_key(&source).unwrap();
        let second = load_secret_key(&source).unwrap();
        assert_eq!(first.bytes(), second.bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
