//! [`MemoryHub`]: the [`Hub`] for one server process, its events kept in memory.

use super::hub::{Hub, HubError, Message, Retention, Subscription};
use super::log::Log;
use std::sync::Arc;

/// A [`Hub`] in this process's memory. Ids are `1`, `2`, `3`, ... in publish order.
///
/// Clones share the same events. After a restart the hub starts empty and its ids start
/// again at 1, so an id from before is unknown: the subscription starts at the oldest
/// event kept and [`Subscription::missed`] is true. Use [`RedisHub`](super::RedisHub) to
/// keep events across restarts and share them between nodes.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), wasm_eventsource::server::HubError> {
/// use futures_util::StreamExt;
/// use wasm_eventsource::server::{Hub, MemoryHub, Message, Retention};
///
/// let hub = MemoryHub::new(Retention::default());
/// let first = hub.publish(Message::new("one")).await?;
/// hub.publish(Message::new("two").event_type("note")).await?;
/// let mut resumed = hub.subscribe(Some(&first)).await?;
/// assert_eq!(resumed.next().await.as_deref(), Some(&b"event: note\nid: 2\ndata: two\n\n"[..]));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryHub {
    log: Arc<Log<u64>>,
}

impl MemoryHub {
    /// An empty hub keeping what `retention` allows.
    pub fn new(retention: Retention) -> Self {
        MemoryHub { log: Arc::new(Log::new(0, retention)) }
    }
}

impl core::fmt::Debug for MemoryHub {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryHub").field("newest", &self.log.newest()).finish()
    }
}

impl Hub for MemoryHub {
    async fn publish(&self, message: Message) -> Result<String, HubError> {
        let key = self.log.append_with(|newest| {
            let key = newest.saturating_add(1);
            message.encode(&key.to_string()).map(|frame| (key, frame))
        })?;
        Ok(key.to_string())
    }

    async fn subscribe(&self, last_event_id: Option<&str>) -> Result<Subscription, HubError> {
        let resume = match last_event_id.filter(|id| !id.is_empty()) {
            None => Ok(self.log.newest()),
            Some(id) => id.parse::<u64>().map_err(|_| 0).and_then(|key| self.log.resume_point(key)),
        };
        let (cursor, missed) = match resume {
            Ok(cursor) => (cursor, false),
            // An unparsable id is as unknown as one from before a restart.
            Err(_) => (self.log.resume_point(0).unwrap_or_else(|oldest| oldest), true),
        };
        Ok(Subscription::new(missed, Arc::clone(&self.log).follow(cursor)))
    }
}
