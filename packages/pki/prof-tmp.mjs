import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { createSuite } from '@xinlian/crypto';
import * as pki from '@xinlian/pki';

const suite = createSuite('intl');
const random = (n) => new Uint8Array(randomBytes(n));
const caKey = suite.generateKey();
const now = new Date();
const ca = pki.createCaCertificate({ suite, org: 'acme', key: caKey, notBefore: now, random });
const d = pki.issueCertificate({
  suite,
  ca: { certificate: ca, key: caKey },
  role: 'client',
  name: `c`,
  publicKey: suite.generateKey().publicKey,
  notBefore: now,
  random,
}).der;
const N = 500;
let t = performance.now();
let c;
for (let i = 0; i < N; i++) c = AsnConvert.parse(d, Certificate);
console.log('asn parse', ((performance.now() - t) / N).toFixed(3));
t = performance.now();
for (let i = 0; i < N; i++) AsnConvert.serialize(c);
console.log('asn serialize', ((performance.now() - t) / N).toFixed(3));
t = performance.now();
for (let i = 0; i < N; i++) pki.parseCertificate(d, suite);
console.log('parseCertificate', ((performance.now() - t) / N).toFixed(3));
