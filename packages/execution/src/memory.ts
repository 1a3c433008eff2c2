import { compareBytes, toHex } from '@xinlian/utils';
import type { ScanOptions } from './state.js';
import type { BlockExecution, ExecutionStateReader, KeyValue, TxIndexReader } from './types.js';

/**
 * An in-memory committed state and tx index (for tests, tools and simulations; the node uses the
 * store). `commit` applies a block's execution like the store's commitBlock does.
 */
export class MemoryState implements ExecutionStateReader, TxIndexReader {
  readonly #values = new Map<string, KeyValue>();
  readonly #history = new Map<string, { height: number; value: Uint8Array | null }[]>();
  readonly #txs = new Map<string, { height: number; index: number }>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#values.get(toHex(key))?.value;
  }

  scan(prefix: Uint8Array, opts: ScanOptions = {}): KeyValue[] {
    const hexPrefix = toHex(prefix);
    const out = [...this.#values.entries()]
      .filter(([id, kv]) => {
        if (!id.startsWith(hexPrefix)) return false;
        if (opts.start !== undefined && compareBytes(kv.key, opts.start) < 0) return false;
        return opts.end === undefined || compareBytes(kv.key, opts.end) < 0;
      })
      .map(([, kv]) => kv)
      .sort((a, b) => compareBytes(a.key, b.key));
    if (opts.reverse === true) out.reverse();
    return opts.limit === undefined ? out : out.slice(0, opts.limit);
  }

  history(key: Uint8Array): { height: number; value: Uint8Array | null }[] {
    return [...(this.#history.get(toHex(key)) ?? [])];
  }

  getTxLocation(txId: Uint8Array): { height: number; index: number } | undefined {
    return this.#txs.get(toHex(txId));
  }

  /** Applies a block's net state writes and indexes its txIds (the first occurrence of a txId wins). */
  commit(height: number, execution: Pick<BlockExecution, 'stateWrites' | 'txIds'>): void {
    for (const w of execution.stateWrites) {
      const id = toHex(w.key);
      if (w.value === null) this.#values.delete(id);
      else this.#values.set(id, { key: w.key, value: w.value });
      const versions = this.#history.get(id) ?? [];
      versions.push({ height, value: w.value });
      this.#history.set(id, versions);
    }
    execution.txIds.forEach((txId, index) => {
      const id = toHex(txId);
      if (!this.#txs.has(id)) this.#txs.set(id, { height, index });
    });
  }
}
