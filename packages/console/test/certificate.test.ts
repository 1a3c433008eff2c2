import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import type { Receipt } from '@xinlian/schemas';
import * as fontkit from 'fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import QRCode from 'qrcode';
import { certificateFields, certificatePdf, formatTime } from '../src/certificate/certificate.js';

const FONT = new Uint8Array(
  readFileSync(new URL('../../public/fonts/NotoSansSC-subset.ttf', import.meta.url)),
);
const h = (c: string) => c.repeat(64);

/** A receipt shaped like the node's (values are arbitrary: the certificate prints, it does not verify). */
function receipt(record: Record<string, unknown>, anchor?: Receipt['anchor']): Receipt {
  return {
    format: 'xinlian-receipt/1',
    chainId: 'xinlian-test',
    suite: 'gm',
    genesisHash: h('9'),
    subject: { module: 'evidence', digest: { algorithm: 'sm3', value: h('a') }, record },
    ...(anchor === undefined ? {} : { anchor }),
    tx: { bytes: 'AAAA', id: h('b'), leafIndex: 0, treeSize: 1, path: [] },
    result: { bytes: 'AAAA', leafIndex: 0, treeSize: 1, path: [] },
    block: { height: 4321, id: h('c'), header: 'AAAA', certificate: 'AAAA' },
    validatorSet: {
      validators: [
        { name: '北京数据局', publicKey: h('d'), power: 1 },
        { name: 'org-2', publicKey: h('e'), power: 1 },
      ],
      source: 'genesis',
    },
  };
}

const RECORD = {
  id: h('b'),
  kind: 'evidence',
  submitter: '12'.repeat(20),
  height: 4321,
  time: Date.UTC(2026, 0, 2, 3, 4, 5),
  txId: h('b'),
  digests: [{ algorithm: 'sm3', value: h('a') }],
  fileName: '采购合同-扫描件😀.pdf',
  size: 1_234_567,
  mediaType: 'application/pdf',
};
const VERIFY_URL = `https://chain.example.cn/verify?alg=sm3&digest=${h('a')}`;
const ISSUED = Date.UTC(2026, 5, 7, 8, 9, 10);

/** Every text item of every page, concatenated (pdf.js maps glyphs back through ToUnicode). */
async function pdfText(bytes: Uint8Array): Promise<{ text: string; pages: number }> {
  const doc = await getDocument({ data: bytes.slice(), useSystemFonts: false, isEvalSupported: false })
    .promise;
  let text = '';
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ('str' in item) text += item.str;
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { text, pages };
}

/** The decoded content stream of page 1. */
async function contentStream(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  const contents = doc.context.lookup(doc.getPage(0).node.get(PDFName.of('Contents')));
  const streams =
    contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  let out = '';
  for (const s of streams) {
    assert.ok(s instanceof PDFRawStream);
    out += `${Buffer.from(inflateSync(s.contents)).toString('latin1')}\n`;
  }
  return out;
}

/** The embedded (subset) TrueType fonts of a PDF, parsed. */
async function embeddedFonts(bytes: Uint8Array): Promise<fontkit.Font[]> {
  const doc = await PDFDocument.load(bytes);
  const fonts: fontkit.Font[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFDict && obj.get(PDFName.of('Type')) === PDFName.of('FontDescriptor')) {
      const file = doc.context.lookup(obj.get(PDFName.of('FontFile2')));
      assert.ok(file instanceof PDFRawStream);
      fonts.push(fontkit.create(new Uint8Array(inflateSync(file.contents))));
    }
  }
  return fonts;
}

