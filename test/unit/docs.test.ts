// docs/operator-api.md lists exactly the operator routes of schemas/openapi.yaml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function openapiRoutes(): Set<string> {
  const text = readFileSync(join(root, 'schemas/openapi.yaml'), 'utf8');
  const out = new Set<string>();
  let path = '';
  for (const line of text.split('\n')) {
    const p = /^ {2}(\/[^:]*):\s*$/.exec(line);
    if (p) {
      path = p[1]!;
      continue;
    }
    if (/^\S/.test(line)) path = '';
    const m = /^ {4}(get|put|post|delete|patch):/.exec(line);
    if (m && path) out.add(`${m[1]!.toUpperCase()} ${path}`);
  }
  return out;
}

describe('docs/operator-api.md', () => {
  it('lists exactly the operator routes of openapi.yaml', () => {
    const doc = readFileSync(join(root, 'docs/operator-api.md'), 'utf8');
    const listed = new Set(
      [...doc.matchAll(/^\| `(GET|PUT|POST|DELETE) (\/[^`]*)` \|/gm)].map((m) => `${m[1]} ${m[2]}`),
    );
    const spec = new Set([...openapiRoutes()].filter((r) => !r.includes(' /v1/')));
    expect([...listed].sort()).toEqual([...spec].sort());
  });
});
