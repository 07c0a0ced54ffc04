import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../node/src/store/index.js';
import { MIGRATIONS } from '../../node/src/store/migrations.js';
import { AuditService, verifyAuditRows } from '../../node/src/core/audit.js';
import { fixedClock } from '../../node/src/core/clock.js';
import { tempDir } from '../helpers/nodes.js';

let store: Store;
afterEach(() => store?.close());

function fresh(): { store: Store; audit: AuditService } {
  store = Store.open(join(tempDir(), 'test.db'));
  return { store, audit: new AuditService(store, fixedClock(Date.now())) };
}

describe('audit log', () => {
  it('chains entries and verifies', () => {
    const { audit } = fresh();
    for (let i = 0; i < 5; i++)
      audit.record({ action: 'test.action', actor: 'test', subject: `s${i}`, details: { i } });
    expect(audit.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('refuses UPDATE and DELETE at the SQL level', () => {
    const { store, audit } = fresh();
    audit.record({ action: 'a', actor: 't' });
    expect(() => store.db.prepare("UPDATE audit SET action = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM audit WHERE seq = 1').run()).toThrow(/append-only/);
    expect(store.audit.count()).toBe(1);
  });

  it('an append outside a transaction is refused (an audit write belongs to its action)', () => {
    const { audit } = fresh();
    expect(() => audit.append({ action: 'a', actor: 't' })).toThrow(/inside the action transaction/);
  });

  it('names the first broken entry when rows are edited, deleted, inserted or reordered', () => {
    const { store, audit } = fresh();
    for (let i = 0; i < 6; i++) audit.record({ action: 'step', actor: 't', details: { i } });
    const rows = [...store.audit.iterate()];
    const edited = rows.map((r) => (r.seq === 3 ? { ...r, details: '{"i":99}' } : r));
    expect(verifyAuditRows(edited)).toMatchObject({ ok: false, firstBroken: 3 });
    expect(verifyAuditRows(rows.filter((r) => r.seq !== 4))).toMatchObject({ ok: false, firstBroken: 4 });
    const swapped = [rows[0]!, rows[2]!, rows[1]!, ...rows.slice(3)];
    expect(verifyAuditRows(swapped)).toMatchObject({ ok: false, firstBroken: 2 });
    // with triggers dropped, a direct database edit is caught
    store.db.exec('DROP TRIGGER audit_no_update');
    store.db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 5").run();
    expect(audit.verify()).toMatchObject({ ok: false, firstBroken: 5 });
  });

  it('record versions are immutable at the SQL level', () => {
    const { store } = fresh();
    const row = {
      id: 'urn:entente:nl-lic-01:denial:abff3eda-d5e7-4fca-ba12-707229fe51c1',
      version: 1,
      view: 1,
      type: 'denial' as const,
      origin: 'nl-lic-01',
      own: 1,
      status: 'ACTIVE',
      body: '{}',
      digest: 'x',
      signature: null,
      jws: null,
      redacted: null,
      agreement: null,
      stream: null,
      seq: null,
      updated_at: 't',
      stored_at: 't',
    };
    store.tx(() => store.records.insertVersion(row));
    expect(() => store.db.prepare("UPDATE record_versions SET status = 'REVOKED'").run()).toThrow(/immutable/);
    expect(() => store.db.prepare('DELETE FROM record_versions').run()).toThrow(/immutable/);
  });

  it('applies migrations once and reports integrity', () => {
    const { store } = fresh();
    expect(store.integrity()).toBe('ok');
    expect(store.db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
  });
});
