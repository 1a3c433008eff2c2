import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { XinlianError } from '@xinlian/utils';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One file of the static site, held in memory with its validators. */
interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  /** Content-hashed build output (Vite's assets/): cacheable forever. */
  readonly immutable: boolean;
}

/** The built web console (packages/console dist/web), loaded once at start. */
export interface StaticSite {
  readonly files: ReadonlyMap<string, StaticFile>;
  readonly index: StaticFile;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * The console's Content-Security-Policy: everything from this origin only (the API is same-origin),
 * inline style attributes allowed (React `style`), workers and downloads from blob: URLs.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; " +
  "frame-ancestors 'none'; form-action 'self'";

/** Paths that belong to the API: never answered with the console, even when unknown (→ 404 problem). */
const API_PATH = /^\/(v1(\/|$)|metrics$|healthz$)/;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Loads the built console from `dir` into memory (it is small: ~2 MB with the certificate font).
 * Undefined when `dir` holds no index.html (the console was not built): the node then serves the
 * API alone.
 */
export async function loadStaticSite(dir: string): Promise<StaticSite | undefined> {
  const ok = await stat(join(dir, 'index.html')).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!ok) return undefined;
  const files = new Map<string, StaticFile>();
  for (const path of await walk(dir)) {
    const body = await readFile(path);
    const url = `/${relative(dir, path).split(sep).join('/')}`;
    files.set(url, {
      body,
      type: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: url.startsWith('/assets/'),
    });
  }
  return { files, index: files.get('/index.html')! };
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('etag', file.etag)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (file.type.startsWith('text/html')) {
    reply.header('content-security-policy', CONSOLE_CSP).header('referrer-policy', 'no-referrer');
  }
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.send(file.body);
}

/**
 * Serves the console at `/`: its files with content types and caching headers (hashed assets
 * immutable, everything else revalidated by ETag), and index.html for any other GET path that is
 * not an API path and has no file extension (client-side routes such as /blocks/12). Unknown API
 * paths keep answering the API's 404 problem.
 */
export function registerStaticSite(app: FastifyInstance, site: StaticSite): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]!);
    } catch {
      throw new XinlianError('API_BAD_REQUEST', 'malformed URL encoding', { in: 'path' });
    }
    const file = path === '/' ? site.index : site.files.get(path);
    if (file !== undefined) return send(request, reply, file);
    if (API_PATH.test(path) || extname(path) !== '') {
      throw new XinlianError('API_NOT_FOUND', `no route ${request.method} ${path}`, {});
    }
    return send(request, reply, site.index);
  };
  app.get('/', handler);
  app.get('/*', handler);
}
