//! Preferences: JumpServer's grouped shape, partial changes checked as a
//! whole, resets, and the write-only file password.

use crate::helpers::{send, Backend, TestApp};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::json;

on_both_backends!(preferences_keep_their_shape_rules_and_defaults);

async fn preferences_keep_their_shape_rules_and_defaults(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let ann = app.create_user("ann", Role::User).await;
    app.create_user("bob", Role::User).await;
    let client = app.signed_in("ann").await;
    let url = |c: &str| app.url(&format!("/api/v1/users/preference/?category={c}"));

    let (status, luna) = send(client.get(url("luna"))).await;
    assert_eq!(status, 200);
    assert_eq!(luna["basic"]["is_async_asset_tree"], true);
    assert_eq!(luna["graphics"]["rdp_resolution"], "auto");
    assert_eq!(luna["graphics"]["rdp_client_option"], json!(["full_screen"]));
    assert_eq!(luna["command_line"]["character_terminal_font_size"], 14);
    let (_, koko) = send(client.get(url("koko"))).await;
    assert_eq!(
        koko,
        json!({"basic": {"file_name_conflict_resolution": "replace", "terminal_theme_name": "Default"}})
    );
    let (_, lina) = send(client.get(url("lina"))).await;
    assert_eq!(
        lina,
        json!({"basic": {"lang": "en", "theme": "system"}, "file": {"has_secret_key": false}})
    );
    assert_eq!(send(client.get(url("nope"))).await.0, 400);
    assert_eq!(send(client.get(app.url("/api/v1/users/preference/"))).await.0, 400);

    // One bad value refuses the whole change.
    let (status, body) = send(client.patch(url("luna")).json(&json!({
        "graphics": {"rdp_resolution": "1920x1080", "rdp_color_quality": "8"},
        "command_line": {"character_terminal_font_size": 0},
    })))
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.get("rdp_color_quality").is_some()
            && body.get("character_terminal_font_size").is_some(),
        "{body}"
    );
    let (_, same) = send(client.get(url("luna"))).await;
    assert_eq!(same, luna);

    let (status, body) = send(client.patch(url("luna")).json(&json!({
        "graphics": {"rdp_resolution": "1920x1080", "rdp_color_quality": 16, "rdp_smart_size": "1",
                     "rdp_client_option": ["multi_screen", "drives_redirect"]},
        "command_line": {"character_terminal_font_size": 18, "is_backspace_as_ctrl_h": true},
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["graphics"]["rdp_color_quality"], "16");
    assert_eq!(body["graphics"]["rdp_client_option"], json!(["multi_screen", "drives_redirect"]));
    assert_eq!(body["command_line"]["character_terminal_font_size"], 18);
    // Other people's preferences are their own.
    let bob = app.signed_in("bob").await;
    let (_, bobs) = send(bob.get(url("luna"))).await;
    assert_eq!(bobs, luna);
    // What later features read.
    let size = app
        .core
        .preference(ann.id, app::preferences::model::Category::Luna, "character_terminal_font_size")
        .await
        .unwrap();
    assert_eq!(size, 18);

    let (status, body) = send(
        client
            .delete(url("luna"))
            .json(&json!({"names": ["rdp_resolution", "character_terminal_font_size"]})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["graphics"]["rdp_resolution"], "auto");
    assert_eq!(body["command_line"]["character_terminal_font_size"], 14);
    assert_eq!(body["graphics"]["rdp_color_quality"], "16", "only the named ones reset");
    assert_eq!(send(client.delete(url("luna")).json(&json!({"names": ["nope"]}))).await.0, 400);

    // The file password: entered twice, write-only, stored sealed.
    let (status, body) = send(client.patch(url("lina")).json(
        &json!({"file": {"secret_key": "exports 2026!", "secret_key_again": "exports 2025!"}}),
    ))
    .await;
    assert_eq!(status, 400);
    assert!(body.get("secret_key_again").is_some());
    let (status, body) = send(client.patch(url("lina")).json(
        &json!({"file": {"secret_key": "exports 2026!", "secret_key_again": "exports 2026!"}}),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["file"], json!({"has_secret_key": true}));
    assert!(!body.to_string().contains("exports 2026!"));
    let stored: String = server::on_db!(&app.core.db, pool => sqlx::query_scalar(
        "SELECT value FROM user_preferences WHERE name = 'secret_key'").fetch_one(pool).await)
    .unwrap();
    assert!(!stored.contains("exports 2026!"), "sealed at rest");
    assert_eq!(app.core.file_secret(ann.id).await.unwrap().as_deref(), Some("exports 2026!"));
    let (_, body) = send(client.delete(url("lina")).json(&json!({"names": ["secret_key"]}))).await;
    assert_eq!(body["file"]["has_secret_key"], false);
    app.finish().await;
}

on_both_backends!(an_export_opens_with_7z_and_only_with_the_password);

async fn an_export_opens_with_7z_and_only_with_the_password(backend: Backend) {
    use base64::Engine;
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("ann", Role::User).await;
    let client = app.signed_in("ann").await;
    let export = || client.post(app.url("/rpc/export_my_data")).send();
    let res = export().await.unwrap();
    assert_eq!(res.status(), 400, "no file password yet");
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["fields"]["secret_key"].as_str().unwrap().contains("file encryption password"),
        "{body}"
    );

    let url = app.url("/api/v1/users/preference/?category=lina");
    let password = "zip it, 2026";
    send(
        client
            .patch(&url)
            .json(&json!({"file": {"secret_key": password, "secret_key_again": password}})),
    )
    .await;
    send(
        client
            .patch(app.url("/api/v1/users/preference/?category=luna"))
            .json(&json!({"command_line": {"character_terminal_font_size": 21}})),
    )
    .await;
    let (status, _) = send(client.post(app.url("/api/v1/authentication/ssh-key/")).json(&json!({
        "name": "laptop", "public_key_option": "input",
        "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ann@laptop"
    }))).await;
    assert_eq!(status, 201);
    // An old sign-in needs a fresh confirmation first.
    app.clock.advance_secs(301);
    assert_eq!(export().await.unwrap().status(), 412);
    let res = client
        .post(app.url("/rpc/confirm_identity"))
        .form(&[("secret", crate::helpers::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = export().await.unwrap();
    assert_eq!(res.status(), 200);
    let b64: String = res.json().await.unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("export.zip");
    std::fs::write(&archive, &bytes).unwrap();

    let seven = |pw: &str, out: &std::path::Path| {
        std::process::Command::new("7z")
            .arg("x")
            .arg(format!("-p{pw}"))
            .arg(format!("-o{}", out.display()))
            .arg("-y")
            .arg(&archive)
            .output()
            .expect("7z is installed (scripts/test.sh installs p7zip-full)")
    };
    let wrong = seven("not the password", &dir.path().join("wrong"));
    assert!(!wrong.status.success(), "a wrong password does not open it");
    let listing =
        std::process::Command::new("7z").arg("l").arg("-slt").arg(&archive).output().unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.contains("AES-256"), "{listing}");
    let out = dir.path().join("open");
    let opened = seven(password, &out);
    assert!(opened.status.success(), "{}", String::from_utf8_lossy(&opened.stdout));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let profile: serde_json::Value = serde_json::from_str(&read("profile.json")).unwrap();
    assert_eq!(profile["username"], "ann");
    let keys: serde_json::Value = serde_json::from_str(&read("ssh_keys.json")).unwrap();
    assert_eq!(keys[0]["name"], "laptop");
    assert!(read("ssh_keys.csv").lines().nth(1).unwrap().contains("SHA256:"));
    let prefs: serde_json::Value = serde_json::from_str(&read("preferences.json")).unwrap();
    assert_eq!(prefs["luna"]["command_line"]["character_terminal_font_size"], 21);
    assert_eq!(prefs["lina"]["file"], json!({"has_secret_key": true}));
    let history = read("sign_in_history.csv");
    assert!(history.starts_with("datetime,factor,channel,status,reason,ip,user_agent"));
    assert!(history.lines().any(|l| l.contains(",password,browser,true,")), "{history}");
    let all: String = [
        "profile.json",
        "access_keys.json",
        "access_keys.csv",
        "preferences.json",
        "sign_in_history.json",
    ]
    .iter()
    .map(|n| read(n))
    .collect();
    assert!(!all.contains(password), "the password is in no file");
    app.finish().await;
}
