import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { isXinlianError, XinlianError } from '@xinlian/utils';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { NodeMetrics } from '../metrics.js';
import { problemOf, retryAfterOf } from './errors.js';
import { openApiDocument } from './openapi.js';
import { READ_AUTH_SCHEME, type ReadAuth } from './read-auth.js';
import type { RouteSpec } from './route.js';
import { DEFAULT_BODY_LIMIT } from './routes.js';
import { registerStaticSite, type StaticSite } from './static.js';

/**
 * Listen backlog of the API socket. Node's default (511) overflows when an open-loop client opens
 * hundreds of connections while the event loop is busy: the kernel drops the final ACKs, the
 * half-open connections expire and the client's request meets a RST (ECONNRESET, tx never seen).
 * The kernel caps this at net.core.somaxconn.
 */
export const API_LISTEN_BACKLOG = 8192;

export interface ApiServerOptions {
  readonly version: string;
  /** Origins allowed cross-origin ("*" = any); absent or empty: CORS off. */
  readonly corsOrigins?: readonly string[];
}

/**
 * CORS for browser clients (the SDK in a web page on another origin): allowed origins get
 * Access-Control-Allow-Origin on every answer (set on the raw response, so the hijacked SSE stream
 * carries it too), and preflight OPTIONS requests are answered 204 here.
 */
function addCors(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !(any || allowed.has(origin))) return;
    const res = reply.raw;
    res.setHeader('access-control-allow-origin', any ? '*' : origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'retry-after, content-type');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.setHeader('access-control-allow-headers', 'content-type, accept, last-event-id, authorization');
      res.setHeader('access-control-max-age', '600');
      await reply.code(204).send();
    }
  });
}

export interface ApiServerModules {
  readonly routes: readonly RouteSpec[];
  readonly logger: FastifyBaseLogger;
  readonly metrics: NodeMetrics;
  /** The built web console, served at `/` (undefined: API only). */
  readonly site?: StaticSite | undefined;
  /** The `members` read gate (api.readAccess); undefined: public reads. */
  readonly readAuth?: ReadAuth | undefined;
}

/** Turns anything thrown in a request into a XinlianError with an API code. */
function toApiError(err: unknown): XinlianError {
  if (isXinlianError(err)) return err;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : 'request failed';
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new XinlianError('API_PAYLOAD_TOO_LARGE', 'request body too large', {});
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new XinlianError('API_UNSUPPORTED_MEDIA_TYPE', 'request body must be application/json', {});
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new XinlianError('API_BAD_REQUEST', message, {});
  }
  return new XinlianError('INTERNAL', message, {}, { cause: err });
}

/**
 * Validates one part of a request against its TypeBox schema. Path and query strings are
 * converted to the schema's types first (`?limit=5` → 5); bodies must match exactly.
 */
function validatorFor(schema: TSchema, part: string): (data: unknown) => { value?: unknown; error?: Error } {
  const checker = TypeCompiler.Compile(schema);
  const convert = part !== 'body';
  return (data) => {
    const value = convert ? Value.Convert(schema, data) : data;
    if (checker.Check(value)) return { value };
    const first = checker.Errors(value).First();
    const field = first?.path || '/';
    const reason = first?.message ?? 'invalid';
    return {
      error: new XinlianError('API_BAD_REQUEST', `invalid ${part}: ${field}: ${reason}`, {
        in: part,
        field,
        reason,
      }),
    };
  };
}

/** Builds the fastify app serving the given routes plus GET /v1/openapi.json. Call `listen` on it. */
export function createApiServer(opts: ApiServerOptions, modules: ApiServerModules): FastifyInstance {
  const { routes, metrics, readAuth } = modules;
  const app = Fastify({
    loggerInstance: modules.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  if (opts.corsOrigins !== undefined && opts.corsOrigins.length > 0) addCors(app, opts.corsOrigins);

  // EPCIS clients send JSON-LD (application/ld+json): parsed like JSON.
  app.addContentTypeParser(
    'application/ld+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.setValidatorCompiler(({ schema, httpPart }) => validatorFor(schema as TSchema, httpPart ?? 'body'));

  app.setErrorHandler((err, request, reply) => {
    const xe = toApiError(err);
    const body = problemOf(xe);
    if (body.status >= 500 && body.status !== 503 && body.status !== 504) {
      request.log.error({ err, code: xe.code, url: request.url }, 'request failed');
    }
    if (body.status === 429 || body.status === 503) reply.header('retry-after', String(retryAfterOf(xe)));
    if (body.status === 401) reply.header('www-authenticate', `${READ_AUTH_SCHEME} realm="xinlian-read"`);
    reply.code(body.status).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((request) => {
    throw new XinlianError('API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, {});
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });

  const openapi = openApiDocument(routes, { version: opts.version });
  app.get('/v1/openapi.json', async () => openapi);

  for (const r of routes) {
    const schema: Record<string, TSchema> = {};
    if (r.params !== undefined) schema.params = r.params;
    if (r.query !== undefined) schema.querystring = r.query;
    if (r.body !== undefined) schema.body = r.body;
    app.route({
      method: r.method,
      url: r.url,
      schema,
      ...(r.bodyLimit === undefined ? {} : { bodyLimit: r.bodyLimit }),
      ...(readAuth === undefined || (r.access ?? 'read') !== 'read'
        ? {}
        : {
            preHandler: async (request: FastifyRequest) => {
              readAuth.authorize({
                method: request.method,
                url: request.url,
                route: r.url,
                params: (request.params ?? {}) as Record<string, unknown>,
                authorization: request.headers.authorization,
              });
            },
          }),
      handler: async (request, reply) =>
        r.handle({
          params: request.params,
          query: request.query,
          body: request.body,
          request,
          reply,
        } as Parameters<RouteSpec['handle']>[0]),
    });
  }
  if (modules.site !== undefined) registerStaticSite(app, modules.site);
  return app;
}
