import type { Receipt } from '@xinlian/schemas';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import { fontkitForPdfLib } from './fontkit-adapter.js';
import { CERTIFICATE_LABELS as L } from './labels.js';

/**
 * The certificate of notarization (存证证书): a pure function from a receipt (xinlian-receipt/1) to
 * PDF bytes. No I/O: the caller passes the font (public/fonts/NotoSansSC-subset.ttf), the URL of the
 * public verification page (put in the QR code) and the issue time. The same inputs give the same
 * PDF bytes (the document dates are pinned to `issuedAt`).
 */
export interface CertificateOptions {
  /** TrueType/OpenType bytes of a CJK-capable font; only the glyphs used are embedded. */
  readonly font: Uint8Array;
  /** Public verification page for this record (encoded in the QR code and printed under it). */
  readonly verifyUrl: string;
  /** When the certificate is issued, ms since epoch (printed; also the PDF's creation date). */
  readonly issuedAt: number;
}

/** The record fields a certificate prints (spec/evidence.md); every one optional in a receipt. */
interface RecordFields {
  id?: unknown;
  kind?: unknown;
  submitter?: unknown;
  time?: unknown;
  fileName?: unknown;
  size?: unknown;
  mediaType?: unknown;
  digests?: unknown;
  work?: unknown;
  owner?: unknown;
}

