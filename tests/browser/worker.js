// A dedicated module worker that streams events and posts them back to the page.
import { EventSource } from '/js/index.js';
import { collect } from './collect.js';

self.onmessage = async ({ data: { url, count } }) => {
  self.postMessage(await collect(EventSource, url, count));
};
