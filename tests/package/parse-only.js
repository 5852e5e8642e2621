// A page that uses parseEvents and not the class: its bundle carries the parser-only module.
import { parseEvents } from 'wasm-eventsource';

window.collect = async (url, count) => {
  const fromParser = [];
  for await (const event of parseEvents(await fetch(url))) {
    fromParser.push(event.data);
    if (fromParser.length === count) break;
  }
  return { fromParser };
};
window.ready = true;
