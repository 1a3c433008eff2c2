import { LmdbChainStore } from '@xinlian/store';
import { readHome } from './home.js';

export interface BackupResult {
  /** Directory holding the snapshot (an lmdb environment: data.mdb). */
  readonly out: string;
  /** Height of the last block in the snapshot (0 = no block yet). */
  readonly height: number;
}

/**
 * Hot backup of a node's database: a consistent snapshot written to `out` (an empty or new
 * directory) while the node may keep running. Restore by replacing `<home>/data` with it.
 */
export async function backupHome(opts: {
  readonly home: string;
  readonly out: string;
}): Promise<BackupResult> {
  const info = await readHome(opts.home);
  const store = await LmdbChainStore.open({ path: info.dataDir });
  try {
    const height = store.head()?.height ?? 0;
    await store.backup(opts.out);
    return { out: opts.out, height };
  } finally {
    await store.close();
  }
}
