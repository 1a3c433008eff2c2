/** Ed25519 key encodings and the RFC 8032 §5.1.3 point-decoding check. */

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** DER prefix of an Ed25519 SPKI (OID 1.3.101.112) before the 32-byte key. */
export const ED25519_SPKI_PREFIX = hex('302a300506032b6570032100');
/** DER prefix of an Ed25519 PKCS#8 key before the 32-byte seed. */
export const ED25519_PKCS8_PREFIX = hex('302e020100300506032b657004220420');

const P = 2n ** 255n - 19n;
const D = (-121665n * modPow(121666n, P - 2n)) % P;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = ((base % P) + P) % P;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

/**
 * true iff 32 bytes decode to a point on edwards25519 (RFC 8032 §5.1.3): y < p, and x with the
 * encoded sign exists. Node/OpenSSL import any 32 bytes, so this is the public-key validity check.
 */
export function isEd25519Point(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const le = Buffer.from(bytes);
  const sign = le[31] >> 7;
  le[31] &= 0x7f;
  const y = BigInt(`0x${Buffer.from(le).reverse().toString('hex')}`);
  if (y >= P) return false;
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  // x = u v^3 (u v^7)^((p-5)/8); a root exists iff v x^2 = ±u.
  const v3 = mod(v * v * v);
  const x = mod(u * v3 * modPow(u * v3 * v3 * v, (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 !== u && vx2 !== mod(-u)) return false;
  // x = 0 (y = ±1) has no negative twin.
  return sign === 0 || x !== 0n;
}
