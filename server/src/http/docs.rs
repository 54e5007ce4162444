//! The API's documentation: an OpenAPI 3 document generated from the
//! handlers' annotations (`/api/docs/openapi.json`), and a page that renders
//! it on the server (`/api/docs/`), with no script and nothing fetched
//! from elsewhere.

use super::AppState;
use crate::{
    access_keys, audit, auth, connect, face, notify, password, preferences, profile, settings,
    ssh_keys, users,
};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bastion Profile API",
        description = "JumpServer v4-compatible paths for the personal profile: sign-in, MFA (with email and SMS codes), confirmation, profile, password, SSH keys, access keys, assets, asset permissions and connection tokens (and their redemption by components), notifications and the inbox, users, settings and the authentication log. Paths answer with and without the trailing slash. Errors follow Django REST framework: `{\"detail\": ...}` or `{\"field\": [\"message\"]}`."
    ),
    paths(
        auth::rest::sign_in, auth::rest::challenge, auth::rest::verify,
        auth::rest::confirm_options, auth::rest::confirm, auth::rest::send_code,
        face::rest::start, face::rest::frame,
        auth::own_sessions::list, auth::own_sessions::end_one, auth::own_sessions::end_others,
        profile::api::read, profile::api::update, password::rest::change,
        ssh_keys::rest::list, ssh_keys::rest::create, ssh_keys::rest::read, ssh_keys::rest::edit, ssh_keys::rest::remove,
        access_keys::rest::list, access_keys::rest::create, access_keys::rest::read, access_keys::rest::edit, access_keys::rest::remove,
        users::api::list, users::api::create, users::api::read, users::api::edit, users::api::unblock, users::api::reset_mfa,
        audit::list,
        settings::rest::read, settings::rest::write,
        preferences::rest::read, preferences::rest::write, preferences::rest::reset,
        notify::rest::backends, notify::rest::read_subscription, notify::rest::write_subscription,
        notify::rest::list, notify::rest::unread_total, notify::rest::mark_as_read, notify::rest::mark_all_read,
        notify::rest::read_one, notify::rest::remove,
        connect::rest::my_assets, connect::rest::my_asset,
        connect::rest::list_tokens, connect::rest::create_token, connect::rest::read_token,
        connect::rest::expire_token, connect::rest::reuse_token, connect::rest::client_url, connect::rest::rdp_file,
        connect::admin_rest::list_assets, connect::admin_rest::create_asset, connect::admin_rest::read_asset,
        connect::admin_rest::replace_asset, connect::admin_rest::change_asset, connect::admin_rest::delete_asset,
        connect::admin_rest::list_accounts, connect::admin_rest::create_account, connect::admin_rest::read_account,
        connect::admin_rest::replace_account, connect::admin_rest::change_account, connect::admin_rest::delete_account,
        connect::admin_rest::list_permissions, connect::admin_rest::create_permission, connect::admin_rest::read_permission,
        connect::admin_rest::replace_permission, connect::admin_rest::change_permission, connect::admin_rest::delete_permission,
        connect::component_rest::secret, connect::component_rest::check, connect::component_rest::renewal,
    ),
    modifiers(&Schemes),
    security(("session" = []), ("bearer" = []), ("signature" = [])),
)]
pub struct ApiDoc;

struct Schemes;

