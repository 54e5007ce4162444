//! Email and SMS codes, the settings API, subscriptions, the inbox and the
//! outbox, against a real SMTP server and a real HTTP sink (tests/sinks).

use crate::helpers::{rpc, send, Backend, Sink, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};

on_both_backends!(
    settings_api_reads_writes_and_refuses_bad_input,
    email_codes_sign_in_with_every_rule,
    unknown_names_get_the_same_answer_and_nothing_is_sent,
    a_phone_is_confirmed_before_sms_codes_and_twilio_is_spoken,
    notices_reach_the_inbox_mail_and_robots,
    notices_and_codes_are_written_in_the_recipients_language,
    the_outbox_waits_for_a_mail_server_that_is_down,
    two_instances_never_send_the_same_message,
);

async fn patch_settings(
    app: &TestApp,
    admin: &reqwest::Client,
    category: &str,
    body: Value,
) -> (u16, Value) {
    send(
        admin.patch(app.url(&format!("/api/v1/settings/setting/?category={category}"))).json(&body),
    )
    .await
}

/// Points the mail settings at the sink and turns on email codes.
async fn mail_to_sink(app: &TestApp, admin: &reqwest::Client, sink: &Sink, mfa: bool) {
    let (status, body) = patch_settings(app, admin, "email", json!({
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": sink.smtp_port, "EMAIL_FROM": "bastion@example.com",
        "SECURITY_MFA_BY_EMAIL": mfa,
    })).await;
    assert_eq!(status, 200, "{body}");
}

/// The sink, a server with `root` (an administrator, signed in as the
/// returned client) and `ann`, and mail pointed at the sink.
async fn with_mail(backend: Backend, email_mfa: bool) -> Option<(Sink, TestApp, reqwest::Client)> {
    let sink = Sink::start()?;
    let app = TestApp::spawn(backend).await?;
    app.create_user("root", Role::Admin).await;
    app.create_user("ann", Role::User).await;
    let admin = app.signed_in("root").await;
    mail_to_sink(&app, &admin, &sink, email_mfa).await;
    Some((sink, app, admin))
}

/// The code in the last text message the gateway received.
async fn last_sms_code(sink: &Sink) -> String {
    let reqs = sink.requests().await;
    let payload: Value =
        serde_json::from_str(reqs.last().unwrap()["body"].as_str().unwrap()).unwrap();
    code_in(payload["text"].as_str().unwrap())
}

fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code")
        .to_owned()
}

