// TendermintCore driven by hand: the rules of Algorithm 1, the WAL, evidence and admission checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommitCertificate, Proposal } from '@xinlian/codec';
import { createSuite } from '@xinlian/crypto';
import { toHex, XinlianError } from '@xinlian/utils';
import { type Output, TendermintCore, verifyCommitCertificate } from '../src/index.js';
import {
  CHAIN,
  Cluster,
  idOf,
  NIL,
  NOW,
  ofKind,
  proposalsIn,
  SYNCHRONY,
  TIMEOUTS,
  Validators,
  votesIn,
  walOf,
} from './bft-helpers.js';
import { encodeSimBlock, GENESIS_ID } from './sim/app.js';
import { SuitePki } from './sim/fake-crypto.js';

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof XinlianError && e.code === code);
}

/** Every own message a node broadcasts was persisted in the same or an earlier output list first. */
function assertPersistBeforeSend(outputs: readonly Output[], self: number): void {
  const persisted = new Set<string>();
  for (const o of outputs) {
    if (o.kind === 'persist') {
      const r = o.record;
      persisted.add(toHex(r.kind === 'proposal' ? r.proposal.signature : r.vote.signature));
    }
    if (o.kind !== 'broadcast') continue;
    const m = o.msg;
    const own = m.kind === 'proposal' ? m.proposal.proposerIndex : m.vote.validatorIndex;
    const sig = m.kind === 'proposal' ? m.proposal.signature : m.vote.signature;
    if (own === self) assert.ok(persisted.has(toHex(sig)), `v${self} sent a ${m.kind} before persisting it`);
  }
}

describe('TendermintCore with four validators', () => {
  test('all decide the proposer’s block in round 0 with a certificate the suite verifies', () => {
    const suite = createSuite('intl');
    const v = new Validators([1, 1, 1, 1], new SuitePki(suite));
    const cluster = new Cluster([0, 1, 2, 3].map((i) => v.core(i)));
    cluster.startAll(1);
    cluster.deliverAll();
    const decided = cluster.decided;
    const first = decided[0];
    assert.ok(first);
    assert.equal(first.round, 0);
    const proposer = cluster.cores[0]!.proposerOf(1, 0);
    assert.equal(first.block[9]! * 256 + first.block[10]!, proposer, 'the block of the round-0 proposer');
    for (const d of decided) assert.deepEqual(d?.blockId, first.blockId);
    verifyCommitCertificate(suite, CHAIN, v.set, first.certificate, first.blockId, 1);
    assert.ok(first.certificate.signatures.length >= 3);
    for (const [i, outputs] of cluster.outputs.entries()) assertPersistBeforeSend(outputs, i);
    // each validator signed exactly one prevote and one precommit (and the proposer one proposal)
    for (const [i, wal] of cluster.wal.entries()) assert.equal(wal.length, i === proposer ? 3 : 2);
  });

  test('a silent proposer: timeouts lead to nil votes, round 1, and a decision there', () => {
    const v = new Validators([1, 1, 1, 1]);
    const proposer = v.core(0).proposerOf(1, 0);
    const cluster = new Cluster([0, 1, 2, 3].map((i) => (i === proposer ? undefined : v.core(i))));
    cluster.startAll(1);
    cluster.deliverAll();
    assert.equal(cluster.decided.filter(Boolean).length, 0);
    for (let k = 0; k < 6 && cluster.decided.filter(Boolean).length < 3; k++) cluster.fireTimers();
    const decisions = cluster.decided.filter((d) => d !== undefined);
    assert.equal(decisions.length, 3);
    assert.ok(decisions.every((d) => d.round === 1 && toHex(d.blockId) === toHex(decisions[0]!.blockId)));
    const round0 = cluster.outputs.flat().filter((o) => o.kind === 'broadcast');
    assert.ok(
      votesIn(round0).some((x) => x.round === 0 && x.type === 'precommit' && x.blockId.length === 0),
      'nil precommits in round 0',
    );
    const timeouts = ofKind(cluster.outputs.flat(), 'scheduleTimeout');
    assert.ok(timeouts.some((t) => t.round === 1 && t.delayMs === TIMEOUTS.proposeMs + TIMEOUTS.deltaMs));
  });

  test('an observer decides the same blocks and never signs', () => {
    const v = new Validators([1, 1, 1, 1]);
    const cluster = new Cluster([v.core(0), v.core(1), v.core(2), v.core(3), v.core(undefined)]);
    cluster.startAll(1);
    cluster.deliverAll();
    assert.deepEqual(cluster.decided[4]?.blockId, cluster.decided[0]?.blockId);
    assert.equal(ofKind(cluster.outputs[4]!, 'persist').length, 0);
    assert.equal(ofKind(cluster.outputs[4]!, 'broadcast').length, 0);
  });
});

