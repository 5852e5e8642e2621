// Built with `next build` and served by `next start`: the page is rendered at build time
// (server-side, in Node, where the package is imported too) and hydrated in the browser; the
// Turbopack build adds a route in the Edge runtime (../next-edge/route.js). The root is the
// directory whose node_modules holds Next.js (the app is built two levels below it).
import { fileURLToPath } from 'node:url';

export default { turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) } };