/** One printed line: a bilingual label and its value (wrapped when long). */
export interface CertificateField {
  readonly label: { readonly zh: string; readonly en: string };
  readonly value: string;
  /** Hashes and IDs are printed smaller so a 64-hex value fits on one line. */
  readonly mono?: boolean;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:mm:ss` of a time in ms at a fixed offset (no local time zone is read). */
export function formatTime(ms: number, offsetHours: number): string {
  const d = new Date(ms + offsetHours * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Both the Beijing time (UTC+8) and the ISO UTC time of a block time. */
export function formatChinaTime(ms: number): string {
  return `${formatTime(ms, 8)} ${L.beijingTime.zh} (${new Date(ms).toISOString()})`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The fields of the certificate of a receipt, in print order. Exported for tests and the receipt view. */
export function certificateFields(receipt: Receipt, issuedAt: number): CertificateField[] {
  const record = (
    typeof receipt.subject.record === 'object' && receipt.subject.record !== null
      ? receipt.subject.record
      : {}
  ) as RecordFields;
  const out: CertificateField[] = [];
  const add = (label: CertificateField['label'], value: string | undefined, mono = false) => {
    if (value !== undefined) out.push(mono ? { label, value, mono } : { label, value });
  };
  add(L.recordId, str(record.id) ?? receipt.tx.id, true);
  const kind = str(record.kind);
  if (kind !== undefined) {
    const k = (L.kinds as Record<string, { zh: string; en: string }>)[kind];
    add(L.kind, k === undefined ? kind : `${k.zh} ${k.en}`);
  }
  add(L.fileName, str(record.fileName));
  const size = num(record.size);
  if (size !== undefined) add(L.size, `${size.toLocaleString('en-US')} ${L.bytes.zh} / bytes`);
  add(L.mediaType, str(record.mediaType));
  const d = receipt.subject.digest;
  add(L.digest, `${d.algorithm.toUpperCase()} ${d.value}`, true);
  if (receipt.anchor !== undefined) {
    const a = receipt.anchor;
    add(L.batch, `${a.batchRoot} (${L.leafOf.zh} leaf ${a.leafIndex} / ${L.of.zh} of ${a.treeSize})`, true);
  }
  const time = num(record.time);
  if (time !== undefined) add(L.time, formatChinaTime(time));
  add(L.height, String(receipt.block.height));
  add(L.blockId, receipt.block.id, true);
  add(L.txId, receipt.tx.id, true);
  add(L.signer, str(record.submitter), true);
  add(L.validators, receipt.validatorSet.validators.map((v) => v.name).join(', '));
  add(L.chain, receipt.chainId);
  add(L.suite, receipt.suite === 'gm' ? `${L.suiteGm.zh} / ${L.suiteGm.en}` : L.suiteIntl.en);
  add(L.genesisHash, receipt.genesisHash, true);
  add(L.issuedAt, formatChinaTime(issuedAt));
  return out;
}

const INK = rgb(0.13, 0.13, 0.16);
const MUTED = rgb(0.38, 0.38, 0.44);
const RED = rgb(0.7, 0.15, 0.12);

/** Replaces characters the font cannot draw by `U+XXXX`, so no text is silently lost. */
function drawable(text: string, supported: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += supported.has(cp) ? ch : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** Greedy line breaking by measured width (breaks anywhere: CJK text and hex have no spaces). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line !== '' && font.widthOfTextAtSize(line + ch, size) > width) {
      // Prefer breaking after the last space when the line has one late enough.
      const sp = line.lastIndexOf(' ');
      if (sp > line.length * 0.6) {
        lines.push(line.slice(0, sp));
        line = line.slice(sp + 1) + ch;
        continue;
      }
      lines.push(line);
      line = ch === ' ' ? '' : ch;
    } else line += ch;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) {
        page.drawRectangle({
          x: x + (c + quiet) * cell,
          y: y + size - (r + quiet + 1) * cell,
          width: cell,
          height: cell,
          color: rgb(0, 0, 0),
        });
      }
    }
  }
}

/** Renders the certificate of `receipt` as a one-page A4 PDF. */
export async function certificatePdf(receipt: Receipt, opts: CertificateOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkitForPdfLib);
  const font = await doc.embedFont(opts.font, { subset: true });
  const supported = new Set(font.getCharacterSet());
  const issued = new Date(opts.issuedAt);
  doc.setTitle(`${L.title.zh} ${L.title.en} ${receipt.tx.id}`);
  doc.setSubject(`${receipt.subject.digest.algorithm}:${receipt.subject.digest.value}`);
  doc.setAuthor(`Xinlian ${receipt.chainId}`);
  doc.setCreator('Xinlian console');
  doc.setProducer('Xinlian console (pdf-lib)');
  doc.setKeywords(['xinlian-receipt/1', receipt.tx.id, receipt.block.id]);
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const page = doc.addPage([595.28, 841.89]);
  const { width, height } = page.getSize();
  const margin = 48;
  const text = (s: string, x: number, y: number, size: number, color = INK) =>
    page.drawText(drawable(s, supported), { x, y, size, font, color });

  // Frame and title.
  page.drawRectangle({
    x: 24,
    y: 24,
    width: width - 48,
    height: height - 48,
    borderColor: RED,
    borderWidth: 2,
  });
  page.drawRectangle({
    x: 30,
    y: 30,
    width: width - 60,
    height: height - 60,
    borderColor: RED,
    borderWidth: 0.5,
  });
  let y = height - 90;
  const title = L.title.zh;
  const tw = font.widthOfTextAtSize(title, 30);
  text(title, (width - tw) / 2, y, 30, RED);
  y -= 26;
  const sub = L.title.en;
  text(sub, (width - font.widthOfTextAtSize(sub, 14)) / 2, y, 14, MUTED);
  y -= 30;
  for (const [s, size, color] of [
    [L.intro.zh, 10.5, INK],
    [L.intro.en, 9, MUTED],
  ] as const) {
    for (const line of wrap(drawable(s, supported), font, size, width - 2 * margin)) {
      text(line, margin, y, size, color);
      y -= size + 5;
    }
  }
  y -= 10;

  // Fields: label column (zh over en), value column.
  const labelW = 120;
  const valueX = margin + labelW;
  const valueW = width - margin - valueX;
  for (const f of certificateFields(receipt, opts.issuedAt)) {
    const size = f.mono ? 8.5 : 10;
    const lines = wrap(drawable(f.value, supported), font, size, valueW);
    const top = y;
    text(f.label.zh, margin, y, 10);
    text(f.label.en, margin, y - 11, 7.5, MUTED);
    for (const line of lines) {
      text(line, valueX, y, size);
      y -= size + 4;
    }
    y = Math.min(y, top - 22) - 6;
    page.drawLine({
      start: { x: margin, y: y + 8 },
      end: { x: width - margin, y: y + 8 },
      thickness: 0.3,
      color: rgb(0.85, 0.85, 0.88),
    });
  }

  // QR code to the verification page, with the URL printed under it.
  const qrSize = 110;
  const qrY = Math.max(70, Math.min(y - qrSize - 10, 150));
  drawQr(page, opts.verifyUrl, margin, qrY, qrSize);
  const noteX = margin + qrSize + 16;
  const noteW = width - margin - noteX;
  let ny = qrY + qrSize - 12;
  text(`${L.verify.zh} ${L.verify.en}`, noteX, ny, 11, RED);
  ny -= 16;
  for (const line of wrap(opts.verifyUrl, font, 8, noteW)) {
    text(line, noteX, ny, 8, INK);
    ny -= 11;
  }
  ny -= 4;
  for (const [s, size] of [
    [L.howTo.zh, 8.5],
    [L.howTo.en, 7.5],
  ] as const) {
    for (const line of wrap(drawable(s, supported), font, size, noteW)) {
      text(line, noteX, ny, size, MUTED);
      ny -= size + 3;
    }
  }
  return doc.save({ useObjectStreams: false });
}
