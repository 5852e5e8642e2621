// A module Service Worker that streams events with the EventSource class and parses a fetched
// body with parseEvents, answering each page message with both results.
import { EventSource, parseEvents } from '/js/index.js';
import { collect, collectParsed } from './collect.js';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  const { url, count } = event.data;
  event.waitUntil(
    Promise.all([collect(EventSource, url, count), collectParsed(parseEvents, url, count)]).then(
      ([fromSource, fromParser]) => event.source.postMessage({ fromSource, fromParser }),
      (error) => event.source.postMessage({ error: String(error) }),
    ),
  );
});
