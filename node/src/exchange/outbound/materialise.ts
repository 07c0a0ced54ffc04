// Materialisation (docs/protocol.md §6.3–§6.5): own versions become releases in publication order,
// at publication for partners within the window W, otherwise when the pusher or the feed asks.
// Statements for validity changes and idleness, due embargoes and backfill come first.
import { crashPoint } from '../../config/crash.js';
import { isTerminal } from '../../domain/record-rules.js';
import type { Json } from '../../domain/validation.js';
import { alertLevel, type OutboundDeps, type Publication, type StreamWriter } from './append.js';

const PUBLICATION_BATCH = 500;

export class Materialiser {
  constructor(
    private readonly d: OutboundDeps,
    private readonly w: StreamWriter,
  ) {}

  /**
   * At publication, inside its transaction: materialise for partners within W; returns those appended
   * to, and those given a FLASH release. An alert version (docs/protocol.md §14.2) is materialised
   * for every partner now, whatever W and the partner's materialisation cursor: it follows only what
   * is already in the stream, and the cursor later finds it held. A FLASH version also ignores the
   * embargo (StreamWriter.materialiseVersion); a PRIORITY one keeps it.
   */
  onPublished(v: Publication & { pubSeq: number }): { touched: string[]; urgent: string[] } {
    const x = this.d.store.exchange;
    const level = alertLevel(v.record);
    const touched: string[] = [];
    const urgent: string[] = [];
    for (const s of x.outStreams()) {
      const inOrder = s.mat_cursor === v.pubSeq - 1;
      let appended = false;
      if (inOrder && (level !== null || s.head_seq - s.receipt_upto < this.d.options.window)) {
        if (!this.w.registered(s.partner)) {
          x.updateOutStream(s.partner, { mat_cursor: v.pubSeq });
          continue;
        }
        appended = this.w.materialiseVersion(s.partner, v);
        x.updateOutStream(s.partner, { mat_cursor: v.pubSeq });
      } else if (level !== null && this.w.registered(s.partner)) {
        appended = this.w.materialiseVersion(s.partner, v);
      }
      if (appended) touched.push(s.partner);
      if (appended && level === 'FLASH') urgent.push(s.partner);
    }
    return { touched, urgent };
  }

  /** Whether more could be materialised for a partner right now. */
  pending(partner: string): boolean {
    const x = this.d.store.exchange;
    const s = x.outStream(partner);
    if (!s) return false;
    return (
      s.mat_cursor < x.lastPubSeq() || s.backfill_next !== null || x.dueEmbargoes(partner, this.w.nowSec()).length > 0
    );
  }

  /**
   * Brings a partner's stream up to date: statements for validity changes and idleness, due
   * embargoes, a backfill chunk, and publications after the cursor, until `targetSeq` releases exist
   * or nothing is left. One transaction per call; returns how many releases were appended.
   */
  materialise(partner: string, targetSeq = Number.MAX_SAFE_INTEGER, budget = PUBLICATION_BATCH): number {
    let appended = 0;
    this.d.store.tx(() => {
      const s0 = this.d.store.exchange.outStream(partner);
      if (!s0) return;
      this.statementIfDue(partner, s0.stmt_valid_state, Math.max(s0.stmt_iat, s0.head_iat));
      let work = this.dueEmbargoes(partner, budget);
      work = this.backfill(partner, targetSeq, work);
      this.publications(partner, targetSeq, work);
      appended = this.w.stream(partner).head_seq - s0.head_seq;
    });
    return appended;
  }

  private statementIfDue(partner: string, stated: string | null, lastIat: number): void {
    const state = this.w.validityState(this.d.agreements.current(partner));
    if (stated !== state && this.w.registered(partner)) {
      this.w.appendStatement(partner);
      if (state === 'in') this.w.startBackfill(partner);
    } else if (this.w.registered(partner) && this.w.nowSec() - lastIat >= this.d.options.statementIdleHours * 3600) {
      this.w.appendStatement(partner);
    }
  }

  /** Due embargoes: only the then-current version goes, nothing if it is terminal. */
  private dueEmbargoes(partner: string, budget: number): number {
    const x = this.d.store.exchange;
    let work = budget;
    for (const e of x.dueEmbargoes(partner, this.w.nowSec())) {
      if (work-- <= 0) break;
      const pub = x.currentPublication(e.record_id);
      x.dropEmbargo(partner, e.record_id);
      if (!pub) continue;
      const record = JSON.parse(pub.body) as Record<string, Json>;
      if (isTerminal(pub.type, record.status)) continue;
      const body = pub.body;
      this.w.materialiseVersion(partner, {
        id: pub.id,
        version: pub.version,
        type: pub.type,
        record,
        pubSeq: pub.pub_seq,
        body,
      });
    }
    return work;
  }

  /**
   * Backfill in chunks, after the statement: the records the partner does not hold yet (those it
   * holds are left out by the query, however many).
   */
  private backfill(partner: string, targetSeq: number, budget: number): number {
    const x = this.d.store.exchange;
    let work = budget;
    let s = this.w.stream(partner);
    while (s.backfill_next !== null && s.backfill_until !== null && s.head_seq < targetSeq && work > 0) {
      const until = s.backfill_until;
      const limit = this.d.options.backfillChunk ?? 200;
      const chunk = x.backfillCandidates(partner, s.backfill_next, until, limit);
      let last = s.backfill_next;
      let stopped = false;
      for (const pub of chunk) {
        if (work <= 0 || this.w.stream(partner).head_seq >= targetSeq) {
          stopped = true;
          break;
        }
        work--;
        last = pub.pub_seq;
        if (this.w.materialiseVersion(partner, this.publication(pub))) crashPoint('backfill.mid');
      }
      const done = !stopped && chunk.length < limit;
      x.updateOutStream(partner, done ? { backfill_next: null, backfill_until: null } : { backfill_next: last });
      if (done) {
        this.d.audit.append({ action: 'stream.backfill-done', actor: 'system', subject: partner, details: { until } });
      }
      s = this.w.stream(partner);
    }
    return work;
  }

  /** Publications after the cursor, in order. */
  private publications(partner: string, targetSeq: number, budget: number): void {
    const x = this.d.store.exchange;
    let work = budget;
    let s = this.w.stream(partner);
    while (work > 0 && s.head_seq < targetSeq) {
      const pubs = x.publicationsAfter(s.mat_cursor, Math.min(work, 100));
      if (pubs.length === 0) break;
      for (const pub of pubs) {
        work--;
        crashPoint('materialise.mid');
        if (this.w.registered(partner)) this.w.materialiseVersion(partner, this.publication(pub));
        x.updateOutStream(partner, { mat_cursor: pub.pub_seq });
        s = this.w.stream(partner);
        if (s.head_seq >= targetSeq) break;
      }
    }
  }

  private publication(pub: {
    id: string;
    version: number;
    type: Publication['type'];
    pub_seq: number;
    body: string;
  }): Publication {
    const record = JSON.parse(pub.body) as Record<string, Json>;
    return { id: pub.id, version: pub.version, type: pub.type, record, pubSeq: pub.pub_seq, body: pub.body };
  }
}
