// One stream shared by the pages of an origin (`share: true`): the page that holds a Web
// Lock runs the connection and relays what happens over a BroadcastChannel; the others
// follow. When the leading page goes, the next one in the lock's queue takes over and
// resumes from its last event id. Same interface as Connection.
import { Connection, endsTheStream, isPageHidden } from './connection.js';
import { ReplayFilter } from './replay.js';

const PREFIX = 'wasm-eventsource ';

/** How long a page whose stream failed for good waits for the others to leave. */
const FAILURE_HANDOVER_MS = 1000;

/** Whether this platform can share a stream between pages (Web Locks and BroadcastChannel). */
export const canShare = () =>
  typeof BroadcastChannel === 'function' && typeof globalThis.navigator?.locks?.request === 'function';

/** What identifies a shared stream: the `share` string, or the method and the URL. */
const shareKey = (options) => (options.share === true ? `${options.method} ${options.url}` : options.share);

/** Response heads cross the channel as plain data. */
const headOf = (response) => ({
  status: response.status,
  statusText: response.statusText,
  headers: [...response.headers],
});
const responseOf = (head) => ({ ...head, headers: new Headers(head.headers) });

/** An error event's details as plain data: the failed body stays with the leading page. */
function errorInfoOf(info) {
  const { body, headers, cause, ...plain } = info;
  if (headers) plain.headers = [...headers];
  if (cause !== undefined) plain.cause = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return plain;
}

/** One page's end of a shared stream. */
export class SharedConnection {
  #options;
  #sink;
  #id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  #channel;
  #lockRequest = new AbortController();
  /** Ends the lock's hold, while this page leads. */
  #releaseLock = null;
  /** The connection, while this page leads. */
  #connection = null;
  /** The page whose events count here. */
  #leader = null;
  #closed = false;
  /**
   * The head of the response the stream is open with, for pages that join later; null
   * until `open` is reported and after an error. A takeover while open opens silently.
   */
  #head = null;
  #lastEventId;
  /** Whether an event is new here or one a takeover's stream sends again. */
  #replays = new ReplayFilter();
  /** Whether any event was delivered here. */
  #delivered = false;
  /** Events the leader has not posted yet: [type, data, lastEventId, ...]; and their origin. */
  #batch = [];
  #origin = '';
  /** While leading: the following pages, and whether each is visible (for pauseWhenHidden). */
  #visible = new Map();
  /** Whether this page reported a failure for good to the others. */
  #failedForGood = false;
  #unwatch;