async fn settings_api_reads_writes_and_refuses_bad_input(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("root", Role::Admin).await;
    app.create_user("ann", Role::User).await;
    let admin = app.signed_in("root").await;
    let url = |c: &str| app.url(&format!("/api/v1/settings/setting/?category={c}"));

    let (status, security) = send(admin.get(url("security"))).await;
    assert_eq!(status, 200);
    assert_eq!(security["SECURITY_LOGIN_LIMIT_COUNT"], 7);
    assert_eq!(security["SECURITY_MFA_AUTH"], 0);
    let (status, email) = send(admin.get(url("email"))).await;
    assert_eq!(status, 200);
    assert_eq!(email["EMAIL_PORT"], 25);
    assert_eq!(email["SECURITY_MFA_BY_EMAIL"], false);
    assert_eq!(send(admin.get(app.url("/api/v1/settings/setting/"))).await.0, 400);
    assert_eq!(send(admin.get(url("nope"))).await.0, 400);
    let user = app.signed_in("ann").await;
    assert_eq!(send(user.get(url("email"))).await.0, 403);
    assert_eq!(send(user.patch(url("email")).json(&json!({"EMAIL_PORT": 26}))).await.0, 403);

    // A password is stored but never shown.
    let (status, body) = patch_settings(&app, &admin, "email", json!({
        "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": 587, "EMAIL_USE_TLS": true,
        "EMAIL_HOST_USER": "mailer", "EMAIL_HOST_PASSWORD": "s3cret-pass", "EMAIL_FROM": "ops@example.com",
    })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["EMAIL_PORT"], 587);
    assert_eq!(body["secrets_set"], json!(["EMAIL_HOST_PASSWORD"]));
    let (_, again) = send(admin.get(url("email"))).await;
    assert!(!again.to_string().contains("s3cret-pass"), "{again}");
    assert!(again.get("EMAIL_HOST_PASSWORD").is_none());
    assert_eq!(
        app.core.setting_secret("EMAIL_HOST_PASSWORD").await.unwrap().as_deref(),
        Some("s3cret-pass")
    );

    // Unknown names, wrong types and broken rules change nothing.
    for bad in [
        json!({"EMAIL_PORT": 465, "EMAIL_NOPE": 1}),
        json!({"EMAIL_PORT": "many"}),
        json!({"EMAIL_PORT": 465, "EMAIL_USE_SSL": true}),
        json!({"EMAIL_FROM": "not an address"}),
    ] {
        let (status, body) = patch_settings(&app, &admin, "email", bad.clone()).await;
        assert_eq!(status, 400, "{bad} -> {body}");
        assert!(body.as_object().unwrap().keys().any(|k| k.starts_with("EMAIL_")), "{body}");
    }
    let (_, after) = send(admin.get(url("email"))).await;
    assert_eq!(after["EMAIL_PORT"], 587);
    assert_eq!(after["EMAIL_USE_SSL"], false);
    let (status, body) =
        patch_settings(&app, &admin, "sms", json!({"SMS_CODE_LENGTH": 3, "VERIFY_CODE_TTL": 5}))
            .await;
    assert_eq!(status, 400);
    assert!(
        body.get("SMS_CODE_LENGTH").is_some() && body.get("VERIFY_CODE_TTL").is_some(),
        "{body}"
    );
    let (status, body) =
        patch_settings(&app, &admin, "security", json!({"SECURITY_LOGIN_LIMIT_COUNT": 5})).await;
    assert_eq!((status, &body["SECURITY_LOGIN_LIMIT_COUNT"]), (200, &json!(5)));
    let (status, body) =
        patch_settings(&app, &admin, "im", json!({"SLACK_WEBHOOK_URL": "ftp://x"})).await;
    assert_eq!(status, 400, "{body}");
    // A null clears a secret.
    let (status, body) =
        patch_settings(&app, &admin, "email", json!({"EMAIL_HOST_PASSWORD": null})).await;
    assert_eq!(status, 200);
    assert_eq!(body["secrets_set"], json!([]));
    app.finish().await;
}

