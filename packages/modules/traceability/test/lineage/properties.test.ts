// Property test: on a random DAG of transformations, the upstream trace of a node is exactly its set of
// ancestors and the downstream trace exactly its descendants (computed independently here).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalIdentifier,
  createMemoryLineageLookup,
  type StoredEvent,
  traceLineage,
} from '../../src/index.js';

const item = (n: number) => `urn:epc:id:sgtin:6901234.012345.${n}`;

describe('lineage properties', () => {
  test('upstream = ancestors, downstream = descendants on random transformation DAGs', async () => {
    const dag = fc.integer({ min: 2, max: 12 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.uniqueArray(
          fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a < b),
          { maxLength: 30, selector: ([a, b]) => `${a}-${b}` },
        ),
        start: fc.nat(n - 1),
      }),
    );
    await fc.assert(
      fc.asyncProperty(dag, async ({ n, edges, start }) => {
        const events: StoredEvent[] = edges.map(([a, b], i) => ({
          id: `e${i}`,
          event: { type: 'TransformationEvent', inputEPCList: [item(a)], outputEPCList: [item(b)] },
        }));
        const lookup = createMemoryLineageLookup(events);
        const closure = (from: number, next: (x: number) => number[]) => {
          const seen = new Set<number>();
          const stack = [from];
          while (stack.length) {
            for (const y of next(stack.pop() as number)) {
              if (seen.has(y)) continue;
              seen.add(y);
              stack.push(y);
            }
          }
          return seen;
        };
        const parents = (x: number) => edges.filter(([, b]) => b === x).map(([a]) => a);
        const children = (x: number) => edges.filter(([a]) => a === x).map(([, b]) => b);
        const ids = (xs: Set<number>) => [...xs].map((x) => canonicalIdentifier(item(x))).sort();

        const up = await traceLineage(item(start), lookup, { direction: 'upstream' });
        assert.deepEqual(
          up.nodes
            .filter((x) => x.relations.includes('ancestor'))
            .map((x) => x.id)
            .sort(),
          ids(closure(start, parents)),
        );
        const down = await traceLineage(item(start), lookup, { direction: 'downstream' });
        assert.deepEqual(
          down.nodes
            .filter((x) => x.relations.includes('descendant'))
            .map((x) => x.id)
            .sort(),
          ids(closure(start, children)),
        );
        assert.ok(n >= 2 && !up.truncated && !down.truncated);
      }),
      { numRuns: 200 },
    );
  });
});
