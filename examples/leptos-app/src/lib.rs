//! A Leptos app streaming with `use_event_source`: a counter (with a URL switch and an
//! unmount button), an authenticated stream, and a POSTed chat prompt.

use example_shared as shared;
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_eventsource::engine::ReadyState;
use wasm_eventsource::hooks::UseEventSourceOptions;
use wasm_eventsource::leptos::use_event_source;

fn state_name(state: ReadyState) -> &'static str {
    match state {
        ReadyState::Connecting => "CONNECTING",
        ReadyState::Open => "OPEN",
        ReadyState::Closed => "CLOSED",
    }
}

/// Messages of the counter stream, as many as arrive (up to 1,000 kept).
#[component]
fn Counter(url: ReadSignal<String>) -> impl IntoView {
    let feed = use_event_source(url, UseEventSourceOptions::new().history(1_000));
    view! {
        <p>"State: " <span class="state">{move || state_name(feed.ready_state.get())}</span>
           " · received " <span class="count">{move || feed.messages.with(Vec::len)}</span></p>
        <ol class="messages">
            {move || feed.messages.get().into_iter().map(|m| view! { <li>{m.data}</li> }).collect_view()}
        </ol>
    }
}

#[component]
fn CounterPanel() -> impl IntoView {
    let (url, set_url) = signal(shared::counter_url());
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
            <p class="url">{move || url.get()}</p>
            <button id="switch" on:click=switch>"Switch stream"</button>
            <button id="unmount" on:click=move |_| set_mounted.set(false)>"Unmount"</button>
            <Show when=move || mounted.get() fallback=|| view! { <p class="unmounted">"Unmounted"</p> }>
                <Counter url=url />
            </Show>
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
            <ul>{move || feed.messages.get().into_iter().filter(|m| m.event_type == "message").map(|m| view! { <li>{m.data}</li> }).collect_view()}</ul>
        </section>
    }
}

#[component]
fn ChatPanel() -> impl IntoView {
    let (prompt, set_prompt) = signal(String::from("Hello from Leptos"));
    let options = UseEventSourceOptions::new()
        .configure(move |builder| shared::chat(builder, &prompt.get_untracked()))
        .immediate(false)
        .history(1_000);
    let feed = use_event_source("/demo/chat", options);
    Effect::new(move |_| {
        if feed.message.with(|m| m.as_ref().is_some_and(|m| m.event_type == "done")) {
            feed.close();
        }
    });
    let reply = move || {
        feed.messages
            .get()
            .into_iter()
            .filter(|m| m.event_type == "token")
            .map(|m| m.data)
            .collect::<String>()
    };
    view! {
        <section id="chat">
            <h2>"POST a prompt, stream the reply"</h2>
            <input prop:value=prompt on:input=move |e| set_prompt.set(event_target_value(&e)) />
            <button on:click=move |_| feed.open()>"Send"</button>
            <p class="reply">{reply}</p>
        </section>
    }
}

#[component]
fn App() -> impl IntoView {
    let full = !shared::counter_only();
    view! {
        <h1>"Leptos + wasm-eventsource"</h1>
        <CounterPanel />
        <Show when=move || full><AuthPanel /><ChatPanel /></Show>
    }
}

/// Mounts the app on page load.
#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(App);
}
