// Received versions in the records tables: what the exchange's inbound hands over inside its batch
// transaction (its ReceivedRecords), kept beside this node's own versions (records.ts).
import { searchTerms } from '../domain/lifecycle.js';
import type { Json } from '../domain/validation.js';
import type { ReceivedRecords, ReceivedVersion } from '../exchange/inbound/inbound.js';
import type { RecordRow, RecordVersionRow, Store } from '../store/index.js';

export class ReceivedRecordStore implements ReceivedRecords {
  constructor(private readonly store: Store) {}

  held(id: string): RecordRow | undefined {
    return this.store.records.current(id);
  }

  heldVersion(id: string, version: number): RecordVersionRow | undefined {
    return this.store.records.version(id, version);
  }

  storeCurrent(v: ReceivedVersion, record: Record<string, Json>, previous?: RecordRow | null): void {
    const row = { ...v, own: 0, signature: null, jws: null };
    const rowId = this.store.records.insertVersion(row);
    const terms = searchTerms(v.type, record);
    this.store.records.setCurrent(
      { ...row, row_id: rowId },
      String(record.originatorReference),
      String(record.createdAt),
      terms,
      false,
      previous,
    );
  }

  currentVersion(id: string): RecordVersionRow | undefined {
    return this.store.records.currentVersion(id);
  }

  addReview(id: string, finding: unknown): void {
    this.store.records.addReview(id, finding);
  }

  /** Records of a partner labelled after a cross-version violation, until reviewed. */
  reviewCount(origin: string): number {
    return this.store.records.reviewCount(origin);
  }

  keep(v: ReceivedVersion): void {
    this.store.records.insertVersion({ ...v, own: 0, signature: null, jws: null });
  }

  recall(id: string): void {
    this.store.records.markRecalled(id);
  }
}
