// The embedded schema is exactly proto/xinlian.proto, the published spec.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { XINLIAN_PROTO } from '../src/index.js';
import { PB } from '../src/schema.js';

describe('schema', () => {
  it('embeds proto/xinlian.proto verbatim (run scripts/embed-proto.mjs after editing it)', () => {
    const file = readFileSync(new URL('../../proto/xinlian.proto', import.meta.url), 'utf8');
    assert.ok(file.includes('syntax = "proto3";'));
    assert.equal(XINLIAN_PROTO, file);
  });

  it('builds every codec from that schema', () => {
    assert.equal(Object.keys(PB).length, 15);
    for (const [name, t] of Object.entries(PB)) {
      assert.equal(t.fullName, `.xinlian.v1.${name}`);
      assert.ok(XINLIAN_PROTO.includes(`message ${name} {`));
    }
  });
});
