// The public API, re-exported by each platform's entry after it sets the wasm loader.
export {
  EventSource,
  EventSourceError,
  EventSourceErrorEvent,
  EventSourceOpenEvent,
  ready,
} from './event-source.js';
export { SseParser } from '../pkg/wasm_eventsource.js';
