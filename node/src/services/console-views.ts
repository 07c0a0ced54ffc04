// Read models the web console needs beyond the operator API's: what arrived since a person last
// looked, where an own record went, flow over time for charts, and the agreement editor's preview
// (the same decide() as `explain`, over a proposed agreement instead of the stored one).
import { withDefaults, type AgreementStatement } from '../domain/agreement-rules.js';
import type { Json } from '../domain/validation.js';
import { decide } from '../policy/decide.js';
import type { DayPoint, ReceivedVersionRow, Store } from '../store/index.js';
import type { AgreementService } from '../exchange/agreements.js';
import type { Clock } from '../core/clock.js';

export interface ReceivedSince {
  /** The row position last marked as seen (0: never looked). */
  since: number;
  /** The position to mark when the person says "seen". */
  upTo: number;
  counts: { origin: string; n: number }[];
  items: ReceivedVersionRow[];
}

export interface ReleasedTo {
  partner: string;
  version: number;
  recalled: boolean;
  acknowledged: boolean;
}

export interface Flow {
  /** Per day: the stream head (cumulative releases sent) and the receipt cursor (cumulative acknowledged). */
  sent: DayPoint[];
  acknowledged: DayPoint[];
  /** Per day: releases sent to the partner. */
  recordsOut: DayPoint[];
}

export interface PreviewItem {
  id: string;
  type: string;
  reference: string;
  decision: 'shared' | 'withheld' | 'recalled' | 'embargoed';
  redacted: string[];
  reasons: string[];
}

export interface Preview {
  examined: number;
  counts: { shared: number; redacted: number; withheld: number; recalled: number; embargoed: number };
  items: PreviewItem[];
}

const NEW_MARK = 'new-from-partners';

export class ConsoleViews {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly agreements: AgreementService,
  ) {}

  receivedSince(tokenName: string, limit = 200): ReceivedSince {
    const since = Number(this.store.console.mark(tokenName, NEW_MARK) ?? 0);
    return {
      since,
      upTo: this.store.console.lastVersionRow(),
      counts: this.store.console.receivedCountsAfter(since),
      items: this.store.console.receivedAfter(since, limit),
    };
  }

  markSeen(tokenName: string, upTo: number): void {
    this.store.tx(() => this.store.console.setMark(tokenName, NEW_MARK, String(upTo)));
  }

  releasedTo(recordId: string): ReleasedTo[] {
    const out: ReleasedTo[] = [];
    for (const p of this.store.partners.all()) {
      const h = this.store.exchange.holding(p.node_id, recordId);
      if (!h) continue;
      const s = this.store.exchange.outStream(p.node_id);
      const pending = s ? this.store.console.unacknowledgedRelease(s.stream, s.receipt_upto, recordId) : true;
      out.push({ partner: p.node_id, version: h.version, recalled: h.recalled === 1, acknowledged: !pending });
    }
    return out;
  }

  /** Per day of the last `days`: releases sent (head) and acknowledged (receipt cursor), cumulative; releases in. */
  flow(partner: string, days: number): Flow {
    const DAY = 86_400_000;
    const today = Date.parse(new Date(this.clock.now()).toISOString().slice(0, 10));
    const out = this.store.exchange.outStream(partner);
    const flow: Flow = { sent: [], acknowledged: [], recordsOut: [] };
    const first = new Date(today - days * DAY).toISOString();
    // receipts: the cursor before the period, then the highest per day (one query each)
    let ack = out ? this.store.console.ackBefore(partner, out.stream, first) : 0;
    const acks = new Map(
      (out ? this.store.console.acknowledgedPerDay(partner, out.stream, first) : []).map((p) => [p.day, p.value]),
    );
    let prevOut = -1;
    for (let d = days; d >= 0; d--) {
      const day = new Date(today - d * DAY).toISOString().slice(0, 10);
      const end = new Date(today - (d - 1) * DAY).toISOString();
      const sent = out
        ? this.store.console.seqBefore('releases', partner, out.stream, out.head_seq, end, Math.max(0, prevOut))
        : 0;
      ack = Math.max(ack, acks.get(day) ?? 0);
      if (prevOut >= 0) flow.recordsOut.push({ day, value: sent - prevOut });
      flow.sent.push({ day, value: sent });
      flow.acknowledged.push({ day, value: Math.min(ack, sent) });
      prevOut = sent;
    }
    return flow;
  }

  /** Releases received from the partner per week (Monday to Sunday) over the last `weeks`, on its current stream. */
  receivedPerWeek(partner: string, weeks: number): DayPoint[] {
    const DAY = 86_400_000;
    const now = new Date(this.clock.now());
    const monday = Date.parse(now.toISOString().slice(0, 10)) - ((now.getUTCDay() + 6) % 7) * DAY;
    const inn = this.store.exchange.inStream(partner);
    const head = inn ? inn.next_seq - 1 : 0;
    const at = (ms: number, from: number) =>
      inn?.stream
        ? this.store.console.seqBefore('inbound', partner, inn.stream, head, new Date(ms).toISOString(), from)
        : 0;
    const out: DayPoint[] = [];
    let prev = at(monday - weeks * 7 * DAY, 0);
    for (let w = weeks - 1; w >= 0; w--) {
      const start = monday - w * 7 * DAY;
      const next = at(start + 7 * DAY, prev);
      out.push({ day: new Date(start).toISOString().slice(0, 10), value: next - prev });
      prev = next;
    }
    return out;
  }

  /** What a proposed agreement would share, withhold and redact among the newest own records. */
  preview(partner: string, input: unknown, limit = 500): Preview {
    this.agreements.check(partner, input);
    const current = this.agreements.current(partner);
    const agreement: AgreementStatement | null =
      input === null ? null : { ...withDefaults(input as Json), version: (current?.version ?? 0) + 1 };
    const registered = !!this.store.partners.get(partner) && !this.store.partners.get(partner)?.removed_at;
    const now = this.clock.now();
    const counts = { shared: 0, redacted: 0, withheld: 0, recalled: 0, embargoed: 0 };
    const items: PreviewItem[] = [];
    const rows = this.store.console.ownCurrent(limit);
    for (const r of rows) {
      const record = JSON.parse(r.body) as Record<string, Json>;
      const h = this.store.exchange.holding(partner, r.id);
      const first = this.store.exchange.firstPublication(r.id);
      const d = decide({
        agreement,
        registered,
        type: r.type,
        record,
        holding: h ? { version: h.version, recalled: h.recalled === 1 } : {},
        firstPublishedAt: first ? Date.parse(first.published_at) : now,
        now,
      });
      const base = { id: r.id, type: r.type, reference: String(record.originatorReference ?? ''), reasons: d.reasons };
      if (d.action === 'release') {
        const decision = d.notBefore !== undefined ? 'embargoed' : 'shared';
        counts[decision]++;
        if (d.redacted.length) counts.redacted++;
        items.push({ ...base, decision, redacted: d.redacted });
      } else if (d.action === 'tombstone') {
        counts.recalled++;
        items.push({ ...base, decision: 'recalled', redacted: [] });
      } else {
        counts.withheld++;
        items.push({ ...base, decision: 'withheld', redacted: [] });
      }
    }
    return { examined: rows.length, counts, items };
  }
}
