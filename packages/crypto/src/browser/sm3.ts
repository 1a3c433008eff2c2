/**
 * SM3 (GB/T 32905) on @noble/hashes' Merkle–Damgård framework (HashMD: buffering, padding, length
 * encoding, clone and the one-shot/`create()` wrapper come from noble; only the SM3 compression
 * function is here). No audited SM3 exists in noble, and sm-crypto-v2 has no incremental API; this
 * is checked against the GB/T 32905 vectors and against OpenSSL's SM3 in property tests.
 */
import { HashMD } from '@noble/hashes/_md.js';
import { type CHash, createHasher } from '@noble/hashes/utils.js';

const IV = Uint32Array.of(
  0x7380166f,
  0x4914b2b9,
  0x172442d7,
  0xda8a0600,
  0xa96f30bc,
  0x163138aa,
  0xe38dee4d,
  0xb0fb0e4e,
);

const rotl = (x: number, n: number): number => {
  const s = n & 31;
  return s === 0 ? x : (x << s) | (x >>> (32 - s));
};
const p0 = (x: number): number => x ^ rotl(x, 9) ^ rotl(x, 17);
const p1 = (x: number): number => x ^ rotl(x, 15) ^ rotl(x, 23);

/** The SM3 hash state (256-bit output, 512-bit blocks, big-endian 64-bit length). */
export class Sm3 extends HashMD<Sm3> {
  private A = IV[0] | 0;
  private B = IV[1] | 0;
  private C = IV[2] | 0;
  private D = IV[3] | 0;
  private E = IV[4] | 0;
  private F = IV[5] | 0;
  private G = IV[6] | 0;
  private H = IV[7] | 0;
  /** Message expansion W[0..67] and W'[0..63]; per instance (no shared mutable state). */
  private readonly w = new Uint32Array(68);
  private readonly w1 = new Uint32Array(64);

  constructor() {
    super(64, 32, 8, false);
  }

  protected get(): number[] {
    const { A, B, C, D, E, F, G, H } = this;
    return [A, B, C, D, E, F, G, H];
  }

  protected set(
    A: number,
    B: number,
    C: number,
    D: number,
    E: number,
    F: number,
    G: number,
    H: number,
  ): void {
    this.A = A | 0;
    this.B = B | 0;
    this.C = C | 0;
    this.D = D | 0;
    this.E = E | 0;
    this.F = F | 0;
    this.G = G | 0;
    this.H = H | 0;
  }

  protected process(view: DataView, offset: number): void {
    const { w, w1 } = this;
    for (let i = 0; i < 16; i++, offset += 4) w[i] = view.getUint32(offset, false);
    for (let i = 16; i < 68; i++) {
      w[i] = p1(w[i - 16] ^ w[i - 9] ^ rotl(w[i - 3], 15)) ^ rotl(w[i - 13], 7) ^ w[i - 6];
    }
    for (let i = 0; i < 64; i++) w1[i] = w[i] ^ w[i + 4];
    let { A, B, C, D, E, F, G, H } = this;
    for (let j = 0; j < 64; j++) {
      const low = j < 16;
      const t = low ? 0x79cc4519 : 0x7a879d8a;
      const a12 = rotl(A, 12);
      const ss1 = rotl((a12 + E + rotl(t, j)) | 0, 7);
      const ss2 = ss1 ^ a12;
      const ff = low ? A ^ B ^ C : (A & B) | (A & C) | (B & C);
      const gg = low ? E ^ F ^ G : (E & F) | (~E & G);
      const tt1 = (ff + D + ss2 + w1[j]) | 0;
      const tt2 = (gg + H + ss1 + w[j]) | 0;
      D = C;
      C = rotl(B, 9);
      B = A;
      A = tt1;
      H = G;
      G = rotl(F, 19);
      F = E;
      E = p0(tt2);
    }
    this.set(A ^ this.A, B ^ this.B, C ^ this.C, D ^ this.D, E ^ this.E, F ^ this.F, G ^ this.G, H ^ this.H);
  }

  protected roundClean(): void {
    this.w.fill(0);
    this.w1.fill(0);
  }

  destroy(): void {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    this.buffer.fill(0);
  }

  _cloneInto(to?: Sm3): Sm3 {
    const out = to ?? new Sm3();
    out.set(...(this.get() as [number, number, number, number, number, number, number, number]));
    out.length = this.length;
    out.pos = this.pos;
    out.finished = this.finished;
    out.destroyed = this.destroyed;
    out.buffer.set(this.buffer);
    return out;
  }
}

/** SM3 as a noble CHash: `sm3(bytes)` one-shot, `sm3.create()` incremental. */
export const sm3: CHash<Sm3> = createHasher(() => new Sm3());
