// Server nodes sharing one Redis, behind a balancer that sends each connection to a node
// at random and can drop every open connection: the fixture of the end-to-end resume tests.
//
// Each node is `examples/axum_server.rs` on a `RedisHub` (build it with
// `cargo build --example axum_server --features redis`). As a program,
// `node tests/cluster/cluster.mjs [nodes]` starts a cluster, prints one JSON line
// (`{"url": ..., "nodes": [...], "redis": ...}`), then takes commands on stdin, one a line:
// `drop` (break every open connection), `restart <i>` (kill node i and start it again on
// its port), each answered with `ok`; it stops everything when stdin ends. That is how a test
// in another language (a Rust one) drives it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import net from 'node:net';

export const NODE_BINARY = fileURLToPath(new URL('../../target/debug/examples/axum_server', import.meta.url));

/** A free loopback port (free when asked; the caller binds it soon after). */
async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** A connected socket to `port` on loopback, or null when the connection is refused. */
function connect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(null));
  });
}

/** Resolves once something accepts TCP connections on `port`, polling until `deadline`. */
async function accepting(port, deadline) {
  for (;;) {
    const socket = await connect(port);
    socket?.destroy();
    if (socket) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A redis-server that keeps nothing on disk. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await accepting(port, Date.now() + 20_000);
  return { port, url: `redis://127.0.0.1:${port}/`, child };
}

/** One node on `port` (0: a free one); resolves when it prints where it listens. */
async function startNode(redisUrl, port = 0) {
  const child = spawn(NODE_BINARY, [], { env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the node exited (${code}) before it listened; is ${NODE_BINARY} built?`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const match = line.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (match) return Number(match[1]);
    }
    throw new Error('the node closed its output before it listened');
  })();
  const bound = await Promise.race([listening, exited]);
  exited.catch(() => {});
  return { port: bound, url: `http://127.0.0.1:${bound}`, child };
}

/** Stops a child process and waits for it. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill('SIGKILL');
  await exit;
}

/** A small seeded generator (mulberry32), so a run's choices can be replayed. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `items` in a random order (Fisher-Yates). */
function shuffled(items, next) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Starts Redis, `nodes` nodes on it and the balancer. `connections[i]` counts the
 * connections the balancer gave node i. With `cuts`, the balancer breaks each of the first
 * `cuts.count` connections after a random number of bytes from the node, between
 * `cuts.minBytes` and `cuts.maxBytes` (mid-event, as often as not); `cut()` says how many it
 * broke so far.
 */
export async function startCluster({ nodes = 2, seed = 1, cuts = { count: 0, minBytes: 0, maxBytes: 0 } } = {}) {
  const redis = await startRedis();
  const started = [];
  try {
    for (let i = 0; i < nodes; i++) started.push(await startNode(redis.url));
  } catch (error) {
    await Promise.all([...started.map((node) => stop(node.child)), stop(redis.child)]);
    throw error;
  }
  const next = random(seed);
  const open = new Set();
  const connections = started.map(() => 0);
  let cutsLeft = cuts.count;

  // Tries the nodes in a random order; a node that refuses (it is restarting) is skipped.
  const balancer = net.createServer(async (client) => {
    client.on('error', () => {});
    const order = shuffled(started.map((_, i) => i), next);
    for (const i of order) {
      const upstream = await connect(started[i].port);
      if (!upstream) continue;
      if (client.destroyed) return upstream.destroy();
      connections[i] += 1;
      const pair = { client, upstream };
      open.add(pair);
      const close = () => {
        open.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', close).on('close', close);
      client.on('close', close);
      client.pipe(upstream);
      let budget = Infinity;
      if (cutsLeft > 0) {
        cutsLeft -= 1;
        budget = cuts.minBytes + Math.floor(next() * (cuts.maxBytes - cuts.minBytes));
      }
      upstream.on('data', (chunk) => {
        if (chunk.length >= budget) {
          client.write(chunk.subarray(0, budget));
          budget = Infinity;
          close();
          return;
        }
        budget -= chunk.length;
        if (!client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      });
      return;
    }
    client.destroy();
  });
  balancer.listen(0, '127.0.0.1');
  await once(balancer, 'listening');

  return {
    url: `http://127.0.0.1:${balancer.address().port}`,
    redis,
    nodes: started,
    connections,
    /** How many connections the balancer has cut on purpose. */
    cut: () => cuts.count - cutsLeft,
    /** Breaks every open connection, as a failing load balancer or network would; returns how many. */
    drop() {
      const broken = open.size;
      for (const { client, upstream } of open) {
        client.destroy();
        upstream.destroy();
      }
      open.clear();
      return broken;
    },
    /** Kills node `i` and starts it again on the same port. */
    async restart(i) {
      await stop(started[i].child);
      started[i] = await startNode(redis.url, started[i].port);
    },
    async stop() {
      balancer.close();
      this.drop();
      await Promise.all([...started.map((node) => stop(node.child)), stop(redis.child)]);
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cluster = await startCluster({ nodes: Number(process.argv[2] ?? 2), seed: Date.now() });
  console.log(JSON.stringify({ url: cluster.url, nodes: cluster.nodes.map((node) => node.url), redis: cluster.redis.url }));
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, argument] = line.trim().split(/\s+/);
    if (command === 'drop') cluster.drop();
    else if (command === 'restart') await cluster.restart(Number(argument));
    else {
      console.log(`unknown command ${command}; use drop or restart <i>`);
      continue;
    }
    console.log('ok');
  }
  await cluster.stop();
}
