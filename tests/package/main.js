// The page every bundler in tests/bundlers/ builds from the installed tarball, with no configuration.
import { EventSource, parseEvents } from 'wasm-eventsource';

window.collect = async (url, count) => {
  const fromSource = [];
  for await (const event of new EventSource(url)) {
    fromSource.push(event.data);
    if (fromSource.length === count) break;
  }
  const fromParser = [];
  for await (const event of parseEvents(await fetch(url))) {
    fromParser.push(event.data);
    if (fromParser.length === count) break;
  }
  return { fromSource, fromParser };
};
window.ready = true;
