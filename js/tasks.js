// Dispatch in tasks of their own, as the platform's EventSource does: with the
// `platformEvents` option, each thing a connection reports (open, a message, a comment, an
// error) is handed to the source in a task of its own, so that the microtasks a listener
// queues run before the next event, as they do for the native EventSource.

/** One channel for the page: each posted message is one task, in the order posted. */
let channel = null;
const jobs = [];

function post(job) {
  if (channel === null) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      jobs.shift()?.();
      // With nothing left to run, the channel does not keep a Node, Deno or Bun process alive.
      if (jobs.length === 0) channel.port1.unref?.();
    };
  }
  // While events wait, it does: the last ones of a finished stream still fire.
  if (jobs.length === 0) channel.port1.ref?.();
  jobs.push(job);
  channel.port2.postMessage(null);
}

/**
 * The sink of one source, deferred: each call runs in its own task, in order, until clear().
 * While more than `limit` are waiting, `hold(+1)` pauses the source's reading; once half
 * of them ran, `hold(-1)` resumes it.
 */
export class TaskSink {
  #pending = 0;
  #generation = 0;
  #held = false;
  #limit;
  #hold;

  constructor(limit, hold) {
    this.#limit = Number.isFinite(limit) ? limit : 1000;
    this.#hold = hold;
  }

  /** `sink` with every method deferred to a task of its own. */
  wrap(sink) {
    const deferred = {};
    for (const name of ['open', 'message', 'comment', 'error']) {
      deferred[name] = (...args) => this.#defer(() => sink[name](...args));
    }
    return deferred;
  }

  /** Drops what has not run yet (the source was closed). */
  clear() {
    this.#generation += 1;
    this.#pending = 0;
    this.#setHeld(false);
  }

  #defer(run) {
    const generation = this.#generation;
    this.#pending += 1;
    if (this.#pending > this.#limit) this.#setHeld(true);
    post(() => {
      if (generation !== this.#generation) return;
      this.#pending -= 1;
      if (this.#pending <= this.#limit / 2) this.#setHeld(false);
      run();
    });
  }

  #setHeld(value) {
    if (this.#held === value) return;
    this.#held = value;
    this.#hold(value ? 1 : -1);
  }
}