/** Validator 0..3; the core under test is `c`, proposing in neither round 0 nor round 1. */
function lockScenario() {
  const v = new Validators([1, 1, 1, 1]);
  const probe = v.core(0);
  const p0 = probe.proposerOf(1, 0);
  const p1 = probe.proposerOf(1, 1);
  const p2 = probe.proposerOf(1, 2);
  const c = [0, 1, 2, 3].find((i) => i !== p0 && i !== p1) as number;
  const others = [0, 1, 2, 3].filter((i) => i !== c);
  const x = v.block(p0, 1, 0);
  const xId = v.blockId(x);
  const proposalX = v.proposal({ height: 1, round: 0, blockBytes: x, proposerIndex: p0 });
  return { v, c, others, p0, p1, p2, x, xId, proposalX };
}

/** Drives core `c` to a lock on X in round 0 and into round 1; returns its outputs so far. */
function lockOnX(s: ReturnType<typeof lockScenario>, core: TendermintCore): Output[] {
  const { v, others, xId, proposalX } = s;
  const out = [...core.start(1), ...core.onProposal(proposalX, NOW)];
  for (const i of others.slice(0, 2)) out.push(...core.onVote(v.vote(i, 'prevote', 1, 0, xId)));
  for (const i of others.slice(0, 2)) out.push(...core.onVote(v.vote(i, 'precommit', 1, 0, NIL)));
  const timeout = ofKind(out, 'scheduleTimeout').find((t) => t.step === 'precommit');
  assert.ok(timeout, '2f+1 precommits schedule the precommit timeout');
  out.push(...core.onTimeout(timeout));
  assert.equal(core.state.round, 1);
  return out;
}

describe('locking (lines 22–43)', () => {
  test('2f+1 prevotes lock the block: the precommit is persisted as a lock with its prevotes', () => {
    const s = lockScenario();
    const out = lockOnX(s, s.v.core(s.c));
    assert.deepEqual(votesIn(out, 'prevote').map(idOf), [toHex(s.xId)]);
    assert.deepEqual(votesIn(out, 'precommit').map(idOf), [toHex(s.xId)]);
    const lock = walOf(out).find((r) => r.kind === 'lock');
    assert.ok(lock?.kind === 'lock');
    assert.equal(lock.prevotes.length, 3);
    assert.deepEqual(lock.proposal, s.proposalX);
    assertPersistBeforeSend(out, s.c);
  });

  test('a locked validator prevotes nil for a new block, and the locked block when re-proposed', () => {
    const s = lockScenario();
    const y = s.v.block(s.p1, 1, 1);
    const fresh = s.v.core(s.c);
    lockOnX(s, fresh);
    const out = fresh.onProposal(
      s.v.proposal({ height: 1, round: 1, blockBytes: y, proposerIndex: s.p1 }),
      NOW,
    );
    assert.deepEqual(votesIn(out, 'prevote').map(idOf), ['nil']);

    const again = s.v.core(s.c);
    lockOnX(s, again);
    const reproposed = s.v.proposal({
      height: 1,
      round: 1,
      blockBytes: s.x,
      proposerIndex: s.p1,
      polRound: 0,
    });
    assert.deepEqual(votesIn(again.onProposal(reproposed, NOW), 'prevote').map(idOf), [toHex(s.xId)]);
  });

  test('without the locking rule the same validator would prevote the new block', () => {
    class NoLock extends TendermintCore {
      protected override lockAllows(): boolean {
        return true;
      }
    }
    const s = lockScenario();
    const core = s.v.core(s.c, NoLock);
    lockOnX(s, core);
    const y = s.v.block(s.p1, 1, 1);
    const out = core.onProposal(
      s.v.proposal({ height: 1, round: 1, blockBytes: y, proposerIndex: s.p1 }),
      NOW,
    );
    assert.deepEqual(votesIn(out, 'prevote').map(idOf), [toHex(s.v.blockId(y))]);
  });

  test('a proof of lock from a later round moves the lock (line 36 with step ≥ prevote)', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    lockOnX(s, core);
    const y = s.v.block(s.p1, 1, 1);
    const yId = s.v.blockId(y);
    const out = core.onProposal(
      s.v.proposal({ height: 1, round: 1, blockBytes: y, proposerIndex: s.p1 }),
      NOW,
    );
    for (const i of s.others) out.push(...core.onVote(s.v.vote(i, 'prevote', 1, 1, yId)));
    assert.deepEqual(votesIn(out, 'precommit').map(idOf), [toHex(yId)]);
    const lock = walOf(out).find((r) => r.kind === 'lock');
    assert.ok(lock?.kind === 'lock' && lock.vote.round === 1 && lock.prevotes.length === 3);
  });

  test('a re-proposal waits for its proof-of-lock prevotes, then is prevoted (lines 28–33)', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    // round 0 passes with nil precommits; c saw neither the proposal nor any prevote
    const nils = s.others.map((i) => s.v.vote(i, 'precommit', 1, 0, NIL));
    const out = nils.flatMap((n) => core.onVote(n));
    const t = ofKind(out, 'scheduleTimeout').find((x) => x.step === 'precommit');
    assert.ok(t);
    core.onTimeout(t);
    const reproposed = s.v.proposal({
      height: 1,
      round: 1,
      blockBytes: s.x,
      proposerIndex: s.p1,
      polRound: 0,
    });
    assert.deepEqual(votesIn(core.onProposal(reproposed, NOW)), [], 'no proof of lock yet');
    const pol = s.others.map((i) => core.onVote(s.v.vote(i, 'prevote', 1, 0, s.xId)));
    assert.deepEqual(
      pol.slice(0, 2).flatMap((o) => votesIn(o)),
      [],
    );
    assert.deepEqual(votesIn(pol[2]!, 'prevote').map(idOf), [toHex(s.xId)]);
  });
});

