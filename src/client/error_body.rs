//! [`ErrorBody`]: the body of a response that made a source fail, read only on request.
//!
//! The error is reported as soon as the response head arrives; the body is read (at most
//! the builder's `max_error_body_size`) only when [`ErrorBody::text`] is called. A body
//! nobody reads is let go when the last copy of it is dropped, or, when the source
//! retries, when the next attempt starts.

use alloc::string::String;
use core::fmt;

/// The body of a failed response. Cloning shares it; equality is identity. It is `Send` and
/// `Sync` (so errors fit in Leptos signals and cross tokio tasks): in the browser the
/// JavaScript side stays in a registry of the thread that made it, and this is a counted
/// handle to its entry; natively it holds the response itself.
#[derive(Clone, Default)]
pub struct ErrorBody {
    #[cfg(all(target_arch = "wasm32", feature = "browser"))]
    handle: Option<std::sync::Arc<wasm::Handle>>,
    #[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
    native: Option<std::sync::Arc<crate::native::error_body::NativeBody>>,
}

impl ErrorBody {
    /// The start of the body as text (invalid UTF-8 replaced), at most the configured
    /// number of bytes; empty for a body that was let go or never existed. Every call
    /// gives the same text.
    pub async fn text(&self) -> String {
        #[cfg(all(target_arch = "wasm32", feature = "browser"))]
        if let Some(inner) = self.handle.as_ref().and_then(|handle| handle.inner()) {
            return inner.text().await;
        }
        #[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
        if let Some(body) = &self.native {
            return body.text().await;
        }
        String::new()
    }
}

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
impl ErrorBody {
    /// A failed response's body, of which at most `limit` bytes will be read, and none
    /// after `idle` without a byte.
    pub(crate) fn from_response(
        response: reqwest::Response,
        limit: usize,
        idle: Option<std::time::Duration>,
    ) -> ErrorBody {
        let body = crate::native::error_body::NativeBody::new(response, limit, idle);
        ErrorBody { native: Some(std::sync::Arc::new(body)) }
    }

    /// Lets the body go now if nobody started reading it.
    pub(crate) fn release(&self) {
        if let Some(body) = &self.native {
            body.release();
        }
    }
}

impl PartialEq for ErrorBody {
    fn eq(&self, other: &Self) -> bool {
        #[cfg(all(target_arch = "wasm32", feature = "browser"))]
        return match (&self.handle, &other.handle) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        #[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
        return match (&self.native, &other.native) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        #[cfg(not(any(
            all(target_arch = "wasm32", feature = "browser"),
            all(not(target_arch = "wasm32"), feature = "native")
        )))]
        {
            let _ = other;
            true
        }
    }
}

impl Eq for ErrorBody {}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErrorBody { .. }")
    }
}

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
mod wasm {
    use super::ErrorBody;
    use js_sys::{Promise, Reflect, Uint8Array};
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;
    use std::sync::Arc;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::{JsFuture, future_to_promise};
    use web_sys::{AbortController, ReadableStream, ReadableStreamDefaultReader};

    thread_local! {
        /// The bodies that some `ErrorBody` still refers to, by handle number.
        static BODIES: RefCell<HashMap<u64, Rc<Inner>>> = RefCell::new(HashMap::new());
        static NEXT: Cell<u64> = const { Cell::new(0) };
    }

    /// One registry entry; dropping the last handle lets an unread body go.
    pub(super) struct Handle(u64);

    impl Handle {
        pub(super) fn inner(&self) -> Option<Rc<Inner>> {
            BODIES.with(|bodies| bodies.borrow().get(&self.0).cloned())
        }
    }

    impl Drop for Handle {
        fn drop(&mut self) {
            let inner = BODIES.with(|bodies| bodies.borrow_mut().remove(&self.0));
            if let Some(inner) = inner {
                inner.release();
            }
        }
    }

    enum Body {
        Unread(ReadableStream),
        /// The read under way or done: every `text()` awaits the same promise.
        Reading(Promise),
        Released,
    }