impl Modify for Schemes {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::cookie_name(false),
                "The browser session cookie (`__Host-` prefixed under https). Unsafe methods must come from this site (Origin / Sec-Fetch-Site).",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`Authorization: Bearer <token>` from `POST /api/v1/authentication/auth/`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "An access key: `Signature keyId=\"<id>\",algorithm=\"hmac-sha256\",headers=\"(request-target) accept date\",signature=\"<base64>\"`. The signing string is each listed header as `name: value` on its own line, `(request-target)` being `<lowercase method> <path?query>`; `(request-target)` and `date` must be listed; `Date` may be at most 300 s off; a listed `digest` (`SHA-256=<base64>`) must match the body.",
            ))),
        );
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/docs/openapi.json", get(openapi_json))
        .route("/api/docs/", get(page))
        .route("/api/docs", get(page))
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn page() -> Response {
    match serde_json::to_value(ApiDoc::openapi()) {
        Ok(doc) => Html(render(&doc)).into_response(),
        Err(e) => crate::http::error::ApiError::from(crate::error::internal(e)).into_response(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Inline `code` spans of the descriptions, after escaping.
fn text(s: &str) -> String {
    let escaped = esc(s);
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A schema as a short type name, linking to its definition.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(one) = schema.get("oneOf").or_else(|| schema.get("allOf")).and_then(Value::as_array)
    {
        let parts: Vec<String> = one.iter().map(type_of).filter(|t| t != "null").collect();
        return parts.join(" | ");
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .filter(|k| *k != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        Some(Value::String(k)) => k.clone(),
        _ => "any".into(),
    };
    match kind.as_str() {
        "array" => format!("{}[]", schema.get("items").map_or("any".into(), type_of)),
        _ => {
            let format = schema.get("format").and_then(Value::as_str);
            let values = schema
                .get("enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().map(|x| esc(&x.to_string())).collect::<Vec<_>>().join(", "));
            match (format, values) {
                (_, Some(values)) => format!("{} ({values})", esc(&kind)),
                (Some(f), None) => format!("{} ({})", esc(&kind), esc(f)),
                (None, None) => esc(&kind),
            }
        }
    }
}

fn body_types(content: Option<&Value>) -> String {
    content
        .and_then(Value::as_object)
        .map(|c| {
            c.iter()
                .map(|(mime, v)| {
                    format!(
                        "{} <code>{}</code>",
                        v.get("schema").map_or("".into(), type_of),
                        esc(mime)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

fn render(doc: &Value) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\"><title>API documentation - Bastion Profile</title>\
         <link rel=\"stylesheet\" href=\"/pkg/bastion-profile.css\"></head><body><main class=\"docs page\" id=\"main\">",
    );
    let info = &doc["info"];
    html.push_str(&format!(
        "<h1>{}</h1><p class=\"muted\">Version {} · <a href=\"/api/docs/openapi.json\">OpenAPI 3 document</a> · <a href=\"/profile\">Back to your profile</a></p><p>{}</p>",
        esc(info["title"].as_str().unwrap_or("API")),
        esc(info["version"].as_str().unwrap_or("")),
        text(info["description"].as_str().unwrap_or("")),
    ));
    html.push_str("<section class=\"card\"><h2>Authentication</h2><dl class=\"docs-schemes\">");
    if let Some(schemes) = doc["components"]["securitySchemes"].as_object() {
        for (name, scheme) in schemes {
            html.push_str(&format!(
                "<dt id=\"auth-{0}\"><code>{0}</code></dt><dd>{1}</dd>",
                esc(name),
                text(scheme["description"].as_str().unwrap_or(""))
            ));
        }
    }
    html.push_str("</dl></section>");
    let global: Vec<String> = doc["security"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_object()).flat_map(|o| o.keys().cloned()).collect())
        .unwrap_or_default();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else { continue };
            for (method, op) in ops {
                let anchor = format!("{method}-{path}").replace(['/', '{', '}'], "-");
                html.push_str(&format!(
                    "<section class=\"card docs-op\" id=\"{}\"><h2><span class=\"method method-{m}\">{M}</span> <code>{}</code></h2>",
                    esc(&anchor),
                    esc(path),
                    m = esc(method),
                    M = esc(&method.to_uppercase()),
                ));
                if let Some(d) = op["description"].as_str().or_else(|| op["summary"].as_str()) {
                    html.push_str(&format!("<p>{}</p>", text(d)));
                }
                let security: Vec<String> = match op.get("security").and_then(Value::as_array) {
                    Some(list) => list
                        .iter()
                        .filter_map(|s| s.as_object())
                        .flat_map(|o| o.keys().cloned())
                        .collect(),
                    None => global.clone(),
                };
                let auth = if security.is_empty() {
                    "none".to_owned()
                } else {
                    security
                        .iter()
                        .map(|s| format!("<a href=\"#auth-{0}\">{0}</a>", esc(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                html.push_str(&format!("<p class=\"small\"><strong>Auth:</strong> {auth}</p>"));
                if let Some(params) = op["parameters"].as_array() {
                    html.push_str("<table class=\"table\"><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>");
                    for p in params {
                        html.push_str(&format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(p["name"].as_str().unwrap_or("")),
                            esc(p["in"].as_str().unwrap_or("")),
                            p.get("schema").map_or("".into(), type_of),
                            text(p["description"].as_str().unwrap_or("")),
                        ));
                    }
                    html.push_str("</tbody></table>");
                }
                if let Some(body) = op.get("requestBody") {
                    html.push_str(&format!(
                        "<p><strong>Request body:</strong> {}</p>",
                        body_types(body.get("content"))
                    ));
                }
                if let Some(responses) = op["responses"].as_object() {
                    html.push_str("<table class=\"table\"><thead><tr><th>Status</th><th>Body</th><th>Meaning</th></tr></thead><tbody>");
                    for (status, r) in responses {
                        html.push_str(&format!(
                            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(status),
                            body_types(r.get("content")),
                            text(r["description"].as_str().unwrap_or("")),
                        ));
                    }
                    html.push_str("</tbody></table>");
                }
                html.push_str("</section>");
            }
        }
    }
    html.push_str("<section class=\"card\"><h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            html.push_str(&format!("<h3 id=\"schema-{0}\">{0}</h3>", esc(name)));
            if let Some(d) = schema["description"].as_str() {
                html.push_str(&format!("<p>{}</p>", text(d)));
            }
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut props: Vec<(String, Value)> = Vec::new();
            let mut collect = |s: &Value| {
                if let Some(p) = s["properties"].as_object() {
                    props.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            };
            collect(schema);
            for part in schema["allOf"].as_array().into_iter().flatten() {
                collect(part);
            }
            if props.is_empty() {
                html.push_str(&format!("<p>{}</p>", type_of(schema)));
                continue;
            }
            html.push_str("<table class=\"table\"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>");
            for (field, v) in props {
                html.push_str(&format!(
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&field),
                    type_of(&v),
                    if required.contains(&field.as_str()) { "yes" } else { "" },
                    text(v["description"].as_str().unwrap_or("")),
                ));
            }
            html.push_str("</tbody></table>");
        }
    }
    html.push_str("</section></main></body></html>");
    html
}
