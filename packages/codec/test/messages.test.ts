// Canonical protobuf codecs: round trips, mutations, and hand-built wire bytes (protobuf spec).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, isXinlianError, utf8 } from '@xinlian/utils';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import {
  type Block,
  blockId,
  decodeBlock,
  decodeBlockHeader,
  decodeCommitCertificate,
  decodeConsensusMessage,
  decodeProposal,
  decodeSignedTx,
  decodeTxBody,
  decodeTxReceipt,
  decodeValidatorSet,
  decodeVote,
  decodeWalRecord,
  encodeBlock,
  encodeBlockHeader,
  encodeBlockWithTxBytes,
  encodeCommitCertificate,
  encodeConsensusMessage,
  encodeProposal,
  encodeProposalSignBytes,
  encodeSignedTx,
  encodeTxBody,
  encodeTxReceipt,
  encodeValidatorSet,
  encodeVote,
  encodeVoteSignBytes,
  encodeWalRecord,
  PROPOSAL_SIGN_DOMAIN,
  type Proposal,
  type TxBody,
  type TxReceipt,
  txId,
  VOTE_SIGN_DOMAIN,
  type Vote,
  validatorSetHash,
} from '../src/index.js';
import { PB } from '../src/schema.js';
import * as arb from './arbitraries.js';
import { sha256 } from './hash.js';

const u8 = (...b: number[]): Uint8Array => Uint8Array.from(b);

function rejects(code: 'CODEC_MALFORMED' | 'CODEC_NON_CANONICAL' | 'any') {
  return (e: unknown): boolean =>
    isXinlianError(e) &&
    (code === 'any' ? e.code === 'CODEC_MALFORMED' || e.code === 'CODEC_NON_CANONICAL' : e.code === code);
}

/** Every object is a plain object/array and every byte string exactly a Uint8Array. */
function assertPlain(v: unknown): void {
  if (v instanceof Uint8Array) {
    assert.equal(Object.getPrototypeOf(v), Uint8Array.prototype);
  } else if (Array.isArray(v)) {
    v.forEach(assertPlain);
  } else if (typeof v === 'object' && v !== null) {
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Reflect.ownKeys(v), Object.keys(v));
    Object.values(v).forEach(assertPlain);
  }
}

// ---- byte-level mutations of an encoding ----

interface Field {
  start: number;
  end: number;
  id: number;
}

function topLevelFields(bytes: Uint8Array): Field[] {
  const r = protobuf.Reader.create(bytes);
  const out: Field[] = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const tag = r.uint32();
    r.skipType(tag & 7);
    out.push({ start, end: r.pos, id: tag >>> 3 });
  }
  return out;
}

const splice = (b: Uint8Array, at: number, del: number, ...ins: Uint8Array[]): Uint8Array =>
  concatBytes(b.subarray(0, at), ...ins, b.subarray(at + del));

/** End of the varint starting at `pos`. */
function varintEnd(b: Uint8Array, pos: number): number {
  let p = pos;
  while (b[p] & 0x80) p++;
  return p + 1;
}

/** The same varint with one redundant continuation byte. */
function nonMinimal(v: Uint8Array): Uint8Array {
  const out = concatBytes(v, u8(0));
  out[v.length - 1] |= 0x80;
  return out;
}

const MUTATIONS = [
  'flip',
  'append',
  'truncate',
  'unknownField',
  'duplicate',
  'swap',
  'longTag',
  'longVarint',
  'explicitDefault',
] as const;
type Mutation = (typeof MUTATIONS)[number];

