// Enforces ARCHITECTURE.md's dependency rules:
// - a package depends only on packages below it in LAYERS (so there are no cycles);
// - code imports other packages only through their public entry (no deep imports);
// - every workspace package is listed in LAYERS.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LAYERS = [
  'utils',
  'crypto',
  'pki',
  'codec',
  'store',
  'execution',
  'consensus',
  'network',
  'modules/evidence',
  'modules/governance',
  'modules/traceability',
  'schemas',
  'sdk',
  'console',
  'node',
  'cli',
];
const ALLOWED_SUBPATHS = new Set(['@xinlian/sdk/node', '@xinlian/sdk/client', '@xinlian/crypto/browser']);
const problems = [];
const nameOf = new Map();
for (const dir of LAYERS)
  nameOf.set(dir, JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8')).name);
const rank = new Map(LAYERS.map((d, i) => [nameOf.get(d), i]));

for (const top of readdirSync('packages')) {
  const dirs = top === 'modules' ? readdirSync('packages/modules').map((m) => `modules/${m}`) : [top];
  for (const d of dirs)
    if (!LAYERS.includes(d)) problems.push(`packages/${d} is not listed in scripts/check-deps.mjs LAYERS`);
}

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

for (const dir of LAYERS) {
  const name = nameOf.get(dir);
  const pkg = JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    if (!dep.startsWith('@xinlian/')) continue;
    if (!rank.has(dep)) problems.push(`${name} depends on unknown package ${dep}`);
    else if (rank.get(dep) >= rank.get(name))
      problems.push(`${name} depends on ${dep}, which is not below it`);
  }
  for (const sub of ['src', 'test']) {
    let list = [];
    try {
      list = files(`packages/${dir}/${sub}`);
    } catch {
      continue;
    }
    for (const f of list) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from\s+'(@xinlian\/[^']+)'|import\(\s*'(@xinlian\/[^']+)'\s*\)/g)) {
        const spec = m[1] ?? m[2];
        const base = spec.split('/').slice(0, 2).join('/');
        if (spec !== base && !ALLOWED_SUBPATHS.has(spec)) problems.push(`${f}: deep import ${spec}`);
        if (base !== name && !(pkg.dependencies?.[base] || pkg.devDependencies?.[base])) {
          problems.push(`${f}: imports ${base}, which is not declared in ${name}'s package.json`);
        }
      }
      for (const m of text.matchAll(/from\s+'(\.\.\/[^']*)'/g)) {
        if (/\.\.\/\.\.\/\.\.\//.test(m[1]) || /\.\.\/\.\.\/(?!src\/|test\/)/.test(m[1])) {
          problems.push(`${f}: relative import ${m[1]} leaves the package`);
        }
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`dependency rules violated:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`dependency rules hold for ${LAYERS.length} packages`);
