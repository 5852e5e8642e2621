//! [`ClientGone`]: resolves when a response's body is dropped, which is how hyper and axum
//! say that the client went away (or that the server is done with the connection).

use tokio::sync::watch;

/// Held by a response body; dropping it tells every [`ClientGone`] that the client left.
#[derive(Debug)]
pub(crate) struct Presence(watch::Sender<()>);

impl Presence {
    /// A presence and a first watcher of it.
    pub(crate) fn new() -> (Presence, ClientGone) {
        let (sender, receiver) = watch::channel(());
        (Presence(sender), ClientGone(receiver))
    }

    /// Another watcher of this presence.
    pub(crate) fn watch(&self) -> ClientGone {
        ClientGone(self.0.subscribe())
    }
}

/// Resolves when the client of a response has gone away: the connection closed, or the
/// server dropped the body. Cheap to clone; every clone sees the same event.
///
/// ```no_run
/// # async fn handler() -> wasm_eventsource::server::SseResponse {
/// use wasm_eventsource::server::SseResponse;
///
/// let (sender, response) = SseResponse::channel(16);
/// let gone = response.client_gone();
/// tokio::spawn(async move {
///     gone.wait().await;
///     // stop the work done for this client
/// });
/// # drop(sender);
/// response
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ClientGone(watch::Receiver<()>);

impl ClientGone {
    /// Waits until the client is gone (at once if it already is).
    pub async fn wait(&self) {
        let mut receiver = self.0.clone();
        // `changed` fails only once the sender, held by the body, is dropped; nothing is
        // ever sent, so the loop ends there.
        while receiver.changed().await.is_ok() {}
    }

    /// True once the client is gone.
    pub fn is_gone(&self) -> bool {
        self.0.has_changed().is_err()
    }
}
