//! `/profile/assets`: the assets the person may connect to, searchable and
//! paged, each with a "Connect" button that opens the connect dialog.

use super::api::my_assets;
use super::dialog::ConnectDialog;
use super::model::PermedAsset;
use crate::i18n::{t, tf};
use crate::ui::{Banner, Pager};
use leptos::prelude::*;

const PAGE_SIZE: u64 = 20;
/// How long typing must pause before the list follows the search box.
const SEARCH_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Query {
    search: String,
    offset: u64,
}

#[component]
pub fn MyAssetsPage() -> impl IntoView {
    let query = RwSignal::new(Query::default());
    let assets = Resource::new(move || query.get(), |q| my_assets(q.search, PAGE_SIZE, q.offset));
    let connecting = RwSignal::new(None::<PermedAsset>);
    let typed = RwSignal::new(String::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop_timer = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        timer.set_value(None);
    };
    let search_now = move || {
        stop_timer();
        let search = typed.get_untracked().trim().to_owned();
        if query.with_untracked(|q| q.search != search) {
            query.set(Query { search, offset: 0 });
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        typed.set(event_target_value(&ev));
        stop_timer();
        timer.set_value(set_timeout_with_handle(search_now, SEARCH_DELAY).ok());
    };
    on_cleanup(stop_timer);

    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("My assets")}</h1>
                <p class="muted">{t("Servers and databases you may connect to. Connecting gives you a short-lived connection token for your own client.")}</p>
            </header>
            <form class="search" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); search_now(); }>
                <label for="asset-search">{t("Search assets")}</label>
                <input id="asset-search" type="search" placeholder=t("Name or address")
                    prop:value=move || typed.get() on:input=on_input />
                <button type="submit" class="btn">{t("Search")}</button>
            </form>
            <section class="card" aria-labelledby="assets-title">
                <h2 id="assets-title" class="sr-only">{t("Assets")}</h2>
                <Transition fallback=|| view! { <p class="loading" aria-busy="true">{t("Loading your assets…")}</p> }>
                    {move || Suspend::new(async move {
                        let q = query.get_untracked();
                        match assets.await {
                            Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                            Ok(page) if page.results.is_empty() && q.offset == 0 => view! {
                                <p class="muted" data-testid="no-assets">
                                    {if q.search.is_empty() {
                                        t("No assets are granted to you yet. Ask your administrator for a permission.").to_owned()
                                    } else {
                                        tf("No assets match “{search}”.", &[("search", q.search.as_str())])
                                    }}
                                </p>
                            }.into_any(),
                            Ok(page) => {
                                let total = page.count;
                                let first = if total == 0 { 0 } else { q.offset + 1 };
                                let last = q.offset + page.results.len() as u64;
                                let (has_prev, has_next) = (q.offset > 0, last < total);
                                view! {
                                    <AssetTable assets=page.results connecting />
                                    <Pager summary=crate::ui::page_summary(first, last, total)
                                        has_prev has_next
                                        on_prev=Callback::new(move |()| query.update(|q| q.offset = q.offset.saturating_sub(PAGE_SIZE)))
                                        on_next=Callback::new(move |()| query.update(|q| q.offset += PAGE_SIZE)) />
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </section>
            {move || connecting.get().map(|asset| view! {
                <ConnectDialog asset on_close=Callback::new(move |()| connecting.set(None)) />
            })}
        </div>
    }
}

#[component]
fn AssetTable(
    assets: Vec<PermedAsset>,
    connecting: RwSignal<Option<PermedAsset>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="my-assets-table">
                <thead><tr>
                    <th scope="col">{t("Name")}</th><th scope="col">{t("Address")}</th>
                    <th scope="col">{t("Platform")}</th><th scope="col">{t("Protocols")}</th>
                    <th scope="col"><span class="sr-only">{t("Actions")}</span></th>
                </tr></thead>
                <tbody>
                    {assets.into_iter().map(|a| {
                        let protocols = a.protocols.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
                        let label = tf("Connect to {asset}", &[("asset", a.name.as_str())]);
                        let name = a.name.clone();
                        let address = a.address.clone();
                        let platform = a.platform.clone();
                        let inactive = !a.is_active;
                        let id = a.id.to_string();
                        view! {
                            <tr data-testid="asset-row" data-asset-id=id>
                                <td data-testid="asset-name">{name}</td>
                                <td><code>{address}</code></td>
                                <td>{platform}</td>
                                <td class="small">{protocols}</td>
                                <td class="row-actions">
                                    <button type="button" class="btn btn-small btn-primary" aria-label=label disabled=inactive
                                        on:click=move |_| connecting.set(Some(a.clone()))>{t("Connect")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
