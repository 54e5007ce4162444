//! The preferences page: General (the web UI, the file password) and Web
//! Terminal (the web terminal and SSH terminals), one form per section with
//! its own "Save" and "Reset to defaults".

use super::api::{get_preferences, ExportMyData, ResetPreferences, SavePreferences};
use super::model::{self as prefs, Category, Def, Kind, SECRET_KEY};
use crate::common::{AppError, FieldErrors};
use crate::i18n::{localize, n_, t, tf, Lang};
use crate::ui::{input_value, Banner, ConfirmDialog, TextField};
use leptos::html;
use leptos::prelude::*;
use serde_json::{Map, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    General,
    Terminal,
}

#[component]
pub fn PreferencesPage() -> impl IntoView {
    let tab = RwSignal::new(Tab::General);
    let tab_button = move |t: Tab, id: &'static str, label: &'static str| {
        view! {
            <button type="button" role="tab" id=id class="tab" aria-selected=move || (tab.get() == t).to_string()
                aria-controls="prefs-panel" tabindex=move || if tab.get() == t { "0" } else { "-1" }
                on:click=move |_| tab.set(t)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let key = ev.key();
                    if key == "ArrowLeft" || key == "ArrowRight" {
                        tab.update(|t| *t = if *t == Tab::General { Tab::Terminal } else { Tab::General });
                    }
                }>
                {label}
            </button>
        }
    };
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Preferences")}</h1>
                <p class="muted">{t("How pages and terminals behave for you.")}</p>
            </header>
            <div class="tabs" role="tablist" aria-label=t("Preference groups")>
                {tab_button(Tab::General, "tab-general", t("General"))}
                {tab_button(Tab::Terminal, "tab-terminal", t("Web Terminal"))}
            </div>
            <div id="prefs-panel" role="tabpanel" aria-labelledby=move || if tab.get() == Tab::General { "tab-general" } else { "tab-terminal" }>
                <Show when=move || tab.get() == Tab::General>
                    <CategoryView category=Category::Lina />
                </Show>
                <Show when=move || tab.get() == Tab::Terminal>
                    <CategoryView category=Category::Luna />
                    <CategoryView category=Category::Koko />
                </Show>
            </div>
        </div>
    }
}

/// The English title of a section (translated where it is shown).
fn section_title(category: Category, group: &str) -> &'static str {
    match (category, group) {
        (Category::Lina, "basic") => n_("Basic"),
        (Category::Lina, "file") => n_("File encryption"),
        (Category::Luna, "basic") => n_("Web terminal"),
        (Category::Luna, "graphics") => n_("Graphical sessions (RDP, VNC)"),
        (Category::Luna, "command_line") => n_("Command line"),
        (Category::Koko, _) => n_("SSH terminal"),
        _ => n_("Other"),
    }
}

