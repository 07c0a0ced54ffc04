// The overview: what needs a person's attention, per role (the parts a role may not see are absent).
import type { VNode } from 'preact';
import type { Ctx, PageRouter } from '../core.js';
import type { ConsultationView, PartnerView, RecordSummary } from '../deps.js';
import { Empty, StatusBadge, T, When } from '../ui.js';

function reminders(c: Ctx): RecordSummary[] {
  const own = c.deps.records.search({ origin: c.deps.node.nodeId, type: 'denial', status: 'ACTIVE', limit: 1000 });
  return own.items.filter((i) => i.labels.some((l) => /review|final-assessment/.test(l)));
}

export function Reminders(props: { items: RecordSummary[] }): VNode {
  if (!props.items.length) return <Empty>No reviews or final assessments fall due.</Empty>;
  return (
    <ul class="list">
      {props.items.map((r) => {
        const rec = r.record as {
          originatorReference?: string;
          reviewDueOn?: string;
          suspension?: { finalAssessmentDue?: string };
        };
        const what = r.labels.includes('review-overdue')
          ? `review overdue since ${rec.reviewDueOn}`
          : r.labels.includes('review-due-soon')
            ? `review due on ${rec.reviewDueOn}`
            : `final assessment overdue since ${rec.suspension?.finalAssessmentDue}`;
        return (
          <li>
            <a href={`/records/${encodeURIComponent(r.id)}`}>
              <T>{rec.originatorReference}</T>
            </a>{' '}
            <span class="badge warn">{what}</span>
          </li>
        );
      })}
    </ul>
  );
}

function openConsultations(list: ConsultationView[]): VNode {
  const open = list.filter((x) => x.state === 'OPEN').sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  if (!open.length) return <Empty>No consultation is waiting.</Empty>;
  return (
    <ul class="list">
      {open.slice(0, 8).map((x) => (
        <li>
          <a href={`/consultations/${encodeURIComponent(x.id)}`}>
            {x.role === 'responder' ? `From ${x.partner}: answer due` : `To ${x.partner}: answer expected by`}
          </a>{' '}
          <When at={x.dueAt} />
        </li>
      ))}
    </ul>
  );
}

function syncSummary(partners: PartnerView[]): VNode {
  if (!partners.length) return <Empty>No partners yet.</Empty>;
  return (
    <ul class="list">
      {partners.map((p) => {
        // sync is Record<string, unknown> (the API's view); the lint's type service reads it differently
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        const out = (p.sync.outbound ?? null) as {
          queued?: number;
          lastError?: string | null;
          blocked?: string | null;
        } | null;
        const trouble = out?.blocked ?? out?.lastError ?? null;
        return (
          <li>
            <a href={`/partners/${p.nodeId}`}>{p.nodeId}</a>{' '}
            {p.removed ? (
              <StatusBadge status="REMOVED" />
            ) : trouble ? (
              <span class="badge off">problem</span>
            ) : (
              <span class="badge ok">healthy</span>
            )}{' '}
            <span class="muted">queue {out?.queued ?? 0}</span>
            {trouble ? (
              <span class="muted">
                {' '}
                · <T>{trouble}</T>
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export function overviewPages(p: PageRouter): void {
  p.get('/', 'analyst', (c) => {
    const fresh = c.deps.views.receivedSince(c.user.name, 1);
    const total = fresh.counts.reduce((n, x) => n + x.n, 0);
    return {
      title: 'Overview',
      body: (
        <div class="cards">
          <section class="card" aria-labelledby="ov-new">
            <h2 id="ov-new">New from partners</h2>
            {total ? (
              <p>
                <a href="/new">
                  {total} new version{total === 1 ? '' : 's'} since you last looked
                </a>{' '}
                ({fresh.counts.map((x) => `${x.origin}: ${x.n}`).join(', ')})
              </p>
            ) : (
              <Empty>Nothing new since you last looked.</Empty>
            )}
          </section>
          <section class="card" aria-labelledby="ov-cons">
            <h2 id="ov-cons">Consultations waiting</h2>
            {openConsultations(c.deps.consultations.list())}
          </section>
          {c.can('publisher') ? (
            <section class="card" aria-labelledby="ov-rem">
              <h2 id="ov-rem">Review reminders</h2>
              <Reminders items={reminders(c)} />
              <p class="actions">
                <a class="button" href="/records/new?type=denial">
                  Publish a denial
                </a>{' '}
                <a class="button secondary" href="/records/new?type=finding">
                  Publish a finding
                </a>
              </p>
            </section>
          ) : null}
          {c.can('admin') ? (
            <section class="card" aria-labelledby="ov-sync">
              <h2 id="ov-sync">Partners</h2>
              {syncSummary(c.deps.partners.list())}
              <p>
                <a href="/sync">Sync dashboard</a> · <a href="/alarms">Alarms</a>
              </p>
            </section>
          ) : null}
        </div>
      ),
    };
  });
}
