//! The user's notifications page: where security notices go, and the inbox.

use super::api::{
    get_subscription, list_messages, DeleteMessage, MarkMessagesRead, SetSubscription,
};
use super::model::{Backend, BackendInfo, SiteMessage, Subscription};
use crate::i18n::{localize, t, tf};
use crate::shell::InboxChanged;
use crate::ui::{Banner, ConfirmDialog};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn MessagesPage() -> impl IntoView {
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{t("Messages")}</h1>
                <p class="muted">{t("Security notices about your account, and where they are sent.")}</p>
            </header>
            <SubscriptionCard />
            <Inbox />
        </div>
    }
}

#[component]
fn SubscriptionCard() -> impl IntoView {
    let current = Resource::new(|| (), |_| get_subscription());
    view! {
        <section class="card" aria-labelledby="subs-title">
            <h2 id="subs-title">{t("Send notices to")}</h2>
            <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok((offered, subscription)) => view! { <SubscriptionForm offered subscription /> }.into_any(),
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SubscriptionForm(offered: Vec<BackendInfo>, subscription: Subscription) -> impl IntoView {
    // A backend an administrator has since turned off is not offered, nor kept.
    let chosen = RwSignal::new(
        subscription
            .receive_backends
            .into_iter()
            .filter(|b| offered.iter().any(|o| o.name == *b))
            .collect::<Vec<_>>(),
    );
    let save = ServerAction::<SetSubscription>::new();
    let toggle = move |b: Backend, on: bool| {
        chosen.update(|list| {
            list.retain(|x| *x != b);
            if on {
                list.push(b);
            }
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SetSubscription { backends: chosen.get_untracked() });
    };
    view! {
        <form on:submit=on_submit novalidate>
            <fieldset class="field checks">
                <legend>{t("Where notices about sign-ins and credential changes go")}</legend>
                {offered.into_iter().map(|info| {
                    let b = info.name;
                    let always = b == Backend::SiteMsg;
                    view! {
                        <label>
                            <input type="checkbox" name="receive_backends" value=b.as_str()
                                checked=move || always || chosen.get().contains(&b)
                                disabled=always
                                on:change=move |ev| toggle(b, event_target_checked(&ev)) />
                            " " {localize(&info.name_display).into_owned()}
                            {always.then(|| view! { <span class="muted">{t(" (always on)")}</span> })}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            {move || match save.value().get() {
                Some(Ok(_)) => Some(view! { <Banner kind="success">{t("Saved.")}</Banner> }.into_any()),
                Some(Err(e)) => Some(view! { <Banner kind="error">{e.field("receive_backends").unwrap_or_else(|| e.to_string())}</Banner> }.into_any()),
                None => None,
            }}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t("Saving…") } else { t("Save") }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn Inbox() -> impl IntoView {
    let mark = ServerAction::<MarkMessagesRead>::new();
    let delete = ServerAction::<DeleteMessage>::new();
    let messages =
        Resource::new(move || (mark.version().get(), delete.version().get()), |_| list_messages());
    let changed = use_context::<InboxChanged>();
    Effect::new(move |_| {
        let _ = (mark.version().get(), delete.version().get());
        if let Some(InboxChanged(n)) = changed {
            n.update(|v| *v += 1);
        }
    });
    let open = RwSignal::new(None::<Uuid>);
    let deleting = RwSignal::new(None::<Uuid>);
    view! {
        <section class="card" aria-labelledby="inbox-title">
            <div class="card-header">
                <h2 id="inbox-title">{t("Inbox")}</h2>
                <button type="button" class="btn" disabled=move || mark.pending().get()
                    on:click=move |_| { mark.dispatch(MarkMessagesRead { ids: None }); }>{t("Mark all read")}</button>
            </div>
            <Transition fallback=|| view! { <p class="loading">{t("Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t("No messages.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="messages" data-testid="messages">
                                {list.into_iter().map(|m| view! { <MessageItem m open mark deleting /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <Banner kind="error">{e.to_string()}</Banner> }.into_any(),
                    }
                })}
            </Transition>
            {move || delete.value().get().and_then(|r| r.err()).map(|e| view! { <Banner kind="error">{e.to_string()}</Banner> })}
            <Show when=move || deleting.get().is_some()>
                <ConfirmDialog title=t("Delete this message?") confirm_label=t("Delete")
                    on_confirm=Callback::new(move |()| {
                        if let Some(id) = deleting.get_untracked() {
                            delete.dispatch(DeleteMessage { id });
                        }
                        deleting.set(None);
                    })
                    on_cancel=Callback::new(move |()| deleting.set(None))>
                    <p>{t("It is removed from your inbox for good.")}</p>
                </ConfirmDialog>
            </Show>
        </section>
    }
}

#[component]
fn MessageItem(
    m: SiteMessage,
    open: RwSignal<Option<Uuid>>,
    mark: ServerAction<MarkMessagesRead>,
    deleting: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let id = m.id;
    let unread = !m.has_read;
    let body_id = format!("msg-{id}");
    let toggle = move |_| {
        if open.get_untracked() == Some(id) {
            open.set(None);
        } else {
            open.set(Some(id));
            if unread {
                mark.dispatch(MarkMessagesRead { ids: Some(vec![id]) });
            }
        }
    };
    view! {
        <li class="message" class:unread=unread data-testid="message">
            <div class="message-head">
                <button type="button" class="link-button message-subject" aria-expanded=move || (open.get() == Some(id)).to_string()
                    aria-controls=body_id.clone() on:click=toggle>
                    {unread.then(|| view! { <span class="sr-only">{t("Unread: ")}</span> })}
                    {m.subject.clone()}
                </button>
                <time class="muted" datetime=m.date_created.to_rfc3339()>{m.date_created.display_short()}</time>
                <button type="button" class="btn btn-small" aria-label=tf("Delete message: {subject}", &[("subject", m.subject.as_str())])
                    on:click=move |_| deleting.set(Some(id))>{t("Delete")}</button>
            </div>
            <Show when=move || open.get() == Some(id)>
                <pre class="message-body" id=format!("msg-{id}")>{m.message.clone()}</pre>
            </Show>
        </li>
    }
}
