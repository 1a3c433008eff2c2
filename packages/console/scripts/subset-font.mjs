// Regenerates public/fonts/NotoSansSC-subset.ttf, the CJK font embedded in certificates (存证证书).
//
//   npm pack @expo-google-fonts/noto-sans-sc@0.4.3        # Noto Sans SC, SIL OFL 1.1
//   tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz package/400Regular/NotoSansSC_400Regular.ttf
//   node packages/console/scripts/subset-font.mjs package/400Regular/NotoSansSC_400Regular.ttf
//
// The subset keeps ASCII, Latin-1, the GB 2312 symbol rows (punctuation, full-width forms, pinyin)
// and the 3,755 level-1 hanzi of GB 2312, plus every character of the certificate's own labels:
// ~1.4 MB instead of 10.5 MB. pdf-lib then embeds only the glyphs a certificate uses (a few KB).
// Characters outside the subset are printed as U+XXXX on the certificate (see certificate.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import subsetFont from 'subset-font';

const source = process.argv[2];
if (source === undefined) {
  console.error('usage: node scripts/subset-font.mjs NotoSansSC_400Regular.ttf');
  process.exit(2);
}
const chars = new Set();
for (let c = 0x20; c <= 0x7e; c++) chars.add(String.fromCodePoint(c));
for (let c = 0xa0; c <= 0xff; c++) chars.add(String.fromCodePoint(c));
const gb = new TextDecoder('gb18030');
const rows = [0xa1, 0xa2, 0xa3, 0xa8];
for (let r = 0xb0; r <= 0xd7; r++) rows.push(r);
for (const hi of rows) {
  for (let lo = 0xa1; lo <= 0xfe; lo++) {
    const s = gb.decode(new Uint8Array([hi, lo]));
    if ([...s].length === 1 && s !== '\ufffd') chars.add(s);
  }
}
const labels = readFileSync(new URL('../src/certificate/labels.ts', import.meta.url), 'utf8');
for (const ch of labels) if (ch.codePointAt(0) > 0x7f) chars.add(ch);
const out = await subsetFont(readFileSync(source), [...chars].join(''), { targetFormat: 'sfnt' });
const target = new URL('../public/fonts/NotoSansSC-subset.ttf', import.meta.url);
writeFileSync(target, out);
console.log(`${chars.size} characters, ${out.length} bytes -> ${target.pathname}`);
