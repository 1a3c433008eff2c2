import type { Receipt } from '@xinlian/schemas';

/** Where the console serves the certificate font (public/fonts, copied into the build). */
export const CERTIFICATE_FONT_URL = '/fonts/NotoSansSC-subset.ttf';

/** The public verification page of a digest (what the certificate's QR code opens). */
export function verifyUrl(origin: string, algorithm: string, digest: string): string {
  return `${origin}/verify?alg=${encodeURIComponent(algorithm)}&digest=${encodeURIComponent(digest)}`;
}

/** Saves bytes as a file through a temporary object URL. */
export function saveFile(bytes: Uint8Array | string, name: string, type: string): void {
  const blob = new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Builds the certificate PDF of a receipt in the browser. The PDF code and the font load only
 * when a certificate is asked for, so they stay out of the main bundle.
 */
export async function buildCertificate(receipt: Receipt, origin: string): Promise<Uint8Array> {
  const [{ certificatePdf }, font] = await Promise.all([
    import('./certificate.js'),
    fetch(CERTIFICATE_FONT_URL).then(async (r) => new Uint8Array(await r.arrayBuffer())),
  ]);
  return certificatePdf(receipt, {
    font,
    verifyUrl: verifyUrl(origin, receipt.subject.digest.algorithm, receipt.subject.digest.value),
    issuedAt: Date.now(),
  });
}
