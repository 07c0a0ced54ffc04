// What `entente exercise report` gathers from every node of a run (docs/exercises.md): each node's
// audit export, verified by the node and again here, its alerts, consultations, the records the run
// made and the policy decision for each towards every other node. A chain that does not verify
// stops the report before anything is written.
import { verifyAuditBundle, type AuditBundle } from '../core/audit.js';
import { ExerciseError, type CheckedNode } from './client.js';
import type { RunLog } from './run.js';

/** What the report needs from one node. */
export interface Collected {
  label: string;
  nodeId: string;
  info: { name: string; country: string; mode: string };
  audit: AuditBundle;
  auditCheck: { ok: boolean; entries: number; checkpoints: number; verifiedByNode: boolean; reason?: string };
  alerts: {
    sent: {
      id: string;
      version: number;
      level: string;
      publishedAt: string;
      actionRequested: string;
      partners: {
        partner: string;
        status: string;
        finalState: string | null;
        note: string | null;
        desk: string | null;
      }[];
    }[];
  };
  /** The current version of each record the run made on this node, as the node holds it. */
  records: { id: string; version: number; type: string; status: string; title: string }[];
  consultations: {
    id: string;
    role: string;
    partner: string;
    state: string;
    dueAt: string;
    openedAt: string;
    position: string | null;
    onTime: boolean | null;
  }[];
  /** The policy decision for each record the run made on this node, per partner of the scenario. */
  explanations: {
    record: string;
    version: number;
    partner: string;
    decision: string;
    reasons: string[];
    redacted: string[];
  }[];
}

const enc = encodeURIComponent;

/** Asks each checked node for what the report needs; refuses when an audit chain does not verify. */
export async function collect(log: RunLog, nodes: CheckedNode[]): Promise<Collected[]> {
  const out: Collected[] = [];
  const ids = new Set(log.injects.flatMap((i) => (i.action === 'publish' && i.result?.id ? [i.result.id] : [])));
  for (const n of nodes) {
    const c = n.client;
    const byNode = await c.call<{ ok: boolean; entries: number; firstBroken?: number }>(
      'GET',
      '/admin/v1/audit/verify',
    );
    const audit = await c.call<AuditBundle>('POST', '/admin/v1/audit/export', { from: 1 });
    const offline = verifyAuditBundle(audit);
    if (!byNode.ok || !offline.ok || audit.nodeId !== n.nodeId) {
      const why = !byNode.ok
        ? `the node reports its chain broken at entry ${byNode.firstBroken ?? '?'}`
        : audit.nodeId !== n.nodeId
          ? `the export is of ${audit.nodeId}`
          : (offline.reason ?? 'the export does not verify');
      throw new ExerciseError(`${c.who}: the audit log does not verify (${why}); no report was written`);
    }
    const alerts = await c.call<Collected['alerts']>('GET', '/admin/v1/alerts');
    const consultations = (await c.call<{ items: Collected['consultations'] }>('GET', '/admin/v1/consultations')).items;
    const explanations: Collected['explanations'] = [];
    const own = [...ids].filter((id) => id.startsWith(`urn:entente:${n.nodeId}:`));
    const records: Collected['records'] = [];
    for (const id of own) {
      const d = await c.call<{ type: string; current: { version: number; record: Record<string, unknown> } }>(
        'GET',
        `/admin/v1/records/${enc(id)}`,
      );
      const rec = d.current.record;
      records.push({
        id,
        version: d.current.version,
        type: d.type,
        status: typeof rec.status === 'string' ? rec.status : '?',
        title:
          typeof rec.title === 'string'
            ? rec.title
            : typeof rec.originatorReference === 'string'
              ? rec.originatorReference
              : id,
      });
    }
    for (const id of own) {
      for (const p of nodes) {
        if (p === n) continue;
        const e = await c.call<{ version: number; decision: string; reasons: string[]; redacted?: string[] }>(
          'GET',
          `/admin/v1/partners/${enc(p.nodeId)}/explain?record=${enc(id)}`,
        );
        explanations.push({
          record: id,
          version: e.version,
          partner: p.nodeId,
          decision: e.decision,
          reasons: e.reasons,
          redacted: e.redacted ?? [],
        });
      }
    }
    out.push({
      label: n.label,
      nodeId: n.nodeId,
      info: { name: n.info.name, country: n.info.country, mode: n.info.mode },
      audit,
      auditCheck: { ok: true, entries: offline.entries, checkpoints: offline.checkpoints, verifiedByNode: byNode.ok },
      alerts,
      consultations,
      explanations,
      records,
    });
  }
  return out;
}
