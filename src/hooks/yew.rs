//! `use_event_source` for Yew 0.23 (feature `yew`).
//!
//! State lives in a reducer, so a burst of events is applied one after another and none
//! is lost to a stale closure. The connection closes when the component unmounts or the
//! URL changes (then a new one opens). During server-side rendering nothing connects.
//!
//! ```no_run
//! use yew::prelude::*;
//! use wasm_eventsource::hooks::UseEventSourceOptions;
//! use wasm_eventsource::yew::use_event_source;
//!
//! #[function_component]
//! fn Ticker() -> Html {
//!     let feed = use_event_source("/ticks".to_string(), UseEventSourceOptions::new().history(20));
//!     html! {
//!         <ul>{ for feed.messages.iter().map(|m| html! { <li>{ &m.data }</li> }) }</ul>
//!     }
//! }
//! # fn main() {}
//! ```

use crate::engine::ReadyState;
use crate::event::Error;
use crate::hooks::UseEventSourceOptions;
use ::yew::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub use crate::history::History;

/// What [`use_event_source`] gives a component.
#[derive(Clone, PartialEq)]
pub struct UseEventSourceHandle<T: Clone + PartialEq> {
    /// Connecting, open or closed.
    pub ready_state: ReadyState,
    /// The latest message.
    pub message: Option<T>,
    /// The newest messages, oldest first, as many as the options' `history` (a snapshot:
    /// cloning it, or a new message, copies no message).
    pub messages: History<T>,
    /// The latest error: a lost connection (cleared when it reopens), a failure, or a
    /// message the decoder refused.
    pub error: Option<Error>,
    open: Callback<()>,
    close: Callback<()>,
}

impl<T: Clone + PartialEq> UseEventSourceHandle<T> {
    /// (Re)connects to the current URL.
    ///
    /// ```no_run
    /// # use yew::prelude::*;
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// # use wasm_eventsource::yew::use_event_source;
    /// # #[function_component]
    /// # fn Feed() -> Html {
    /// # let feed = use_event_source("/ticks".to_string(), UseEventSourceOptions::new());
    /// let onclick = { let feed = feed.clone(); move |_| feed.open() };
    /// html! { <button {onclick}>{ "Connect" }</button> }
    /// # }
    /// # fn main() {}
    /// ```
    pub fn open(&self) {
        self.open.emit(());
    }

    /// Closes the connection; `open()` starts a new one.
    ///
    /// ```no_run
    /// # use yew::prelude::*;
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// # use wasm_eventsource::yew::use_event_source;
    /// # #[function_component]
    /// # fn Feed() -> Html {
    /// # let feed = use_event_source("/ticks".to_string(), UseEventSourceOptions::new());
    /// let onclick = { let feed = feed.clone(); move |_| feed.close() };
    /// html! { <button {onclick}>{ "Stop" }</button> }
    /// # }
    /// # fn main() {}
    /// ```
    pub fn close(&self) {
        self.close.emit(());
    }
}

/// The hook's state, changed only through [`Change`]s so bursts apply in order.
#[derive(PartialEq)]
struct State<T> {
    ready_state: ReadyState,
    message: Option<T>,
    messages: History<T>,
    error: Option<Error>,
}

// Outside the browser nothing connects, so only `Reset` and `Ready` are ever sent.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
enum Change<T> {
    /// A new URL: forget the old stream's messages and error.
    Reset,
    Ready(ReadyState),
    Opened,
    /// A kept message, and how many messages the history keeps (`None`: all).
    Message(T, Option<usize>),
    Failed(Error),
}

impl<T: Clone> Reducible for State<T> {
    type Action = Change<T>;

    fn reduce(self: Rc<Self>, change: Change<T>) -> Rc<Self> {
        let mut next = State {
            ready_state: self.ready_state,
            message: self.message.clone(),
            messages: self.messages.clone(),
            error: self.error.clone(),
        };
        match change {
            Change::Reset => {
                next.message = None;
                next.messages = History::new();
                next.error = None;
            }
            Change::Ready(ready_state) => next.ready_state = ready_state,
            Change::Opened => {
                next.ready_state = ReadyState::Open;
                next.error = None;
            }
            Change::Message(value, limit) => {
                // O(1): the history shares its buffer with the snapshot a render holds.
                next.messages = self.messages.pushed(value.clone(), limit);
                next.message = Some(value);
            }
            Change::Failed(error) => next.error = Some(error),
        }
        Rc::new(next)
    }
}

/// The options of the latest render, which the next connection is set up with and each
/// message is handled by.
type Latest<T> = Rc<RefCell<UseEventSourceOptions<T>>>;

