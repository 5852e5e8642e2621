//! The bounded queue between the connection task and the stream's consumer, and what the
//! task publishes about the source (its `readyState` and last event ID).
//!
//! The task waits in [`Shared::poll_room`] while the queue holds `max_queued` items and
//! resumes when the consumer has taken half of them, so a slow consumer slows the server
//! down through TCP flow control instead of memory growing.

use crate::engine::ReadyState;
use crate::event::{Error, SseEvent};
use std::collections::VecDeque;
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

    /// The consumer's side: the next item, or `None` once finished and drained.
    pub(super) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        let (item, reader) = {
            let mut state = self.lock();
            match state.items.pop_front() {
                Some(item) => {
                    let reader =
                        if state.items.len() <= self.max_queued / 2 { state.reader.take() } else { None };
                    (Poll::Ready(Some(item)), reader)
                }
                None if state.finished => (Poll::Ready(None), None),
                None => {
                    state.consumer = Some(cx.waker().clone());
                    (Poll::Pending, None)
                }
            }
        };
        if let Some(waker) = reader {
            waker.wake();
        }
        item
    }

    /// The task's side: ready when the queue has room; otherwise pending until the
    /// consumer has taken half of it.
    pub(super) fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.lock();
        if state.finished || state.items.len() < self.max_queued {
            return Poll::Ready(());
        }
        state.reader = Some(cx.waker().clone());
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