    pub(super) struct Inner {
        body: RefCell<Body>,
        limit: usize,
        /// The source's stall timeout (ms): a body that sends nothing for this long ends
        /// the read with what arrived.
        idle_ms: Option<u32>,
        controller: AbortController,
    }

    impl Inner {
        pub(super) async fn text(&self) -> String {
            let promise = {
                let mut body = self.body.borrow_mut();
                let promise = match std::mem::replace(&mut *body, Body::Released) {
                    Body::Unread(stream) => {
                        let (limit, idle_ms) = (self.limit, self.idle_ms);
                        future_to_promise(async move {
                            Ok(JsValue::from_str(&read_text(stream, limit, idle_ms).await))
                        })
                    }
                    Body::Reading(promise) => promise,
                    Body::Released => return String::new(),
                };
                *body = Body::Reading(promise.clone());
                promise
            };
            JsFuture::from(promise).await.ok().and_then(|text| text.as_string()).unwrap_or_default()
        }

        fn release(&self) {
            let mut body = self.body.borrow_mut();
            if let Body::Unread(_) = &*body {
                *body = Body::Released;
                self.controller.abort();
            }
        }
    }

    impl ErrorBody {
        /// A failed response's body, readable through `controller`'s request: at most
        /// `limit` bytes, and none after `idle_ms` without a byte.
        pub(crate) fn new(
            body: Option<ReadableStream>,
            limit: usize,
            idle_ms: Option<u32>,
            controller: AbortController,
        ) -> ErrorBody {
            let body = body.map_or(Body::Released, Body::Unread);
            let inner = Rc::new(Inner { body: RefCell::new(body), limit, idle_ms, controller });
            let number = NEXT.with(|next| next.replace(next.get().wrapping_add(1)));
            BODIES.with(|bodies| bodies.borrow_mut().insert(number, inner));
            ErrorBody { handle: Some(Arc::new(Handle(number))) }
        }

        /// Lets the body go now if nobody started reading it.
        pub(crate) fn release(&self) {
            if let Some(inner) = self.handle.as_ref().and_then(|handle| handle.inner()) {
                inner.release();
            }
        }
    }

    /// Reads up to `limit` bytes of a body as text (lossy UTF-8), then cancels it. A body
    /// that sends nothing for `idle_ms` gives what arrived.
    async fn read_text(stream: ReadableStream, limit: usize, idle_ms: Option<u32>) -> String {
        let reader = stream.get_reader().unchecked_into::<ReadableStreamDefaultReader>();
        let mut bytes = Vec::new();
        while bytes.len() < limit {
            let read = match idle_ms {
                Some(ms) => Promise::race(&js_sys::Array::of2(&reader.read(), &resolve_after(ms))),
                None => reader.read(),
            };
            // The idle timer resolves with `undefined`: the read ends there.
            let Ok(result) = JsFuture::from(read).await else { break };
            if result.is_undefined()
                || Reflect::get(&result, &JsValue::from_str("done")).is_ok_and(|done| done.is_truthy())
            {
                break;
            }
            let Ok(chunk) =
                Reflect::get(&result, &JsValue::from_str("value")).and_then(|v| v.dyn_into::<Uint8Array>())
            else {
                break;
            };
            let take = (chunk.length() as usize).min(limit - bytes.len());
            let start = bytes.len();
            bytes.resize(start + take, 0);
            if let Some(window) = bytes.get_mut(start..) {
                chunk.subarray(0, take as u32).copy_to(window);
            }
        }
        let _ = reader.cancel();
        let mut text = String::new();
        crate::parser::push_lossy(&mut text, &bytes);
        text
    }

    /// A promise that resolves with `undefined` after `ms` milliseconds.
    fn resolve_after(ms: u32) -> Promise {
        Promise::new(&mut |resolve, _reject| {
            let global = js_sys::global();
            if let Ok(set_timeout) = Reflect::get(&global, &JsValue::from_str("setTimeout"))
                .and_then(|f| f.dyn_into::<js_sys::Function>())
            {
                let _ = set_timeout.call2(&global, &resolve, &JsValue::from(ms));
            }
        })
    }
}
