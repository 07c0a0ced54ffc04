// Brief §8, docs/records.md §9: a consultation round trip between two real nodes, with an extension, a
// lapse by injected clock, and UNKNOWN_REFERENCE answers identical for unshared and unknown denials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../node/src/core/clock.js';
import { day, nextWeekdayAt9 } from '../helpers/dates.js';
import { agreement, push } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

// The clock: 09:00 UTC on the next Wednesday after today (after the test certificates' notBefore, which
// is now). Every expected date below is a number of days after it; nothing depends on the calendar.
const wednesday = nextWeekdayAt9(3);
const clock = fixedClock(wednesday);
const dueOn = (days: number) => `${day(days, wednesday)}T23:59:59Z`;
const holiday = day(23, wednesday); // the Friday in the week after the first due date
let req: TestNode; // jp-lic-01: the requester
let res: TestNode; // nl-lic-01: the denying partner
let denialId: string;

beforeAll(async () => {
  [req, res] = await Promise.all([
    startTestNode('jp-lic-01', { country: 'JP', clock, sync: { autoStart: false } }),
    startTestNode('nl-lic-01', {
      country: 'NL',
      clock,
      sync: { autoStart: false },
      configure: (c) => (c.consultations = { holidays: { NL: [holiday] } }),
    }),
  ]);
  await link(res, req, {
    aToB: agreement('agreement-wide', 'jp-lic-01'),
    bToA: agreement('agreement-wide', 'nl-lic-01', { consultation: { workingDays: 15, maxExtensionWorkingDays: 5 } }),
  });
  denialId = (await res.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'))).body.id;
  await push(res, req);
  await push(req, res);
});
afterAll(stopAll);

function requestBody(refs: { id: string; version: number }[]) {
  const r = example('consultation-request');
  return {
    partner: 'nl-lic-01',
    referencedDenials: refs,
    proposedTransaction: r.proposedTransaction,
    question: r.question,
  };
}

async function sync(): Promise<void> {
  await push(req, res);
  await push(res, req);
  await push(req, res);
}

describe('consultations', () => {
  it("REQUEST → EXTENSION → RESPONSE → OUTCOME, on the responder's working-day calendar", async () => {
    const open = await req.op('POST', '/admin/v1/consultations', requestBody([{ id: denialId, version: 1 }]));
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    // NL's statement to JP commits to 10 working days; sent on a Wednesday → due two weeks later, a Wednesday
    expect(open.body).toMatchObject({ role: 'requester', state: 'OPEN', dueAt: dueOn(14) });
    await sync();
    const atRes = (await res.op('GET', '/admin/v1/consultations')).body.items[0];
    expect(atRes).toMatchObject({
      id: open.body.id,
      role: 'responder',
      partner: 'jp-lic-01',
      state: 'OPEN',
      dueAt: dueOn(14),
    });
    const tooLong = await res.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'EXTENSION',
      days: 25,
      reason: 'Too long',
    });
    expect(tooLong.status).toBe(400); // beyond NL's maxExtensionWorkingDays 20 (its agreement with JP)
    const ext = await res.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'EXTENSION',
      days: 7,
      reason: 'Specialists need more time.',
    });
    expect(ext.status, JSON.stringify(ext.body)).toBe(201);
    // 7 working days after that Wednesday on NL's calendar, whose holiday is the Friday after:
    // Thu Fri Mon Tue Wed Thu (6), Friday off, Monday (7) → 26 days after the clock's Wednesday
    expect(ext.body.dueAt).toBe(dueOn(26));
    const resp = await res.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'RESPONSE',
      position: 'MAINTAINS_DENIAL',
      rationale: 'Same consignee, comparable item.',
    });
    expect(resp.status, JSON.stringify(resp.body)).toBe(201);
    await sync();
    const atReq = (await req.op('GET', '/admin/v1/consultations')).body.items.find(
      (c: { id: string }) => c.id === open.body.id,
    );
    expect(atReq).toMatchObject({ state: 'ANSWERED', position: 'MAINTAINS_DENIAL', onTime: true, dueAt: dueOn(26) });
    expect(atReq.messages.map((m: { type: string }) => m.type)).toEqual(['REQUEST', 'EXTENSION', 'RESPONSE']);
    const bad = await req.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'OUTCOME',
      decision: 'GRANTED',
      decidedOn: day(1, wednesday),
    });
    expect(bad.status).toBe(400); // a GRANTED outcome needs a justification (C8)
    const out = await req.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'OUTCOME',
      decision: 'DENIED',
      decidedOn: day(1, wednesday),
    });
    expect(out.status, JSON.stringify(out.body)).toBe(201);
    await sync();
    expect((await res.op('GET', '/admin/v1/consultations')).body.items[0]).toMatchObject({
      state: 'DECIDED',
      outcome: 'DENIED',
    });
    const rec = (await res.op('GET', '/admin/v1/reciprocity?partner=jp-lic-01')).body.items[0];
    expect(rec.consultations.weAnswered).toMatchObject({ requests: 1, answered: 1, onTime: 1 });
  });

  it('both sides lapse when the due time passes; a RESPONSE sent later is recorded as late', async () => {
    const open = await req.op('POST', '/admin/v1/consultations', requestBody([{ id: denialId, version: 1 }]));
    await sync();
    clock.advance(30 * 86_400_000);
    expect(req.node.services.consultations.lapse()).toBeGreaterThanOrEqual(1);
    expect(res.node.services.consultations.lapse()).toBeGreaterThanOrEqual(1);
    const lapsed = (await req.op('GET', '/admin/v1/consultations')).body.items.find(
      (c: { id: string }) => c.id === open.body.id,
    );
    expect(lapsed.state).toBe('LAPSED_NO_RESPONSE');
    await res.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'RESPONSE',
      position: 'NO_OBJECTION',
      rationale: 'Late, but no objection.',
    });
    await sync();
    const late = (await req.op('GET', '/admin/v1/consultations')).body.items.find(
      (c: { id: string }) => c.id === open.body.id,
    );
    expect(late).toMatchObject({ state: 'ANSWERED', onTime: false, position: 'NO_OBJECTION' });
  });

  it('UNKNOWN_REFERENCE is sent automatically, identical for a never-shared version and a non-existent denial', async () => {
    const unshared = await req.op('POST', '/admin/v1/consultations', requestBody([{ id: denialId, version: 7 }]));
    const unknown = await req.op(
      'POST',
      '/admin/v1/consultations',
      requestBody([{ id: 'urn:entente:nl-lic-01:denial:00000000-0000-4000-8000-000000000000', version: 1 }]),
    );
    expect(unshared.status).toBe(201);
    expect(unknown.status).toBe(201);
    await sync();
    const answers = (await req.op('GET', '/admin/v1/consultations')).body.items.filter(
      (c: { id: string }) => c.id === unshared.body.id || c.id === unknown.body.id,
    );
    expect(answers).toHaveLength(2);
    const strip = (c: any) => {
      const m = c.messages.find((x: { type: string }) => x.type === 'RESPONSE').message;
      const { id: _i, consultationId: _c, ...rest } = m;
      return { state: c.state, position: c.position, message: rest };
    };
    expect(strip(answers[0])).toEqual(strip(answers[1]));
    expect(strip(answers[0]).message).toEqual({
      type: 'RESPONSE',
      position: 'UNKNOWN_REFERENCE',
      handling: {
        tlp: 'AMBER+STRICT',
        originatorControl: {
          noOnwardSharing: true,
          noEvidentialUseWithoutConsent: true,
          noDowngradeWithoutConsent: true,
        },
      },
    });
  });

  it('refuses a request without agreements in both directions, and a message out of turn', async () => {
    const c = await startTestNode('de-enf-01', { country: 'DE', clock, sync: { autoStart: false } });
    await link(req, c, { aToB: agreement('agreement-wide', 'de-enf-01') }); // only one direction
    const r = await req.op('POST', '/admin/v1/consultations', {
      ...requestBody([{ id: denialId, version: 1 }]),
      partner: 'de-enf-01',
    });
    expect(r.status).toBe(409);
    const any = (await req.op('GET', '/admin/v1/consultations')).body.items[0];
    const wrong = await req.op('POST', `/admin/v1/consultations/${any.id}/messages`, {
      type: 'RESPONSE',
      position: 'NO_OBJECTION',
      rationale: 'x',
    });
    expect(wrong.status).toBe(409);
  });
});

