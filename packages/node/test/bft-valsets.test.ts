/**
 * Unit tests of the node's validator-set schedule (ValidatorSets), the header hashes BftApp writes
 * and checks from it, and the member registry answered from committed governance state.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Block, decodeBlock, encodeBlock, type ValidatorSet, validatorSetHash } from '@xinlian/codec';
import { createSuite, type PrivateKey } from '@xinlian/crypto';
import { Executor, genesisAppHash } from '@xinlian/execution';
import { createEvidenceModule } from '@xinlian/module-evidence';
import type { Genesis } from '@xinlian/schemas';
import { generateKey } from '@xinlian/sdk';
import { LmdbChainStore } from '@xinlian/store';
import { equalBytes, toHex, XinlianError } from '@xinlian/utils';
import pino from 'pino';
import { BftApp } from '../src/bft/app.js';
import { ChainRegistry, type NodeMemberRecord } from '../src/bft/registry.js';
import { ValidatorSets } from '../src/bft/valsets.js';
import { Mempool } from '../src/mempool.js';
import type { HeadState, PendingTx } from '../src/producer.js';

const suite = createSuite('intl');
const CHAIN = 'valsets-test';
const keys = Array.from({ length: 5 }, () => generateKey('intl'));
const entry = (k: PrivateKey, i: number, org = `org${i + 1}`) => ({
  name: `v${i}`,
  organization: org,
  publicKey: toHex(k.publicKey.bytes),
  power: 1,
});
const hashOf = (set: ValidatorSet) => validatorSetHash((...p: Uint8Array[]) => suite.hash(...p), set);
const toSet = (entries: ReturnType<typeof entry>[]): ValidatorSet => ({
  validators: entries.map((e) => ({
    name: e.name,
    publicKey: Buffer.from(e.publicKey, 'hex'),
    power: e.power,
  })),
});

describe('ValidatorSets: the schedule from committed governance state', () => {
  const genesisEntries = keys.slice(0, 4).map((k, i) => entry(k, i));
  const added = [...genesisEntries, entry(keys[4]!, 4, 'org1')];

  it('picks the last set at or below a height and re-reads only when the committed height moves', () => {
    let committed = 0;
    let records: unknown[] = [{ height: 0, validators: genesisEntries }];
    let reads = 0;
    const sets = new ValidatorSets({
      suite,
      query: () => {
        reads++;
        return records;
      },
      committedHeight: () => committed,
      blockBytes: () => undefined,
    });
    const g = sets.at(1);
    assert.equal(g.since, 0);
    assert.ok(equalBytes(g.hash, hashOf(toSet(genesisEntries))));
    assert.equal(g.index.get(genesisEntries[2]!.publicKey), 2);
    assert.equal(g.organizations[3], 'org4');
    const before = reads;
    sets.at(2);
    assert.equal(reads, before, 'same committed height: no re-read');
    // Block 5 executes a change: valset/7 appears once 5 is committed.
    records = [...records, { height: 7, validators: added }];
    committed = 5;
    assert.equal(sets.at(6), g, 'height 6 is still decided by the genesis set (same object)');
    const n = sets.at(7);
    assert.equal(n.since, 7);
    assert.equal(n.set.validators.length, 5);
    assert.equal(sets.at(100), n);
    assert.deepEqual(
      sets.scheduled().map((s) => s.height),
      [0, 7],
    );
    // Links exist only for changes whose block below is committed, and need that block.
    assert.deepEqual(sets.links(), []);
    committed = 6;
    assert.throws(
      () => sets.links(),
      (e: unknown) => e instanceof XinlianError && e.code === 'STORE_CORRUPT',
    );
  });
});

describe('BftApp: header validator-set hashes from the schedule', { timeout: 30_000 }, () => {
  it('writes the sets of H and H+1 and refuses a proposal whose hashes another schedule gives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xinlian-valsets-'));
    const store = await LmdbChainStore.open({ path: dir, noSync: true });
    try {
      const genesisEntries = [entry(keys[0]!, 0)];
      const next = [entry(keys[0]!, 0), entry(keys[1]!, 1)];
      const head: HeadState = {
        height: 0,
        blockId: new Uint8Array(32),
        appHash: genesisAppHash(suite, new Uint8Array(32)),
        time: 1_000_000,
      };
      const makeApp = (records: unknown[]) => {
        const executor = new Executor(
          { chainId: CHAIN, params: { maxTxBytes: 4096, maxTxLifetime: 100, maxBlockTxs: 100 } },
          { suite, modules: [createEvidenceModule()], state: store, txIndex: store },
        );
        const sets = new ValidatorSets({
          suite,
          query: () => records,
          committedHeight: () => 0,
          blockBytes: () => undefined,
        });
        return new BftApp(
          {
            chainId: CHAIN,
            maxBlockTxs: 100,
            maxBlockBytes: 1 << 20,
            validatorSetHash: hashOf(toSet(genesisEntries)),
            proposer: keys[0]!.publicKey.bytes,
          },
          {
            suite,
            clock: { now: () => 1_000_010 },
            store,
            mempool: new Mempool<PendingTx>({ capacity: 10, maxBytes: 1 << 20 }),
            executor,
            validatorSet: toSet(genesisEntries),
            validatorSets: sets,
            logger: pino({ level: 'silent' }),
            head: () => head,
          },
        );
      };
      // A change to `next` effective at height 2 (executed in an earlier block, as seen at 0 here).
      const changing = makeApp([
        { height: 0, validators: genesisEntries },
        { height: 2, validators: next },
      ]);
      const bytes = changing.propose(1, 0);
      const h = decodeBlock(bytes).header;
      assert.ok(equalBytes(h.validatorSetHash, hashOf(toSet(genesisEntries))), 'H: the set deciding 1');
      assert.ok(equalBytes(h.nextValidatorSetHash, hashOf(toSet(next))), 'H+1: the set deciding 2');
      assert.equal(
        makeApp([
          { height: 0, validators: genesisEntries },
          { height: 2, validators: next },
        ]).validate(1, bytes),
        true,
      );
      // A node whose committed state schedules no change refuses it (wrong_next_validator_set).
      assert.equal(makeApp([{ height: 0, validators: genesisEntries }]).validate(1, bytes), false);
      // A proposer outside the set of the height is refused.
      const foreign: Block = {
        ...decodeBlock(bytes),
        header: { ...h, proposer: keys[3]!.publicKey.bytes },
      };
      assert.equal(
        makeApp([
          { height: 0, validators: genesisEntries },
          { height: 2, validators: next },
        ]).validate(1, encodeBlock(foreign)),
        false,
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ChainRegistry: who may connect, from committed governance state', () => {
  const genesis = {
    chainId: CHAIN,
    validators: keys.slice(0, 3).map((k, i) => entry(k, i)),
    observers: [{ name: 'obs1', organization: 'org1', publicKey: toHex(keys[3]!.publicKey.bytes) }],
  } as unknown as Genesis;
  const stranger = generateKey('intl');
  const next = generateKey('intl');

  const make = (opts: {
    records?: Record<string, NodeMemberRecord>;
    refused?: Set<string>;
    orgs?: Set<string>;
    /** Committed height (default 10) and extra sets scheduled by governance. */
    committed?: number;
    later?: { height: number; validators: readonly unknown[] }[];
  }) => {
    const records = opts.records ?? {};
    const committed = opts.committed ?? 10;
    const sets = new ValidatorSets({
      suite,
      query: () => [
        { height: 0, validators: genesis.validators },
        { height: 12, validators: [...genesis.validators, entry(next, 9, 'org2')] },
        ...(opts.later ?? []),
      ],
      committedHeight: () => committed,
      blockBytes: () => undefined,
    });
    return new ChainRegistry({
      genesis,
      sets,
      committedHeight: () => committed,
      addressOf: (k) => toHex(k),
      member: (address) => records[address],
      identify: (address) => {
        if (opts.refused?.has(address)) throw new XinlianError('PERM_REVOKED', 'revoked', {});
      },
      organizationExists: (org) => (opts.orgs ?? new Set(['org1', 'org2', 'org3'])).has(org),
      time: () => 0,
    });
  };
  const hex = (k: PrivateKey) => toHex(k.publicKey.bytes);

  it('admits the sets of the next two heights and the genesis observers, and no stranger', () => {
    const r = make({});
    assert.equal(r.admit(keys[0]!.publicKey.bytes)?.role, 'validator');
    assert.equal(r.admit(keys[3]!.publicKey.bytes)?.role, 'observer');
    assert.equal(r.admit(next.publicKey.bytes)?.role, 'validator', 'in the set of committed + 2');
    assert.equal(r.admit(stranger.publicKey.bytes), undefined);
  });

  it('a member record decides: node roles admitted, others not, revoked or removed refused', () => {
    const rec = (role: string): NodeMemberRecord => ({ org: 'org2', role, name: 'n' });
    assert.equal(
      make({ records: { [hex(stranger)]: rec('observer') } }).admit(stranger.publicKey.bytes)?.role,
      'observer',
    );
    assert.equal(
      make({ records: { [hex(stranger)]: rec('client') } }).admit(stranger.publicKey.bytes),
      undefined,
    );
    // A genesis-listed node with a revoked certificate (or removed organization) is refused.
    const revoked = make({
      records: { [hex(keys[3]!)]: rec('observer') },
      refused: new Set([hex(keys[3]!)]),
    });
    assert.equal(revoked.admit(keys[3]!.publicKey.bytes), undefined);
    // A genesis validator with an admin record (a chain without governance section) stays admitted.
    assert.equal(
      make({ records: { [hex(keys[1]!)]: rec('admin') } }).admit(keys[1]!.publicKey.bytes)?.role,
      'validator',
    );
  });

  it('a genesis validator removed from the set is refused once no set of the next two heights holds it, unless a node record admits it', () => {
    // Governance removes v2 (org3): the set of height 20 is {v0, v1, next}.
    const without2 = [...genesis.validators.slice(0, 2), entry(next, 9, 'org2')];
    const later = [{ height: 20, validators: without2 }];
    const v2 = keys[2]!.publicKey.bytes;
    // Committed 18: height 19 is still decided by a set holding v2.
    assert.equal(make({ later, committed: 18 }).admit(v2)?.role, 'validator');
    // Committed 19: the sets of 20 and 21 no longer hold it.
    assert.equal(make({ later, committed: 19 }).admit(v2), undefined, 'no record: refused');
    assert.equal(
      make({
        later,
        committed: 19,
        records: { [hex(keys[2]!)]: { org: 'org3', role: 'admin', name: 'a' } },
      }).admit(v2),
      undefined,
      'an admin record (a chain without governance section) is no node route',
    );
    const asObserver = make({
      later,
      committed: 19,
      records: { [hex(keys[2]!)]: { org: 'org3', role: 'observer', name: 'o' } },
    });
    assert.equal(asObserver.admit(v2)?.role, 'observer', 'registered as an observer node');
    // A revoked node record is refused too.
    assert.equal(
      make({
        later,
        committed: 19,
        records: { [hex(keys[2]!)]: { org: 'org3', role: 'observer', name: 'o' } },
        refused: new Set([hex(keys[2]!)]),
      }).admit(v2),
      undefined,
    );
    // Scheduled back into the set (height 30, committed 28): admitted again as a validator.
    const back = [...later, { height: 30, validators: genesis.validators }];
    assert.equal(make({ later: back, committed: 27 }).admit(v2), undefined);
    assert.equal(make({ later: back, committed: 28 }).admit(v2)?.role, 'validator');
    // The other validators and the genesis observer are unaffected.
    assert.equal(make({ later, committed: 19 }).admit(keys[0]!.publicKey.bytes)?.role, 'validator');
    assert.equal(make({ later, committed: 19 }).admit(keys[3]!.publicKey.bytes)?.role, 'observer');
  });

  it('a listed node without a record is refused once its organization is removed', () => {
    const r = make({ orgs: new Set(['org2', 'org3']) });
    assert.equal(r.admit(keys[0]!.publicKey.bytes), undefined, 'org1 removed');
    assert.equal(r.admit(keys[3]!.publicKey.bytes), undefined, 'obs1 of org1');
    assert.equal(r.admit(keys[1]!.publicKey.bytes)?.org, 'org2');
  });
});
