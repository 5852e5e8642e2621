//! The Rust transport: runs an [`Engine`] over `fetch()` and a `ReadableStream` reader,
//! for the Rust-native [`crate::EventSource`]. (The npm package drives the same engine
//! from JavaScript instead, in `js/connection.js`, which keeps its wasm small.)
//!
//! This and `source.rs` are the only Rust code that knows about the browser. It issues each request the engine
//! asks for, feeds the body's chunks to the engine, and carries out the engine's actions:
//! it reports to a [`Listener`], arms the reconnect and stall timers, and aborts requests.
//! Every request has a generation number; whatever a superseded request's promises still
//! deliver is ignored, so an aborted fetch can never feed the engine.

use crate::ErrorBody;
use crate::builder::{Body, HeadersFn};
use crate::engine::{Action, Engine, ReadyState, Reason, retry_after_ms};
use crate::environment::{self, Watch};
use crate::parser::{Event, ParseError};
use crate::policy::{self, Change, HeaderChars, LastEventIdPlacement, Standing, Suspension};
use gloo_timers::callback::Timeout;
use js_sys::{Date, Function, Promise, Reflect, Uint8Array};
use std::cell::{RefCell, RefMut};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, RequestCache, RequestCredentials, RequestInit,
    RequestMode, RequestRedirect, Response,
};

/// What each request looks like.
pub(crate) struct RequestConfig {
    /// The absolute URL.
    pub url: String,
    /// The HTTP method.
    pub method: String,
    /// Send cookies cross-origin (`credentials: "include"`).
    pub with_credentials: bool,
    /// Fixed extra headers.
    pub headers: Vec<(String, String)>,
    /// Headers computed before every (re)connect; they win over fixed ones.
    pub headers_fn: Option<HeadersFn>,
    /// The request body.
    pub body: Option<Body>,
    /// Reconnect when no byte arrived for this long (milliseconds).
    pub stall_timeout_ms: Option<u32>,
    /// How much of a failed response's body to keep for the error report.
    pub max_error_body_bytes: usize,
    /// Send the last event ID as this query parameter instead of the header.
    pub last_event_id_param: Option<String>,
    /// Suspend while the page is hidden.
    pub pause_when_hidden: bool,
}

/// Why an error is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// The connection was lost or refused.
    Connection(Reason),
    /// An event was too large and was skipped; the stream goes on.
    EventTooLarge(ParseError),
    /// The connection was suspended: the device went offline or the page hidden.
    Suspended(Suspension),
}

/// Everything known about an error, for the error event.
pub(crate) struct ErrorReport {
    pub trouble: Trouble,
    /// The reconnect delay, when a reconnect is scheduled.
    pub retry_in_ms: Option<u64>,
    /// The connection failed because `max_retries` ran out.
    pub retries_exhausted: bool,
    /// The response that failed, if one arrived.
    pub response: Option<Response>,
    /// That response's body, read on request.
    pub body: Option<ErrorBody>,
    /// The underlying JS error (a fetch `TypeError`), if any.
    pub cause: JsValue,
}

/// Receives what happens on a connection. Calls happen outside any internal borrow, so a
/// listener may call [`Connection::close`] from inside.
pub(crate) trait Listener {
    /// The stream opened.
    fn open(&self, response: &Response);
    /// An event arrived.
    fn message(&self, event: Event, origin: &Arc<str>);
    /// A comment line arrived.
    fn comment(&self, text: String);
    /// Something went wrong; see the report for whether it is final.
    fn error(&self, report: ErrorReport);
    /// Ready when the consumer can take more; otherwise pending, waking `cx` once it has
    /// caught up (or gone). The body is not read meanwhile.
    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()>;
}

