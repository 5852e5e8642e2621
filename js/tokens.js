// Reading the CR-separated tokens the wasm side returns (see binding/src/lib.rs) in place:
// a token is a tag character and its text up to the next CR; the tags below have a second
// field after it. Walking them with indexOf builds no array, and each text is sliced once.

const NAMED = 110; // n: type, then data
const RECONNECT = 114; // r: delay, then reason
const FAILED = 102; // f: reason, then whether retries ran out

/** Where the token or field that starts at `at` ends: at the next CR, or the end. */
function tokenEnd(tokens, at) {
  const end = tokens.indexOf('\r', at);
  return end < 0 ? tokens.length : end;
}

/**
 * Calls `visit(tag, text, field)` for each token of `tokens` in order: `tag` is the tag's
 * char code, `field` the second field of the tags that have one (else undefined). The walk
 * stops when `visit` returns false.
 */
export function walkTokens(tokens, visit) {
  const length = tokens.length;
  for (let at = 0; at < length; ) {
    const tag = tokens.charCodeAt(at);
    let end = tokenEnd(tokens, at);
    const text = tokens.slice(at + 1, end);
    at = end + 1;
    let field;
    if (tag === NAMED || tag === RECONNECT || tag === FAILED) {
      end = tokenEnd(tokens, at);
      field = tokens.slice(at, end);
      at = end + 1;
    }
    if (visit(tag, text, field) === false) return;
  }
}