describe('certificate PDF (存证证书)', () => {
  let main: Uint8Array;
  before(async () => {
    main = await certificatePdf(receipt(RECORD), { font: FONT, verifyUrl: VERIFY_URL, issuedAt: ISSUED });
  });
  it('embeds a font subset whose every glyph has its outline (no blank characters)', async () => {
    const pdf = main;
    const fonts = await embeddedFonts(pdf);
    assert.equal(fonts.length, 1);
    const font = fonts[0]!;
    // Glyphs: .notdef, the space, and one per distinct printed character (~200 here).
    assert.ok(font.numGlyphs > 100 && font.numGlyphs < 600, `${font.numGlyphs} glyphs`);
    let empty = 0;
    for (let g = 1; g < font.numGlyphs; g++) if (font.getGlyph(g).path.commands.length === 0) empty++;
    assert.equal(empty, 1, 'only the space glyph is empty');
  });

  it('prints every field of the receipt, in Chinese and English, on one page', async () => {
    const pdf = main;
    assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), '%PDF-');
    const { text, pages } = await pdfText(pdf);
    assert.equal(pages, 1);
    const flat = text.replace(/\s+/g, '');
    for (const want of [
      '存证证书',
      'CertificateofNotarization',
      '存证编号',
      'RecordID',
      '文件摘要',
      `SM3${h('a')}`,
      '区块高度',
      '4321',
      h('c'), // block hash
      h('b'), // tx id / record id
      '12'.repeat(20), // submitter address
      '北京数据局,org-2',
      'xinlian-test',
      h('9'), // genesis hash
      '采购合同-扫描件',
      '1,234,567字节',
      '数据存证Evidence',
      '2026-01-0211:04:05北京时间', // block time in UTC+8
      '2026-01-02T03:04:05.000Z',
      '2026-06-0716:09:10', // issued at, UTC+8
      VERIFY_URL,
      '扫码核验',
    ]) {
      assert.ok(flat.includes(want), `certificate text lacks ${want}`);
    }
    // A character the embedded font cannot draw is printed as its code point, never dropped.
    assert.ok(flat.includes('U+1F600.pdf'), 'unsupported characters are written as U+XXXX');
  });

  it('carries the record in its metadata and embeds only the glyphs it uses', async () => {
    const pdf = main;
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    assert.equal(doc.getTitle(), `存证证书 Certificate of Notarization ${h('b')}`);
    assert.equal(doc.getSubject(), `sm3:${h('a')}`);
    assert.equal(doc.getCreationDate()?.getTime(), ISSUED);
    // The 1.2 MB font is subset to the certificate's glyphs.
    assert.ok(pdf.length < 120_000, `certificate is ${pdf.length} bytes`);
  });

  it('draws the QR code of the verification page as one square per dark module', async () => {
    const pdf = main;
    const ops = await contentStream(pdf);
    // Each module is a filled black square (`0 0 0 rg` … `f`); nothing else on the page is pure black.
    const lines = ops.split('\n').map((l) => l.trim());
    const black = lines.filter((l) => l === '0 0 0 rg').length;
    const white = lines.filter((l) => l === '1 1 1 rg').length;
    const qr = QRCode.create(VERIFY_URL, { errorCorrectionLevel: 'M' });
    let dark = 0;
    for (let r = 0; r < qr.modules.size; r++)
      for (let c = 0; c < qr.modules.size; c++) if (qr.modules.get(r, c)) dark++;
    assert.ok(dark > 100);
    assert.equal(black, dark);
    assert.equal(white, 1, 'one white quiet-zone background');
    // A different URL gives a different code.
    const other = await contentStream(
      await certificatePdf(receipt(RECORD), { font: FONT, verifyUrl: `${VERIFY_URL}x`, issuedAt: ISSUED }),
    );
    assert.notEqual(other, ops);
  });

  it('is deterministic for the same inputs', async () => {
    const again = await certificatePdf(receipt(RECORD), {
      font: FONT,
      verifyUrl: VERIFY_URL,
      issuedAt: ISSUED,
    });
    assert.deepEqual(again, main);
  });

  it('prints batch anchoring and works without a record', async () => {
    const anchored = receipt({}, { batchRoot: h('f'), leafIndex: 7, treeSize: 1000, path: [h('1')] });
    const fields = certificateFields(anchored, ISSUED);
    const labels = fields.map((f) => f.label.en);
    assert.ok(labels.includes('Batch anchor'));
    assert.ok(!labels.includes('File name'));
    // Without a record, the record ID is the transaction ID.
    assert.equal(fields[0]!.value, h('b'));
    const { text } = await pdfText(
      await certificatePdf(anchored, { font: FONT, verifyUrl: VERIFY_URL, issuedAt: ISSUED }),
    );
    const flat = text.replace(/\s+/g, '');
    assert.ok(flat.includes(h('f')));
    assert.ok(flat.includes('leaf7'));
    assert.ok(flat.includes('of1000'));
  });

  it('formats times at a fixed offset, independent of the local time zone', () => {
    assert.equal(formatTime(Date.UTC(2026, 11, 31, 20, 0, 0), 8), '2027-01-01 04:00:00');
    assert.equal(formatTime(0, 0), '1970-01-01 00:00:00');
  });
});