describe('exporter identity withheld ON_REQUEST', () => {
  it('is asked for in the REQUEST and disclosed in the RESPONSE through the same channel; nothing but an exporter or applicant may be disclosed', async () => {
    const mtcr = await res.op(
      'POST',
      '/admin/v1/records',
      publishBody('denial-mtcr-amended-v2', { originatorReference: 'NL-MT-ONREQ' }),
    );
    expect(mtcr.body.record.exporterDisclosure).toBe('ON_REQUEST');
    await sync();
    const open = await req.op('POST', '/admin/v1/consultations', {
      ...requestBody([{ id: mtcr.body.id, version: 1 }]),
      question: 'Your denial withholds the exporter ON_REQUEST: who was it?',
    });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    await sync();
    const wrong = await res.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'RESPONSE',
      position: 'MAINTAINS_DENIAL',
      rationale: 'x',
      disclosedParties: [
        { role: 'CONSIGNEE', party: { kind: 'COMPANY', names: [{ value: 'Anatolia Aerotest', type: 'PRIMARY' }] } },
      ],
    });
    expect(wrong.status).toBe(400);
    const ok = await res.op('POST', `/admin/v1/consultations/${open.body.id}/messages`, {
      type: 'RESPONSE',
      position: 'MAINTAINS_DENIAL',
      rationale: 'Disclosed on request.',
      disclosedParties: [
        {
          role: 'EXPORTER',
          party: {
            kind: 'COMPANY',
            names: [{ value: 'Zeeland Microsystems B.V.', type: 'PRIMARY' }],
            addresses: [{ city: 'Middelburg', country: 'NL' }],
          },
        },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    await sync();
    const atReq = (await req.op('GET', '/admin/v1/consultations')).body.items.find(
      (c: { id: string }) => c.id === open.body.id,
    );
    const response = atReq.messages.find((m: { type: string }) => m.type === 'RESPONSE').message;
    expect(response.disclosedParties[0]).toMatchObject({
      role: 'EXPORTER',
      party: { names: [{ value: 'Zeeland Microsystems B.V.' }] },
    });
    // the record itself never carries it
    expect(JSON.stringify((await req.op('GET', `/admin/v1/records/${mtcr.body.id}`)).body)).not.toContain('Zeeland');
  });
});
