// The exercise reset's wipe (docs/protocol.md §14.5): every table of records and of the exchange state
// derived from them, emptied in one place so that what a reset removes is one list to read. Partners,
// their keys and pins, agreements, tokens, keys, reference lists, statements received, the audit chain
// and the inbound stream positions are not touched. Call inside the reset's transaction.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface WipeCounts {
  ownRecords: number;
  receivedRecords: number;
  recordVersions: number;
  releasesSent: number;
  releasesReceived: number;
  quarantined: number;
  consultations: number;
  alertsReceived: number;
  acksReceived: number;
  webhookDeliveries: number;
}

// children before parents (record_terms → records → record_versions; messages → consultations)
const WIPED = [
  'record_terms',
  'publications',
  'records',
  'record_versions',
  'holdings',
  'holding_counts',
  'embargoes',
  'receipts_in',
  'releases',
  'inbound',
  'consultation_messages',
  'consultations',
  'alerts_in',
  'acks_in',
  'webhook_deliveries',
  'alarms',
  'screen_queue',
  'screen_dismissals',
  'party_links',
  'stix_index',
  'console_marks',
] as const;

export class ExerciseTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }

  private count(sql: string): number {
    return (this.q(sql).get() as { n: number }).n;
  }

  /** Whether the database holds any record, partner or consultation: a node that has been used. */
  used(): boolean {
    const any = (table: string) => this.q(`SELECT EXISTS (SELECT 1 FROM ${table}) AS n`).get() as { n: number };
    return ['record_versions', 'partners', 'consultations'].some((t) => any(t).n === 1);
  }

  /** Empties the exercise data; the immutable tables' triggers allow it only on an exercise node (migration 17). */
  wipe(): WipeCounts {
    const counts: WipeCounts = {
      ownRecords: this.count('SELECT count(*) AS n FROM records WHERE own = 1'),
      receivedRecords: this.count('SELECT count(*) AS n FROM records WHERE own = 0'),
      recordVersions: this.count('SELECT count(*) AS n FROM record_versions'),
      releasesSent: this.count('SELECT count(*) AS n FROM releases'),
      releasesReceived: this.count("SELECT count(*) AS n FROM inbound WHERE outcome <> 'rejected'"),
      quarantined: this.count("SELECT count(*) AS n FROM inbound WHERE outcome = 'rejected'"),
      consultations: this.count('SELECT count(*) AS n FROM consultations'),
      alertsReceived: this.count('SELECT count(*) AS n FROM alerts_in'),
      acksReceived: this.count('SELECT count(*) AS n FROM acks_in'),
      webhookDeliveries: this.count('SELECT count(*) AS n FROM webhook_deliveries'),
    };
    this.q("INSERT INTO meta (key, value) VALUES ('exercise.wiping', '1')").run();
    for (const table of WIPED) this.db.prepare(`DELETE FROM ${table}`).run();
    this.q('UPDATE stix_index_state SET upto = 0 WHERE k = 1').run();
    this.q("DELETE FROM meta WHERE key = 'exercise.wiping'").run();
    return counts;
  }
}
