// Tokens as an operator meets them (issue 15 item 3): last use recorded, expiry, the metrics role,
// and the default process metrics on GET /metrics. The CLI is the real binary against a real node.
import { describe, expect, it, afterAll } from 'vitest';
import { fixedClock } from '../../node/src/core/clock.js';
import { cli } from '../helpers/cli.js';
import { startTestNode, stopAll } from '../helpers/nodes.js';

afterAll(stopAll);

const T0 = Date.parse('2031-05-01T09:00:00Z');

describe('operator tokens', () => {
  it('records last use at most once a minute, and refuses a token once it has expired', async () => {
    const clock = fixedClock(T0);
    const n = await startTestNode('nl-lic-01', { clock });
    const made = await n.op('POST', '/admin/v1/tokens', {
      name: 'desk3',
      role: 'analyst',
      expiresAt: '2031-05-03T09:00:00Z',
    });
    expect(made.status).toBe(201);
    expect(made.body.expiresAt).toBe('2031-05-03T09:00:00Z');
    const token = made.body.token as string;
    const lastUsed = async () =>
      ((await n.op('GET', '/admin/v1/tokens')).body.items as { name: string; lastUsedAt: string | null }[]).find(
        (t) => t.name === 'desk3',
      )!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expect((await n.op('GET', '/admin/v1/records', undefined, token)).status).toBe(200);
    expect(await lastUsed()).toBe('2031-05-01T09:00:00.000Z');
    clock.advance(30_000); // within the minute: not written again
    await n.op('GET', '/admin/v1/records', undefined, token);
    expect(await lastUsed()).toBe('2031-05-01T09:00:00.000Z');
    clock.advance(31_000);
    await n.op('GET', '/admin/v1/records', undefined, token);
    expect(await lastUsed()).toBe('2031-05-01T09:01:01.000Z');
    clock.advance(2 * 86_400_000);
    const late = await n.op('GET', '/admin/v1/records', undefined, token);
    expect(late.status).toBe(401);
    const past = await n.op('POST', '/admin/v1/tokens', {
      name: 'old',
      role: 'analyst',
      expiresAt: '2031-05-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(JSON.stringify(past.body)).toMatch(/expiresAt must be in the future/);
  });

  it('CLI: --expires 90d, a table with last use and expiry (or --json), and a metrics token that reads /metrics only', async () => {
    const n = await startTestNode('jp-lic-01', { country: 'JP' });
    const made = await cli([
      'token',
      'create',
      '--dir',
      n.dir,
      '--role',
      'metrics',
      '--name',
      'prometheus',
      '--expires',
      '90d',
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(
      /^token prometheus \(metrics, expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); it is shown once:/,
    );
    const secret = made.stdout.trim();
    const json = JSON.parse((await cli(['token', 'list', '--dir', n.dir, '--json'])).stdout) as {
      items: { name: string; expiresAt: string | null; lastUsedAt: string | null; createdAt: string }[];
    };
    const p = json.items.find((t) => t.name === 'prometheus')!;
    const days = (Date.parse(p.expiresAt!) - Date.parse(p.createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    // the admin token the CLI used is now marked as used
    expect(json.items.find((t) => t.name === 'admin')!.lastUsedAt).not.toBeNull();
    const shown = await cli(['token', 'list', '--dir', n.dir]);
    expect(shown.stdout).toMatch(/^NAME\s+ROLE\s+CREATED\s+LAST USED\s+EXPIRES\s+REVOKED$/m);
    expect(shown.stdout).toMatch(/^prometheus\s+metrics\s+\S+ \S+\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-$/m);
    const bad = await cli(['token', 'create', '--dir', n.dir, '--role', 'analyst', '--name', 'x', '--expires', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'entente: --expires soon: give a duration such as 90d, 12w, 6m or 1y, or a date YYYY-MM-DD\n',
    );

    const metrics = await n.op('GET', '/metrics', undefined, secret);
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toMatch(/^entente_http_requests_total/m);
    expect(String(metrics.body)).toMatch(/^process_cpu_user_seconds_total /m);
    expect(String(metrics.body)).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(String(metrics.body)).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect((await n.op('GET', '/admin/v1/records', undefined, secret)).status).toBe(403);
    expect((await n.op('GET', '/admin/v1/tokens', undefined, secret)).status).toBe(403);
  });
});
