#!/usr/bin/env node
// Checks the layout of style.md over node/src: imports point down only; the rooms (exchange/,
// screening/) reach the store only through their own store modules and each other only for types;
// http never touches the store; SQL only in store/; node-forge only in crypto/, jose nowhere; each piece
// of state has its one writer; and no import cycles.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'node', 'src');
const below = ['core', 'policy', 'store', 'crypto', 'domain', 'schema', 'config', 'log.ts'];
const rooms = ['exchange', 'screening', 'services', 'interop'];
// the exercise controller: a client of the nodes' operator APIs, beside cli (which alone uses it); it
// reaches a node only over HTTP, so none of the rooms or the store, and of the console only its charts
const exerciseMayUse = ['core', 'crypto', 'domain', 'schema', 'console'];
// what each layer may import besides itself (`main → app → {http, cli} → rooms → core → … → {domain, schema}`)
const allowed = {
  'main.ts': ['app.ts', 'config', 'log.ts'],
  'app.ts': ['*'],
  cli: ['main.ts', 'exercise', ...rooms, ...below],
  exercise: exerciseMayUse,
  http: [...rooms, ...below.filter((l) => l !== 'store')],
  // the web console sits beside http; it reaches the rooms only through console/deps.ts (checked below)
  console: [...rooms, ...below.filter((l) => l !== 'store')],
  exchange: below,
  screening: below,
  services: below,
  core: ['policy', 'store', 'crypto', 'domain', 'schema', 'config', 'log.ts'],
  interop: below,
  policy: ['domain', 'schema'],
  store: ['domain', 'schema'],
  crypto: ['domain', 'schema'],
  config: ['domain', 'schema'],
  domain: ['schema'],
  schema: ['domain'],
  'log.ts': [],
};
// a room's own store modules: the only part of store/ it may import
const ownStore = {
  exchange: ['store/exchange.ts', 'store/partners.ts', 'store/alerts.ts'],
  screening: ['store/screening.ts', 'store/reference-lists.ts'],
};
// who may write which state: a call pattern, and the files allowed to make it
const writers = [
  {
    state: 'outbound stream state',
    call: /\.\s*(createOutStream|updateOutStream|insertRelease|setHolding|dropHolding|clearHoldings|addEmbargo|dropEmbargo|insertReceipt|setReanchorEvidence|recordAnnouncement)\s*\(/,
    owners: ['exchange/outbound/'],
  },
  {
    state: 'inbound stream state',
    call: /\.\s*(ensureInStream|updateInStream|insertInbound|insertStatementIn)\s*\(/,
    owners: ['exchange/inbound/'],
  },
  {
    state: 'the node identity',
    call: /\bidentity\s*\.\s*(useKeyFile|usePendingTls|useTls)\s*\(/,
    owners: ['services/keys.ts', 'core/identity.ts'],
  },
];

const problems = [];
const graph = new Map();

function walk(dir) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') || p.endsWith('.tsx')) check(p);
  }
}

const layerOf = (rel) => rel.split('/')[0];

function check(file) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file);
  const layer = layerOf(rel);
  const edges = [];
  for (const m of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gms,
  )) {
    const spec = m[3] ?? m[4];
    const typeOnly = !!m[2];
    if (spec === 'jose' || spec.startsWith('jose/')) {
      problems.push(`${rel}: imports ${spec} (a devDependency: the tests' independent verifier)`);
      continue;
    }
    if (spec === 'node-forge') {
      if (layer !== 'crypto') problems.push(`${rel}: imports ${spec} (only crypto/ may)`);
      continue;
    }
    if (spec === 'better-sqlite3' && layer !== 'store')
      problems.push(`${rel}: imports better-sqlite3 (only store/ may)`);
    if (!spec.startsWith('.')) continue;
    const target = relative(root, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
    const tLayer = layerOf(target);
    if (!typeOnly) edges.push(target);
    if (tLayer === layer) continue;
    const ok = allowed[layer];
    if (!ok) {
      problems.push(`${rel}: ${layer} is not a layer of style.md`);
      continue;
    }
    if (layer === 'exercise' && tLayer === 'console' && target !== 'console/charts.ts') {
      problems.push(`${rel}: the exercise controller uses the console's charts only (${spec})`);
      continue;
    }
    if (layer === 'console' && rooms.includes(tLayer) && rel !== 'console/deps.ts') {
      problems.push(`${rel}: the console reaches ${tLayer} only through console/deps.ts (${spec})`);
      continue;
    }
    if (rooms.includes(layer) && rooms.includes(tLayer)) {
      if (!typeOnly)
        problems.push(
          `${rel}: ${layer} imports ${tLayer} (${spec}); rooms share types only, and talk through interfaces wired in app.ts`,
        );
      continue;
    }
    if (!ok.includes('*') && !ok.includes(tLayer)) {
      problems.push(`${rel}: ${layer} must not import ${tLayer} (${spec})`);
      continue;
    }
    if (tLayer === 'store' && ownStore[layer] && !ownStore[layer].includes(target)) {
      problems.push(`${rel}: ${layer} reaches the store only through ${ownStore[layer].join(', ')} (${spec})`);
    }
  }
  graph.set(rel, edges);
  if (
    layer !== 'store' &&
    /\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b/.test(text)
  ) {
    problems.push(`${rel}: SQL outside store/`);
  }
  for (const w of writers) {
    if (layer === 'store' || w.owners.some((o) => rel.startsWith(o))) continue;
    const m = w.call.exec(text);
    if (m) problems.push(`${rel}: writes ${w.state} (${m[1]}); only ${w.owners.join(', ')} may`);
  }
}

/** Import cycles between modules (runtime imports; `import type` erases). */
function cycles() {
  const state = new Map();
  const stack = [];
  const found = [];
  const visit = (n) => {
    state.set(n, 'open');
    stack.push(n);
    for (const t of graph.get(n) ?? []) {
      if (!graph.has(t)) continue;
      if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t].join(' → '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return found;
}

walk(root);
for (const c of cycles()) problems.push(`import cycle: ${c}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('layering ok');
