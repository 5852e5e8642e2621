// Recognising the events a shared stream sends again after a page takes it over.

/** How many delivered event ids are kept: far more than a takeover can replay. */
const HISTORY = 1024;

/**
 * Remembers the lastEventId of each event delivered. After `resumeFrom(id)` (a stream
 * resumed from `id`), the events delivered after `id` are expected again, in order, and
 * skipped when they come; the first event that differs ends the skipping.
 */
export class ReplayFilter {
  /** The lastEventId of each event delivered, newest last. */
  #delivered = [];
  /** The lastEventIds the stream is expected to send again. */
  #replay = [];
  /** The lastEventIds the current stream delivered since it resumed. */
  #current = new Set();

  /** Whether an event of the current stream is new (and then records it), or a replay. */
  accept(lastEventId) {
    if (this.#replay.length > 0) {
      if (this.#replay[0] === lastEventId) {
        this.#replay.shift();
        return false;
      }
      this.#replay.length = 0;
    }
    this.#remember(lastEventId);
    this.#current.add(lastEventId);
    return true;
  }

  /**
   * Whether an event from the stream that went before, arriving after the resume, is new
   * here (and then records it: the current stream, resumed from an earlier id, may send it
   * again). One the current stream already delivered is not: the page that led before was
   * slower than the one that took over.
   */
  late(lastEventId) {
    if (this.#current.has(lastEventId)) return false;
    this.#replay.push(lastEventId);
    this.#remember(lastEventId);
    return true;
  }

  /**
   * The stream resumed after the event that carried `lastEventId` (events without an id
   * that followed it share it, and come again too). Without an id it starts afresh, so
   * nothing is expected again.
   */
  resumeFrom(lastEventId) {
    const delivered = this.#delivered;
    let at = lastEventId === '' ? -1 : delivered.lastIndexOf(lastEventId);
    while (at > 0 && delivered[at - 1] === lastEventId) at -= 1;
    this.#replay = at < 0 ? [] : delivered.slice(at + 1);
    this.#current.clear();
  }

  #remember(lastEventId) {
    const delivered = this.#delivered;
    delivered.push(lastEventId);
    if (delivered.length >= HISTORY * 2) delivered.splice(0, delivered.length - HISTORY);
  }
}
