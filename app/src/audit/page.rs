//! The administrators' view of every authentication attempt.

use super::api::list_auth_events;
use super::model::AuthEventQuery;
use crate::ui::{input_value, Banner, Pager};
use leptos::html;
use leptos::prelude::*;

const PAGE_SIZE: u64 = 50;

#[component]
pub fn AuthLogPage() -> impl IntoView {
    let search = NodeRef::<html::Input>::new();
    let query = RwSignal::new(AuthEventQuery { limit: PAGE_SIZE, ..Default::default() });
    let events = Resource::new(move || query.get(), list_auth_events);
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(AuthEventQuery { search: input_value(&search), offset: 0, limit: PAGE_SIZE });
    };
    view! {
        <div class="page">
            <header class="page-header">
                <h1>"Sign-in log"</h1>
                <p class="muted">"Every authentication attempt: password, second factors, browser and API."</p>
            </header>
            <form class="search" role="search" on:submit=on_search>
                <label for="log-search">"Search by username"</label>
                <input id="log-search" type="search" node_ref=search />
                <button type="submit" class="btn">"Search"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        Ok(page) => {
                            let q = query.get_untracked();
                            let shown = q.offset + page.results.len() as u64;
                            let (has_prev, has_next) = (q.offset > 0, shown < page.count);
                            view! {
                                <div class="table-wrap" tabindex="0" role="region" aria-label="Sign-in log">
                                <table class="table" data-testid="auth-log">
                                    <thead><tr>
                                        <th scope="col">"Time"</th><th scope="col">"User"</th><th scope="col">"Factor"</th>
                                        <th scope="col">"Via"</th><th scope="col">"Result"</th><th scope="col">"IP"</th>
                                        <th scope="col">"Client"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.results.into_iter().map(|e| view! {
                                            <tr>
                                                <td>{e.datetime.display_short()}</td>
                                                <td>{e.username}</td>
                                                <td>{e.factor}</td>
                                                <td>{e.channel}</td>
                                                <td><span class=if e.status { "pill pill-ok" } else { "pill pill-off" }>
                                                    {if e.status { "Success".to_owned() } else { format!("Failed: {}", e.reason.replace('_', " ")) }}
                                                </span></td>
                                                <td>{e.ip.unwrap_or_default()}</td>
                                                <td class="muted small">{e.user_agent.unwrap_or_default().chars().take(60).collect::<String>()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <Pager summary=format!("{}-{shown} of {}", if shown == 0 { 0 } else { q.offset + 1 }, page.count) has_prev has_next
                                    on_prev=Callback::new(move |()| query.update(|q| q.offset = q.offset.saturating_sub(PAGE_SIZE)))
                                    on_next=Callback::new(move |()| query.update(|q| q.offset += PAGE_SIZE)) />
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}