struct State {
    engine: Engine,
    config: RequestConfig,
    /// Bumped whenever a request starts or is abandoned; stale promises compare it.
    generation: u32,
    controller: Option<AbortController>,
    retry_timer: Option<Timeout>,
    stall_timer: Option<Timeout>,
    last_activity_ms: f64,
    /// Reading waits for the consumer; the stall timer does not count this time.
    held: bool,
    /// The open response, for the `open` event.
    response: Option<Response>,
    /// The origin of the open response's final URL, shared by its messages.
    origin: Arc<str>,
    /// What the next error report carries about the failed request.
    failure: Option<(Option<Response>, Option<ErrorBody>, JsValue)>,
    /// The body of a failed response the source retries after, let go at the next attempt.
    failed_body: Option<ErrorBody>,
    /// Reused buffer for body chunks copied out of JS.
    chunk: Vec<u8>,
    /// How this browser sends the chars of a header value.
    header_chars: HeaderChars,
    /// The last event ID of a request the engine asked for while the connection was
    /// suspended: it is sent when the suspension ends.
    held_request: Option<String>,
    /// Why the engine was last suspended.
    suspended_by: Suspension,
    /// The engine said the running reconnect delay is one the server asked for
    /// (`Retry-After`), which waking keeps.
    retry_after_wait: bool,
    /// The `online`, `offline` and `visibilitychange` listeners, until close.
    watch: Option<Watch>,
}

struct Shared {
    state: RefCell<State>,
    listener: Box<dyn Listener>,
}

/// A running connection; [`Connection::close`] ends it for good.
pub(crate) struct Connection(Rc<Shared>);

impl Connection {
    /// Starts connecting at once.
    pub fn start(engine: Engine, config: RequestConfig, listener: Box<dyn Listener>) -> Connection {
        let shared = Rc::new(Shared {
            state: RefCell::new(State {
                engine,
                config,
                generation: 0,
                controller: None,
                retry_timer: None,
                stall_timer: None,
                last_activity_ms: 0.0,
                held: false,
                response: None,
                origin: Arc::from(""),
                failure: None,
                failed_body: None,
                chunk: Vec::new(),
                header_chars: environment::header_chars(),
                held_request: None,
                suspended_by: Suspension::Offline,
                retry_after_wait: false,
                watch: None,
            }),
            listener,
        });
        let weak = Rc::downgrade(&shared);
        let watch = Watch::start(move |change| {
            if let Some(shared) = weak.upgrade() {
                environment_changed(&shared, change);
            }
        });
        let mut state = shared.state.borrow_mut();
        state.watch = Some(watch);
        state.engine.connect();
        drop(state);
        run_actions(&shared);
        Connection(shared)
    }

    /// The current `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.0.state.borrow().engine.ready_state()
    }

    /// The last event ID the next reconnect will send.
    pub fn last_event_id(&self) -> String {
        self.0.state.borrow().engine.last_event_id().into()
    }

    /// Closes: aborts the request, cancels timers; nothing is reported afterwards.
    pub fn close(&self) {
        let mut state = self.0.state.borrow_mut();
        state.engine.close();
        state.abandon_request();
        state.retry_timer = None;
        state.held_request = None;
        if let Some(body) = state.failed_body.take() {
            body.release();
        }
        let watch = state.watch.take();
        drop(state);
        drop(watch);
    }
}

impl State {
    /// Aborts the running request (if any) and makes its promises stale.
    fn abandon_request(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.stall_timer = None;
        self.response = None;
        if let Some(controller) = self.controller.take() {
            controller.abort();
        }
    }

    fn is_current(&self, generation: u32) -> bool {
        self.generation == generation && self.engine.ready_state() != ReadyState::Closed
    }

    /// Where the connection stands, for the network and page rules of the core.
    fn standing(&self) -> Standing {
        match self.engine.ready_state() {
            ReadyState::Closed => Standing::Idle,
            _ if self.held_request.is_some() => Standing::Held,
            _ if self.retry_timer.is_some() && self.retry_after_wait => Standing::WaitingForRetryAfter,
            _ if self.retry_timer.is_some() => Standing::Waiting,
            _ => Standing::Running,
        }
    }

    /// Stops the running request without spending a retry (the engine's `suspend()`).
    fn suspend(&mut self, reason: Suspension) {
        self.suspended_by = reason;
        self.engine.suspend();
    }
}

