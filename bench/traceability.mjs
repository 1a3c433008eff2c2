// Traceability (EPCIS 2.0) benchmark: capture throughput (events/s) through POST /epcis/capture and
// query latency of GET /epcis/events, against a real single-validator node started in this process,
// plus the per-event CPU cost of validation and of the CBV 2.0 hash.
// Usage: npm run build && node bench/traceability.mjs [--events 20000] [--per-doc 500] [--queries 200] [--json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEpcisValidator, eventHash } from '@xinlian/module-traceability';
import { initHome, startNode } from '@xinlian/node';
import { environment, formatEnvironment } from './lib/env.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    'per-doc': { type: 'string', default: '500' },
    queries: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const PER_DOC = Number(values['per-doc']);
const QUERIES = Number(values.queries);
const CONCURRENCY = Number(values.concurrency);
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { acme: 'https://acme.example/epcis/' },
];
const STEPS = ['commissioning', 'packing', 'shipping', 'receiving', 'inspecting', 'retail_selling'];

/** A realistic ObjectEvent: 4 EPCs, read point, biz location, a transaction, a sensor report, an extension. */
function event(i) {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  return {
    type: 'ObjectEvent',
    eventTime: t,
    eventTimeZoneOffset: '+08:00',
    action: i % 6 === 0 ? 'ADD' : 'OBSERVE',
    bizStep: STEPS[i % STEPS.length],
    disposition: 'in_progress',
    epcList: [0, 1, 2, 3].map(
      (k) => `urn:epc:id:sgtin:6901234.0${String(10000 + (i % 500)).slice(-5)}.${i * 4 + k}`,
    ),
    readPoint: { id: `urn:epc:id:sgln:6901234.00001.${i % 20}` },
    bizLocation: { id: 'urn:epc:id:sgln:6901234.00001.0' },
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:6901234000004:PO${i % 100}` }],
    sensorElementList: [
      {
        sensorMetadata: { time: t },
        sensorReport: [{ type: 'Temperature', value: 4.5 + (i % 10) / 10, uom: 'CEL' }],
      },
    ],
    'acme:batch': `B${i % 50}`,
  };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (ns) => Number(ns) / 1e6;

async function main() {
  const env = environment(ROOT);
  const startedAt = new Date();
  if (!values.json) {
    console.log('Xinlian traceability benchmark (EPCIS 2.0 capture and query)');
    for (const line of formatEnvironment(env)) console.log(line);
  }
  const out = { events: EVENTS, perDoc: PER_DOC, concurrency: CONCURRENCY };
  // 1. Per-event CPU cost of validation and hashing (in process, one core).
  const validator = createEpcisValidator();
  const sample = Array.from({ length: 2000 }, (_, i) => ({ '@context': CONTEXT, ...event(i) }));
  let t0 = process.hrtime.bigint();
  for (const e of sample) if (validator.validate(e).length > 0) throw new Error('sample event invalid');
  out.validateUsPerEvent = Math.round((ms(process.hrtime.bigint() - t0) * 1000) / sample.length);
  t0 = process.hrtime.bigint();
  for (const e of sample) eventHash(e);
  out.hashUsPerEvent = Math.round((ms(process.hrtime.bigint() - t0) * 1000) / sample.length);

  // The bound: validation and the CBV hash are the per-event work every capture must do; spread over
  // all cores they give the most events/s this machine could capture if nothing else cost anything.
  out.boundEventsPerSecond = Math.round((env.cores * 1e6) / (out.validateUsPerEvent + out.hashUsPerEvent));

  // 2. Capture throughput through the REST binding (the node validates, signs, executes, commits).
  const home = await mkdtemp(join(tmpdir(), 'xinlian-bench-trace-'));
  let node;
  try {
    await initHome({ home, suite: 'intl', passphrase: 'bench', apiPort: 0, blockIntervalMs: 50 });
    node = await startNode({ home, passphrase: 'bench', logLevel: 'silent' });
    const api = `${node.apiUrl}/epcis`;
    const docs = [];
    for (let i = 0; i < EVENTS; i += PER_DOC) {
      docs.push({
        '@context': CONTEXT,
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-01-01T00:00:00Z',
        epcisBody: {
          eventList: Array.from({ length: Math.min(PER_DOC, EVENTS - i) }, (_, k) => event(i + k)),
        },
      });
    }
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let next = 0;
    let captured = 0;
    const worker = async () => {
      while (next < docs.length) {
        const doc = docs[next++];
        const res = await fetch(`${api}/capture`, {
          method: 'POST',
          headers: { 'content-type': 'application/ld+json', 'GS1-Capture-Error-Behaviour': 'proceed' },
          body: JSON.stringify(doc),
        });
        if (res.status !== 202) throw new Error(`capture: ${res.status} ${await res.text()}`);
        const { captureID } = await res.json();
        for (;;) {
          const job = await (await fetch(`${api}/capture/${captureID}`)).json();
          if (!job.running) {
            if (!job.success)
              throw new Error(`capture job failed: ${JSON.stringify(job.errors.slice(0, 3))}`);
            captured += job.eventIDs.length;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    out.captured = captured;
    out.captureSeconds = Number(seconds.toFixed(2));
    out.captureEventsPerSecond = Math.round(captured / seconds);
    out.captureCpuUsPerEvent = Math.round((cpu.user + cpu.system) / captured);

    // 3. Query latency (sequential requests, each answering an EPCISQueryDocument).
    const kinds = {
      'MATCH_epc (index)': (i) => {
        const j = (i * 37) % EVENTS;
        return `MATCH_epc=${encodeURIComponent(`urn:epc:id:sgtin:6901234.0${String(10000 + (j % 500)).slice(-5)}.${j * 4}`)}`;
      },
      'MATCH_epc pattern, perPage=30': (i) =>
        `MATCH_epc=${encodeURIComponent(`urn:epc:idpat:sgtin:6901234.0${String(10000 + (i % 500)).slice(-5)}.*`)}&perPage=30`,
      'EQ_bizStep, perPage=30 (scan)': (i) => `EQ_bizStep=${STEPS[i % STEPS.length]}&perPage=30`,
      'GE/LT_eventTime, eventType (time index)': (i) => {
        const from = new Date(Date.UTC(2026, 0, 1) + ((i * 997) % EVENTS) * 1000).toISOString();
        const to = new Date(Date.parse(from) + 60_000).toISOString();
        return `eventType=ObjectEvent&GE_eventTime=${from}&LT_eventTime=${to}&perPage=100`;
      },
    };
    out.queries = {};
    for (const [name, qs] of Object.entries(kinds)) {
      const lat = [];
      let returned = 0;
      for (let i = 0; i < QUERIES; i++) {
        const s = performance.now();
        const res = await fetch(`${api}/events?${qs(i)}`);
        const doc = await res.json();
        lat.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(doc)}`);
        returned += doc.epcisBody.queryResults.resultsBody.eventList.length;
      }
      lat.sort((a, b) => a - b);
      out.queries[name] = {
        p50Ms: Number(pct(lat, 50).toFixed(2)),
        p99Ms: Number(pct(lat, 99).toFixed(2)),
        avgEvents: Number((returned / QUERIES).toFixed(1)),
      };
    }
  } finally {
    await node?.stop();
    await rm(home, { recursive: true, force: true });
  }
  out.captureRatioOfBound = Number((out.captureEventsPerSecond / out.boundEventsPerSecond).toFixed(3));
  const doc = {
    format: 'xinlian-bench-traceability/1',
    startedAt: startedAt.toISOString(),
    command: `node bench/traceability.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    environment: env,
    ...out,
  };
  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `traceability-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  if (values.json) console.log(JSON.stringify(doc, null, 2));
  else {
    console.log(
      `validation ${out.validateUsPerEvent} µs/event, CBV 2.0 hash ${out.hashUsPerEvent} µs/event (one core)`,
    );
    console.log(
      `capture: ${out.captured} events in ${out.captureSeconds} s = ${out.captureEventsPerSecond} events/s ` +
        `(${out.perDoc} per document, ${out.concurrency} concurrent; node CPU ${out.captureCpuUsPerEvent} µs/event)`,
    );
    console.log(
      `bound: validation + hash on ${env.cores} cores = ${out.boundEventsPerSecond} events/s; ` +
        `capture reached ${(out.captureRatioOfBound * 100).toFixed(1)} % of it`,
    );
    for (const [name, q] of Object.entries(out.queries)) {
      console.log(
        `query ${name.padEnd(36)} p50 ${q.p50Ms} ms  p99 ${q.p99Ms} ms  (${q.avgEvents} events/answer)`,
      );
    }
    console.log(`results  ${relative(ROOT, file)}`);
  }
}

await main();
