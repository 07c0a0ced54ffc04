// The store: one database, one module per table family. SQL lives in this folder and nowhere else.
import { openDatabase, integrityCheck, transaction, type Db, type OpenOptions } from './db.js';
import { AuditTable } from './audit.js';
import { TokensTable } from './tokens.js';
import { PartnersTable } from './partners.js';
import { MetaTable } from './meta.js';
import { RecordsTable } from './records.js';
import { ExchangeTables } from './exchange.js';
import { ReciprocityQueries } from './reciprocity.js';
import { ConsultationTables } from './consultations.js';
import { ScreeningTables } from './screening.js';
import { ConsoleTables } from './console.js';
import { InteropTables } from './interop.js';
import { ReferenceListTables } from './reference-lists.js';
import { AlertTables } from './alerts.js';
import { ExerciseTables } from './exercise.js';

export class Store {
  readonly audit: AuditTable;
  readonly tokens: TokensTable;
  readonly partners: PartnersTable;
  readonly meta: MetaTable;
  readonly records: RecordsTable;
  readonly exchange: ExchangeTables;
  readonly reciprocity: ReciprocityQueries;
  readonly consultations: ConsultationTables;
  readonly screening: ScreeningTables;
  readonly console: ConsoleTables;
  readonly interop: InteropTables;
  readonly referenceLists: ReferenceListTables;
  readonly alerts: AlertTables;
  readonly exercise: ExerciseTables;
  constructor(readonly db: Db) {
    this.audit = new AuditTable(db);
    this.tokens = new TokensTable(db);
    this.partners = new PartnersTable(db);
    this.meta = new MetaTable(db);
    this.records = new RecordsTable(db);
    this.exchange = new ExchangeTables(db);
    this.reciprocity = new ReciprocityQueries(db);
    this.consultations = new ConsultationTables(db);
    this.screening = new ScreeningTables(db);
    this.console = new ConsoleTables(db);
    this.interop = new InteropTables(db);
    this.referenceLists = new ReferenceListTables(db);
    this.alerts = new AlertTables(db);
    this.exercise = new ExerciseTables(db);
  }
  static open(file: string, options: OpenOptions = {}): Store {
    return new Store(openDatabase(file, options));
  }
  tx<T>(fn: () => T): T {
    return transaction(this.db, fn);
  }
  inTransaction(): boolean {
    return this.db.inTransaction;
  }
  /** An online, consistent copy of the database (SQLite backup API; writers may continue). */
  async backup(file: string): Promise<void> {
    await this.db.backup(file);
  }

  integrity(full = false): string {
    return integrityCheck(this.db, full);
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type { Db };
export type { TokenRow } from './tokens.js';
export type { PartnerRow, PartnerKeyRow } from './partners.js';
export type { AuditRow } from './audit.js';
export type { RecordVersionRow, RecordRow, RecordQuery } from './records.js';
export type {
  ExchangeStore,
  AgreementRow,
  OutStreamRow,
  ReleaseRow,
  HoldingRow,
  InStreamRow,
  PublicationRow,
  AlarmRow,
} from './exchange.js';
export type { ConsultationRow, MessageRow } from './consultations.js';
export type { Dismissal, ScreenEntry, ScreenEntryRow, ScreenInsert } from './screening.js';
export type { SessionRow, LiveSessionRow, ReceivedVersionRow, DayPoint } from './console.js';
export type { CollectionScope, ExportAccessRow, ExportVersionRow, ScanQuery } from './interop.js';
export type { ReferenceListRow } from './reference-lists.js';
export type { WipeCounts } from './exercise.js';
export type { AlertInRow, AckInRow, WebhookDeliveryRow, PartnerProtocolRow } from './alerts.js';
