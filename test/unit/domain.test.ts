import { describe, expect, it } from 'vitest';
import { isValidControlCode, normaliseControlRef, type ControlRef } from '../../node/src/domain/control-codes.js';
import { isValidImo, isValidLei } from '../../node/src/domain/identifiers.js';
import { addYears, isRealDate, isRealTimestamp } from '../../node/src/domain/dates.js';
import { applyRedaction, checkRedactPath, parseRedactPath } from '../../node/src/domain/redaction.js';
import { statusTransition, nextUpdatedAt } from '../../node/src/domain/lifecycle.js';
import { crossVersionViolations } from '../../node/src/domain/cross-version.js';
import { example } from '../helpers/examples.js';

describe('control codes (docs/records.md §5)', () => {
  it.each([
    ['WA_DU', '3.A.1.a.2', '3A001.a.2'],
    ['WA_DU', '1.C.10.b', '1C010.b'],
    ['WA_DU', '6.A.3.b.4.b', '6A003.b.4.b'],
    ['EU_ANNEX_I', '3A001.a.2', '3A001.a.2'],
    ['US_CCL', 'EAR99', 'EAR99'],
    ['US_USML', 'XI(a)(3)', 'US_USML:XI(a)(3)'],
    ['MTCR_ANNEX', '3.A.1', 'MTCR_ANNEX:3.A.1'],
    ['NSG_PART1', '5.2.3', 'NSG_PART1:5.2.3'],
    ['AG_LIST', 'triethanolamine', 'AG_LIST:triethanolamine'],
    ['CWC_SCHEDULE', '2B.4', 'CWC_SCHEDULE:2B.4'],
    ['WA_ML', 'ML10.a', 'ML10.a'],
    ['NATIONAL', 'NL-0001', 'NATIONAL:NL-0001'],
  ])('%s %s → %s', (scheme, code, n) => {
    const ref = { scheme, code } as ControlRef;
    expect(isValidControlCode(ref)).toBe(true);
    expect(normaliseControlRef(ref)).toBe(n);
  });
  it.each([
    ['WA_DU', '3A001.a.2'],
    ['EU_ANNEX_I', '3A001.A.2'],
    ['EU_ANNEX_I', '3A001.a.2.'],
    ['WA_ML', 'ML23'],
    ['US_USML', 'XXII'],
    ['AG_LIST', 'Triethanolamine'],
    ['CWC_SCHEDULE', '4A.1'],
    ['UNLISTED', '2B001'],
  ])('refuses %s %s', (scheme, code) => expect(isValidControlCode({ scheme, code } as ControlRef)).toBe(false));
  it('UNLISTED is null and has no normalised form', () => {
    expect(isValidControlCode({ scheme: 'UNLISTED', code: null })).toBe(true);
    expect(normaliseControlRef({ scheme: 'UNLISTED', code: null })).toBeNull();
  });
});

describe('check digits', () => {
  it('IMO', () => {
    expect(isValidImo('9483621')).toBe(true);
    expect(isValidImo('9483620')).toBe(false);
    expect(isValidImo('948362')).toBe(false);
  });
  it('LEI (ISO 7064 MOD 97-10)', () => {
    expect(isValidLei('984500B4LT1KQ7M2XV95')).toBe(true);
    expect(isValidLei('529900R7HN2D8WQX4E73')).toBe(true);
    expect(isValidLei('984500B4LT1KQ7M2XV96')).toBe(false);
    expect(isValidLei('529900r7hn2d8wqx4e73')).toBe(false);
  });
});

