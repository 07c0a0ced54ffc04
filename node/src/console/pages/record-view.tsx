// Record view: handling first (TLP band and the originator's flags), then the current version, its
// signature, where it went (own) or how it came (received), the version history with what changed,
// and the lifecycle actions a publisher may take on an own record.
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import { errorView, one, redirect, type Ctx, type PageRouter, type View } from '../core.js';
import type { RecordDetail, VersionView } from '../deps.js';
import { diff, RecordBody, show } from '../record-render.js';
import { Csrf, Empty, HandlingFlags, Labels, StatusBadge, T, TlpBand, When } from '../ui.js';
import { ReviewPanel, reviewNote } from '../review.js';

const TERMINAL = new Set(['REVOKED', 'WITHDRAWN', 'EXPIRED']);
const DECISIONS = [
  'DENIAL',
  'DETERMINATION_NOT_TO_AUTHORISE',
  'ANNULMENT',
  'SUBSTANTIAL_LIMITATION',
  'REVOCATION_OF_LICENCE',
];
const FINDING_NEXT = ['UNDER_INVESTIGATION', 'ADJUDICATED', 'UNDER_APPEAL', 'CLOSED', 'WITHDRAWN'];

function kidOf(jws: string | undefined): string | null {
  if (!jws) return null;
  try {
    const h = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof h.kid === 'string' ? h.kid : null;
  } catch {
    return null;
  }
}

function Signature(props: { v: VersionView; origin: string }): VNode {
  const v = props.v;
  if (v.origin === 'own') {
    const kid = kidOf(v.signature);
    return (
      <p>
        <span class="badge ok">signed</span> by this node at publication with key <code>{kid ?? 'unknown'}</code> (
        <code>entente-record+jws</code> over the canonical unredacted record); digest <code>{v.digest}</code>
      </p>
    );
  }
  const kid = kidOf(v.jws);
  return (
    <p>
      <span class="badge ok">verified on receipt</span> release signed by {props.origin} with key{' '}
      <code>{kid ?? 'unknown'}</code>
      {v.seq !== undefined ? ` (stream seq ${v.seq})` : ''}; the node refuses a release whose signature, key or chain
      fails. Received <When at={v.receivedAt} />.
    </p>
  );
}

