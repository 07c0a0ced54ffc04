// `entente exercise run` (docs/exercises.md): drives a scenario's injects through the nodes'
// operator APIs at scenario time ÷ speed, reports each inject and each reaction the nodes show as it
// happens, and keeps a run log (written after every inject) that `exercise report` reads.
import { randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { ExerciseError, type CheckedNode, type NodeClient } from './client.js';
import { offsetSeconds, withRunDates } from './scenario.js';
import type { Inject, Scenario } from './types.js';

export interface InjectResult {
  /** The record the inject made or changed. */
  id?: string;
  version?: number;
  type?: 'denial' | 'finding';
  alert?: 'FLASH' | 'PRIORITY';
  consultationId?: string;
  dueAt?: string;
  /** How long the inject waited for what it answers (an alert, a consultation) to arrive. */
  waitedMs?: number;
}

export interface InjectLog {
  index: number;
  name: string | null;
  node: string;
  action: Inject['action'];
  /** Scenario seconds from the start. */
  at: number;
  scheduledAt: string;
  startedAt: string | null;
  doneAt: string | null;
  status: 'done' | 'failed' | 'not-run';
  result: InjectResult | null;
  error: string | null;
}

export interface RunLog {
  kind: 'entente-exercise-run';
  runId: string;
  scenarioFile: string;
  scenario: Scenario;
  speed: number;
  startedAt: string;
  endedAt: string | null;
  outcome: 'running' | 'completed' | 'stopped' | 'failed';
  nodes: Record<string, { nodeId: string; url: string }>;
  injects: InjectLog[];
}

export interface RunEvent {
  /** Scenario seconds since the start. */
  t: number;
  kind: 'inject' | 'reaction' | 'failed' | 'info';
  node?: string;
  text: string;
}

export interface RunOptions {
  scenarioFile: string;
  speed: number;
  logFile: string;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** How long an acknowledge or respond inject waits for its alert or request to arrive (wall ms). */
  arrivalTimeoutMs?: number;
  /** How often the nodes are asked for reactions (wall ms). */
  pollMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function writeLog(file: string, log: RunLog): void {
  // a reader never sees half a log: written beside it, then renamed over it
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(log, null, 2) + '\n');
  renameSync(tmp, file);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

interface Held {
  id: string;
  version: number;
  type: 'denial' | 'finding';
  alert?: 'FLASH' | 'PRIORITY';
}

/** Runs the scenario against checked exercise nodes; returns the final log (also on Ctrl-C). */
export async function runScenario(scenario: Scenario, nodes: CheckedNode[], o: RunOptions): Promise<RunLog> {
  const byLabel = new Map(nodes.map((n) => [n.label, n]));
  const start = Date.now();
  const wall = (t: number) => start + (t * 1000) / o.speed;
  const now = () => ((Date.now() - start) * o.speed) / 1000;
  const emit = (e: Omit<RunEvent, 't'>) => o.onEvent?.({ t: now(), ...e });
  const log: RunLog = {
    kind: 'entente-exercise-run',
    runId: randomUUID(),
    scenarioFile: o.scenarioFile,
    scenario,
    speed: o.speed,
    startedAt: iso(start),
    endedAt: null,
    outcome: 'running',
    nodes: Object.fromEntries(nodes.map((n) => [n.label, { nodeId: n.nodeId, url: n.client.url }])),
    injects: scenario.injects.map((inj, index) => {
      const at = offsetSeconds(inj.at);
      return {
        index,
        name: 'name' in inj && inj.name !== undefined ? inj.name : null,
        node: inj.node,
        action: inj.action,
        at,
        scheduledAt: iso(wall(at)),
        startedAt: null,
        doneAt: null,
        status: 'not-run',
        result: null,
        error: null,
      };
    }),
  };
  writeLog(o.logFile, log);
  const results = new Map<string, InjectResult>();
  const records = new Map<string, Held>();
  const names = new Map<string, string>(); // record or consultation id → inject name, for progress
  const watcher = new Watcher(nodes, names, emit, o.signal);
  const watching = watcher.run(o.pollMs ?? 400);
  try {
    for (const entry of log.injects) {
      await sleep(wall(entry.at) - Date.now(), o.signal);
      if (o.signal?.aborted) break;
      const inj = withRunDates(scenario.injects[entry.index]!, start);
      const node = byLabel.get(inj.node)!;
      entry.startedAt = iso(Date.now());
      try {
        const r = await perform(inj, node, byLabel, results, records, o);
        entry.result = r;
        entry.status = 'done';
        if (entry.name) results.set(entry.name, r);
        if (r.id && entry.name && inj.action === 'publish') names.set(r.id, entry.name);
        if (r.consultationId && entry.name && inj.action === 'consult') names.set(r.consultationId, entry.name);
        emit({ kind: 'inject', node: inj.node, text: describe(inj, r, byLabel) });
      } catch (e) {
        entry.status = 'failed';
        entry.error = (e as Error).message;
        emit({
          kind: 'failed',
          node: inj.node,
          text: `${inj.action}${entry.name ? ` ${entry.name}` : ''} failed: ${entry.error}`,
        });
        if (e instanceof ExerciseError && /answers as a .* node/.test(e.message)) throw e;
      } finally {
        entry.doneAt = iso(Date.now());
        writeLog(o.logFile, log);
      }
    }
    if (!o.signal?.aborted) {
      // reactions still on their way: wait while an expectation can still be met, within its window
      const until = settleDeadline(scenario, log, o.speed);
      while (!o.signal?.aborted && Date.now() < until && !(await watcher.settled(scenario, results))) {
        await sleep(Math.min(500, until - Date.now()), o.signal);
      }
    }
    log.outcome = o.signal?.aborted ? 'stopped' : 'completed';
  } catch (e) {
    log.outcome = 'failed';
    throw e;
  } finally {
    watcher.stop();
    await watching;
    log.endedAt = iso(Date.now());
    writeLog(o.logFile, log);
  }
  return log;
}

/** The wall time after which waiting for reactions is pointless: the last expectation window. */
function settleDeadline(scenario: Scenario, log: RunLog, speed: number): number {
  const byName = new Map(log.injects.filter((i) => i.name).map((i) => [i.name!, i]));
  let until = Date.now();
  for (const x of scenario.expectations ?? []) {
    const anchor = byName.get(x.expect === 'consultation-answered' ? x.consultation : x.alert);
    if (!anchor?.startedAt) continue;
    // a consultation with no window of its own: its answer has a few seconds to travel back
    const window = x.within !== undefined ? (offsetSeconds(x.within) * 1000) / speed : 15_000;
    until = Math.max(until, Date.parse(anchor.startedAt) + window);
  }
  return Math.min(until, Date.now() + 10 * 60_000);
}

function describe(inj: Inject, r: InjectResult, byLabel: Map<string, CheckedNode>): string {
  const short = (id?: string) => (id ? id.replace(/^urn:entente:/, '') : '?');
  switch (inj.action) {
    case 'publish':
      return `published ${inj.type} ${short(r.id)}${inj.alert ? ` (alert ${inj.alert.level})` : ''}`;
    case 'amend':
      return `amended ${inj.target} to v${r.version}${inj.alert ? ` (alert ${inj.alert.level})` : ''}`;
    case 'revoke':
      return `${inj.status ?? (r.type === 'finding' ? 'WITHDRAWN' : 'REVOKED')} ${inj.target} (v${r.version})`;
    case 'consult':
      return `asked ${inj.partner} (${byLabel.get(inj.partner)!.nodeId}) about ${inj.denials.join(', ')}; due ${r.dueAt}`;
    case 'respond':
      return `answered ${inj.consultation}: ${inj.position}`;
    case 'acknowledge':
      return `acknowledged alert ${inj.alert} ${inj.state}`;
  }
}

/** Retries a call while it answers 404 (what it answers has not arrived yet), up to a timeout. */
async function whenArrived<T>(call: () => Promise<T>, o: RunOptions): Promise<{ value: T; waitedMs: number }> {
  const t0 = Date.now();
  const limit = o.arrivalTimeoutMs ?? 60_000;
  for (;;) {
    try {
      return { value: await call(), waitedMs: Date.now() - t0 };
    } catch (e) {
      const waiting = e instanceof ExerciseError && e.status === 404;
      if (!waiting || Date.now() - t0 > limit || o.signal?.aborted) throw e;
      await sleep(150, o.signal);
    }
  }
}

const enc = encodeURIComponent;

async function perform(
  inj: Inject,
  node: CheckedNode,
  byLabel: Map<string, CheckedNode>,
  results: Map<string, InjectResult>,
  records: Map<string, Held>,
  o: RunOptions,
): Promise<InjectResult> {
  const c: NodeClient = node.client;
  const held = (name: string): Held => {
    const r = results.get(name);
    if (!r?.id) throw new ExerciseError(`inject "${name}" made no record (it failed or did not run)`);
    return records.get(r.id)!;
  };
  switch (inj.action) {
    case 'publish': {
      const record = { ...inj.record, ...(inj.alert ? { alert: inj.alert } : {}) };
      const r = await c.call<{ id: string; version: number }>('POST', '/admin/v1/records', { type: inj.type, record });
      const h: Held = {
        id: r.id,
        version: r.version,
        type: inj.type,
        ...(inj.alert ? { alert: inj.alert.level } : {}),
      };
      records.set(r.id, h);
      return { ...h };
    }
    case 'amend': {
      const h = held(inj.target);
      const cur = await c.call<{ current: { record: Record<string, unknown> } }>(
        'GET',
        `/admin/v1/records/${enc(h.id)}`,
      );
      // a later version without `alert` ends the escalation (docs/protocol.md §14.2)
      const { alert: _ended, ...rest } = cur.current.record;
      const record = {
        ...rest,
        ...inj.changes,
        ...(inj.alert ? { alert: inj.alert } : {}),
      };
      const r = await c.call<{ id: string; version: number }>('PUT', `/admin/v1/records/${enc(h.id)}`, { record });
      const next: Held = {
        id: h.id,
        version: r.version,
        type: h.type,
        ...(inj.alert ? { alert: inj.alert.level } : {}),
      };
      records.set(h.id, next);
      return { ...next };
    }
    case 'revoke': {
      const h = held(inj.target);
      const status = inj.status ?? (h.type === 'finding' ? 'WITHDRAWN' : 'REVOKED');
      const r = await c.call<{ id: string; version: number }>('POST', `/admin/v1/records/${enc(h.id)}/status`, {
        status,
        reason: inj.reason,
      });
      records.set(h.id, { id: h.id, version: r.version, type: h.type });
      return { id: h.id, version: r.version, type: h.type };
    }
    case 'consult': {
      const partner = byLabel.get(inj.partner)!;
      const body = {
        partner: partner.nodeId,
        referencedDenials: inj.denials.map((d) => ({ id: held(d).id, version: held(d).version })),
        proposedTransaction: inj.proposedTransaction,
        ...(inj.question !== undefined ? { question: inj.question } : {}),
      };
      const v = await c.call<{ id: string; dueAt: string }>('POST', '/admin/v1/consultations', body);
      return { consultationId: v.id, dueAt: v.dueAt };
    }
    case 'respond': {
      const asked = results.get(inj.consultation);
      if (!asked?.consultationId) throw new ExerciseError(`inject "${inj.consultation}" opened no consultation`);
      const body = {
        type: 'RESPONSE',
        position: inj.position,
        ...(inj.rationale !== undefined ? { rationale: inj.rationale } : {}),
      };
      const { waitedMs } = await whenArrived(
        () => c.call('POST', `/admin/v1/consultations/${enc(asked.consultationId!)}/messages`, body),
        o,
      );
      return { consultationId: asked.consultationId, waitedMs };
    }
    case 'acknowledge': {
      const r = results.get(inj.alert);
      if (!r?.id || r.version === undefined) throw new ExerciseError(`inject "${inj.alert}" made no alert`);
      const body = {
        id: r.id,
        version: r.version,
        state: inj.state,
        ...(inj.ackNote !== undefined ? { note: inj.ackNote } : {}),
        ...(inj.desk !== undefined ? { desk: inj.desk } : {}),
      };
      const { waitedMs } = await whenArrived(() => c.call('POST', '/admin/v1/alerts/ack', body), o);
      return { id: r.id, version: r.version, waitedMs };
    }
  }
}

interface AlertsView {
  received: { partner: string; id: string; version: number; level: string }[];
  sent: {
    id: string;
    version: number;
    level: string;
    partners: { partner: string; status: string; receivedAt: string | null; finalState: string | null }[];
  }[];
}

interface ConsultationItem {
  id: string;
  role: 'requester' | 'responder';
  partner: string;
  state: string;
  position: string | null;
  onTime: boolean | null;
}

/**
 * Asks every node, every few hundred milliseconds, what it saw: alerts arriving, RECEIVED and final
 * acknowledgements reaching the originator, consultation requests arriving and answers coming back.
 */
class Watcher {
  private stopped = false;
  private readonly seen = new Set<string>();
  private alerts = new Map<string, AlertsView>();
  private consultations = new Map<string, ConsultationItem[]>();

  constructor(
    private readonly nodes: CheckedNode[],
    private readonly names: Map<string, string>,
    private readonly emit: (e: Omit<RunEvent, 't'>) => void,
    private readonly signal?: AbortSignal,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  async run(pollMs: number): Promise<void> {
    while (!this.stopped && !this.signal?.aborted) {
      await this.poll().catch(() => undefined);
      await sleep(pollMs, this.signal);
    }
  }

  private label(nodeId: string): string {
    return this.nodes.find((n) => n.nodeId === nodeId)?.label ?? nodeId;
  }

  private once(key: string, e: Omit<RunEvent, 't'>): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.emit(e);
  }

  async poll(): Promise<void> {
    for (const n of this.nodes) {
      const a = await n.client.call<AlertsView>('GET', '/admin/v1/alerts');
      this.alerts.set(n.label, a);
      for (const r of a.received) {
        const name = this.names.get(r.id) ?? r.id;
        this.once(`recv ${n.label} ${r.id} ${r.version}`, {
          kind: 'reaction',
          node: n.label,
          text: `received ${r.level} alert ${name} v${r.version} from ${this.label(r.partner)}`,
        });
      }
      for (const s of a.sent) {
        const name = this.names.get(s.id) ?? s.id;
        for (const p of s.partners) {
          if (p.receivedAt)
            this.once(`ack ${s.id} ${s.version} ${p.partner} RECEIVED`, {
              kind: 'reaction',
              node: n.label,
              text: `${this.label(p.partner)} RECEIVED ${name} v${s.version}`,
            });
          if (p.finalState)
            this.once(`ack ${s.id} ${s.version} ${p.partner} final`, {
              kind: 'reaction',
              node: n.label,
              text: `${this.label(p.partner)} ${p.finalState} ${name} v${s.version}`,
            });
        }
      }
      const cs = await n.client.call<{ items: ConsultationItem[] }>('GET', '/admin/v1/consultations');
      this.consultations.set(n.label, cs.items);
      for (const cv of cs.items) {
        const name = this.names.get(cv.id) ?? cv.id;
        if (cv.role === 'responder')
          this.once(`req ${cv.id}`, {
            kind: 'reaction',
            node: n.label,
            text: `consultation ${name} from ${this.label(cv.partner)} arrived`,
          });
        if (cv.role === 'requester' && cv.position)
          this.once(`ans ${cv.id}`, {
            kind: 'reaction',
            node: n.label,
            text: `answer to ${name} arrived: ${cv.position}${cv.onTime === false ? ' (late)' : ''}`,
          });
      }
    }
  }

  /** Whether every expectation can be judged already: each reaction it names has been seen. */
  async settled(scenario: Scenario, results: Map<string, InjectResult>): Promise<boolean> {
    await this.poll().catch(() => undefined);
    for (const x of scenario.expectations ?? []) {
      if (x.expect === 'consultation-answered') {
        const id = results.get(x.consultation)?.consultationId;
        if (!id) continue;
        const answered = [...this.consultations.values()]
          .flat()
          .some((c) => c.id === id && c.role === 'requester' && c.position);
        if (!answered) return false;
        continue;
      }
      const r = results.get(x.alert);
      if (!r?.id) continue;
      const origin = scenario.injects.find((i) => 'name' in i && i.name === x.alert)!.node;
      const sent = this.alerts.get(origin)?.sent.find((s) => s.id === r.id && s.version === r.version);
      if (!sent) return false;
      const wanted = Array.isArray(x.by)
        ? x.by.map((l) => this.nodes.find((n) => n.label === l)!.nodeId)
        : sent.partners
            .filter((p) => p.status !== 'not-eligible' && this.nodes.some((n) => n.nodeId === p.partner))
            .map((p) => p.partner);
      for (const partner of wanted) {
        const p = sent.partners.find((q) => q.partner === partner);
        if (!p) return false;
        if (x.expect === 'alert-received' && !p.receivedAt) return false;
        if (x.expect === 'alert-acknowledged' && !p.finalState) return false;
      }
    }
    return true;
  }
}
