//! The native side of [`crate::ErrorBody`]: a failed response kept unread until someone
//! asks for its text, then read once (at most the builder's `max_error_body_size` bytes,
//! and, with a stall timeout, only while bytes keep coming) and remembered. Letting it go
//! drops the response, which closes its connection.

use crate::parser::push_lossy;
use std::time::Duration;
use tokio::sync::Mutex;

/// A failed response's body, shared by every copy of its [`crate::ErrorBody`].
pub(crate) struct NativeBody {
    state: Mutex<State>,
    limit: usize,
    /// The source's stall timeout: a body that sends nothing for this long ends the read.
    idle: Option<Duration>,
}

enum State {
    Unread(reqwest::Response),
    Read(String),
    Released,
}

impl NativeBody {
    /// The body of `response`, of which at most `limit` bytes will be read, and none after
    /// `idle` without a byte.
    pub(crate) fn new(response: reqwest::Response, limit: usize, idle: Option<Duration>) -> NativeBody {
        NativeBody { state: Mutex::new(State::Unread(response)), limit, idle }
    }

    /// The start of the body as text; the first call reads it, later ones repeat it.
    pub(crate) async fn text(&self) -> String {
        let mut state = self.state.lock().await;
        let text = match std::mem::replace(&mut *state, State::Released) {
            State::Unread(response) => read_text(response, self.limit, self.idle).await,
            State::Read(text) => text,
            State::Released => return String::new(),
        };
        *state = State::Read(text.clone());
        text
    }

    /// Lets the body go now unless someone started reading it.
    pub(crate) fn release(&self) {
        if let Ok(mut state) = self.state.try_lock()
            && let State::Unread(_) = &*state
        {
            *state = State::Released;
        }
    }
}

/// Reads up to `limit` bytes of the body as text (lossy UTF-8), then drops the response. A
/// body that fails, or sends nothing for `idle`, gives what arrived.
async fn read_text(mut response: reqwest::Response, limit: usize, idle: Option<Duration>) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        let next = response.chunk();
        let chunk = match idle {
            Some(idle) => tokio::time::timeout(idle, next).await.unwrap_or(Ok(None)),
            None => next.await,
        };
        let Ok(Some(chunk)) = chunk else { break };
        let take = chunk.len().min(limit - bytes.len());
        bytes.extend_from_slice(chunk.get(..take).unwrap_or_default());
    }
    let mut text = String::new();
    push_lossy(&mut text, &bytes);
    text
}
