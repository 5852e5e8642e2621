// A scripted SSE server on 127.0.0.1 for the JavaScript tests (Node, Deno and Bun all have
// node:http): each route answers from a function of the request, and every request is kept.
import { createServer } from 'node:http';

/**
 * Starts a server whose `routes[path](request, response, url)` answer requests; returns
 * `{ base, requests, close }`, where `requests` are `{ path, headers }` in arrival order.
 */
export async function serve(routes) {
  const requests = [];
  const open = new Set();
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: url.searchParams, headers: request.headers, method: request.method });
    open.add(response);
    response.on('close', () => open.delete(response));
    const route = routes[url.pathname];
    if (route) route(request, response, url);
    else response.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close() {
      for (const response of open) response.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts an event stream: 200, text/event-stream, headers sent at once. */
export function streamHead(response) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  response.flushHeaders?.();
}

/** Resolves once `check()` is true, polling every 5 ms; rejects after `ms` with `what`. */
export async function until(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Collects what a user's callbacks threw and the package reported while `run(reported)`
 * runs: reportError is replaced for the while (Node has none of its own).
 */
export async function catchReported(run) {
  const reported = [];
  const own = Object.getOwnPropertyDescriptor(globalThis, 'reportError');
  globalThis.reportError = (error) => reported.push(error);
  try {
    await run(reported);
    // Exceptions reported a moment after the last event are in too.
    await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    if (own) Object.defineProperty(globalThis, 'reportError', own);
    else delete globalThis.reportError;
  }
  return reported;
}
