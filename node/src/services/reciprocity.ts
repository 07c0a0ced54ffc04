// Reciprocity (docs/protocol.md §9): per partner, both directions side by side — what each agreement promises
// (the two latest) and what actually flowed.
import type { Json } from '../domain/validation.js';
import { AppError } from '../domain/errors.js';
import { isTerminal } from '../domain/record-rules.js';
import type { RecordType } from '../domain/redaction.js';
import type { Store } from '../store/index.js';

export interface Flow {
  /** Distinct records (a record sent in four versions counts once); by type, regime and TLP likewise. */
  records: number;
  /** Record versions, amendments and status changes included. */
  versions: number;
  byType: Record<string, number>;
  byRegime: Record<string, number>;
  byTlp: Record<string, number>;
  revocations: number;
  recalls: number;
  /**
   * Hours from decision (denial `decisionDate`, finding `reportedAt`) to release (out) or arrival
   * (in), first version seen per record.
   */
  delayHours: { median: number | null; p90: number | null; samples: number };
  quarantined: number;
}

export interface ReciprocityRow {
  partner: string;
  period: { from: string; to: string };
  promises: {
    ours: { reference: string; version: number; since: string }[];
    theirs: { reference: string; version: number; since: string }[];
  };
  outbound: Flow & { receiptsOutstanding: number };
  inbound: Flow;
  /**
   * As responder: requests we received and answered (on time); as requester: requests we sent and
   * they answered (on time).
   */
  consultations: {
    weAnswered: { requests: number; answered: number; onTime: number; lapsed: number };
    theyAnswered: { requests: number; answered: number; onTime: number; lapsed: number };
  };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
}

function inc(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

function emptyFlow(): Flow {
  return {
    records: 0,
    versions: 0,
    byType: {},
    byRegime: {},
    byTlp: {},
    revocations: 0,
    recalls: 0,
    delayHours: { median: null, p90: null, samples: 0 },
    quarantined: 0,
  };
}

function decisionMs(type: string, r: Record<string, Json>): number | null {
  const t =
    type === 'denial'
      ? typeof r.decisionDate === 'string'
        ? `${r.decisionDate}T00:00:00Z`
        : null
      : typeof r.reportedAt === 'string'
        ? r.reportedAt
        : null;
  return t ? Date.parse(t) : null;
}

export class ReciprocityService {
  constructor(private readonly store: Store) {}

  report(options: { partner?: string; from?: string; to?: string }): ReciprocityRow[] {
    const from = options.from ? `${options.from}T00:00:00.000Z` : '0000';
    const to = options.to ? new Date(Date.parse(`${options.to}T00:00:00Z`) + 86_400_000).toISOString() : '9999';
    const partners = this.store.partners.all().map((p) => p.node_id);
    if (options.partner && !partners.includes(options.partner)) throw new AppError('not-found', 'no such partner');
    return (options.partner ? [options.partner] : partners).map((p) => this.row(p, from, to, options));
  }

  private row(partner: string, from: string, to: string, o: { from?: string; to?: string }): ReciprocityRow {
    const ours = this.store.reciprocity.agreementsSent(partner, 2).map((a) => {
      const body = JSON.parse(a.body) as { reference: string; version: number };
      return { reference: body.reference, version: body.version, since: a.created_at };
    });
    const theirs = this.store.exchange
      .statementsIn(partner, 10)
      .filter((s) => s.agreement !== null)
      .map((s) => {
        const a = JSON.parse(s.agreement!) as { reference: string; version: number };
        return { reference: a.reference, version: a.version, since: new Date(s.iat * 1000).toISOString() };
      })
      .filter((a, i, all) => all.findIndex((b) => b.version === a.version && b.reference === a.reference) === i)
      .slice(0, 2);

    const out = emptyFlow();
    const outDelays: number[] = [];
    const firstOut = new Set<string>();
    for (const r of this.store.reciprocity.outbound(partner, from, to)) {
      if (r.kind === 'tombstone') out.recalls++;
      if (r.kind !== 'record' || !r.body || !r.type) continue;
      const rec = JSON.parse(r.body) as Record<string, Json>;
      this.count(out, r.type, rec, !firstOut.has(r.record_id!));
      if (!firstOut.has(r.record_id!)) {
        firstOut.add(r.record_id!);
        const d = decisionMs(r.type, rec);
        if (d !== null) outDelays.push((r.iat * 1000 - d) / 3_600_000);
      }
    }
    const s = this.store.exchange.outStream(partner);
    out.quarantined = s ? this.store.exchange.rejectedBy(partner, s.stream).length : 0;

    const inn = emptyFlow();
    const inDelays: number[] = [];
    const firstIn = new Set<string>();
    for (const r of this.store.reciprocity.inbound(partner, from, to)) {
      if (r.outcome === 'rejected') inn.quarantined++;
      if (r.kind === 'tombstone') inn.recalls++;
      if (r.kind !== 'record' || r.outcome !== 'accepted' || !r.body || !r.type) continue;
      const rec = JSON.parse(r.body) as Record<string, Json>;
      this.count(inn, r.type, rec, !firstIn.has(rec.id));
      if (!firstIn.has(rec.id)) {
        firstIn.add(rec.id);
        const d = decisionMs(r.type, rec);
        if (d !== null) inDelays.push((Date.parse(r.received_at) - d) / 3_600_000);
      }
    }
    outDelays.sort((a, b) => a - b);
    inDelays.sort((a, b) => a - b);
    out.delayHours = { median: quantile(outDelays, 0.5), p90: quantile(outDelays, 0.9), samples: outDelays.length };
    inn.delayHours = { median: quantile(inDelays, 0.5), p90: quantile(inDelays, 0.9), samples: inDelays.length };
    return {
      partner,
      period: { from: o.from ?? 'start', to: o.to ?? 'now' },
      promises: { ours, theirs },
      outbound: { ...out, receiptsOutstanding: s ? s.head_seq - s.receipt_upto : 0 },
      inbound: inn,
      consultations: this.consultationStats(partner),
    };
  }

  private consultationStats(partner: string): ReciprocityRow['consultations'] {
    const empty = { requests: 0, answered: 0, onTime: 0, lapsed: 0 };
    const out = { weAnswered: { ...empty }, theyAnswered: { ...empty } };
    for (const s of this.store.consultations.stats(partner)) {
      const v = { requests: s.total, answered: s.answered ?? 0, onTime: s.onTime ?? 0, lapsed: s.lapsed ?? 0 };
      if (s.role === 'responder') out.weAnswered = v;
      else out.theyAnswered = v;
    }
    return out;
  }

  /** A version: counted as a version always, as a record (by type, regime, TLP) the first time its record is seen. */
  private count(f: Flow, type: string, rec: Record<string, Json>, firstOfRecord: boolean): void {
    f.versions++;
    if (isTerminal(type as RecordType, rec.status)) f.revocations++;
    if (!firstOfRecord) return;
    f.records++;
    inc(f.byType, type);
    for (const g of Array.isArray(rec.regimes) ? rec.regimes : []) inc(f.byRegime, String(g));
    inc(f.byTlp, String(rec.handling?.tlp ?? '?'));
  }
}
