/** The EPCIS test data in <repo>/../shared/testdata/epcis, resolved from packages/modules/traceability/dist/test/. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EPCIS_DIR = fileURLToPath(new URL('../../../../../../shared/testdata/epcis/', import.meta.url));

/** Files under a folder of the EPCIS test data, recursively, sorted, with their path relative to it. */
export function files(sub: string, ext: string): { name: string; path: string }[] {
  const root = join(EPCIS_DIR, sub);
  const out: { name: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(ext)) out.push({ name: p.slice(root.length + 1), path: p });
    }
  };
  walk(root);
  return out;
}

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
