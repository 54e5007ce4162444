//! Changing the password: on the profile, and as the only page a sign-in
//! with an expired password may see.

use super::api::{get_password_rules, ChangePassword};
use super::model::{PasswordChange, PasswordRules, RuleCheck};
use super::strength::Strength;
use crate::common::AppError;
use crate::i18n::{localize, t, tf};
use crate::ui::{hard_navigate, input_value, Banner, TextField};
use leptos::html;
use leptos::prelude::*;

/// `/profile/password`, inside the signed-in frame.
#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Change password")}</h1>
                <p class="muted">{t("Your other sessions are signed out when the password changes.")}</p>
            </header>
            <section class="card" aria-label=t("New password")>
                <PasswordPanel expired=false />
            </section>
        </div>
    }
}

/// `/password/expired`: the password is past its lifetime; nothing else
/// works until it changes.
#[component]
pub fn ExpiredPasswordPage() -> impl IntoView {
    view! {
        <main class="auth-page">
            <section class="auth-card auth-card-wide" aria-labelledby="expired-title">
                <h1 id="expired-title">{t("Your password has expired")}</h1>
                <p class="muted">{t("Choose a new one to continue.")}</p>
                <PasswordPanel expired=true />
                <p class="muted"><a href="/login">{t("Sign in as someone else")}</a></p>
            </section>
        </main>
    }
}