/// The network came or went, or the page was shown or hidden: does what the core says.
fn environment_changed(shared: &Rc<Shared>, change: Change) {
    let mut state = shared.state.borrow_mut();
    let now = environment::environment(state.config.pause_when_hidden);
    match policy::on_change(change, now, state.standing()) {
        policy::Response::Nothing => return,
        policy::Response::Suspend(reason) => state.suspend(reason),
        policy::Response::SendHeld => {
            if let Some(last_event_id) = state.held_request.take() {
                send(shared, state, last_event_id);
            }
            return;
        }
        policy::Response::ReconnectNow => {
            state.retry_timer = None;
            state.engine.on_retry_timer();
        }
    }
    drop(state);
    run_actions(shared);
}

/// Starts the request the engine asked for, abandoning any other.
fn send(shared: &Rc<Shared>, mut state: RefMut<'_, State>, last_event_id: String) {
    state.abandon_request();
    state.failure = None;
    if let Some(body) = state.failed_body.take() {
        body.release();
    }
    let generation = state.generation;
    drop(state);
    spawn_local(request(shared.clone(), generation, last_event_id));
}

/// Carries out the engine's actions until there are none left.
fn run_actions(shared: &Rc<Shared>) {
    loop {
        let mut state = shared.state.borrow_mut();
        let Some(action) = state.engine.poll_action() else {
            return;
        };
        match action {
            Action::Connect { last_event_id } => {
                // Offline, or hidden with pause_when_hidden: sent once that ends.
                if environment::environment(state.config.pause_when_hidden).suspension().is_some() {
                    state.held_request = Some(last_event_id);
                } else {
                    send(shared, state, last_event_id);
                }
            }
            Action::Open => {
                let response = state.response.clone();
                drop(state);
                if let Some(response) = response {
                    shared.listener.open(&response);
                }
            }
            Action::Message(event) => {
                let origin = state.origin.clone();
                drop(state);
                shared.listener.message(event, &origin);
            }
            Action::Comment(text) => {
                drop(state);
                shared.listener.comment(text);
            }
            Action::Reconnecting { delay_ms, reason, retry_after } => {
                state.abandon_request();
                state.failed_body = state.failure.as_ref().and_then(|(_, body, _)| body.clone());
                state.retry_after_wait = retry_after;
                let timer_owner = shared.clone();
                // Delays are clamped to MAX_TIMER_MS by the engine, so they fit in u32.
                let delay = u32::try_from(delay_ms).unwrap_or(u32::MAX);
                state.retry_timer = Some(Timeout::new(delay, move || {
                    let mut state = timer_owner.state.borrow_mut();
                    state.retry_timer = None;
                    state.engine.on_retry_timer();
                    drop(state);
                    run_actions(&timer_owner);
                }));
                let trouble = match reason {
                    Reason::Suspended => Trouble::Suspended(state.suspended_by),
                    reason => Trouble::Connection(reason),
                };
                let report = state.report(trouble, Some(delay_ms), false);
                drop(state);
                shared.listener.error(report);
            }
            Action::Failed { reason, retries_exhausted } => {
                state.abandon_request();
                state.retry_timer = None;
                let report = state.report(Trouble::Connection(reason), None, retries_exhausted);
                drop(state);
                shared.listener.error(report);
            }
            Action::Skipped(error) => {
                let report = ErrorReport {
                    trouble: Trouble::EventTooLarge(error),
                    retry_in_ms: None,
                    retries_exhausted: false,
                    response: None,
                    body: None,
                    cause: JsValue::UNDEFINED,
                };
                drop(state);
                shared.listener.error(report);
            }
        }
    }
}

impl State {
    fn report(&mut self, trouble: Trouble, retry_in_ms: Option<u64>, retries_exhausted: bool) -> ErrorReport {
        let (response, body, cause) = self.failure.take().unwrap_or((None, None, JsValue::UNDEFINED));
        ErrorReport { trouble, retry_in_ms, retries_exhausted, response, body, cause }
    }
}

