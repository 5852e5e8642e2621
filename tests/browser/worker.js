// A dedicated module worker that streams events with the EventSource class, or parses a
// fetched body with parseEvents, and posts the data back to the page.
import { EventSource, parseEvents } from '/js/index.js';
import { collect, collectParsed } from './collect.js';

self.onmessage = async ({ data: { url, count, parse } }) => {
  self.postMessage(await (parse ? collectParsed(parseEvents, url, count) : collect(EventSource, url, count)));
};
