// One stream shared by the pages of an origin (`share`): the page that holds a Web Lock
// runs the connection and relays what happens over a BroadcastChannel; the others follow.
// When the leading page goes, the next one in the lock's queue takes over and resumes from
// its last event id; when it falls silent (frozen, stuck), a following page takes the lock
// from it. A page whose loop falls behind leaves for a connection of its own. Same
// interface as Connection. The messages and the stream's name are in share-protocol.js.
import { Connection, endsTheStream, isPageHidden } from './connection.js';
import { ReplayFilter } from './replay.js';
import { errorInfoOf, headOf, readMessage, responseOf, shareName } from './share-protocol.js';

/** How long a page whose stream failed for good waits for the others to leave. */
const FAILURE_HANDOVER_MS = 1000;

/**
 * Whether this platform can share a stream between pages: Web Locks, BroadcastChannel and
 * SubtleCrypto (for the stream's name); all three exist in secure contexts of browsers.
 */
export const canShare = () =>
  typeof BroadcastChannel === 'function' &&
  typeof globalThis.navigator?.locks?.request === 'function' &&
  typeof globalThis.crypto?.subtle?.digest === 'function';

/**
 * With a stall timeout T, the leading page says it is alive every T/3 (BEAT); a following
 * page, looking every T/8 (WATCH), that heard nothing from it for T/2 asks (ping), and
 * takes the stream over if no answer came within T/8 to T/4 (GRACE, at random, so that
 * one page usually takes over and the others hear it first): a silent leader is replaced
 * within T, from the last event id.
 */
const BEAT = 1 / 3;
const WATCH = 1 / 8;
const SILENT = 1 / 2;
const GRACE = 1 / 8;

/** One page's end of a shared stream. */
export class SharedConnection {
  #options;
  #sink;
  #id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  /** The lock and channel name, once computed. */
  #name = null;
  #channel = null;
  /** Withdraws this page's place in the lock's queue. */
  #lockRequest = new AbortController();
  /** Counts this page's grants of the lock: a grant taken away matters only if current. */
  #grants = 0;
  /** Ends the lock's hold, while this page leads. */
  #releaseLock = null;
  /** The connection: while this page leads, or since it left the shared stream. */
  #connection = null;
  /** Whether this page left the shared stream for a connection of its own (for good). */
  #alone = false;
  /** The page whose events count here; and the one before it, until it says goodbye. */
  #leader = null;
  #previousLeader = null;
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
  /** When the leader was last heard from, and when it was asked whether it is there. */
  #heardAt = performance.now();
  #pingedAt = null;
  /** How long this page waits for an answer to its ping. */
  #grace = 0;
  /** The leader's heartbeat, or a following page's watch on the leader. */
  #timer = undefined;
  #unwatch = () => {};

