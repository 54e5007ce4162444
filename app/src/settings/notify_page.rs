//! The administrators' mail and SMS page: the SMTP server, the SMS
//! provider, IM robot webhooks, the codes' rules and the switches for email
//! and SMS codes as second factors, each with a test that reports what the
//! other side answered.

use super::api::{get_notification_settings, SaveNotificationSettings, TestEmail, TestSms};
use super::model::SettingsGroup;
use super::notify::{ImSettings, MailSettings, NotificationSettings, SecretChanges, SmsSettings};
use crate::common::AppError;
use crate::i18n::{localize, n_, t};
use crate::ui::{input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;

// Examples and names, the same in every language.
const FROM_EXAMPLE: &str = "bastion@example.com";
const GATEWAY_EXAMPLE: &str = "https://sms.example.com/send";
const HEADERS_EXAMPLE: &str = "Authorization: Bearer …";
const TWILIO: &str = "Twilio";

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveNotificationSettings>::new();
    let current = Resource::new(move || save.version().get(), |_| get_notification_settings());
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Mail and SMS")}</h1>
                <p class="muted">{t("How the server sends codes and notices: the mail server, the SMS provider and chat robots.")}</p>
            </header>
            <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(s) => view! { <NotifyForm settings=s save /> }.into_any(),
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// A write-only setting: blank keeps what is stored, "Remove" clears it.
#[component]
fn SecretField(
    name: &'static str,
    #[prop(into)] label: String,
    is_set: bool,
    node_ref: NodeRef<html::Input>,
    clear_ref: NodeRef<html::Input>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] help: Option<String>,
) -> impl IntoView {
    let id = format!("set-{}", name.to_lowercase().replace('_', "-"));
    let clear_id = format!("{id}-clear");
    let placeholder = if is_set { t("Stored. Leave blank to keep it.") } else { t("Not set") };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name type="password" node_ref=node_ref autocomplete="off" placeholder=placeholder
                aria-invalid=move || error.get().is_some().then_some("true") />
            {is_set.then(|| view! {
                <label class="inline-check" for=clear_id.clone()>
                    <input id=clear_id.clone() type="checkbox" node_ref=clear_ref />" "{t("Remove the stored value")}
                </label>
            })}
            {help.map(|h| view! { <p class="help">{h}</p> })}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

#[component]
fn NotifyForm(
    settings: NotificationSettings,
    save: ServerAction<SaveNotificationSettings>,
) -> impl IntoView {
    let NotificationSettings { mail, sms, secrets_set } = settings;
    let is_set = |name: &str| secrets_set.iter().any(|s| s == name);

    let inputs: [NodeRef<html::Input>; 6] = std::array::from_fn(|_| NodeRef::new());
    let [host, port, user, from, prefix, mfa_email] = inputs;
    let security = NodeRef::<html::Select>::new();
    let sms_inputs: [NodeRef<html::Input>; 10] = std::array::from_fn(|_| NodeRef::new());
    let [sms_enabled, code_len, code_ttl, c_url, c_ctype, c_success, t_sid, t_from, t_base, sms_test_to] =
        sms_inputs;
    let backend = NodeRef::<html::Select>::new();
    let method = NodeRef::<html::Select>::new();
    let template = NodeRef::<html::Textarea>::new();
    let headers = NodeRef::<html::Textarea>::new();
    let headers_clear = NodeRef::<html::Input>::new();
    let mail_test_to = NodeRef::<html::Input>::new();

    // Every write-only setting: its name, the input and the "remove" box.
    let secret_names: Vec<&'static str> =
        [MailSettings::SECRETS, &[SmsSettings::TWILIO_TOKEN], ImSettings::SECRETS].concat();
    let secret_refs: Vec<(&'static str, NodeRef<html::Input>, NodeRef<html::Input>)> =
        secret_names.iter().map(|n| (*n, NodeRef::new(), NodeRef::new())).collect();
    let secret_refs = StoredValue::new(secret_refs);
    let refs_of = move |name: &str| {
        secret_refs.with_value(|v| v.iter().find(|(n, _, _)| *n == name).map(|(_, a, b)| (*a, *b)))
    };

    let checked = |r: &NodeRef<html::Input>| r.get_untracked().is_some_and(|el| el.checked());
    let select =
        |r: &NodeRef<html::Select>| r.get_untracked().map(|el| el.value()).unwrap_or_default();
    let number =
        |r: &NodeRef<html::Input>| input_value(r).trim().parse::<u32>().unwrap_or(u32::MAX);
    let read_mail = move || {
        let sec = select(&security);
        MailSettings {
            host: input_value(&host).trim().to_owned(),
            port: input_value(&port).trim().parse().unwrap_or(0),
            username: input_value(&user).trim().to_owned(),
            from: input_value(&from).trim().to_owned(),
            use_ssl: sec == "tls",
            use_tls: sec == "starttls",
            subject_prefix: input_value(&prefix),
            mfa_by_email: checked(&mfa_email),
        }
    };
    let read_sms = move || SmsSettings {
        enabled: checked(&sms_enabled),
        backend: select(&backend),
        code_length: u8::try_from(number(&code_len)).unwrap_or(u8::MAX),
        code_ttl_secs: number(&code_ttl),
        custom_url: input_value(&c_url).trim().to_owned(),
        custom_method: select(&method),
        custom_template: template.get_untracked().map(|t| t.value()).unwrap_or_default(),
        custom_content_type: input_value(&c_ctype).trim().to_owned(),
        custom_success_text: input_value(&c_success),
        twilio_sid: input_value(&t_sid).trim().to_owned(),
        twilio_from: input_value(&t_from).trim().to_owned(),
        twilio_base_url: input_value(&t_base).trim().to_owned(),
    };
    let read_secrets = move || {
        let mut changes = SecretChanges::new();
        secret_refs.with_value(|refs| {
            for (name, value, clear) in refs {
                let v = input_value(value);
                if !v.is_empty() {
                    changes.insert((*name).to_owned(), v);
                } else if checked(clear) {
                    changes.insert((*name).to_owned(), String::new());
                }
            }
        });
        let h = headers.get_untracked().map(|t| t.value()).unwrap_or_default();
        if !h.trim().is_empty() {
            changes.insert(SmsSettings::CUSTOM_HEADERS.to_owned(), h);
        } else if checked(&headers_clear) {
            changes.insert(SmsSettings::CUSTOM_HEADERS.to_owned(), String::new());
        }
        changes
    };

    let error = move || save.value().get().and_then(|r| r.err());
    let field =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveNotificationSettings {
            mail: read_mail(),
            sms: read_sms(),
            secrets: read_secrets(),
        });
    };
    let test_mail = ServerAction::<TestEmail>::new();
    let test_sms = ServerAction::<TestSms>::new();
    let on_test_mail = move |_| {
        test_mail.dispatch(TestEmail {
            mail: read_mail(),
            secrets: read_secrets(),
            to: input_value(&mail_test_to),
        });
    };
    // Each provider has its own test, whichever is chosen above.
    let on_test_sms = move |backend: &'static str| {
        let mut sms = read_sms();
        sms.backend = backend.to_owned();
        test_sms.dispatch(TestSms {
            sms,
            secrets: read_secrets(),
            phone: input_value(&sms_test_to),
        });
    };
    let test_result = |r: Option<Result<String, AppError>>, field: &'static str| {
        match r {
        // The answer is the server's own message (its English, when it has Chinese, is translated).
        Some(Ok(msg)) => Some(view! { <Banner kind="success">{localize(&msg).into_owned()}</Banner> }.into_any()),
        Some(Err(e)) => Some(view! { <Banner kind="error">{e.field(field).unwrap_or_else(|| e.to_string())}</Banner> }.into_any()),
        None => None,
    }
    };
    let sec = mail.security();
    let headers_set = is_set(SmsSettings::CUSTOM_HEADERS);
    let secret_field = move |name: &'static str, label: &'static str, set: bool| {
        let (value, clear) = refs_of(name).unwrap_or_default();
        view! { <SecretField name label is_set=set node_ref=value clear_ref=clear error=field(name) /> }
    };
    let robots = ImSettings::SECRETS
        .iter()
        .map(|name| {
            let label = match *name {
                "DINGTALK_WEBHOOK_URL" => n_("DingTalk robot webhook URL"),
                "WECOM_WEBHOOK_URL" => n_("WeCom robot webhook URL"),
                "FEISHU_WEBHOOK_URL" => n_("Feishu robot webhook URL"),
                "LARK_WEBHOOK_URL" => n_("Lark robot webhook URL"),
                _ => n_("Slack incoming webhook URL"),
            };
            secret_field(name, t(label), is_set(name))
        })
        .collect_view();
    let backend_now = sms.backend.clone();
    let method_now = sms.custom_method.clone();

    view! {
        {move || match save.value().get() {
            Some(Ok(_)) => Some(view! { <Banner kind="success">{t("Saved.")}</Banner> }.into_any()),
            Some(Err(e)) => Some(view! { <Banner kind="error">{
                if matches!(e, AppError::Invalid { .. }) { t("Some settings need fixing; see the messages beside them.").to_owned() } else { e.to_string() }
            }</Banner> }.into_any()),
            None => None,
        }}
        <form class="card form-grid" on:submit=on_submit novalidate>
            <h2 class="form-section">{t("Mail server (SMTP)")}</h2>
            <TextField id="set-email-host" label=t("Server") name="EMAIL_HOST" node_ref=host value=mail.host.clone()
                placeholder="smtp.example.com" error=field("EMAIL_HOST") />
            <TextField id="set-email-port" label=t("Port") name="EMAIL_PORT" node_ref=port kind="number" value=mail.port.to_string()
                help=t("Usually 587 with STARTTLS, 465 with TLS, 25 without.") error=field("EMAIL_PORT") />
            <div class="field">
                <label for="set-email-security">{t("Connection security")}</label>
                <select id="set-email-security" node_ref=security>
                    <option value="none" selected=sec == super::notify::MailSecurity::None>{t("None (only on a trusted network)")}</option>
                    <option value="starttls" selected=sec == super::notify::MailSecurity::StartTls>"STARTTLS"</option>
                    <option value="tls" selected=sec == super::notify::MailSecurity::Tls>"TLS"</option>
                </select>
                <p class="field-error" role="alert">{move || field("EMAIL_USE_TLS").get()}</p>
            </div>
            <TextField id="set-email-user" label=t("Username") name="EMAIL_HOST_USER" node_ref=user value=mail.username.clone()
                autocomplete="off" help=t("Leave blank when the server needs no sign-in.") error=field("EMAIL_HOST_USER") />
            {secret_field(MailSettings::PASSWORD, t("Password"), is_set(MailSettings::PASSWORD))}
            <TextField id="set-email-from" label=t("From address") name="EMAIL_FROM" node_ref=from kind="email" value=mail.from.clone()
                placeholder=FROM_EXAMPLE error=field("EMAIL_FROM") />
            <TextField id="set-email-prefix" label=t("Subject prefix") name="EMAIL_SUBJECT_PREFIX" node_ref=prefix value=mail.subject_prefix.clone()
                error=field("EMAIL_SUBJECT_PREFIX") />
            <div class="field">
                <label class="inline-check"><input type="checkbox" id="set-mfa-email" node_ref=mfa_email checked=mail.mfa_by_email />
                    " "{t("Offer codes by email as a second factor")}</label>
                <p class="help warning-text">{t("Off by default: NIST SP 800-63B does not accept email as an authenticator and OWASP ASVS 2.7 discourages it. A mailbox is often reachable with the same password. When on, every user with an email address gets it as a method and cannot turn it off.")}</p>
                <p class="field-error" role="alert">{move || field("SECURITY_MFA_BY_EMAIL").get()}</p>
            </div>
            <div class="test-row">
                <TextField id="set-email-test-to" label=t("Send a test email to") name="test_to" kind="email" node_ref=mail_test_to
                    error=Signal::derive(move || test_mail.value().get().and_then(|r| r.err()).and_then(|e| e.field("test_to"))) />
                <button type="button" class="btn" disabled=move || test_mail.pending().get() on:click=on_test_mail>
                    {move || if test_mail.pending().get() { t("Sending…") } else { t("Send test email") }}
                </button>
            </div>
            <div data-testid="email-test-result">{move || test_result(test_mail.value().get(), "test_to")}</div>

            <h2 class="form-section">{t("Codes by email and SMS")}</h2>
            <TextField id="set-code-length" label=t("Digits in a code") name="SMS_CODE_LENGTH" node_ref=code_len kind="number"
                value=sms.code_length.to_string() help=t("4-16; 6 by default.") error=field("SMS_CODE_LENGTH") />
            <TextField id="set-code-ttl" label=t("A code is valid for (seconds)") name="VERIFY_CODE_TTL" node_ref=code_ttl kind="number"
                value=sms.code_ttl_secs.to_string() help=t("60-3600; 300 by default. A new code can be asked for after 60 s; 5 wrong tries end a code.") error=field("VERIFY_CODE_TTL") />

            <h2 class="form-section">{t("SMS provider")}</h2>
            <div class="field">
                <label class="inline-check"><input type="checkbox" id="set-sms-enabled" node_ref=sms_enabled checked=sms.enabled />
                    " "{t("Offer codes by SMS as a second factor")}</label>
                <p class="help">{t("Users then confirm a phone number on their profile before it is used.")}</p>
                <p class="field-error" role="alert">{move || field("SMS_ENABLED").get()}</p>
            </div>
            <div class="field">
                <label for="set-sms-backend">{t("Provider")}</label>
                <select id="set-sms-backend" node_ref=backend>
                    <option value="custom" selected=backend_now == "custom">{t("HTTP gateway (custom)")}</option>
                    <option value="twilio" selected=backend_now == "twilio">{TWILIO}</option>
                </select>
                <p class="field-error" role="alert">{move || field("SMS_BACKEND").get()}</p>
            </div>
            <TextField id="set-sms-url" label=t("Gateway URL") name="CUSTOM_SMS_URL" node_ref=c_url value=sms.custom_url.clone()
                placeholder=GATEWAY_EXAMPLE error=field("CUSTOM_SMS_URL") />
            <div class="field">
                <label for="set-sms-method">{t("Gateway method")}</label>
                <select id="set-sms-method" node_ref=method>
                    <option value="POST" selected=method_now == "POST">{t("POST (template is the body)")}</option>
                    <option value="GET" selected=method_now == "GET">{t("GET (template is the query string)")}</option>
                </select>
            </div>
            <div class="field" class:has-error=move || field("CUSTOM_SMS_API_PARAMS").get().is_some()>
                <label for="set-sms-template">{t("Body template")}</label>
                <textarea id="set-sms-template" node_ref=template rows="3">{sms.custom_template.clone()}</textarea>
                <p class="help">{t("{phone} and {code} are filled in.")}</p>
                <p class="field-error" role="alert">{move || field("CUSTOM_SMS_API_PARAMS").get()}</p>
            </div>
            <TextField id="set-sms-ctype" label=t("Content type") name="CUSTOM_SMS_CONTENT_TYPE" node_ref=c_ctype value=sms.custom_content_type.clone()
                error=field("CUSTOM_SMS_CONTENT_TYPE") />
            <div class="field" class:has-error=move || field(SmsSettings::CUSTOM_HEADERS).get().is_some()>
                <label for="set-sms-headers">{t("Extra headers (write-only)")}</label>
                <textarea id="set-sms-headers" node_ref=headers rows="2" autocomplete="off"
                    placeholder=if headers_set { t("Stored. Leave blank to keep them.") } else { HEADERS_EXAMPLE }></textarea>
                {headers_set.then(|| view! {
                    <label class="inline-check"><input type="checkbox" node_ref=headers_clear />" "{t("Remove the stored headers")}</label>
                })}
                <p class="help">{t("One Name: value a line; for API keys.")}</p>
                <p class="field-error" role="alert">{move || field(SmsSettings::CUSTOM_HEADERS).get()}</p>
            </div>
            <TextField id="set-sms-success" label=t("Success text") name="CUSTOM_SMS_SUCCESS_TEXT" node_ref=c_success value=sms.custom_success_text.clone()
                help=t("When set, a 2xx reply must also contain this text to count as sent.") error=field("CUSTOM_SMS_SUCCESS_TEXT") />
            <TextField id="set-twilio-sid" label=t("Twilio account SID") name="TWILIO_ACCOUNT_SID" node_ref=t_sid value=sms.twilio_sid.clone()
                error=field("TWILIO_ACCOUNT_SID") />
            {secret_field(SmsSettings::TWILIO_TOKEN, t("Twilio auth token"), is_set(SmsSettings::TWILIO_TOKEN))}
            <TextField id="set-twilio-from" label=t("Twilio from number") name="TWILIO_FROM_NUMBER" node_ref=t_from value=sms.twilio_from.clone()
                placeholder="+15005550006" error=field("TWILIO_FROM_NUMBER") />
            <TextField id="set-twilio-base" label=t("Twilio API base URL") name="TWILIO_BASE_URL" node_ref=t_base value=sms.twilio_base_url.clone()
                help=t("Change only for a service that speaks Twilio's API.") error=field("TWILIO_BASE_URL") />
            <div class="test-row">
                <TextField id="set-sms-test-to" label=t("Send a test SMS to") name="test_phone" kind="tel" node_ref=sms_test_to
                    error=Signal::derive(move || test_sms.value().get().and_then(|r| r.err()).and_then(|e| e.field("test_phone"))) />
                <button type="button" class="btn" disabled=move || test_sms.pending().get() on:click=move |_| on_test_sms("custom")>
                    {t("Send test SMS via the gateway")}
                </button>
                <button type="button" class="btn" disabled=move || test_sms.pending().get() on:click=move |_| on_test_sms("twilio")>
                    {t("Send test SMS via Twilio")}
                </button>
            </div>
            <div data-testid="sms-test-result">{move || test_result(test_sms.value().get(), "test_phone")}</div>

            <h2 class="form-section">{t("Chat robots")}</h2>
            <p class="help">{t("Users who choose a robot get their notices posted to its group with their username. Webhook URLs are credentials: write-only.")}</p>
            {robots}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t("Saving…") } else { t("Save") }}
                </button>
            </div>
        </form>
    }
}
