import type { TSchema } from '@sinclair/typebox';
import type { RouteSpec } from './route.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Plain JSON copy of a TypeBox schema (drops TypeBox's symbol keys). */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

function parameters(where: 'path' | 'query', schema: TSchema | undefined): Json[] {
  if (schema === undefined) return [];
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: plain(s),
  }));
}

/** The OpenAPI 3.1 document of the given routes, generated from their TypeBox schemas. */
export function openApiDocument(routes: readonly RouteSpec[], info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const contentType = spec.contentType ?? 'application/json';
      const media: Json = spec.schema === undefined ? {} : { schema: plain(spec.schema) };
      const type =
        status.startsWith('4') || status.startsWith('5') ? 'application/problem+json' : contentType;
      responses[status] = { description: spec.description, content: { [type]: media } };
    }
    const op: Record<string, Json> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...parameters('path', r.params), ...parameters('query', r.query)],
      responses,
    };
    if (r.body !== undefined) {
      op.requestBody = { required: true, content: { 'application/json': { schema: plain(r.body) } } };
    }
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Xinlian node API',
      version: info.version,
      description:
        'HTTP API v1 of a Xinlian node. Errors are RFC 7807 application/problem+json bodies whose `code` is a stable XinlianError code; 429/503 carry Retry-After.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
  };
}