async fn email_codes_sign_in_with_every_rule(backend: Backend) {
    let Some((sink, app, admin)) = with_mail(backend, true).await else { return };
    // Room for the wrong tries below before the MFA lockout (7) steps in.
    let (status, _) =
        patch_settings(&app, &admin, "security", json!({"SECURITY_LOGIN_LIMIT_COUNT": 20})).await;
    assert_eq!(status, 200);

    let pending = app.browser();
    let res = app.login(&pending, "ann", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/mfa?next=%2Fprofile");
    let (status, choices) = rpc(&app, &pending, "mfa_step_choices", &[]).await;
    assert_eq!((status, choices), (200, json!(["email"])));
    let (status, sent) = rpc(&app, &pending, "send_mfa_code", &[("kind", "email")]).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["sent_to"], "a***@example.com");
    assert_eq!(sent["ttl_secs"], 300);
    let mail = sink.wait_for_mail("Your verification code", 10).await.expect("the code arrives");
    assert_eq!(mail["to"], json!(["ann@example.com"]));
    assert_eq!(mail["from"], "bastion@example.com");
    assert!(mail["subject"].as_str().unwrap().starts_with("[Bastion Profile] "));
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("valid for 5 minutes"), "{body}");
    let code = code_in(body);

    // Asking again within 60 s is refused; the code stays the same.
    let (status, body) = rpc(&app, &pending, "send_mfa_code", &[("kind", "email")]).await;
    assert_eq!(status, 429, "{body}");
    // Five wrong tries end the code, even for the right one afterwards.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, _) =
            rpc(&app, &pending, "pass_mfa_step", &[("kind", "email"), ("code", wrong)]).await;
        assert_eq!(status, 401);
    }
    let (status, _) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "email"), ("code", &code)]).await;
    assert_eq!(status, 401, "a code tried five times wrongly is dead");

    // A new code after 60 s; an expired one fails; a fresh one works once.
    app.clock.advance_secs(61);
    let (status, _) = rpc(&app, &pending, "send_mfa_code", &[("kind", "email")]).await;
    assert_eq!(status, 200);
    let mails = sink.mails().await;
    let second = code_in(mails.last().unwrap()["body"].as_str().unwrap());
    app.clock.advance_secs(301);
    let (status, _) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "email"), ("code", &second)]).await;
    assert_eq!(status, 401, "expired");

    let pending = app.browser();
    app.login(&pending, "ann", PASSWORD).await;
    let (status, _) = rpc(&app, &pending, "send_mfa_code", &[("kind", "email")]).await;
    assert_eq!(status, 200);
    let third = code_in(sink.mails().await.last().unwrap()["body"].as_str().unwrap());
    let (status, next) = rpc(
        &app,
        &pending,
        "pass_mfa_step",
        &[("kind", "email"), ("code", &format!(" {} ", &third))],
    )
    .await;
    assert_eq!((status, next), (200, json!("/profile")));
    assert_eq!(app.whoami(&pending).await.as_deref(), Some("ann"));
    let again = app.browser();
    app.login(&again, "ann", PASSWORD).await;
    let (status, _) =
        rpc(&app, &again, "pass_mfa_step", &[("kind", "email"), ("code", &third)]).await;
    assert_eq!(status, 401, "a used code never works again");

    // The API sign-in: mfa_required with email, send-code on its cookie, challenge, token.
    let api = reqwest::Client::builder().cookie_store(true).build().unwrap();
    app.clock.advance_secs(61);
    let (status, body) = send(
        api.post(app.url("/api/v1/authentication/auth/"))
            .json(&json!({"username": "ann", "password": PASSWORD})),
    )
    .await;
    assert_eq!((status, &body["error"]), (200, &json!("mfa_required")), "{body}");
    assert_eq!(body["data"]["choices"], json!(["email"]));
    let (status, body) = send(
        api.post(app.url("/api/v1/authentication/mfa/send-code/"))
            .json(&json!({"type": "email", "username": "ann"})),
    )
    .await;
    assert_eq!((status, &body["msg"]), (200, &json!("ok")), "{body}");
    let code = code_in(sink.mails().await.last().unwrap()["body"].as_str().unwrap());
    let (status, _) = send(
        api.post(app.url("/api/v1/authentication/mfa/challenge/"))
            .json(&json!({"type": "email", "code": code})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = send(
        api.post(app.url("/api/v1/authentication/auth/"))
            .json(&json!({"username": "ann", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["token"].is_string(), "{body}");

    // With the server gone the failure is reported and no code is kept.
    drop(sink);
    let pending = app.browser();
    app.login(&pending, "ann", PASSWORD).await;
    app.clock.advance_secs(61);
    let (status, body) = rpc(&app, &pending, "send_mfa_code", &[("kind", "email")]).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["message"].as_str().unwrap().contains("could not be sent"), "{body}");
    app.finish().await;
}

async fn unknown_names_get_the_same_answer_and_nothing_is_sent(backend: Backend) {
    let Some((sink, app, admin)) = with_mail(backend, true).await else { return };
    let stranger = reqwest::Client::new();
    let url = app.url("/api/v1/authentication/mfa/send-code/");
    let (s1, unknown) =
        send(stranger.post(&url).json(&json!({"type": "email", "username": "nobody"}))).await;
    let (s2, known) =
        send(stranger.post(&url).json(&json!({"type": "email", "username": "ann"}))).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(unknown, known, "the same answer for a user and a non-user");
    // Someone in the middle of another sign-in cannot send ann a code either.
    let pending = app.browser();
    app.login(&pending, "root", PASSWORD).await;
    let (s3, other) =
        send(pending.post(&url).json(&json!({"type": "email", "username": "ann"}))).await;
    assert_eq!((s3, &other), (200, &known));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(sink.mails().await.is_empty(), "nothing was sent");
    let (status, _) = send(stranger.post(&url).json(&json!({"type": "otp"}))).await;
    assert_eq!(status, 400);
    // Each refusal is in the log.
    let (status, log) = send(admin.get(app.url("/api/v1/audits/login-logs/?limit=50"))).await;
    assert_eq!(status, 200);
    let refused = log["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == "send_code_refused")
        .count();
    assert_eq!(refused, 3, "{log}");
    app.finish().await;
}

async fn a_phone_is_confirmed_before_sms_codes_and_twilio_is_spoken(backend: Backend) {
    let Some(sink) = Sink::start() else { return };
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("root", Role::Admin).await;
    app.create_user("ann", Role::User).await;
    let admin = app.signed_in("root").await;
    let (status, body) = patch_settings(&app, &admin, "sms", json!({
        "SMS_ENABLED": true, "SMS_BACKEND": "custom", "CUSTOM_SMS_URL": format!("{}/gateway/send", sink.http),
        "CUSTOM_SMS_API_PARAMS": r#"{"to": "{phone}", "text": "code {code}"}"#,
        "CUSTOM_SMS_HEADERS": "X-Api-Key: k-123", "CUSTOM_SMS_SUCCESS_TEXT": "ok",
    })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["secrets_set"], json!(["CUSTOM_SMS_HEADERS"]));

    let ann = app.signed_in("ann").await;
    let (status, st) = rpc(&app, &ann, "get_mfa_status", &[]).await;
    assert_eq!((status, &st["sms_offered"], &st["active"]), (200, &json!(true), &json!([])));
    // A number on the profile alone is not used.
    let (status, _) = send(
        ann.patch(app.url("/api/v1/users/profile/")).json(&json!({"phone": "+86 138 0013 8000"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, st) = rpc(&app, &ann, "get_mfa_status", &[]).await;
    assert_eq!(st["active"], json!([]));

    let (status, body) = rpc(&app, &ann, "start_phone_binding", &[("phone", "12")]).await;
    assert_eq!(status, 400, "{body}");
    let (status, sent) =
        rpc(&app, &ann, "start_phone_binding", &[("phone", "+1 415 555 0100")]).await;
    assert_eq!(status, 200, "{sent}");
    let reqs = sink.requests().await;
    let req = reqs.last().unwrap();
    assert_eq!(req["path"], "/gateway/send");
    assert_eq!(req["headers"]["x-api-key"], "k-123");
    let payload: Value = serde_json::from_str(req["body"].as_str().unwrap()).unwrap();
    assert_eq!(payload["to"], "+14155550100");
    let code = code_in(payload["text"].as_str().unwrap());
    let (status, _) = rpc(&app, &ann, "finish_phone_binding", &[("code", "999999x")]).await;
    assert_eq!(status, 400);
    let (status, body) = rpc(&app, &ann, "finish_phone_binding", &[("code", &code)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, st) = rpc(&app, &ann, "get_mfa_status", &[]).await;
    assert_eq!(st["active"], json!(["sms"]));
    assert_eq!(st["sms_phone"], "+14155550100");
    let (status, body) = send(
        ann.patch(app.url("/api/v1/users/profile/")).json(&json!({"phone": "+86 139 0000 0000"})),
    )
    .await;
    assert_eq!(status, 400, "a confirmed number changes only through a new confirmation: {body}");

    // Signing in now takes a texted code.
    let pending = app.browser();
    let res = app.login(&pending, "ann", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/mfa?next=%2Fprofile");
    let (status, _) = rpc(&app, &pending, "send_mfa_code", &[("kind", "sms")]).await;
    assert_eq!(status, 200);
    let code = last_sms_code(&sink).await;
    let (status, _) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "sms"), ("code", &code)]).await;
    assert_eq!(status, 200);

    // A gateway that fails is reported with its own words.
    let (status, _) = patch_settings(
        &app,
        &admin,
        "sms",
        json!({"CUSTOM_SMS_URL": format!("{}/fail", sink.http)}),
    )
    .await;
    assert_eq!(status, 200);
    app.clock.advance_secs(61);
    let (status, body) = rpc(&app, &pending, "send_mfa_code", &[("kind", "sms")]).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["message"].as_str().unwrap().contains("maintenance"), "{body}");

    // Twilio's format, tested with unsaved settings from the admin page.
    let sms = json!({"SMS_ENABLED": true, "SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC123", "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_BASE_URL": format!("{}/twilio", sink.http)});
    let res = admin.post(app.url("/rpc/test_sms"))
        .json(&json!({"sms": sms, "secrets": {"TWILIO_AUTH_TOKEN": "tok-9"}, "phone": "+86 138 0013 8000"}))
        .send().await.unwrap();
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    let reqs = sink.requests().await;
    let tw = reqs.last().unwrap();
    assert_eq!(tw["path"], "/twilio/2010-04-01/Accounts/AC123/Messages.json");
    assert_eq!(tw["basic_auth"], "AC123:tok-9");
    let form: Vec<(String, String)> =
        url::form_urlencoded::parse(tw["body"].as_str().unwrap().as_bytes()).into_owned().collect();
    assert!(form.contains(&("To".into(), "+8613800138000".into())), "{form:?}");
    assert!(form.contains(&("From".into(), "+15005550006".into())));
    assert!(form.iter().any(|(k, v)| k == "Body" && v.contains("verification code")));
    assert_eq!(
        app.core.setting_secret("TWILIO_AUTH_TOKEN").await.unwrap(),
        None,
        "a test saves nothing"
    );

    // Removing SMS needs a confirmation (with the factor itself), then it is gone.
    app.clock.advance_secs(601);
    let (status, body) = rpc(&app, &ann, "remove_sms", &[]).await;
    assert_eq!((status, body), (412, json!({"kind": "confirm_required", "code": "mfa"})));
    let (status, _) = patch_settings(
        &app,
        &admin,
        "sms",
        json!({"CUSTOM_SMS_URL": format!("{}/gateway/send", sink.http)}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = rpc(&app, &ann, "send_mfa_code", &[("kind", "sms")]).await;
    assert_eq!(status, 200);
    let code = last_sms_code(&sink).await;
    let (status, _) =
        rpc(&app, &ann, "confirm_identity", &[("kind", "sms"), ("secret", &code)]).await;
    assert_eq!(status, 200);
    let (status, _) = rpc(&app, &ann, "remove_sms", &[]).await;
    assert_eq!(status, 200);
    let (_, st) = rpc(&app, &ann, "get_mfa_status", &[]).await;
    assert_eq!((&st["active"], &st["sms_phone"]), (&json!([]), &Value::Null));
    app.finish().await;
}

async fn notices_reach_the_inbox_mail_and_robots(backend: Backend) {
    let Some(sink) = Sink::start() else { return };
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("root", Role::Admin).await;
    let ann_row = app.create_user("ann", Role::User).await;
    app.create_user("bob", Role::User).await;
    let admin = app.signed_in("root").await;
    mail_to_sink(&app, &admin, &sink, false).await;
    let ann = app.signed_in("ann").await;
    let sub_url = app.url(&format!("/api/v1/notifications/user-msg-subscription/{}/", ann_row.id));

    let (status, backends) = send(ann.get(app.url("/api/v1/notifications/backends/"))).await;
    assert_eq!(status, 200);
    let names: Vec<&str> =
        backends.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["site_msg", "email"]);
    let (status, sub) = send(ann.get(&sub_url)).await;
    assert_eq!((status, &sub["receive_backends"]), (200, &json!(["site_msg", "email"])));
    let bob = app.signed_in("bob").await;
    assert_eq!(send(bob.get(&sub_url)).await.0, 403);
    let (status, _) = send(ann.patch(&sub_url).json(&json!({"receive_backends": ["slack"]}))).await;
    assert_eq!(status, 400, "slack is not configured");
    let (status, _) = patch_settings(
        &app,
        &admin,
        "im",
        json!({"SLACK_WEBHOOK_URL": format!("{}/slack/T1/B2", sink.http),
        "WECOM_WEBHOOK_URL": format!("{}/wecom?key=1", sink.http)}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, sub) =
        send(ann.patch(&sub_url).json(&json!({"receive_backends": ["email", "slack", "wecom"]})))
            .await;
    assert_eq!(status, 200);
    assert_eq!(sub["receive_backends"], json!(["site_msg", "email", "wecom", "slack"]));

    // Sign-in from a new address; then a password change: both everywhere.
    let other = app.browser();
    let res = other
        .post(app.url("/rpc/login"))
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[("username", "ann"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mail =
        sink.wait_for_mail("Sign-in from a new address", 10).await.expect("new address notice");
    assert!(mail["body"].as_str().unwrap().contains("203.0.113.9"));
    app.clock.advance_secs(1);
    let new_pw = "a much longer passphrase 2026";
    let (status, body) = send(ann.put(app.url("/api/v1/users/profile/password/")).json(
        &json!({"old_password": PASSWORD, "new_password": new_pw, "new_password_again": new_pw}),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(sink.wait_for_mail("Your password was changed", 10).await.is_some());
    let mut robots = sink.requests().await;
    for _ in 0..100 {
        if robots.len() >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        robots = sink.requests().await;
    }
    let slack: Vec<&Value> =
        robots.iter().filter(|r| r["path"].as_str().unwrap().starts_with("/slack")).collect();
    assert_eq!(slack.len(), 2, "{robots:?}");
    let text: Value = serde_json::from_str(slack[0]["body"].as_str().unwrap()).unwrap();
    assert!(text["text"].as_str().unwrap().contains("[ann]"), "{text}");
    let wecom = robots.iter().find(|r| r["path"].as_str().unwrap().starts_with("/wecom")).unwrap();
    let text: Value = serde_json::from_str(wecom["body"].as_str().unwrap()).unwrap();
    assert_eq!(text["msgtype"], "text");

    // The inbox: unread count, list, read one, mark all, delete; bob sees none of it.
    let (status, total) =
        send(ann.get(app.url("/api/v1/notifications/site-messages/unread-total/"))).await;
    assert_eq!((status, total), (200, json!({"total": 2})));
    let (_, list) = send(ann.get(app.url("/api/v1/notifications/site-messages/?limit=1"))).await;
    assert_eq!(list["count"], 2);
    assert!(list["next"].is_string());
    let newest = list["results"][0].clone();
    assert_eq!(newest["subject"], "Your password was changed");
    assert_eq!(newest["has_read"], false);
    let id = newest["id"].as_str().unwrap();
    let one = app.url(&format!("/api/v1/notifications/site-messages/{id}/"));
    assert_eq!(send(bob.get(&one)).await.0, 404);
    assert_eq!(send(bob.delete(&one)).await.0, 404);
    let (status, _) = send(
        ann.patch(app.url("/api/v1/notifications/site-messages/mark-as-read/"))
            .json(&json!({"ids": [id]})),
    )
    .await;
    assert_eq!(status, 204);
    let (_, total) =
        send(ann.get(app.url("/api/v1/notifications/site-messages/unread-total/"))).await;
    assert_eq!(total["total"], 1);
    let (_, unread) =
        send(ann.get(app.url("/api/v1/notifications/site-messages/?has_read=false"))).await;
    assert_eq!(unread["results"][0]["subject"], "Sign-in from a new address");
    send(ann.patch(app.url("/api/v1/notifications/site-messages/mark-as-read-all/"))).await;
    let (_, total) =
        send(ann.get(app.url("/api/v1/notifications/site-messages/unread-total/"))).await;
    assert_eq!(total["total"], 0);
    assert_eq!(send(ann.delete(&one)).await.0, 204);
    assert_eq!(send(ann.get(&one)).await.0, 404);
    let (_, bobs) = send(bob.get(app.url("/api/v1/notifications/site-messages/"))).await;
    assert_eq!(bobs["count"], 0);
    app.finish().await;
}

/// Mail, the inbox and code mails go out in the language the recipient
/// chose (`lina.basic.lang`), whatever language the request was in.
async fn notices_and_codes_are_written_in_the_recipients_language(backend: Backend) {
    let Some((sink, app, admin)) = with_mail(backend, false).await else { return };
    let ann = app.signed_in("ann").await;
    let (status, body) = send(
        ann.patch(app.url("/api/v1/users/preference/?category=lina"))
            .json(&json!({"basic": {"lang": "zh-hans"}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The request is in English (no Accept-Language); the notice follows ann.
    let (status, _) = send(ann.post(app.url("/api/v1/authentication/ssh-key/")).json(&json!({
        "name": "laptop", "public_key_option": "input",
        "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ann@laptop"
    }))).await;
    assert_eq!(status, 201);
    let mail = sink.wait_for_mail("已添加 SSH 公钥", 10).await.expect("the notice, in Chinese");
    assert_eq!(mail["to"], json!(["ann@example.com"]));
    let body = mail["body"].as_str().unwrap();
    assert!(body.starts_with("ann Example，您好："), "{body}");
    assert!(body.contains("SSH 公钥“laptop”（SHA256:"), "{body}");
    assert!(body.lines().any(|line| line == "账号：ann"), "{body}");
    assert!(body.contains("如果这不是您本人的操作"), "{body}");
    assert!(!body.contains("Hello") && !body.contains("unknown"), "{body}");
    // The inbox keeps the text as it was written.
    let (_, list) = send(ann.get(app.url("/api/v1/notifications/site-messages/"))).await;
    assert_eq!(list["results"][0]["subject"], "已添加 SSH 公钥");
    assert!(list["results"][0]["message"].as_str().unwrap().contains("现在可以以您的身份登录"));

    // A code by email, at the MFA step of signing in: in ann's language too.
    mail_to_sink(&app, &admin, &sink, true).await;
    let pending = app.browser();
    app.login(&pending, "ann", PASSWORD).await;
    let (status, sent) = rpc(&app, &pending, "send_mfa_code", &[("kind", "email")]).await;
    assert_eq!(status, 200, "{sent}");
    let mail = sink.wait_for_mail("您的验证码", 10).await.expect("the code, in Chinese");
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains("5 分钟内有效"), "{body}");
    let code = code_in(body);
    let (status, _) =
        rpc(&app, &pending, "pass_mfa_step", &[("kind", "email"), ("code", &code)]).await;
    assert_eq!(status, 200);
    app.finish().await;
}

async fn the_outbox_waits_for_a_mail_server_that_is_down(backend: Backend) {
    let Some((sink, app, _admin)) = with_mail(backend, false).await else { return };
    sink.smtp(false).await;
    let ann = app.signed_in("ann").await;
    let (status, _) = send(ann.post(app.url("/api/v1/authentication/ssh-key/")).json(&json!({
        "name": "laptop", "public_key_option": "input",
        "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ann@laptop"
    }))).await;
    assert_eq!(status, 201);
    // In the inbox at once; the mail waits with the reason it failed.
    let (_, total) =
        send(ann.get(app.url("/api/v1/notifications/site-messages/unread-total/"))).await;
    assert_eq!(total["total"], 1);
    let read_error = || async {
        server::on_db!(&app.core.db, pool => sqlx::query_scalar::<_, Option<String>>(
            "SELECT last_error FROM outbox WHERE backend = 'email'").fetch_one(pool).await)
        .unwrap()
    };
    let mut last_error = read_error().await;
    for _ in 0..100 {
        if last_error.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        last_error = read_error().await;
    }
    assert!(last_error.as_deref().unwrap_or("").contains("mail server"), "{last_error:?}");
    // A new instance (a restart) with the server back delivers it, once the retry is due.
    sink.smtp(true).await;
    let (second, worker) = app.second_instance().await;
    app.clock.advance_secs(60);
    let mail =
        sink.wait_for_mail("An SSH key was added", 15).await.expect("delivered after the retry");
    assert!(mail["body"].as_str().unwrap().contains("laptop"));
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(sink.mails().await.len(), 1, "delivered once");
    worker.abort();
    second.db.close().await;
    app.finish().await;
}

async fn two_instances_never_send_the_same_message(backend: Backend) {
    let Some((sink, app, _admin)) = with_mail(backend, false).await else { return };
    let (second, worker) = app.second_instance().await;
    for i in 0..30 {
        let msg = server::notify::outbox::NewMessage {
            user_id: None,
            backend: app::notifications::model::Backend::Email,
            recipient: "ops@example.com",
            subject: &format!("message {i:02}"),
            body: "body",
        };
        server::notify::outbox::enqueue(&app.core.db, &msg, app.core.now()).await.unwrap();
    }
    app.core.outbox.wake();
    second.outbox.wake();
    for _ in 0..200 {
        if sink.mails().await.len() >= 30 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    // A week later the delivered rows are tidied away, not before.
    assert_eq!(server::notify::outbox::purge(&app.core.db, app.core.now()).await.unwrap(), 0);
    app.clock.advance_secs(server::notify::outbox::KEEP_SENT_SECS + 1);
    assert_eq!(server::notify::outbox::purge(&app.core.db, app.core.now()).await.unwrap(), 30);
    let mut subjects: Vec<String> =
        sink.mails().await.iter().map(|m| m["subject"].as_str().unwrap().to_owned()).collect();
    assert_eq!(subjects.len(), 30, "each message exactly once");
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 30);
    worker.abort();
    second.db.close().await;
    app.finish().await;
}
