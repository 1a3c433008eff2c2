/**
 * Canonical binary encodings of the network messages: fixed-width big-endian integers and
 * length-prefixed byte strings, no optional fields, no trailing bytes — so every message has
 * exactly one encoding and decoders reject anything else.
 */
import { fromUtf8, utf8 } from '@xinlian/utils';
import { netError } from './errors.js';
import type { Channel } from './types.js';

/** Wire ids of the channels; 0 is the handshake Hello. */
export const HELLO_CHANNEL_ID = 0;
const CHANNEL_IDS: Readonly<Record<Channel, number>> = Object.freeze({ consensus: 1, txs: 2, sync: 3 });
const CHANNEL_BY_ID: readonly (Channel | undefined)[] = [undefined, 'consensus', 'txs', 'sync'];

/** The wire id of a channel. */
export function channelId(channel: Channel): number {
  return CHANNEL_IDS[channel];
}

/** The channel of a wire id, or undefined (0 = Hello, unknown ids). */
export function channelOf(id: number): Channel | undefined {
  return CHANNEL_BY_ID[id];
}

class Writer {
  private readonly parts: Uint8Array[] = [];
  private length = 0;
  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  uint(n: number, width: 1 | 2 | 4 | 8): this {
    if (!Number.isSafeInteger(n) || n < 0 || (width < 8 && n >= 2 ** (8 * width))) {
      throw netError('NET_BAD_MESSAGE', 'integer out of range', { value: n, width });
    }
    const b = Buffer.alloc(width);
    if (width === 8) b.writeBigUInt64BE(BigInt(n));
    else b.writeUIntBE(n, 0, width);
    return this.push(b);
  }
  bytes(b: Uint8Array, lengthWidth: 1 | 2 | 4): this {
    return this.uint(b.length, lengthWidth).push(b);
  }
  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.length);
  }
}

class Reader {
  private offset = 0;
  constructor(private readonly buf: Uint8Array) {}
  uint(width: 1 | 2 | 4 | 8): number {
    const b = this.take(width);
    const view = Buffer.from(b.buffer, b.byteOffset, b.length);
    if (width < 8) return view.readUIntBE(0, width);
    const v = view.readBigUInt64BE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw netError('NET_BAD_MESSAGE', 'integer too large');
    return Number(v);
  }
  bytes(lengthWidth: 1 | 2 | 4): Uint8Array {
    return this.take(this.uint(lengthWidth));
  }
  take(n: number): Uint8Array {
    if (this.offset + n > this.buf.length) throw netError('NET_BAD_MESSAGE', 'message truncated');
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  end(): void {
    if (this.offset !== this.buf.length)
      throw netError('NET_BAD_MESSAGE', 'trailing bytes', { extra: this.buf.length - this.offset });
  }
}

/** TLS role of the Hello's sender; it is covered by the signature so a Hello cannot be reflected. */
export type HelloRole = 'client' | 'server';

/** The authentication message each side sends first. */
export interface Hello {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly role: HelloRole;
  readonly nodePublicKey: Uint8Array;
  readonly signature: Uint8Array;
}

const HELLO_VERSION = 1;
/** Domain separator of the Hello signature. */
export const AUTH_DOMAIN = 'xinlian/net/auth/v1';
/** TLS exporter label (RFC 8446 §7.5) binding the Hello signature to this TLS session. */
export const EXPORTER_LABEL = 'EXPORTER-xinlian-auth';

/** Encodes a Hello. */
export function encodeHello(h: Hello): Uint8Array {
  return new Writer()
    .uint(HELLO_VERSION, 1)
    .bytes(utf8(h.chainId), 1)
    .bytes(h.genesisHash, 1)
    .uint(h.role === 'client' ? 1 : 2, 1)
    .bytes(h.nodePublicKey, 1)
    .bytes(h.signature, 1)
    .finish();
}

/** Decodes a Hello; throws NET_BAD_MESSAGE on anything but the one canonical encoding. */
export function decodeHello(bytes: Uint8Array): Hello {
  const r = new Reader(bytes);
  const version = r.uint(1);
  if (version !== HELLO_VERSION) throw netError('NET_BAD_MESSAGE', 'unsupported hello version', { version });
  const chainIdBytes = r.bytes(1);
  const genesisHash = r.bytes(1);
  const roleId = r.uint(1);
  if (roleId !== 1 && roleId !== 2) throw netError('NET_BAD_MESSAGE', 'bad hello role', { roleId });
  const nodePublicKey = r.bytes(1);
  const signature = r.bytes(1);
  r.end();
  let chainId: string;
  try {
    chainId = fromUtf8(chainIdBytes);
  } catch {
    throw netError('NET_BAD_MESSAGE', 'chain id is not valid UTF-8');
  }
  return { chainId, genesisHash, role: roleId === 1 ? 'client' : 'server', nodePublicKey, signature };
}

/** The bytes a node signs in its Hello: domain ‖ TLS exporter ‖ role. */
export function helloSignBytes(exporter: Uint8Array, role: HelloRole): Uint8Array {
  return Buffer.concat([utf8(AUTH_DOMAIN), exporter, utf8(role)]);
}

/** Block sync request: up to `max` blocks starting at `fromHeight`. */
export interface GetBlocks {
  readonly type: 'get_blocks';
  readonly requestId: number;
  readonly fromHeight: number;
  readonly max: number;
}

/** Block sync response: consecutive blocks from the requested height, and the server's head. */
export interface Blocks {
  readonly type: 'blocks';
  readonly requestId: number;
  readonly head: number;
  readonly items: readonly { readonly block: Uint8Array; readonly certificate: Uint8Array }[];
}

export type SyncMessage = GetBlocks | Blocks;

/** Encodes a sync-channel message. */
export function encodeSyncMessage(m: SyncMessage): Uint8Array {
  const w = new Writer();
  if (m.type === 'get_blocks')
    return w.uint(1, 1).uint(m.requestId, 4).uint(m.fromHeight, 8).uint(m.max, 4).finish();
  w.uint(2, 1).uint(m.requestId, 4).uint(m.head, 8).uint(m.items.length, 4);
  for (const item of m.items) w.bytes(item.block, 4).bytes(item.certificate, 4);
  return w.finish();
}

/** Decodes a sync-channel message; throws NET_BAD_MESSAGE. */
export function decodeSyncMessage(bytes: Uint8Array): SyncMessage {
  const r = new Reader(bytes);
  const type = r.uint(1);
  if (type === 1) {
    const m: GetBlocks = { type: 'get_blocks', requestId: r.uint(4), fromHeight: r.uint(8), max: r.uint(4) };
    r.end();
    return m;
  }
  if (type !== 2) throw netError('NET_BAD_MESSAGE', 'unknown sync message type', { type });
  const requestId = r.uint(4);
  const head = r.uint(8);
  const count = r.uint(4);
  const items: { block: Uint8Array; certificate: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) items.push({ block: r.bytes(4), certificate: r.bytes(4) });
  r.end();
  return { type: 'blocks', requestId, head, items };
}
