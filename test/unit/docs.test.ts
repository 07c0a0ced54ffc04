// docs/operator-api.md lists exactly the operator routes of schemas/openapi.yaml; links between the
// docs resolve; a citation of a docs/protocol.md or docs/records.md section names a section there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const slug = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** Section numbers of a spec: "6.7" for a heading "### 6.7 Receiver checks", "6" for "## 6. The …". */
function sections(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{2,4} ([0-9]+(?:\.[0-9]+)*)\.? /gm)].map((m) => m[1]!));
}

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'generated' ? [] : files(p, ext);
    return ext.test(name) ? [p] : [];
  });
}

describe('docs links', () => {
  const docs = [join(root, 'README.md'), ...files(join(root, 'docs'), /\.md$/)];
  it('every relative link of README.md and docs/*.md reaches a file, and its #anchor a heading there', () => {
    const broken: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(doc, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^[a-z]+:/.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? join(dirname(doc), path) : doc;
        const where = `${relative(root, doc)}: ${link}`;
        if (!existsSync(target)) broken.push(`${where} (no such file)`);
        else if (anchor && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${where} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('a citation "docs/protocol.md §N" or "docs/records.md §N" names a numbered section of that document', () => {
    const known = {
      protocol: sections(readFileSync(join(root, 'docs/protocol.md'), 'utf8')),
      records: sections(readFileSync(join(root, 'docs/records.md'), 'utf8')),
    };
    const code = /\.(ts|mjs|js|json|yaml|sql)$/;
    const sources = ['node', 'test', 'scripts', 'schemas'].flatMap((d) => files(join(root, d), code));
    const unknown: string[] = [];
    for (const file of [...sources, ...docs]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/docs\/(protocol|records)\.md,? §\s?([0-9]+(?:\.[0-9]+)*)/g)) {
        const doc = m[1] as 'protocol' | 'records';
        if (!known[doc].has(m[2]!)) unknown.push(`${relative(root, file)}: ${m[0]}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
