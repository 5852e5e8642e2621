//! `use_event_source` for Leptos 0.8 (feature `leptos`).
//!
//! Unlike a hook over the native `EventSource`, this one sends headers (recomputed on
//! every reconnect), POSTs bodies, resumes with `Last-Event-ID` on its own reconnects,
//! listens to the event types you name, and keeps a history (bounded or whole) besides
//! the latest message. During server-side rendering it does nothing: its signals keep
//! their initial values.
//!
//! ```no_run
//! use ::leptos::prelude::*;
//! use wasm_eventsource::hooks::UseEventSourceOptions;
//! use wasm_eventsource::leptos::use_event_source;
//!
//! #[component]
//! fn Ticker() -> impl IntoView {
//!     let feed = use_event_source("/ticks", UseEventSourceOptions::new().history(20));
//!     view! {
//!         <p>{move || format!("{:?}", feed.ready_state.get())}</p>
//!         <ul>{move || feed.messages.get().iter().map(|m| view! { <li>{m.data.clone()}</li> }).collect_view()}</ul>
//!         <button on:click=move |_| feed.close()>"Stop"</button>
//!     }
//! }
//! # fn main() {}
//! ```

use crate::engine::ReadyState;
use crate::event::Error;
use crate::hooks::UseEventSourceOptions;
use ::leptos::prelude::*;

pub use crate::history::History;

/// What [`use_event_source`] gives a component. It is `Copy`: pass it around freely.
pub struct UseEventSourceReturn<T: Send + Sync + 'static> {
    /// Connecting, open or closed.
    pub ready_state: Signal<ReadyState>,
    /// The latest message.
    pub message: Signal<Option<T>>,
    /// The newest messages, oldest first, as many as the options' `history` (all of the
    /// stream's with `history_unbounded`). A [`History`] snapshot: `get()` copies no
    /// message, and a new message costs O(1) however long the history is.
    pub messages: Signal<History<T>>,
    /// The latest error: a lost connection (cleared when it reopens), a failure, or a
    /// message the decoder refused.
    pub error: Signal<Option<Error>>,
    controls: StoredValue<Controls, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for UseEventSourceReturn<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for UseEventSourceReturn<T> {}

impl<T: Send + Sync + 'static> UseEventSourceReturn<T> {
    /// (Re)connects to the current URL.
    ///
    /// ```no_run
    /// # use ::leptos::prelude::*;
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// # use wasm_eventsource::leptos::use_event_source;
    /// # #[component]
    /// # fn Feed() -> impl IntoView {
    /// # let feed = use_event_source("/ticks", UseEventSourceOptions::new());
    /// view! { <button on:click=move |_| feed.open()>"Connect"</button> }
    /// # }
    /// # fn main() {}
    /// ```
    pub fn open(&self) {
        if let Some(open) = self.controls.try_with_value(|controls| controls.open.clone()) {
            open();
        }
    }

    /// Closes the connection; `open()` starts a new one.
    ///
    /// ```no_run
    /// # use ::leptos::prelude::*;
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// # use wasm_eventsource::leptos::use_event_source;
    /// # #[component]
    /// # fn Feed() -> impl IntoView {
    /// # let feed = use_event_source("/ticks", UseEventSourceOptions::new());
    /// view! { <button on:click=move |_| feed.close()>"Stop"</button> }
    /// # }
    /// # fn main() {}
    /// ```
    pub fn close(&self) {
        if let Some(close) = self.controls.try_with_value(|controls| controls.close.clone()) {
            close();
        }
    }
}

/// The hook's open and close actions (no-ops during server-side rendering).
struct Controls {
    open: std::rc::Rc<dyn Fn()>,
    close: std::rc::Rc<dyn Fn()>,
}

/// Streams `url` (a string or a signal: a new value reconnects and starts a new history;
/// setting the same value again does nothing) into signals. The options' `configure`
/// runs untracked, so the signals it reads are read at each connect but do not reconnect.
/// The connection closes when the component's owner is disposed.
///
/// ```no_run
/// # use ::leptos::prelude::*;
/// # use wasm_eventsource::hooks::UseEventSourceOptions;
/// # use wasm_eventsource::leptos::{History, use_event_source};
/// let (room, set_room) = signal("/rooms/1".to_string());
/// let feed = use_event_source(room, UseEventSourceOptions::new().decode(|m| Ok(m.data)));
/// set_room.set("/rooms/2".to_string()); // reconnects
/// # let _: Option<String> = feed.messages.get_untracked().last().cloned();
/// # let _: usize = feed.messages.with_untracked(History::len);
/// ```
pub fn use_event_source<T>(
    url: impl Into<Signal<String>>,
    options: UseEventSourceOptions<T>,
) -> UseEventSourceReturn<T>
where
    T: Clone + Send + Sync + 'static,
{
    let url = url.into();
    let (ready_state, set_ready_state) = signal(ReadyState::Closed);
    let (message, set_message) = signal(None::<T>);
    let (messages, set_messages) = signal(History::<T>::new());
    let (error, set_error) = signal(None::<Error>);
    let setters = Setters {
        ready_state: set_ready_state,
        message: set_message,
        messages: set_messages,
        error: set_error,
    };
    let controls = live::controls(url, options, setters);
    UseEventSourceReturn {
        ready_state: ready_state.into(),
        message: message.into(),
        messages: messages.into(),
        error: error.into(),
        controls: StoredValue::new_local(controls),
    }
}

