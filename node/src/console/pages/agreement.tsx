// The agreement editor: the agreement object (docs/records.md §10) as a form, with a preview of what it
// would share, withhold and redact among the current own records, decided by the same function as
// `explain`. Nothing changes until the operator saves; the partner then sees the agreement verbatim.
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import type { Json } from '../../domain/validation.js';
import { one, redirect, type Ctx, type PageRouter, type View } from '../core.js';
import type { Preview } from '../deps.js';
import { REGIMES, TLPS } from '../forms/codes.js';
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
import { Csrf, Empty, PostButton, T } from '../ui.js';

const SHARE_TLPS = TLPS.filter((t) => t !== 'RED');

function filterFields(type: 'denial' | 'finding'): FieldSpec[] {
  return [
    { kind: 'select', name: 'maxTlp', label: 'Highest TLP shared', options: SHARE_TLPS, required: true },
    ...(type === 'denial'
      ? [
          {
            kind: 'checks',
            name: 'regimes',
            label: 'Regimes',
            options: REGIMES,
            hint: 'none ticked: every regime',
          } as FieldSpec,
        ]
      : []),
    {
      kind: 'group',
      name: 'destinations',
      label: 'Destinations',
      fields: [
        {
          kind: 'list',
          name: 'include',
          label: 'Only these destinations',
          hint: 'country codes; empty: every destination',
        },
        { kind: 'list', name: 'exclude', label: 'Never these destinations', hint: 'country codes' },
      ],
    },
    {
      kind: 'group',
      name: 'controlCodes',
      label: 'Control codes',
      toggle: 'Filter by control code',
      fields: [
        { kind: 'list', name: 'include', label: 'Only codes starting with', hint: 'prefixes such as 3A, 9A004' },
        { kind: 'list', name: 'exclude', label: 'Never codes starting with', hint: 'prefixes such as 5A002' },
        { kind: 'bool', name: 'includeUnlisted', label: 'Include catch-all items (no list entry)' },
      ],
    },
    {
      kind: 'lines',
      name: 'redact',
      label: 'Withhold these members',
      hint: 'one path per line, e.g. /parties/[role=EXPORTER] or /items/*/value',
    },
  ];
}

export const AGREEMENT_FIELDS: FieldSpec[] = [
  { kind: 'text', name: 'reference', label: 'Reference', required: true },
  { kind: 'date', name: 'validFrom', label: 'Valid from', required: true },
  { kind: 'date', name: 'validUntil', label: 'Valid until (inclusive)', required: true },
  { kind: 'select', name: 'delivery', label: 'Delivery', options: ['both', 'push', 'pull'] },
  {
    kind: 'group',
    name: 'share',
    label: 'What this node shares',
    fields: [
      { kind: 'group', name: 'denial', label: 'Denials', toggle: 'Share denials', fields: filterFields('denial') },
      { kind: 'group', name: 'finding', label: 'Findings', toggle: 'Share findings', fields: filterFields('finding') },
      { kind: 'int', name: 'embargoHours', label: 'Embargo (hours after first publication)', hint: '0..720' },
      { kind: 'bool', name: 'backfill', label: 'Send what the agreement newly allows that was published before it' },
    ],
  },
  {
    kind: 'group',
    name: 'consultation',
    label: 'When this partner consults us',
    fields: [
      { kind: 'int', name: 'workingDays', label: 'We answer within (working days)', hint: 'default 10' },
      {
        kind: 'int',
        name: 'maxExtensionWorkingDays',
        label: 'We may extend by at most (working days)',
        hint: 'default 20',
      },
    ],
  },
];

