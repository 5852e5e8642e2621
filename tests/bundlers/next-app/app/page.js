'use client';
// A client component, rendered on the server at build time and hydrated in the browser: the
// package is imported in both places. The browser half loads the shared collect() page code.
import { useEffect } from 'react';
import { EventSource } from 'wasm-eventsource';

export default function Page() {
  useEffect(() => {
    import('../main.js');
  }, []);
  return <p id="rendered">EventSource is a {typeof EventSource}</p>;
}
