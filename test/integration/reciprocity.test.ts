// Issue 7: reciprocity per partner, both directions side by side, as JSON and as a CLI table.
import { afterAll, describe, expect, it } from 'vitest';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { cli } from '../helpers/cli.js';
import { link, startTestNode, stopAll } from '../helpers/nodes.js';

afterAll(stopAll);

describe('reciprocity', () => {
  it('shows what each side promises and what flowed each way', async () => {
    const a = await startTestNode('nl-lic-01', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, {
      aToB: agreement('agreement-wide', 'jp-lic-01'),
      bToA: agreement('agreement-findings-only', 'nl-lic-01', {
        share: { finding: { maxTlp: 'AMBER' }, embargoHours: 0, backfill: true },
      }),
    });
    const d1 = await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await a.op('POST', `/admin/v1/records/${d1.body.id}/status`, { status: 'REVOKED', reason: 'Lifted.' });
    await b.op('POST', '/admin/v1/records', publishBody('finding-seizure'));
    await b.op('POST', '/admin/v1/records', publishBody('denial-nsg-withheld')); // not shared: findings only
    await a.op(
      'PUT',
      '/admin/v1/partners/jp-lic-01/agreement',
      agreement('agreement-wide', 'jp-lic-01', { reference: 'NL-JP-2026-02' }),
    );
    await push(a, b);
    await push(b, a);
    const r = (await a.op('GET', '/admin/v1/reciprocity?partner=jp-lic-01')).body.items[0];
    expect(r.promises.ours.map((x: { version: number }) => x.version)).toEqual([2, 1]);
    expect(r.promises.theirs[0]).toMatchObject({ reference: 'DE-GB-ENF-2025-02', version: 1 });
    // two denials, one of them also revoked: two records in three versions (issue 15: records, not versions)
    expect(r.outbound).toMatchObject({
      records: 2,
      versions: 3,
      byType: { denial: 2 },
      byTlp: { AMBER: 2 },
      revocations: 1,
      recalls: 0,
      receiptsOutstanding: 0,
      quarantined: 0,
    });
    expect(r.outbound.byRegime.EU_DUAL_USE).toBe(2);
    expect(r.outbound.delayHours.samples).toBe(2);
    expect(r.inbound).toMatchObject({ records: 1, byType: { finding: 1 }, quarantined: 0 });
    const t = await cli(['reciprocity', '--dir', a.dir]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/WE SEND TO jp-lic-01\s+jp-lic-01 SENDS TO US/);
    expect(t.stdout).toMatch(/agreement\s+NL-JP-2026-02 v2 \(was NL-JP-2025-01 v1\)\s+DE-GB-ENF-2025-02 v1/);
    expect(t.stdout).toMatch(/revocations\s+1\s+0/);
    expect(t.stdout).toMatch(/^records\s+2\s+1$/m);
    expect(t.stdout).toMatch(/^versions\s+3\s+1$/m);
    expect(t.stdout).toMatch(/^delay median \/ p90\s+[0-9.]+ (days|h) \/ [0-9.]+ (days|h) \(2 records\)/m);
    const bad = await a.op('GET', '/admin/v1/reciprocity?from=2026-13-01');
    expect(bad.status).toBe(400);
  });
});
