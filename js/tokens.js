// Reading the CR-separated tokens the wasm side returns (see binding/src/lib.rs) in place:
// a token is a tag character and its text up to the next CR; some have a second field after
// it. Walking them with indexOf builds no array, and each text is sliced out once.

/** Where the token or field that starts at `at` ends: at the next CR, or the end. */
export function tokenEnd(tokens, at) {
  const end = tokens.indexOf('\r', at);
  return end < 0 ? tokens.length : end;
}
