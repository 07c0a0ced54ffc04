// The API as served: /openapi.json and /openapi.yaml (the generated, self-contained document) and
// the reference page at /docs, whose every asset comes from the node itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
beforeAll(async () => {
  a = await startTestNode('nl-lic-01', { sync: { autoStart: false } });
});
afterAll(() => stopAll());

const root = join(import.meta.dirname, '../..');

describe('the API served', () => {
  it('GET /openapi.json and /openapi.yaml are the generated document, without a token', async () => {
    const doc = JSON.parse(readFileSync(join(root, 'schemas/generated/openapi.json'), 'utf8'));
    const j = await fetch(`${a.node.operatorUrl}/openapi.json`);
    expect(j.status).toBe(200);
    expect(j.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await j.json()).toEqual(doc);
    const y = await fetch(`${a.node.operatorUrl}/openapi.yaml`);
    expect(y.status).toBe(200);
    expect(parse(await y.text())).toEqual(doc);
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#)/); // self-contained
    expect(doc.components.securitySchemes.mutualTLS.type).toBe('mutualTLS');
  });
  it('GET /docs is a page whose scripts and styles all come from this node, under a strict CSP', async () => {
    const r = await fetch(`${a.node.operatorUrl}/docs`);
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const html = await r.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(2);
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//); // no inline script or style, nothing external
    for (const ref of refs) {
      const asset = await fetch(`${a.node.operatorUrl}${ref}`);
      expect(asset.status, ref).toBe(200);
      const text = await asset.text();
      expect(text, ref).not.toMatch(/fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com/);
    }
    const init = await (await fetch(`${a.node.operatorUrl}/docs/init.js`)).text();
    expect(init).toMatch(/url: '\/openapi.json'/);
    expect(init).toMatch(/validatorUrl: null/);
  });
  it('the operator API itself still needs a token', async () => {
    expect((await fetch(`${a.node.operatorUrl}/admin/v1/tokens`)).status).toBe(401);
  });
});
