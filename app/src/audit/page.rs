//! The administrators' view of every authentication attempt.

use super::api::list_auth_events;
use super::model::AuthEventQuery;
use crate::i18n::t;
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
                <h1>{t("Sign-in log")}</h1>
                <p class="muted">{t("Every authentication attempt: password, second factors, browser and API.")}</p>
            </header>
            <form class="search" role="search" on:submit=on_search>
                <label for="log-search">{t("Search by username")}</label>
                <input id="log-search" type="search" node_ref=search />
                <button type="submit" class="btn">{t("Search")}</button>
            </form>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                        Ok(page) => {
                            let q = query.get_untracked();
                            let shown = q.offset + page.results.len() as u64;
                            let (has_prev, has_next) = (q.offset > 0, shown < page.count);
                            view! {
                                <div class="table-wrap" tabindex="0" role="region" aria-label=t("Sign-in log")>
                                <table class="table" data-testid="auth-log">
                                    <thead><tr>
                                        <th scope="col">{t("Time")}</th><th scope="col">{t("User")}</th><th scope="col">{t("Factor")}</th>
                                        <th scope="col">{t("Via")}</th><th scope="col">{t("Result")}</th><th scope="col">"IP"</th>
                                        <th scope="col">{t("Client")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.results.into_iter().map(|e| view! {
                                            <tr>
                                                <td>{e.datetime.display_short()}</td>
                                                <td translate="no">{e.username}</td>
                                                // Factor, channel and reason are the log's stable codes, shown as recorded.
                                                <td translate="no">{e.factor}</td>
                                                <td translate="no">{e.channel}</td>
                                                <td><span class=if e.status { "pill pill-ok" } else { "pill pill-off" }>
                                                    {if e.status { t("Success").into_any() } else {
                                                        view! { {t("Failed:")}" "<span translate="no">{e.reason}</span> }.into_any()
                                                    }}
                                                </span></td>
                                                <td>{e.ip.unwrap_or_default()}</td>
                                                <td class="muted small" translate="no">{e.user_agent.unwrap_or_default().chars().take(60).collect::<String>()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <Pager summary=crate::ui::page_summary(if shown == 0 { 0 } else { q.offset + 1 }, shown, page.count) has_prev has_next
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
