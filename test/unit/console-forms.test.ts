// The console's form engine: every design example goes through the denial or finding form and comes
// back unchanged (so amending from the form loses nothing), rows are added and removed without
// script, and the node's error pointers land on the field they name.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFields } from '../../node/src/console/forms/records.js';
import {
  applyRowAction,
  fromState,
  placeErrors,
  pointerToPath,
  renderedPaths,
  toState,
} from '../../node/src/console/forms/spec.js';
import { TRANSACTION_FIELDS } from '../../node/src/console/forms/transaction.js';
import { example } from '../helpers/examples.js';

const ENVELOPE = ['id', 'version', 'supersedes', 'changeType', 'originatorNodeId', 'originatorCountry', 'createdAt'];
const NOT_IN_FORM = [...ENVELOPE, 'updatedAt', 'statusReason'];

describe('console form engine', () => {
  const names = readdirSync(join(import.meta.dirname, '../fixtures/design')).filter((f) =>
    /^(denial|finding)-.*\.json$/.test(f),
  );

  it.each(names)('%s round-trips through its form', (name) => {
    const record = example(name);
    const type = name.startsWith('denial') ? 'denial' : 'finding';
    const fields = recordFields(type);
    const expected = Object.fromEntries(Object.entries(record).filter(([k]) => !NOT_IN_FORM.includes(k)));
    if (type === 'denial') delete expected.status;
    expect(fromState(fields, toState(fields, record))).toEqual(expected);
  });

  it('round-trips a consultation request transaction', () => {
    const t = example('consultation-request').proposedTransaction;
    expect(fromState(TRANSACTION_FIELDS, toState(TRANSACTION_FIELDS, t, 'pt'), 'pt')).toEqual(t);
  });

  it('adds and removes rows, renumbering the later ones', () => {
    const fields = recordFields('denial');
    const state = toState(fields, example('denial-wa-sensitive'));
    const added = applyRowAction(state, { add: 'parties.0.party.names' });
    expect(renderedPaths(fields, added).has('parties.0.party.names.1')).toBe(true);
    const two = { ...added, 'parties.0.party.names.1.value': 'Second', 'parties.0.party.names.1.type': 'ALIAS' };
    const removed = applyRowAction(two, { remove: 'parties.0.party.names.0' });
    expect(removed['parties.0.party.names.0.value']).toBe('Second');
    expect(removed['parties.0.party.names.1.value']).toBeUndefined();
    expect((fromState(fields, removed).parties as unknown[])[0]).toEqual({
      role: 'CONSIGNEE',
      party: expect.objectContaining({ names: [{ value: 'Second', type: 'ALIAS' }] }),
    });
  });

  it('keeps a non-integer where an integer belongs, so the node names the field', () => {
    const fields = recordFields('denial');
    const state = { ...toState(fields, example('denial-wa-sensitive')), 'items.0.lineNo': 'one' };
    expect((fromState(fields, state).items as { lineNo: unknown }[])[0]!.lineNo).toBe('one');
  });

  it('places errors at the field named, or at its nearest rendered ancestor', () => {
    const fields = recordFields('denial');
    const state = toState(fields, example('denial-wa-sensitive'));
    expect(pointerToPath('/record/parties/0/party/names/0/value', '/record')).toBe('parties.0.party.names.0.value');
    expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
    const placed = placeErrors(
      [
        { pointer: '/record/waTier', rule: 'D1', message: 'required with WA' },
        { pointer: '/record/parties/0/party/names/7/value', rule: 'P7', message: 'not NFC' },
      ],
      renderedPaths(fields, state),
      '/record',
    );
    expect(placed.map((e) => e.at)).toEqual(['waTier', 'parties.0.party.names']);
  });
});
