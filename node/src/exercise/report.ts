// `entente exercise report` (docs/exercises.md): measures the alliance against the scenario from what
// collect.ts gathered from every node. Every time in the report is one a node recorded (an audit
// entry, or a time its API shows), so its figures can be checked against the nodes' audit logs. Pure.
import type { AuditBundle } from '../core/audit.js';
import type { Collected } from './collect.js';
import type { RunLog } from './run.js';
import { offsetSeconds } from './scenario.js';

export interface NodeAudit {
  label: string;
  nodeId: string;
  name: string;
  country: string;
  mode: string;
  audit: { ok: boolean; entries: number; checkpoints: number; verifiedByNode: boolean };
}

export interface TimelineEntry {
  at: string;
  /** Scenario seconds since the start of the run. */
  t: number;
  node: string;
  kind: 'inject' | 'reaction';
  action: string;
  text: string;
}

export interface AlertPartner {
  label: string;
  nodeId: string;
  eligible: boolean;
  releasedAt: string | null;
  receivedAt: string | null;
  latencyMs: number | null;
  receivedAckAt: string | null;
  finalState: string | null;
  finalAt: string | null;
  finalArrivedAt: string | null;
  /** The partner's note and desk with its final state (partner text). */
  note: string | null;
  desk: string | null;
}

export interface AlertReport {
  inject: string;
  node: string;
  id: string;
  version: number;
  level: string;
  title: string;
  actionRequested: string;
  publishedAt: string | null;
  partners: AlertPartner[];
}

export interface ConsultationReport {
  inject: string;
  requester: string;
  responder: string;
  id: string;
  requestedAt: string | null;
  arrivedAt: string | null;
  respondedAt: string | null;
  answerArrivedAt: string | null;
  position: string | null;
  dueAt: string | null;
  turnaroundMs: number | null;
  /** The requester's own judgement (release time against the due time, docs/protocol.md Consultations). */
  onTime: boolean | null;
  withinCommitment: boolean | null;
}

export interface AgreementReport {
  from: string;
  to: string;
  agreement: string | null;
  released: { record: string; id: string; versions: number[]; redacted: string[] }[];
  /** Why, as the originator's policy explains it for the record's current version. */
  withheld: { record: string; id: string; version: number | null; reasons: string[] }[];
}

export interface ExpectationReport {
  index: number;
  expect: string;
  description: string | null;
  verdict: 'met' | 'missed' | 'not-judged';
  detail: string;
}

export interface Report {
  kind: 'entente-exercise-report';
  runId: string;
  scenario: { name: string; title: string | null; description: string | null; file: string };
  speed: number;
  startedAt: string;
  endedAt: string | null;
  outcome: string;
  generatedAt: string;
  nodes: NodeAudit[];
  injects: {
    index: number;
    name: string | null;
    node: string;
    action: string;
    t: number;
    scheduledAt: string;
    startedAt: string | null;
    recordedAt: string | null;
    status: string;
    error: string | null;
  }[];
  timeline: TimelineEntry[];
  records: { inject: string; node: string; id: string; type: string; version: number; status: string; title: string }[];
  alerts: AlertReport[];
  consultations: ConsultationReport[];
  agreements: AgreementReport[];
  expectations: ExpectationReport[];
}

interface Entry {
  seq: number;
  at: string;
  action: string;
  actor: string;
  subject: string;
  details: Record<string, unknown>;
}

function entries(rows: AuditBundle['entries']): Entry[] {
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    action: r.action,
    actor: r.actor,
    subject: r.subject,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}

const ms = (a: string | null, b: string | null) => (a && b ? Date.parse(b) - Date.parse(a) : null);

