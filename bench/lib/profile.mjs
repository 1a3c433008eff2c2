// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per package.

/** Package of a script URL: `packages/<name>`, `node_modules/<name>`, `node:<area>` or a V8 category. */
function areaOf(url, functionName) {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const m = /\/(packages\/(?:modules\/)?[^/]+|node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m !== null) return m[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

/**
 * Where a node main-thread sample belongs, by the source files on its stack (first rule that
 * matches; resumed async functions keep their own frames): the phases of handling a tx in
 * @xinlian/node.
 */
const CATEGORIES = [
  ['garbage collection', (names) => names[0] === '(garbage collector)'],
  ['store commit (lmdb write transaction)', (names) => names.includes('executeTxnCallbacks')],
  [
    'startup (key file, module loading)',
    (names, urls) => names.includes('startNode') || urls.some((u) => u.startsWith('node:internal/modules')),
  ],
  [
    'block production (execute, Merkle roots, certify)',
    (_, urls) => urls.some(has('node/dist/src/producer')),
  ],
  ['admission (decode, checkTx, mempool)', (_, urls) => urls.some(has('node/dist/src/admission'))],
  [
    'signature dispatch to verifier workers',
    (_, urls) => urls.some((u) => u.includes('verify-batcher') || u.includes('crypto/dist/src/pool')),
  ],
  ['API reads (status, blocks, receipts)', (_, urls) => urls.some(has('node/dist/src/service'))],
  ['HTTP + JSON (parse, route, reply, sockets)', (_, urls) => urls.some((u) => HTTP_RE.test(u))],
];
const has = (part) => (url) => url.includes(part);
const HTTP_RE =
  /node_modules\/(fastify|find-my-way|avvio)\/|node:_http|node:net|stream_base|node:internal\/streams/;

/**
 * Self time of the profile's samples: `{ totalMs, idlePercent, top: [{ name, location, selfMs,
 * percent }], areas: [{ area, selfMs, percent }], categories: [{ category, ms, percent }] }`, highest first (percent of busy time).
 */
export function summarizeProfile(profile, limit = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fns = new Map();
  const areas = new Map();
  const categories = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(profile.samples[i])?.callFrame;
    if (frame === undefined) continue;
    total += dt;
    if (frame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const file = frame.url.replace(/^file:\/\/.*?\/(node_modules|packages)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'}\t${file}:${frame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const names = [];
    const urls = [];
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      names.push(f.functionName);
      urls.push(f.url);
    }
    const category = CATEGORIES.find(([, match]) => match(names, urls))?.[0] ?? 'other';
    categories.set(category, (categories.get(category) ?? 0) + dt);
  }
  const busy = total - idle;
  const pct = (ms) => Math.round((ms / busy) * 1000) / 10;
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  return {
    totalMs: Math.round(total),
    idlePercent: Math.round((idle / total) * 1000) / 10,
    top: sorted(fns).map(([key, ms]) => {
      const [name, location] = key.split('\t');
      return { name, location, selfMs: Math.round(ms), percent: pct(ms) };
    }),
    areas: sorted(areas).map(([area, ms]) => ({ area, selfMs: Math.round(ms), percent: pct(ms) })),
    categories: sorted(categories).map(([category, ms]) => ({
      category,
      ms: Math.round(ms),
      percent: pct(ms),
    })),
  };
}