/// One request, from building it to the end of its body.
async fn request(shared: Rc<Shared>, generation: u32, last_event_id: String) {
    let current = |shared: &Shared| shared.state.borrow().is_current(generation);
    let prepared = prepare_request(&shared, generation, &last_event_id).await;
    if !current(&shared) {
        return;
    }
    let (promise, controller) = match prepared {
        Ok(Some(started)) => started,
        Ok(None) => return,
        Err(cause) => return network_error(&shared, cause),
    };
    {
        let mut state = shared.state.borrow_mut();
        state.controller = Some(controller);
        state.last_activity_ms = Date::now();
    }
    arm_stall_timer(&shared, generation);
    let response = JsFuture::from(promise).await;
    if !current(&shared) {
        return;
    }
    let response: Response = match response.and_then(|value| value.dyn_into::<Response>()) {
        Ok(response) => response,
        Err(cause) => return network_error(&shared, cause),
    };
    let status = response.status();
    let headers = response.headers();
    let content_type = headers.get("content-type").ok().flatten();
    let retry_after = headers
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|value| retry_after_ms(&value, Date::now() as u64));
    {
        let mut state = shared.state.borrow_mut();
        state.engine.on_response(status, content_type.as_deref(), retry_after);
        // Whether the stream opened is the engine's decision.
        if state.engine.ready_state() != ReadyState::Open {
            // Failed at the headers: report it now; the body is read only if asked for.
            let (limit, idle_ms) = (state.config.max_error_body_bytes, state.config.stall_timeout_ms);
            // The body keeps its request: leaving the attempt must not abort it.
            let body = state
                .controller
                .take()
                .map(|controller| ErrorBody::new(response.body(), limit, idle_ms, controller));
            state.failure = Some((Some(response), body, JsValue::UNDEFINED));
            drop(state);
            return run_actions(&shared);
        }
        let final_url = response.url();
        state.origin =
            policy::origin(if final_url.is_empty() { &state.config.url } else { &final_url }).into();
        state.response = Some(Clone::clone(&response));
    }
    run_actions(&shared);
    if !current(&shared) {
        return;
    }
    let Some(reader) =
        response.body().map(|body| body.get_reader().unchecked_into::<ReadableStreamDefaultReader>())
    else {
        shared.state.borrow_mut().engine.on_end();
        return run_actions(&shared);
    };
    loop {
        wait_for_room(&shared).await;
        if !current(&shared) {
            return;
        }
        let result = JsFuture::from(reader.read()).await;
        if !current(&shared) {
            return;
        }
        let result = match result {
            Ok(result) => result,
            Err(cause) => return network_error(&shared, cause),
        };
        let done = Reflect::get(&result, &JsValue::from_str("done")).is_ok_and(|done| done.is_truthy());
        if done {
            shared.state.borrow_mut().engine.on_end();
            return run_actions(&shared);
        }
        let value = Reflect::get(&result, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            let mut guard = shared.state.borrow_mut();
            let state = &mut *guard;
            state.last_activity_ms = Date::now();
            state.chunk.resize(bytes.length() as usize, 0);
            bytes.copy_to(&mut state.chunk);
            state.engine.on_chunk(&state.chunk);
        }
        run_actions(&shared);
    }
}

/// Reports a failed request or read to the engine, keeping the JS error as the cause; while
/// the device is offline that suspends the connection instead, spending no retry.
fn network_error(shared: &Rc<Shared>, cause: JsValue) {
    {
        let mut state = shared.state.borrow_mut();
        state.failure = Some((None, None, cause));
        match environment::environment(state.config.pause_when_hidden).suspension() {
            Some(Suspension::Offline) => state.suspend(Suspension::Offline),
            _ => state.engine.on_network_error(),
        }
    }
    run_actions(shared);
}