describe('proposal checks', () => {
  const proposalOf = (s: ReturnType<typeof lockScenario>, blockBytes: Uint8Array): Proposal =>
    s.v.proposal({ height: 1, round: 0, blockBytes, proposerIndex: s.p0 });
  const blockAt = (time: number, flag = 1) =>
    encodeSimBlock({ height: 1, round: 0, proposer: 0, time, parentId: GENESIS_ID, flag, nonce: 1 });

  test('an invalid block gets a nil prevote', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    assert.deepEqual(votesIn(core.onProposal(proposalOf(s, blockAt(NOW, 0)), NOW)).map(idOf), ['nil']);
  });

  test('proposer time: within precision ahead and message delay behind is timely, else nil', () => {
    const { precisionMs, messageDelayMs } = SYNCHRONY;
    const cases: [number, boolean][] = [
      [NOW, true],
      [NOW + precisionMs, true],
      [NOW + precisionMs + 1, false],
      [NOW - precisionMs - messageDelayMs, true],
      [NOW - precisionMs - messageDelayMs - 1, false],
    ];
    for (const [time, timely] of cases) {
      const s = lockScenario();
      const core = s.v.core(s.c);
      core.start(1);
      const block = blockAt(time);
      const votes = votesIn(core.onProposal(proposalOf(s, block), NOW)).map(idOf);
      assert.deepEqual(votes, [timely ? toHex(s.v.blockId(block)) : 'nil'], `time ${time - NOW}`);
    }
  });

  test('messages from non-members, other chains, wrong proposers or bad rounds are rejected', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    const outsider = s.v.pki.outsider();
    const reasons = (out: Output[]) => ofKind(out, 'reject').map((r) => r.reason);
    const forged = s.v.proposal({ height: 1, round: 0, blockBytes: s.x, proposerIndex: s.p0 }, outsider);
    assert.deepEqual(reasons(core.onProposal(forged, NOW)), ['bad_signature']);
    const notProposer = s.others.find((i) => i !== s.p0)!;
    const wrong = s.v.proposal({ height: 1, round: 0, blockBytes: s.x, proposerIndex: notProposer });
    assert.deepEqual(reasons(core.onProposal(wrong, NOW)), ['wrong_proposer']);
    const badRound = s.v.proposal({ height: 1, round: 0, blockBytes: s.x, proposerIndex: s.p0, polRound: 0 });
    assert.deepEqual(reasons(core.onProposal(badRound, NOW)), ['bad_round']);
    assert.deepEqual(reasons(core.onProposal({ ...s.proposalX, chainId: 'other' }, NOW)), ['wrong_chain']);
    assert.deepEqual(reasons(core.onVote(s.v.vote(s.others[0]!, 'prevote', 1, 0, s.xId, outsider))), [
      'bad_signature',
    ]);
    assert.deepEqual(reasons(core.onVote(s.v.vote(7, 'prevote', 1, 0, s.xId, outsider))), ['bad_index']);
    assert.equal(core.state.step, 'propose', 'nothing rejected had an effect');
    assert.deepEqual(votesIn(core.onProposal(s.proposalX, NOW)).map(idOf), [toHex(s.xId)]);
  });

  test('conflicting votes and proposals are reported as evidence once', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    const i = s.others[0]!;
    const a = s.v.vote(i, 'prevote', 1, 0, s.xId);
    const b = s.v.vote(i, 'prevote', 1, 0, NIL);
    const out = [
      ...core.onVote(a),
      ...core.onVote(b),
      ...core.onVote(s.v.vote(i, 'prevote', 1, 0, new Uint8Array(32))),
    ];
    assert.deepEqual(ofKind(out, 'evidence'), [
      { kind: 'evidence', evidence: { kind: 'duplicateVote', first: a, second: b } },
    ]);
    const other = s.v.proposal({
      height: 1,
      round: 0,
      blockBytes: s.v.block(s.p0, 1, 0),
      proposerIndex: s.p0,
    });
    const out2 = [...core.onProposal(s.proposalX, NOW), ...core.onProposal(other, NOW)];
    assert.deepEqual(
      ofKind(out2, 'evidence').map((e) => e.evidence.kind),
      ['duplicateProposal'],
    );
    // a re-sent identical vote is neither evidence nor verified again
    assert.deepEqual(core.onVote(a), []);
  });
});