function mutate(t: protobuf.Type, b: Uint8Array, kind: Mutation, a: number, x: number): Uint8Array {
  const fields = topLevelFields(b);
  const f = fields.length > 0 ? fields[a % fields.length] : undefined;
  switch (kind) {
    case 'flip': {
      if (b.length === 0) return u8(x);
      const out = b.slice();
      out[a % b.length] ^= (x % 255) + 1;
      return out;
    }
    case 'append':
      return concatBytes(b, u8(x));
    case 'truncate':
      return b.subarray(0, b.length === 0 ? 0 : a % b.length);
    case 'unknownField': {
      const at = fields.length === 0 ? 0 : (fields[a % fields.length]?.start ?? b.length);
      return splice(b, at, 0, u8((15 << 3) | 0, x & 0x7f));
    }
    case 'duplicate':
      return f === undefined ? b : splice(b, f.end, 0, b.slice(f.start, f.end));
    case 'swap': {
      if (fields.length < 2) return b;
      const i = a % (fields.length - 1);
      const [p, q] = [fields[i], fields[i + 1]];
      return splice(b, p.start, q.end - p.start, b.slice(q.start, q.end), b.slice(p.start, p.end));
    }
    case 'longTag':
      return f === undefined ? b : splice(b, f.start, 1, nonMinimal(b.subarray(f.start, f.start + 1)));
    case 'longVarint': {
      if (f === undefined) return b;
      const end = varintEnd(b, f.start + 1);
      return splice(b, f.start + 1, end - f.start - 1, nonMinimal(b.subarray(f.start + 1, end)));
    }
    case 'explicitDefault': {
      const absent = t.fieldsArray.filter((fd) => !fields.some((g) => g.id === fd.id));
      if (absent.length === 0) return b;
      const fd = absent[a % absent.length];
      const wire = ['string', 'bytes'].includes(fd.type) || fd.resolvedType instanceof protobuf.Type ? 2 : 0;
      const at = fields.find((g) => g.id > fd.id)?.start ?? b.length;
      return splice(b, at, 0, u8((fd.id << 3) | wire, 0));
    }
  }
}

// ---- generic properties for each message type ----

interface Codec<T> {
  type: protobuf.Type;
  arb: fc.Arbitrary<T>;
  encode: (v: T) => Uint8Array;
  decode: (b: Uint8Array) => T;
}

function codecProperties<T>(name: string, c: Codec<T>): void {
  describe(name, () => {
    it('round-trips arbitrary values to plain objects', () => {
      fc.assert(
        fc.property(c.arb, (v) => {
          const bytes = c.encode(v);
          assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
          const d = c.decode(bytes);
          assert.deepStrictEqual(d, v);
          assertPlain(d);
          assert.deepStrictEqual(c.encode(d), bytes);
        }),
        { numRuns: 150 },
      );
    });

    it('mutated bytes are rejected or decode to a different value', () => {
      fc.assert(
        fc.property(c.arb, fc.constantFrom(...MUTATIONS), fc.nat(), fc.nat(255), (v, kind, a, x) => {
          const bytes = c.encode(v);
          const mutated = mutate(c.type, bytes, kind, a, x);
          fc.pre(Buffer.compare(mutated, bytes) !== 0);
          let d: T;
          try {
            d = c.decode(mutated);
          } catch (e) {
            assert.ok(rejects('any')(e), `unexpected error ${String(e)}`);
            return;
          }
          assert.notDeepStrictEqual(d, v);
          assert.deepStrictEqual(c.encode(d), mutated);
        }),
        { numRuns: 300 },
      );
    });
  });
}

codecProperties('TxBody', { type: PB.TxBody, arb: arb.txBody, encode: encodeTxBody, decode: decodeTxBody });
codecProperties('SignedTx', {
  type: PB.SignedTx,
  arb: arb.signedTx,
  encode: encodeSignedTx,
  decode: decodeSignedTx,
});
codecProperties('BlockHeader', {
  type: PB.BlockHeader,
  arb: arb.header,
  encode: encodeBlockHeader,
  decode: decodeBlockHeader,
});
codecProperties('CommitCertificate', {
  type: PB.CommitCertificate,
  arb: arb.certificate,
  encode: encodeCommitCertificate,
  decode: decodeCommitCertificate,
});
codecProperties('Block', { type: PB.Block, arb: arb.block, encode: encodeBlock, decode: decodeBlock });

describe('encodeBlockWithTxBytes', () => {
  it('equals encodeBlock when given the encoded txs', () => {
    fc.assert(
      fc.property(arb.block, (b) => {
        assert.deepEqual(encodeBlockWithTxBytes(b, b.txs.map(encodeSignedTx)), encodeBlock(b));
      }),
    );
  });
  it('rejects a different number of encoded txs', () => {
    fc.assert(
      fc.property(arb.block, (b) => {
        const bytes = [...b.txs.map(encodeSignedTx), new Uint8Array(1)];
        assert.throws(() => encodeBlockWithTxBytes(b, bytes), rejects('CODEC_MALFORMED'));
      }),
    );
  });
});
codecProperties('Vote', { type: PB.Vote, arb: arb.vote, encode: encodeVote, decode: decodeVote });
codecProperties('ValidatorSet', {
  type: PB.ValidatorSet,
  arb: arb.validatorSet,
  encode: encodeValidatorSet,
  decode: decodeValidatorSet,
});
codecProperties('TxReceipt', {
  type: PB.TxReceipt,
  arb: arb.receipt,
  encode: encodeTxReceipt,
  decode: decodeTxReceipt,
});