/// Builds the request (calling the header function) and starts the fetch, unless attempt
/// `generation` was abandoned meanwhile (`None`: nothing is sent).
async fn prepare_request(
    shared: &Rc<Shared>,
    generation: u32,
    last_event_id: &str,
) -> Result<Option<(Promise, AbortController)>, JsValue> {
    let headers_fn = shared.state.borrow().config.headers_fn.clone();
    let computed = match headers_fn {
        Some(make) => make().await,
        None => Vec::new(),
    };
    let state = shared.state.borrow();
    // An attempt abandoned before its fetch starts sends nothing: a fetch started for it
    // would hold a connection (and one of the browser's few per host) that nobody reads.
    if !state.is_current(generation) {
        return Ok(None);
    }
    let config = &state.config;
    let headers = Headers::new()?;
    headers.set("accept", "text/event-stream")?;
    for (name, value) in config.headers.iter().chain(&computed) {
        headers.set(name, value)?;
    }
    let mut url = config.url.clone();
    match policy::place_last_event_id(last_event_id, config.last_event_id_param.as_deref()) {
        LastEventIdPlacement::Query { name, value } => url = policy::url_with_query(&url, &[(name, value)]),
        LastEventIdPlacement::Header(value) => {
            headers.set("last-event-id", &policy::last_event_id_header(value, state.header_chars))?;
        }
        LastEventIdPlacement::Nowhere => {}
    }
    let controller = AbortController::new()?;
    let init = RequestInit::new();
    init.set_method(&config.method);
    init.set_headers(&headers);
    match &config.body {
        Some(Body::Text(text)) => init.set_body(&JsValue::from_str(text)),
        Some(Body::Bytes(bytes)) => init.set_body(&Uint8Array::from(bytes.as_slice())),
        None => {}
    }
    init.set_mode(RequestMode::Cors);
    init.set_cache(RequestCache::NoStore);
    init.set_redirect(RequestRedirect::Follow);
    let credentials =
        if config.with_credentials { RequestCredentials::Include } else { RequestCredentials::SameOrigin };
    init.set_credentials(credentials);
    init.set_signal(Some(&controller.signal()));
    let global = js_sys::global();
    let fetch: Function = Reflect::get(&global, &JsValue::from_str("fetch"))?.dyn_into()?;
    let returned = fetch.call2(&global, &JsValue::from_str(&url), &init)?;
    Ok(Some((Promise::resolve(&returned), controller)))
}

/// Waits until the listener has room, marking the wait so it is not taken for a stall.
async fn wait_for_room(shared: &Rc<Shared>) {
    if shared.listener.poll_room(&mut Context::from_waker(std::task::Waker::noop())).is_ready() {
        return;
    }
    shared.state.borrow_mut().held = true;
    std::future::poll_fn(|cx| shared.listener.poll_room(cx)).await;
    let mut state = shared.state.borrow_mut();
    state.held = false;
    state.last_activity_ms = Date::now();
}

/// Arms (or re-arms) the stall timer of request `generation`.
fn arm_stall_timer(shared: &Rc<Shared>, generation: u32) {
    let mut state = shared.state.borrow_mut();
    let Some(stall_ms) = state.config.stall_timeout_ms else {
        return;
    };
    let idle = (Date::now() - state.last_activity_ms).max(0.0) as u64;
    // At most the stall timeout, which is a u32.
    let wait = u32::try_from(policy::stall_wait_ms(u64::from(stall_ms), idle)).unwrap_or(stall_ms);
    let owner = shared.clone();
    state.stall_timer = Some(Timeout::new(wait, move || {
        let stalled = {
            let mut state = owner.state.borrow_mut();
            if !state.is_current(generation) {
                return;
            }
            if state.held {
                state.last_activity_ms = Date::now();
            }
            let idle = (Date::now() - state.last_activity_ms).max(0.0) as u64;
            policy::stall_wait_ms(u64::from(stall_ms), idle) == 0
        };
        if stalled {
            owner.state.borrow_mut().engine.on_stall();
            run_actions(&owner);
        } else {
            arm_stall_timer(&owner, generation);
        }
    }));
}
