// `entente exercise run` and `entente exercise report` (docs/exercises.md) through the real binary,
// against three real exercise nodes over real mTLS: the runner refuses a live node before anything
// is sent, refuses bad scenario files in one line, runs the tabletop at high speed, and the report's
// figures are the ones the nodes' audit logs hold, computed here again from the audit exports. The
// report opens in Chromium with no script, no request and no accessibility violation, and shows a
// hostile record title as text.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { axe, launch } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { ENTENTE_BIN } from '../helpers/entente-bin.js';
import { agreement } from '../helpers/exchange.js';
import { link, startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

const root = join(import.meta.dirname, '../..');
const TABLETOP = join(root, 'scenarios/diversion-tabletop.yaml');
const HOSTILE = `<img src=x onerror="document.title='pwned'">Amplifiers`;
const SPEED = 900;

let nl: TestNode;
let de: TestNode;
let jp: TestNode;
let live: TestNode;
let dir: string;
let control: string;
let scenario: string;

function controlFor(nodes: Record<string, TestNode>): string {
  const file = join(dir, `control-${Object.values(nodes)[0]!.node.operatorPort}.json`);
  const body = Object.fromEntries(
    Object.entries(nodes).map(([label, n]) => [label, { url: n.node.operatorUrl, token: n.adminToken }]),
  );
  writeFileSync(file, JSON.stringify({ nodes: body }, null, 2));
  return file;
}

beforeAll(async () => {
  const sync = { tickMs: 250 };
  [nl, de, jp, live] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', exercise: true, sync }),
    startTestNode('de-enf-01', { country: 'DE', exercise: true, sync }),
    startTestNode('jp-lic-01', { country: 'JP', exercise: true, sync }),
    startTestNode('nl-lic-01', { country: 'NL', sync }),
  ]);
  const wide = (partner: string, reference: string) => agreement('agreement-wide', partner, { reference });
  await link(nl, jp, { aToB: wide('jp-lic-01', 'EX-NL-JP'), bToA: wide('nl-lic-01', 'EX-JP-NL') });
  await link(nl, de, { aToB: wide('de-enf-01', 'EX-NL-DE'), bToA: wide('nl-lic-01', 'EX-DE-NL') });
  // de sends jp GREEN findings only: the AMBER seizure and its alert are withheld from jp
  await link(de, jp, {
    aToB: agreement('agreement-wide', 'jp-lic-01', {
      reference: 'EX-DE-JP',
      share: { finding: { maxTlp: 'GREEN' }, embargoHours: 0, backfill: true },
    }),
    bToA: wide('de-enf-01', 'EX-JP-DE'),
  });
  dir = tempDir('entente-exercise-run-');
  control = controlFor({ nl, de, jp });
  // the shipped tabletop, with partner text an attacker would choose, as a JSON scenario
  const s = parse(readFileSync(TABLETOP, 'utf8')) as Record<string, any>;
  s.injects[1].record.title = HOSTILE;
  s.injects[1].alert.actionRequested = `Detain. <script>document.title='pwned'</script>`;
  scenario = join(dir, 'tabletop.json');
  writeFileSync(scenario, JSON.stringify(s, null, 2));
});
afterAll(stopAll);

