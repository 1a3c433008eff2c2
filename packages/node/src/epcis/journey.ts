/**
 * The consumer page a GS1 Digital Link (QR code on the product) resolves to: the product's journey
 * in plain language, Chinese or English, each step naming the organization that recorded it and
 * linking to its offline-verifiable receipt. Pure: records in, HTML out (everything escaped).
 */
import type { EventRecord } from '@xinlian/module-traceability';

export type Lang = 'zh' | 'en';

/** Plain-language names of the CBV business steps a consumer is likely to see. */
const STEPS: Readonly<Record<string, { zh: string; en: string }>> = {
  commissioning: { zh: '赋码/生产', en: 'Produced and labelled' },
  inspecting: { zh: '检验检测', en: 'Inspected' },
  sampling: { zh: '抽样', en: 'Sampled' },
  packing: { zh: '装箱', en: 'Packed' },
  unpacking: { zh: '拆箱', en: 'Unpacked' },
  shipping: { zh: '发货', en: 'Shipped' },
  departing: { zh: '离开', en: 'Departed' },
  arriving: { zh: '到达', en: 'Arrived' },
  receiving: { zh: '收货', en: 'Received' },
  transporting: { zh: '运输', en: 'In transport' },
  storing: { zh: '仓储', en: 'Stored' },
  stocking: { zh: '上架', en: 'Stocked' },
  retail_selling: { zh: '零售售出', en: 'Sold' },
  creating_class_instance: { zh: '生产', en: 'Produced' },
  destroying: { zh: '销毁', en: 'Destroyed' },
  sensor_reporting: { zh: '环境监测', en: 'Conditions recorded' },
};
const TYPES: Readonly<Record<string, { zh: string; en: string }>> = {
  TransformationEvent: { zh: '加工（原料→产品）', en: 'Made from ingredients' },
  AggregationEvent: { zh: '装箱/拆箱', en: 'Packed / unpacked' },
  ObjectEvent: { zh: '记录', en: 'Recorded' },
  TransactionEvent: { zh: '交易', en: 'Business transaction' },
  AssociationEvent: { zh: '关联', en: 'Associated' },
};
const TEXT = {
  zh: {
    title: '产品溯源',
    item: '产品标识',
    none: '链上没有这个产品的记录。',
    by: '记录方',
    at: '地点',
    proof: '链上凭证',
    block: '区块',
    note: '每一步都由记录它的机构签名并写入信链区块链；凭证可离线验证（xinlian trace verify）。',
    other: 'English',
  },
  en: {
    title: 'Product journey',
    item: 'Item',
    none: 'Nothing is recorded on chain for this item.',
    by: 'Recorded by',
    at: 'Where',
    proof: 'Proof',
    block: 'block',
    note: 'Each step is signed by the organization that recorded it and written to the Xinlian blockchain; the proof verifies offline (xinlian trace verify).',
    other: '中文',
  },
} as const;

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The step's plain-language name. */
function stepName(event: Record<string, unknown>, lang: Lang): string {
  if (event.type === 'TransformationEvent') return TYPES.TransformationEvent![lang];
  const raw = typeof event.bizStep === 'string' ? event.bizStep : '';
  const term = raw
    .replace(/^urn:epcglobal:cbv:bizstep:/, '')
    .replace(/^https?:\/\/(ref|ns)\.gs1\.org\/cbv\/BizStep-/, '');
  const known = STEPS[term];
  if (known !== undefined) return known[lang];
  const t = TYPES[String(event.type)];
  return t === undefined ? String(event.type) : t[lang];
}

/** The page for `id` from its records (any order; shown by event time). */
export function journeyPage(
  id: string,
  records: readonly EventRecord[],
  lang: Lang,
  selfUrl: string,
): string {
  const t = TEXT[lang];
  const rows = records
    .map((r) => ({ r, e: JSON.parse(r.event) as Record<string, unknown> }))
    .sort((a, b) => Date.parse(String(a.e.eventTime)) - Date.parse(String(b.e.eventTime)))
    .map(({ r, e }) => {
      const where =
        (e.bizLocation as { id?: string } | undefined)?.id ??
        (e.readPoint as { id?: string } | undefined)?.id;
      const receipt = `/epcis/events/${encodeURIComponent(r.eventId)}/receipt`;
      return `<li><time>${esc(e.eventTime)}</time> <strong>${esc(stepName(e, lang))}</strong>
<div>${esc(t.by)}: ${esc(r.org)}${where === undefined ? '' : ` · ${esc(t.at)}: <code>${esc(where)}</code>`}</div>
<div>${esc(t.proof)}: <a href="${esc(receipt)}">${esc(t.block)} ${esc(r.height)}</a></div></li>`;
    })
    .join('\n');
  const other = lang === 'zh' ? 'en' : 'zh';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;line-height:1.5}
ol{padding-left:1.2rem}li{margin:.8rem 0}time{color:#555;font-size:.9em}code{font-size:.85em;word-break:break-all}
.note{color:#555;font-size:.9em}</style></head>
<body><h1>${esc(t.title)}</h1>
<p>${esc(t.item)}: <code>${esc(id)}</code> · <a href="${esc(`${selfUrl}?lang=${other}`)}">${esc(t.other)}</a></p>
${records.length === 0 ? `<p>${esc(t.none)}</p>` : `<ol>\n${rows}\n</ol>`}
<p class="note">${esc(t.note)}</p></body></html>
`;
}