/// Streams `url` into component state; a new `url` reconnects and starts a new history,
/// unmounting closes.
///
/// Each render's `options` replace the previous ones: `configure` applies from the next
/// connection (`open()` or a new URL), the event types, decoder, decode error policy and
/// history limit from the next message. Nothing reconnects only because options changed.
///
/// ```no_run
/// # use yew::prelude::*;
/// # use wasm_eventsource::hooks::UseEventSourceOptions;
/// # use wasm_eventsource::yew::use_event_source;
/// # #[derive(Properties, PartialEq)]
/// # struct Props { url: String }
/// # #[function_component]
/// # fn Feed(props: &Props) -> Html {
/// let feed = use_event_source(props.url.clone(), UseEventSourceOptions::new().decode(|m| Ok(m.data)));
/// # html! { <ul>{ for feed.messages.iter().map(|data: &String| html! { <li>{ data }</li> }) }</ul> }
/// # }
/// # fn main() {}
/// ```
#[hook]
pub fn use_event_source<T>(url: String, options: UseEventSourceOptions<T>) -> UseEventSourceHandle<T>
where
    T: Clone + PartialEq + 'static,
{
    let state = use_reducer(|| State {
        ready_state: ReadyState::Closed,
        message: None,
        messages: History::new(),
        error: None,
    });
    // Bumped by open(); 0 until then when the options say not to connect at once.
    let opened = use_state(|| u64::from(options.immediate));
    let latest: Latest<T> = use_mut_ref(|| options.clone());
    *latest.borrow_mut() = options;
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let running = use_mut_ref(|| None::<live::Running>);
    {
        let dispatcher = state.dispatcher();
        let generation = generation.borrow().clone();
        let running = running.clone();
        let last_url = use_mut_ref(|| None::<String>);
        use_effect_with((url, *opened), move |(url, opened)| {
            let previous = last_url.borrow_mut().replace(url.clone());
            if previous.is_some_and(|previous| previous != *url) {
                dispatcher.dispatch(Change::Reset);
            }
            if *opened > 0 {
                *running.borrow_mut() = live::start(url.clone(), latest, dispatcher, generation.clone());
            }
            move || {
                generation.set(generation.get() + 1);
                if let Some(connection) = running.borrow_mut().take() {
                    connection.close();
                }
            }
        });
    }
    let open = {
        let opened = opened.clone();
        Callback::from(move |()| opened.set(*opened + 1))
    };
    let close = {
        let dispatcher = state.dispatcher();
        let generation = generation.borrow().clone();
        let running = running.clone();
        Callback::from(move |()| {
            generation.set(generation.get() + 1);
            if let Some(connection) = running.borrow_mut().take() {
                connection.close();
            }
            dispatcher.dispatch(Change::Ready(ReadyState::Closed));
        })
    };
    UseEventSourceHandle {
        ready_state: state.ready_state,
        message: state.message.clone(),
        messages: state.messages.clone(),
        error: state.error.clone(),
        open,
        close,
    }
}

/// The browser side: one connection per effect run.
#[cfg(target_arch = "wasm32")]
mod live {
    use super::{Change, Latest, State};
    use crate::builder::EventSourceBuilder;
    use crate::engine::ReadyState;
    use crate::event::SseEvent;
    use crate::hooks::Step;
    use crate::source::EventSourceHandle;
    use ::yew::prelude::UseReducerDispatcher;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A connection the hook started.
    pub(super) struct Running(EventSourceHandle);

    impl Running {
        pub(super) fn close(&self) {
            self.0.close();
        }
    }

    pub(super) fn start<T: Clone + 'static>(
        url: String,
        latest: Latest<T>,
        dispatcher: UseReducerDispatcher<State<T>>,
        generation: Rc<Cell<u64>>,
    ) -> Option<Running> {
        let mine = generation.get();
        let configure = latest.borrow().configure.clone();
        let mut source = match configure(EventSourceBuilder::new(url)).build() {
            Ok(source) => source,
            Err(error) => {
                dispatcher.dispatch(Change::Failed(error));
                dispatcher.dispatch(Change::Ready(ReadyState::Closed));
                return None;
            }
        };
        let running = Running(source.handle());
        dispatcher.dispatch(Change::Ready(ReadyState::Connecting));
        wasm_bindgen_futures::spawn_local(async move {
            while let Some(item) = source.next_item().await {
                if generation.get() != mine {
                    return;
                }
                match item {
                    Ok(SseEvent::Open { .. }) => dispatcher.dispatch(Change::Opened),
                    Ok(SseEvent::Message(message)) => {
                        // Cloned out (a few `Rc`s), so no borrow outlives this line.
                        let options = latest.borrow().clone();
                        match options.step(message) {
                            Step::Ignore => {}
                            Step::Keep(value) => {
                                dispatcher.dispatch(Change::Message(value, options.history_limit()))
                            }
                            Step::Report(error) => dispatcher.dispatch(Change::Failed(error)),
                            Step::Stop(error) => {
                                source.close();
                                dispatcher.dispatch(Change::Failed(error));
                                break;
                            }
                        }
                    }
                    Ok(SseEvent::Reconnecting { cause, .. }) => {
                        dispatcher.dispatch(Change::Ready(ReadyState::Connecting));
                        dispatcher.dispatch(Change::Failed(cause));
                    }
                    Err(error) => dispatcher.dispatch(Change::Failed(error)),
                }
            }
            if generation.get() == mine {
                dispatcher.dispatch(Change::Ready(ReadyState::Closed));
            }
        });
        Some(running)
    }
}

/// Server-side rendering: nothing connects.
#[cfg(not(target_arch = "wasm32"))]
mod live {
    use super::{Latest, State};
    use ::yew::prelude::UseReducerDispatcher;
    use std::cell::Cell;
    use std::rc::Rc;

    /// Never constructed outside the browser.
    pub(super) struct Running;

    impl Running {
        pub(super) fn close(&self) {}
    }

    pub(super) fn start<T: Clone + 'static>(
        _url: String,
        _latest: Latest<T>,
        _dispatcher: UseReducerDispatcher<State<T>>,
        _generation: Rc<Cell<u64>>,
    ) -> Option<Running> {
        None
    }
}