  constructor(options, sink) {
    this.#options = options;
    this.#sink = sink;
    this.#lastEventId = options.lastEventId ?? '';
    shareName(options)
      .then((name) => this.#join(name))
      .catch(() => this.#leave());
  }

  /**
   * An iterator of this page is full. A following page cannot hold the others back, and
   * the leading page must not: the page leaves the shared stream for a connection of its
   * own from its last event id, which then pauses as a lone source's does.
   */
  pause() {
    if (this.#closed) return;
    if (!this.#alone) this.#leave();
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
    clearInterval(this.#timer);
    this.#unwatch();
    this.#lockRequest.abort();
    this.#connection?.close();
    this.#connection = null;
    const channel = this.#channel;
    const release = this.#releaseLock ?? (() => {});
    let timer;
    const finish = () => {
      clearTimeout(timer);
      channel?.close();
      release();
    };
    const following = this.#visible;
    if (!this.#failedForGood || following.size === 0) {
      finish();
      return;
    }
    timer = setTimeout(finish, FAILURE_HANDOVER_MS);
    channel.onmessage = ({ data }) => {
      const message = readMessage(data);
      if (message?.t === 'bye' && following.delete(message.from) && following.size === 0) finish();
    };
  }

  /** The stream's name is known: say hello, queue for the lock, and watch the leader. */
  #join(name) {
    if (this.#closed || this.#alone) return;
    this.#name = name;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event) => this.#receive(readMessage(event.data));
    this.#post({ t: 'hello', visible: !isPageHidden() });
    this.#unwatch = this.#watchPage();
    this.#queue(false);
    this.#watchLeader();
  }

  /**
   * Asks for the lock: in turn, or (`steal`) at once, taking it from a silent leader. The
   * lock is held until released or taken away; then this page follows again.
   */
  #queue(steal) {
    this.#lockRequest.abort();
    const request = new AbortController();
    this.#lockRequest = request;
    const grant = ++this.#grants;
    // A steal cannot be withdrawn: once granted, #lead lets go at once if no longer wanted.
    const options = steal ? { steal: true } : { signal: request.signal };
    navigator.locks
      .request(this.#name, options, () => this.#lead(grant, steal))
      .catch(() => {
        // Withdrawn by close() or by a steal of this page's own; or taken away by another
        // page's steal: then this page follows the one that took it.
        if (grant === this.#grants && !request.signal.aborted) this.#stepDown();
      });
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
  async #lead(grant, stole) {
    // Let the messages already queued here (a failure that ends the stream) arrive first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.#closed || this.#alone || grant !== this.#grants) return;
    const held = new Promise((resolve) => (this.#releaseLock = resolve));
    this.#leader = this.#id;
    this.#previousLeader = null;
    this.#post({ t: 'lead', lastEventId: this.#lastEventId, stole });
    this.#beat();
    this.#connect(true);
    return held;
  }

  /**
   * Runs the stream from this page, from the last event id seen here; `relay` posts what
   * happens to the other pages.
   */
  #connect(relay) {
    this.#replays.resumeFrom(this.#lastEventId);
    const options = { ...this.#options, lastEventId: this.#lastEventId || undefined, hidden: () => this.#allHidden() };
    this.#connection = new Connection(options, {
      open: (response) => {
        this.#flush();
        this.#post({ t: 'open', head: headOf(response) });
        this.#opened(response);
      },
      message: (type, data, lastEventId, origin) => {
        if (relay && !this.#alone) {
          if (this.#batch.length === 0) queueMicrotask(() => this.#flush());
          if (origin !== this.#origin) {
            this.#flush();
            this.#origin = origin;
          }
          this.#batch.push(type, data, lastEventId);
        }
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
  }

  /**
   * Another page took the lock from this one: stop the stream here (if it started) and
   * follow it. Queuing again makes a grant not yet acted on stale.
   */
  #stepDown() {
    if (this.#closed || this.#alone) return;
    this.#batch = [];
    this.#connection?.close();
    this.#connection = null;
    this.#releaseLock?.();
    this.#releaseLock = null;
    this.#visible.clear();
    this.#heardAt = performance.now();
    this.#queue(false);
    this.#watchLeader();
  }

  /**
   * Leaves the shared stream for good, keeping the events: a leading page keeps its
   * connection and hands the lock to the next page; a following one connects by itself.
   */
  #leave() {
    if (this.#closed || this.#alone) return;
    this.#flush();
    this.#post({ t: 'bye' });
    this.#alone = true;
    clearInterval(this.#timer);
    this.#lockRequest.abort();
    this.#releaseLock?.();
    this.#releaseLock = null;
    this.#channel?.close();
    this.#visible.clear();
    this.#leader = this.#id;
    this.#previousLeader = null;
    if (this.#connection) this.#connection.visibilityChanged();
    else this.#connect(false);
  }

  /** While leading, with a stall timeout: says every T/3 that this page is alive. */
  #beat() {
    clearInterval(this.#timer);
    const limit = this.#options.stallTimeout;
    if (limit) this.#timer = setInterval(() => this.#post({ t: 'beat' }), limit * BEAT);
  }

  /** While following, with a stall timeout: takes over from a leader silent for too long. */
  #watchLeader() {
    clearInterval(this.#timer);
    const limit = this.#options.stallTimeout;
    if (!limit) return;
    this.#pingedAt = null;
    this.#timer = setInterval(() => {
      const now = performance.now();
      if (this.#pingedAt !== null && now - this.#pingedAt >= this.#grace) {
        this.#pingedAt = null;
        clearInterval(this.#timer);
        this.#queue(true);
      } else if (this.#pingedAt === null && now - this.#heardAt >= limit * SILENT) {
        this.#pingedAt = now;
        this.#grace = limit * GRACE * (1 + Math.random());
        this.#post({ t: 'ping' });
      }
    }, limit * WATCH);
  }

  /** The leader spoke. */
  #heard() {
    this.#heardAt = performance.now();
    this.#pingedAt = null;
  }

  /** Posts the leader's pending events as one message. */
  #flush() {
    if (this.#batch.length === 0) return;
    this.#post({ t: 'events', origin: this.#origin, list: this.#batch });
    this.#batch = [];
  }

  #post(message) {
    if (this.#closed || this.#alone || !this.#channel) return;
    message.from = this.#id;
    this.#channel.postMessage(message);
  }

  /** A message from another page, already checked (null when it was junk). */
  #receive(message) {
    if (this.#closed || this.#alone || !message) return;
    const { from } = message;
    const leading = this.#leader === this.#id && this.#connection !== null;
    const fromLeader = from === this.#leader;
    if (fromLeader) this.#heard();
    switch (message.t) {
      case 'hello':
      case 'visible':
        if (leading) {
          this.#visible.set(from, message.visible);
          this.#connection.visibilityChanged();
          if (message.t !== 'hello') break;
          // The events delivered here so far go first: the new page starts after them.
          this.#flush();
          this.#post({ t: 'state', to: from, head: this.#head, lastEventId: this.#lastEventId });
        }
        break;
      case 'ping':
        if (leading) this.#post({ t: 'beat' });
        break;
      case 'bye':
        if (from === this.#previousLeader) this.#previousLeader = null;
        if (this.#visible.delete(from)) this.#connection?.visibilityChanged();
        break;
      case 'lead':
        // Only a steal gives the lock to another page while this one leads.
        if (leading) this.#stepDown();
        // After a steal, what the page before still sends is not part of the stream.
        this.#previousLeader = message.stole ? null : this.#leader;
        this.#leader = from;
        this.#heard();
        this.#replays.resumeFrom(message.lastEventId);
        // Introduce this page to the new leader.
        this.#post({ t: 'hello', visible: !isPageHidden() });
        break;
      case 'state':
        if (message.to !== this.#id || (this.#leader !== null && !fromLeader)) break;
        this.#leader = from;
        this.#heard();
        // Joining mid-stream: a takeover from here resumes where the stream is.
        if (!this.#delivered) this.#lastEventId = message.lastEventId;
        if (message.head) this.#opened(responseOf(message.head));
        break;
      case 'open':
        if (fromLeader) this.#opened(responseOf(message.head));
        break;
      case 'events': {
        if (!fromLeader && from !== this.#previousLeader) break;
        const { list, origin } = message;
        for (let i = 0; i + 2 < list.length && !this.#closed && !this.#alone; i += 3) {
          this.#deliver(from, list[i], list[i + 1], list[i + 2], origin);
        }
        break;
      }
      case 'comment':
        if (fromLeader) this.#sink.comment(message.text);
        break;
      case 'error':
        if (fromLeader) this.#failed(message.info);
        break;
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
      // A late event from the page that led before, unless the current stream had it first.
      if (!this.#replays.late(lastEventId)) return;
    } else if (!this.#replays.accept(lastEventId)) {
      return;
    }
    this.#delivered = true;
    this.#lastEventId = lastEventId;
    this.#sink.message(type, data, lastEventId, origin);
  }
}
