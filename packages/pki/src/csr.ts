/**
 * PKCS#10 certificate signing requests (RFC 2986), so members can keep their private key where
 * it was made — e.g. by OpenSSL — and send the CA only a CSR: `xinlian ca issue --csr FILE`.
 * The CSR's self-signature (proof of possession of the key) is verified with the chain suite:
 * SM2-with-SM3 with the GB/T default ID 1234567812345678 (`openssl req … -sm3 -sigopt
 * distid:1234567812345678`) on gm chains, Ed25519 on intl chains. Its subject is only advice:
 * the CA decides the issued certificate's O/OU/CN (spec/pki.md §4).
 */
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, type Name } from '@peculiar/asn1-x509';
import {
  type CryptoSuite,
  type PrivateKey,
  type PublicKey,
  sm2SignatureFromDer,
  sm2SignatureToDer,
} from '@xinlian/crypto';
import { bufferOf, bytesOf, derOf, encodeName, parseStrict, serialize } from './asn1.js';
import { readPublicKey, spkiOf, suiteOfSignature } from './certificate.js';
import { pkiError } from './errors.js';
import { OID, signatureOidOf } from './profile.js';

/** A CSR whose self-signature verified. */
export interface ParsedCsr {
  /** DER of the request. */
  readonly der: Uint8Array;
  /** The requested (and proven) public key. */
  readonly publicKey: PublicKey;
  /** O, OU and CN of the requested subject as written (any string type), when present. */
  readonly subject: { readonly org?: string; readonly unit?: string; readonly name?: string };
}

const CSR_LABEL = 'CERTIFICATE REQUEST';

/** First value of each of O, OU, CN in a Name (any DirectoryString type), leniently. */
function subjectOf(name: Name): ParsedCsr['subject'] {
  const out: { org?: string; unit?: string; name?: string } = {};
  const field = {
    [OID.organizationName]: 'org',
    [OID.organizationalUnitName]: 'unit',
    [OID.commonName]: 'name',
  } as const;
  for (const rdn of name) {
    for (const atv of rdn) {
      const key = field[atv.type as keyof typeof field];
      if (key === undefined || out[key] !== undefined) continue;
      const text = atv.value.toString();
      if (typeof text === 'string' && text.length > 0) out[key] = text;
    }
  }
  return out;
}

/**
 * Parses a PKCS#10 CSR (PEM "CERTIFICATE REQUEST" or DER) of the chain's suite and verifies its
 * self-signature. Throws PKI_MALFORMED (not a canonical DER CSR), PKI_WRONG_SUITE (key or
 * signature of the other suite), PKI_PROFILE (another algorithm, version ≠ v1) or
 * PKI_BAD_SIGNATURE (the self-signature does not verify).
 */
export function parseCsr(input: Uint8Array | string, suite: CryptoSuite): ParsedCsr {
  const der = new Uint8Array(derOf(input, CSR_LABEL));
  const csr = parseStrict(der, CertificationRequest, 'certificate request');
  const info = csr.certificationRequestInfo;
  if (info.version !== 0) {
    throw pkiError('PKI_PROFILE', 'certificate request version must be v1 (0)', { reason: 'version' });
  }
  const alg = suiteOfSignature(csr.signatureAlgorithm);
  if (alg === undefined) {
    throw pkiError('PKI_PROFILE', 'certificate request signature must be SM2-with-SM3 or Ed25519', {
      reason: 'signatureAlgorithm',
      algorithm: csr.signatureAlgorithm.algorithm,
    });
  }
  if (alg !== suite.id) {
    throw pkiError('PKI_WRONG_SUITE', `a ${alg} certificate request on a ${suite.id} chain`, {
      expected: suite.id,
      actual: alg,
    });
  }
  const publicKey = readPublicKey(info.subjectPKInfo, suite);
  const sigBytes = bytesOf(csr.signature);
  let signature: Uint8Array;
  try {
    signature = suite.id === 'gm' ? sm2SignatureFromDer(sigBytes) : sigBytes;
  } catch (e) {
    throw pkiError('PKI_MALFORMED', 'the SM2 signature is not DER SEQUENCE{r, s}', { what: 'signature' }, e);
  }
  const signed =
    csr.certificationRequestInfoRaw === undefined
      ? serialize(info)
      : bytesOf(csr.certificationRequestInfoRaw);
  let ok = false;
  try {
    ok = suite.verify(publicKey, signed, signature);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw pkiError(
      'PKI_BAD_SIGNATURE',
      suite.id === 'gm'
        ? 'the certificate request self-signature does not verify (SM2 with the default ID 1234567812345678: openssl req -sigopt distid:1234567812345678)'
        : 'the certificate request self-signature does not verify',
      { which: 'csr' },
    );
  }
  return { der, publicKey, subject: subjectOf(info.subject) };
}

/** Builds a PKCS#10 CSR signed by `key` (subject O/OU/CN in UTF8String), DER. */
export function createCsr(opts: {
  readonly suite: CryptoSuite;
  readonly key: PrivateKey;
  readonly subject: { readonly org: string; readonly unit: string; readonly name: string };
}): Uint8Array {
  const { suite, key } = opts;
  const info = new CertificationRequestInfo({
    version: 0,
    subject: encodeName(opts.subject as Parameters<typeof encodeName>[0]),
    subjectPKInfo: spkiOf(key.publicKey),
    attributes: new Attributes(),
  });
  const signed = serialize(info);
  const raw = suite.sign(key, signed);
  const signature = suite.id === 'gm' ? sm2SignatureToDer(raw) : raw;
  return serialize(
    new CertificationRequest({
      certificationRequestInfo: info,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: signatureOidOf(suite.id) }),
      signature: bufferOf(signature),
    }),
  );
}
