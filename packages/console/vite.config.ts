import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by every node at `/` (packages/node serves dist/web); the API stays under /v1.
// `npm run dev -w @xinlian/console` proxies the API to a node on 127.0.0.1:8080.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
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