  constructor(options, sink) {
    this.#options = options;
    this.#sink = sink;
    this.#lastEventId = options.lastEventId ?? '';
    const name = PREFIX + shareKey(options);
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event) => this.#receive(event.data);
    this.#post({ t: 'hello', visible: !isPageHidden() });
    this.#unwatch = this.#watchPage();
    navigator.locks
      .request(name, { signal: this.#lockRequest.signal }, () => this.#lead())
      .catch(() => {
        // The request was withdrawn by close().
      });
  }

  /** Holds back the leader's reading (an iterator is full); a following page cannot. */
  pause() {
    this.#connection?.pause();
  }

  resume() {
    this.#connection?.resume();
  }

  /**
   * Detaches this page. A leading page hands the stream to the next one in line; after a
   * failure for good it first waits (briefly) for the other pages to take the failure and
   * leave, so that none of them takes over and tries again.
   */
  close() {
    if (this.#closed) return;
    this.#flush();
    this.#post({ t: 'bye' });
    this.#closed = true;
    this.#unwatch();
    this.#lockRequest.abort();
    this.#connection?.close();
    this.#connection = null;
    const channel = this.#channel;
    const release = this.#releaseLock ?? (() => {});
    let timer;
    const finish = () => {
      clearTimeout(timer);
      channel.close();
      release();
    };
    const following = this.#visible;
    if (!this.#failedForGood || following.size === 0) {
      finish();
      return;
    }
    timer = setTimeout(finish, FAILURE_HANDOVER_MS);
    channel.onmessage = ({ data }) => {
      if (data?.t === 'bye' && following.delete(data.from) && following.size === 0) finish();
    };
  }

  /** Tells the leader when this page is shown or hidden, and says goodbye as it unloads. */
  #watchPage() {
    const doc = globalThis.document;
    if (!doc) return () => {};
    const onVisibility = () => {
      const visible = !isPageHidden();
      if (this.#connection) this.#connection.visibilityChanged();
      else this.#post({ t: 'visible', visible });
    };
    const onPageHide = () => this.#post({ t: 'bye' });
    doc.addEventListener('visibilitychange', onVisibility);
    globalThis.addEventListener('pagehide', onPageHide);
    return () => {
      doc.removeEventListener('visibilitychange', onVisibility);
      globalThis.removeEventListener('pagehide', onPageHide);
    };
  }

  /** Whether no page of the stream is visible: then pauseWhenHidden pauses it. */
  #allHidden() {
    if (!isPageHidden()) return false;
    for (const visible of this.#visible.values()) if (visible) return false;
    return true;
  }

  /** The lock is granted: connect from the last event id seen here and relay the stream. */
  async #lead() {
    // Let the messages already queued here (a failure that ends the stream) arrive first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.#closed) return;
    const held = new Promise((resolve) => (this.#releaseLock = resolve));
    this.#leader = this.#id;
    this.#post({ t: 'lead', lastEventId: this.#lastEventId });
    this.#replays.resumeFrom(this.#lastEventId);
    const options = { ...this.#options, lastEventId: this.#lastEventId || undefined, hidden: () => this.#allHidden() };
    this.#connection = new Connection(options, {
      open: (response) => {
        this.#flush();
        this.#post({ t: 'open', head: headOf(response) });
        this.#opened(response);
      },
      message: (type, data, lastEventId, origin) => {
        if (this.#batch.length === 0) queueMicrotask(() => this.#flush());
        if (origin !== this.#origin) {
          this.#flush();
          this.#origin = origin;
        }
        this.#batch.push(type, data, lastEventId);
        this.#deliver(this.#id, type, data, lastEventId, origin);
      },
      comment: (text) => {
        this.#flush();
        this.#post({ t: 'comment', text });
        this.#sink.comment(text);
      },
      error: (info) => {
        this.#flush();
        this.#post({ t: 'error', info: errorInfoOf(info) });
        if (endsTheStream(info)) this.#failedForGood = true;
        this.#failed(info);
      },
    });
    return held;
  }

  /** Posts the leader's pending events as one message. */
  #flush() {
    if (this.#batch.length === 0 || this.#closed) return;
    this.#post({ t: 'events', origin: this.#origin, list: this.#batch });
    this.#batch = [];
  }

  #post(message) {
    if (this.#closed) return;
    message.from = this.#id;
    this.#channel.postMessage(message);
  }

  #receive(message) {
    if (this.#closed || !message || typeof message !== 'object') return;
    const { from } = message;
    switch (message.t) {
      case 'hello':
        if (this.#connection) {
          this.#visible.set(from, Boolean(message.visible));
          this.#connection.visibilityChanged();
          this.#post({ t: 'state', to: from, head: this.#head, lastEventId: this.#lastEventId });
        }
        break;
      case 'state':
        if (message.to !== this.#id) break;
        this.#leader = from;
        // Joining mid-stream: a takeover from here resumes where the stream is.
        if (!this.#delivered) this.#lastEventId = message.lastEventId;
        if (message.head) this.#opened(responseOf(message.head));
        break;
      case 'visible':
        if (this.#connection) {
          this.#visible.set(from, Boolean(message.visible));
          this.#connection.visibilityChanged();
        }
        break;
      case 'bye':
        if (this.#visible.delete(from)) this.#connection?.visibilityChanged();
        break;
      case 'lead':
        this.#leader = from;
        this.#replays.resumeFrom(message.lastEventId);
        // Introduce this page to the new leader.
        this.#post({ t: 'hello', visible: !isPageHidden() });
        break;
      case 'open':
        if (from === this.#leader) this.#opened(responseOf(message.head));
        break;
      case 'events': {
        this.#leader ??= from;
        const { list, origin } = message;
        for (let i = 0; i + 2 < list.length && !this.#closed; i += 3) {
          this.#deliver(from, list[i], list[i + 1], list[i + 2], origin);
        }
        break;
      }
      case 'comment':
        if (from === this.#leader) this.#sink.comment(message.text);
        break;
      case 'error': {
        const { info } = message;
        // A failure for good ends the stream for every page, whoever reported it.
        if (from !== this.#leader && info.willRetry) break;
        if (info.headers) info.headers = new Headers(info.headers);
        this.#failed(info);
        break;
      }
    }
  }

  #opened(response) {
    const reported = this.#head !== null;
    this.#head = headOf(response);
    if (!reported) this.#sink.open(response);
  }

  #failed(info) {
    if (info.willRetry) this.#head = null;
    this.#sink.error(info);
  }

  /** Delivers an event here unless it is the replay of one already delivered. */
  #deliver(from, type, data, lastEventId, origin) {
    if (from !== this.#leader) {
      // A late event from the page that led before.
      this.#replays.late(lastEventId);
    } else if (!this.#replays.accept(lastEventId)) {
      return;
    }
    this.#delivered = true;
    this.#lastEventId = lastEventId;
    this.#sink.message(type, data, lastEventId, origin);
  }
}
