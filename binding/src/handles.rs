//! The objects JavaScript holds by number: a slot per live handle, reused once freed.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// Boxed values under small nonzero ids. A value is boxed so that the addresses it hands
/// out (its batch, its input buffer) stay put while other handles come and go. An id that
/// is not live (freed, or never given out) finds nothing, so a stale id cannot reach
/// another handle's state until its slot is reused.
pub struct Handles<T> {
    slots: Vec<Option<Box<T>>>,
    vacant: Vec<u32>,
}

impl<T> Handles<T> {
    /// No handles.
    pub const fn new() -> Handles<T> {
        Handles { slots: Vec::new(), vacant: Vec::new() }
    }

    /// Keeps `value` and returns its id (never 0, which JavaScript reads as "none").
    pub fn insert(&mut self, value: T) -> u32 {
        let value = Some(Box::new(value));
        if let Some(id) = self.vacant.pop()
            && let Some(slot) = self.slot(id)
        {
            *slot = value;
            return id;
        }
        self.slots.push(value);
        u32::try_from(self.slots.len()).unwrap_or(0)
    }

    /// The value under `id`, if it is live.
    pub fn get(&mut self, id: u32) -> Option<&mut T> {
        self.slot(id)?.as_deref_mut()
    }

    /// Drops the value under `id`; an id that is not live does nothing.
    pub fn remove(&mut self, id: u32) {
        if let Some(slot) = self.slot(id)
            && slot.take().is_some()
        {
            self.vacant.push(id);
        }
    }

    fn slot(&mut self, id: u32) -> Option<&mut Option<Box<T>>> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        self.slots.get_mut(index)
    }
}

#[cfg(test)]
mod tests {
    use super::Handles;

    #[test]
    fn ids_start_at_one_and_find_their_values() {
        let mut handles = Handles::new();
        let (a, b) = (handles.insert("a"), handles.insert("b"));
        assert_eq!((a, b), (1, 2));
        assert_eq!(handles.get(a).copied(), Some("a"));
        assert_eq!(handles.get(b).copied(), Some("b"));
    }

    #[test]
    fn ids_never_given_out_find_nothing() {
        let mut handles = Handles::new();
        handles.insert(1);
        assert!(handles.get(0).is_none());
        assert!(handles.get(2).is_none());
        assert!(handles.get(u32::MAX).is_none());
    }

    #[test]
    fn a_freed_id_finds_nothing_and_freeing_it_again_does_nothing() {
        let mut handles = Handles::new();
        let a = handles.insert(1);
        handles.remove(a);
        assert!(handles.get(a).is_none());
        handles.remove(a);
        handles.remove(0);
        let (b, c) = (handles.insert(2), handles.insert(3));
        assert_eq!((b, c), (a, 2), "one free slot, reused once");
    }

    #[test]
    fn values_stay_at_their_address_while_others_come_and_go() {
        let mut handles = Handles::new();
        let a = handles.insert([0u32; 6]);
        let before = handles.get(a).map(|v| v.as_ptr());
        for n in 0..100 {
            let id = handles.insert([n; 6]);
            if n % 3 == 0 {
                handles.remove(id);
            }
        }
        assert_eq!(handles.get(a).map(|v| v.as_ptr()), before);
    }
}
