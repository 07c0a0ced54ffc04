// decide(): table tests for every rule of the agreement, and a property test that nothing a
// partner receives violates its agreement and a redacted canary never leaks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withDefaults, type AgreementStatement } from '../../node/src/domain/agreement-rules.js';
import { normaliseControlRef, type ControlRef } from '../../node/src/domain/control-codes.js';
import { decide, TLP_ORDER, type DecideInput } from '../../node/src/policy/decide.js';
import { example } from '../helpers/examples.js';

const NOW = Date.UTC(2026, 0, 15);
function agreement(overrides: Record<string, any> = {}): AgreementStatement {
  return {
    ...withDefaults({
      partner: 'jp-lic-01',
      reference: 'R-1',
      validFrom: '2025-01-01',
      validUntil: '2027-12-31',
      share: { denial: { maxTlp: 'AMBER+STRICT' }, finding: { maxTlp: 'AMBER+STRICT' } },
      ...overrides,
    }),
    version: 1,
  };
}
function input(
  record: Record<string, any>,
  a: AgreementStatement | null = agreement(),
  extra: Partial<DecideInput> = {},
): DecideInput {
  return {
    agreement: a,
    registered: true,
    type: record.findingType ? 'finding' : 'denial',
    record,
    holding: {},
    firstPublishedAt: NOW - 3_600_000,
    now: NOW,
    ...extra,
  };
}
const wa = example('denial-wa-sensitive');
const seizure = example('finding-seizure');

describe('decide(): one rule per row', () => {
  it.each([
    ['no agreement', input(wa, null), 'nothing', /step 1: no agreement/],
    ['partner removed', input(wa, agreement(), { registered: false }), 'nothing', /not registered/],
    [
      'before validFrom',
      input(wa, agreement({ validFrom: '2026-02-01' })),
      'nothing',
      /outside the agreement's validity/,
    ],
    ['after validUntil', input(wa, agreement({ validUntil: '2026-01-14' })), 'nothing', /outside/],
    [
      'type not shared',
      input(wa, agreement({ share: { finding: { maxTlp: 'AMBER' } } })),
      'nothing',
      /does not share denials/,
    ],
    [
      'TLP above maxTlp',
      input(wa, agreement({ share: { denial: { maxTlp: 'GREEN' } } })),
      'nothing',
      /TLP:AMBER exceeds maxTlp GREEN/,
    ],
    ['TLP:RED', input({ ...wa, handling: { ...wa.handling, tlp: 'RED' } }), 'nothing', /TLP:RED is never shared/],
    [
      'regimes disjoint',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', regimes: ['NSG'] } } })),
      'nothing',
      /step 4/,
    ],
    [
      'regimes: [] matches nothing',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', regimes: [] } } })),
      'nothing',
      /step 4/,
    ],
    [
      'destination excluded',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', destinations: { exclude: ['AE'] } } } })),
      'nothing',
      /step 5: destination AE is excluded/,
    ],
    [
      'destination not included',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', destinations: { include: ['RU'] } } } })),
      'nothing',
      /step 5/,
    ],
    [
      'exclude wins over include',
      input(
        wa,
        agreement({ share: { denial: { maxTlp: 'AMBER', destinations: { include: ['AE'], exclude: ['AE'] } } } }),
      ),
      'nothing',
      /step 5/,
    ],
    [
      'finding destinations: suspected',
      input(seizure, agreement({ share: { finding: { maxTlp: 'AMBER', destinations: { include: ['RU'] } } } })),
      'release',
      /steps 4–6/,
    ],
    [
      'finding without destination, include set',
      input(
        { ...seizure, routing: undefined, location: undefined },
        agreement({ share: { finding: { maxTlp: 'AMBER', destinations: { include: ['RU'] } } } }),
      ),
      'nothing',
      /names no destination/,
    ],
    [
      'control prefix over the normalised WA code',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', controlCodes: { include: ['3A001.a'] } } } })),
      'release',
      /steps 4–6/,
    ],
    [
      'control prefix not matching',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', controlCodes: { include: ['5A'] } } } })),
      'nothing',
      /step 6/,
    ],
    [
      'control exclude',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', controlCodes: { exclude: ['3A001'] } } } })),
      'nothing',
      /step 6: control code 3A001.a.2 is excluded/,
    ],
    [
      'UNLISTED with includeUnlisted false',
      input(
        example('denial-catch-all'),
        agreement({ share: { denial: { maxTlp: 'AMBER', controlCodes: { includeUnlisted: false } } } }),
      ),
      'nothing',
      /step 6/,
    ],
    [
      'UNLISTED with include set, includeUnlisted default',
      input(
        example('denial-catch-all'),
        agreement({ share: { denial: { maxTlp: 'AMBER', controlCodes: { include: ['3A'] } } } }),
      ),
      'release',
      /steps 4–6/,
    ],
    [
      'a finding without items passes control codes',
      input(
        { ...seizure, findingType: 'MODUS_OPERANDI', items: [], location: undefined },
        agreement({ share: { finding: { maxTlp: 'AMBER', controlCodes: { include: ['9A'] } } } }),
      ),
      'release',
      /steps 4–6/,
    ],
    ['terminal, never held', input(example('denial-ag-revoked-v2')), 'nothing', /goes only to holders/],
    [
      'terminal, held, filters fail: still released',
      input(example('denial-ag-revoked-v2'), agreement({ share: { denial: { maxTlp: 'AMBER', regimes: ['NSG'] } } }), {
        holding: { version: 1 },
      }),
      'release',
      /steps 4–6 skipped/,
    ],
    [
      'terminal, held, TLP above maxTlp: tombstone',
      input(example('denial-ag-revoked-v2'), agreement({ share: { denial: { maxTlp: 'CLEAR' } } }), {
        holding: { version: 1 },
      }),
      'tombstone',
      /recall/,
    ],
    [
      'held, new version filtered out: recall tombstone',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', destinations: { exclude: ['AE'] } } } }), {
        holding: { version: 1 },
      }),
      'tombstone',
      /recall: the partner holds version 1/,
    ],
    [
      'held but recalled: nothing',
      input(wa, agreement({ share: { denial: { maxTlp: 'AMBER', destinations: { exclude: ['AE'] } } } }), {
        holding: { version: 1, recalled: true },
      }),
      'nothing',
      /step 5/,
    ],
  ])('%s', (_name, inp, action, reason) => {
    const d = decide(inp);
    expect(d.action).toBe(action);
    expect(d.reasons.join('\n')).toMatch(reason);
  });

  it('embargo: first release waits; after a first release nothing is embargoed', () => {
    const a = agreement({ share: { denial: { maxTlp: 'AMBER' }, embargoHours: 24 } });
    const d = decide(input(wa, a));
    expect(d.action === 'release' && d.notBefore).toBe(NOW - 3_600_000 + 24 * 3_600_000);
    expect(decide(input(wa, a, { now: NOW + 24 * 3_600_000 }))).not.toHaveProperty('notBefore');
    expect(decide(input(wa, a, { holding: { version: 1 } }))).not.toHaveProperty('notBefore');
  });

  it("redaction follows the type's redact list and lists pointers into the unredacted record", () => {
    const d = decide(
      input(
        example('denial-suspension'),
        agreement({
          share: {
            denial: { maxTlp: 'GREEN', redact: ['/items/*/value', '/parties/[role=EXPORTER]', '/pointOfContact'] },
          },
        }),
      ),
    );
    expect(d.action).toBe('release');
    if (d.action === 'release') expect(d.redacted).toEqual(['/items/0/value', '/parties/2', '/pointOfContact']);
  });
});