#[component]
fn CategoryView(category: Category) -> impl IntoView {
    let current = Resource::new(|| (), move |_| get_preferences(category));
    view! {
        <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(values) => prefs::groups(category).into_iter().map(|group| {
                        let shown = values.get(group).cloned().unwrap_or(Value::Null);
                        if category == Category::Lina && group == "file" {
                            view! { <FileSection values=shown /> }.into_any()
                        } else {
                            view! { <Section category group values=shown /> }.into_any()
                        }
                    }).collect_view().into_any(),
                    Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The value a field holds now, as the model's JSON.
#[derive(Clone, Copy)]
struct Field {
    def: &'static Def,
    value: RwSignal<Value>,
}

#[component]
fn Section(category: Category, group: &'static str, values: Value) -> impl IntoView {
    let fields: Vec<Field> = prefs::defs(category)
        .filter(|d| d.group == group)
        .map(|def| Field {
            def,
            value: RwSignal::new(
                values.get(def.name).cloned().unwrap_or_else(|| def.default.value()),
            ),
        })
        .collect();
    let fields = StoredValue::new(fields);
    let save = ServerAction::<SavePreferences>::new();
    let reset = ServerAction::<ResetPreferences>::new();
    let local_errors = RwSignal::new(FieldErrors::new());
    let confirming = RwSignal::new(false);
    // The language the form was loaded with (only the General/basic section has one).
    let loaded_lang = values.get("lang").and_then(Value::as_str).and_then(Lang::parse);
    // What the server says after a save or a reset becomes what is shown.
    let apply = move |answer: &Value| {
        if category == Category::Lina {
            if let Some(theme) = answer["basic"]["theme"].as_str() {
                crate::theme::apply(theme);
            }
        }
        fields.with_value(|fs| {
            for f in fs {
                if let Some(v) = answer.get(group).and_then(|g| g.get(f.def.name)) {
                    f.value.set(v.clone());
                }
            }
        });
        // A language other than the one loaded (saved, or back to the default)
        // renders the page again in it.
        if category == Category::Lina && group == "basic" {
            if let Some(saved) = answer["basic"]["lang"].as_str().and_then(Lang::parse) {
                if Some(saved) != loaded_lang {
                    crate::i18n::switch_to(saved);
                }
            }
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(answer)) = save.value().get() {
            apply(&answer);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(answer)) = reset.value().get() {
            apply(&answer);
        }
    });
    let error_for = move |name: &'static str| {
        Signal::derive(move || {
            local_errors
                .with(|e| e.get(name).map(|m| localize(m).into_owned()))
                .or_else(|| save.value().get().and_then(|r| r.err()).and_then(|e| e.field(name)))
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        let mut inner = Map::new();
        fields.with_value(|fs| {
            for f in fs {
                match f.def.check(&f.value.get_untracked()) {
                    Ok(v) => {
                        inner.insert(f.def.name.to_owned(), v);
                    }
                    Err(e) => {
                        errors.insert(f.def.name.to_owned(), e);
                    }
                }
            }
        });
        let ok = errors.is_empty();
        local_errors.set(errors);
        if ok {
            let mut update = Map::new();
            update.insert(group.to_owned(), Value::Object(inner));
            save.dispatch(SavePreferences { category, update });
        }
    };
    let names: Vec<String> =
        fields.with_value(|fs| fs.iter().map(|f| f.def.name.to_owned()).collect());
    let names = StoredValue::new(names);
    let title = section_title(category, group);
    let heading_id = format!("prefs-{}-{group}", category.as_str());
    let labelled_by = heading_id.clone();
    let testid = format!("section-{}-{group}", category.as_str());
    view! {
        <section class="card" aria-labelledby=labelled_by data-testid=testid>
            <h2 id=heading_id>{t(title)}</h2>
            <form class="form-grid" on:submit=on_submit novalidate>
                {fields.with_value(|fs| fs.iter().map(|f| view! { <PrefField field=*f error=error_for(f.def.name) /> }).collect_view())}
                {move || match (save.value().get(), reset.value().get()) {
                    (Some(Err(e)), _) if !matches!(e, AppError::Invalid { .. }) => Some(view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any()),
                    (Some(Ok(_)), _) if save.version().get() > reset.version().get() => Some(view! { <Banner kind="success">{t("Saved.")}</Banner> }.into_any()),
                    (_, Some(Ok(_))) => Some(view! { <Banner kind="success">{t("Back to the defaults.")}</Banner> }.into_any()),
                    _ => None,
                }}
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| confirming.set(true)>{t("Reset to defaults")}</button>
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t("Saving…") } else { t("Save") }}
                    </button>
                </div>
            </form>
            <Show when=move || confirming.get()>
                <ConfirmDialog title=tf("Reset “{title}” to the defaults?", &[("title", t(title))]) confirm_label=t("Reset")
                    on_confirm=Callback::new(move |()| {
                        confirming.set(false);
                        local_errors.set(FieldErrors::new());
                        reset.dispatch(ResetPreferences { category, names: names.get_value() });
                    })
                    on_cancel=Callback::new(move |()| confirming.set(false))>
                    <p>{t("Your choices in this section are forgotten.")}</p>
                </ConfirmDialog>
            </Show>
        </section>
    }
}

