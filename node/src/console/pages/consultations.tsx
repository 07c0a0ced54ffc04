// Consultations (docs/protocol.md §8): the inbox (asked of us, and asked by us), the conversation view with due
// dates on the responder's calendar, and the forms each side may send next.
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import type { Json } from '../../domain/validation.js';
import { one, redirect, type Ctx, type PageRouter, type View } from '../core.js';
import type { ConsultationView } from '../deps.js';
import {
  applyRowAction,
  fromState,
  placeErrors,
  renderedPaths,
  toState,
  type FieldError,
  type FormState,
} from '../forms/spec.js';
import { TRANSACTION_FIELDS, TRANSACTION_STARTER } from '../forms/transaction.js';
import { ErrorSummary, Fields, indexErrors } from '../forms/view.js';
import { Value } from '../record-render.js';
import { Csrf, Empty, StatusBadge, When } from '../ui.js';

const PT = 'proposedTransaction';
const POSITIONS = [
  'NO_OBJECTION',
  'MAINTAINS_DENIAL',
  'NOT_ESSENTIALLY_IDENTICAL',
  'DENIAL_NO_LONGER_VALID',
  'NEEDS_MORE_INFORMATION',
];

function Due(props: { c: Ctx; x: ConsultationView }): VNode {
  const { c, x } = props;
  const country = x.role === 'responder' ? c.deps.node.country : safeCountry(c, x.partner);
  const days = Math.ceil((Date.parse(x.dueAt) - c.deps.now()) / 86_400_000);
  return (
    <span>
      <When at={x.dueAt} /> <span class="muted">(end of a working day on the responder's calendar, {country})</span>
      {x.state === 'OPEN' ? (
        <span class={`badge ${days <= 2 ? 'warn' : 'mid'}`}>{days > 0 ? `${days} days left` : 'due today'}</span>
      ) : null}
    </span>
  );
}

function safeCountry(c: Ctx, partner: string): string {
  try {
    return c.deps.partners.view(partner).country;
  } catch {
    return '?';
  }
}

function Inbox(props: { c: Ctx; list: ConsultationView[]; caption: string }): VNode {
  if (!props.list.length) return <Empty>None.</Empty>;
  return (
    <table class="data">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th scope="col">State</th>
          <th scope="col">Due</th>
          <th scope="col">Answer</th>
          <th scope="col">Opened</th>
        </tr>
      </thead>
      <tbody>
        {props.list.map((x) => (
          <tr>
            <td>
              <a href={`/consultations/${encodeURIComponent(x.id)}`}>{x.partner}</a>
            </td>
            <td>
              <StatusBadge status={x.state} />
            </td>
            <td>
              <Due c={props.c} x={x} />
            </td>
            <td>
              {x.position ?? '—'}
              {x.onTime === false ? <span class="badge warn">late</span> : null}
              {x.outcome ? ` · outcome ${x.outcome}` : ''}
            </td>
            <td>
              <When at={x.openedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReplyForms(props: { c: Ctx; x: ConsultationView }): VNode | null {
  const { c, x } = props;
  if (!c.can('publisher')) return null;
  const types = new Set(x.messages.map((m) => m.type));
  const action = `/consultations/${encodeURIComponent(x.id)}/messages`;
  const forms: VNode[] = [];
  if (x.role === 'responder' && !types.has('RESPONSE')) {
    forms.push(
      <form method="post" action={action} class="card">
        <h3>Answer</h3>
        <Csrf token={c.csrf} />
        <input type="hidden" name="type" value="RESPONSE" />
        <div class="field">
          <label for="r-pos">Position</label>
          <select id="r-pos" name="position">
            {POSITIONS.map((p) => (
              <option value={p}>{p}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="r-rat">Rationale</label>
          <textarea id="r-rat" name="rationale" rows={4} dir="auto" required></textarea>
        </div>
        <button type="submit">Send the answer</button>
      </form>,
      <form method="post" action={action} class="card">
        <h3>Ask for more time</h3>
        <Csrf token={c.csrf} />
        <input type="hidden" name="type" value="EXTENSION" />
        <div class="field">
          <label for="e-days">Working days to add (on our calendar)</label>
          <input type="text" inputMode="numeric" id="e-days" name="days" required />
        </div>
        <div class="field">
          <label for="e-reason">Reason</label>
          <textarea id="e-reason" name="reason" rows={2} dir="auto" required></textarea>
        </div>
        <button type="submit" class="secondary">
          Extend
        </button>
      </form>,
    );
  }
  if (x.role === 'requester' && !types.has('OUTCOME') && !types.has('WITHDRAWAL') && x.state !== 'CLOSED') {
    forms.push(
      <form method="post" action={action} class="card">
        <h3>Outcome</h3>
        <Csrf token={c.csrf} />
        <input type="hidden" name="type" value="OUTCOME" />
        <div class="field">
          <label for="o-dec">Decision on the licence</label>
          <select id="o-dec" name="decision">
            {['DENIED', 'GRANTED', 'WITHDRAWN_BY_APPLICANT'].map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="o-on">Decided on</label>
          <input type="date" id="o-on" name="decidedOn" required />
        </div>
        <div class="field">
          <label for="o-just">Justification (required when granted)</label>
          <textarea id="o-just" name="justification" rows={3} dir="auto"></textarea>
        </div>
        <button type="submit">Send the outcome</button>
      </form>,
      <form method="post" action={action} class="card">
        <h3>Withdraw the request</h3>
        <Csrf token={c.csrf} />
        <input type="hidden" name="type" value="WITHDRAWAL" />
        <div class="field">
          <label for="w-reason">Reason</label>
          <textarea id="w-reason" name="reason" rows={2} dir="auto" required></textarea>
        </div>
        <button type="submit" class="danger">
          Withdraw
        </button>
      </form>,
    );
  }
  return forms.length ? <div class="cards">{forms}</div> : null;
}

function conversation(c: Ctx, id: string, error?: string): View {
  const x = c.deps.consultations.view(id);
  return {
    title: `Consultation with ${x.partner}`,
    status: error ? 400 : 200,
    body: (
      <>
        {error ? (
          <div class="error-summary" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <p class="meta">
          <StatusBadge status={x.state} /> {x.role === 'responder' ? `${x.partner} asks us` : `We ask ${x.partner}`} ·
          due <Due c={c} x={x} />
        </p>
        <ol class="conversation">
          {x.messages.map((m) => {
            const {
              id: _i,
              consultationId: _c,
              type: _t,
              handling: _h,
              ...rest
            } = (m.message ?? {}) as Record<string, Json>;
            return (
              <li class={`message ${m.direction}`}>
                <p class="message-head">
                  <strong>{m.type}</strong> from {m.author} <When at={m.iat} />
                </p>
                <Value v={rest} />
              </li>
            );
          })}
        </ol>
        <ReplyForms c={c} x={x} />
      </>
    ),
  };
}

interface OpenForm {
  denial: string;
  state: FormState;
  errors: FieldError[];
  message?: string;
}

function openForm(c: Ctx, p: OpenForm): View {
  const d = c.deps.records.get(p.denial);
  const ref = String(d.current.record.originatorReference ?? d.id);
  const href = `/records/${encodeURIComponent(d.id)}`;
  return {
    title: `Consult ${d.origin} about ${ref}`,
    status: p.errors.length || p.message ? 400 : 200,
    body: (
      <>
        <p>
          The request refers to <a href={href}>{ref}</a> version {d.current.version}; {d.origin} answers by the due date
          its agreement commits to, counted on its own calendar.
        </p>
        <ErrorSummary errors={p.errors} message={p.message} />
        <form method="post" action="/consultations/new" novalidate>
          <Csrf token={c.csrf} />
          <input type="hidden" name="denial" value={d.id} />
          <div class="field">
            <label for="f-question">Question (required)</label>
            <textarea id="f-question" name="question" rows={4} dir="auto">
              {one(p.state.question)}
            </textarea>
          </div>
          <Fields
            fields={TRANSACTION_FIELDS}
            prefix={PT}
            ctx={{ state: p.state, errors: indexErrors(p.errors), amend: false }}
          />
          <button type="submit" name="_go" value="send">
            Send the request to {d.origin}
          </button>
        </form>
      </>
    ),
  };
}

export function consultationPages(p: PageRouter): void {
  p.get('/consultations', 'analyst', (c) => {
    const all = c.deps.consultations.list();
    return {
      title: 'Consultations',
      body: (
        <>
          <Inbox c={c} list={all.filter((x) => x.role === 'responder')} caption="Asked of us" />
          <Inbox c={c} list={all.filter((x) => x.role === 'requester')} caption="Asked by us" />
        </>
      ),
    };
  });
  p.get('/consultations/new', 'publisher', (c) => {
    const denial = one(c.req.query.denial);
    return openForm(c, { denial, state: toState(TRANSACTION_FIELDS, TRANSACTION_STARTER, PT), errors: [] });
  });
  p.post('/consultations/new', 'publisher', (c) => {
    const denial = one(c.form.denial);
    if (one(c.form._prefill)) return openForm(c, { denial, state: c.form, errors: [] });
    const add = one(c.form._add);
    const remove = one(c.form._remove);
    if (add || remove) return openForm(c, { denial, state: applyRowAction(c.form, { add, remove }), errors: [] });
    const d = c.deps.records.get(denial);
    const input = {
      partner: d.origin,
      referencedDenials: [{ id: d.id, version: d.current.version }],
      proposedTransaction: fromState(TRANSACTION_FIELDS, c.form, PT),
      question: one(c.form.question).replace(/\r\n?/g, '\n').trim(),
    };
    try {
      const x = c.deps.consultations.open(input, c.actor);
      redirect(c.res, `/consultations/${encodeURIComponent(x.id)}?flash=opened`);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const rendered = renderedPaths(TRANSACTION_FIELDS, c.form, PT);
      rendered.add('question');
      return openForm(c, {
        denial,
        state: c.form,
        errors: placeErrors(e.errors, rendered, '/message'),
        message: e.message,
      });
    }
  });
  p.get('/consultations/:id', 'analyst', (c) => conversation(c, String(c.req.params.id)));
  p.post('/consultations/:id/messages', 'publisher', (c) => {
    const id = String(c.req.params.id);
    const f = c.form;
    const type = one(f.type);
    const text = (k: string) => one(f[k]).replace(/\r\n?/g, '\n').trim();
    const body: Record<string, Json> = { type };
    if (type === 'RESPONSE') Object.assign(body, { position: one(f.position), rationale: text('rationale') });
    if (type === 'EXTENSION') Object.assign(body, { days: Number(one(f.days)), reason: text('reason') });
    if (type === 'OUTCOME') {
      Object.assign(body, { decision: one(f.decision), decidedOn: one(f.decidedOn) });
      if (text('justification')) body.justification = text('justification');
    }
    if (type === 'WITHDRAWAL') body.reason = text('reason');
    try {
      c.deps.consultations.reply(id, body, c.actor);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const detail = e.errors.map((x) => `${x.pointer}: ${x.message}`).join('; ');
      return conversation(c, id, `${e.message}${detail ? ` (${detail})` : ''}`);
    }
    redirect(c.res, `/consultations/${encodeURIComponent(id)}?flash=sent`);
  });
}
