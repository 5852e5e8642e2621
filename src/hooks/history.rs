//! [`History`]: the messages the Leptos and Yew hooks keep, as snapshots that share one
//! append-only buffer, so a new message costs O(1) (amortized) however long the history is,
//! while every render keeps the snapshot it was given, and taking a snapshot (a Leptos
//! signal's `get()`) copies no message.

use std::fmt;
use std::sync::{Arc, OnceLock};

/// The smallest buffer a history allocates.
const MIN_CAPACITY: usize = 16;

/// The newest messages of a stream, oldest first: a cheap, immutable snapshot.
///
/// Snapshots share one buffer of write-once slots: appending fills the slot after a
/// snapshot's last one and returns a longer snapshot, and the shorter one still sees only
/// its own messages. A full buffer (or a second append after the same snapshot) moves the
/// kept messages to a new buffer twice their number, so each message is copied O(1)
/// times on average and the buffer holds at most about twice the limit.
///
/// ```no_run
/// # use yew::prelude::*;
/// # use wasm_eventsource::hooks::UseEventSourceOptions;
/// # use wasm_eventsource::yew::use_event_source;
/// # #[function_component]
/// # fn Feed() -> Html {
/// # let feed = use_event_source("/ticks".to_string(), UseEventSourceOptions::new().history(20));
/// html! { <ul>{ for feed.messages.iter().map(|m| html! { <li>{ &m.data }</li> }) }</ul> }
/// # }
/// # fn main() {}
/// ```
pub struct History<T> {
    buffer: Arc<[OnceLock<T>]>,
    /// The window of `buffer` this snapshot shows: every slot in it is filled.
    start: usize,
    end: usize,
}

impl<T> History<T> {
    /// An empty history.
    pub fn new() -> Self {
        History { buffer: Arc::new([]), start: 0, end: 0 }
    }

    /// How many messages it holds.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The messages, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.window().iter().filter_map(OnceLock::get)
    }

    /// The `index`th message (0 is the oldest kept).
    pub fn get(&self, index: usize) -> Option<&T> {
        self.window().get(index).and_then(OnceLock::get)
    }

    /// The newest message.
    pub fn last(&self) -> Option<&T> {
        self.window().last().and_then(OnceLock::get)
    }

    fn window(&self) -> &[OnceLock<T>] {
        self.buffer.get(self.start..self.end).unwrap_or_default()
    }
}

impl<T: Clone> History<T> {
    /// This history with `item` appended, keeping the newest `limit` (all with `None`).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn pushed(&self, item: T, limit: Option<usize>) -> History<T> {
        let kept = limit.map_or(usize::MAX, |limit| limit.max(1));
        let dropped = (self.len() + 1).saturating_sub(kept);
        let start = self.start + dropped;
        // In place when this snapshot ends at the buffer's first empty slot.
        let item = match self.buffer.get(self.end) {
            Some(slot) => match slot.set(item) {
                Ok(()) => return History { buffer: self.buffer.clone(), start, end: self.end + 1 },
                Err(item) => item,
            },
            None => item,
        };
        let survivors = self.buffer.get(start..self.end).unwrap_or_default();
        let len = survivors.len() + 1;
        let capacity = (2 * len).max(MIN_CAPACITY);
        let buffer: Arc<[OnceLock<T>]> = survivors
            .iter()
            .filter_map(OnceLock::get)
            .cloned()
            .chain(std::iter::once(item))
            .map(OnceLock::from)
            .chain(std::iter::repeat_with(OnceLock::new))
            .take(capacity)
            .collect();
        History { buffer, start: 0, end: len }
    }
}

impl<T> Clone for History<T> {
    fn clone(&self) -> Self {
        History { buffer: self.buffer.clone(), start: self.start, end: self.end }
    }
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History::new()
    }
}

impl<T: PartialEq> PartialEq for History<T> {
    fn eq(&self, other: &Self) -> bool {
        let same_window =
            Arc::ptr_eq(&self.buffer, &other.buffer) && self.start == other.start && self.end == other.end;
        same_window || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl<T: fmt::Debug> fmt::Debug for History<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T> IntoIterator for &'a History<T> {
    type Item = &'a T;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = &'a T> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::History;
    use std::cell::Cell;
    use std::rc::Rc;

    fn items(history: &History<u32>) -> Vec<u32> {
        history.iter().copied().collect()
    }

    #[test]
    fn a_history_of_shareable_messages_can_live_in_a_leptos_signal() {
        // Leptos's `signal()` needs its value `Send + Sync`.
        fn send_sync<T: Send + Sync>() {}
        send_sync::<History<String>>();
    }

    #[test]
    fn keeps_the_newest_within_the_limit() {
        let mut history = History::new();
        for n in 0..10 {
            history = history.pushed(n, Some(3));
        }
        assert_eq!(items(&history), [7, 8, 9]);
        assert_eq!(history.len(), 3);
        assert_eq!(history.last(), Some(&9));
        assert_eq!(history.get(0), Some(&7));
        assert_eq!(history.get(3), None);
    }

    #[test]
    fn keeps_everything_without_a_limit() {
        let mut history = History::new();
        for n in 0..1_000 {
            history = history.pushed(n, None);
        }
        assert_eq!(items(&history), (0..1_000).collect::<Vec<_>>());
    }

    #[test]
    fn an_earlier_snapshot_does_not_change() {
        let before = History::new().pushed(1, None).pushed(2, None);
        let after = before.pushed(3, None);
        assert_eq!(items(&before), [1, 2]);
        assert_eq!(items(&after), [1, 2, 3]);
        // A second append after the same snapshot branches off and leaves the first alone.
        let branch = before.pushed(4, None);
        assert_eq!(items(&branch), [1, 2, 4]);
        assert_eq!(items(&after), [1, 2, 3]);
        assert_ne!(branch, after);
        assert_eq!(branch, History::new().pushed(1, None).pushed(2, None).pushed(4, None));
    }

    #[test]
    fn a_lower_limit_applies_from_the_next_message() {
        let mut history = History::new();
        for n in 0..10 {
            history = history.pushed(n, None);
        }
        assert_eq!(items(&history.pushed(10, Some(2))), [9, 10]);
    }

    /// Counts clones, to show each message is copied a bounded number of times on average.
    #[derive(Debug)]
    struct Counted(Rc<Cell<usize>>);

    impl Clone for Counted {
        fn clone(&self) -> Self {
            self.0.set(self.0.get() + 1);
            Counted(self.0.clone())
        }
    }

    #[test]
    fn each_message_is_copied_a_constant_number_of_times_on_average() {
        let clones = Rc::new(Cell::new(0));
        for limit in [None, Some(1_000), Some(7)] {
            clones.set(0);
            let mut history = History::new();
            // Every snapshot is held while the next message arrives, as a rendered
            // component holds its own: appending must not copy the whole history.
            for _ in 0..10_000 {
                let held = history.clone();
                history = history.pushed(Counted(clones.clone()), limit);
                drop(held);
            }
            // Copying the whole history on every message would make up to ~50,000,000 here.
            assert!(clones.get() <= 2 * 10_000, "{limit:?}: {} clones", clones.get());
        }
    }
}
