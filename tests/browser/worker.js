// A dedicated module worker that streams events and posts them back to the page.
import { EventSource } from '/js/index.js';

self.onmessage = ({ data: { url, count } }) => {
  const source = new EventSource(url);
  const seen = [];
  source.onmessage = (event) => {
    seen.push(event.data);
    if (seen.length === count) {
      source.close();
      self.postMessage(seen);
    }
  };
};
