//! A Yew app streaming with `use_event_source`: a counter (with a URL switch and an
//! unmount button), an authenticated stream, and a POSTed chat prompt.

use example_shared as shared;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_eventsource::engine::ReadyState;
use wasm_eventsource::hooks::UseEventSourceOptions;
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
}

/// Messages of the counter stream, as many as arrive (up to 1,000 kept).
#[function_component]
fn Counter(props: &CounterProps) -> Html {
    let feed = use_event_source(props.url.clone(), UseEventSourceOptions::new().history(1_000));
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
    let unmount = {
        let mounted = mounted.clone();
        Callback::from(move |_| mounted.set(false))
    };
    html! {
        <section id="counter">
            <h2>{ "Counter" }</h2>
            <p class="url">{ (*url).clone() }</p>
            <button id="switch" onclick={switch}>{ "Switch stream" }</button>
            <button id="unmount" onclick={unmount}>{ "Unmount" }</button>
            if *mounted { <Counter url={(*url).clone()} /> } else { <p class="unmounted">{ "Unmounted" }</p> }
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
            <ul>{ for feed.messages.iter().filter(|m| m.event_type == "message").map(|m| html! { <li>{ &m.data }</li> }) }</ul>
        </section>
    }
}

#[function_component]
fn ChatPanel() -> Html {
    let prompt = use_mut_ref(|| String::from("Hello from Yew"));
    let options = {
        let prompt = prompt.clone();
        UseEventSourceOptions::new()
            .configure(move |builder| shared::chat(builder, &prompt.borrow()))
            .immediate(false)
            .history(1_000)
    };
    let feed = use_event_source("/demo/chat".to_string(), options);
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
            <button onclick={send}>{ "Send" }</button>
            <p class="reply">{ reply }</p>
        </section>
    }
}

#[function_component]
fn App() -> Html {
    html! {
        <>
            <h1>{ "Yew + wasm-eventsource" }</h1>
            <CounterPanel />
            if !shared::counter_only() { <AuthPanel /><ChatPanel /> }
        </>
    }
}

/// Mounts the app on page load.
#[wasm_bindgen(start)]
pub fn main() {
    yew::Renderer::<App>::new().render();
}