#[component]
fn PrefField(field: Field, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let def = field.def;
    let id = format!("pref-{}-{}", def.category.as_str(), def.name.replace('_', "-"));
    let help_id = format!("{id}-help");
    let err_id = format!("{id}-error");
    let value = field.value;
    let control = match def.kind {
        Kind::Bool => view! {
            <label class="inline-check" for=id.clone()>
                <input type="checkbox" id=id.clone() aria-describedby=help_id.clone()
                    prop:checked=move || value.get().as_bool().unwrap_or(false)
                    on:change=move |ev| value.set(Value::Bool(event_target_checked(&ev))) />
                " " {t(def.label)}
            </label>
        }.into_any(),
        Kind::Int { min, max } => view! {
            <label for=id.clone()>{t(def.label)}</label>
            <input type="number" id=id.clone() min=min max=max step="1" aria-describedby=help_id.clone()
                aria-invalid=move || error.get().is_some().then_some("true")
                prop:value=move || match value.get() { Value::Number(n) => n.to_string(), Value::String(s) => s, _ => String::new() }
                on:input=move |ev| value.set(Value::String(event_target_value(&ev))) />
        }.into_any(),
        Kind::Choice(choices) => view! {
            <label for=id.clone()>{t(def.label)}</label>
            <select id=id.clone() aria-describedby=help_id.clone()
                on:change=move |ev| value.set(Value::String(event_target_value(&ev)))>
                {choices.iter().map(|(v, label)| {
                    let v = *v;
                    let name = (!crate::i18n::has_translation(label)).then_some("no");
                    view! { <option value=v translate=name selected=move || value.get().as_str() == Some(v)>{t(label)}</option> }
                }).collect_view()}
            </select>
        }.into_any(),
        Kind::Multi(choices) => view! {
            <fieldset class="checks" aria-describedby=help_id.clone()>
                <legend>{t(def.label)}</legend>
                {choices.iter().map(|(v, label)| {
                    let v = *v;
                    let has = move || value.get().as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(v)));
                    view! {
                        <label class="inline-check">
                            <input type="checkbox" value=v prop:checked=has
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    value.update(|cur| {
                                        let mut list: Vec<Value> = cur.as_array().cloned().unwrap_or_default();
                                        list.retain(|x| x.as_str() != Some(v));
                                        if on { list.push(Value::from(v)); }
                                        *cur = Value::Array(list);
                                    });
                                } />
                            " " {t(label)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }.into_any(),
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            {control}
            <p class="help" id=help_id.clone()>{t(def.help)}</p>
            <p class="field-error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// The write-only file encryption password.
#[component]
fn FileSection(values: Value) -> impl IntoView {
    let has_secret =
        RwSignal::new(values.get("has_secret_key").and_then(Value::as_bool).unwrap_or(false));
    let key = NodeRef::<html::Input>::new();
    let again = NodeRef::<html::Input>::new();
    let save = ServerAction::<SavePreferences>::new();
    let remove = ServerAction::<ResetPreferences>::new();
    let confirming = RwSignal::new(false);
    let local = RwSignal::new(FieldErrors::new());
    let export = ServerAction::<ExportMyData>::new();
    let confirm = crate::mfa::confirm::use_confirm();
    Effect::new(move |_| match export.value().get() {
        Some(Ok(archive)) => {
            crate::ui::download_base64("bastion-profile-export.zip", "application/zip", &archive)
        }
        Some(Err(e)) => {
            confirm.intercept(&e, move || {
                export.dispatch(ExportMyData {});
            });
        }
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(answer)) = save.value().get() {
            has_secret.set(answer["file"]["has_secret_key"].as_bool().unwrap_or(false));
            for r in [key, again] {
                if let Some(el) = r.get_untracked() {
                    el.set_value("");
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(answer)) = remove.value().get() {
            has_secret.set(answer["file"]["has_secret_key"].as_bool().unwrap_or(false));
        }
    });
    let error = move |name: &'static str| {
        Signal::derive(move || {
            local
                .with(|e| e.get(name).map(|m| localize(m).into_owned()))
                .or_else(|| save.value().get().and_then(|r| r.err()).and_then(|e| e.field(name)))
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut update = Map::new();
        let mut file = Map::new();
        file.insert(SECRET_KEY.into(), Value::String(input_value(&key)));
        file.insert("secret_key_again".into(), Value::String(input_value(&again)));
        update.insert("file".into(), Value::Object(file));
        match prefs::check_update(Category::Lina, &update) {
            Ok(_) => {
                local.set(FieldErrors::new());
                save.dispatch(SavePreferences { category: Category::Lina, update });
            }
            Err(AppError::Invalid { fields, .. }) => local.set(fields),
            Err(_) => {}
        }
    };
    view! {
        <section class="card" aria-labelledby="prefs-lina-file" data-testid="section-lina-file">
            <h2 id="prefs-lina-file">{t("File encryption")}</h2>
            <p class="muted" data-testid="secret-state">
                {move || if has_secret.get() { t("A file encryption password is set. Exports are encrypted with it.") } else { t("No file encryption password is set yet.") }}
            </p>
            <form class="form-grid" on:submit=on_submit novalidate>
                <TextField id="pref-secret-key" label=t("New file encryption password") name="secret_key" kind="password" node_ref=key
                    autocomplete="new-password" help=t("8 to 1024 characters; a long passphrase is best, as ZIP encryption derives its key quickly. It protects the archives you export; it is stored encrypted and never shown.")
                    error=error("secret_key") />
                <TextField id="pref-secret-key-again" label=t("The same password again") name="secret_key_again" kind="password" node_ref=again
                    autocomplete="new-password" error=error("secret_key_again") />
                {move || save.value().get().and_then(|r| r.ok()).map(|_| view! { <Banner kind="success">{t("The file encryption password is set.")}</Banner> })}
                <div class="form-actions">
                    {move || has_secret.get().then(|| view! {
                        <button type="button" class="btn" on:click=move |_| confirming.set(true)>{t("Remove password")}</button>
                    })}
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t("Set password")}</button>
                </div>
            </form>
            <h3>{t("Export my data")}</h3>
            <p class="muted">{t("A ZIP archive encrypted with AES-256 under the password above: your profile, SSH public keys, access keys (without their secrets), preferences and your sign-in history, as CSV and JSON.")}</p>
            {move || match export.value().get() {
                Some(Ok(_)) => Some(view! { <Banner kind="success">{t("The archive was downloaded. Open it with 7-Zip or another archiver that supports AES, and your file password.")}</Banner> }.into_any()),
                Some(Err(e)) if !matches!(e, AppError::ConfirmRequired { .. }) => {
                    Some(view! { <Banner kind="error">{e.field("secret_key").unwrap_or_else(|| e.to_string())}</Banner> }.into_any())
                }
                _ => None,
            }}
            <div class="form-actions">
                <button type="button" class="btn" data-testid="export" disabled=move || export.pending().get()
                    on:click=move |_| { export.dispatch(ExportMyData {}); }>
                    {move || if export.pending().get() { t("Preparing…") } else { t("Export my data") }}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <ConfirmDialog title=t("Remove the file encryption password?") confirm_label=t("Remove")
                    on_confirm=Callback::new(move |()| {
                        confirming.set(false);
                        remove.dispatch(ResetPreferences { category: Category::Lina, names: vec![SECRET_KEY.to_owned()] });
                    })
                    on_cancel=Callback::new(move |()| confirming.set(false))>
                    <p>{t("Exports are refused until you set a new one.")}</p>
                </ConfirmDialog>
            </Show>
        </section>
    }
}
