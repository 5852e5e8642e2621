//! What the browser tells about the page and the network, for the fetch transport: how its
//! `fetch()` encodes header chars, whether the device is offline or the page hidden, and the
//! events that say so when it changes. What to do about any of it is the core's decision
//! (`policy`); this only reads and listens.

use crate::policy::{Change, Environment, HeaderChars};
use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::EventTarget;

/// A property of a JS object, or `undefined`.
fn property(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// How this browser's `fetch()` sends the chars of a header value: WebKit (Safari and every
/// browser built on it, whose user agent names `AppleWebKit/` but not Chrome, Chromium,
/// Edge or Opera) as UTF-8, the others as one byte each. No feature shows it, so the user
/// agent tells, as in js/connection.js.
pub(crate) fn header_chars() -> HeaderChars {
    let agent =
        property(&property(&js_sys::global(), "navigator"), "userAgent").as_string().unwrap_or_default();
    let blink = ["Chrome/", "Chromium/", "Edg/", "OPR/"].iter().any(|name| agent.contains(name));
    if agent.contains("AppleWebKit/") && !blink { HeaderChars::Utf8 } else { HeaderChars::Bytes }
}

/// The network and the page now (a worker has no page, so it is never hidden).
pub(crate) fn environment(pause_when_hidden: bool) -> Environment {
    let global = js_sys::global();
    let offline = property(&property(&global, "navigator"), "onLine") == JsValue::FALSE;
    let hidden =
        property(&property(&global, "document"), "visibilityState").as_string().as_deref() == Some("hidden");
    Environment { offline, hidden, pause_when_hidden }
}

/// One listener, removed when dropped.
struct Listening {
    target: EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut()>,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.callback.as_ref().unchecked_ref());
    }
}

/// Calls back on `online` and `offline` (on the window or worker) and `visibilitychange`
/// (on the document, where there is one) until dropped.
pub(crate) struct Watch {
    /// Held for their `Drop`, which removes them.
    _listening: Vec<Listening>,
}

impl Watch {
    /// Starts listening; `changed` hears each change.
    pub fn start(changed: impl Fn(Change) + Clone + 'static) -> Watch {
        let global = js_sys::global();
        let document = property(&global, "document");
        let mut listening = Vec::with_capacity(3);
        let mut listen = |target: &JsValue, event: &'static str, change: Box<dyn Fn() -> Change>| {
            let Some(target) = target.dyn_ref::<EventTarget>() else {
                return;
            };
            let changed = changed.clone();
            let callback = Closure::<dyn FnMut()>::new(move || changed(change()));
            if target.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref()).is_ok() {
                listening.push(Listening { target: target.clone(), event, callback });
            }
        };
        listen(&global, "online", Box::new(|| Change::Online));
        listen(&global, "offline", Box::new(|| Change::Offline));
        listen(
            &document,
            "visibilitychange",
            Box::new(|| if environment(false).hidden { Change::Hidden } else { Change::Shown }),
        );
        Watch { _listening: listening }
    }
}
