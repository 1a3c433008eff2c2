/** The browser bundle build (scripts/bundle-sdk.mjs): it succeeds for the SDK and refuses Node builtins. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = new URL('../../../../', import.meta.url);
const script = new URL('scripts/bundle-sdk.mjs', ROOT).href;
const tmp = mkdtempSync(join(tmpdir(), 'xinlian-bundle-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface BundleModule {
  bundleSdk(opts: { quiet?: boolean; entryPoint?: string; out?: string }): Promise<{ bytes: number }>;
}

describe('browser bundle', () => {
  it('bundles the SDK main entry without Node builtins or the Node crypto backend', async () => {
    const { bundleSdk } = (await import(script)) as BundleModule;
    const out = join(tmp, 'sdk.js');
    const size = await bundleSdk({ quiet: true, out });
    assert.ok(size.bytes > 10_000);
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.some((p) => p.endsWith('packages/crypto/dist/src/browser/suite.js')));
    assert.ok(!inputs.some((p) => p.endsWith('packages/crypto/dist/src/suite.js')));
    assert.ok(!inputs.some((p) => p.startsWith('node:')));
  });

  it('fails when something pulls in a Node builtin (here @xinlian/sdk/node)', async () => {
    const { bundleSdk } = (await import(script)) as BundleModule;
    const entryPoint = new URL('packages/sdk/dist/src/node.js', ROOT).pathname;
    await assert.rejects(bundleSdk({ quiet: true, entryPoint, out: join(tmp, 'bad.js') }), (e: unknown) => {
      const errors = (e as { errors?: { text: string }[] }).errors ?? [];
      return errors.some((x) =>
        /must not import the Node builtin "node:(crypto|fs|fs\/promises)"/.test(x.text),
      );
    });
  });
});