function starter(c: Ctx, partner: string): Record<string, unknown> {
  const today = new Date(c.deps.now()).toISOString().slice(0, 10);
  const next = new Date(c.deps.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  return {
    reference: `${c.deps.node.nodeId}-${partner}`.slice(0, 64),
    validFrom: today,
    validUntil: next,
    delivery: 'both',
    share: { backfill: true },
  };
}

function PreviewTable(props: { p: Preview }): VNode {
  const { p } = props;
  return (
    <section aria-labelledby="pv-title" class="preview" id="preview">
      <h2 id="pv-title">Preview over the newest {p.examined} own records</h2>
      <ul class="counts">
        <li>
          <strong>{p.counts.shared}</strong> shared ({p.counts.redacted} of them with members withheld)
        </li>
        <li>
          <strong>{p.counts.withheld}</strong> withheld
        </li>
        <li>
          <strong>{p.counts.embargoed}</strong> embargoed for now
        </li>
        <li>
          <strong>{p.counts.recalled}</strong> would be recalled at their next version
        </li>
      </ul>
      {p.items.length === 0 ? <Empty>This node has published no records yet.</Empty> : null}
      {p.items.length ? (
        <table class="data">
          <caption class="visually-hidden">Decision per record</caption>
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Decision</th>
              <th scope="col">Withheld members</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {p.items.slice(0, 100).map((i) => (
              <tr>
                <td>
                  <a href={`/records/${encodeURIComponent(i.id)}`}>
                    <T>{i.reference}</T>
                  </a>{' '}
                  <span class="muted">{i.type}</span>
                </td>
                <td>
                  <span class={`badge ${i.decision === 'shared' ? 'ok' : i.decision === 'withheld' ? 'off' : 'mid'}`}>
                    {i.decision}
                  </span>
                </td>
                <td>{i.redacted.length ? i.redacted.map((r) => <code class="ptr">{r}</code>) : '—'}</td>
                <td class="reasons">{i.reasons.slice(-2).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function editor(
  c: Ctx,
  partner: string,
  state: FormState,
  errors: FieldError[],
  preview?: Preview,
  message?: string,
): View {
  return {
    title: `Agreement with ${partner}`,
    status: errors.length || message ? 400 : 200,
    body: (
      <>
        <p>
          What this node sends to {partner}, and what it commits to when {partner} consults it. {partner} sees this
          agreement verbatim. Narrowing recalls nothing by itself: what {partner} holds stays until the record's next
          version.
        </p>
        <ErrorSummary errors={errors} message={message} />
        <form method="post" action={`/partners/${partner}/agreement`} novalidate class="agreement-form">
          <Csrf token={c.csrf} />
          <Fields fields={AGREEMENT_FIELDS} prefix="" ctx={{ state, errors: indexErrors(errors), amend: false }} />
          <div class="form-actions">
            <button type="submit" name="_go" value="preview" class="secondary">
              Preview
            </button>{' '}
            <button type="submit" name="_go" value="save">
              Save the agreement
            </button>
          </div>
        </form>
        {preview ? <PreviewTable p={preview} /> : null}
        <h2>Share nothing</h2>
        <PostButton
          action={`/partners/${partner}/agreement/withdraw`}
          csrf={c.csrf}
          label="Withdraw the agreement"
          cls="danger"
        />
      </>
    ),
  };
}

export function agreementPages(p: PageRouter): void {
  p.get('/partners/:nodeId/agreement', 'admin', (c) => {
    const partner = c.deps.partners.view(String(c.req.params.nodeId)).nodeId;
    const current = c.deps.partners.view(partner).agreement as Record<string, unknown> | null;
    const preview = current ? c.deps.views.preview(partner, current) : undefined;
    return editor(c, partner, toState(AGREEMENT_FIELDS, current ?? starter(c, partner)), [], preview);
  });
  p.post('/partners/:nodeId/agreement', 'admin', (c) => {
    const partner = c.deps.partners.view(String(c.req.params.nodeId)).nodeId;
    const add = one(c.form._add);
    const remove = one(c.form._remove);
    if (add || remove) return editor(c, partner, applyRowAction(c.form, { add, remove }), []);
    const body: Record<string, Json> = { partner, ...fromState(AGREEMENT_FIELDS, c.form) };
    try {
      if (one(c.form._go) === 'save') {
        const r = c.deps.exchange.setAgreement(partner, body, c.actor);
        return redirect(c.res, `/partners/${partner}?flash=${r.changed ? 'agreement' : 'agreement-unchanged'}`);
      }
      return editor(c, partner, c.form, [], c.deps.views.preview(partner, body));
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const errors = placeErrors(e.errors, renderedPaths(AGREEMENT_FIELDS, c.form), '/agreement');
      return editor(c, partner, c.form, errors, undefined, e.message);
    }
  });
  p.post('/partners/:nodeId/agreement/withdraw', 'admin', (c) => {
    const partner = c.deps.partners.view(String(c.req.params.nodeId)).nodeId;
    c.deps.exchange.setAgreement(partner, null, c.actor);
    redirect(c.res, `/partners/${partner}?flash=agreement`);
  });
}
