// A bundled app: imports the package by name, as users do.
import { EventSource } from 'wasm-eventsource';
import { collect } from '../browser/collect.js';

window.collect = (url, count) => collect(EventSource, url, count);
window.ready = true;
