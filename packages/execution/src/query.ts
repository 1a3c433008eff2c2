import type { JsonValue } from '@xinlian/codec';
import { isXinlianError, toXinlianError, XinlianError } from '@xinlian/utils';
import { moduleQueryState } from './state.js';
import type { ExecutionStateReader, Module } from './types.js';

/**
 * Runs `moduleName.queryName(params)` on committed state through a namespaced, read-only view.
 * Throws QUERY_UNKNOWN for an unknown module or query and QUERY_BAD_PARAMS (with the module's
 * details, e.g. `field`) when the parameters do not decode; errors of the query itself pass through.
 */
export function queryModule(
  modules: readonly Module[],
  moduleName: string,
  queryName: string,
  params: JsonValue,
  reader: ExecutionStateReader,
): JsonValue {
  const module = modules.find((m) => m.name === moduleName);
  const query =
    module !== undefined && Object.hasOwn(module.queries, queryName) ? module.queries[queryName] : undefined;
  if (query === undefined) {
    throw new XinlianError('QUERY_UNKNOWN', `unknown query "${moduleName}.${queryName}"`, {
      module: moduleName,
      query: queryName,
    });
  }
  let decoded: unknown;
  try {
    decoded = query.decodeParams(params);
  } catch (e) {
    const details = isXinlianError(e) ? { ...e.details, reason: e.code } : {};
    const message = e instanceof Error ? e.message : 'invalid query parameters';
    throw new XinlianError(
      'QUERY_BAD_PARAMS',
      message,
      { ...details, module: moduleName, query: queryName },
      { cause: e },
    );
  }
  try {
    return query.run(moduleQueryState(reader, moduleName), decoded);
  } catch (e) {
    throw toXinlianError(e, 'EXEC_MODULE_ERROR');
  }
}
