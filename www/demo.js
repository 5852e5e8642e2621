// The demo page: each panel runs the native EventSource beside wasm-eventsource.
import { EventSource } from '/js/index.js';

const STATES = ['CONNECTING', 'OPEN', 'CLOSED'];
const LOG_LIMIT = 60;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One client's column: state badge, countdown, id-gap check, headers seen, event log. */
class Column {
  constructor(container, kind) {
    this.kind = kind;
    this.source = null;
    this.root = element('div', 'column');
    this.root.dataset.client = kind;
    const title = kind === 'native' ? 'Native EventSource' : 'wasm-eventsource';
    const head = element('div', 'column-head');
    head.append(element('h3', '', title), (this.state = element('span', 'state', 'idle')));
    this.countdown = element('div', 'countdown');
    this.gap = element('div', 'gap');
    this.headers = element('details', 'headers');
    this.headers.append(element('summary', '', 'Request headers the server saw'), (this.headerList = element('pre')));
    this.output = element('div', 'output');
    this.log = element('ol', 'log');
    this.root.append(head, this.countdown, this.gap, this.output, this.headers, this.log);
    container.append(this.root);
  }

  /** Opens `url`; `types` are the named events to show. */
  connect(url, init = {}, types = []) {
    this.close();
    this.log.replaceChildren();
    this.output.textContent = '';
    this.gap.textContent = '';
    this.gap.className = 'gap';
    this.lastId = null;
    this.gaps = 0;
    const Source = this.kind === 'native' ? globalThis.EventSource : EventSource;
    const source = (this.source = this.kind === 'native' ? new Source(url) : new Source(url, init));
    this.showState();
    source.addEventListener('open', (event) => {
      this.stopCountdown();
      this.entry('open', event.status ? `status ${event.status}` : '');
      this.showState();
    });
    source.addEventListener('message', (event) => this.message(event));
    source.addEventListener('request', (event) => {
      this.headerList.textContent = JSON.stringify(JSON.parse(event.data), null, 2);
    });
    for (const type of types) source.addEventListener(type, (event) => this.message(event));
    source.addEventListener('error', (event) => this.error(event));
    this.stateTimer = setInterval(() => this.showState(), 250);
    return source;
  }

  close() {
    this.source?.close();
    clearInterval(this.stateTimer);
    this.stopCountdown();
    if (this.source) this.showState();
  }

  showState() {
    const state = this.source ? STATES[this.source.readyState] : 'idle';
    this.state.textContent = state;
    this.state.dataset.state = state;
  }

  message(event) {
    let text = event.data;
    if (event.type === 'message' && /^\d+$/.test(event.lastEventId)) {
      const id = Number(event.lastEventId);
      if (this.lastId !== null && id !== this.lastId + 1) this.gaps += 1;
      this.lastId = id;
      this.gap.textContent = this.gaps === 0 ? `ids 1…${id} in order: no gap` : `${this.gaps} gap(s) in the ids`;
      this.gap.className = this.gaps === 0 ? 'gap ok' : 'gap bad';
    }
    if (event.type === 'token') {
      this.output.textContent += event.data;
      return;
    }
    if (text.length > 120) text = `${text.slice(0, 117)}…`;
    this.entry(event.type, text, event.lastEventId);
    this.showState();
  }

  error(event) {
    this.showState();
    const source = this.source;
    if (this.kind === 'native') {
      this.entry('error', `readyState ${source.readyState} (the native event has no details)`);
      return;
    }
    const parts = event.status ? [`status ${event.status}`] : [event.reason];
    if (event.limit) parts.push(`limit ${event.limit} bytes`);
    parts.push(event.willRetry ? `retry in ${event.retryIn} ms` : 'no retry');
    this.entry('error', parts.join(' · '));
    // The body of a failed response is read only on request: show its start when it comes.
    if (event.status) event.text().then((body) => body && this.entry('error', `body: ${body.slice(0, 80)}`));
    if (event.willRetry) this.startCountdown(event.retryIn);
  }

  stopCountdown() {
    clearInterval(this.countdownTimer);
    this.countdown.textContent = '';
  }

  startCountdown(millis) {
    clearInterval(this.countdownTimer);
    const until = performance.now() + millis;
    const tick = () => {
      const left = until - performance.now();
      if (left <= 0 || this.source?.readyState !== 0) {
        this.stopCountdown();
        return;
      }
      this.countdown.textContent = `reconnecting in ${(left / 1000).toFixed(1)} s`;
    };
    tick();
    this.countdownTimer = setInterval(tick, 100);
  }