/// The write sides of the hook's signals.
// Outside the browser nothing connects, so nothing writes them.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Setters<T: Send + Sync + 'static> {
    ready_state: WriteSignal<ReadyState>,
    message: WriteSignal<Option<T>>,
    messages: WriteSignal<History<T>>,
    error: WriteSignal<Option<Error>>,
}

impl<T: Send + Sync + 'static> Clone for Setters<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Setters<T> {}

/// The browser side: connections driven by an effect on the URL.
#[cfg(target_arch = "wasm32")]
mod live {
    use super::{Controls, History, Setters};
    use crate::builder::EventSourceBuilder;
    use crate::engine::ReadyState;
    use crate::event::SseEvent;
    use crate::hooks::{Step, UseEventSourceOptions};
    use crate::source::EventSourceHandle;
    use ::leptos::prelude::*;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    /// The running connection and a counter that makes superseded ones stale.
    #[derive(Default)]
    struct Current {
        handle: RefCell<Option<EventSourceHandle>>,
        generation: Cell<u64>,
        wanted: Cell<bool>,
    }

    impl Current {
        /// Closes the running connection (if any) and returns the next generation.
        fn supersede(&self) -> u64 {
            if let Some(handle) = self.handle.borrow_mut().take() {
                handle.close();
            }
            self.generation.set(self.generation.get() + 1);
            self.generation.get()
        }
    }

    /// Closes the connection when the hook's owner is disposed.
    struct CloseOnDrop(Rc<Current>);

    impl Drop for CloseOnDrop {
        fn drop(&mut self) {
            self.0.supersede();
        }
    }

    pub(super) fn controls<T: Clone + Send + Sync + 'static>(
        url: Signal<String>,
        options: UseEventSourceOptions<T>,
        set: Setters<T>,
    ) -> Controls {
        let current = Rc::new(Current::default());
        current.wanted.set(options.immediate);
        let options = Rc::new(options);
        let start = {
            let current = current.clone();
            Rc::new(move |url: String| connect(&current, &options, set, url))
        };
        // Compared by value: setting the same URL again changes nothing.
        let url = Memo::new(move |_| url.get());
        {
            let current = current.clone();
            let start = start.clone();
            Effect::new(move |previous: Option<String>| {
                let url = url.get();
                if previous.is_some_and(|previous| previous != url) {
                    // A new stream starts a new history.
                    set.messages.try_set(History::new());
                    set.message.try_set(None);
                    set.error.try_set(None);
                }
                if current.wanted.get() {
                    start(url.clone());
                }
                url
            });
        }
        // Owned by the component's reactive owner: disposing the owner drops it, and the
        // drop closes the connection.
        StoredValue::new_local(CloseOnDrop(current.clone()));
        let open = {
            let current = current.clone();
            Rc::new(move || {
                current.wanted.set(true);
                start(url.get_untracked());
            })
        };
        let close = Rc::new(move || {
            current.wanted.set(false);
            current.supersede();
            set.ready_state.try_set(ReadyState::Closed);
        });
        Controls { open, close }
    }

    fn connect<T: Clone + Send + Sync + 'static>(
        current: &Rc<Current>,
        options: &Rc<UseEventSourceOptions<T>>,
        set: Setters<T>,
        url: String,
    ) {
        let generation = current.supersede();
        // Untracked: a signal read while setting up must not make the effect reconnect.
        let builder = untrack(|| (options.configure)(EventSourceBuilder::new(url)));
        let mut source = match builder.build() {
            Ok(source) => source,
            Err(error) => {
                set.error.try_set(Some(error));
                set.ready_state.try_set(ReadyState::Closed);
                return;
            }
        };
        *current.handle.borrow_mut() = Some(source.handle());
        set.ready_state.try_set(ReadyState::Connecting);
        let current = current.clone();
        let options = options.clone();
        ::leptos::task::spawn_local(async move {
            let is_current = || current.generation.get() == generation;
            while let Some(item) = source.next_item().await {
                if !is_current() {
                    return;
                }
                match item {
                    Ok(SseEvent::Open { .. }) => {
                        set.ready_state.try_set(ReadyState::Open);
                        set.error.try_set(None);
                    }
                    Ok(SseEvent::Message(message)) => match options.step(message) {
                        Step::Ignore => {}
                        Step::Keep(value) => {
                            let limit = options.history_limit();
                            set.messages.try_update(|list| *list = list.pushed(value.clone(), limit));
                            set.message.try_set(Some(value));
                        }
                        Step::Report(error) => {
                            set.error.try_set(Some(error));
                        }
                        Step::Stop(error) => {
                            source.close();
                            set.error.try_set(Some(error));
                            break;
                        }
                    },
                    Ok(SseEvent::Reconnecting { cause, .. }) => {
                        set.ready_state.try_set(ReadyState::Connecting);
                        set.error.try_set(Some(cause));
                    }
                    Err(error) => {
                        set.error.try_set(Some(error));
                    }
                }
            }
            if is_current() {
                set.ready_state.try_set(ReadyState::Closed);
            }
        });
    }
}

/// Server-side rendering: nothing connects.
#[cfg(not(target_arch = "wasm32"))]
mod live {
    use super::{Controls, Setters};
    use crate::hooks::UseEventSourceOptions;
    use ::leptos::prelude::Signal;
    use std::rc::Rc;

    pub(super) fn controls<T: Send + Sync + 'static>(
        _url: Signal<String>,
        _options: UseEventSourceOptions<T>,
        _set: Setters<T>,
    ) -> Controls {
        Controls { open: Rc::new(|| {}), close: Rc::new(|| {}) }
    }
}
