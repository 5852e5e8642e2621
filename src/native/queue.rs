//! The bounded queue between the connection task and the stream's consumer, and what the
//! task publishes about the source (its `readyState` and last event ID).
//!
//! The task waits in [`Shared::poll_room`] while the queue holds `max_queued` items and
//! resumes when the consumer has taken half of them, so a slow consumer slows the server
//! down through TCP flow control instead of memory growing.
//!
//! The consumer takes the whole queue at once ([`Shared::take_all`]) and yields from its own
//! buffer without locking; the items in that buffer still count towards the bound. Taking
//! one item per lock cost 64-byte events about a third of their end-to-end throughput.
//!
//! A message crosses as ranges into one text buffer that travels with the items, and the
//! consumer makes its strings ([`Consumer::next`]): strings made on the task's thread and
//! freed on the consumer's defeat the allocator's per-thread caches, which cost 64-byte
//! events about a third of their end-to-end throughput again (`cargo bench --features
//! native --bench clients`). The buffers go back and forth, so neither side allocates
//! them per batch.

use crate::engine::ReadyState;
use crate::event::{Error, MessageEvent, SseEvent};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use tokio::task::AbortHandle;

/// The text capacity a batch keeps when it is emptied: a burst of large messages must not
/// hold its memory for the life of the source.
const TEXT_CAPACITY_KEPT: usize = 64 * 1024;

/// The item capacity a batch keeps when it is emptied (a burst can queue `max_queued`
/// items and more).
const ITEM_CAPACITY_KEPT: usize = 1024;

/// One item of the stream.
pub(super) type Item = Result<SseEvent, Error>;

/// One item as the queue holds it.
pub(super) enum Queued {
    /// An item made whole by the task (lifecycle events and errors).
    Item(Item),
    /// A message, its parts as ranges of the batch's text.
    Message {
        /// `None` for the default type, `message`.
        event_type: Option<Range<usize>>,
        data: Range<usize>,
        id: Range<usize>,
    },
    /// The origin of the messages that follow (set when a response opens the stream).
    Origin(Arc<str>),
}

/// Items and the text their messages point into, as the task makes them and as the
/// consumer reads them.
#[derive(Default)]
pub(super) struct Batch {
    items: VecDeque<Queued>,
    text: String,
}

impl Batch {
    /// Appends a message whose parts are copied into the batch's text.
    pub(super) fn message(&mut self, event_type_field: &str, data: &str, id: &str) {
        let event_type = (!event_type_field.is_empty()).then(|| append(&mut self.text, event_type_field));
        let data = append(&mut self.text, data);
        let id = append(&mut self.text, id);
        self.items.push_back(Queued::Message { event_type, data, id });
    }

    /// Appends an item made whole.
    pub(super) fn push(&mut self, item: Item) {
        self.items.push_back(Queued::Item(item));
    }

    /// Says that the messages after this point come from `origin`.
    pub(super) fn origin(&mut self, origin: Arc<str>) {
        self.items.push_back(Queued::Origin(origin));
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    /// Empties the batch, keeping at most a bounded capacity for the next one.
    fn clear(&mut self) {
        self.items.clear();
        self.items.shrink_to(ITEM_CAPACITY_KEPT);
        self.text.clear();
        self.text.shrink_to(TEXT_CAPACITY_KEPT);
    }

    /// Moves `other`'s items to the end of this batch (leaving `other` empty, its buffers
    /// kept), their ranges moved along with their text.
    fn append(&mut self, other: &mut Batch) {
        if self.is_empty() {
            std::mem::swap(self, other);
            return;
        }
        let base = self.text.len();
        self.text.push_str(&other.text);
        let shift = |range: Range<usize>| range.start + base..range.end + base;
        self.items.extend(other.items.drain(..).map(|queued| match queued {
            Queued::Message { event_type, data, id } => {
                Queued::Message { event_type: event_type.map(shift), data: shift(data), id: shift(id) }
            }
            other => other,
        }));
        other.clear();
    }
}

/// Copies `text` to the end of `buffer`, giving its range there.
fn append(buffer: &mut String, text: &str) -> Range<usize> {
    let start = buffer.len();
    buffer.push_str(text);
    start..buffer.len()
}

/// The consumer's side: the batch it took, yielded item by item without locking.
#[derive(Default)]
pub(super) struct Consumer {
    batch: Batch,
    /// The origin of the messages being yielded.
    origin: Option<Arc<str>>,
}

impl Consumer {
    /// Whether every item taken was yielded.
    pub(super) fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// Drops what was taken and not yet yielded.
    pub(super) fn clear(&mut self) {
        self.batch.clear();
    }