function Where(props: { c: Ctx; d: RecordDetail }): VNode {
  const { c, d } = props;
  if (d.current.origin !== 'own') {
    const a = d.current.agreement as { reference?: string; version?: number } | undefined;
    return (
      <p>
        Received from <strong>{d.origin}</strong>
        {a?.reference ? ` under its agreement ${a.reference} version ${a.version}` : ''}.
      </p>
    );
  }
  if (!c.can('admin') && !c.can('publisher')) return <p>Published by this node.</p>;
  const to = c.deps.views.releasedTo(d.id);
  if (!to.length) return <Empty>Not released to any partner (no agreement shares it, or it is embargoed).</Empty>;
  return (
    <table class="data">
      <caption>Released to</caption>
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th scope="col">Holds version</th>
          <th scope="col">Acknowledged</th>
        </tr>
      </thead>
      <tbody>
        {to.map((t) => (
          <tr>
            <td>{t.partner}</td>
            <td>
              {t.version}
              {t.recalled ? ' (recalled: a tombstone went)' : ''}
            </td>
            <td>
              {t.acknowledged ? (
                <span class="badge ok">yes, receipt signed</span>
              ) : (
                <span class="badge mid">not yet</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History(props: { d: RecordDetail }): VNode {
  const versions = [...props.d.history].sort((a, b) => b.version - a.version);
  return (
    <ol class="history" reversed>
      {versions.map((v) => {
        const prev = props.d.history.find((h) => h.version === v.version - 1);
        const rec = v.record as { changeType?: string; status?: string; updatedAt?: string; statusReason?: string };
        const changes = prev ? diff(prev.record, v.record).slice(0, 40) : [];
        return (
          <li>
            <p>
              <strong>Version {v.version}</strong> {rec.changeType} → <StatusBadge status={String(rec.status)} />{' '}
              <When at={rec.updatedAt} />
            </p>
            {prev ? (
              changes.length ? (
                <table class="data diff">
                  <caption>What changed from version {prev.version}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Member</th>
                      <th scope="col">Before</th>
                      <th scope="col">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map((ch) => (
                      <tr>
                        <td>
                          <code>{ch.pointer}</code>
                        </td>
                        <td class="before">
                          <T>{show(ch.before)}</T>
                        </td>
                        <td class="after">
                          <T>{show(ch.after)}</T>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p class="muted">No member changed (as this node sees the versions).</p>
              )
            ) : (
              <p class="muted">First version this node holds.</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function Lifecycle(props: { c: Ctx; d: RecordDetail; error?: string | undefined }): VNode | null {
  const { c, d } = props;
  const rec = d.current.record as { status?: string; decisionType?: string };
  if (
    !c.can('publisher') ||
    d.current.origin !== 'own' ||
    TERMINAL.has(String(rec.status)) ||
    (d.type === 'finding' && rec.status === 'WITHDRAWN')
  ) {
    return null;
  }
  const action = `/records/${encodeURIComponent(d.id)}/status`;
  const hidden = (
    <>
      <Csrf token={c.csrf} />
      <input type="hidden" name="version" value={String(d.current.version)} />
    </>
  );
  const reason = (id: string) => (
    <div class="field">
      <label for={id}>Reason (required; partners see it)</label>
      <textarea id={id} name="reason" rows={2} required dir="auto"></textarea>
    </div>
  );
  return (
    <section aria-labelledby="sec-life" class="lifecycle">
      <h2 id="sec-life">Lifecycle</h2>
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      <p>
        <a class="button secondary" href={`/records/${encodeURIComponent(d.id)}/amend`}>
          Amend
        </a>
      </p>
      <div class="cards">
        {d.type === 'denial' ? (
          <form method="post" action={action} class="card">
            <h3>Renew</h3>
            {hidden}
            <input type="hidden" name="kind" value="renew" />
            <div class="field">
              <label for="renew-date">New review date</label>
              <input type="date" id="renew-date" name="reviewDueOn" required />
            </div>
            {reason('renew-reason')}
            <button type="submit">Renew</button>
          </form>
        ) : null}
        <form method="post" action={action} class="card">
          <h3>{d.type === 'denial' ? 'Revoke, withdraw or expire' : 'Change status'}</h3>
          {hidden}
          <input type="hidden" name="kind" value="status" />
          <div class="field">
            <label for="st-status">New status</label>
            <select id="st-status" name="status">
              {(d.type === 'denial' ? ['REVOKED', 'WITHDRAWN', 'EXPIRED'] : FINDING_NEXT).map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </div>
          {reason('st-reason')}
          <button type="submit" class="danger">
            Publish the new status
          </button>
        </form>
        {d.type === 'denial' && rec.decisionType === 'SUSPENSION' ? (
          <form method="post" action={action} class="card">
            <h3>Final assessment</h3>
            {hidden}
            <input type="hidden" name="kind" value="final" />
            <div class="field">
              <label for="fa-type">Decision after the suspension</label>
              <select id="fa-type" name="decisionType">
                {DECISIONS.map((s) => (
                  <option value={s}>{s}</option>
                ))}
              </select>
            </div>
            {reason('fa-reason')}
            <button type="submit">Publish the final assessment</button>
          </form>
        ) : null}
      </div>
    </section>
  );
}

export function recordView(
  c: Ctx,
  id: string,
  error?: string,
  review?: { note: string; problem: string | undefined },
): View {
  const d = c.deps.records.get(id);
  const rec = d.current.record as { originatorReference?: string; handling?: { tlp?: string }; status?: string };
  return {
    title: `${d.type === 'denial' ? 'Denial' : 'Finding'} ${rec.originatorReference ?? ''}`,
    status: error || review?.problem ? 400 : 200,
    body: (
      <article class="record">
        <TlpBand tlp={rec.handling?.tlp ?? 'RED'} />
        <HandlingFlags handling={rec.handling} />
        {d.current.redacted?.length ? (
          <p class="withheld-note">
            {d.current.redacted.length} member{d.current.redacted.length === 1 ? ' was' : 's were'} withheld by the
            originator under its agreement with this node; each is marked where it would be.
          </p>
        ) : null}
        <p class="meta">
          <StatusBadge status={String(rec.status)} /> <Labels labels={d.labels} />
          {d.recalled ? <span class="badge off">recalled by the originator</span> : null} version {d.current.version} ·
          origin {d.origin} · <code>{d.id}</code>
        </p>
        <ReviewPanel d={d} csrf={c.csrf} note={review?.note} problem={review?.problem} />
        <RecordBody record={d.current.record} redacted={d.current.redacted} />
        <section aria-labelledby="sec-sig">
          <h2 id="sec-sig">Signature and delivery</h2>
          <Signature v={d.current} origin={d.origin} />
          <Where c={c} d={d} />
        </section>
        <Lifecycle c={c} d={d} error={error} />
        {c.can('publisher') && d.type === 'denial' && d.current.origin !== 'own' ? (
          <p class="actions">
            <a class="button secondary" href={`/consultations/new?denial=${encodeURIComponent(d.id)}`}>
              Consult {d.origin} about this denial
            </a>
          </p>
        ) : null}
        <section aria-labelledby="sec-hist">
          <h2 id="sec-hist">Version history</h2>
          <History d={d} />
        </section>
      </article>
    ),
  };
}

export function recordViewPages(p: PageRouter): void {
  p.get('/records/:id', 'analyst', (c) => recordView(c, String(c.req.params.id)));
  p.post('/records/:id/status', 'publisher', (c) => {
    const id = String(c.req.params.id);
    const f = c.form;
    const reason = one(f.reason).replace(/\r\n?/g, '\n').trim();
    const kind = one(f.kind);
    const req =
      kind === 'renew'
        ? { renew: { reviewDueOn: one(f.reviewDueOn) }, reason }
        : kind === 'final'
          ? { finalAssessment: { decisionType: one(f.decisionType) }, reason }
          : { status: one(f.status), reason };
    const version = Number(one(f.version));
    try {
      c.deps.records.changeStatus(id, req, Number.isSafeInteger(version) && version > 0 ? version : undefined, c.actor);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const detail = e.errors.map((x) => `${x.pointer}: ${x.message}`).join('; ');
      return recordView(c, id, `${e.message}${detail && !e.message.includes(detail) ? ` (${detail})` : ''}`);
    }
    redirect(c.res, `/records/${encodeURIComponent(id)}?flash=status`);
  });
  // the same service call as POST /admin/v1/records/{id}/review, audited with the person's token name
  p.post('/records/:id/review', 'analyst', (c) => {
    const id = String(c.req.params.id);
    const { note, problem } = reviewNote(one(c.form.note));
    if (problem) return recordView(c, id, undefined, { note: note ?? '', problem });
    try {
      c.deps.records.markReviewed(id, c.actor, note);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 409) throw e;
      return errorView(409, 'Nothing on this record awaits review (someone may have marked it reviewed already).');
    }
    redirect(c.res, `/records/${encodeURIComponent(id)}?flash=reviewed`);
  });
}
