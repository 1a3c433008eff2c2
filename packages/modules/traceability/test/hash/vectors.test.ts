// Spec test: every CBV 2.0 event hash vector in ../shared/testdata/epcis/event-hash (from the GS1 reference
// implementation): each `.jsonld` document's events must give exactly the lines of its `.hashes` file and, where
// present, of its `.prehashes` file. The vector counts are pinned so a missing or unreadable file fails.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { documentEventHashes, documentEventPreHashes } from '../../src/index.js';

const DIR = fileURLToPath(new URL('../../../../../../../shared/testdata/epcis/event-hash/', import.meta.url));

// Pinned: 8 documents, 23 events with a .hashes line, 22 of them with a .prehashes line
// (epcisDocHavingEventWithComment has no .prehashes).
const EXPECTED = { documents: 8, hashes: 23, prehashes: 22 };

const lines = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '');

describe('CBV 2.0 event hash vectors', () => {
  const files = readdirSync(DIR);
  const docs = files.filter((f) => f.endsWith('.jsonld')).sort();
  const counted = { documents: 0, hashes: 0, prehashes: 0 };

  test('every .hashes / .prehashes file has its .jsonld document', () => {
    for (const f of files) {
      const m = /^(.*)\.(hashes|prehashes)$/.exec(f);
      if (m) assert.ok(docs.includes(`${m[1]}.jsonld`), `${f} has no matching .jsonld`);
    }
  });

  for (const file of docs) {
    const base = file.slice(0, -'.jsonld'.length);
    test(base, () => {
      const doc: unknown = JSON.parse(readFileSync(`${DIR}${file}`, 'utf8'));
      const expectedHashes = lines(`${DIR}${base}.hashes`);
      const hashes = documentEventHashes(doc);
      assert.equal(hashes.length, expectedHashes.length, 'number of events');
      assert.deepEqual(hashes, expectedHashes);
      counted.documents++;
      counted.hashes += expectedHashes.length;
      if (existsSync(`${DIR}${base}.prehashes`)) {
        const expectedPre = lines(`${DIR}${base}.prehashes`);
        assert.equal(expectedPre.length, expectedHashes.length, '.prehashes and .hashes disagree in length');
        assert.deepEqual(documentEventPreHashes(doc), expectedPre);
        counted.prehashes += expectedPre.length;
      }
    });
  }

  test('vector counts (none skipped)', () => {
    assert.deepEqual(counted, EXPECTED);
  });
});