    /// The next item taken, its strings made here, on the consumer's thread.
    pub(super) fn next(&mut self, shared: &Shared) -> Option<Item> {
        loop {
            let queued = self.batch.items.pop_front()?;
            shared.yielded();
            let text = &self.batch.text;
            // The ranges were made by `Batch::message` within this text, so `get` finds them.
            let part = |range: Range<usize>| text.get(range).unwrap_or_default();
            match queued {
                Queued::Item(item) => return Some(item),
                Queued::Origin(origin) => self.origin = Some(origin),
                Queued::Message { event_type, data, id } => {
                    let event_type = match event_type {
                        None => Cow::Borrowed("message"),
                        Some(range) => Cow::Owned(part(range).into()),
                    };
                    let origin = self.origin.clone().unwrap_or_else(|| Arc::from(""));
                    let message =
                        MessageEvent { event_type, data: part(data).into(), id: part(id).into(), origin };
                    return Some(Ok(SseEvent::Message(message)));
                }
            }
        }
    }
}

/// What the source and its task share.
pub(super) struct Shared {
    state: Mutex<State>,
    /// How many items the queue holds before the task stops reading.
    max_queued: usize,
    /// Items in the consumer's buffer, taken from the queue but not yet yielded.
    taken: AtomicUsize,
    /// The task waits for room (its waker is in `State::reader`).
    reader_waiting: AtomicBool,
    /// Closed for good: the consumer drops its buffer and the stream ends.
    closed: AtomicBool,
}

struct State {
    items: Batch,
    /// The consumer's waker, for a new item or the end.
    consumer: Option<Waker>,
    /// The task's waker, while it waits for room.
    reader: Option<Waker>,
    /// No more items: the source failed or was closed.
    finished: bool,
    ready_state: ReadyState,
    last_event_id: String,
    /// Ends the task when the source is closed.
    task: Option<AbortHandle>,
}

impl Shared {
    /// An empty queue of at most `max_queued` items (at least 1).
    pub(super) fn new(max_queued: usize, last_event_id: String) -> Shared {
        Shared {
            state: Mutex::new(State {
                items: Batch::default(),
                consumer: None,
                reader: None,
                finished: false,
                ready_state: ReadyState::Connecting,
                last_event_id,
                task: None,
            }),
            max_queued: max_queued.max(1),
            taken: AtomicUsize::new(0),
            reader_waiting: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the queue half-updated: every change is one call.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers the task, so that closing ends it (at once if already closed).
    pub(super) fn set_task(&self, task: AbortHandle) {
        let mut state = self.lock();
        if state.ready_state == ReadyState::Closed {
            task.abort();
        }
        state.task = Some(task);
    }

    /// Appends `items` (emptying it), and records the engine's state, unless closed.
    pub(super) fn publish(&self, items: &mut Batch, ready_state: ReadyState, last_event_id: &str) {
        let waker = {
            let mut state = self.lock();
            if state.ready_state == ReadyState::Closed {
                items.clear();
                return;
            }
            state.ready_state = ready_state;
            if state.last_event_id != last_event_id {
                last_event_id.clone_into(&mut state.last_event_id);
            }
            let finished = ready_state == ReadyState::Closed;
            if items.is_empty() && !finished {
                return;
            }
            state.items.append(items);
            state.finished = finished;
            state.consumer.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Closes for good: no more items, the task ends, the stream ends.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let (task, consumer) = {
            let mut state = self.lock();
            state.ready_state = ReadyState::Closed;
            state.finished = true;
            state.items.clear();
            state.reader = None;
            (state.task.take(), state.consumer.take())
        };
        if let Some(task) = task {
            task.abort();
        }
        if let Some(waker) = consumer {
            waker.wake();
        }
    }

    /// Whether the source was closed (its stream ends at once, buffered items included).
    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The consumer's side: moves every queued item into `consumer` (which is empty), ready
    /// when there were some or the stream is finished (`None` then), else pending until
    /// there are.
    pub(super) fn take_all(&self, consumer: &mut Consumer, cx: &mut Context<'_>) -> Poll<Option<()>> {
        // The consumer's emptied buffers go to the task in exchange.
        consumer.batch.clear();
        let (poll, reader) = {
            let mut state = self.lock();
            let poll = if !state.items.is_empty() {
                std::mem::swap(&mut state.items, &mut consumer.batch);
                self.taken.store(consumer.batch.len(), Ordering::Release);
                Poll::Ready(Some(()))
            } else if state.finished {
                Poll::Ready(None)
            } else {
                state.consumer = Some(cx.waker().clone());
                Poll::Pending
            };
            (poll, self.take_reader(&mut state))
        };
        if let Some(waker) = reader {
            waker.wake();
        }
        poll
    }

    /// The consumer yielded one item from its buffer; wakes the task once the consumer
    /// has caught up halfway.
    pub(super) fn yielded(&self) {
        let left = self.taken.fetch_sub(1, Ordering::AcqRel).saturating_sub(1);
        if left <= self.max_queued / 2 && self.reader_waiting.load(Ordering::Acquire) {
            let reader = self.take_reader(&mut self.lock());
            if let Some(waker) = reader {
                waker.wake();
            }
        }
    }

    fn take_reader(&self, state: &mut State) -> Option<Waker> {
        self.reader_waiting.store(false, Ordering::Release);
        state.reader.take()
    }

    /// The task's side: ready when the queue and the consumer's buffer hold fewer than
    /// `max_queued` items; otherwise pending until the consumer has caught up halfway.
    pub(super) fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.lock();
        let held = state.items.len() + self.taken.load(Ordering::Acquire);
        if state.finished || held < self.max_queued {
            return Poll::Ready(());
        }
        state.reader = Some(cx.waker().clone());
        self.reader_waiting.store(true, Ordering::Release);
        Poll::Pending
    }

    /// The source's `readyState`.
    pub(super) fn ready_state(&self) -> ReadyState {
        self.lock().ready_state
    }

    /// The last event ID the next reconnect will send.
    pub(super) fn last_event_id(&self) -> String {
        self.lock().last_event_id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::{Batch, Consumer, Shared};
    use crate::engine::ReadyState;
    use crate::event::{MessageEvent, SseEvent};
    use std::sync::Arc;
    use std::task::{Context, Poll, Waker};

    fn message(event_type: &str, data: &str, id: &str, origin: &str) -> MessageEvent {
        MessageEvent {
            event_type: String::from(event_type).into(),
            data: data.into(),
            id: id.into(),
            origin: origin.into(),
        }
    }

    /// Everything the consumer yields from one take.
    fn take(shared: &Shared, consumer: &mut Consumer) -> Vec<MessageEvent> {
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(shared.take_all(consumer, &mut cx), Poll::Ready(Some(())));
        std::iter::from_fn(|| consumer.next(shared))
            .map(|item| match item {
                Ok(SseEvent::Message(message)) => message,
                other => panic!("not a message: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn messages_published_in_several_batches_keep_their_own_text() {
        let shared = Shared::new(100, String::new());
        let mut consumer = Consumer::default();
        let mut out = Batch::default();
        out.origin(Arc::from("http://a.test"));
        out.message("", "one", "1");
        out.message("tick", "two\nlines", "");
        shared.publish(&mut out, ReadyState::Open, "1");
        // The consumer has not taken the first batch: the second lands after it.
        out.message("", "three", "3");
        out.origin(Arc::from("http://b.test"));
        out.message("tock", "four", "4");
        shared.publish(&mut out, ReadyState::Open, "4");
        assert_eq!(
            take(&shared, &mut consumer),
            [
                message("message", "one", "1", "http://a.test"),
                message("tick", "two\nlines", "", "http://a.test"),
                message("message", "three", "3", "http://a.test"),
                message("tock", "four", "4", "http://b.test"),
            ]
        );
        // The buffers went back and forth: the next batch is read from its own text.
        out.message("", "five", "5");
        shared.publish(&mut out, ReadyState::Open, "5");
        assert_eq!(take(&shared, &mut consumer), [message("message", "five", "5", "http://b.test")]);
    }

    #[test]
    fn a_burst_of_large_messages_does_not_keep_its_memory() {
        let shared = Shared::new(100, String::new());
        let mut consumer = Consumer::default();
        let mut out = Batch::default();
        let large = "x".repeat(1 << 20);
        for _ in 0..8 {
            out.message("", &large, "");
        }
        shared.publish(&mut out, ReadyState::Open, "");
        assert_eq!(take(&shared, &mut consumer).len(), 8);
        out.message("", "small", "");
        shared.publish(&mut out, ReadyState::Open, "");
        assert_eq!(take(&shared, &mut consumer).len(), 1);
        // Both buffers went through both sides since the burst.
        let queue = shared.lock();
        for text in [&out.text, &consumer.batch.text, &queue.items.text] {
            assert!(text.capacity() <= super::TEXT_CAPACITY_KEPT, "{} bytes kept", text.capacity());
        }
        assert!(consumer.batch.items.capacity() <= super::ITEM_CAPACITY_KEPT);
    }
}
