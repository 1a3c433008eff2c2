/**
 * Validator-set changes on a network of real node processes (spec/consensus.md §11): a 4-org network
 * with an observer node (obs1) votes by governance to add obs1 as a validator; from the defined
 * height (execution + 2) it signs, which the chain needs once org4 is down (4 of 5 is the quorum).
 * Governance then removes org4; the chain continues with {org1, org2, org3, obs1}. org4, restarted
 * with its genesis key, is refused by every node (out of the set, a genesis validator key is no
 * longer admitted); once org4 registers that key as an observer node on chain it is admitted,
 * catches up by block sync across both changes (each certificate checked against the set of its
 * height) and follows as an observer. Receipts of blocks before, between and after the changes
 * (evidence, and a traceability event captured after both) verify offline from the genesis
 * alone; a receipt with a link of its chain removed does not.
 */
import assert from 'node:assert/strict';
import { randomBytes as random, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeCommitCertificate } from '@xinlian/codec';
import { addressOf, createSuite, decryptKeyFile, type PrivateKey } from '@xinlian/crypto';
import { eventHash } from '@xinlian/module-traceability';
import { createCaCertificate, issueCertificate, toPem } from '@xinlian/pki';
import type { Genesis, Receipt } from '@xinlian/schemas';
import { buildTx, digestOf, evidenceArgs, verifyReceipt, XinlianClient } from '@xinlian/sdk';
import { fromBase64, toHex } from '@xinlian/utils';
import {
  bftTestNetwork,
  generateKey,
  makeTx,
  metric,
  type NodeProcess,
  PASSPHRASE,
  spawnNode,
  until,
  untilLinked,
} from './helpers.js';

const SUITE = 'gm';
const suite = createSuite(SUITE);

interface ValidatorEntry {
  name: string;
  organization: string;
  publicKey: string;
  power: number;
}

