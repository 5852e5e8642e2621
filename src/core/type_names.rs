//! The event types a parser has handed out lately, so that the owned events of a stream
//! share each type's text instead of allocating it per event.
//!
//! A stream names a handful of types (`token`, `update`, `tick`), each over and over; an
//! owned event with its own copy of its type paid an allocation and a free for it. Sharing
//! took [`crate::parser::Parser::feed`] (comments dropped) on "mixed (ids, types,
//! comments)", where two events in five are typed, from 142.9 to 138.3 million instructions
//! (callgrind, one pass over the fixture); "LLM tokens", untyped, pays for the check, 135.2
//! to 138.0. The cache is small and bounded: a stream with more types, or longer ones, only
//! allocates as before.

use alloc::sync::Arc;

/// How many types are kept; the oldest gives way to a new one.
const KEPT: usize = 8;

/// Types longer than this are not kept (one each is made instead), so the cache holds at
/// most `KEPT` times this many bytes, whatever the stream sends.
const LONGEST_KEPT: usize = 64;

/// The recently used event types, each shared by the events that carry it.
#[derive(Clone, Debug, Default)]
pub(crate) struct TypeNames {
    kept: [Option<Arc<str>>; KEPT],
    /// The slot the next new type takes.
    next: usize,
}

impl TypeNames {
    /// The shared text of `name`, made and kept if it is not kept yet.
    pub(crate) fn share(&mut self, name: &str) -> Arc<str> {
        if let Some(kept) = self.kept.iter().flatten().find(|kept| ***kept == *name) {
            return kept.clone();
        }
        let made: Arc<str> = Arc::from(name);
        if name.len() <= LONGEST_KEPT
            && let Some(slot) = self.kept.get_mut(self.next)
        {
            *slot = Some(made.clone());
            self.next = (self.next + 1) % KEPT;
        }
        made
    }
}

#[cfg(test)]
mod tests {
    use super::{KEPT, LONGEST_KEPT, TypeNames};
    use alloc::format;
    use alloc::string::String;
    use alloc::sync::Arc;

    #[test]
    fn a_kept_name_is_shared() {
        let mut names = TypeNames::default();
        let first = names.share("update");
        let _ = names.share("tick");
        let again = names.share("update");
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(&*again, "update");
    }

    #[test]
    fn the_oldest_name_gives_way_and_long_names_are_not_kept() {
        let mut names = TypeNames::default();
        let first = names.share("t0");
        for n in 1..=KEPT {
            let _ = names.share(&format!("t{n}"));
        }
        let again = names.share("t0");
        assert!(!Arc::ptr_eq(&first, &again), "t0 gave way to the newer names");
        assert_eq!(&*again, "t0");

        let long = String::from("x").repeat(LONGEST_KEPT + 1);
        let made = names.share(&long);
        assert!(!Arc::ptr_eq(&made, &names.share(&long)));
        assert!(names.kept.iter().flatten().all(|kept| kept.len() <= LONGEST_KEPT));
    }
}
