//! [`RedisHub`]: the [`Hub`] over a Redis stream, shared by every server node.
//!
//! Each node appends with `XADD` (the stream id is the event id) and runs one reader that
//! follows the stream with `XREAD BLOCK` into a retained log in memory, which all of the
//! node's subscribers share. A subscriber resuming from an id older than that log first
//! reads the gap with `XRANGE`, then switches to the log where the range ended.

use super::hub::{Hub, HubError, Message, Retention, Subscription};
use super::log::Log;
use bytes::Bytes;
use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use redis::streams::{StreamId, StreamRangeReply, StreamReadReply};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How long one `XREAD BLOCK` waits for new entries before it is issued again.
const BLOCK: Duration = Duration::from_secs(5);

/// The most entries one `XREAD` or `XRANGE` returns.
const PAGE: usize = 512;

/// How long the reader waits before reconnecting after Redis failed.
const RECONNECT_DELAY: Duration = Duration::from_millis(250);

/// A Redis stream entry id, `<milliseconds>-<sequence>`, ordered as Redis orders them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct EntryId {
    millis: u64,
    sequence: u64,
}

impl EntryId {
    fn parse(text: &str) -> Option<EntryId> {
        let (millis, sequence) = text.split_once('-')?;
        Some(EntryId { millis: millis.parse().ok()?, sequence: sequence.parse().ok()? })
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.millis, self.sequence)
    }
}

/// A [`Hub`] over the Redis stream at one key: the events survive a restart of any node,
/// and every node serves every client. Ids are Redis stream ids (`1700000000000-0`).
///
/// Retention: `XADD` trims the stream to [`Retention::max_events`] and, with
/// [`Retention::max_age`], to entries younger than that (by their ids' clock, Redis's).
/// [`Retention::max_bytes`] bounds each node's copy in memory only.
///
/// Resuming from an id older than the oldest entry kept makes [`Subscription::missed`]
/// true once the stream has been trimmed, even when the id's next event is the oldest
/// kept: Redis does not say which ids it trimmed.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use wasm_eventsource::server::{Hub, Message, RedisHub, Retention};
///
/// let client = redis::Client::open("redis://127.0.0.1:6379/")?;
/// let hub = RedisHub::connect(client, "events", Retention::default()).await?;
/// let id = hub.publish(Message::new("hello")).await?;
/// let resumed = hub.subscribe(Some(&id)).await?;
/// # let _ = resumed;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisHub {
    inner: Arc<Inner>,
}

struct Inner {
    connection: MultiplexedConnection,
    key: String,
    retention: Retention,
    log: Arc<Log<EntryId>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl fmt::Debug for RedisHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisHub").field("key", &self.inner.key).finish_non_exhaustive()
    }
}

impl RedisHub {
    /// Connects to Redis and starts following the stream at `key` (created by the first
    /// publish). Must be called within a tokio runtime.
    pub async fn connect(
        client: redis::Client,
        key: impl Into<String>,
        retention: Retention,
    ) -> Result<Self, HubError> {
        let key = key.into();
        let mut connection = client.get_multiplexed_async_connection().await.map_err(HubError::Redis)?;
        let newest: StreamRangeReply =
            connection.xrevrange_count(&key, "+", "-", 1).await.map_err(HubError::Redis)?;
        let since = newest.ids.first().and_then(|entry| EntryId::parse(&entry.id)).unwrap_or_default();
        let log = Arc::new(Log::new(since, retention));
        let reader = tokio::spawn(follow_stream(client, key.clone(), Arc::clone(&log), since));
        Ok(RedisHub { inner: Arc::new(Inner { connection, key, retention, log, reader }) })
    }

    /// Where a subscriber resuming after `id` starts, and whether it missed events.
    async fn resume_point(&self, id: Option<EntryId>) -> Result<(EntryId, bool), HubError> {
        let mut connection = self.inner.connection.clone();
        let info: redis::RedisResult<HashMap<String, redis::Value>> =
            redis::cmd("XINFO").arg("STREAM").arg(&self.inner.key).query_async(&mut connection).await;
        let info = match info {
            Ok(info) => info,
            // No stream yet: nothing was ever published, so nothing was missed.
            Err(error) if error.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError) => {
                return Ok((id.unwrap_or_default(), id.is_some_and(|id| id != EntryId::default())));
            }
            Err(error) => return Err(HubError::Redis(error)),
        };
        let read_id = |field: &str| {
            info.get(field)
                .and_then(|value| redis::from_redis_value_ref::<String>(value).ok())
                .and_then(|text| EntryId::parse(&text))
        };
        let newest = read_id("last-generated-id").unwrap_or_default();
        let first = first_entry(&info);
        let length = info.get("length").and_then(|v| redis::from_redis_value_ref::<u64>(v).ok()).unwrap_or(0);
        let added =
            info.get("entries-added").and_then(|v| redis::from_redis_value_ref::<u64>(v).ok()).unwrap_or(0);
        let trimmed = added > length;
        match id {
            Some(id) if id <= newest && !(trimmed && first.is_none_or(|first| id < first)) => Ok((id, false)),
            _ => Ok((EntryId::default(), true)),
        }
    }
}

/// The id of the stream's first entry, from `XINFO STREAM`'s `first-entry`.
fn first_entry(info: &HashMap<String, redis::Value>) -> Option<EntryId> {
    let redis::Value::Array(entry) = info.get("first-entry")? else { return None };
    let id = redis::from_redis_value_ref::<String>(entry.first()?).ok()?;
    EntryId::parse(&id)
}

