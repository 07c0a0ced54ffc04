// The contract checker itself: what it accepts and refuses (every integration test runs it on every
// response its nodes send; see test/helpers/contract.ts).
import { describe, expect, it } from 'vitest';
import { contractProblem } from '../helpers/contract.js';

const json = (body: unknown) => JSON.stringify(body);
const problem = (status: number, extra: Record<string, unknown> = {}) =>
  json({ type: 'urn:entente:problem:precondition-failed', title: 'x', status, ...extra });

describe('contract checker', () => {
  it('accepts a documented problem, including the current version of a stale If-Match', () => {
    const r = {
      listener: 'operator' as const,
      method: 'PUT',
      path: '/admin/v1/records/x',
      status: 409,
      contentType: 'application/problem+json',
    };
    expect(contractProblem({ ...r, body: problem(409, { currentVersion: 3 }) })).toBeNull();
    expect(contractProblem({ ...r, body: problem(409, { current: 3 }) })).toMatch(
      /must NOT have additional properties/,
    );
  });
  it('refuses an undocumented status, path or media type', () => {
    const r = {
      listener: 'operator' as const,
      method: 'GET',
      path: '/admin/v1/tokens',
      contentType: 'application/json',
      body: json({ items: [] }),
    };
    expect(contractProblem({ ...r, status: 200 })).toBeNull();
    expect(contractProblem({ ...r, status: 418 })).toMatch(/status 418 is not documented/);
    expect(contractProblem({ ...r, path: '/admin/v1/nothing', status: 200 })).toMatch(/not in the OpenAPI document/);
    expect(contractProblem({ ...r, status: 200, contentType: 'text/plain' })).toMatch(/text\/plain is not documented/);
  });
  it('a received version names the stream and seq it arrived at', () => {
    const version = {
      version: 1,
      record: {},
      digest: 'd',
      origin: 'received',
      jws: 'a.b.c',
      stream: 'S',
      seq: 4,
      receivedAt: 'now',
    };
    const body = json({
      id: 'urn:x',
      type: 'denial',
      origin: 'jp-lic-01',
      labels: [],
      recalled: false,
      current: version,
      history: [version],
    });
    const r = {
      listener: 'operator' as const,
      method: 'GET',
      path: '/admin/v1/records/urn:x',
      status: 200,
      contentType: 'application/json',
    };
    expect(contractProblem({ ...r, body })).toBeNull();
    expect(contractProblem({ ...r, body: body.replace('"seq":4', '"seq":"4"') })).toMatch(/seq must be integer/);
  });
});
