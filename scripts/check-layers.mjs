#!/usr/bin/env node
// Checks the layering of style.md: imports point down only, SQL only in store/, jose and node-forge
// only in crypto/.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'node', 'src');
// what each layer may import (besides itself)
const allowed = {
  'main.ts': ['app.ts', 'config', 'log.ts', '*'],
  'app.ts': ['*'],
  cli: ['config', 'services', 'screening', 'crypto', 'domain', 'schema', 'main.ts', 'app.ts', 'log.ts', 'store'],
  http: ['services', 'screening', 'domain', 'schema', 'crypto', 'log.ts', 'store', 'config', 'policy'],
  sync: ['services', 'domain', 'schema', 'crypto', 'log.ts', 'store', 'policy', 'config'],
  // screening: the capability room of name matching (style.md); its SQL is in store/, and of the
  // services it uses only the core ones (audit, clock); never http
  screening: ['store', 'crypto', 'domain', 'schema', 'services', 'core', 'log.ts'],
  services: ['policy', 'store', 'crypto', 'domain', 'schema', 'config', 'log.ts', 'sync-types'],
  policy: ['domain', 'schema'],
  store: ['domain', 'schema'],
  crypto: ['domain', 'schema'],
  config: ['schema', 'domain'],
  domain: ['schema'],
  schema: ['domain'],
  'log.ts': [],
};
const problems = [];
function walk(dir) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) check(p);
  }
}
function layerOf(file) {
  const rel = relative(root, file);
  const first = rel.split('/')[0];
  return first;
}
function check(file) {
  const text = readFileSync(file, 'utf8');
  const layer = layerOf(file);
  const rel = relative(root, file);
  for (const m of text.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[1];
    if (spec === 'jose' || spec === 'node-forge' || spec.startsWith('jose/')) {
      if (layer !== 'crypto') problems.push(`${rel}: imports ${spec} (only crypto/ may)`);
      continue;
    }
    if (spec === 'better-sqlite3' && layer !== 'store') problems.push(`${rel}: imports better-sqlite3 (only store/ may)`);
    if (!spec.startsWith('.')) continue;
    const target = relative(root, resolve(dirname(file), spec));
    const tLayer = target.split('/')[0].replace(/\.js$/, '.ts');
    if (tLayer === layer) continue;
    const ok = allowed[layer];
    if (!ok) continue;
    if (ok.includes('*') || ok.includes(tLayer)) continue;
    problems.push(`${rel}: ${layer} must not import ${tLayer} (${spec})`);
  }
  if (layer !== 'store' && /\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b/.test(text)) {
    problems.push(`${rel}: SQL outside store/`);
  }
}
walk(root);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('layering ok');
