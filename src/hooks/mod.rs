//! Options shared by the Leptos and Yew `use_event_source` hooks, and what a hook does
//! with each message (which types it keeps, decoding, the decode error policy, the
//! history limit): decided here once, tested natively, for both hooks.

use crate::builder::EventSourceBuilder;
use crate::event::{Error, MessageEvent};
use std::rc::Rc;

/// The event type a hook listens to unless told otherwise: the platform's `onmessage`.
pub const DEFAULT_EVENT_TYPE: &str = "message";

/// How many messages a hook keeps unless told otherwise.
pub const DEFAULT_HISTORY: usize = 100;

/// How a `use_event_source` hook connects and what it keeps.
///
/// `T` is what each message becomes: the [`MessageEvent`] itself by default, or your
/// own type with [`UseEventSourceOptions::decode`] (or `json()` with the `serde` feature).
///
/// ```
/// use wasm_eventsource::hooks::{DecodeErrorPolicy, UseEventSourceOptions};
///
/// let options = UseEventSourceOptions::new()
///     .configure(|builder| builder.header("Authorization", "Bearer abc"))
///     .events(["tick"])
///     .decode(|message| message.data.parse::<u64>().map_err(|error| error.to_string()))
///     .on_decode_error(DecodeErrorPolicy::Close)
///     .history(50);
/// ```
pub struct UseEventSourceOptions<T> {
    pub(crate) configure: Rc<dyn Fn(EventSourceBuilder) -> EventSourceBuilder>,
    decode: Rc<dyn Fn(MessageEvent) -> Result<T, String>>,
    events: Rc<[String]>,
    history: Option<usize>,
    on_decode_error: DecodeErrorPolicy,
    pub(crate) immediate: bool,
}

/// What a hook does when its decoder refuses a message. Either way the hook's error
/// becomes [`Error::Decode`] and the message is not kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DecodeErrorPolicy {
    /// Go on with the next message (the default): one bad message does not end a stream.
    #[default]
    Skip,
    /// Close the connection (the ready state becomes `Closed`; `open()` starts again).
    Close,
}

impl<T> Clone for UseEventSourceOptions<T> {
    fn clone(&self) -> Self {
        UseEventSourceOptions {
            configure: self.configure.clone(),
            decode: self.decode.clone(),
            events: self.events.clone(),
            history: self.history,
            on_decode_error: self.on_decode_error,
            immediate: self.immediate,
        }
    }
}

impl UseEventSourceOptions<MessageEvent> {
    /// Connects at once, listens to `message` events only (as `onmessage` does), keeps
    /// [`MessageEvent`]s, remembers the last 100, and skips nothing (no decoder).
    ///
    /// ```
    /// let options = wasm_eventsource::hooks::UseEventSourceOptions::new();
    /// ```
    pub fn new() -> Self {
        UseEventSourceOptions {
            configure: Rc::new(|builder| builder),
            decode: Rc::new(Ok),
            events: Rc::new([DEFAULT_EVENT_TYPE.to_string()]),
            history: Some(DEFAULT_HISTORY),
            on_decode_error: DecodeErrorPolicy::Skip,
            immediate: true,
        }
    }
}

impl Default for UseEventSourceOptions<MessageEvent> {
    fn default() -> Self {
        UseEventSourceOptions::new()
    }
}

impl<T> UseEventSourceOptions<T> {
    /// Sets up each connection's builder: headers, a header function, method, body,
    /// retry policy, stall timeout... It runs once per connection (on connect, `open()`
    /// or a new URL), outside any reactive tracking: signals it reads do not reconnect.
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().configure(|builder| builder.method("POST").body("{}"));
    /// ```
    pub fn configure(
        mut self,
        configure: impl Fn(EventSourceBuilder) -> EventSourceBuilder + 'static,
    ) -> Self {
        self.configure = Rc::new(configure);
        self
    }

