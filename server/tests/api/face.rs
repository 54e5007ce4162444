//! Face recognition over HTTP with the real models and real photos (from
//! PyPI packages, see `scripts/fetch-face-assets.sh`): enrolment with its
//! quality checks, the MFA step, a different person, replays, expiry, the
//! API sign-in, and a server whose model files are missing.

use crate::helpers::{face_assets, rpc, send, Backend, TestApp, PASSWORD};
use crate::on_both_backends;
use app::auth::Role;
use serde_json::{json, Value};
use std::io::Cursor;

on_both_backends!(
    a_face_enrols_and_then_passes_the_mfa_step,
    an_administrator_enrols_and_clears_a_users_face,
    another_face_fails_and_counts_towards_the_lockout,
    api_clients_verify_a_face_through_the_mfa_challenge,
);

#[tokio::test]
async fn missing_models_turn_the_method_off_with_a_message() {
    let Some(app) =
        TestApp::spawn_with_face_models(Backend::Sqlite, "/nonexistent/face-models").await
    else {
        return;
    };
    app.create_user("root", Role::Admin).await;
    let admin = app.signed_in("root").await;
    enable_face(&app, &admin).await;
    let (status, body) = rpc(&app, &admin, "get_face_admin_status", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["engine"]["state"], "missing", "{body}");
    assert!(body["engine"]["path"].as_str().unwrap().starts_with("/nonexistent/face-models"));
    let (_, status_body) = rpc(&app, &admin, "get_mfa_status", &[]).await;
    assert_eq!(status_body["face_offered"], false);
    let (status, body) = send(
        admin
            .post(app.url("/api/v1/authentication/mfa/face/start/"))
            .json(&json!({"purpose": "enrol"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    app.finish().await;
}

const START: &str = "/api/v1/authentication/mfa/face/start/";
const FRAME: &str = "/api/v1/authentication/mfa/face/frame/";

async fn enable_face(app: &TestApp, admin: &reqwest::Client) {
    let url = app.url("/api/v1/settings/setting/?category=security");
    let (status, body) =
        send(admin.patch(&url).json(&json!({"FACE_RECOGNITION_THRESHOLD": 0.3}))).await;
    assert_eq!(status, 400, "a threshold under 0.5 is refused: {body}");
    let (status, body) =
        send(admin.patch(&url).json(&json!({"FACE_RECOGNITION_ENABLED": true}))).await;
    assert_eq!((status, &body["FACE_RECOGNITION_ENABLED"]), (200, &json!(true)), "{body}");
    assert_eq!(body["FACE_RECOGNITION_THRESHOLD"], json!(0.55));
}

fn photo(name: &str) -> image::RgbImage {
    let dir = face_assets().expect("face assets").join("testimg");
    image::open(dir.join(name)).expect("test photo").to_rgb8()
}

/// A webcam-like frame of `img`: a 4:3 window as wide as the portrait,
/// around the upper part where its face is (like `end2end/lib/camera.py`),
/// at 640x480, moved by `shift` pixels and a little brighter each time, so
/// consecutive frames differ as a live picture does.
fn frame_of(img: &image::RgbImage, shift: i64) -> String {
    let win_w = img.width();
    let win_h = (win_w * 3 / 4).min(img.height());
    let top = (img.height() * 27 / 100).saturating_sub(win_h / 2).min(img.height() - win_h);
    let window = image::imageops::crop_imm(img, 0, top, win_w, win_h).to_image();
    let fitted = image::imageops::resize(&window, 640, 480, image::imageops::FilterType::Triangle);
    let mut canvas = image::RgbImage::from_pixel(640, 480, image::Rgb([90, 90, 90]));
    image::imageops::overlay(&mut canvas, &fitted, shift, shift / 2);
    for p in canvas.pixels_mut() {
        for c in &mut p.0 {
            *c = c.saturating_add(u8::try_from(shift.unsigned_abs() % 4).unwrap());
        }
    }
    jpeg(&canvas)
}

fn jpeg(img: &image::RgbImage) -> String {
    use base64::Engine as _;
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img.clone())
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(out.into_inner())
}

/// How a client sends frames: the REST API or the pages' server function.
#[derive(Clone, Copy)]
enum Via {
    Rest,
    Rpc,
}

async fn frame(
    app: &TestApp,
    client: &reqwest::Client,
    challenge: &str,
    image: &str,
) -> (u16, Value) {
    frame_via(app, client, Via::Rest, challenge, image).await
}

async fn frame_via(
    app: &TestApp,
    client: &reqwest::Client,
    via: Via,
    challenge: &str,
    image: &str,
) -> (u16, Value) {
    match via {
        Via::Rest => {
            let body = json!({"challenge": challenge, "image": image});
            send(client.post(app.url(FRAME)).json(&body)).await
        }
        Via::Rpc => {
            let form = [("challenge", challenge), ("image", image)];
            rpc(app, client, "send_face_frame", &form).await
        }
    }
}

async fn start(app: &TestApp, client: &reqwest::Client, purpose: &str) -> (u16, Value) {
    send(client.post(app.url(START)).json(&json!({"purpose": purpose}))).await
}

/// Sends frames of `img` (one second apart) until an answer ends the
/// attempt; every hint on the way.
async fn frames_until_done(
    app: &TestApp,
    client: &reqwest::Client,
    challenge: &str,
    img: &image::RgbImage,
) -> Vec<String> {
    frames_via(app, client, Via::Rest, challenge, img).await
}

async fn frames_via(
    app: &TestApp,
    client: &reqwest::Client,
    via: Via,
    challenge: &str,
    img: &image::RgbImage,
) -> Vec<String> {
    let mut hints = Vec::new();
    for shift in 1..=12 {
        let (status, body) =
            frame_via(app, client, via, challenge, &frame_of(img, shift * 3)).await;
        assert_eq!(status, 200, "{body}");
        let hint = body["hint"].as_str().unwrap().to_owned();
        hints.push(hint.clone());
        if ["matched", "enrolled", "failed", "expired", "other_person"].contains(&hint.as_str()) {
            break;
        }
        app.clock.advance_secs(1);
    }
    hints
}

async fn enrol(app: &TestApp, client: &reqwest::Client, img: &image::RgbImage) {
    let (status, _) = rpc(app, client, "confirm_identity", &[("secret", PASSWORD)]).await;
    assert_eq!(status, 200);
    let (status, body) = start(app, client, "enrol").await;
    assert_eq!(status, 200, "{body}");
    let hints = frames_until_done(app, client, body["challenge"].as_str().unwrap(), img).await;
    assert_eq!(hints.last().map(String::as_str), Some("enrolled"), "{hints:?}");
}

async fn sign_in_to_step(app: &TestApp, username: &str) -> reqwest::Client {
    let client = app.browser();
    let res = app.login(&client, username, PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/mfa?next=%2Fprofile");
    client
}

async fn a_face_enrols_and_then_passes_the_mfa_step(backend: Backend) {
    if face_assets().is_none() {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.create_user("root", Role::Admin).await;
    app.create_user("alice", Role::User).await;
    let admin = app.signed_in("root").await;
    let alice = app.signed_in("alice").await;
    let (status, body) = start(&app, &alice, "enrol").await;
    assert_eq!(status, 400, "off until an administrator turns it on: {body}");
    enable_face(&app, &admin).await;

    // Enrolling needs a fresh confirmation (signing in was one, for 5 minutes).
    app.clock.advance_secs(301);
    let (status, body) = start(&app, &alice, "enrol").await;
    assert_eq!((status, &body["code"]), (412, &json!("password")), "{body}");
    let (status, _) = rpc(&app, &alice, "confirm_identity", &[("secret", PASSWORD)]).await;
    assert_eq!(status, 200);
    let (status, body) = start(&app, &alice, "enrol").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["frames_needed"], 5);
    let challenge = body["challenge"].as_str().unwrap().to_owned();

    // Quality checks guide the person; none of these frames counts.
    let group = photo("t1.jpg");
    let (_, body) = frame(&app, &alice, &challenge, &frame_of(&group, 0)).await;
    assert_eq!(body["hint"], "several_faces", "{body}");
    let obama = photo("obama.jpg");
    let mut far = image::RgbImage::from_pixel(640, 480, image::Rgb([90, 90, 90]));
    let small = image::imageops::resize(
        &obama,
        80,
        80 * obama.height() / obama.width(),
        image::imageops::FilterType::Triangle,
    );
    image::imageops::overlay(&mut far, &small, 280, 200);
    let (_, body) = frame(&app, &alice, &challenge, &jpeg(&far)).await;
    assert!(["closer", "no_face"].contains(&body["hint"].as_str().unwrap()), "{body}");
    let dark: image::RgbImage =
        image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x % 7) as u8, (y % 5) as u8, 3]));
    let (_, body) = frame(&app, &alice, &challenge, &jpeg(&dark)).await;
    assert_eq!(body["hint"], "no_face", "{body}");
    let (status, body) = frame(&app, &alice, &challenge, "bm90IGEgcGljdHVyZQ==").await;
    assert_eq!(status, 400, "not a picture: {body}");

    // The same frame twice is not a live picture.
    let still = frame_of(&obama, 0);
    let (_, body) = frame(&app, &alice, &challenge, &still).await;
    assert_eq!(body["hint"], "hold", "{body}");
    app.clock.advance_secs(1);
    let (_, body) = frame(&app, &alice, &challenge, &still).await;
    assert_eq!(body["hint"], "frozen", "{body}");
    assert_eq!(body["progress"], 1);

    // Someone else cannot feed this attempt.
    let other = app.browser();
    app.create_user("mallory", Role::User).await;
    assert_eq!(app.login(&other, "mallory", PASSWORD).await.status(), 200);
    let (status, _) = frame(&app, &other, &challenge, &frame_of(&obama, 5)).await;
    assert_eq!(status, 400);

    let hints = frames_until_done(&app, &alice, &challenge, &obama).await;
    assert_eq!(hints.last().map(String::as_str), Some("enrolled"), "{hints:?}");
    let (_, profile) = send(alice.get(app.url("/api/v1/users/profile/"))).await;
    assert_eq!(profile["is_face_code_set"], true, "{profile}");

    // Sign-in: face is a choice, and another photo of the same person passes.
    let client = sign_in_to_step(&app, "alice").await;
    let (_, choices) = rpc(&app, &client, "mfa_step_choices", &[]).await;
    assert!(choices.as_array().unwrap().contains(&json!("face")), "{choices}");
    let (status, body) = rpc(&app, &client, "start_face_attempt", &[("purpose", "login")]).await;
    assert_eq!(status, 200, "{body}");
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let (status, body) =
        rpc(&app, &client, "pass_mfa_step", &[("kind", "face"), ("code", &challenge)]).await;
    assert_eq!(status, 401, "not before the frames matched: {body}");
    // A failed check counted; start again for a clean attempt.
    let (_, body) = rpc(&app, &client, "start_face_attempt", &[("purpose", "login")]).await;
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let same_person = photo("obama2.jpg");
    let hints = frames_via(&app, &client, Via::Rpc, &challenge, &same_person).await;
    assert_eq!(hints, ["hold", "hold", "matched"], "three varied frames over a second");
    let (status, body) =
        rpc(&app, &client, "pass_mfa_step", &[("kind", "face"), ("code", &challenge)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.whoami(&client).await.as_deref(), Some("alice"));

    // The passed attempt is used up.
    let again = sign_in_to_step(&app, "alice").await;
    let (status, _) =
        rpc(&app, &again, "pass_mfa_step", &[("kind", "face"), ("code", &challenge)]).await;
    assert_eq!(status, 401);

    // After 30 seconds an attempt is over.
    let (_, body) = rpc(&app, &again, "start_face_attempt", &[("purpose", "login")]).await;
    let late = body["challenge"].as_str().unwrap().to_owned();
    app.clock.advance_secs(31);
    let (_, body) = frame_via(&app, &again, Via::Rpc, &late, &frame_of(&same_person, 3)).await;
    assert_eq!(body["hint"], "expired", "{body}");

    // Removing the face needs a confirmation, with a second factor now:
    // here the face itself.
    app.clock.advance_secs(600);
    let (status, _) = rpc(&app, &alice, "remove_face", &[]).await;
    assert_eq!(status, 412);
    let (status, _) = rpc(&app, &alice, "confirm_identity", &[("secret", PASSWORD)]).await;
    assert_eq!(status, 400, "a password does not confirm once a face is enrolled");
    let (status, body) = start(&app, &alice, "confirm").await;
    assert_eq!(status, 200, "{body}");
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let hints = frames_until_done(&app, &alice, &challenge, &same_person).await;
    assert_eq!(hints.last().map(String::as_str), Some("matched"), "{hints:?}");
    let (status, body) =
        rpc(&app, &alice, "confirm_identity", &[("kind", "face"), ("secret", &challenge)]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = rpc(&app, &alice, "remove_face", &[]).await;
    assert_eq!(status, 200, "{body}");
    let (_, profile) = send(alice.get(app.url("/api/v1/users/profile/"))).await;
    assert_eq!(profile["is_face_code_set"], false, "{profile}");
    app.finish().await;
}

/// A server with face recognition on and `username`'s face enrolled from
/// `photo`; the administrator's and the user's signed-in clients.
async fn with_enrolled_face(
    backend: Backend,
    username: &str,
    photo_name: &str,
) -> Option<(TestApp, reqwest::Client)> {
    face_assets()?;
    let app = TestApp::spawn(backend).await?;
    app.create_user("root", Role::Admin).await;
    app.create_user(username, Role::User).await;
    let admin = app.signed_in("root").await;
    enable_face(&app, &admin).await;
    let user = app.signed_in(username).await;
    enrol(&app, &user, &photo(photo_name)).await;
    Some((app, admin))
}

async fn another_face_fails_and_counts_towards_the_lockout(backend: Backend) {
    let Some((app, admin)) = with_enrolled_face(backend, "bob", "obama.jpg").await else { return };

    let client = sign_in_to_step(&app, "bob").await;
    let (_, body) = rpc(&app, &client, "start_face_attempt", &[("purpose", "login")]).await;
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let hints = frames_via(&app, &client, Via::Rpc, &challenge, &photo("biden.jpg")).await;
    assert_eq!(hints.iter().filter(|h| *h == "no_match").count(), 5, "{hints:?}");
    assert_eq!(hints.last().map(String::as_str), Some("failed"));
    let (status, _) =
        rpc(&app, &client, "pass_mfa_step", &[("kind", "face"), ("code", &challenge)]).await;
    assert_eq!(status, 401);

    // The failed attempt and the refused code both count: with a limit of
    // 3, one more failure blocks face attempts too.
    let url = app.url("/api/v1/settings/setting/?category=security");
    let (status, _) = send(admin.patch(&url).json(&json!({"SECURITY_LOGIN_LIMIT_COUNT": 3}))).await;
    assert_eq!(status, 200);
    let (_, body) = rpc(&app, &client, "start_face_attempt", &[("purpose", "login")]).await;
    let third = body["challenge"].as_str().unwrap().to_owned();
    let (status, _) =
        rpc(&app, &client, "pass_mfa_step", &[("kind", "face"), ("code", &third)]).await;
    assert_eq!(status, 429, "blocked after the third failure");
    let (status, body) = rpc(&app, &client, "start_face_attempt", &[("purpose", "login")]).await;
    assert_eq!(status, 429, "{body}");

    let (_, log) = send(admin.get(app.url("/api/v1/audits/login-logs/?limit=50"))).await;
    let rows = log["results"].as_array().cloned().unwrap_or_default();
    assert!(
        rows.iter().any(|r| r.to_string().contains("face_mismatch")),
        "the failed attempt is in the log: {log}"
    );
    app.finish().await;
}

async fn api_clients_verify_a_face_through_the_mfa_challenge(backend: Backend) {
    let Some((app, _)) = with_enrolled_face(backend, "carol", "obama3.jpg").await else { return };

    let api = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let auth = json!({"username": "carol", "password": PASSWORD});
    let (status, body) = send(api.post(app.url("/api/v1/authentication/auth/")).json(&auth)).await;
    assert_eq!((status, &body["error"]), (200, &json!("mfa_required")), "{body}");
    assert!(body["data"]["choices"].as_array().unwrap().contains(&json!("face")), "{body}");
    let (status, body) = start(&app, &api, "login").await;
    assert_eq!(status, 200, "{body}");
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let hints = frames_until_done(&app, &api, &challenge, &photo("obama.jpg")).await;
    assert_eq!(hints.last().map(String::as_str), Some("matched"), "{hints:?}");
    let answer = json!({"type": "face", "code": challenge});
    let (status, body) =
        send(api.post(app.url("/api/v1/authentication/mfa/challenge/")).json(&answer)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(api.post(app.url("/api/v1/authentication/auth/")).json(&auth)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    app.finish().await;
}

async fn an_administrator_enrols_and_clears_a_users_face(backend: Backend) {
    if face_assets().is_none() {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else { return };
    let root = app.create_user("root", Role::Admin).await;
    let dave = app.create_user("dave", Role::User).await;
    let admin = app.signed_in("root").await;
    enable_face(&app, &admin).await;
    let dave_id = dave.id.to_string();
    let as_admin = [("purpose", "admin_enrol"), ("user", dave_id.as_str())];

    // Only an administrator may enrol someone else.
    let user = app.signed_in("dave").await;
    let root_id = root.id.to_string();
    let (status, _) =
        rpc(&app, &user, "start_face_attempt", &[("purpose", "admin_enrol"), ("user", &root_id)])
            .await;
    assert_eq!(status, 403);

    let (status, body) = rpc(&app, &admin, "start_face_attempt", &as_admin).await;
    assert_eq!(status, 200, "{body}");
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let hints = frames_via(&app, &admin, Via::Rpc, &challenge, &photo("obama.jpg")).await;
    assert_eq!(hints.last().map(String::as_str), Some("enrolled"), "{hints:?}");
    let (_, status_body) = rpc(&app, &admin, "get_face_status", &[("user", &dave_id)]).await;
    assert_eq!(status_body["enrolled"], true, "{status_body}");
    let (_, own) = rpc(&app, &user, "get_face_status", &[]).await;
    assert_eq!(own["enrolled"], true, "{own}");

    // The face is now one of dave's second factors.
    let client = sign_in_to_step(&app, "dave").await;
    let (_, choices) = rpc(&app, &client, "mfa_step_choices", &[]).await;
    assert_eq!(choices, json!(["face"]));

    let (status, body) = rpc(&app, &admin, "clear_user_face", &[("user", &dave_id)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, status_body) = rpc(&app, &admin, "get_face_status", &[("user", &dave_id)]).await;
    assert_eq!(status_body["enrolled"], false);
    let (status, _) = rpc(&app, &admin, "clear_user_face", &[("user", &dave_id)]).await;
    assert_eq!(status, 400, "nothing left to clear");
    app.finish().await;
}