async function nothingStored(n: TestNode): Promise<void> {
  expect((await n.op('GET', '/admin/v1/records')).body.items).toEqual([]);
  expect((await n.op('GET', '/admin/v1/consultations')).body.items).toEqual([]);
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('entente exercise run refuses before anything is sent', () => {
  it('a live node in the control file: one line, nothing injected anywhere, no log', async () => {
    const log = join(dir, 'refused-run.json');
    const r = await cli([
      'exercise',
      'run',
      '--scenario',
      scenario,
      '--control',
      controlFor({ nl: live, de, jp }),
      '--speed',
      String(SPEED),
      '--log',
      log,
    ]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /^entente: refused, nothing was sent: nl \(http:\/\/127\.0\.0\.1:\d+\) is nl-lic-01, a live node/,
    );
    expect(existsSync(log)).toBe(false);
    for (const n of [live, nl, de, jp]) await nothingStored(n);
  });

  const tabletop = () => readFileSync(TABLETOP, 'utf8');
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const cases: [string, string, () => string, (file: string, text: string) => RegExp][] = [
    [
      'a JSON syntax error: line and column',
      'json',
      () => '{\n  "scenario": "x",\n  "nodes": {"nl": "nl-lic-01",}\n}\n',
      (f) => new RegExp(`^entente: ${f}:3:31: not valid JSON: expected a "quoted" member name`),
    ],
    [
      'a YAML syntax error: line and column',
      'yaml',
      () => tabletop().replace('    denials: [nl-denial]', '    denials: [nl-denial'),
      (f) => new RegExp(`^entente: ${f}:\\d+:\\d+: not valid YAML: `),
    ],
    [
      'an unknown member: where it is and that it is not one',
      'yaml',
      () => tabletop().replace('    desk: dual-use licensing desk', '    colour: red'),
      (f, text) =>
        new RegExp(
          `^entente: ${f}:${lineOf(text, 'colour: red')}:5: /injects/2/colour is not a member this object has`,
        ),
    ],
    [
      'an unknown action: the allowed ones',
      'yaml',
      () => tabletop().replace('    action: acknowledge', '    action: acknowlege'),
      (f) =>
        new RegExp(
          `^entente: ${f}:\\d+:\\d+: /injects/2 action "acknowlege" is not allowed: must be one of publish, amend, revoke, consult, respond or acknowledge`,
        ),
    ],
    [
      'an unknown node label: the labels there are',
      'yaml',
      () => tabletop().replace('    node: jp\n    action: consult', '    node: fr\n    action: consult'),
      (f, text) =>
        new RegExp(
          `^entente: ${f}:${lineOf(text, 'node: fr')}:11: /injects/3/node names the node label "fr", which the scenario's nodes do not list \\(nl, de, jp\\)`,
        ),
    ],
    [
      'a reference to an unknown inject: the names there are',
      'yaml',
      () => tabletop().replace('    target: seizure', '    target: seizur'),
      (f, text) =>
        new RegExp(
          `^entente: ${f}:${lineOf(text, 'target: seizur')}:13: /injects/5/target refers to inject "seizur", which no earlier inject is named \\(earlier: nl-denial, seizure, `,
        ),
    ],
  ];
  it.each(cases)('%s', async (_what, ext, content, expected) => {
    const text = content();
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.${ext}`);
    writeFileSync(file, text);
    const r = await cli(['exercise', 'run', '--scenario', file, '--control', control, '--log', join(dir, 'x.json')]);
    expect(r.code).toBe(1);
    const esc = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(oneLine(r.stderr)).toMatch(expected(esc, text));
  });
});

describe('a tabletop at high speed, and its after-action report', () => {
  const log = () => join(dir, 'run.json');
  const out = () => join(dir, 'report');
  let run: Record<string, any>;
  let report: Record<string, any>;
  const audit = new Map<string, { at: string; action: string; actor: string; subject: string; details: any }[]>();

  beforeAll(async () => {
    for (const n of [nl, de, jp]) await nothingStored(n);
    const r = await cli([
      'exercise',
      'run',
      '--scenario',
      scenario,
      '--control',
      control,
      '--speed',
      String(SPEED),
      '--log',
      log(),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // not a terminal: one line per event
    expect(r.stdout).toMatch(/^T\+\d\d:\d\d de: published finding de-enf-01:finding:[0-9a-f-]+ \(alert FLASH\)$/m);
    expect(r.stdout).toMatch(/^T\+\d\d:\d\d nl: acknowledged alert seizure ACTIONED$/m);
    run = JSON.parse(readFileSync(log(), 'utf8'));
    const rep = await cli(['exercise', 'report', '--control', control, '--log', log(), '--out', out()]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).toMatch(
      /wrote .*report\.html and report\.json: \d of 3 expectations met; audit logs of 3 nodes verify/,
    );
    report = JSON.parse(readFileSync(join(out(), 'report.json'), 'utf8'));
    // the nodes' own records of what happened, fetched here independently of the report
    for (const n of [nl, de, jp]) {
      const bundle = (await n.op('POST', '/admin/v1/audit/export', { from: 1 })).body;
      audit.set(
        n.nodeId,
        bundle.entries.map((e: any) => ({ ...e, details: JSON.parse(e.details) })),
      );
    }
  }, 60_000);

  const entry = (node: string, action: string, subject: string, more: (e: any) => boolean = () => true) =>
    audit.get(node)!.find((e) => e.action === action && e.subject === subject && more(e)) ?? null;

  it('ran every inject, logging its schedule, actual time and result', () => {
    expect(run).toMatchObject({ kind: 'entente-exercise-run', speed: SPEED, outcome: 'completed' });
    expect(run.injects.map((i: any) => i.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    for (const i of run.injects) {
      expect(Date.parse(i.startedAt)).toBeGreaterThanOrEqual(Date.parse(i.scheduledAt) - 5);
    }
    expect(run.injects[1].result).toMatchObject({ type: 'finding', version: 1, alert: 'FLASH' });
    expect(run.injects[5].result).toMatchObject({ id: run.injects[1].result.id, version: 2 });
  });

  it("the alert's publication, receipt, RECEIVED and final state are the audit logs' times", () => {
    const id = run.injects[1].result.id as string;
    const published = entry('de-enf-01', 'record.publish', id, (e) => e.details.version === 1)!;
    const received = entry('nl-lic-01', 'alert.received', id, (e) => e.actor === 'partner:de-enf-01')!;
    const acted = entry('nl-lic-01', 'alert.acknowledge', id)!;
    const receivedBack = entry('de-enf-01', 'alert.ack-received', id, (e) => e.details.state === 'RECEIVED')!;
    const actedBack = entry('de-enf-01', 'alert.ack-received', id, (e) => e.details.state === 'ACTIONED')!;
    const a = report.alerts.find((x: any) => x.id === id);
    expect(a).toMatchObject({
      inject: 'seizure',
      level: 'FLASH',
      version: 1,
      publishedAt: published.at,
      title: HOSTILE,
    });
    const atNl = a.partners.find((p: any) => p.label === 'nl');
    expect(atNl).toEqual(
      expect.objectContaining({
        eligible: true,
        releasedAt: entry('de-enf-01', 'release.record', 'nl-lic-01', (e) => e.details.id === id)!.at,
        receivedAt: received.at,
        latencyMs: Date.parse(received.at) - Date.parse(published.at),
        receivedAckAt: receivedBack.at,
        finalState: acted.details.state,
        finalAt: acted.at,
        finalArrivedAt: actedBack.at,
      }),
    );
    expect(acted.details.state).toBe('ACTIONED');
    // jp's agreement withholds the AMBER finding: not eligible, and its log holds no receipt
    const atJp = a.partners.find((p: any) => p.label === 'jp');
    expect(atJp).toMatchObject({ eligible: false, receivedAt: null, latencyMs: null });
    expect(entry('jp-lic-01', 'alert.received', id)).toBeNull();
    const withheld = report.agreements.find((g: any) => g.from === 'de' && g.to === 'jp');
    expect(withheld).toMatchObject({ agreement: 'EX-DE-JP v1', released: [] });
    expect(withheld.withheld[0]).toMatchObject({ record: 'seizure', id });
  });

  it("the consultation turnaround and its due time are the nodes' own", async () => {
    const cid = run.injects[3].result.consultationId as string;
    const requested = entry('jp-lic-01', 'consultation.request', cid)!;
    const responded = entry('nl-lic-01', 'consultation.response', cid)!;
    const view = (await jp.op('GET', '/admin/v1/consultations')).body.items.find((c: any) => c.id === cid);
    const c = report.consultations.find((x: any) => x.id === cid);
    expect(c).toMatchObject({
      requester: 'jp',
      responder: 'nl',
      requestedAt: requested.at,
      respondedAt: responded.at,
      turnaroundMs: Date.parse(responded.at) - Date.parse(requested.at),
      dueAt: view.dueAt,
      position: 'MAINTAINS_DENIAL',
      withinCommitment: Date.parse(responded.at) <= Date.parse(view.dueAt),
      onTime: view.onTime,
    });
  });

  it('each expectation is judged on the recorded times, windows in scenario time', () => {
    const id = run.injects[1].result.id as string;
    const published = Date.parse(entry('de-enf-01', 'record.publish', id)!.at);
    const received = Date.parse(entry('nl-lic-01', 'alert.received', id)!.at);
    const acted = entry('nl-lic-01', 'alert.acknowledge', id)!;
    const cid = run.injects[3].result.consultationId as string;
    const responded = Date.parse(entry('nl-lic-01', 'consultation.response', cid)!.at);
    const due = Date.parse(report.consultations[0].dueAt);
    const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
    expect(report.expectations.map((e: any) => e.verdict)).toEqual([
      verdict(received - published <= (2 * 60_000) / SPEED),
      verdict(acted.details.state === 'ACTIONED' && Date.parse(acted.at) - published <= (30 * 60_000) / SPEED),
      verdict(responded <= due),
    ]);
    expect(report.nodes.map((n: any) => [n.label, n.mode, n.audit.ok])).toEqual([
      ['nl', 'exercise', true],
      ['de', 'exercise', true],
      ['jp', 'exercise', true],
    ]);
  });
});

describe('report.html in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders on its own: no script, no request, no console error, axe clean, hostile text shown as text', async () => {
    const file = join(dir, 'report', 'report.html');
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url);
    await expect(page.title()).resolves.toMatch(/^EXERCISE after-action report: /);
    await expect(page.locator('.exercise-banner').innerText()).resolves.toMatch(/EXERCISE/);
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('script, img, link, iframe').count()).toBe(0);
    await expect(page.getByText(HOSTILE).first().isVisible()).resolves.toBe(true);
    expect(await page.content()).toContain('&lt;img src=x onerror=');
    await axe(page, 'report.html');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });
});

describe('stopping and refusing', () => {
  it('Ctrl-C stops the run cleanly: the inject in flight completes, the rest are not run, the log is kept', async () => {
    const tabletop = parse(readFileSync(TABLETOP, 'utf8')) as Record<string, any>;
    const denial = (ref: string, at: string) => ({
      ...tabletop.injects[0],
      name: ref.toLowerCase(),
      at,
      record: { ...tabletop.injects[0].record, originatorReference: ref },
    });
    const file = join(dir, 'stop.json');
    writeFileSync(
      file,
      JSON.stringify({
        scenario: 'stop',
        nodes: tabletop.nodes,
        injects: [denial('EX-STOP-1', '0s'), denial('EX-STOP-2', '1h')],
      }),
    );
    const log = join(dir, 'stop-run.json');
    const child = spawn(
      process.execPath,
      [ENTENTE_BIN, 'exercise', 'run', '--scenario', file, '--control', control, '--log', log],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // the first inject done (or the run over, which fails below with what it said)
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/nl: published denial/.test(stdout)) resolve();
      });
      void exited.then(() => resolve());
    });
    expect(stdout, stderr).toMatch(/nl: published denial/);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/stopped: 1 inject\(s\) not run; the log is kept in /);
    const kept = JSON.parse(readFileSync(log, 'utf8'));
    expect(kept.outcome).toBe('stopped');
    expect(kept.injects.map((i: any) => i.status)).toEqual(['done', 'not-run']);
    expect(kept.endedAt).not.toBeNull();
  });

  it('the report refuses a node whose audit chain does not verify, and writes nothing', async () => {
    const db = new Database(de.config.files.database);
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 5").run();
    db.close();
    const out = join(dir, 'refused-report');
    const r = await cli(['exercise', 'report', '--control', control, '--log', join(dir, 'run.json'), '--out', out]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /^entente: de \(http:\/\/127\.0\.0\.1:\d+\): the audit log does not verify \(the node reports its chain broken at entry 5\); no report was written$/,
    );
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });
});