    /// The event types the hook listens to (the `event:` field; `message` when a
    /// stream sends none), replacing the default, `message` alone. Messages of other
    /// types are ignored; each kept message says its type in `event_type`.
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().events(["token", "done"]);
    /// ```
    pub fn events<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.events = types.into_iter().map(Into::into).collect();
        self
    }

    /// Turns each message into a `U`; what happens to a message it refuses is the
    /// [`DecodeErrorPolicy`] (by default: skipped, and the hook's error says why).
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().decode(|message| Ok::<_, String>(message.data.len()));
    /// ```
    pub fn decode<U>(
        self,
        decode: impl Fn(MessageEvent) -> Result<U, String> + 'static,
    ) -> UseEventSourceOptions<U> {
        UseEventSourceOptions {
            configure: self.configure,
            decode: Rc::new(decode),
            events: self.events,
            history: self.history,
            on_decode_error: self.on_decode_error,
            immediate: self.immediate,
        }
    }

    /// Decodes each message's data as JSON.
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// #[derive(serde::Deserialize)]
    /// struct Tick { n: u64 }
    /// let options = UseEventSourceOptions::new().json::<Tick>();
    /// ```
    #[cfg(feature = "serde")]
    pub fn json<U: serde::de::DeserializeOwned>(self) -> UseEventSourceOptions<U> {
        self.decode(|message| serde_json::from_str(&message.data).map_err(|error| error.to_string()))
    }

    /// What to do with a message the decoder refuses (default [`DecodeErrorPolicy::Skip`]).
    ///
    /// ```
    /// # use wasm_eventsource::hooks::{DecodeErrorPolicy, UseEventSourceOptions};
    /// let options = UseEventSourceOptions::new().on_decode_error(DecodeErrorPolicy::Close);
    /// ```
    pub fn on_decode_error(mut self, policy: DecodeErrorPolicy) -> Self {
        self.on_decode_error = policy;
        self
    }

    /// Keeps only the newest `messages` in the hook's `messages` (at least 1; default
    /// 100): older ones are dropped as new ones arrive. For a stream that must be kept
    /// whole, such as a chat reply of any length, use [`Self::history_unbounded`].
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().history(1_000);
    /// ```
    pub fn history(mut self, messages: usize) -> Self {
        self.history = Some(messages.max(1));
        self
    }

    /// Keeps every message of the stream in the hook's `messages`, until the URL changes.
    /// Memory grows with the stream: for streams that end (a chat reply), not for feeds.
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().events(["token"]).history_unbounded();
    /// ```
    pub fn history_unbounded(mut self) -> Self {
        self.history = None;
        self
    }

    /// Whether to connect when the component mounts (default) or wait for `open()`.
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().immediate(false);
    /// ```
    pub fn immediate(mut self, immediate: bool) -> Self {
        self.immediate = immediate;
        self
    }

    /// How many messages the hook keeps: `None` for all of them.
    // Outside the browser nothing connects, so nothing asks.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn history_limit(&self) -> Option<usize> {
        self.history
    }

    /// What the hook does with one message of its stream.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn step(&self, message: MessageEvent) -> Step<T> {
        if !self.events.iter().any(|kept| *kept == message.event_type) {
            return Step::Ignore;
        }
        match (self.decode)(message) {
            Ok(value) => Step::Keep(value),
            Err(why) => match self.on_decode_error {
                DecodeErrorPolicy::Skip => Step::Report(Error::Decode(why)),
                DecodeErrorPolicy::Close => Step::Stop(Error::Decode(why)),
            },
        }
    }
}

/// What a hook does with one message, as [`UseEventSourceOptions::step`] decides.
// Outside the browser nothing connects, so only the tests take these apart.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, PartialEq)]
pub(crate) enum Step<T> {
    /// Not a type the hook listens to.
    Ignore,
    /// Decoded: the latest message, and appended to the history.
    Keep(T),
    /// Refused by the decoder: the hook's error, and on to the next message.
    Report(Error),
    /// Refused by the decoder: the hook's error, and the connection closes.
    Stop(Error),
}

#[cfg(test)]
mod tests {
    use super::{DecodeErrorPolicy, Step, UseEventSourceOptions};
    use crate::event::{Error, MessageEvent};

    fn message(event_type: &str, data: &str) -> MessageEvent {
        MessageEvent {
            event_type: String::from(event_type).into(),
            data: data.into(),
            id: String::new(),
            origin: "".into(),
        }
    }

    fn number(message: MessageEvent) -> Result<u64, String> {
        message.data.parse().map_err(|_| format!("not a number: {}", message.data))
    }

    #[test]
    fn history_unbounded_keeps_every_message() {
        let options = UseEventSourceOptions::new().history(3).history_unbounded();
        let mut list = crate::history::History::new();
        for n in 0..1_000 {
            list = list.pushed(n, options.history_limit());
        }
        assert_eq!(list.len(), 1_000);
        assert_eq!(UseEventSourceOptions::new().history_limit(), Some(100), "the default");
        assert_eq!(UseEventSourceOptions::new().history(0).history_limit(), Some(1), "at least one");
    }

    #[test]
    fn by_default_only_message_events_are_kept() {
        let options = UseEventSourceOptions::new();
        assert_eq!(options.step(message("message", "a")), Step::Keep(message("message", "a")));
        assert_eq!(options.step(message("token", "b")), Step::Ignore);
    }

    #[test]
    fn named_event_types_replace_the_default() {
        let options = UseEventSourceOptions::new().events(["token", "done"]);
        assert_eq!(options.step(message("token", "b")), Step::Keep(message("token", "b")));
        assert_eq!(options.step(message("done", "")), Step::Keep(message("done", "")));
        assert_eq!(options.step(message("message", "a")), Step::Ignore);
        assert_eq!(options.step(message("ping", "")), Step::Ignore);
    }

    #[test]
    fn a_refused_message_is_reported_then_skipped_or_closes_as_the_policy_says() {
        let refused = || Error::Decode("not a number: x".into());
        let by_default = UseEventSourceOptions::new().decode(number);
        let skip = UseEventSourceOptions::new().on_decode_error(DecodeErrorPolicy::Skip).decode(number);
        let close = UseEventSourceOptions::new().on_decode_error(DecodeErrorPolicy::Close).decode(number);
        for (options, expected) in [
            (by_default, Step::Report(refused())),
            (skip, Step::Report(refused())),
            (close, Step::Stop(refused())),
        ] {
            assert_eq!(options.step(message("message", "7")), Step::Keep(7));
            assert_eq!(options.step(message("message", "x")), expected);
        }
    }

    #[test]
    fn types_are_filtered_before_decoding() {
        // A type the hook does not listen to never reaches the decoder, so it cannot fail.
        let options = UseEventSourceOptions::new().on_decode_error(DecodeErrorPolicy::Close).decode(number);
        assert_eq!(options.step(message("ping", "x")), Step::Ignore);
    }
}
