// An instance is assignable to the DOM's EventSource type, and listeners typed with the DOM's
// MessageEvent fit; compiled with the DOM library (tests/types/tsconfig.json).
import { EventSource } from 'wasm-eventsource';
const ours = new EventSource('/x');
const dom: globalThis.EventSource = ours;
function takesDom(source: globalThis.EventSource) { return source.readyState; }
takesDom(new EventSource<'tick'>('/y'));
const handler = (event: MessageEvent<string>) => event.data;
ours.addEventListener('custom', handler);
ours.removeEventListener('custom', handler);
void dom;

// Code typed against the DOM keeps compiling, and message data stays a string.
const typedAgainstDom = (event: MessageEvent<string>) => event.data.length;
ours.addEventListener('message', typedAgainstDom);
ours.onmessage = (event) => {
  // @ts-expect-error: a message's data is a string, not any
  const notANumber: number = event.data;
  void notANumber;
};
