// The end-to-end benchmark for browsers launched with nothing attached (no DevTools, no
// WebDriver): benches/honest.mjs opens this page with a plan in the query, and the page
// posts what it measured to the test server. A DevTools client slows the native
// EventSource (it reports every message to the client), so only this page compares with it.
//
// In order: the time to the first event of one client cold (the first source of the
// page; ours then loads its WebAssembly module), the same warm for every client once the
// page has been idle for a second (all in rotating order, as are the rest), then
// throughput for every client and a bare fetch reader (the limit; its first chunk is the
// limit of the warm first event over fetch), in rotating order.
import { CLIENTS, runClient, runReader, sink } from './clients.js';

const plan = Object.fromEntries(new URL(location.href).searchParams);
const count = Number(plan.count);
const size = Number(plan.size);
const runs = Number(plan.runs);
const WARM_RUNS = 12;
const SETTLE_MS = 1000;

/** `list` rotated by `run` (and the launch): no client always follows the same one. */
function rotated(list, run) {
  const shift = (run + Number(plan.launch)) % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

let streams = 0;
const url = (path) => `${path}&key=honest-${plan.key}-${(streams += 1)}`;
const firstEventUrl = () => url('/sse/counter?count=1&end=hang');

async function measure() {
  // One client per launch is timed cold, in turn.
  const coldClient = CLIENTS[Number(plan.launch) % CLIENTS.length];
  const cold = { client: coldClient, ...(await runClient(coldClient, firstEventUrl(), 1)) };
  // The bare fetch reader's first chunk is the limit for the clients over fetch.
  const contenders = [...CLIENTS, 'fetch reader'];
  const warm = Object.fromEntries(contenders.map((client) => [client, []]));
  // The browser is busy for a while after start-up, and its requests are slower then.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  for (let run = 0; run < WARM_RUNS; run++) {
    for (const client of rotated(contenders, run)) {
      const result = client === 'fetch reader' ? await runReader(firstEventUrl(), 1) : await runClient(client, firstEventUrl(), 1);
      warm[client].push(result.ttfe);
    }
  }
  const seconds = Object.fromEntries(contenders.map((client) => [client, []]));
  for (let run = 0; run < runs; run++) {
    for (const client of rotated(contenders, run)) {
      const bulk = url(`/sse/bulk?count=${count}&size=${size}`);
      const result = client === 'fetch reader' ? await runReader(bulk, count * size) : await runClient(client, bulk, count);
      seconds[client].push(result.seconds);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { userAgent: navigator.userAgent, cold, warm, warmRuns: WARM_RUNS, seconds, sink };
}

measure()
  .catch((error) => ({ error: `${error.name}: ${error.message}` }))
  .then((results) => fetch(`/results?key=honest-${plan.key}`, { method: 'POST', body: JSON.stringify(results) }));
