//! "Sessions": every browser and API token signed in as you, with a way to
//! end each one, or all but this one.

use super::api::{list_sessions, EndOtherSessions, EndSession};
use super::model::{SessionInfo, SessionKind};
use crate::common::Timestamp;
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
                <h1>"Sessions"</h1>
                <p class="muted">"Every browser and API token signed in as you. End any you do not recognise, then change your password."</p>
            </header>
            <section class="card" aria-labelledby="sessions-title">
                <div class="card-header">
                    <h2 id="sessions-title">"Signed in"</h2>
                    <button type="button" class="btn btn-danger" on:click=move |_| ending_all.set(true)
                        disabled=move || end_others.pending().get()>"Sign out everywhere else"</button>
                </div>
                {move || match end_others.value().get() {
                    Some(Ok(n)) => Some(view! { <Banner kind="success">{format!("Ended {n} other session{}.", if n == 1 { "" } else { "s" })}</Banner> }.into_any()),
                    Some(Err(e)) => Some(view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any()),
                    None => None,
                }}
                {move || end_one.value().get().and_then(|r| r.err()).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match sessions.await {
                            Ok(list) => view! {
                                // Focusable, so the keyboard can scroll a wide table.
                                <div class="table-wrap" tabindex="0" role="region" aria-label="Your sessions">
                                    <table class="table" data-testid="sessions">
                                        <thead><tr>
                                            <th scope="col">"Kind"</th><th scope="col">"From"</th><th scope="col">"Browser or client"</th>
                                            <th scope="col">"Signed in"</th><th scope="col">"Last active"</th><th scope="col">"Ends"</th>
                                            <th scope="col"><span class="sr-only">"Actions"</span></th>
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
                <ConfirmDialog title="End this session?" confirm_label="End session"
                    on_confirm=Callback::new(move |()| {
                        if let Some(id) = ending.get_untracked() {
                            end_one.dispatch(EndSession { id });
                        }
                        ending.set(None);
                    })
                    on_cancel=Callback::new(move |()| ending.set(None))>
                    <p>"That browser or script is signed out at once."</p>
                </ConfirmDialog>
            </Show>
            <Show when=move || ending_all.get()>
                <ConfirmDialog title="Sign out everywhere else?" confirm_label="Sign out everywhere else"
                    on_confirm=Callback::new(move |()| { ending_all.set(false); end_others.dispatch(EndOtherSessions {}); })
                    on_cancel=Callback::new(move |()| ending_all.set(false))>
                    <p>"Every other browser and every API token of yours stops working; this browser stays signed in."</p>
                </ConfirmDialog>
            </Show>
        </div>
    }
}

#[component]
fn Row(s: SessionInfo, ending: RwSignal<Option<Uuid>>) -> impl IntoView {
    let id = s.id;
    let kind = match s.kind {
        SessionKind::Browser => "Browser",
        SessionKind::ApiToken => "API token",
    };
    let agent = s.user_agent.clone().unwrap_or_else(|| "—".into());
    view! {
        <tr data-testid="session" class:current=s.is_current>
            <td>{kind}{s.is_current.then(|| view! { " " <span class="badge-inline">"This browser"</span> })}</td>
            <td>{s.ip.clone().unwrap_or_else(|| "—".into())}</td>
            <td class="truncate" title=agent.clone()>{agent.clone()}</td>
            <td>{s.date_created.display_short()}</td>
            <td>{Timestamp::display_short_or(s.last_active, "—")}</td>
            <td>{s.date_expired.display_short()}</td>
            <td class="row-actions">
                {(!s.is_current).then(|| view! {
                    <button type="button" class="btn btn-small" aria-label=format!("End session {kind} from {}", s.ip.clone().unwrap_or_default())
                        on:click=move |_| ending.set(Some(id))>"End"</button>
                })}
            </td>
        </tr>
    }
}
