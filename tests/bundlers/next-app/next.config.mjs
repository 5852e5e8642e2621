// A static export: the page is rendered at build time (server-side, in Node, where the
// package is imported too) and served as files, like the other bundlers' output. The root
// is the directory whose node_modules holds Next.js (the app is built two levels below it).
import { fileURLToPath } from 'node:url';

export default { output: 'export', turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) } };
