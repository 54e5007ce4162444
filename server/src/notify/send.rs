//! Talking to the outside: the SMTP server, the SMS provider and IM robot
//! webhooks. Each call gives up after [`SEND_TIMEOUT`] and answers with what
//! the other side said, so an administrator can see why a message failed.

use app::i18n::{n_, tfr, Lang};
use app::notifications::model::Backend;
use app::settings::notify::{
    parse_header_lines, MailSecurity, MailSettings, SmsBackend, SmsSettings,
};
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// The longest a request waits for a mail server, a gateway or a robot.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a message was not delivered, in the other side's words. The text is
/// English (the outbox stores it, the log shows it); `Display` shows it in
/// the language of the request at hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError(pub String);

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&app::i18n::localize(&self.0))
    }
}

/// The HTTP client for gateways and robots: short timeouts, no redirects
/// (a webhook that redirects elsewhere is not followed with its payload).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("bastion-profile/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

pub struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Sends one plain-text message; the server's reply on success.
pub async fn send_mail(
    settings: &MailSettings,
    password: Option<&str>,
    mail: &Mail<'_>,
) -> Result<String, SendError> {
    if !settings.configured() {
        return Err(SendError("No mail server is configured.".into()));
    }
    let from = settings
        .from
        .parse()
        .map_err(|e| SendError(format!("The sender address is not valid: {e}")))?;
    let address = mail.to;
    let to = address
        .parse()
        .map_err(|e| SendError(format!("The address {address} is not valid: {e}")))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(format!("{}{}", settings.subject_prefix, mail.subject))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.to_owned())
        .map_err(|e| SendError(format!("The message could not be built: {e}")))?;
    let (host, port) = (settings.host.trim(), settings.port);
    let builder = match settings.security() {
        MailSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        MailSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
            .map_err(|e| SendError(format!("STARTTLS could not be set up: {e}")))?,
        MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
            .map_err(|e| SendError(format!("TLS could not be set up: {e}")))?,
    };
    let mut builder = builder.port(settings.port).timeout(Some(SEND_TIMEOUT));
    if !settings.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            settings.username.clone(),
            password.unwrap_or_default().to_owned(),
        ));
    }
    let transport = builder.build();
    let sent = tokio::time::timeout(SEND_TIMEOUT, transport.send(message))
        .await
        .map_err(|_| SendError(format!("The mail server {host}:{port} did not answer in time.")))?;
    match sent {
        Ok(reply) => {
            Ok(format!("{} {}", reply.code(), reply.message().collect::<Vec<_>>().join(" ")))
        }
        Err(e) => Err(SendError(format!("The mail server {host}:{port} refused: {e}"))),
    }
}

/// What a write-only SMS setting holds, read at send time.
#[derive(Default)]
pub struct SmsSecrets {
    pub headers: Option<String>,
    pub twilio_token: Option<String>,
}

fn fill(template: &str, phone: &str, code: &str) -> String {
    template.replace("{phone}", phone).replace("{code}", code)
}

/// The text of a code message for providers that take the whole text, in
/// the recipient's language.
pub fn code_text(code: &str, ttl_secs: u32, lang: Lang) -> String {
    let minutes = ttl_secs.div_ceil(60).to_string();
    tfr(
        lang,
        "Your Bastion Profile verification code is {code}. It is valid for {minutes} minutes. Never share it.",
        &[("code", code), ("minutes", minutes.as_str())],
    )
}

/// Texts `code` to `phone` (in `lang` where we write the text); the
/// provider's reply on success.
pub async fn send_sms(
    http: &reqwest::Client,
    settings: &SmsSettings,
    secrets: &SmsSecrets,
    phone: &str,
    code: &str,
    lang: Lang,
) -> Result<String, SendError> {
    let request = match settings.backend() {
        SmsBackend::Custom => {
            if settings.custom_url.is_empty() {
                return Err(SendError("No SMS gateway URL is configured.".into()));
            }
            let mut req = if settings.custom_method == "GET" {
                let query = fill(&settings.custom_template, &url_encode(phone), &url_encode(code));
                let sep = if settings.custom_url.contains('?') { '&' } else { '?' };
                http.get(format!("{}{sep}{query}", settings.custom_url))
            } else {
                http.post(&settings.custom_url)
                    .header("content-type", &settings.custom_content_type)
                    .body(fill(&settings.custom_template, phone, code))
            };
            for (name, value) in
                secrets.headers.as_deref().and_then(parse_header_lines).unwrap_or_default()
            {
                req = req.header(name, value);
            }
            req
        }
        SmsBackend::Twilio => {
            let url = format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                settings.twilio_base_url.trim_end_matches('/'),
                settings.twilio_sid
            );
            let body = code_text(code, settings.code_ttl_secs, lang);
            http.post(url).basic_auth(&settings.twilio_sid, secrets.twilio_token.as_deref()).form(
                &[("To", phone), ("From", settings.twilio_from.as_str()), ("Body", body.as_str())],
            )
        }
    };
    let (status, text) = exchange(request).await?;
    let success_text = match settings.backend() {
        SmsBackend::Custom => settings.custom_success_text.as_str(),
        SmsBackend::Twilio => "",
    };
    if (200..300).contains(&status) && text.contains(success_text) {
        Ok(format!("HTTP {status}: {}", excerpt(&text)))
    } else {
        let message = provider_message(&text);
        Err(SendError(format!("The SMS provider answered HTTP {status}: {message}")))
    }
}

