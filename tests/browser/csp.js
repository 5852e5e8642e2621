// Loaded by /csp under a strict Content-Security-Policy: streams three events and records
// any policy violation.
import { EventSource } from '/js/index.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
const seen = [];
const source = new EventSource(`/sse/counter?key=csp-${Math.random()}&count=3&end=hang`);
source.onmessage = (event) => {
  seen.push(event.data);
  if (seen.length === 3) {
    source.close();
    window.cspResult = { seen, violations };
  }
};
source.onerror = (event) => {
  if (source.readyState === EventSource.CLOSED) {
    window.cspResult = { seen, violations, failed: true, reason: event.reason, message: String(event.cause?.message) };
  }
};
