// Exercise scenario and control files (docs/exercises.md): durations, the shipped tabletop, and the
// one-line refusals for what the schema cannot say (time order, references, control tokens).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkControl,
  checkScenario,
  loadScenario,
  offsetSeconds,
  parseStructured,
  tPlus,
  withRunDates,
} from '../../node/src/exercise/scenario.js';

const tabletop = join(import.meta.dirname, '../../scenarios/diversion-tabletop.yaml');

describe('scenario time', () => {
  it.each([
    ['PT5M', 300],
    ['PT1H30M', 5400],
    ['PT45S', 45],
    ['5m', 300],
    ['1h30m', 5400],
    ['90s', 90],
    ['PT0M', 0],
  ])('%s is %i s', (offset, seconds) => {
    expect(offsetSeconds(offset)).toBe(seconds);
  });
  it('T+ shows minutes and seconds, and hours when there are some', () => {
    expect(tPlus(0)).toBe('T+00:00');
    expect(tPlus(305)).toBe('T+05:05');
    expect(tPlus(3725)).toBe('T+1:02:05');
  });
});

describe('dates relative to the run', () => {
  it('{{start±Nd}} becomes the date that many days from the start, inside any string of an inject', () => {
    const start = Date.parse('2031-02-01T23:30:00Z');
    const inj = {
      record: { decisionDate: '{{start-268d}}', observedOn: '{{ start }}', items: [{ note: 'seen {{start+1d}}' }] },
      alert: { expiresAt: '{{start+1d}}T18:00:00Z' },
      at: 'PT5M',
      count: 3,
    };
    expect(withRunDates(inj, start)).toEqual({
      record: { decisionDate: '2030-05-09', observedOn: '2031-02-01', items: [{ note: 'seen 2031-02-02' }] },
      alert: { expiresAt: '2031-02-02T18:00:00Z' },
      at: 'PT5M',
      count: 3,
    });
    // anything else in braces is left for the node to refuse, naming the field
    expect(withRunDates({ d: '{{tomorrow}}' }, start)).toEqual({ d: '{{tomorrow}}' });
  });
});

describe('scenario files', () => {
  it('the shipped tabletop is valid: the three example nodes, a FLASH seizure, a consultation, a revocation', () => {
    const s = loadScenario(tabletop);
    expect(s.nodes).toEqual({ nl: 'nl-lic-01', de: 'de-enf-01', jp: 'jp-lic-01' });
    expect(s.injects.map((i) => i.action)).toEqual([
      'publish',
      'publish',
      'acknowledge',
      'consult',
      'respond',
      'revoke',
    ]);
  });

  const scenario = (injects: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ scenario: 'drill', nodes: { nl: 'nl-lic-01', de: 'de-enf-01' }, injects, ...extra }, null, 1);
  const publish = { name: 'p', at: '5m', node: 'de', action: 'publish', type: 'finding', record: {} };
  const refused = (text: string) => () => checkScenario(parseStructured(text, 's.json'));

  it('refuses injects out of time order', () => {
    expect(refused(scenario([publish, { ...publish, name: 'q', at: '1m' }]))).toThrow(
      /^s\.json:\d+:\d+: \/injects\/1\/at is 1m, earlier than the inject before it: list injects in time order$/,
    );
  });
  it('refuses an acknowledgement by the originator, or of a record without an alert', () => {
    const ack = { at: '6m', node: 'nl', action: 'acknowledge', alert: 'p', state: 'ACTIONED' };
    expect(refused(scenario([publish, ack]))).toThrow(
      /\/injects\/1\/alert refers to inject "p", which carries no alert/,
    );
    const alerting = { ...publish, alert: { level: 'FLASH', actionRequested: 'Detain.' } };
    expect(refused(scenario([alerting, { ...ack, node: 'de' }]))).toThrow(/is the alert originator/);
  });
  it('refuses a revocation by a node other than the originator', () => {
    const revoke = { at: '9m', node: 'nl', action: 'revoke', target: 'p', reason: 'Withdrawn.' };
    expect(refused(scenario([publish, revoke]))).toThrow(/\/injects\/1\/node is nl, but only de can change its record/);
  });
  it('names the expectation whose kind is unknown, with the kinds there are', () => {
    const text = scenario([publish], { expectations: [{ expect: 'alert-seen', alert: 'p' }] });
    expect(refused(text)).toThrow(
      /\/expectations\/0 expect "alert-seen" is not allowed: must be one of alert-received, alert-acknowledged or consultation-answered/,
    );
  });
  it('names a duration it cannot read', () => {
    expect(refused(scenario([{ ...publish, at: '5 minutes' }]))).toThrow(
      /\/injects\/0\/at must be a duration such as PT5M, PT1H30M, 5m, 1h30m or 90s, not "5 minutes"/,
    );
  });
});

describe('control files', () => {
  const control = (nodes: unknown) => parseStructured(JSON.stringify({ nodes }), '/tmp/control.json');
  it('takes a token or a token file, not both', () => {
    expect(() =>
      checkControl(control({ nl: { url: 'http://127.0.0.1:8080/', token: 't', tokenFile: 'x' } }), '/tmp/control.json'),
    ).toThrow(/\/nodes\/nl needs exactly one of token and tokenFile/);
    expect(checkControl(control({ nl: { url: 'http://127.0.0.1:8080/', token: 't' } }), '/tmp/control.json')).toEqual([
      { label: 'nl', url: 'http://127.0.0.1:8080', token: 't' },
    ]);
  });
  it('refuses an unknown member at its name', () => {
    expect(() =>
      checkControl(control({ nl: { url: 'http://x', token: 't', tls: true } }), '/tmp/control.json'),
    ).toThrow(/^\/tmp\/control\.json:1:\d+: \/nodes\/nl\/tls is not a member this object has/);
  });
  it('the tabletop scenario parses the same from YAML and from its JSON form', () => {
    const fromYaml = parseStructured(readFileSync(tabletop, 'utf8'), 'x.yaml').value;
    expect(parseStructured(JSON.stringify(fromYaml), 'x.json').value).toEqual(fromYaml);
  });
});