fn url_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn exchange(request: reqwest::RequestBuilder) -> Result<(u16, String), SendError> {
    let response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            SendError("The provider did not answer in time.".into())
        } else {
            let reason = without_url(&e);
            SendError(format!("The provider could not be reached: {reason}"))
        }
    })?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    Ok((status, text))
}

/// reqwest's error without the URL it printed (a webhook URL is a credential).
fn without_url(e: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = String::from(n_("connection failed"));
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn excerpt(text: &str) -> String {
    let t: String = text.chars().take(200).collect();
    if t.is_empty() {
        n_("(empty reply)").into()
    } else {
        t
    }
}

/// The `message` a JSON error reply carries, else the start of the reply.
fn provider_message(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| excerpt(text))
}

/// The JSON body each robot expects for a text message.
pub fn robot_payload(backend: Backend, text: &str) -> serde_json::Value {
    match backend {
        Backend::Dingtalk | Backend::Wecom => {
            serde_json::json!({"msgtype": "text", "text": {"content": text}})
        }
        Backend::Feishu | Backend::Lark => {
            serde_json::json!({"msg_type": "text", "content": {"text": text}})
        }
        _ => serde_json::json!({"text": text}),
    }
}

/// Whether a robot's reply means the message was accepted: DingTalk and
/// WeCom answer `errcode` 0, Feishu and Lark `code` 0, Slack the text `ok`.
fn robot_accepted(backend: Backend, status: u16, text: &str) -> bool {
    if !(200..300).contains(&status) {
        return false;
    }
    let json = serde_json::from_str::<serde_json::Value>(text).ok();
    let zero =
        |key: &str| json.as_ref().and_then(|v| v.get(key)).and_then(|v| v.as_i64()) == Some(0);
    match backend {
        Backend::Dingtalk | Backend::Wecom => zero("errcode"),
        Backend::Feishu | Backend::Lark => zero("code") || zero("StatusCode"),
        _ => text.trim() == "ok",
    }
}

pub async fn post_to_robot(
    http: &reqwest::Client,
    backend: Backend,
    url: &str,
    text: &str,
) -> Result<String, SendError> {
    let (status, reply) = exchange(http.post(url).json(&robot_payload(backend, text))).await?;
    if robot_accepted(backend, status, &reply) {
        Ok(format!("HTTP {status}: {}", excerpt(&reply)))
    } else {
        Err(SendError(format!(
            "The {} robot answered HTTP {status}: {}",
            backend.label(),
            excerpt(&reply)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_phone_and_code() {
        assert_eq!(
            fill(r#"{"to":"{phone}","c":"{code}"}"#, "+15550001", "123456"),
            r#"{"to":"+15550001","c":"123456"}"#
        );
        assert!(code_text("123456", 300, Lang::En).contains("valid for 5 minutes"));
    }

    #[test]
    fn robot_formats_and_replies() {
        assert_eq!(robot_payload(Backend::Dingtalk, "hi")["text"]["content"], "hi");
        assert_eq!(robot_payload(Backend::Lark, "hi")["content"]["text"], "hi");
        assert_eq!(robot_payload(Backend::Slack, "hi")["text"], "hi");
        assert!(robot_accepted(Backend::Wecom, 200, r#"{"errcode":0,"errmsg":"ok"}"#));
        assert!(!robot_accepted(
            Backend::Wecom,
            200,
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#
        ));
        assert!(robot_accepted(Backend::Feishu, 200, r#"{"code":0,"msg":"success"}"#));
        assert!(robot_accepted(Backend::Slack, 200, "ok"));
        assert!(!robot_accepted(Backend::Slack, 404, "no_team"));
    }
}