// ---------- property: nothing a partner receives violates its agreement; canaries never leak

const COUNTRIES = ['AE', 'RU', 'TR', 'CN', 'DE', 'KG', 'MY'];
const CODES: ControlRef[] = [
  { scheme: 'EU_ANNEX_I', code: '3A001.a.2' },
  { scheme: 'WA_DU', code: '1.C.10.b' },
  { scheme: 'EU_ANNEX_I', code: '5A002.a' },
  { scheme: 'MTCR_ANNEX', code: '3.A.1' },
  { scheme: 'UNLISTED', code: null },
  { scheme: 'EU_ANNEX_I', code: '9A101.a' },
];
const CANARY = 'CANARY-0xDEADBEEF';
const tlp = fc.constantFrom(...TLP_ORDER);
const recordArb = fc.record({
  tlp,
  regimes: fc.uniqueArray(fc.constantFrom('WA', 'NSG', 'MTCR', 'EU_DUAL_USE', 'AG'), { minLength: 1, maxLength: 3 }),
  destination: fc.constantFrom(...COUNTRIES),
  refs: fc.array(
    fc.uniqueArray(fc.constantFrom(...CODES), { minLength: 1, maxLength: 2, selector: (r) => `${r.scheme}:${r.code}` }),
    { minLength: 1, maxLength: 3 },
  ),
  withExporter: fc.boolean(),
  status: fc.constantFrom('ACTIVE', 'ACTIVE', 'REVOKED'),
});
const agreementArb = fc.record({
  maxTlp: fc.constantFrom('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'),
  regimes: fc.option(fc.uniqueArray(fc.constantFrom('WA', 'NSG', 'MTCR', 'EU_DUAL_USE', 'AG'), { maxLength: 3 }), {
    nil: undefined,
  }),
  include: fc.option(fc.uniqueArray(fc.constantFrom(...COUNTRIES), { maxLength: 3 }), { nil: undefined }),
  exclude: fc.option(fc.uniqueArray(fc.constantFrom(...COUNTRIES), { maxLength: 2 }), { nil: undefined }),
  codeInclude: fc.option(fc.uniqueArray(fc.constantFrom('3A', '1C', '5A002', 'MTCR_ANNEX:', '9A'), { maxLength: 2 }), {
    nil: undefined,
  }),
  codeExclude: fc.option(fc.uniqueArray(fc.constantFrom('5A002', '3A001', '9A'), { maxLength: 1 }), { nil: undefined }),
  includeUnlisted: fc.boolean(),
  redact: fc.subarray([
    '/items/*/value',
    '/parties/[role=EXPORTER]',
    '/pointOfContact',
    '/reasonNarrative',
    '/parties/*/party/addresses',
  ]),
  held: fc.option(fc.constant(1), { nil: undefined }),
});

