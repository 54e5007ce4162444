//! "Sessions": every browser and API token signed in as you, with a way to
//! end each one, or all but this one.

use super::api::{list_sessions, EndOtherSessions, EndSession};
use super::model::{SessionInfo, SessionKind};
use crate::common::Timestamp;
use crate::i18n::{t, tf};
use crate::ui::{Banner, ConfirmDialog};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| list_sessions(),
    );
    let ending = RwSignal::new(None::<Uuid>);
    let ending_all = RwSignal::new(false);
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Sessions")}</h1>
                <p class="muted">{t("Every browser and API token signed in as you. End any you do not recognise, then change your password.")}</p>
            </header>
            <section class="card" aria-labelledby="sessions-title">
                <div class="card-header">
                    <h2 id="sessions-title">{t("Signed in")}</h2>
                    <button type="button" class="btn btn-danger" on:click=move |_| ending_all.set(true)
                        disabled=move || end_others.pending().get()>{t("Sign out everywhere else")}</button>
                </div>
                {move || match end_others.value().get() {
                    Some(Ok(n)) => Some(view! { <Banner kind="success">{tf(if n == 1 { "Ended {n} other session." } else { "Ended {n} other sessions." }, &[("n", n.to_string())])}</Banner> }.into_any()),
                    Some(Err(e)) => Some(view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any()),
                    None => None,
                }}
                {move || end_one.value().get().and_then(|r| r.err()).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
                <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                    {move || Suspend::new(async move {
                        match sessions.await {
                            Ok(list) => view! {
                                // Focusable, so the keyboard can scroll a wide table.
                                <div class="table-wrap" tabindex="0" role="region" aria-label=t("Your sessions")>
                                    <table class="table" data-testid="sessions">
                                        <thead><tr>
                                            <th scope="col">{t("Kind")}</th><th scope="col">{t("From")}</th><th scope="col">{t("Browser or client")}</th>
                                            <th scope="col">{t("Signed in")}</th><th scope="col">{t("Last active")}</th><th scope="col">{t("Ends")}</th>
                                            <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|s| view! { <Row s ending /> }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any(),
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <Show when=move || ending.get().is_some()>
                <ConfirmDialog title=t("End this session?") confirm_label=t("End session")
                    on_confirm=Callback::new(move |()| {
                        if let Some(id) = ending.get_untracked() {
                            end_one.dispatch(EndSession { id });
                        }
                        ending.set(None);
                    })
                    on_cancel=Callback::new(move |()| ending.set(None))>
                    <p>{t("That browser or script is signed out at once.")}</p>
                </ConfirmDialog>
            </Show>
            <Show when=move || ending_all.get()>
                <ConfirmDialog title=t("Sign out everywhere else?") confirm_label=t("Sign out everywhere else")
                    on_confirm=Callback::new(move |()| { ending_all.set(false); end_others.dispatch(EndOtherSessions {}); })
                    on_cancel=Callback::new(move |()| ending_all.set(false))>
                    <p>{t("Every other browser and every API token of yours stops working; this browser stays signed in.")}</p>
                </ConfirmDialog>
            </Show>
        </div>
    }
}

#[component]
fn Row(s: SessionInfo, ending: RwSignal<Option<Uuid>>) -> impl IntoView {
    let id = s.id;
    let kind = match s.kind {
        SessionKind::Browser => t("Browser"),
        SessionKind::ApiToken => t("API token"),
    };
    let agent = s.user_agent.clone().unwrap_or_else(|| "—".into());
    view! {
        <tr data-testid="session" class:current=s.is_current>
            <td>{kind}{s.is_current.then(|| view! { " " <span class="badge-inline">{t("This browser")}</span> })}</td>
            <td>{s.ip.clone().unwrap_or_else(|| "—".into())}</td>
            <td class="truncate" translate="no" title=agent.clone()>{agent.clone()}</td>
            <td>{s.date_created.display_short()}</td>
            <td>{Timestamp::display_short_or(s.last_active, "—")}</td>
            <td>{s.date_expired.display_short()}</td>
            <td class="row-actions">
                {(!s.is_current).then(|| view! {
                    <button type="button" class="btn btn-small" aria-label=tf("End session {kind} from {ip}", &[("kind", kind.to_owned()), ("ip", s.ip.clone().unwrap_or_default())])
                        on:click=move |_| ending.set(Some(id))>{t("End")}</button>
                })}
            </td>
        </tr>
    }
}
