//! Options shared by the Leptos and Yew `use_event_source` hooks.

use crate::builder::EventSourceBuilder;
use crate::event::MessageEvent;
use std::rc::Rc;

/// How a `use_event_source` hook connects and what it keeps.
///
/// `T` is what each message becomes: the [`MessageEvent`] itself by default, or your
/// own type with [`UseEventSourceOptions::decode`] (or `json()` with the `serde` feature).
///
/// ```
/// use wasm_eventsource::hooks::UseEventSourceOptions;
///
/// let options = UseEventSourceOptions::new()
///     .configure(|builder| builder.header("Authorization", "Bearer abc"))
///     .decode(|message| message.data.parse::<u64>().map_err(|error| error.to_string()))
///     .history(50);
/// ```
pub struct UseEventSourceOptions<T> {
    pub(crate) configure: Rc<dyn Fn(EventSourceBuilder) -> EventSourceBuilder>,
    pub(crate) decode: Rc<dyn Fn(MessageEvent) -> Result<T, String>>,
    pub(crate) history: usize,
    pub(crate) immediate: bool,
}

impl<T> Clone for UseEventSourceOptions<T> {
    fn clone(&self) -> Self {
        UseEventSourceOptions {
            configure: self.configure.clone(),
            decode: self.decode.clone(),
            history: self.history,
            immediate: self.immediate,
        }
    }
}

impl UseEventSourceOptions<MessageEvent> {
    /// Connects at once, keeps [`MessageEvent`]s, and remembers the last 100.
    ///
    /// ```
    /// let options = wasm_eventsource::hooks::UseEventSourceOptions::new();
    /// ```
    pub fn new() -> Self {
        UseEventSourceOptions {
            configure: Rc::new(|builder| builder),
            decode: Rc::new(Ok),
            history: 100,
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
    /// retry policy, stall timeout...
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

    /// Turns each message into a `U`; a message it refuses sets the hook's error to
    /// [`crate::Error::Decode`] and is not kept.
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
            history: self.history,
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

    /// How many messages the hook's `messages` keeps (the newest; at least 1).
    ///
    /// ```
    /// # use wasm_eventsource::hooks::UseEventSourceOptions;
    /// let options = UseEventSourceOptions::new().history(1_000);
    /// ```
    pub fn history(mut self, messages: usize) -> Self {
        self.history = messages.max(1);
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

    /// Decodes one message.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn decode_message(&self, message: MessageEvent) -> Result<T, String> {
        (self.decode)(message)
    }
}

/// Appends `item` to `list`, keeping only the newest `limit` items.
pub(crate) fn push_bounded<T>(list: &mut Vec<T>, item: T, limit: usize) {
    list.push(item);
    if list.len() > limit {
        let excess = list.len() - limit;
        list.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::push_bounded;

    #[test]
    fn history_keeps_the_newest() {
        let mut list = Vec::new();
        for n in 0..10 {
            push_bounded(&mut list, n, 3);
        }
        assert_eq!(list, [7, 8, 9]);
    }
}
