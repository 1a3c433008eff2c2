import { fileURLToPath } from 'node:url';

/**
 * Node-side entry of the console package. The browser app itself (src/main.tsx) is built by Vite
 * into dist/web; nodes serve that directory at `/` (packages/node, http/static.ts).
 */

/** Absolute path of the built console (index.html, assets/, fonts/): `dist/web` of this package. */
export function consoleAssetsDir(): string {
  return fileURLToPath(new URL('../web/', import.meta.url));
}
