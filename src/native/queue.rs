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

use crate::engine::ReadyState;
use crate::event::{Error, SseEvent};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use tokio::task::AbortHandle;

/// One item of the stream.
pub(super) type Item = Result<SseEvent, Error>;

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
    items: VecDeque<Item>,
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
                items: VecDeque::new(),
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
    pub(super) fn publish(&self, items: &mut Vec<Item>, ready_state: ReadyState, last_event_id: &str) {
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
            state.items.extend(items.drain(..));
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

    /// The consumer's side: moves every queued item into `buffer` (which is empty), ready
    /// when there were some or the stream is finished (`None` then), else pending until
    /// there are.
    pub(super) fn take_all(&self, buffer: &mut VecDeque<Item>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let (poll, reader) = {
            let mut state = self.lock();
            let poll = if !state.items.is_empty() {
                std::mem::swap(&mut state.items, buffer);
                self.taken.store(buffer.len(), Ordering::Release);
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