/** The report of a run from what the nodes recorded. Pure: the same log and collection give the same report. */
export function analyse(log: RunLog, collected: Collected[], generatedAt: string): Report {
  const start = Date.parse(log.startedAt);
  const tOf = (at: string) => ((Date.parse(at) - start) * log.speed) / 1000;
  const byLabel = new Map(collected.map((c) => [c.label, c]));
  const labelOf = (nodeId: string) => collected.find((c) => c.nodeId === nodeId)?.label ?? nodeId;
  const fullAudit = new Map(collected.map((c) => [c.label, entries(c.audit.entries)]));
  const audit = new Map(fullAudit);
  // only what happened from the start of the run on
  for (const [k, v] of audit)
    audit.set(
      k,
      v.filter((e) => Date.parse(e.at) >= start - 1000),
    );
  const find = (label: string, pred: (e: Entry) => boolean) => audit.get(label)?.find(pred) ?? null;
  const names = new Map<string, string>();
  for (const i of log.injects) {
    if (i.name && i.result?.id && i.action === 'publish') names.set(i.result.id, i.name);
    if (i.name && i.result?.consultationId) names.set(i.result.consultationId, i.name);
  }
  const nameOf = (id: string) => names.get(id) ?? id;

  // each inject as the node recorded it
  const recordedAction: Record<string, string[]> = {
    publish: ['record.publish'],
    amend: ['record.amend'],
    revoke: ['record.status'],
    consult: ['consultation.request'],
    respond: ['consultation.response'],
    acknowledge: ['alert.acknowledge'],
  };
  const injects = log.injects.map((i) => {
    const r = i.result;
    const e = r
      ? find(i.node, (x) => {
          if (!recordedAction[i.action]!.includes(x.action)) return false;
          if (i.action === 'consult' || i.action === 'respond') return x.subject === r.consultationId;
          return x.subject === r.id && x.details.version === r.version;
        })
      : null;
    return {
      index: i.index,
      name: i.name,
      node: i.node,
      action: i.action,
      t: i.at,
      scheduledAt: i.scheduledAt,
      startedAt: i.startedAt,
      recordedAt: e?.at ?? null,
      status: i.status,
      error: i.error,
    };
  });

  // the timeline: injects where the node recorded them, reactions from the audit logs
  const timeline: TimelineEntry[] = [];
  for (const i of injects) {
    const at = i.recordedAt ?? i.startedAt;
    if (!at) continue;
    const inj = log.scenario.injects[i.index]!;
    timeline.push({
      at,
      t: tOf(at),
      node: i.node,
      kind: 'inject',
      action: i.action,
      text: `${i.action}${i.name ? ` ${i.name}` : ''}${'alert' in inj && inj.alert && typeof inj.alert === 'object' ? ` (${inj.alert.level})` : ''}${i.status === 'failed' ? ' FAILED' : ''}`,
    });
  }
  const reactionText: Record<string, (e: Entry) => string> = {
    'alert.received': (e) =>
      `received ${String(e.details.level)} alert ${nameOf(e.subject)} from ${labelOf(e.actor.replace(/^partner:/, ''))}`,
    'alert.ack-received': (e) =>
      `${labelOf(e.actor.replace(/^partner:/, ''))} ${String(e.details.state)} ${nameOf(e.subject)} (acknowledgement arrived)`,
    'consultation.request-received': (e) =>
      `consultation ${nameOf(e.subject)} arrived from ${labelOf(e.actor.replace(/^partner:/, ''))}`,
    'consultation.response-received': (e) => `answer to ${nameOf(e.subject)} arrived`,
    'consultation.lapsed': (e) => `consultation ${nameOf(e.subject)} lapsed`,
  };
  for (const c of collected) {
    for (const e of audit.get(c.label)!) {
      const text = reactionText[e.action];
      if (text)
        timeline.push({ at: e.at, t: tOf(e.at), node: c.label, kind: 'reaction', action: e.action, text: text(e) });
    }
  }
  timeline.sort((a, b) => a.at.localeCompare(b.at) || a.node.localeCompare(b.node));

  // alerts: latency from publication to receipt at each partner
  const alerts: AlertReport[] = [];
  for (const i of log.injects) {
    const inj = log.scenario.injects[i.index]!;
    if ((inj.action !== 'publish' && inj.action !== 'amend') || !inj.alert || !i.result?.id) continue;
    const id = i.result.id;
    const version = i.result.version!;
    const origin = byLabel.get(i.node)!;
    const publishedAt =
      find(
        i.node,
        (e) =>
          (e.action === 'record.publish' || e.action === 'record.amend') &&
          e.subject === id &&
          e.details.version === version,
      )?.at ?? null;
    const sent = origin.alerts.sent.find((s) => s.id === id && s.version === version);
    const partners: AlertPartner[] = collected
      .filter((p) => p !== origin)
      .map((p) => {
        const row = sent?.partners.find((x) => x.partner === p.nodeId);
        const releasedAt =
          find(
            i.node,
            (e) =>
              e.action === 'release.record' &&
              e.subject === p.nodeId &&
              e.details.id === id &&
              e.details.version === version,
          )?.at ?? null;
        const receivedAt =
          find(
            p.label,
            (e) =>
              e.action === 'alert.received' &&
              e.subject === id &&
              e.details.version === version &&
              e.actor === `partner:${origin.nodeId}`,
          )?.at ?? null;
        const ackIn = (final: boolean) =>
          find(
            i.node,
            (e) =>
              e.action === 'alert.ack-received' &&
              e.subject === id &&
              e.details.version === version &&
              e.actor === `partner:${p.nodeId}` &&
              (e.details.state === 'RECEIVED') !== final,
          );
        const acted = find(
          p.label,
          (e) => e.action === 'alert.acknowledge' && e.subject === id && e.details.version === version,
        );
        return {
          label: p.label,
          nodeId: p.nodeId,
          eligible: row !== undefined && row.status !== 'not-eligible',
          releasedAt,
          receivedAt,
          latencyMs: ms(publishedAt, receivedAt),
          receivedAckAt: ackIn(false)?.at ?? null,
          finalState: (acted?.details.state as string | undefined) ?? row?.finalState ?? null,
          finalAt: acted?.at ?? null,
          finalArrivedAt: ackIn(true)?.at ?? null,
          note: row && 'note' in row ? (row.note ?? null) : null,
          desk: row && 'desk' in row ? (row.desk ?? null) : null,
        };
      });
    alerts.push({
      inject: i.name ?? `#${i.index}`,
      node: i.node,
      id,
      version,
      level: inj.alert.level,
      title: origin.records.find((r) => r.id === id)?.title ?? id,
      actionRequested: sent?.actionRequested ?? inj.alert.actionRequested,
      publishedAt,
      partners,
    });
  }

  // consultations: turnaround against the responder's commitment (the due time)
  const consultations: ConsultationReport[] = [];
  for (const i of log.injects) {
    const inj = log.scenario.injects[i.index]!;
    if (inj.action !== 'consult' || !i.result?.consultationId) continue;
    const id = i.result.consultationId;
    const view = byLabel.get(i.node)!.consultations.find((c) => c.id === id && c.role === 'requester');
    const requestedAt = find(i.node, (e) => e.action === 'consultation.request' && e.subject === id)?.at ?? null;
    const respondedAt = find(inj.partner, (e) => e.action === 'consultation.response' && e.subject === id)?.at ?? null;
    const dueAt = view?.dueAt ?? i.result.dueAt ?? null;
    consultations.push({
      inject: i.name ?? `#${i.index}`,
      requester: i.node,
      responder: inj.partner,
      id,
      requestedAt,
      arrivedAt: find(inj.partner, (e) => e.action === 'consultation.request-received' && e.subject === id)?.at ?? null,
      respondedAt,
      answerArrivedAt:
        find(i.node, (e) => e.action === 'consultation.response-received' && e.subject === id)?.at ?? null,
      position: view?.position ?? null,
      dueAt,
      turnaroundMs: ms(requestedAt, respondedAt),
      onTime: view?.onTime ?? null,
      withinCommitment: respondedAt && dueAt ? Date.parse(respondedAt) <= Date.parse(dueAt) : null,
    });
  }

  // what each agreement let through and withheld, for the records the run made
  const agreements: AgreementReport[] = [];
  for (const from of collected) {
    for (const to of collected) {
      if (from === to) continue;
      // the agreement in force: the last statement this node sent the partner (made before the run, usually)
      const statement = fullAudit
        .get(from.label)!
        .filter((e) => e.action === 'release.statement' && e.subject === to.nodeId)
        .at(-1)?.details.agreement as { reference: string; version: number } | null | undefined;
      const own = log.injects.filter((i) => i.action === 'publish' && i.node === from.label && i.result?.id);
      const released: AgreementReport['released'] = [];
      const withheld: AgreementReport['withheld'] = [];
      for (const i of own) {
        const id = i.result!.id!;
        const rel = audit
          .get(from.label)!
          .filter((e) => e.action === 'release.record' && e.subject === to.nodeId && e.details.id === id);
        if (rel.length) {
          released.push({
            record: i.name ?? id,
            id,
            versions: rel.map((e) => e.details.version as number),
            redacted: [...new Set(rel.flatMap((e) => (e.details.redacted as string[] | undefined) ?? []))],
          });
        } else {
          const why = from.explanations.find((x) => x.record === id && x.partner === to.nodeId);
          withheld.push({ record: i.name ?? id, id, version: why?.version ?? null, reasons: why?.reasons ?? [] });
        }
      }
      if (own.length)
        agreements.push({
          from: from.label,
          to: to.label,
          agreement: statement ? `${statement.reference} v${statement.version}` : null,
          released,
          withheld,
        });
    }
  }

  const expectations = judge(log, alerts, consultations);
  return {
    kind: 'entente-exercise-report',
    runId: log.runId,
    scenario: {
      name: log.scenario.scenario,
      title: log.scenario.title ?? null,
      description: log.scenario.description ?? null,
      file: log.scenarioFile,
    },
    speed: log.speed,
    startedAt: log.startedAt,
    endedAt: log.endedAt,
    outcome: log.outcome,
    generatedAt,
    nodes: collected.map((c) => ({
      label: c.label,
      nodeId: c.nodeId,
      name: c.info.name,
      country: c.info.country,
      mode: c.info.mode,
      audit: {
        ok: c.auditCheck.ok,
        entries: c.auditCheck.entries,
        checkpoints: c.auditCheck.checkpoints,
        verifiedByNode: c.auditCheck.verifiedByNode,
      },
    })),
    injects,
    timeline,
    records: log.injects.flatMap((i) => {
      if (i.action !== 'publish' || !i.result?.id) return [];
      const held = byLabel.get(i.node)?.records.find((r) => r.id === i.result!.id);
      if (!held) return [];
      return [{ inject: i.name ?? `#${i.index}`, node: i.node, ...held }];
    }),
    alerts,
    consultations,
    agreements,
    expectations,
  };
}