impl Hub for RedisHub {
    async fn publish(&self, message: Message) -> Result<String, HubError> {
        // Checks the event type before anything is stored.
        message.encode("0-0")?;
        let mut command = redis::cmd("XADD");
        command.arg(&self.inner.key).arg("MAXLEN").arg(self.inner.retention.max_events).arg("*");
        if let Some(event_type) = &message.event_type {
            command.arg("event").arg(event_type);
        }
        command.arg("data").arg(&message.data);
        let mut connection = self.inner.connection.clone();
        let id: String = command.query_async(&mut connection).await.map_err(HubError::Redis)?;
        if let (Some(age), Some(added)) = (self.inner.retention.max_age, EntryId::parse(&id)) {
            let age = u64::try_from(age.as_millis()).unwrap_or(u64::MAX);
            let oldest = EntryId { millis: added.millis.saturating_sub(age), sequence: 0 };
            let _: usize = redis::cmd("XTRIM")
                .arg(&self.inner.key)
                .arg("MINID")
                .arg(oldest.to_string())
                .query_async(&mut connection)
                .await
                .map_err(HubError::Redis)?;
        }
        Ok(id)
    }

    async fn subscribe(&self, last_event_id: Option<&str>) -> Result<Subscription, HubError> {
        let log = Arc::clone(&self.inner.log);
        let Some(text) = last_event_id.filter(|id| !id.is_empty()) else {
            return Ok(Subscription::new(false, log.follow(self.inner.log.newest())));
        };
        let id = EntryId::parse(text);
        if let Some(id) = id.filter(|id| log.covers(*id) && *id <= log.newest()) {
            return Ok(Subscription::new(false, log.follow(id)));
        }
        let (cursor, missed) = self.resume_point(id).await?;
        let replay =
            Replay { connection: self.inner.connection.clone(), key: self.inner.key.clone(), log, cursor };
        Ok(Subscription::new(missed, replay.stream()))
    }
}

/// A subscriber reading from Redis until the node's log covers its cursor.
struct Replay {
    connection: MultiplexedConnection,
    key: String,
    log: Arc<Log<EntryId>>,
    cursor: EntryId,
}

impl Replay {
    /// The entries after the cursor, a page at a time from Redis, then the log's. A Redis
    /// failure ends the stream (the client reconnects and resumes).
    fn stream(self) -> impl futures_core::Stream<Item = Bytes> + Send + 'static {
        let pages = futures_util::stream::unfold(Some(self), |replay| async move {
            let mut replay = replay?;
            let start = format!("({}", replay.cursor);
            let page: StreamRangeReply =
                replay.connection.xrange_count(&replay.key, start, "+", PAGE).await.ok()?;
            let full = page.ids.len() >= PAGE;
            let mut frames = Vec::with_capacity(page.ids.len());
            for entry in &page.ids {
                if let Some((id, frame)) = encode_entry(entry) {
                    replay.cursor = id;
                    frames.push(frame);
                }
            }
            if full || !replay.log.covers(replay.cursor) {
                Some((Phase::Replayed(frames), Some(replay)))
            } else {
                Some((Phase::Live(frames, replay.log, replay.cursor), None))
            }
        });
        pages.flat_map(|phase| match phase {
            Phase::Replayed(frames) => futures_util::stream::iter(frames).left_stream(),
            Phase::Live(frames, log, cursor) => {
                futures_util::stream::iter(frames).chain(log.follow(cursor)).right_stream()
            }
        })
    }
}

/// A page of a replay: more to read from Redis, or the last page and then the log.
enum Phase {
    Replayed(Vec<Bytes>),
    Live(Vec<Bytes>, Arc<Log<EntryId>>, EntryId),
}

/// A stream entry's id and its event's bytes (`None` for an entry that is not an event
/// this hub wrote).
fn encode_entry(entry: &StreamId) -> Option<(EntryId, Bytes)> {
    let id = EntryId::parse(&entry.id)?;
    let field =
        |name: &str| entry.map.get(name).and_then(|value| redis::from_redis_value_ref::<String>(value).ok());
    let mut message = Message::new(field("data").unwrap_or_default());
    message.event_type = field("event");
    let frame = message.encode(&entry.id).ok()?;
    Some((id, frame))
}

/// The node's reader: follows the stream after `cursor` with `XREAD BLOCK` into `log`,
/// reconnecting after a failure, until the hub is dropped.
async fn follow_stream(client: redis::Client, key: String, log: Arc<Log<EntryId>>, mut cursor: EntryId) {
    // The blocking read outlasts the default response timeout.
    let config =
        redis::AsyncConnectionConfig::new().set_response_timeout(Some(BLOCK + Duration::from_secs(5)));
    loop {
        let Ok(mut connection) = client.get_multiplexed_async_connection_with_config(&config).await else {
            tokio::time::sleep(RECONNECT_DELAY).await;
            continue;
        };
        loop {
            let read: redis::RedisResult<Option<StreamReadReply>> = redis::cmd("XREAD")
                .arg("COUNT")
                .arg(PAGE)
                .arg("BLOCK")
                .arg(u64::try_from(BLOCK.as_millis()).unwrap_or(u64::MAX))
                .arg("STREAMS")
                .arg(&key)
                .arg(cursor.to_string())
                .query_async(&mut connection)
                .await;
            let Ok(reply) = read else {
                tokio::time::sleep(RECONNECT_DELAY).await;
                break;
            };
            for entry in reply.into_iter().flat_map(|reply| reply.keys).flat_map(|stream| stream.ids) {
                match encode_entry(&entry) {
                    Some((id, frame)) => {
                        cursor = id;
                        log.append(id, frame);
                    }
                    None => {
                        if let Some(id) = EntryId::parse(&entry.id) {
                            cursor = id;
                        }
                    }
                }
            }
        }
    }
}
