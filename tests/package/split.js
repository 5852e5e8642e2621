// A page split in two chunks: this one uses parseEvents from its top level; the class comes
// later, in a chunk of its own (source-chunk.js), which brings the whole module.
import { parseEvents } from 'wasm-eventsource';

async function parsed(input, count) {
  const out = [];
  for await (const event of parseEvents(input)) {
    out.push(event.data);
    if (out.length === count) break;
  }
  return out;
}

// At the top level, while the package's modules are still setting up.
const early = parsed(['data: early\n\n'], 1);

window.collect = async (url, count) => {
  const fromParser = [...(await early), ...(await parsed(await fetch(url), count))];
  const { collectSource } = await import('./source-chunk.js');
  const fromSource = await collectSource(url, count);
  const after = await parsed(await fetch(url), count);
  return { fromSource, fromParser, after };
};
window.ready = true;