  entry(type, text, id) {
    const item = element('li', `entry ${type}`);
    item.dataset.type = type;
    item.append(element('span', 'time', new Date().toLocaleTimeString()), element('span', 'type', type));
    if (id) item.append(element('span', 'id', `#${id}`));
    item.append(element('span', 'text', text));
    this.log.prepend(item);
    while (this.log.children.length > LOG_LIMIT) this.log.lastChild.remove();
  }
}

/** A panel's two columns. */
function pair(panelId) {
  const container = document.querySelector(`#${panelId} .columns`);
  return { native: new Column(container, 'native'), wasm: new Column(container, 'wasm') };
}

const clock = pair('clock');
document.querySelector('#clock-connect').onclick = () => {
  clock.native.connect('/demo/clock');
  clock.wasm.connect('/demo/clock', { retry: { initialDelay: 1000 } });
};
document.querySelector('#clock-drop').onclick = () => fetch('/demo/clock/drop', { method: 'POST' });
document.querySelector('#clock-close').onclick = () => Object.values(clock).forEach((c) => c.close());

const auth = pair('auth');
async function freshToken() {
  const response = await fetch('/demo/auth/token', { method: 'POST' });
  const { token } = await response.json();
  return token;
}
document.querySelector('#auth-connect').onclick = () => {
  auth.native.connect('/demo/auth/stream');
  auth.wasm.connect('/demo/auth/stream', {
    headers: async () => ({ Authorization: `Bearer ${await freshToken()}` }),
  });
};
document.querySelector('#auth-no-token').onclick = () => {
  auth.native.connect('/demo/auth/stream');
  auth.wasm.connect('/demo/auth/stream');
};
document.querySelector('#auth-close').onclick = () => Object.values(auth).forEach((c) => c.close());

const chat = pair('chat');
chat.native.entry('note', 'The native EventSource cannot send a POST body, so it cannot join this panel.');
document.querySelector('#chat-form').onsubmit = (event) => {
  event.preventDefault();
  const prompt = document.querySelector('#chat-prompt').value;
  const source = chat.wasm.connect('/demo/chat', { body: JSON.stringify({ prompt }), headers: { 'content-type': 'application/json' } }, ['done']);
  source.addEventListener('token', (e) => chat.wasm.message(e));
  source.addEventListener('done', () => chat.wasm.close());
};

const faults = pair('faults');
for (const button of document.querySelectorAll('[data-fault]')) {
  button.onclick = () => {
    const url = `/demo/fault/${button.dataset.fault}`;
    faults.native.connect(url);
    faults.wasm.connect(url, { stallTimeout: 3000, maxEventSize: 1 << 20, retry: { retryOnStatus: [503], initialDelay: 1000 } });
  };
}
document.querySelector('#faults-close').onclick = () => Object.values(faults).forEach((c) => c.close());

const tabs = pair('tabs');
function connectTabs() {
  for (const [client, column] of Object.entries(tabs)) {
    const source = column.connect(`/demo/tabs/${client}`, { share: true });
    source.addEventListener('message', (event) => {
      const { connections } = JSON.parse(event.data);
      column.output.textContent = `The server holds ${connections} connection${connections === 1 ? '' : 's'} for this client.`;
    });
  }
}
document.querySelector('#tabs-connect').onclick = connectTabs;
document.querySelector('#tabs-open').onclick = () => window.open('/#tabs', '_blank');
document.querySelector('#tabs-close').onclick = () => Object.values(tabs).forEach((c) => c.close());
// A tab opened by "Open another tab" joins at once.
if (location.hash === '#tabs') connectTabs();

// Link the Leptos and Yew example apps only when this checkout has them built.
const examples = document.querySelector('#examples-list');
for (const name of ['leptos', 'yew']) {
  fetch(`/examples/${name}/`, { method: 'HEAD' }).then((response) => {
    if (!response.ok) return;
    const link = element('a', '', `${name[0].toUpperCase()}${name.slice(1)} example`);
    link.href = `/examples/${name}/`;
    const item = element('li');
    item.append(link);
    examples.append(item);
  });
}

window.demoReady = true;