/** Seconds with two decimals, for the detail lines. */
const secs = (m: number) => `${(m / 1000).toFixed(2)} s`;

/**
 * Each expectation against the recorded times. A window is scenario time: at --speed N it is N
 * times shorter on the wall clock, which the nodes' times are (docs/exercises.md).
 */
export function judge(log: RunLog, alerts: AlertReport[], consultations: ConsultationReport[]): ExpectationReport[] {
  return (log.scenario.expectations ?? []).map((x, index) => {
    const base = { index, expect: x.expect, description: x.description ?? null };
    const windowMs = x.within !== undefined ? (offsetSeconds(x.within) * 1000) / log.speed : null;
    if (x.expect === 'consultation-answered') {
      const c = consultations.find((k) => k.inject === x.consultation);
      if (!c || !c.requestedAt)
        return { ...base, verdict: 'not-judged' as const, detail: 'the consultation was not opened' };
      if (!c.respondedAt)
        return { ...base, verdict: 'missed' as const, detail: `no answer recorded (due ${c.dueAt ?? '?'})` };
      const inCommitment = c.withinCommitment === true;
      const inWindow = windowMs === null || (c.turnaroundMs ?? Infinity) <= windowMs;
      const detail =
        `answered ${c.position ?? ''} after ${secs(c.turnaroundMs!)}; due ${c.dueAt} (${inCommitment ? 'within' : 'beyond'} the commitment)` +
        (windowMs !== null ? `; window ${x.within} = ${secs(windowMs)} at speed ${log.speed}` : '');
      return { ...base, verdict: inCommitment && inWindow ? ('met' as const) : ('missed' as const), detail };
    }
    const a = alerts.find((k) => k.inject === x.alert);
    if (!a || !a.publishedAt) return { ...base, verdict: 'not-judged' as const, detail: 'the alert was not published' };
    const partners = Array.isArray(x.by)
      ? a.partners.filter((p) => (x.by as string[]).includes(p.label))
      : a.partners.filter((p) => p.eligible);
    if (partners.length === 0) return { ...base, verdict: 'not-judged' as const, detail: 'no eligible partner' };
    const parts = partners.map((p) => {
      if (x.expect === 'alert-received') {
        const ok = p.latencyMs !== null && p.latencyMs <= windowMs!;
        return {
          ok,
          text: `${p.label} ${p.receivedAt ? `received after ${secs(p.latencyMs!)}` : 'did not receive it'}`,
        };
      }
      const want = x.state ?? 'ACTIONED';
      const took = ms(a.publishedAt, p.finalAt);
      const stateOk = p.finalState !== null && (want === 'any' || p.finalState === want);
      const ok = stateOk && took !== null && took <= windowMs!;
      return {
        ok,
        text: `${p.label} ${p.finalState ? `${p.finalState} after ${secs(took!)}` : 'did not acknowledge'}`,
      };
    });
    const all = parts.every((p) => p.ok);
    const detail = `${parts.map((p) => p.text).join('; ')}; window ${x.within} = ${secs(windowMs!)} at speed ${log.speed}`;
    return { ...base, verdict: all ? ('met' as const) : ('missed' as const), detail };
  });
}
