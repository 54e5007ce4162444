//! The `bastion-profile` command line, run as a real process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(dir: &std::path::Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bastion-profile"))
        .args(args)
        .current_dir(dir)
        .env_remove("BP_DATABASE_URL")
        .env("BP_DATA_DIR", dir.join("data"))
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bastion-profile");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn users_are_created_and_passwords_set_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["migrate"], "", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("migrations applied (sqlite)"));
    let key = std::fs::metadata(dir.path().join("data/secret.key")).expect("secret key generated");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
        let dir = std::fs::metadata(dir.path().join("data")).unwrap();
        assert_eq!(dir.permissions().mode() & 0o777, 0o700, "the data dir is private");
    }

    let create = [
        "user",
        "create",
        "--username",
        "ops",
        "--email",
        "ops@example.com",
        "--admin",
        "--password-stdin",
    ];
    let out = run(dir.path(), &create, "a long admin passphrase\n", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created admin ops"));

    let out = run(dir.path(), &create, "a long admin passphrase\n", &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("username: This username is already taken."),
        "{}",
        text(&out.stderr)
    );

    let out = run(
        dir.path(),
        &["user", "create", "--username", "x", "--email", "bad", "--password-stdin"],
        "short\n",
        &[],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("email:") && err.contains("password:"), "{err}");

    let out = run(
        dir.path(),
        &["user", "set-password", "ops", "--password-stdin"],
        "another long passphrase\n",
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        dir.path(),
        &["user", "set-password", "ghost", "--password-stdin"],
        "another long passphrase\n",
        &[],
    );
    assert!(text(&out.stderr).contains("no account is named ghost"));
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serve"], "", &[("BP_BIND", "not-an-address")]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("`bind`"), "{}", text(&out.stderr));
    let out = run(dir.path(), &["migrate"], "", &[("BP_PUBLIC_URL", "ftp://x")]);
    assert!(text(&out.stderr).contains("`public_url`"), "{}", text(&out.stderr));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["user", "create", "--help"],
        &["user", "set-password", "--help"],
        &["component", "create", "--help"],
    ] {
        let out = run(dir.path(), args, "", &[]);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage:"), "{args:?}");
    }
    let out = run(dir.path(), &["user", "create", "--help"], "", &[]);
    assert!(text(&out.stdout).contains("--password-stdin"));
}

#[test]
fn a_component_gets_a_service_account_and_a_key_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["component", "create", "--name", "koko"], "", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("created component koko"), "{stdout}");
    let line = |prefix: &str| {
        stdout.lines().find_map(|l| l.strip_prefix(prefix)).map(str::to_owned).expect(prefix)
    };
    let id = uuid::Uuid::parse_str(&line("access key id: ")).unwrap();
    let secret = line("access key secret: ");
    assert_eq!(secret.len(), 36);

    let out = run(dir.path(), &["component", "create", "--name", "KOKO"], "", &[]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("already taken"), "{}", text(&out.stderr));

    // The key opens as the component's, with the secret that was printed.
    let config = server::config::Config::check(server::config::RawConfig {
        data_dir: dir.path().join("data"),
        ..server::config::RawConfig::default()
    })
    .unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let core = server::build_core(config, std::sync::Arc::new(server::clock::SystemClock))
            .await
            .unwrap();
        let key = core.verified_key(id).await.unwrap().expect("an active key");
        assert_eq!(key.owner.role(), app::auth::Role::Component);
        assert!(key.owner.password_hash.is_none(), "no password to sign in with");
        assert_eq!(key.secret, secret.as_bytes());
        core.db.close().await;
    });
}
