//! SSH public keys over HTTP, checked against real OpenSSH: `ssh-keygen`
//! reads the generated private keys, and Debian's `sshd` logs users in with
//! `AuthorizedKeysCommand bastion-profile authorized-keys %u %f`.

use crate::helpers::{send, Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

on_both_backends!(
    keys_are_checked_and_managed_through_the_api,
    openssh_accepts_exactly_the_active_keys,
    refusals_are_in_the_language_the_request_asks_for
);

// Made with ssh-keygen; the fingerprint is what `ssh-keygen -l` printed.
const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEYKQ+D+q9/Vu23UTCeQLzsoWK1+fHTLIfGDrbhL4Yms alice@laptop";
const ED25519_SHA256: &str = "SHA256:QC+O9FzGigLgDh5otH8rrstn3BFfrb3A8/H8/KdT2p4";
const RSA1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDFT9cWYxq1VIceVHfEZjm8pkGU6emuA6gFhg7jmxJzidxOoqPxB3ORku0hbPPeIMqV+DiXxrgf2DJaMFNLXPw3Wo40YLng/Sp50TpOTXdYqlS7LYTrtn6HKP10o3/dIUzsru64IUQVu8cXNkw17xst6v7C1NMYXDR+N3sEtmignw== short";
const DSA: &str = "ssh-dss AAAAB3NzaC1kc3MAAACBAJjKxlXaLmgYDHm+GA2TAy+ZlRt0vVxKIi74njiVQnJVymzIFbTXE2nTh3h9B0AQaP3uZz4/nEnrWTbdwJYffMX/CrEiXnJ/7KixtYGm9wAtpbkFaA5Zzq5XXJ6LXQ24WWfl1mkbqAb8J9cxDebh1OTQy7KWPaujT3uigFVm+whxAAAAFQCGAOwdTkXBMycSfpVj0gPrlrlvLwAAAIAxdFZwq1WvEqRLzvWmtc4UT6+/yj+yMATDdHmlS/q3uCcNo2tV3l0TKMWSX2O2wpl5Z+rqwqLVZJR3Ww4cnxnBl8he1JJyTCxNDIYfwFwkTaynuv5AL3L5zLUoiyDfdLoKFpmMfXNa92hhEoPlmEfImV6djXbwrZ0w73JTab+tegAAAIBoHX9WkM2iPOerz1HaMtLz7d84taAncnwiX6nK74Ca4I/wdo5R0r1LDV/nO3lMil3ZuDkYIFQgMGxxgFm27EsQhaHD6sZ+9EhPoXeHY3l21R7UO2vAwDAGBTitmggxhzPGTFU6BmVyO3Im5/HLZE3CeOO48IFrdmDHAv97f3Nimw== root@vm";
const KEYS: &str = "/api/v1/authentication/ssh-key/";

async fn create(app: &TestApp, client: &reqwest::Client, body: Value) -> (u16, Value) {
    send(client.post(app.url(KEYS)).json(&body)).await
}

fn key_url(app: &TestApp, id: &Value) -> String {
    app.url(&format!("{KEYS}{}/", id.as_str().unwrap()))
}

/// The public key `ssh-keygen -y` derives from a private key file, as `ssh-keygen -l` prints it.
fn openssh_fingerprint(private_key: &str, dir: &Path) -> String {
    let file = dir.join("generated");
    write_private(&file, private_key);
    let out =
        Command::new("ssh-keygen").arg("-l").arg("-f").arg(&file).output().expect("ssh-keygen");
    assert!(
        out.status.success(),
        "ssh-keygen refused the key: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write_private(file: &Path, text: &str) {
    std::fs::write(file, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

async fn keys_are_checked_and_managed_through_the_api(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("dave", Role::User).await;
    app.create_user("erin", Role::User).await;
    app.create_user("auditor", Role::Admin).await;
    let client = app.signed_in("dave").await;
    let dir = tempfile::tempdir().unwrap();

    let (status, key) =
        create(&app, &client, json!({"name": "laptop", "public_key": ED25519})).await;
    assert_eq!(status, 201, "{key}");
    assert_eq!((key["key_type"].as_str(), key["bits"].as_u64()), (Some("ED25519"), Some(256)));
    assert_eq!(key["fingerprint"], ED25519_SHA256);
    assert_eq!(key["fingerprint_md5"], "MD5:79:74:b4:76:45:75:74:5d:d3:fd:02:aa:64:96:40:a7");
    assert_eq!(key["comment"], "alice@laptop", "the key's comment by default");
    assert!(key.get("public_key").is_none() && key.get("private_key").is_none(), "{key}");

    let (status, body) =
        create(&app, &client, json!({"name": "again", "public_key": ED25519})).await;
    assert_eq!(status, 409);
    assert!(body["public_key"][0].as_str().unwrap().contains("already"));

    let private = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
    for (text, says) in [
        (DSA, "DSA keys"),
        (RSA1024, "1024 bits"),
        (private, "private key"),
        ("ssh-ed25519 not-base64", "not an OpenSSH public key"),
        ("", "Paste a public key"),
    ] {
        let (status, body) =
            create(&app, &client, json!({"name": "bad", "public_key": text})).await;
        assert_eq!(status, 400, "{says}: {body}");
        let msg = body["public_key"][0].as_str().unwrap();
        assert!(msg.contains(says), "{msg}");
        assert!(!msg.contains("b3BlbnNz"), "the pasted text is never echoed");
    }

    let (status, list) = send(client.get(app.url(KEYS))).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing refused was stored: {list}");
    let url = key_url(&app, &key["id"]);
    assert_eq!(send(client.get(&url)).await.0, 200);
    let erin = app.signed_in("erin").await;
    assert_eq!(send(erin.get(&url)).await.0, 404, "another user's key does not exist for them");
    assert_eq!(send(erin.delete(&url)).await.0, 404);

    let (status, patched) =
        send(client.patch(&url).json(&json!({"name": "work laptop", "is_active": false}))).await;
    assert_eq!(status, 200);
    assert_eq!(
        (patched["name"].as_str(), patched["is_active"].as_bool()),
        (Some("work laptop"), Some(false))
    );
    let (status, body) = send(client.patch(&url).json(&json!({"public_key": ED25519}))).await;
    assert_eq!(status, 400, "{body}");

    // Turning a key back on grants access again: a recent confirmation first.
    app.clock.advance_secs(301);
    let (status, body) = send(client.patch(&url).json(&json!({"is_active": true}))).await;
    assert_eq!(status, 412);
    assert_eq!(body["type"], "user_confirm_required");
    let (status, _) = create(&app, &client, json!({"public_key_option": "auto"})).await;
    assert_eq!(status, 412, "so does a new key");
    let (status, _) = send(
        client
            .post(app.url("/api/v1/authentication/confirm/"))
            .json(&json!({"confirm_type": "password", "secret_key": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(send(client.patch(&url).json(&json!({"is_active": true}))).await.0, 200);

    // Generated pairs: OpenSSH reads the private key, and its public half is the one stored.
    for (kind, bits, label) in [("ed25519", 256, "(ED25519)"), ("rsa", 3072, "(RSA)")] {
        let (status, made) = create(
            &app,
            &client,
            json!({"public_key_option": "auto", "key_type": kind, "name": kind}),
        )
        .await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["bits"].as_u64(), Some(bits));
        let printed = openssh_fingerprint(made["private_key"].as_str().unwrap(), dir.path());
        assert!(
            printed.starts_with(&format!("{bits} {} ", made["fingerprint"].as_str().unwrap())),
            "{printed}"
        );
        assert!(printed.trim_end().ends_with(label), "{printed}");
    }
    let (_, list) = send(client.get(app.url(KEYS))).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(
        !list.to_string().contains("PRIVATE"),
        "the private key is handed over once, never stored"
    );

    let mut policy = app.core.security().await.unwrap();
    policy.ssh_key_limit = 3;
    app.core.set_security(policy).await.unwrap();
    let (status, body) = create(&app, &client, json!({"public_key_option": "auto"})).await;
    assert_eq!(status, 400);
    assert!(body["detail"].as_str().unwrap().contains("the most allowed"), "{body}");

    assert_eq!(send(client.delete(&url)).await.0, 204);
    assert_eq!(send(client.delete(&url)).await.0, 404);

    let admin = app.signed_in("auditor").await;
    let (_, log) = send(admin.get(app.url("/api/v1/audits/login-logs/?search=dave"))).await;
    let reasons: Vec<&str> = log["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["factor"] == "ssh_key")
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    for expected in ["added", "generated", "disabled", "enabled", "deleted"] {
        assert!(reasons.contains(&expected), "{expected} missing from {reasons:?}");
    }
    app.finish().await;
}

/// `sshd` on a loopback port, stopped when dropped.
struct Sshd {
    child: Child,
    port: u16,
    _safe_dir: SafeDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// sshd runs an AuthorizedKeysCommand only from a path that no one but
/// root can write to, all the way up; /tmp and /var/tmp are not such paths.
struct SafeDir(PathBuf);

impl Drop for SafeDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_sshd(app: &TestApp, dir: &Path) -> Sshd {
    use std::os::unix::fs::PermissionsExt;
    let safe =
        PathBuf::from(format!("/run/bastion-profile-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir(&safe).unwrap();
    std::fs::set_permissions(&safe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let safe = SafeDir(safe);
    let command = safe.0.join("authorized-keys");
    let config = &app.core.config;
    std::fs::write(
        &command,
        format!(
            "#!/bin/sh\nexec env BP_DATA_DIR='{}' BP_DATABASE_URL='{}' '{}' authorized-keys \"$@\"\n",
            config.data_dir.display(),
            config.database_url,
            env!("CARGO_BIN_EXE_bastion-profile"),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&command, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The privilege-separation directory Debian's sshd expects.
    std::fs::create_dir_all("/run/sshd").unwrap();

    let host_key = dir.join("host_ed25519");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&host_key)
        .output()
        .unwrap();
    assert!(out.status.success());
    let port = free_port();
    let conf = dir.join("sshd_config");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
             AuthorizedKeysFile none\nAuthorizedKeysCommand {} %u %f\nAuthorizedKeysCommandUser root\n\
             PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             UsePAM no\nPermitRootLogin prohibit-password\nStrictModes no\nLogLevel VERBOSE\n",
            host_key.display(),
            dir.join("sshd.pid").display(),
            command.display(),
        ),
    )
    .unwrap();
    let check = Command::new("/usr/sbin/sshd").arg("-t").arg("-f").arg(&conf).output().unwrap();
    assert!(check.status.success(), "sshd -t: {}", String::from_utf8_lossy(&check.stderr));
    let child = Command::new("/usr/sbin/sshd")
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("sshd.log")).unwrap())
        .spawn()
        .expect("start sshd");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Sshd { child, port, _safe_dir: safe }
}

/// Runs `echo` through `ssh` as `user` with `key`; the command's output on success.
fn ssh_login(sshd: &Sshd, user: &str, key: &Path) -> Result<String, String> {
    let out = Command::new("ssh")
        .args([
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
        ])
        .args([
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "LogLevel=ERROR",
            "-F",
            "/dev/null",
        ])
        .arg("-i")
        .arg(key)
        .args(["-p", &sshd.port.to_string(), &format!("{user}@127.0.0.1"), "echo", "bastion-ok"])
        .output()
        .expect("ssh");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

async fn openssh_accepts_exactly_the_active_keys(backend: Backend) {
    if !is_root() || !Path::new("/usr/sbin/sshd").exists() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "the sshd test needs root and openssh-server under CI (scripts/test.sh installs it)"
        );
        eprintln!("SKIPPED: the sshd test needs root and /usr/sbin/sshd");
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else { return };
    // sshd authenticates a system account: root is the one every machine has.
    let root = app.create_user("root", Role::User).await;
    let client = app.signed_in("root").await;
    let dir = tempfile::tempdir().unwrap();
    let sshd = start_sshd(&app, dir.path());

    let mut keys = Vec::new();
    for name in ["first", "second"] {
        let (status, made) =
            create(&app, &client, json!({"public_key_option": "auto", "name": name})).await;
        assert_eq!(status, 201, "{made}");
        let file = dir.path().join(name);
        write_private(&file, made["private_key"].as_str().unwrap());
        keys.push((file, key_url(&app, &made["id"])));
    }
    let (first, first_url) = &keys[0];
    let (second, second_url) = &keys[1];
    let log = || std::fs::read_to_string(dir.path().join("sshd.log")).unwrap_or_default();

    assert_eq!(
        ssh_login(&sshd, "root", first).as_deref(),
        Ok("bastion-ok"),
        "sshd log:\n{}",
        log()
    );
    let (_, record) = send(client.get(first_url)).await;
    assert!(record["date_last_used"].is_string(), "the login was recorded: {record}");
    let (_, other) = send(client.get(second_url)).await;
    assert!(other["date_last_used"].is_null(), "only the key offered is marked used");

    assert_eq!(send(client.patch(first_url).json(&json!({"is_active": false}))).await.0, 200);
    let refused = ssh_login(&sshd, "root", first).unwrap_err();
    assert!(refused.contains("Permission denied"), "{refused}");
    assert_eq!(ssh_login(&sshd, "root", second).as_deref(), Ok("bastion-ok"));

    assert_eq!(send(client.delete(second_url)).await.0, 204);
    assert!(ssh_login(&sshd, "root", second).unwrap_err().contains("Permission denied"));

    // An account that is switched off loses SSH access with every key.
    assert_eq!(send(client.patch(first_url).json(&json!({"is_active": true}))).await.0, 200);
    assert_eq!(ssh_login(&sshd, "root", first).as_deref(), Ok("bastion-ok"));
    server::on_db!(&app.core.db, pool => sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1")
        .bind(root.id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    assert!(ssh_login(&sshd, "root", first).unwrap_err().contains("Permission denied"));
    drop(sshd);
    app.finish().await;
}

/// API errors in the language of `Accept-Language`: field messages (fixed
/// and made from a template) and `detail`s; English without the header.
async fn refusals_are_in_the_language_the_request_asks_for(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("dave", Role::User).await;
    let client = app.signed_in("dave").await;
    let chinese = |req: reqwest::RequestBuilder| req.header("accept-language", "zh-CN,zh;q=0.9");

    let dsa = json!({"name": "old", "public_key": DSA});
    let (status, body) = send(chinese(client.post(app.url(KEYS))).json(&dsa)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["public_key"][0],
        "DSA 密钥已不再安全，OpenSSH 也不再接受。请用 `ssh-keygen -t ed25519` 生成新密钥。"
    );
    let (status, body) = send(client.post(app.url(KEYS)).json(&dsa)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["public_key"][0],
        "DSA keys are no longer safe and OpenSSH no longer accepts them. Make a new key with `ssh-keygen -t ed25519`."
    );

    // A message with values keeps them in the translation.
    let rsa = json!({"name": "short", "public_key": RSA1024});
    let (status, body) = send(chinese(client.post(app.url(KEYS))).json(&rsa)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["public_key"][0],
        "此 RSA 公钥只有 1024 位，至少需要 2048 位。请用 `ssh-keygen -t ed25519` 生成新密钥。"
    );
    let (_, body) = send(client.post(app.url(KEYS)).json(&rsa)).await;
    assert_eq!(
        body["public_key"][0],
        "This RSA key has 1024 bits; at least 2048 are needed. Make a new key with `ssh-keygen -t ed25519`."
    );

    // `detail`: a refused body, and a request without credentials.
    let (status, body) = send(
        chinese(client.post(app.url(KEYS))).header("content-type", "application/json").body("{"),
    )
    .await;
    assert_eq!((status, &body["detail"]), (400, &json!("请求体不是有效的 JSON。")), "{body}");
    let anonymous = reqwest::Client::new();
    let (status, body) = send(chinese(anonymous.get(app.url(KEYS)))).await;
    assert_eq!((status, &body["detail"]), (401, &json!("未提供身份认证信息。")), "{body}");
    let (_, body) = send(anonymous.get(app.url(KEYS))).await;
    assert_eq!(body["detail"], "Authentication credentials were not provided.");
    app.finish().await;
}