type RecordInput = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function buildRecord(r: RecordInput) {
  const base = example('denial-suspension');
  return {
    ...base,
    version: 2,
    status: r.status,
    handling: { ...base.handling, tlp: r.tlp },
    regimes: r.regimes,
    destinationCountry: r.destination,
    reasonNarrative: `narrative ${CANARY}`,
    pointOfContact: { unit: `desk ${CANARY}` },
    items: r.refs.map((refs, i) => ({
      lineNo: i + 1,
      controlRefs: refs,
      description: 'Item',
      value: { amount: '1', currency: 'EUR' },
    })),
    parties: [
      {
        role: 'CONSIGNEE',
        party: {
          kind: 'COMPANY',
          names: [{ value: 'Consignee', type: 'PRIMARY' }],
          addresses: [{ city: `City ${CANARY}`, country: 'KG' }],
        },
      },
      ...(r.withExporter
        ? [{ role: 'EXPORTER', party: { kind: 'COMPANY', names: [{ value: `Exporter ${CANARY}`, type: 'PRIMARY' }] } }]
        : []),
    ],
  };
}

describe('decide(): property', () => {
  it('what a partner receives satisfies its agreement, and redacted canaries never appear', () => {
    fc.assert(
      fc.property(recordArb, agreementArb, (r, g) => {
        const record = buildRecord(r);
        const denial: Record<string, unknown> = { maxTlp: g.maxTlp, redact: g.redact };
        if (g.regimes) denial.regimes = g.regimes;
        if (g.include || g.exclude)
          denial.destinations = {
            ...(g.include ? { include: g.include } : {}),
            ...(g.exclude ? { exclude: g.exclude } : {}),
          };
        if (g.codeInclude || g.codeExclude || !g.includeUnlisted)
          denial.controlCodes = {
            ...(g.codeInclude ? { include: g.codeInclude } : {}),
            ...(g.codeExclude ? { exclude: g.codeExclude } : {}),
            includeUnlisted: g.includeUnlisted,
          };
        const a = agreement({ share: { denial } });
        const d = decide(input(record, a, { holding: g.held ? { version: g.held } : {} }));
        if (d.action !== 'release') return;
        const sent = JSON.stringify(d.record);
        // TLP
        expect(TLP_ORDER.indexOf(r.tlp)).toBeLessThanOrEqual(TLP_ORDER.indexOf(g.maxTlp));
        expect(r.tlp).not.toBe('RED');
        const terminalToHolder = r.status === 'REVOKED' && g.held !== undefined;
        if (!terminalToHolder) {
          expect(r.status).toBe('ACTIVE');
          if (g.regimes) expect(g.regimes.some((x) => r.regimes.includes(x))).toBe(true);
          if (g.exclude) expect(g.exclude).not.toContain(r.destination);
          if (g.include) expect(g.include).toContain(r.destination);
          const norm = r.refs
            .flat()
            .map(normaliseControlRef)
            .filter((x): x is string => x !== null);
          if (g.codeExclude) expect(norm.some((n) => g.codeExclude!.some((p) => n.startsWith(p)))).toBe(false);
        }
        // redaction: every redacted member is gone, and its canary with it
        if (g.redact.includes('/reasonNarrative')) expect(d.record.reasonNarrative).toBeUndefined();
        if (g.redact.includes('/pointOfContact')) expect(d.record.pointOfContact).toBeUndefined();
        if (g.redact.includes('/items/*/value')) expect(sent).not.toContain('"value":{"amount"');
        if (g.redact.includes('/parties/[role=EXPORTER]')) expect(sent).not.toContain('Exporter');
        if (g.redact.includes('/parties/*/party/addresses')) expect(sent).not.toContain('City');
        const canaryFields =
          ['/reasonNarrative', '/pointOfContact', '/parties/*/party/addresses'].filter((p) => g.redact.includes(p))
            .length + (r.withExporter && g.redact.includes('/parties/[role=EXPORTER]') ? 1 : 0);
        const expected = 3 + (r.withExporter ? 1 : 0) - canaryFields;
        expect(sent.split(CANARY).length - 1).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
