import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * sm-crypto-v2 (the SDK's SM4) runs `await import("crypto")` only when globalThis.crypto is missing,
 * which no browser or worker lacks (scripts/bundle-sdk.mjs treats it the same way): a module that
 * throws replaces it instead of Vite's warning about an externalized Node builtin.
 */
const unreachableNodeCrypto: Plugin = {
  name: 'xinlian:unreachable-node-crypto',
  enforce: 'pre',
  resolveId(id, importer) {
    return id === 'crypto' && importer?.includes('/node_modules/sm-crypto-v2/') === true
      ? '\0xinlian-unreachable-crypto'
      : undefined;
  },
  load(id) {
    return id === '\0xinlian-unreachable-crypto'
      ? 'throw new Error("the Node crypto module is not available in browsers");'
      : undefined;
  },
};

// The console is served by every node at `/` (packages/node serves dist/web); the API stays under /v1.
// `npm run dev -w @xinlian/console` proxies the API to a node on 127.0.0.1:8080.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react(), unreachableNodeCrypto],
  // The crypto worker (src/evidence/worker.ts: the SDK's hashBlob and verifyReceipt) is an ES module.
  worker: { format: 'es', plugins: () => [unreachableNodeCrypto] },
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The certificate chunk (pdf-lib + fontkit, ~1.2 MB, ~0.5 MB gzip) loads only when a certificate is made.
    chunkSizeWarningLimit: 1300,
    // No "plugin timings" notes: on a loaded 2-core machine they fire on every build.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8080', '/metrics': 'http://127.0.0.1:8080' },
  },
});
