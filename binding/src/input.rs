//! The buffer JavaScript writes each chunk of a body into, in the module's memory.

use alloc::vec::Vec;

/// One handle's input buffer. JavaScript asks for room ([`Input::reserve`]), copies the
/// chunk there, then hands over its length: the chunk crosses with one copy, and no
/// allocation once the buffer has grown to the size of the largest chunk.
#[derive(Default)]
pub struct Input {
    bytes: Vec<u8>,
}

impl Input {
    /// An empty buffer.
    pub const fn new() -> Input {
        Input { bytes: Vec::new() }
    }

    /// Room for `length` bytes: their address, valid until the next call into the module;
    /// null when the memory cannot be had (JavaScript checks, and writes nothing).
    pub fn reserve(&mut self, length: usize) -> *mut u8 {
        if self.bytes.len() < length {
            let more = length - self.bytes.len();
            if self.bytes.try_reserve_exact(more).is_err() {
                return core::ptr::null_mut();
            }
            self.bytes.resize(length, 0);
        }
        self.bytes.as_mut_ptr()
    }

    /// The first `length` bytes JavaScript wrote (fewer if it claims more than it reserved).
    pub fn bytes(&self, length: usize) -> &[u8] {
        self.bytes.get(..length).unwrap_or(&self.bytes)
    }
}