codecProperties('Proposal', {
  type: PB.Proposal,
  arb: arb.proposal,
  encode: encodeProposal,
  decode: decodeProposal,
});
codecProperties('ConsensusMessage', {
  type: PB.ConsensusMessage,
  arb: arb.consensusMessage,
  encode: encodeConsensusMessage,
  decode: decodeConsensusMessage,
});
codecProperties('WalRecord', {
  type: PB.WalRecord,
  arb: arb.walRecord,
  encode: encodeWalRecord,
  decode: decodeWalRecord,
});

// ---- hand-built wire bytes (protobuf encoding spec) ----

const EMPTY_BODY: TxBody = {
  chainId: '',
  signer: new Uint8Array(0),
  nonce: 0,
  expiryHeight: 0,
  module: '',
  method: '',
  args: new Uint8Array(0),
};
/** chain_id "a" (field 1, LEN) and nonce 300 (field 3, VARINT: ac 02), per the protobuf docs. */
const BODY_A_300 = u8(0x0a, 0x01, 0x61, 0x18, 0xac, 0x02);
const MAX_SAFE_VARINT = u8(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f); // 2^53 - 1
const TWO_POW_53_VARINT = u8(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10);

describe('canonical wire form', () => {
  it('encodes fields in number order with defaults omitted', () => {
    assert.deepEqual(encodeTxBody({ ...EMPTY_BODY, chainId: 'a', nonce: 300 }), BODY_A_300);
    assert.deepEqual(encodeTxBody(EMPTY_BODY), new Uint8Array(0));
    assert.deepEqual(decodeTxBody(BODY_A_300), { ...EMPTY_BODY, chainId: 'a', nonce: 300 });
  });

  it('writes SignedTx as { bytes body = 1; bytes signature = 2 } and keeps bodyBytes', () => {
    const body = u8(0x0a, 0x01, 0x61);
    const wire = u8(0x0a, 0x03, ...body, 0x12, 0x01, 0xff);
    const tx = decodeSignedTx(wire);
    assert.deepEqual(tx.bodyBytes, body);
    assert.deepEqual(tx.body, { ...EMPTY_BODY, chainId: 'a' });
    assert.deepEqual(tx.signature, u8(0xff));
    assert.deepEqual(encodeSignedTx(tx), wire);
  });

  it('always writes a block header and certificate, even when empty', () => {
    const wire = u8(0x0a, 0x00, 0x1a, 0x00);
    const b = decodeBlock(wire);
    assert.deepEqual(b.txs, []);
    assert.equal(b.header.height, 0);
    assert.deepEqual(encodeBlock(b), wire);
    assert.throws(() => decodeBlock(u8(0x1a, 0x00)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeBlock(u8(0x0a, 0x00)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeBlock(new Uint8Array(0)), rejects('CODEC_MALFORMED'));
  });

  it('rejects a block holding a tx in a non-canonical form (fields out of order)', () => {
    const body = u8(0x0a, 0x01, 0x61);
    const canonicalTx = u8(0x0a, 0x03, ...body, 0x12, 0x01, 0xff);
    const reorderedTx = u8(0x12, 0x01, 0xff, 0x0a, 0x03, ...body);
    const block = (tx: Uint8Array) => u8(0x0a, 0x00, 0x12, tx.length, ...tx, 0x1a, 0x00);
    const ok = decodeBlock(block(canonicalTx));
    assert.deepEqual(ok.txs[0]?.signature, u8(0xff));
    assert.deepEqual(encodeBlock(ok), block(canonicalTx));
    assert.throws(() => decodeBlock(block(reorderedTx)), rejects('CODEC_NON_CANONICAL'));
  });

  it('accepts uint64 up to 2^53 - 1 and rejects larger values as malformed', () => {
    assert.equal(decodeTxBody(u8(0x18, ...MAX_SAFE_VARINT)).nonce, Number.MAX_SAFE_INTEGER);
    assert.throws(() => decodeTxBody(u8(0x18, ...TWO_POW_53_VARINT)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeTxBody(u8(0x18, ...Array(9).fill(0xff), 0x01)), rejects('CODEC_MALFORMED'));
  });

  it('rejects non-canonical variants of valid bytes', () => {
    const nonCanonical = [
      u8(0x18, 0xac, 0x02, 0x0a, 0x01, 0x61), // fields out of order
      u8(...BODY_A_300, 0x20, 0x00), // explicit default expiry_height = 0
      u8(0x0a, 0x00, 0x18, 0xac, 0x02), // explicit default chain_id = ""
      u8(0x0a, 0x01, 0x61, 0x18, 0xac, 0x82, 0x00), // non-minimal varint value
      u8(0x0a, 0x81, 0x00, 0x61, 0x18, 0xac, 0x02), // non-minimal length
      u8(0x8a, 0x00, 0x01, 0x61, 0x18, 0xac, 0x02), // non-minimal tag
      u8(...BODY_A_300, 0x78, 0x01), // unknown varint field 15
      u8(...BODY_A_300, 0x7b, 0x7c), // unknown group field 15
      u8(...BODY_A_300, 0x18, 0xac, 0x02), // repeated field
    ];
    for (const b of nonCanonical) assert.throws(() => decodeTxBody(b), rejects('CODEC_NON_CANONICAL'));
  });

  it('rejects malformed bytes', () => {
    const malformed = [
      u8(0x0a, 0x05, 0x61), // truncated string
      u8(0x18), // missing varint
      u8(0x18, 0xac), // truncated varint
      u8(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), // length prefix 2^32 - 1
      u8(0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), // 10-byte length prefix
      u8(0x0d, 0x61, 0x61, 0x61, 0x61), // chain_id sent as fixed32
      u8(0x18, 0x02, 0x61, 0x62), // nonce 2, then a truncated fixed64 field 12
      u8(0x1a, 0x01, 0x05), // nonce sent as LEN
      u8(0x0f), // wire type 7
      u8(0x0a, 0x02, 0xc0, 0x80), // overlong UTF-8
      u8(0x0a, 0x03, 0xed, 0xa0, 0x80), // UTF-8 encoded lone surrogate
    ];
    for (const b of malformed)
      assert.throws(() => decodeTxBody(b), rejects('any'), Buffer.from(b).toString('hex'));
    for (const b of [malformed[0], malformed[3], malformed[4], malformed[5], malformed[7], malformed[9]]) {
      assert.throws(() => decodeTxBody(b), rejects('CODEC_MALFORMED'), Buffer.from(b).toString('hex'));
    }
    assert.throws(() => decodeTxBody('0a' as unknown as Uint8Array), rejects('CODEC_MALFORMED'));
  });

  it('checks nested messages and embedded transactions', () => {
    // header with an unknown field 15
    assert.throws(() => decodeBlock(u8(0x0a, 0x02, 0x78, 0x01, 0x1a, 0x00)), rejects('CODEC_NON_CANONICAL'));
    // header.height sent as LEN
    assert.throws(
      () => decodeBlock(u8(0x0a, 0x03, 0x12, 0x01, 0x00, 0x1a, 0x00)),
      rejects('CODEC_MALFORMED'),
    );
    // a tx whose body has an explicit default
    const badTx = u8(0x0a, 0x02, 0x18, 0x00);
    assert.throws(() => decodeSignedTx(badTx), rejects('CODEC_NON_CANONICAL'));
    const block = u8(0x0a, 0x00, 0x12, badTx.length, ...badTx, 0x1a, 0x00);
    assert.throws(() => decodeBlock(block), rejects('CODEC_NON_CANONICAL'));
    // certificate signature entry with an unknown field
    assert.throws(() => decodeCommitCertificate(u8(0x22, 0x02, 0x78, 0x01)), rejects('CODEC_NON_CANONICAL'));
  });

  it('maps enums and rejects unknown or unspecified values', () => {
    // Vote.type = PREVOTE (1), PRECOMMIT (2) as declared in the .proto
    assert.equal(decodeVote(u8(0x10, 0x01)).type, 'prevote');
    assert.equal(decodeVote(u8(0x10, 0x02)).type, 'precommit');
    assert.throws(() => decodeVote(new Uint8Array(0)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeVote(u8(0x10, 0x03)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeVote(u8(0x10, 0x00)), rejects('any'));
    assert.equal(decodeTxReceipt(u8(0x10, 0x01)).status, 'ok');
    assert.equal(decodeTxReceipt(u8(0x10, 0x02)).status, 'failed');
    assert.throws(() => decodeTxReceipt(new Uint8Array(0)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeTxReceipt(u8(0x10, 0x7f)), rejects('CODEC_MALFORMED'));
  });

  it('refuses to encode values outside the wire types', () => {
    for (const nonce of [-1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => encodeTxBody({ ...EMPTY_BODY, nonce }), rejects('CODEC_MALFORMED'), String(nonce));
    }
    assert.throws(() => encodeTxBody({ ...EMPTY_BODY, chainId: 'a\ud800' }), rejects('CODEC_MALFORMED'));
    assert.throws(
      () => encodeTxBody({ ...EMPTY_BODY, args: 'e30=' as unknown as Uint8Array }),
      rejects('CODEC_MALFORMED'),
    );
    const vote = decodeVote(u8(0x10, 0x01));
    assert.throws(() => encodeVote({ ...vote, type: 'commit' as Vote['type'] }), rejects('CODEC_MALFORMED'));
    assert.throws(
      () => encodeVote({ ...vote, type: 'toString' as Vote['type'] }),
      rejects('CODEC_MALFORMED'),
    );
    const receipt = decodeTxReceipt(u8(0x10, 0x01));
    assert.throws(
      () => encodeTxReceipt({ ...receipt, status: 'pending' as TxReceipt['status'] }),
      rejects('CODEC_MALFORMED'),
    );
  });

  it('returns views of the input, not copies of shared defaults', () => {
    const input = u8(0x0a, 0x03, 0x0a, 0x01, 0x61, 0x12, 0x01, 0xff);
    const tx = decodeSignedTx(input);
    assert.equal(tx.bodyBytes.buffer, input.buffer);
    const a = decodeTxBody(new Uint8Array(0));
    const b = decodeTxBody(new Uint8Array(0));
    assert.notEqual(a.signer, b.signer);
  });
});

describe('consensus messages', () => {
  const proposal: Proposal = {
    chainId: 'c',
    height: 2,
    round: 1,
    polRound: -1,
    blockBytes: u8(0xaa),
    proposerIndex: 0,
    signature: u8(0x01),
  };

  it('writes polRound as a zigzag sint32: -1 is 0x01, 0 is omitted, 3 is 0x06', () => {
    // chain_id "c", height 2, round 1, pol_round -1, block aa, signature 01
    const wire = u8(0x0a, 0x01, 0x63, 0x10, 0x02, 0x18, 0x01, 0x20, 0x01, 0x2a, 0x01, 0xaa, 0x3a, 0x01, 0x01);
    assert.deepEqual(encodeProposal(proposal), wire);
    assert.deepEqual(decodeProposal(wire), proposal);
    assert.deepEqual(
      encodeProposal({ ...proposal, polRound: 0 }),
      u8(0x0a, 0x01, 0x63, 0x10, 0x02, 0x18, 0x01, 0x2a, 0x01, 0xaa, 0x3a, 0x01, 0x01),
    );
    assert.equal(decodeProposal(u8(0x20, 0x06)).polRound, 3);
    // -2 (zigzag 3) has no meaning
    assert.throws(() => decodeProposal(u8(0x20, 0x03)), rejects('CODEC_MALFORMED'));
    for (const polRound of [-2, 1.5, 2 ** 31, Number.NaN]) {
      assert.throws(
        () => encodeProposal({ ...proposal, polRound }),
        rejects('CODEC_MALFORMED'),
        String(polRound),
      );
    }
  });

  it('proposal sign bytes are the domain tag and the proposal without its signature', () => {
    fc.assert(
      fc.property(arb.proposal, arb.bytes, (p, otherSig) => {
        const sb = encodeProposalSignBytes(p);
        const tag = utf8(PROPOSAL_SIGN_DOMAIN);
        assert.deepEqual(sb.subarray(0, tag.length), utf8('xinlian/proposal/v1'));
        assert.deepEqual(decodeProposal(sb.subarray(tag.length)), { ...p, signature: new Uint8Array(0) });
        assert.deepEqual(encodeProposalSignBytes({ ...p, signature: otherSig }), sb);
        assert.notDeepEqual(encodeProposalSignBytes({ ...p, polRound: p.polRound === -1 ? 0 : -1 }), sb);
        // a vote's sign bytes never equal a proposal's (different domain tags)
        assert.notDeepEqual(sb.subarray(0, utf8(VOTE_SIGN_DOMAIN).length), utf8(VOTE_SIGN_DOMAIN));
      }),
      { numRuns: 100 },
    );
  });

  it('a consensus message holds exactly one of proposal and vote', () => {
    const vote = decodeVote(u8(0x10, 0x01));
    const both = concatBytes(
      encodeConsensusMessage({ kind: 'proposal', proposal }),
      encodeConsensusMessage({ kind: 'vote', vote }),
    );
    assert.throws(() => decodeConsensusMessage(both), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeConsensusMessage(new Uint8Array(0)), rejects('CODEC_MALFORMED'));
    assert.deepEqual(decodeConsensusMessage(u8(0x12, 0x02, 0x10, 0x02)), {
      kind: 'vote',
      vote: { ...vote, type: 'precommit' },
    });
    assert.throws(
      () =>
        encodeConsensusMessage({ kind: 'block' } as unknown as Parameters<typeof encodeConsensusMessage>[0]),
      rejects('CODEC_MALFORMED'),
    );
  });

  it('a WAL record is a proposal, a vote, or a lock (both, with prevotes)', () => {
    const vote = decodeVote(u8(0x10, 0x02));
    const p = encodeProposal(proposal);
    const v = encodeVote(vote);
    const field = (tag: number, b: Uint8Array) => u8(tag, b.length, ...b);
    assert.equal(decodeWalRecord(field(0x0a, p)).kind, 'proposal');
    assert.equal(decodeWalRecord(field(0x12, v)).kind, 'vote');
    const lock = decodeWalRecord(concatBytes(field(0x0a, p), field(0x12, v), field(0x1a, v)));
    assert.deepEqual(lock, { kind: 'lock', vote, proposal, prevotes: [vote] });
    // prevotes without the precommit and proposal, or nothing at all, are malformed
    assert.throws(
      () => decodeWalRecord(concatBytes(field(0x12, v), field(0x1a, v))),
      rejects('CODEC_MALFORMED'),
    );
    assert.throws(() => decodeWalRecord(field(0x1a, v)), rejects('CODEC_MALFORMED'));
    assert.throws(() => decodeWalRecord(new Uint8Array(0)), rejects('CODEC_MALFORMED'));
  });
});

describe('sign bytes and identifiers', () => {
  it('vote sign bytes are the domain tag and the vote without its signature', () => {
    fc.assert(
      fc.property(arb.vote, arb.bytes, (vote, otherSig) => {
        const sb = encodeVoteSignBytes(vote);
        const tag = utf8(VOTE_SIGN_DOMAIN);
        assert.deepEqual(sb.subarray(0, tag.length), utf8('xinlian/vote/v1'));
        assert.deepEqual(decodeVote(sb.subarray(tag.length)), { ...vote, signature: new Uint8Array(0) });
        assert.deepEqual(encodeVoteSignBytes({ ...vote, signature: otherSig }), sb);
        assert.notDeepEqual(encodeVoteSignBytes({ ...vote, round: vote.round === 0 ? 1 : 0 }), sb);
      }),
      { numRuns: 100 },
    );
  });

  it('txId, blockId and validatorSetHash hash the canonical bytes', () => {
    fc.assert(
      fc.property(arb.block, arb.validatorSet, (block: Block, set) => {
        for (const tx of block.txs) assert.deepEqual(txId(sha256, tx), sha256(encodeTxBody(tx.body)));
        assert.deepEqual(blockId(sha256, block.header), sha256(encodeBlockHeader(block.header)));
        assert.deepEqual(validatorSetHash(sha256, set), sha256(encodeValidatorSet(set)));
      }),
      { numRuns: 50 },
    );
  });
});
