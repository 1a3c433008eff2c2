import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CHANNELS,
  channelId,
  channelOf,
  decodeHello,
  decodeSyncMessage,
  encodeFrame,
  encodeHello,
  encodeSyncMessage,
  FrameDecoder,
  type Hello,
  SeenSet,
  type SyncMessage,
} from '../src/index.js';

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const helloArb: fc.Arbitrary<Hello> = fc.record({
  chainId: fc.string({ maxLength: 60 }),
  genesisHash: bytes(32),
  role: fc.constantFrom('client' as const, 'server' as const),
  nodePublicKey: bytes(65),
  signature: bytes(72),
});
const height = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const syncArb: fc.Arbitrary<SyncMessage> = fc.oneof(
  fc.record({ type: fc.constant('get_blocks' as const), requestId: u32, fromHeight: height, max: u32 }),
  fc.record({
    type: fc.constant('blocks' as const),
    requestId: u32,
    head: height,
    items: fc.array(fc.record({ block: bytes(100), certificate: bytes(100) }), { maxLength: 5 }),
  }),
);

describe('wire codecs', () => {
  it('Hello round-trips and rejects any extra or missing byte', () => {
    fc.assert(
      fc.property(helloArb, fc.uint8Array({ minLength: 1, maxLength: 4 }), (h, extra) => {
        const enc = encodeHello(h);
        const dec = decodeHello(enc);
        assert.equal(dec.chainId, h.chainId);
        assert.equal(dec.role, h.role);
        assert.deepEqual([dec.genesisHash, dec.nodePublicKey, dec.signature].map(Buffer.from), [
          Buffer.from(h.genesisHash),
          Buffer.from(h.nodePublicKey),
          Buffer.from(h.signature),
        ]);
        assert.throws(() => decodeHello(Buffer.concat([enc, extra])), { code: 'NET_BAD_MESSAGE' });
        assert.throws(() => decodeHello(enc.subarray(0, enc.length - 1)), { code: 'NET_BAD_MESSAGE' });
      }),
    );
  });

  it('sync messages round-trip and decoding is canonical (re-encoding gives the same bytes)', () => {
    fc.assert(
      fc.property(syncArb, (m) => {
        const enc = encodeSyncMessage(m);
        const dec = decodeSyncMessage(enc);
        assert.equal(dec.type, m.type);
        assert.deepEqual(Buffer.from(encodeSyncMessage(dec)), Buffer.from(enc));
      }),
    );
    fc.assert(
      fc.property(bytes(64), (junk) => {
        try {
          const m = decodeSyncMessage(junk);
          assert.deepEqual(Buffer.from(encodeSyncMessage(m)), Buffer.from(junk));
        } catch (e) {
          assert.equal((e as { code?: string }).code, 'NET_BAD_MESSAGE');
        }
      }),
    );
  });

  it('maps channels to distinct non-zero wire ids', () => {
    const ids = CHANNELS.map(channelId);
    assert.equal(new Set(ids).size, CHANNELS.length);
    assert.ok(!ids.includes(0));
    for (const c of CHANNELS) assert.equal(channelOf(channelId(c)), c);
    assert.equal(channelOf(0), undefined);
    assert.equal(channelOf(200), undefined);
  });
});

describe('FrameDecoder', () => {
  it('reassembles frames however the stream is split', () => {
    const frameArb = fc.record({ channelId: fc.integer({ min: 0, max: 255 }), payload: bytes(300) });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => encodeFrame(f.channelId, f.payload)));
          const d = new FrameDecoder(301);
          const out: { channelId: number; payload: Buffer }[] = [];
          for (let at = 0, i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length] as number;
            for (const f of d.push(stream.subarray(at, at + n)))
              out.push({ channelId: f.channelId, payload: Buffer.from(f.payload) });
            at += n;
          }
          assert.deepEqual(
            out,
            frames.map((f) => ({ channelId: f.channelId, payload: Buffer.from(f.payload) })),
          );
        },
      ),
    );
  });

  it('rejects a frame over the limit from its header alone, and empty frames', () => {
    const d = new FrameDecoder(10);
    assert.deepEqual(d.push(encodeFrame(1, new Uint8Array(9))).length, 1);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(11);
    assert.throws(() => d.push(header), { code: 'NET_FRAME_TOO_LARGE' });
    assert.throws(() => new FrameDecoder(10).push(Buffer.alloc(4)), { code: 'NET_BAD_MESSAGE' });
  });
});

describe('SeenSet', () => {
  it('reports each id new once and evicts the least recently seen beyond capacity', () => {
    const s = new SeenSet(3);
    assert.equal(s.add('a'), true);
    assert.equal(s.add('a'), false);
    s.add('b');
    s.add('c');
    s.add('a'); // refresh a: b is now the oldest
    s.add('d');
    assert.equal(s.size, 3);
    assert.equal(s.has('b'), false);
    assert.equal(s.has('a'), true);
    assert.equal(s.add(new Uint8Array([0xab])), true);
    assert.equal(s.has('ab'), true);
  });

  it('never grows beyond its capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (ids, cap) => {
          const s = new SeenSet(cap);
          for (const id of ids) s.add(id);
          assert.equal(s.size, Math.min(cap, new Set(ids).size));
          if (ids.length > 0) assert.equal(s.has(ids[ids.length - 1] as string), true);
        },
      ),
    );
  });
});