#[component]
fn PasswordPanel(expired: bool) -> impl IntoView {
    let rules = Resource::new(|| (), |_| get_password_rules());
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading the password rules…")}</p> }>
            {move || Suspend::new(async move {
                match rules.await {
                    Ok(r) => view! { <PasswordForm rules=r expired /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! {
                        <Banner kind="error">{t("Your session has ended.")}" "<a href="/login">{t("Sign in again")}</a></Banner>
                    }.into_any(),
                    Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PasswordForm(rules: PasswordRules, expired: bool) -> impl IntoView {
    let rules = StoredValue::new(rules);
    let old = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let again = NodeRef::<html::Input>::new();
    let typed = RwSignal::new(String::new());
    let assessed = RwSignal::new(None::<(Vec<RuleCheck>, Strength)>);
    // zxcvbn and its dictionaries are a large part of the wasm: they load
    // with the first check, on this page only. Checks can finish out of
    // order, so only the one for what is in the field now is shown.
    let assess = move |password: String| {
        let rules = rules.get_value();
        leptos::task::spawn_local(async move {
            let result = check_in_browser(rules, password.clone()).await;
            if typed.get_untracked() == password {
                assessed.set(Some(result));
            }
        });
    };
    Effect::new(move |_| assess(String::new()));
    let action = ServerAction::<ChangePassword>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = move || local_error.get().or_else(|| action.value().get().and_then(|r| r.err()));
    let field = move |f: &'static str| Signal::derive(move || error().and_then(|e| e.field(f)));
    let done = move || matches!(action.value().get(), Some(Ok(()))) && local_error.get().is_none();
    Effect::new(move |_| {
        if done() {
            if expired {
                hard_navigate("/profile");
            } else {
                for node in [old, new, again] {
                    if let Some(el) = node.get_untracked() {
                        el.set_value("");
                    }
                }
                typed.set(String::new());
                assess(String::new());
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = PasswordChange {
            old_password: input_value(&old),
            new_password: input_value(&new),
            new_password_again: input_value(&again),
        };
        let rules = rules.get_value();
        leptos::task::spawn_local(async move {
            match validate_in_browser(rules, change.clone()).await {
                Err(e) => local_error.set(Some(e)),
                Ok(()) => {
                    local_error.set(None);
                    action.dispatch(ChangePassword { change });
                }
            }
        });
    };
    let history = rules.with_value(|r| r.history);
    view! {
        {move || done().then(|| view! {
            <Banner kind="success">{t("Password changed. Your other sessions were signed out.")}</Banner>
        })}
        {move || error().filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
        <form on:submit=on_submit novalidate class="form-grid password-form">
            <TextField id="pw-old" label=t("Current password") name="old_password" kind="password" node_ref=old
                autocomplete="current-password" error=field("old_password") required=true autofocus=true />
            <div class="field" class:has-error=move || field("new_password").get().is_some()>
                <label for="pw-new">{t("New password")}</label>
                <input id="pw-new" name="new_password" type="password" autocomplete="new-password" required
                    node_ref=new
                    aria-describedby="pw-new-meter pw-new-rules pw-new-error"
                    aria-invalid=move || field("new_password").get().is_some().then_some("true")
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        typed.set(value.clone());
                        assess(value);
                    } />
                <StrengthMeter assessed=Signal::derive(move || assessed.get().map(|a| a.1)) typed />
                <RuleList checks=Signal::derive(move || assessed.get().map(|a| a.0).unwrap_or_default()) typed />
                {(history > 0).then(|| view! {
                    <p class="help">{tf("Your last {history} passwords cannot be used again.", &[("history", history.to_string())])}</p>
                })}
                <p class="field-error" id="pw-new-error" role="alert">{move || field("new_password").get()}</p>
            </div>
            <TextField id="pw-again" label=t("New password again") name="new_password_again" kind="password" node_ref=again
                autocomplete="new-password" error=field("new_password_again") required=true />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { t("Changing…") } else { t("Change password") }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn StrengthMeter(assessed: Signal<Option<Strength>>, typed: RwSignal<String>) -> impl IntoView {
    let empty = move || typed.with(String::is_empty);
    let score = move || assessed.get().map_or(0, |s| s.score);
    view! {
        <div class="strength" id="pw-new-meter" data-testid="strength" aria-live="polite"
            data-score=move || assessed.get().map(|s| s.score.to_string())>
            <meter min="0" max="4" low="2" high="3" optimum="4"
                value=move || if empty() { 0 } else { score() + 1 }.to_string()
                aria-label=t("Password strength")></meter>
            <span class="strength-label">
                {move || match (empty(), assessed.get()) {
                    (true, _) => t("Strength: not entered").to_owned(),
                    (false, None) => t("Strength: checking…").to_owned(),
                    (false, Some(s)) => tf("Strength: {label}", &[("label", t(s.label()))]),
                }}
            </span>
            {move || (!empty()).then(|| assessed.get()).flatten().and_then(|s| {
                s.warning.or_else(|| s.suggestions.first().cloned())
                    .map(|w| view! { <span class="strength-hint">{localize(&w).into_owned()}</span> })
            })}
        </div>
    }
}

#[component]
fn RuleList(checks: Signal<Vec<RuleCheck>>, typed: RwSignal<String>) -> impl IntoView {
    view! {
        <ul class="rules" id="pw-new-rules" data-testid="password-rules">
            {move || {
                let started = !typed.with(String::is_empty);
                checks.get().into_iter().map(|c| {
                    let state = if !started { "pending" } else if c.met { "met" } else { "unmet" };
                    let mark = match state { "met" => "✓", "unmet" => "✗", _ => "•" };
                    view! {
                        <li class=format!("rule rule-{state}") data-rule=c.rule.clone() data-state=state>
                            <span aria-hidden="true">{mark}</span>
                            " "{localize(&c.label).into_owned()}
                            <span class="sr-only">{match state { "met" => t(" (met)"), "unmet" => t(" (not met)"), _ => "" }}</span>
                        </li>
                    }
                }).collect_view()
            }}
        </ul>
    }
}

/// The policy check, loaded on first use: it holds zxcvbn. The server runs
/// the same `PasswordRules::check` and has the last word.
#[lazy]
fn check_in_browser(rules: PasswordRules, password: String) -> (Vec<RuleCheck>, Strength) {
    rules.check(&password)
}

/// The checks a browser makes before sending, from the same lazily loaded code.
#[lazy]
fn validate_in_browser(rules: PasswordRules, change: PasswordChange) -> Result<(), AppError> {
    rules.validate(&change)
}