describe('validator-set changes by governance (real processes)', { timeout: 300_000 }, () => {
  let dir: string;
  let homes: string[];
  const nodes: (NodeProcess | undefined)[] = [];
  let clients: XinlianClient[];
  let genesis: Genesis;
  /** The admin key of org1..org4 (a genesis without governance section: the validator keys). */
  let admins: PrivateKey[];
  const client = generateKey(SUITE);
  let nonce = 0;

  const live = () => clients.filter((_, i) => nodes[i] !== undefined);
  const head = async () => (await live()[0]!.status()).height;

  const submitEvidence = async (via: XinlianClient) => {
    const data = randomBytes(24);
    const digest = digestOf('sm3', data);
    const tx = makeTx(
      client,
      genesis.chainId,
      evidenceArgs.submit({ digests: [digest] }),
      (await head()) + 500,
      ++nonce,
    );
    const committed = await via.submitTx(tx.bytes, { wait: 'commit' });
    return { digest, data, height: committed.height };
  };

  const govTx = async (
    key: PrivateKey,
    method: string,
    args: Record<string, unknown>,
    via: XinlianClient,
  ) => {
    const tx = buildTx({
      chainId: genesis.chainId,
      key,
      module: 'governance',
      method,
      args: args as never,
      expiryHeight: (await head()) + 500,
      nonce: ++nonce,
    });
    const r = await via.submitTx(tx.bytes, { wait: 'commit' });
    assert.equal(r.result.status, 'ok', `${method}: ${JSON.stringify(r.result)}`);
    return r;
  };

  /** Proposes setValidators and has `voters` vote yes; resolves with the effective height. */
  const changeSet = async (validators: ValidatorEntry[], voters: number[], via: XinlianClient) => {
    const proposed = await govTx(
      admins[voters[0]!]!,
      'propose',
      {
        action: { type: 'setValidators', validators },
        title: `validators: ${validators.map((v) => v.name).join(', ')}`,
        deadlineHeight: (await head()) + 200,
      },
      via,
    );
    assert.ok(proposed.height > 0);
    const pid = await latestProposalId(via);
    for (const v of voters) await govTx(admins[v]!, 'vote', { proposal: pid, choice: 'yes' }, via);
    const p = await until('the proposal executed', async () => {
      const x = await via.query<{ status: string; history: { event: string; height: number }[] }>(
        'governance',
        'proposal',
        { id: pid },
      );
      return x.status === 'executed' ? x : undefined;
    });
    const executed = p.history.find((e) => e.event === 'executed')!.height;
    return executed + 2;
  };

  const latestProposalId = async (via: XinlianClient) => {
    const list = await via.query<{ id: number }[]>('governance', 'proposals', { limit: 1 });
    return list[0]!.id;
  };

  before(async () => {
    dir = join(tmpdir(), `xinlian-valset-${process.pid}-${Date.now()}`);
    // Empty blocks every 300 ms: the heights to an effective change pass quickly.
    ({ homes, admins } = await bftTestNetwork(dir, {
      orgs: 4,
      observers: 2,
      suite: SUITE,
      emptyBlockMs: 300,
    }));
    // Each started node is recorded at once, so `after` stops it even if another fails to start.
    const settled = await Promise.allSettled(
      homes.map((h, i) =>
        spawnNode(h, 60_000).then((n) => {
          nodes[i] = n;
          return n;
        }),
      ),
    );
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    clients = nodes.map((n) => new XinlianClient({ url: n!.url }));
    genesis = await clients[0]!.genesis();
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n?.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('adds the observer as a validator, removes one, and receipts verify from genesis across both', async () => {
    await untilLinked(clients, 5);
    const genesisSet: ValidatorEntry[] = genesis.validators.map((v) => ({
      name: v.name,
      organization: v.organization as string,
      publicKey: v.publicKey,
      power: v.power,
    }));
    const obs = genesis.observers![0]!;
    const obsEntry: ValidatorEntry = {
      name: 'obs1-validator',
      organization: obs.organization,
      publicKey: obs.publicKey,
      power: 1,
    };
    const before = await submitEvidence(clients[0]!);

    // 1. Add obs1: proposed by org1, yes from org1, org2, org3 (MAJORITY of 4 organizations).
    const added = await changeSet([...genesisSet, obsEntry], [0, 1, 2], clients[1]!);
    await until('the 5-validator set in effect', async () => ((await head()) >= added ? true : undefined));
    // obs1's own status: it may commit `added` a moment after node 0 does.
    await until('obs1 at the 5-validator set', async () =>
      (await clients[4]!.status()).height >= added ? true : undefined,
    );
    const s5 = await clients[4]!.status();
    assert.equal(s5.validators.length, 5, 'status lists the current set');
    assert.equal(s5.validatorSet?.since, added);
    assert.ok(before.height < added);
    await until('obs1 signs as a validator', async () => {
      const s = await clients[4]!.status();
      return s.consensus?.role === 'validator' ? true : undefined;
    });
    // Blocks from the effective height are certified by the 5-validator set (index 4 is obs1).
    const firstNew = await clients[0]!.getBlock(added);
    const oldBlock = await clients[0]!.getBlock(added - 1);
    assert.notEqual(
      firstNew.validatorSetHash,
      oldBlock.validatorSetHash,
      'the header of E names the new set',
    );
    assert.equal(oldBlock.nextValidatorSetHash, firstNew.validatorSetHash, 'the header of E−1 commits to it');

    // With org4 down, 4 of 5 is exactly the quorum: the chain goes on only because obs1 votes.
    await nodes[3]!.stop();
    nodes[3] = undefined;
    const between = await submitEvidence(clients[4]!);
    assert.ok(between.height >= added);
    const betweenBlock = await until('the block on org1', () => clients[0]!.getBlock(between.height));
    assert.ok(
      betweenBlock.certificate.signatures.some((s) => s.validatorIndex === 4),
      'obs1 signed the certificate',
    );

    // 2. Remove org4 (it is down; org1..org3 vote yes).
    const removed = await changeSet([...genesisSet.slice(0, 3), obsEntry], [1, 0, 2], clients[2]!);
    await until('the set without org4 in effect', async () => ((await head()) >= removed ? true : undefined));
    const after = await submitEvidence(clients[1]!);
    assert.ok(after.height >= removed);
    // A traceability event captured (by org2's node) after both changes.
    const event = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventTime: '2026-03-05T10:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: 'shipping',
      epcList: ['https://id.gs1.org/01/09520123456788/21/VALSET1'],
    };
    const captured = await clients[1]!.traceability.captureEvent(event);
    assert.ok(captured.height >= removed);
    const s4 = await clients[0]!.status();
    assert.deepEqual(
      s4.validators.map((v) => v.name),
      ['org1-validator', 'org2-validator', 'org3-validator', 'obs1-validator'],
    );

    // 3. org4 restarts with its genesis validator key. Out of the set, that key is no longer
    //    admitted to connect (a chain without governance section made it org4's admin record,
    //    which is no node role): every node refuses it at the handshake.
    const notMember = 'xinlian_p2p_connections_closed_total{reason="not_member"}';
    const refusedBefore = await metric(nodes[0]!.url, notMember);
    nodes[3] = await spawnNode(homes[3]!, 30_000);
    clients[3] = new XinlianClient({ url: nodes[3].url });
    await until(
      'org4 refused by org1',
      async () => ((await metric(nodes[0]!.url, notMember)) > refusedBefore ? true : undefined),
      15_000,
    );
    const s4r = await clients[3]!.status();
    assert.equal(s4r.consensus?.peers, 0, 'no node links the removed validator');
    assert.ok(s4r.height < removed, 'it cannot sync past the change');
    //    org4 makes the key an observer node on chain: a second admin, who replaces the key's
    //    admin record by an observer record. Then it is admitted again, catches up by block sync
    //    across both changes, and follows as an observer.
    const org4Admin = generateKey(SUITE);
    const org4Key = admins[3]!;
    await govTx(
      org4Key,
      'registerKey',
      { org: 'org4', publicKey: toHexKey(org4Admin), role: 'admin', name: 'org4-admin-2' },
      clients[0]!,
    );
    await govTx(
      org4Admin,
      'removeMember',
      { address: addressOf(suite, org4Key.publicKey.bytes) },
      clients[0]!,
    );
    await govTx(
      org4Admin,
      'registerKey',
      { org: 'org4', publicKey: toHexKey(org4Key), role: 'observer', name: 'org4-observer' },
      clients[0]!,
    );
    const target = await head();
    await until(
      'org4 caught up',
      async () => ((await clients[3]!.status()).height >= target ? true : undefined),
      60_000,
    );
    assert.equal((await clients[3]!.getBlock(target)).id, (await clients[0]!.getBlock(target)).id);
    const s4v = await clients[3]!.status();
    assert.equal(s4v.consensus?.role, 'observer', 'a removed validator stops voting');
    const later = await submitEvidence(clients[3]!);
    // (org4 may answer before org1 has stored that block.)
    const laterBlock = await until('the block on org1', () => clients[0]!.getBlock(later.height));
    assert.ok(laterBlock.certificate.signatures.every((s) => s.validatorIndex < 4));

    // 4. Receipts from before, between and after the changes verify offline from genesis.
    const receipts: Record<string, Receipt> = {};
    for (const [name, e, via] of [
      ['before', before, clients[3]!],
      ['between', between, clients[0]!],
      ['after', after, clients[4]!],
    ] as const) {
      const r = await until(`the ${name} receipt`, () => via.evidence.receipt('sm3', e.digest.value));
      receipts[name] = r;
      const report = verifyReceipt(r, { genesis, file: e.data });
      assert.equal(report.ok, true, `${name}: ${JSON.stringify(report.steps.filter((s) => !s.ok))}`);
    }
    // The traceability event's receipt too: certified by the third set, chained from genesis.
    const eventReceipt = await until('the event receipt', () =>
      clients[0]!.traceability.receipt(captured.eventID),
    );
    const eventReport = verifyReceipt(eventReceipt, { genesis, eventHash: (e) => eventHash(e) });
    assert.equal(eventReport.ok, true, JSON.stringify(eventReport.steps.filter((s) => !s.ok)));
    assert.equal(eventReceipt.validatorSetChain?.length, 2, 'both changes are links of its chain');
    const { validatorSetChain: _links, ...eventNoChain } = eventReceipt;
    assert.equal(verifyReceipt(eventNoChain, { genesis, eventHash: (e) => eventHash(e) }).ok, false);
    assert.equal(receipts.before!.validatorSetChain, undefined, 'no change up to that block');
    assert.equal(receipts.between!.validatorSetChain?.length, 1);
    assert.equal(receipts.after!.validatorSetChain?.length, 2);
    assert.equal(receipts.after!.validatorSet.source, 'chain');
    const linkCert = decodeCommitCertificate(fromBase64(receipts.after!.validatorSetChain![1]!.certificate));
    assert.ok(
      linkCert.signatures.length >= 4,
      'the second link is certified by a quorum of the 5-validator set',
    );
    // A link left out: the chain no longer reaches the set that signed the block.
    const cut = { ...receipts.after!, validatorSetChain: receipts.after!.validatorSetChain!.slice(1) };
    const bad = verifyReceipt(cut, { genesis, file: after.data });
    assert.equal(bad.ok, false);
    assert.equal(bad.steps.find((s) => !s.ok)?.name, 'validatorSetChain');
    // Without a chain at all, the genesis set did not sign it.
    const { validatorSetChain: _dropped, ...noChain } = receipts.after!;
    assert.equal(verifyReceipt(noChain, { genesis, file: after.data }).ok, false);
  });

  it('drops and refuses the links of a node whose certificate is revoked on chain, right after the block', async () => {
    // org5 joins with a CA (proposal + MAJORITY); obs2 (a genesis observer) registers an org5
    // observer certificate, so committed governance state now decides whether it may connect.
    const caKey = suite.generateKey();
    const ca = createCaCertificate({
      suite,
      org: 'org5',
      key: caKey,
      notBefore: new Date(Date.now() - 3_600_000),
      random,
    });
    const issue = (role: 'admin' | 'observer', key: PrivateKey) =>
      issueCertificate({
        suite,
        ca: { certificate: ca, key: caKey },
        role,
        name: `${role}-5`,
        publicKey: key.publicKey,
        notBefore: new Date(Date.now() - 3_600_000),
        random,
      });
    const via = clients[0]!;
    await govTx(
      admins[0]!,
      'propose',
      {
        action: {
          type: 'addOrganization',
          org: 'org5',
          name: 'Org Five',
          caCertificate: toPem(ca.der, 'CERTIFICATE'),
        },
        title: 'admit org5',
        deadlineHeight: (await head()) + 200,
      },
      via,
    );
    const pid = await latestProposalId(via);
    for (const v of [0, 1, 2]) await govTx(admins[v]!, 'vote', { proposal: pid, choice: 'yes' }, via);
    await until('org5 added', async () =>
      (await via.query<{ status: string }>('governance', 'proposal', { id: pid })).status === 'executed'
        ? true
        : undefined,
    );
    const obs2Home = homes[5]!;
    const obs2 = decryptKeyFile(await readFile(join(obs2Home, 'keys', 'validator.key'), 'utf8'), PASSPHRASE);
    assert.equal(toHexKey(obs2), genesis.observers![1]!.publicKey);
    const nodeCert = issue('observer', obs2);
    await govTx(obs2, 'registerMember', { certificate: toPem(nodeCert.der, 'CERTIFICATE') }, via);
    const admin5 = suite.generateKey();
    await govTx(
      admin5,
      'registerMember',
      { certificate: toPem(issue('admin', admin5).der, 'CERTIFICATE') },
      via,
    );
    const obs2Client = clients[5]!;
    const peersOf = async (c: XinlianClient) => (await c.status()).consensus?.peers ?? -1;
    // Every live node (org1..org4, obs1) links obs2 while its certificate is valid.
    await until('obs2 linked to all', async () => ((await peersOf(obs2Client)) === 5 ? true : undefined));
    const refusedBefore = await metric(
      nodes[0]!.url,
      'xinlian_p2p_connections_closed_total{reason="not_member"}',
    );

    // The org5 admin revokes obs2's certificate: once that block commits, the others drop obs2.
    const revoked = await govTx(admin5, 'revokeCertificate', { org: 'org5', serial: nodeCert.serial }, via);
    const t0 = Date.now();
    await until(
      'obs2 dropped by every node',
      async () => {
        const views = await Promise.all(clients.slice(0, 5).map((c) => c.status()));
        if (views.some((v) => v.height < revoked.height)) return undefined;
        return (await peersOf(obs2Client)) === 0 ? true : undefined;
      },
      10_000,
    );
    const droppedAfterMs = Date.now() - t0;
    // obs2 keeps dialing; its new links are refused at the handshake (not_member).
    await until(
      'a reconnect refused',
      async () =>
        (await metric(nodes[0]!.url, 'xinlian_p2p_connections_closed_total{reason="not_member"}')) >
        refusedBefore
          ? true
          : undefined,
      15_000,
    );
    // (Each end checks the other's Hello: obs2 may count a link for the moment until the refusing
    // end's close arrives, so obs2's own count is sampled until it is back to 0.)
    await until(
      `obs2 still without links (dropped ${droppedAfterMs} ms after the commit)`,
      async () => ((await peersOf(obs2Client)) === 0 ? true : undefined),
      5_000,
    );
    assert.ok((await peersOf(clients[0]!)) === 4, 'org1 keeps its other links');
    // The chain goes on without it.
    const more = await submitEvidence(clients[1]!);
    assert.ok(more.height > revoked.height);
  });
});

function toHexKey(key: PrivateKey): string {
  return toHex(key.publicKey.bytes);
}
