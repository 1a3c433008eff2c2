import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** One documented response of a route (OpenAPI). */
export interface ResponseSpec {
  readonly description: string;
  /** JSON body schema; omitted for non-JSON bodies. */
  readonly schema?: TSchema;
  /** Content type when not application/json (e.g. text/plain, text/event-stream). */
  readonly contentType?: string;
}

export interface RouteInput<P extends TSchema, Q extends TSchema, B extends TSchema> {
  readonly params: Static<P>;
  readonly query: Static<Q>;
  readonly body: Static<B>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/**
 * A route of the API: its schemas drive both request validation and the OpenAPI document,
 * so the two cannot drift apart.
 */
export interface RouteSpec<
  P extends TSchema = TSchema,
  Q extends TSchema = TSchema,
  B extends TSchema = TSchema,
> {
  readonly method: 'GET' | 'POST';
  /** Fastify path syntax (`/v1/blocks/:heightOrId`). */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Body size limit in bytes (default: the server's, 1 MiB). */
  readonly bodyLimit?: number;
  /**
   * Who may call it when the node's `api.readAccess` is `members` (http/read-auth.ts): `read`
   * (default) needs a signed member request; `public` and `submit` (txs, authorized by their own
   * signature) are open.
   */
  readonly access?: 'read' | 'public' | 'submit';
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handle(input: RouteInput<P, Q, B>): unknown;
}

/** Identity helper that infers the handler's input types from the schemas. */
export function route<P extends TSchema, Q extends TSchema, B extends TSchema>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}
