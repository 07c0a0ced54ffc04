// Publish and amend forms for denials and findings. The node's own validation decides: its errors
// (pointer, rule, message) come back at the field they name. "Add another" and "Remove" round-trip
// through the server, so the form works without JavaScript.
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import type { Json } from '../../domain/validation.js';
import { one, redirect, type Ctx, type PageRouter, type View } from '../core.js';
import { recordFields } from '../forms/records.js';
import {
  applyRowAction,
  fromState,
  placeErrors,
  renderedPaths,
  toState,
  type FieldError,
  type FieldSpec,
  type FormState,
} from '../forms/spec.js';
import { ErrorSummary, Fields, indexErrors } from '../forms/view.js';
import { Csrf, TlpBand } from '../ui.js';

type RecordType = 'denial' | 'finding';

const STARTER: Record<RecordType, Record<string, unknown>> = {
  denial: {
    handling: {
      tlp: 'AMBER',
      originatorControl: {
        noOnwardSharing: true,
        noEvidentialUseWithoutConsent: true,
        noDowngradeWithoutConsent: true,
      },
    },
    exporterDisclosure: 'WITHHELD',
    listBasis: 'LISTED',
    decisionType: 'DENIAL',
    items: [{ lineNo: 1, controlRefs: [{}] }],
    parties: [{ role: 'CONSIGNEE', party: { kind: 'COMPANY', names: [{ type: 'PRIMARY' }] } }],
  },
  finding: {
    handling: {
      tlp: 'AMBER',
      originatorControl: {
        noOnwardSharing: true,
        noEvidentialUseWithoutConsent: true,
        noDowngradeWithoutConsent: true,
      },
    },
    status: 'OPEN',
  },
};

interface FormPage {
  type: RecordType;
  state: FormState;
  errors: FieldError[];
  message?: string | undefined;
  amend?: { id: string; version: number; reference: string } | undefined;
}

function formView(c: Ctx, p: FormPage): View {
  const fields = recordFields(p.type);
  const action = p.amend ? `/records/${encodeURIComponent(p.amend.id)}/amend` : '/records/new';
  const verb = p.amend ? 'Publish the amendment' : `Publish the ${p.type}`;
  const tlp = typeof p.state['handling.tlp'] === 'string' ? p.state['handling.tlp'] : 'AMBER';
  const bar: VNode = (
    <div class="form-actions">
      <button type="submit" name="_go" value="publish">
        {verb}
      </button>
      <span class="muted">
        {' '}
        The node validates, signs and stores the version; partners receive it under their agreements.
      </span>
    </div>
  );
  return {
    title: p.amend ? `Amend ${p.amend.reference}` : `Publish a ${p.type}`,
    status: p.errors.length || p.message ? 400 : 200,
    body: (
      <>
        <TlpBand tlp={tlp} />
        <ErrorSummary errors={p.errors} message={p.message} />
        <form method="post" action={action} class="record-form" novalidate>
          <Csrf token={c.csrf} />
          <input type="hidden" name="type" value={p.type} />
          {p.amend ? <input type="hidden" name="version" value={String(p.amend.version)} /> : null}
          {bar}
          <Fields fields={fields} prefix="" ctx={{ state: p.state, errors: indexErrors(p.errors), amend: !!p.amend }} />
          {bar}
        </form>
      </>
    ),
  };
}

function typeOf(v: unknown): RecordType {
  return one(v) === 'finding' ? 'finding' : 'denial';
}

/** The state after an "add another" / "remove" button, or null when the form was submitted to publish. */
function rowAction(f: FormState): FormState | null {
  const add = one(f._add);
  const remove = one(f._remove);
  if (!add && !remove) return null;
  return applyRowAction(f, { add, remove });
}

function failure(e: unknown, fields: FieldSpec[], state: FormState): { errors: FieldError[]; message: string } {
  if (!(e instanceof AppError) || e.status >= 500) throw e;
  const errors = placeErrors(e.errors, renderedPaths(fields, state), '/record');
  return { errors, message: e.message };
}

/** An amendment keeps every member the form does not edit (status, fixed members) as the current version has it. */
function amended(
  fields: FieldSpec[],
  current: Record<string, Json>,
  edited: Record<string, Json>,
): Record<string, Json> {
  const editable = new Set(fields.filter((f) => !f.fixedOnAmend).map((f) => f.name));
  const out: Record<string, Json> = { ...edited };
  for (const [k, v] of Object.entries(current)) if (!editable.has(k)) out[k] = v;
  return out;
}

export function recordFormPages(p: PageRouter): void {
  p.get('/records/new', 'publisher', (c) => {
    const type = typeOf(c.req.query.type);
    return formView(c, { type, state: toState(recordFields(type), STARTER[type]), errors: [] });
  });
  p.post('/records/new', 'publisher', (c) => {
    const type = typeOf(c.form.type);
    const moved = rowAction(c.form);
    if (moved) return formView(c, { type, state: moved, errors: [] });
    const fields = recordFields(type);
    try {
      const v = c.deps.records.publish(type, fromState(fields, c.form), c.actor);
      redirect(c.res, `/records/${encodeURIComponent(v.id)}?flash=published`);
    } catch (e) {
      return formView(c, { type, state: c.form, ...failure(e, fields, c.form) });
    }
  });

  const own = (c: Ctx) => {
    const d = c.deps.records.get(String(c.req.params.id));
    if (d.current.origin !== 'own')
      throw new AppError('conflict', `received records are read-only: only ${d.origin} changes this record`);
    const rec = d.current.record;
    return { d, amend: { id: d.id, version: d.current.version, reference: String(rec.originatorReference ?? '') } };
  };
  p.get('/records/:id/amend', 'publisher', (c) => {
    const { d, amend } = own(c);
    return formView(c, { type: d.type, state: toState(recordFields(d.type), d.current.record), errors: [], amend });
  });
  p.post('/records/:id/amend', 'publisher', (c) => {
    const { d, amend } = own(c);
    const moved = rowAction(c.form);
    if (moved) return formView(c, { type: d.type, state: moved, errors: [], amend });
    const fields = recordFields(d.type);
    const version = Number(one(c.form.version));
    try {
      const body = amended(fields, d.current.record, fromState(fields, c.form));
      c.deps.records.amend(d.id, body, Number.isSafeInteger(version) ? version : undefined, c.actor);
      redirect(c.res, `/records/${encodeURIComponent(d.id)}?flash=amended`);
    } catch (e) {
      return formView(c, { type: d.type, state: c.form, ...failure(e, fields, c.form), amend });
    }
  });
}
