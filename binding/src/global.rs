//! The module's state as statics. A wasm32 module built without the `atomics` target
//! feature runs on one thread, so a static is never reached from two.
#![allow(unsafe_code)]

use core::cell::RefCell;

#[cfg(target_feature = "atomics")]
compile_error!("the npm module keeps its state in statics meant for a single thread");

/// A value in a static, for a module with one thread.
pub struct Global<T>(RefCell<T>);

// SAFETY: built only without the `atomics` target feature (see above), where the module has
// one thread, so no two threads can share the cell.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// Holds `value`.
    pub const fn new(value: T) -> Global<T> {
        Global(RefCell::new(value))
    }

    /// Runs `use_it` on the value; `None` if it is in use already, which cannot happen in a
    /// module that imports nothing (no call comes back in while another runs).
    pub fn with<R>(&self, use_it: impl FnOnce(&mut T) -> R) -> Option<R> {
        Some(use_it(&mut *self.0.try_borrow_mut().ok()?))
    }
}
