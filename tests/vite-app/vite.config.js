// Builds the test app with the package resolved from this repository, through its
// package.json "exports" like an installed copy.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/vite/',
  logLevel: 'warn',
  resolve: { alias: { 'wasm-eventsource': fileURLToPath(new URL('../..', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true },
});
