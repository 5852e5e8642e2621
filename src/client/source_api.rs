//! The [`EventSource`] methods both transports share: the browser's (`src/browser/source.rs`) and
//! the native one (`src/native/source.rs`) each give the source an [`EventSourceHandle`]
//! that does the work, so the API is written once.

use crate::builder::EventSourceBuilder;
use crate::engine::ReadyState;
use crate::event::Error;
use crate::{EventSource, EventSourceHandle};
use alloc::string::String;

impl EventSource {
    /// A builder for a source on `url` (in the browser a relative URL resolves against the
    /// page; natively it must be absolute).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), wasm_eventsource::Error> {
    /// let source = wasm_eventsource::EventSource::builder("https://example.com/events")
    ///     .header("Authorization", "Bearer abc")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder(url: impl Into<String>) -> EventSourceBuilder {
        EventSourceBuilder::new(url)
    }

    /// A plain GET source with the defaults, like `new EventSource(url)`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), wasm_eventsource::Error> {
    /// let source = wasm_eventsource::EventSource::new("https://example.com/events")?;
    /// # Ok(()) }
    /// ```
    pub fn new(url: impl Into<String>) -> Result<EventSource, Error> {
        EventSource::builder(url).build()
    }

    /// A handle that can close this source or read its state; dropping it does nothing.
    pub fn handle(&self) -> EventSourceHandle {
        self.handle.clone()
    }

    /// The `readyState`: connecting, open, or closed.
    pub fn ready_state(&self) -> ReadyState {
        self.handle.ready_state()
    }

    /// The last event ID the next reconnect will send.
    pub fn last_event_id(&self) -> String {
        self.handle.last_event_id()
    }

    /// Closes for good: the request is aborted and the stream ends.
    pub fn close(&self) {
        self.handle.close();
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        self.handle.close();
    }
}
