//! A Yew app streaming with `use_event_source`: a counter (with a URL switch and an
//! unmount button), typed JSON ticks, an authenticated stream, and a POSTed chat prompt.

use example_shared::{self as shared, Tick};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_eventsource::engine::ReadyState;
use wasm_eventsource::hooks::{DecodeErrorPolicy, UseEventSourceOptions};
use wasm_eventsource::yew::use_event_source;
use web_sys::HtmlInputElement;
use yew::prelude::*;

fn state_name(state: ReadyState) -> &'static str {
    match state {
        ReadyState::Connecting => "CONNECTING",
        ReadyState::Open => "OPEN",
        ReadyState::Closed => "CLOSED",
    }
}

#[derive(Properties, PartialEq)]
struct CounterProps {
    url: String,
    label: u32,
    history: usize,
}

/// Messages of the counter stream, as many as `history` says. Each connection sends the
/// label as a header; new props take effect without reconnecting (the label at the next
/// connection, the history limit at the next message).
#[function_component]
fn Counter(props: &CounterProps) -> Html {
    let label = props.label.to_string();
    let options = UseEventSourceOptions::new()
        .configure(move |builder| builder.header("X-Label", label.as_str()))
        .history(props.history);
    let feed = use_event_source(props.url.clone(), options);
    html! {
        <>
            <p>{ "State: " }<span class="state">{ state_name(feed.ready_state) }</span>
               { " · received " }<span class="count">{ feed.messages.len() }</span></p>
            <ol class="messages">{ for feed.messages.iter().map(|m| html! { <li>{ &m.data }</li> }) }</ol>
        </>
    }
}

#[function_component]
fn CounterPanel() -> Html {
    let url = use_state(shared::counter_url);
    let label = use_state(|| 1u32);
    let history = use_state(|| 1_000usize);
    let mounted = use_state(|| true);
    let switch = {
        let url = url.clone();
        Callback::from(move |_| {
            let next = if *url == shared::counter_url() {
                shared::second_counter_url()
            } else {
                shared::counter_url()
            };
            url.set(next);
        })
    };
    let same = {
        let url = url.clone();
        Callback::from(move |_| url.set((*url).clone()))
    };
    let relabel = {
        let label = label.clone();
        Callback::from(move |_| label.set(*label + 1))
    };
    let shorten = {
        let history = history.clone();
        Callback::from(move |_| history.set(3))
    };
    let unmount = {
        let mounted = mounted.clone();
        Callback::from(move |_| mounted.set(false))
    };
    html! {
        <section id="counter">
            <h2>{ "Counter" }</h2>
            <p class="url">{ (*url).clone() }{ " · label " }{ *label }{ " · keeps " }{ *history }</p>
            <button id="switch" onclick={switch}>{ "Switch stream" }</button>
            <button id="same" onclick={same}>{ "Set the same URL" }</button>
            <button id="relabel" onclick={relabel}>{ "Next label" }</button>
            <button id="shorten" onclick={shorten}>{ "Keep 3" }</button>
            <button id="unmount" onclick={unmount}>{ "Unmount" }</button>
            if *mounted {
                <Counter url={(*url).clone()} label={*label} history={*history} />
            } else {
                <p class="unmounted">{ "Unmounted" }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TicksProps {
    class: &'static str,
    policy: DecodeErrorPolicy,
}

/// One typed feed of the ticks panel.
#[function_component]
fn Ticks(props: &TicksProps) -> Html {
    let feed = use_event_source(
        shared::ticks_url(),
        UseEventSourceOptions::new().json::<Tick>().on_decode_error(props.policy).history(10),
    );
    html! {
        <div class={props.class}>
            <p>{ format!("{:?}: ", props.policy) }<span class="state">{ state_name(feed.ready_state) }</span>
               { " " }<span class="error">{ feed.error.as_ref().map(ToString::to_string) }</span></p>
            <ol>{ for feed.messages.iter().map(|tick| html! { <li>{ tick.n }</li> }) }</ol>
        </div>
    }
}

#[function_component]
fn TicksPanel() -> Html {
    html! {
        <section id="ticks">
            <h2>{ "Typed JSON ticks: a bad message skipped, or the stream closed" }</h2>
            <Ticks class="skip" policy={DecodeErrorPolicy::Skip} />
            <Ticks class="close" policy={DecodeErrorPolicy::Close} />
        </section>
    }
}

#[function_component]
fn AuthPanel() -> Html {
    let feed = use_event_source(
        "/demo/auth/stream".to_string(),
        UseEventSourceOptions::new().configure(shared::authenticated).history(5),
    );
    html! {
        <section id="auth">
            <h2>{ "Authenticated stream (Bearer token, refreshed on reconnect)" }</h2>
            <p>{ "State: " }{ state_name(feed.ready_state) }</p>
            <ul>{ for feed.messages.iter().map(|m| html! { <li>{ &m.data }</li> }) }</ul>
        </section>
    }
}

#[function_component]
fn ChatPanel() -> Html {
    let prompt = use_mut_ref(|| String::from("Hello from Yew"));
    // The reply's `token`s and its `done`, all of them however long the reply.
    let options = {
        let prompt = prompt.clone();
        UseEventSourceOptions::new()
            .configure(move |builder| shared::chat(builder, &prompt.borrow()))
            .events(["token", "done"])
            .history_unbounded()
            .immediate(false)
    };
    let feed = use_event_source(shared::chat_url(), options);
    if feed.message.as_ref().is_some_and(|m| m.event_type == "done") && feed.ready_state != ReadyState::Closed
    {
        feed.close();
    }
    let oninput = {
        let prompt = prompt.clone();
        Callback::from(move |e: InputEvent| {
            *prompt.borrow_mut() = e.target_unchecked_into::<HtmlInputElement>().value()
        })
    };
    let send = {
        let feed = feed.clone();
        Callback::from(move |_| feed.open())
    };
    let reply: String =
        feed.messages.iter().filter(|m| m.event_type == "token").map(|m| m.data.as_str()).collect();
    html! {
        <section id="chat">
            <h2>{ "POST a prompt, stream the reply" }</h2>
            <input value={prompt.borrow().clone()} {oninput} />
            <button id="send" onclick={send}>{ "Send" }</button>
            <p>{ "Kept " }<span class="kept">{ feed.messages.len() }</span>{ " messages" }</p>
            <p class="reply">{ reply }</p>
        </section>
    }
}

#[function_component]
fn App() -> Html {
    html! {
        <>
            <h1>{ "Yew + wasm-eventsource" }</h1>
            if shared::shown("counter") { <CounterPanel /> }
            if shared::shown("ticks") { <TicksPanel /> }
            if shared::shown("auth") { <AuthPanel /> }
            if shared::shown("chat") { <ChatPanel /> }
        </>
    }
}

/// Mounts the app on page load.
#[wasm_bindgen(start)]
pub fn main() {
    yew::Renderer::<App>::new().render();
}
