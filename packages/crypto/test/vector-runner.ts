/**
 * Runs every gm vector (shared/testdata/gm/vectors.json) and the intl reference vectors against the
 * browser backend. Plain code without Node APIs: the Node test and the Chromium test page both run it.
 */
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { concatBytes, fromHex, toHex } from '@xinlian/utils';
import { sm4EncryptBlock } from '../src/browser/gcm.js';
import {
  aeadDecrypt,
  aeadEncrypt,
  createHasher,
  createSuite,
  privateKeyFromRaw,
} from '../src/browser/index.js';
import { Sm2Point, sm2E, sm2SignWithK, sm2ZBrowser } from '../src/browser/sm2.js';
import { sm3 } from '../src/browser/sm3.js';

export interface VectorResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface VectorRun {
  readonly results: VectorResult[];
  /** Vectors in the gm file (every top-level entry except "_source"; arrays count per element). */
  readonly gmExpected: number;
  readonly gmChecked: number;
  readonly intlChecked: number;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The intl reference vectors: RFC 8032 §7.1 TEST 1 and TEST 2, FIPS 180-2 "abc", GCM spec test cases 13 and 14. */
export const INTL_VECTORS = Object.freeze({
  ed25519: [
    {
      seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature:
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature:
        '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ],
  sha256: [{ message: 'abc', digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }],
  aes256gcm: [
    {
      key: '00'.repeat(32),
      nonce: '00'.repeat(12),
      plaintext: '',
      sealed: '530f8afbc74536b9a963b4f1c4cb738b',
    },
    {
      key: '00'.repeat(32),
      nonce: '00'.repeat(12),
      plaintext: '00'.repeat(16),
      sealed: 'cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919',
    },
  ],
});

/** Runs all vectors; `gmRaw` is the parsed gm/vectors.json. */
export function runVectors(gmRaw: Record<string, unknown>): VectorRun {
  const results: VectorResult[] = [];
  let gmChecked = 0;
  let intlChecked = 0;
  const check = (name: string, ok: boolean, detail?: string): boolean => {
    results.push(detail === undefined ? { name, ok } : { name, ok, detail });
    return ok;
  };
  const gmExpected = Object.entries(gmRaw)
    .filter(([k]) => !k.startsWith('_'))
    .reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : 1), 0);
  const kinds = Object.keys(gmRaw)
    .filter((k) => !k.startsWith('_'))
    .sort()
    .join(',');
  check('gm vector kinds are known', kinds === 'sm2_encrypt,sm2_sign,sm3,sm4', kinds);
  const v = gmRaw as unknown as GmVectors;
  const gm = createSuite('gm');

  for (const [i, t] of v.sm3.entries()) {
    const msg = ascii(t.msg_ascii ?? t.msg_ascii_repeat!.unit.repeat(t.msg_ascii_repeat!.times));
    const oneShot = toHex(gm.hash(msg));
    const parts = toHex(gm.hash(msg.subarray(0, 1), msg.subarray(1)));
    const h = createHasher('sm3');
    for (const b of msg) h.update(Uint8Array.of(b));
    const bytewise = toHex(h.digest());
    if (check(`SM3 #${i}`, oneShot === t.digest && parts === t.digest && bytewise === t.digest, oneShot))
      gmChecked++;
  }

  for (const [i, t] of v.sm4.entries()) {
    const key = fromHex(t.key);
    let block = fromHex(t.plaintext);
    for (let n = 0; n < (t.iterations ?? 1); n++) block = sm4EncryptBlock(key, block);
    if (check(`SM4 #${i} (${t.mode})`, toHex(block) === t.ciphertext, toHex(block))) gmChecked++;
  }

  {
    const t = v.sm2_sign;
    const userId = ascii(t.user_id_ascii);
    const key = privateKeyFromRaw('gm', fromHex(t.private_key));
    const pub = fromHex(`04${t.public_key_x}${t.public_key_y}`);
    const z = sm2ZBrowser(pub, userId);
    const e = sm2E(z, ascii(t.msg_ascii));
    const sig = sm2SignWithK(bytesToNumberBE(fromHex(t.private_key)), e, bytesToNumberBE(fromHex(t.k)));
    const pk = gm.publicKeyFromBytes(pub);
    const msg = ascii(t.msg_ascii);
    const ours = gm.sign(key, msg);
    const ok =
      t.curve === 'sm2p256v1' &&
      t.entl_bits === userId.length * 8 &&
      toHex(key.publicKey.bytes) === toHex(pub) &&
      toHex(z) === t.Z &&
      e === bytesToNumberBE(fromHex(t.e)) &&
      sig !== undefined &&
      toHex(sig) === t.r + t.s &&
      gm.verify(pk, msg, fromHex(t.r + t.s), { userId }) &&
      gm.verify(pk, msg, fromHex(t.r + t.s)) &&
      !gm.verify(pk, ascii('message digesT'), fromHex(t.r + t.s)) &&
      gm.verify(pk, msg, ours) &&
      toHex(ours) !== t.r + t.s;
    if (check('SM2 signature (GM/T 0003.5 Annex A): Z, e, r‖s from k, verify', ok, sig && toHex(sig)))
      gmChecked++;
  }

  {
    // SM2 encryption (GB/T 32918.4): C1 = [k]G, (x2, y2) = [k]P, C3 = SM3(x2‖M‖y2), C2 = M ⊕ KDF(x2‖y2)
    const t = v.sm2_encrypt;
    const d = bytesToNumberBE(fromHex(t.private_key));
    const k = bytesToNumberBE(fromHex(t.k));
    const c1 = Sm2Point.BASE.multiply(k).toAffine();
    const shared = Sm2Point.BASE.multiply(d).multiply(k).toBytes(false).subarray(1);
    const x2 = shared.subarray(0, 32);
    const y2 = shared.subarray(32);
    const msg = ascii(t.msg_ascii);
    const kdf = sm3(concatBytes(x2, y2, Uint8Array.of(0, 0, 0, 1)));
    const c2 = msg.map((b, i) => b ^ kdf[i]);
    // decryption side: [d]C1 gives the same (x2, y2)
    const fromC1 = Sm2Point.fromAffine(c1).multiply(d).toBytes(false).subarray(1);
    const ok =
      c1.x === bytesToNumberBE(fromHex(t.C1_x)) &&
      c1.y === bytesToNumberBE(fromHex(t.C1_y)) &&
      toHex(sm3(concatBytes(x2, msg, y2))) === t.C3 &&
      toHex(c2) === t.C2 &&
      toHex(fromC1) === toHex(shared);
    if (check('SM2 encryption (GB/T 32918.4 Annex C): C1, C3, C2', ok)) gmChecked++;
  }

  const intl = createSuite('intl');
  for (const [i, t] of INTL_VECTORS.ed25519.entries()) {
    const key = privateKeyFromRaw('intl', fromHex(t.seed));
    const sig = intl.sign(key, fromHex(t.message));
    const ok =
      toHex(key.publicKey.bytes) === t.publicKey &&
      toHex(sig) === t.signature &&
      intl.verify(intl.publicKeyFromBytes(fromHex(t.publicKey)), fromHex(t.message), sig) &&
      !intl.verify(intl.publicKeyFromBytes(fromHex(t.publicKey)), ascii('x'), sig);
    if (check(`Ed25519 RFC 8032 TEST ${i + 1}`, ok, toHex(sig))) intlChecked++;
  }
  for (const t of INTL_VECTORS.sha256) {
    const got = toHex(intl.hash(ascii(t.message)));
    const inc = toHex(createHasher('sha256').update(ascii('a')).update(ascii('bc')).digest());
    if (check('SHA-256 "abc"', got === t.digest && inc === t.digest, got)) intlChecked++;
  }
  for (const [i, t] of INTL_VECTORS.aes256gcm.entries()) {
    const sealed = aeadEncrypt('aes-256-gcm', fromHex(t.key), fromHex(t.nonce), fromHex(t.plaintext));
    const opened = aeadDecrypt('aes-256-gcm', fromHex(t.key), fromHex(t.nonce), sealed);
    const ok = toHex(sealed) === t.sealed && toHex(opened) === t.plaintext;
    if (check(`AES-256-GCM test case ${13 + i}`, ok, toHex(sealed))) intlChecked++;
  }
  return { results, gmExpected, gmChecked, intlChecked };
}

/** The shape of shared/testdata/gm/vectors.json. */
export interface Sm3Vector {
  msg_ascii?: string;
  msg_ascii_repeat?: { unit: string; times: number };
  digest: string;
}
export interface Sm4Vector {
  mode: string;
  iterations?: number;
  key: string;
  plaintext: string;
  ciphertext: string;
}
export interface Sm2SignVector {
  curve: string;
  private_key: string;
  public_key_x: string;
  public_key_y: string;
  user_id_ascii: string;
  entl_bits: number;
  Z: string;
  msg_ascii: string;
  e: string;
  k: string;
  r: string;
  s: string;
}
export interface Sm2EncryptVector {
  private_key: string;
  msg_ascii: string;
  k: string;
  C1_x: string;
  C1_y: string;
  C3: string;
  C2: string;
}
export interface GmVectors {
  sm3: Sm3Vector[];
  sm4: Sm4Vector[];
  sm2_sign: Sm2SignVector;
  sm2_encrypt: Sm2EncryptVector;
}
