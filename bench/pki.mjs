#!/usr/bin/env node
// Certificate micro-benchmark: `node bench/pki.mjs [--n 300]` (after `npm run build`).
// Per suite: issue (build + sign), parse (strict profile parse), verify (parse + path validation
// against one trusted CA). Prints ms per operation and operations per second on one core.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createSuite } from '@xinlian/crypto';
import {
  createCaCertificate,
  issueCertificate,
  parseCertificate,
  verifyMemberCertificate,
} from '@xinlian/pki';

const { values } = parseArgs({ options: { n: { type: 'string', default: '300' } } });
const n = Number(values.n);
const random = (k) => new Uint8Array(randomBytes(k));

function time(label, f) {
  const t = performance.now();
  for (let i = 0; i < n; i++) f(i);
  const ms = (performance.now() - t) / n;
  return `${label} ${ms.toFixed(3)} ms (${Math.round(1000 / ms)}/s)`;
}

for (const id of ['intl', 'gm']) {
  const suite = createSuite(id);
  const key = suite.generateKey();
  const now = new Date();
  const ca = createCaCertificate({ suite, org: 'bench', key, notBefore: now, random });
  const members = Array.from({ length: n }, () => suite.generateKey().publicKey);
  const ders = [];
  const issue = time('issue', (i) =>
    ders.push(
      issueCertificate({
        suite,
        ca: { certificate: ca, key },
        role: 'client',
        name: `member-${i}`,
        publicKey: members[i],
        notBefore: now,
        random,
      }).der,
    ),
  );
  const parse = time('parse', (i) => parseCertificate(ders[i], suite));
  const verify = time('parse+verify', (i) =>
    verifyMemberCertificate(ders[i], { suite, trustedCas: [ca], at: now }),
  );
  console.log(`${id.padEnd(4)}  ${issue}  ${parse}  ${verify}`);
}
