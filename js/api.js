// The public API, re-exported by each platform's entry after it sets the wasm loader.
export {
  EventSource,
  EventSourceError,
  EventSourceErrorEvent,
  EventSourceOpenEvent,
} from './event-source.js';
export { EventStreamParser, EventTooLargeError, parseEvents } from './parse.js';
export { useWasm } from './wasm.js';