describe('rounds and heights', () => {
  test('f+1 power in higher rounds moves the core up (line 55); less does not', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    core.onVote(s.v.vote(s.others[0]!, 'prevote', 1, 7, NIL));
    assert.equal(core.state.round, 0, 'one validator (f) is not enough');
    core.onVote(s.v.vote(s.others[1]!, 'precommit', 1, 5, NIL));
    assert.equal(core.state.round, 5, 'the highest round that f+1 power reached');
  });

  test('messages of the next height are kept and used after start', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    const decided = core.onCertificate(s.x, certificateFor(s, s.others.slice(0, 3)));
    const d = ofKind(decided, 'decide')[0];
    assert.ok(d);
    for (const chain of s.v.chains)
      chain.push({ id: d.blockId, bytes: d.block, time: s.v.apps[0]!.blockTime(d.block) });
    const p = core.proposerOf(2, 0);
    const next = s.v.proposal({ height: 2, round: 0, blockBytes: s.v.block(p, 2, 0), proposerIndex: p });
    assert.deepEqual(core.onProposal(next, NOW), [], 'buffered, nothing signed yet');
    assert.notEqual(p, s.c);
    const prevotes = votesIn(core.start(2), 'prevote');
    assert.deepEqual(prevotes.map(idOf), [toHex(s.v.blockId(next.blockBytes))]);
  });

  test('a certificate decides; one short of a quorum or for another block is rejected', () => {
    const s = lockScenario();
    const short = s.v.core(s.c);
    short.start(1);
    const two = certificateFor(s, s.others.slice(0, 2));
    assert.deepEqual(
      ofKind(short.onCertificate(s.x, two), 'reject').map((r) => r.reason),
      ['bad_certificate'],
    );
    const three = certificateFor(s, s.others);
    const y = s.v.block(s.p0, 1, 0);
    assert.deepEqual(
      ofKind(short.onCertificate(y, three), 'reject').map((r) => r.reason),
      ['bad_certificate'],
    );
    const tampered = {
      ...three,
      signatures: three.signatures.map((x, i) => (i === 0 ? { ...x, signature: new Uint8Array(16) } : x)),
    };
    assert.equal(ofKind(short.onCertificate(s.x, tampered), 'reject').length, 1);
    const out = short.onCertificate(s.x, three);
    assert.deepEqual(ofKind(out, 'decide')[0]?.blockId, s.xId);
    assert.equal(short.state.decided, true);
  });

  test('start and restore refuse misuse', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    throwsCode(() => core.start(0), 'CONSENSUS_BAD_HEIGHT');
    core.start(3);
    throwsCode(() => core.start(3), 'CONSENSUS_BAD_HEIGHT');
    throwsCode(() => core.restore([]), 'CONSENSUS_BAD_STATE');
    throwsCode(
      () =>
        new TendermintCore(
          { chainId: CHAIN, validatorSet: s.v.set, selfIndex: 4, timeouts: TIMEOUTS, synchrony: SYNCHRONY },
          { signer: s.v.keys[0]!.signer, verifier: s.v.pki.verifier, app: s.v.apps[0]! },
        ),
      'CONSENSUS_NOT_VALIDATOR',
    );
  });

  test('rebroadcast repeats the round’s proposal and own votes without persisting', () => {
    const s = lockScenario();
    const core = s.v.core(s.c);
    core.start(1);
    core.onProposal(s.proposalX, NOW);
    const again = core.rebroadcast();
    assert.equal(ofKind(again, 'persist').length, 0);
    assert.deepEqual(proposalsIn(again), [s.proposalX]);
    assert.deepEqual(
      votesIn(again).map((x) => [x.type, x.validatorIndex]),
      [['prevote', s.c]],
    );
  });
});

