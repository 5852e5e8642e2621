//! A Leptos app streaming with `use_event_source`: a counter (with a URL switch and an
//! unmount button), typed JSON ticks, an authenticated stream, and a POSTed chat prompt.

use example_shared::{self as shared, Tick};
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_eventsource::engine::ReadyState;
use wasm_eventsource::hooks::{DecodeErrorPolicy, UseEventSourceOptions};
use wasm_eventsource::leptos::{History, use_event_source};

fn state_name(state: ReadyState) -> &'static str {
    match state {
        ReadyState::Connecting => "CONNECTING",
        ReadyState::Open => "OPEN",
        ReadyState::Closed => "CLOSED",
    }
}

/// Messages of the counter stream, as many as arrive (up to 1,000 kept). Each connection
/// sends the current label as a header; changing the label does not reconnect.
#[component]
fn Counter(url: ReadSignal<String>, label: ReadSignal<u32>) -> impl IntoView {
    let options = UseEventSourceOptions::new()
        .configure(move |builder| builder.header("X-Label", label.get().to_string()))
        .history(1_000);
    let feed = use_event_source(url, options);
    view! {
        <p>"State: " <span class="state">{move || state_name(feed.ready_state.get())}</span>
           " · received " <span class="count">{move || feed.messages.with(History::len)}</span></p>
        <ol class="messages">
            {move || feed.messages.get().iter().map(|m| view! { <li>{m.data.clone()}</li> }).collect_view()}
        </ol>
    }
}

#[component]
fn CounterPanel() -> impl IntoView {
    let (url, set_url) = signal(shared::counter_url());
    let (label, set_label) = signal(1u32);
    let (mounted, set_mounted) = signal(true);
    let switch = move |_| {
        let next = if url.get_untracked() == shared::counter_url() {
            shared::second_counter_url()
        } else {
            shared::counter_url()
        };
        set_url.set(next);
    };
    view! {
        <section id="counter">
            <h2>"Counter"</h2>
            <p class="url">{move || url.get()} " · label " {move || label.get()}</p>
            <button id="switch" on:click=switch>"Switch stream"</button>
            <button id="same" on:click=move |_| set_url.set(url.get_untracked())>"Set the same URL"</button>
            <button id="relabel" on:click=move |_| set_label.update(|n| *n += 1)>"Next label"</button>
            <button id="unmount" on:click=move |_| set_mounted.set(false)>"Unmount"</button>
            <Show when=move || mounted.get() fallback=|| view! { <p class="unmounted">"Unmounted"</p> }>
                <Counter url=url label=label />
            </Show>
        </section>
    }
}

/// One typed feed of the ticks panel.
#[component]
fn Ticks(class: &'static str, policy: DecodeErrorPolicy) -> impl IntoView {
    let feed = use_event_source(
        shared::ticks_url(),
        UseEventSourceOptions::new().json::<Tick>().on_decode_error(policy).history(10),
    );
    view! {
        <div class=class>
            <p>{format!("{policy:?}: ")} <span class="state">{move || state_name(feed.ready_state.get())}</span>
               " " <span class="error">{move || feed.error.get().map(|e| e.to_string())}</span></p>
            <ol>{move || feed.messages.get().iter().map(|tick| view! { <li>{tick.n}</li> }).collect_view()}</ol>
        </div>
    }
}

#[component]
fn TicksPanel() -> impl IntoView {
    view! {
        <section id="ticks">
            <h2>"Typed JSON ticks: a bad message skipped, or the stream closed"</h2>
            <Ticks class="skip" policy=DecodeErrorPolicy::Skip />
            <Ticks class="close" policy=DecodeErrorPolicy::Close />
        </section>
    }
}

#[component]
fn AuthPanel() -> impl IntoView {
    let feed = use_event_source(
        "/demo/auth/stream",
        UseEventSourceOptions::new().configure(shared::authenticated).history(5),
    );
    view! {
        <section id="auth">
            <h2>"Authenticated stream (Bearer token, refreshed on reconnect)"</h2>
            <p>"State: " {move || state_name(feed.ready_state.get())}</p>
            <ul>{move || feed.messages.get().iter().map(|m| view! { <li>{m.data.clone()}</li> }).collect_view()}</ul>
        </section>
    }
}

#[component]
fn ChatPanel() -> impl IntoView {
    let (prompt, set_prompt) = signal(String::from("Hello from Leptos"));
    // The reply's `token`s and its `done`, all of them however long the reply.
    let options = UseEventSourceOptions::new()
        .configure(move |builder| shared::chat(builder, &prompt.get()))
        .events(["token", "done"])
        .history_unbounded()
        .immediate(false);
    let feed = use_event_source(shared::chat_url(), options);
    Effect::new(move |_| {
        if feed.message.with(|m| m.as_ref().is_some_and(|m| m.event_type == "done")) {
            feed.close();
        }
    });
    let reply = move || {
        feed.messages.with(|messages| {
            messages.iter().filter(|m| m.event_type == "token").map(|m| m.data.as_str()).collect::<String>()
        })
    };
    view! {
        <section id="chat">
            <h2>"POST a prompt, stream the reply"</h2>
            <input prop:value=prompt on:input=move |e| set_prompt.set(event_target_value(&e)) />
            <button id="send" on:click=move |_| feed.open()>"Send"</button>
            <p>"Kept " <span class="kept">{move || feed.messages.with(History::len)}</span> " messages"</p>
            <p class="reply">{reply}</p>
        </section>
    }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <h1>"Leptos + wasm-eventsource"</h1>
        <Show when=|| shared::shown("counter")><CounterPanel /></Show>
        <Show when=|| shared::shown("ticks")><TicksPanel /></Show>
        <Show when=|| shared::shown("auth")><AuthPanel /></Show>
        <Show when=|| shared::shown("chat")><ChatPanel /></Show>
    }
}

/// Mounts the app on page load.
#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(App);
}