describe('dates', () => {
  it('real dates and instants only', () => {
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2025-02-29')).toBe(false);
    expect(isRealTimestamp('2025-03-20T09:14:00Z')).toBe(true);
    expect(isRealTimestamp('2025-03-20T24:00:00Z')).toBe(false);
  });
  it('adds years, 29 February → 28 February', () => {
    expect(addYears('2024-02-29', 3)).toBe('2027-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });
  it('updatedAt strictly increases', () => {
    expect(nextUpdatedAt('2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toBe('2025-01-01T00:00:01Z');
    expect(nextUpdatedAt('2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z')).toBe('2025-01-02T00:00:00Z');
  });
});

describe('redaction (docs/records.md §8)', () => {
  it('applies agreement-redacting to denial-suspension exactly as invalid.md row 110 expects', () => {
    const agreement = example('agreement-redacting');
    const { record, redacted } = applyRedaction(example('denial-suspension'), agreement.share.denial.redact);
    expect(redacted).toEqual(['/items/0/value', '/parties/2', '/pointOfContact']);
    expect(record.parties.map((p: { role: string }) => p.role)).toEqual(['CONSIGNEE', 'END_USER']);
    expect(record.items[0].value).toBeUndefined();
    expect(record.pointOfContact).toBeUndefined();
  });
  it('drops pointers under a selected ancestor and removes array elements from the highest index', () => {
    const r = {
      parties: [
        { role: 'A', party: { x: 1 } },
        { role: 'B', party: { x: 2 } },
        { role: 'A', party: { x: 3 } },
      ],
    };
    const out = applyRedaction(r, ['/parties/[role=A]', '/parties/*/party/x']);
    expect(out.redacted).toEqual(['/parties/0', '/parties/1/party/x', '/parties/2']);
    expect(out.record.parties).toEqual([{ role: 'B', party: {} }]);
  });
  it('parses the grammar and refuses what could remove an unredactable member', () => {
    expect(parseRedactPath('/parties/[role=EXPORTER]')).not.toBeNull();
    expect(parseRedactPath('/parties/*[role=EXPORTER]')).toBeNull();
    expect(parseRedactPath('/*/0')).toBeNull();
    expect(checkRedactPath('/parties/*', 'denial')).toBeNull();
    expect(checkRedactPath('/parties/*/role', 'denial')).toMatch(/unredactable/);
    expect(checkRedactPath('/destinationCountry', 'denial')).toMatch(/unredactable/);
    expect(checkRedactPath('/destinationCountry', 'finding')).toBeNull();
    expect(checkRedactPath('/items/*/description', 'denial')).toBeNull();
  });
});

describe('status transitions', () => {
  it('a denial leaves ACTIVE only for a terminal status; nothing follows a terminal one', () => {
    const d = example('denial-wa-sensitive');
    expect(statusTransition('denial', d, { status: 'EXPIRED', reason: 'x' }).changeType).toBe('STATUS_CHANGE');
    expect(() => statusTransition('denial', { ...d, status: 'REVOKED' }, { status: 'WITHDRAWN', reason: 'x' })).toThrow(
      /terminal/,
    );
  });
});

describe('cross-version rules a receiver checks against the version it holds (issue 13 §2)', () => {
  const denial = example('denial-catch-all');
  const finding = example('finding-network');
  const v = (version: number, record: Record<string, any>, redacted: string[] = []) => ({
    version,
    record: { ...record, version },
    redacted,
  });
  const rules = (type: 'denial' | 'finding', held: ReturnType<typeof v>, next: ReturnType<typeof v>) =>
    crossVersionViolations(type, held, next).map((x) => `${x.rule} ${x.pointer}`);
  it.each([
    [
      'a lawful amendment',
      'denial',
      v(1, denial),
      v(2, { ...denial, changeType: 'AMENDMENT', statedEndUse: 'Other.' }),
      [],
    ],
    [
      'after a terminal status',
      'denial',
      v(2, { ...denial, status: 'EXPIRED' }),
      v(3, { ...denial, changeType: 'AMENDMENT' }),
      ['terminal /version'],
    ],
    [
      'after a WITHDRAWN finding',
      'finding',
      v(2, { ...finding, status: 'WITHDRAWN' }),
      v(5, { ...finding, changeType: 'AMENDMENT' }),
      ['terminal /version'],
    ],
    [
      'createdAt changed, across a gap',
      'denial',
      v(1, denial),
      v(4, { ...denial, changeType: 'AMENDMENT', createdAt: '2020-01-01T00:00:00Z' }),
      ['same-in-every-version /createdAt'],
    ],
    [
      'notifiedAt changed',
      'denial',
      v(1, denial),
      v(2, { ...denial, changeType: 'AMENDMENT', notifiedAt: '2025-06-03T00:00:00Z' }),
      ['same-in-every-version /notifiedAt'],
    ],
    [
      'originatorReference redacted in the held view: not compared',
      'denial',
      v(1, denial, ['/originatorReference']),
      v(2, { ...denial, changeType: 'AMENDMENT', originatorReference: 'X-1' }),
      [],
    ],
    [
      'a finding going back, across a gap',
      'finding',
      v(2, { ...finding, status: 'ADJUDICATED' }),
      v(4, { ...finding, status: 'UNDER_INVESTIGATION', changeType: 'STATUS_CHANGE' }),
      ['change-type /status'],
    ],
    [
      'a finding STATUS_CHANGE that stays put',
      'finding',
      v(2, { ...finding, status: 'ADJUDICATED' }),
      v(3, { ...finding, status: 'ADJUDICATED', changeType: 'STATUS_CHANGE' }),
      ['change-type /status'],
    ],
    [
      'an amendment that moves a finding on',
      'finding',
      v(1, finding),
      v(2, { ...finding, status: 'UNDER_INVESTIGATION', changeType: 'AMENDMENT' }),
      ['may-not-change /status'],
    ],
    [
      'a FINAL_ASSESSMENT of a denial that is no SUSPENSION',
      'denial',
      v(1, denial),
      v(2, { ...denial, decisionType: 'ANNULMENT', changeType: 'FINAL_ASSESSMENT' }),
      ['change-type /changeType'],
    ],
    [
      'a RENEWAL that does not move reviewDueOn later',
      'denial',
      v(1, denial),
      v(2, { ...denial, changeType: 'RENEWAL', reviewDueOn: denial.reviewDueOn }),
      ['may-not-change /reviewDueOn'],
    ],
    [
      'a STATUS_CHANGE that also changes the items',
      'denial',
      v(1, denial),
      v(2, { ...denial, status: 'REVOKED', statusReason: 'x', changeType: 'STATUS_CHANGE', items: [] }),
      ['may-not-change /items'],
    ],
    [
      'the same, with the items redacted in one view',
      'denial',
      v(1, denial, ['/items/0/value']),
      v(2, { ...denial, status: 'REVOKED', statusReason: 'x', changeType: 'STATUS_CHANGE', items: [] }),
      [],
    ],
    [
      'the same across a gap: the intermediate version may have changed them',
      'denial',
      v(1, denial),
      v(3, { ...denial, status: 'REVOKED', statusReason: 'x', changeType: 'STATUS_CHANGE', items: [] }),
      [],
    ],
  ] as const)('%s', (_n, type, held, next, expected) => {
    expect(rules(type, held, next)).toEqual(expected);
  });
});
