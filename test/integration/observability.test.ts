// Issue 7: /metrics (prom-client), JSON logs with request id and principal but no record contents,
// /healthz with database, listeners and skew.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../node/src/log.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll } from '../helpers/nodes.js';

afterAll(stopAll);

describe('observability', () => {
  it('metrics, logs and health across two nodes', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).trim().split('\n'));
        cb();
      },
    });
    const a = await startTestNode('nl-lic-01', {
      sync: { autoStart: false },
      log: createLogger({ level: 'info', name: 'nl-lic-01', destination: sink }),
    });
    const b = await startTestNode('jp-lic-01', { sync: { autoStart: false } });
    await link(a, b, {
      aToB: agreement('agreement-wide', 'jp-lic-01'),
      bToA: agreement('agreement-wide', 'nl-lic-01'),
    });
    const canary = 'CANARY-LOG-77aa';
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { reasonNarrative: canary }));
    await b.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(a, b);
    await push(b, a);
    // metrics need the admin token
    expect((await fetch(a.node.operatorUrl + '/metrics')).status).toBe(401);
    const m = await a.op('GET', '/metrics');
    expect(m.status).toBe(200);
    const text = String(m.body);
    for (const name of [
      'entente_partner_queue_depth',
      'entente_partner_unacknowledged',
      'entente_partner_last_receipt_age_seconds',
      'entente_ingest_items_total',
      'entente_push_errors_total',
      'entente_pull_errors_total',
      'entente_screening_seconds',
      'entente_audit_checkpoint_age_seconds',
      'entente_partner_clock_skew_seconds',
    ]) {
      expect(text, name).toContain(`# TYPE ${name}`);
    }
    expect(text).toMatch(/entente_partner_unacknowledged\{partner="jp-lic-01"\} 0/);
    expect(text).toMatch(/entente_ingest_items_total\{partner="jp-lic-01",outcome="accepted"\} [1-9]/);
    expect(text).not.toContain(canary);
    // logs: one JSON line per request with id, status and who; never contents
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(
      requests.some(
        (r) =>
          r.listener === 'operator' &&
          r.who === 'admin' &&
          r.method === 'POST' &&
          r.status === 201 &&
          typeof r.reqId === 'string',
      ),
    ).toBe(true);
    expect(requests.some((r) => r.listener === 'federation' && r.who === 'jp-lic-01')).toBe(true);
    expect(lines.join('\n')).not.toContain(canary);
    // health
    const h = await (await fetch(a.node.operatorUrl + '/healthz')).json();
    expect(h).toMatchObject({
      ok: true,
      database: 'ok',
      audit: 'ok',
      listeners: { federation: 'listening', operator: 'listening' },
    });
    expect(typeof h.skewSeconds['jp-lic-01']).toBe('number');
  });
});