/** A certificate for X in round 0 signed by `signers`. */
function certificateFor(s: ReturnType<typeof lockScenario>, signers: readonly number[]): CommitCertificate {
  const sorted = [...signers].sort((a, b) => a - b);
  return {
    height: 1,
    round: 0,
    blockId: s.xId,
    signatures: sorted.map((i) => ({
      validatorIndex: i,
      signature: s.v.vote(i, 'precommit', 1, 0, s.xId).signature,
    })),
  };
}

describe('crash and restart from the WAL', () => {
  test('a restored validator re-sends what it signed, signs nothing new in that round, and keeps its lock', () => {
    const s = lockScenario();
    const before = s.v.core(s.c);
    const out = [...before.start(1), ...before.onProposal(s.proposalX, NOW)];
    for (const i of s.others.slice(0, 2)) out.push(...before.onVote(s.v.vote(i, 'prevote', 1, 0, s.xId)));
    const wal = walOf(out);
    assert.deepEqual(
      wal.map((r) => r.kind),
      ['vote', 'lock'],
    );
    // crash: a new core from the WAL
    const after = s.v.core(s.c);
    after.restore(wal);
    const restarted = after.start(1);
    assert.equal(ofKind(restarted, 'persist').length, 0);
    const sent = votesIn(out);
    assert.deepEqual(votesIn(restarted), sent, 'the same signed prevote and precommit again');
    // the round-0 messages it receives again change nothing: it already voted
    const again = [
      ...after.onProposal(s.proposalX, NOW),
      ...s.others.flatMap((i) => after.onVote(s.v.vote(i, 'precommit', 1, 0, NIL))),
    ];
    assert.equal(ofKind(again, 'persist').length, 0);
    const t = ofKind([...restarted, ...again], 'scheduleTimeout').find((x) => x.step === 'precommit');
    assert.ok(t);
    after.onTimeout(t);
    const y = s.v.block(s.p1, 1, 1);
    const r1 = after.onProposal(
      s.v.proposal({ height: 1, round: 1, blockBytes: y, proposerIndex: s.p1 }),
      NOW,
    );
    assert.deepEqual(votesIn(r1).map(idOf), ['nil'], 'still locked on X');
  });

  test('after a restart, a timeout that would make it prevote nil re-sends the prevote it signed', () => {
    const s = lockScenario();
    const first = s.v.core(s.c);
    const wal = walOf([...first.start(1), ...first.onProposal(s.proposalX, NOW)]);
    const restarted = s.v.core(s.c);
    restarted.restore(wal);
    const out = [...restarted.start(1), ...restarted.onTimeout({ height: 1, round: 0, step: 'propose' })];
    assert.deepEqual(votesIn(out).map(idOf), [toHex(s.xId)], 'only the prevote already signed');
    assert.equal(ofKind(out, 'persist').length, 0);
  });

  test('a WAL of a later height makes it sign nothing at an earlier one', () => {
    const s = lockScenario();
    const later = s.v.vote(s.c, 'prevote', 2, 0, NIL);
    const core = s.v.core(s.c);
    core.restore([{ kind: 'vote', vote: later }]);
    const out = [...core.start(1), ...core.onProposal(s.proposalX, NOW)];
    for (const i of s.others) out.push(...core.onVote(s.v.vote(i, 'prevote', 1, 0, s.xId)));
    assert.equal(core.state.step, 'precommit', 'the rules still run');
    assert.equal(ofKind(out, 'persist').length, 0);
    assert.deepEqual(votesIn(out), []);
  });
});
