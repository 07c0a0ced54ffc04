import { describe, expect, it } from 'vitest';
import { isValidControlCode, normaliseControlRef, type ControlRef } from '../../node/src/domain/control-codes.js';
import { isValidImo, isValidLei } from '../../node/src/domain/identifiers.js';
import { addYears, isRealDate, isRealTimestamp } from '../../node/src/domain/dates.js';
import { applyRedaction, checkRedactPath, parseRedactPath } from '../../node/src/domain/redaction.js';
import { statusTransition, nextUpdatedAt } from '../../node/src/domain/lifecycle.js';
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
