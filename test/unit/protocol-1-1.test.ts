// Protocol 1.1 rules (docs/protocol.md §14): what a partner's GET /v1/node advertises is the
// partner's text; anything but a short list of `1.<n>` strings counts as absent (1.0).
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../node/src/domain/record-rules.js';
import { checkRedactPath } from '../../node/src/domain/redaction.js';
import { advertisedVersions, versionsUpTo } from '../../node/src/exchange/versions.js';
import { example } from '../helpers/examples.js';

describe('advertisedVersions', () => {
  it.each([
    [{ protocolVersions: ['1.0', '1.1'] }, ['1.0', '1.1']],
    [{ protocolVersions: ['1.1', '1.0', '1.1'] }, ['1.0', '1.1']],
    [{ protocolVersions: ['1.0', '1.10', '1.2'] }, ['1.0', '1.2', '1.10']],
    [{}, ['1.0']],
    [null, ['1.0']],
    ['1.1', ['1.0']],
    [{ protocolVersions: [] }, ['1.0']],
    [{ protocolVersions: '1.1' }, ['1.0']],
    [{ protocolVersions: ['1.0', 1.1] }, ['1.0']],
    [{ protocolVersions: ['1.0', '2.0'] }, ['1.0']],
    [{ protocolVersions: ['1.0', '1.1\n'] }, ['1.0']],
    [{ protocolVersions: Array.from({ length: 33 }, (_, i) => `1.${i}`) }, ['1.0']],
  ])('%j → %j', (body, expected) => {
    expect(advertisedVersions(body)).toEqual(expected);
  });

  it('a node speaks every minor version up to its highest', () => {
    expect(versionsUpTo(0)).toEqual(['1.0']);
    expect(versionsUpTo(1)).toEqual(['1.0', '1.1']);
  });
});

describe('the alert member (records.md §2, rule L1)', () => {
  const seizure = () => example('finding-seizure');
  const pointers = (r: unknown) => validateRecord(r).map((e) => `${e.pointer} ${e.rule}`);

  it('accepts FLASH and PRIORITY with an action, and an expiry after updatedAt', () => {
    const r = seizure();
    r.alert = { level: 'FLASH', actionRequested: 'Detain on arrival.\nInform the originator.' };
    expect(validateRecord(r)).toEqual([]);
    r.alert = { level: 'PRIORITY', actionRequested: 'Check', expiresAt: '2099-01-01T00:00:00Z' };
    expect(validateRecord(r)).toEqual([]);
  });

  it('refuses an expiry not after updatedAt (L1), an unknown level, a missing action, an extra member', () => {
    const r = seizure();
    r.alert = { level: 'FLASH', actionRequested: 'x', expiresAt: r.updatedAt };
    expect(pointers(r)).toContain('/alert/expiresAt L1');
    r.alert = { level: 'IMMEDIATE', actionRequested: 'x' };
    expect(pointers(r).some((p) => p.startsWith('/alert/level'))).toBe(true);
    r.alert = { level: 'FLASH' };
    expect(pointers(r).some((p) => p.startsWith('/alert'))).toBe(true);
    r.alert = { level: 'FLASH', actionRequested: 'x', person: 'J. Doe' };
    expect(pointers(r).some((p) => p.startsWith('/alert'))).toBe(true);
  });

  it('is unredactable: an agreement path that could remove it is refused (A3)', () => {
    expect(checkRedactPath('/alert', 'finding')).toMatch(/unredactable member \/alert/);
    expect(checkRedactPath('/alert/actionRequested', 'denial')).toMatch(/unredactable member \/alert/);
  });
});
