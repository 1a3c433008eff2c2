// Bundles @xinlian/sdk's main entry for browsers (ESM) with esbuild, using the packages' "browser"
// export conditions (so @xinlian/crypto resolves to its noble-based backend), and fails if the
// bundle would pull in any Node builtin or the Node crypto backend.
// Output: packages/sdk/dist/browser/xinlian-sdk.js (+ .map, + .meta.json). Run after `tsc -b`
// (`npm run build` does both).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const entry = join(ROOT, 'packages/sdk/dist/src/index.js');
const outfile = join(ROOT, 'packages/sdk/dist/browser/xinlian-sdk.js');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Known, unreachable-in-browsers fallbacks of dependencies, replaced by a module that throws:
 * sm-crypto-v2 (used for SM4 only) runs `await import("crypto")` at load only when
 * globalThis.crypto is missing, which no browser or worker lacks.
 */
const UNREACHABLE_FALLBACKS = [
  { importer: /node_modules\/sm-crypto-v2\//, path: 'crypto', kind: 'dynamic-import' },
];

/**
 * Refuses every import of a Node builtin (node:fs, fs, crypto, worker_threads, ...), except those a
 * package's own "browser" field disables (e.g. protobufjs: "fs": false) and UNREACHABLE_FALLBACKS.
 */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (!args.path.startsWith('node:') && !builtins.has(args.path)) return undefined;
      if (args.pluginData === 'probe') return undefined;
      const fallback = UNREACHABLE_FALLBACKS.find(
        (f) => f.importer.test(args.importer) && f.path === args.path && f.kind === args.kind,
      );
      if (fallback !== undefined) return { path: args.path, namespace: 'unreachable' };
      const probe = await build.resolve(args.path, {
        importer: args.importer,
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: 'probe',
      });
      // a module disabled by its package's "browser" field resolves to no file (esbuild bundles it empty)
      if (probe.errors.length === 0 && !probe.external && probe.namespace !== 'file') return undefined;
      return {
        errors: [
          {
            text: `the browser bundle must not import the Node builtin "${args.path}" (from ${args.importer})`,
          },
        ],
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'unreachable' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not available in browsers`)});`,
      loader: 'js',
    }));
  },
};

export async function bundleSdk({ quiet = false, entryPoint = entry, out = outfile } = {}) {
  mkdirSync(dirname(out), { recursive: true });
  const result = await esbuild.build({
    entryPoints: [entryPoint],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    metafile: true,
    legalComments: 'eof',
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const nodeBackend = inputs.filter((p) =>
    /packages\/crypto\/dist\/src\/(?!browser\/)(suite|keys|gcm|pool|keyfile|hasher|sm2)\.js$/.test(p),
  );
  if (nodeBackend.length > 0)
    throw new Error(`the browser bundle contains the Node crypto backend: ${nodeBackend.join(', ')}`);
  writeFileSync(`${out}.meta.json`, JSON.stringify(result.metafile));
  const code = readFileSync(out);
  const size = { bytes: code.length, gzipBytes: gzipSync(code).length, inputs: inputs.length };
  if (!quiet)
    console.log(
      `bundle ${relative(ROOT, out)}: ${(size.bytes / 1024).toFixed(1)} KiB, ${(size.gzipBytes / 1024).toFixed(1)} KiB gzipped, ${size.inputs} modules`,
    );
  return size;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await bundleSdk();
  } catch (e) {
    for (const err of e.errors ?? []) console.error(`error: ${err.text}`);
    console.error(e.errors ? 'browser bundle failed' : e);
    process.exit(1);
  }
}
