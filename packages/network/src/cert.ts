/**
 * The per-process TLS certificate: ECDSA P-256, self-signed, generated at start. It carries no
 * trust — identity comes from the suite-key Hello bound to the TLS session (see spec/network.md).
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** PEM key and certificate for node:tls. */
export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
}

/** Generates an ephemeral self-signed ECDSA P-256 certificate. */
export async function generateTlsIdentity(): Promise<TlsIdentity> {
  const crypto = webcrypto;
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'),
      name: 'CN=xinlian-node',
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 365 * 86_400_000),
      keys,
      signingAlgorithm: alg,
    },
    crypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { key, cert: cert.toString('pem') };
}
