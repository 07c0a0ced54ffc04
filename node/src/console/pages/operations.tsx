// Watching the exchange: the sync dashboard (per partner: head, acknowledged, queue, quarantines both
// ways, last contact, last error; flow over time), alarms, and reciprocity in both directions.
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import { renderToString } from 'preact-render-to-string';
import type { Ctx, PageRouter } from '../core.js';
import type { Flow, PartnerView, ReciprocityFlow, ReciprocityRow } from '../deps.js';
import { LineChart, PairedBars, type Series } from '../charts.js';
import { Empty, T, When } from '../ui.js';
import { syncOf } from './partners.js';

function latest(...xs: (string | null | undefined)[]): string | null {
  return (
    xs
      .filter((x): x is string => !!x)
      .sort()
      .at(-1) ?? null
  );
}

export function SyncTable(props: { list: PartnerView[]; at: number }): VNode {
  if (!props.list.length) return <Empty>No partners yet.</Empty>;
  return (
    <table class="data" id="sync-table">
      <caption>
        Per partner, as of <When at={new Date(props.at).toISOString()} />
      </caption>
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th scope="col">Head (sent)</th>
          <th scope="col">Acknowledged</th>
          <th scope="col">Queue</th>
          <th scope="col">Quarantined by them / by us</th>
          <th scope="col">Last contact</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {props.list
          .filter((p) => !p.removed)
          .map((p) => {
            const { out, inn } = syncOf(p);
            const err = out?.blocked ?? out?.lastError ?? inn?.lastError ?? null;
            return (
              <tr class={err ? 'trouble' : ''}>
                <th scope="row">
                  <a href={`/partners/${p.nodeId}`}>{p.nodeId}</a>
                </th>
                <td>{out?.head ?? 0}</td>
                <td>{out?.lastReceiptUpTo ?? 0}</td>
                <td>{out?.queued ?? 0}</td>
                <td>
                  {out?.quarantinedByPartner ?? 0} / {inn?.counts?.quarantined ?? 0}
                </td>
                <td>
                  <When at={latest(out?.lastReceiptAt, out?.lastPulledByPartnerAt, inn?.lastContactAt)} />
                </td>
                <td>
                  {err ? (
                    <span class="badge off">{out?.blocked ? 'blocked' : 'error'}</span>
                  ) : (
                    <span class="badge ok">none</span>
                  )}{' '}
                  {err ? <T>{err}</T> : null}
                </td>
              </tr>
            );
          })}
      </tbody>
    </table>
  );
}

/** Cumulative series filled forward per day, so a day without releases keeps its level. */
function fill(days: string[], pts: { day: string; value: number }[]): { x: string; y: number }[] {
  let last = 0;
  const m = new Map(pts.map((p) => [p.day, p.value]));
  return days.map((d) => {
    last = m.get(d) ?? last;
    return { x: d, y: last };
  });
}

function daysOf(f: Flow): string[] {
  return [...new Set([...f.sent, ...f.acknowledged].map((p) => p.day))].sort();
}

function SyncCharts(props: { c: Ctx; partner: string }): VNode {
  const partner = props.partner;
  const f = props.c.deps.views.flow(partner, 30);
  const days = daysOf(f);
  const sent = fill(days, f.sent);
  const ack = fill(days, f.acknowledged);
  const queue = sent.map((s, i) => ({ x: s.x, y: Math.max(0, s.y - (ack[i]?.y ?? 0)) }));
  const series: Series[] = [
    { label: 'sent', points: sent },
    { label: 'acknowledged', points: ack },
  ];
  const last = queue.at(-1)?.y ?? 0;
  return (
    <div class="chart-pair">
      <LineChart
        id={`flow-${partner}`}
        title={`Releases to ${partner}, last 30 days`}
        summary={`stream position sent and acknowledged at the end of each day; a gap is the queue (now ${last})`}
        series={series}
      />
      <LineChart
        id={`queue-${partner}`}
        title="Queue depth"
        summary="releases sent but not yet acknowledged, end of day"
        series={[{ label: 'queue', points: queue }]}
      />
    </div>
  );
}

/** Where a partner's charts go: a link that works without script, replaced by the charts when script runs. */
function ChartSlot(props: { partner: string }): VNode {
  const href = `/sync/charts/${encodeURIComponent(props.partner)}`;
  return (
    <section class="chart-slot" aria-labelledby={`slot-${props.partner}`} data-load={`${href}/fragment`}>
      <h2 id={`slot-${props.partner}`}>Flow to {props.partner}</h2>
      <p class="slot-body">
        <a href={href}>Releases sent and acknowledged per day, and the queue (last 30 days)</a>
      </p>
    </section>
  );
}

function weekly(pts: { day: string; value: number }[]): { x: string; y: number }[] {
  const m = new Map<string, number>();
  for (const p of pts) {
    const d = new Date(`${p.day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const k = d.toISOString().slice(0, 10);
    m.set(k, (m.get(k) ?? 0) + p.value);
  }
  return [...m.entries()].sort().map(([x, y]) => ({ x, y }));
}

function FlowCells(props: { f: ReciprocityFlow & { receiptsOutstanding?: number } }): VNode {
  const f = props.f;
  return (
    <ul class="plain">
      <li>{f.records} record versions</li>
      <li>
        {Object.entries(f.byType)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'no types'}
      </li>
      <li>
        {Object.entries(f.byTlp)
          .map(([k, v]) => `TLP:${k} ${v}`)
          .join(', ') || '—'}
      </li>
      <li>
        {f.revocations} revocations, {f.recalls} recalls, {f.quarantined} quarantined
      </li>
      <li>
        delay median {f.delayHours.median ?? '—'} h, p90 {f.delayHours.p90 ?? '—'} h
      </li>
      {f.receiptsOutstanding !== undefined ? <li>{f.receiptsOutstanding} awaiting receipt</li> : null}
    </ul>
  );
}

function Reciprocity(props: { c: Ctx; r: ReciprocityRow }): VNode {
  const { c, r } = props;
  const f = c.deps.views.flow(r.partner, 84);
  const received = c.deps.views.receivedPerWeek(r.partner, 12);
  const types = [...new Set([...Object.keys(r.outbound.byType), ...Object.keys(r.inbound.byType)])].sort();
  const promise = (xs: { reference: string; version: number; since: string }[]) =>
    xs.length ? xs.map((a) => `${a.reference} v${a.version} since ${a.since.slice(0, 10)}`).join('; ') : 'none';
  const wa = r.consultations.weAnswered;
  const ta = r.consultations.theyAnswered;
  return (
    <section aria-labelledby={`rc-${r.partner}`} class="reciprocity">
      <h2 id={`rc-${r.partner}`}>{r.partner}</h2>
      <table class="data side-by-side">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">We → {r.partner}</th>
            <th scope="col">{r.partner} → us</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Promised (latest agreements)</th>
            <td>{promise(r.promises.ours)}</td>
            <td>{promise(r.promises.theirs)}</td>
          </tr>
          <tr>
            <th scope="row">Flowed</th>
            <td>
              <FlowCells f={r.outbound} />
            </td>
            <td>
              <FlowCells f={r.inbound} />
            </td>
          </tr>
          <tr>
            <th scope="row">Consultations answered on time</th>
            <td>
              we answered {wa.answered} of {wa.requests} ({wa.onTime} on time, {wa.lapsed} lapsed)
            </td>
            <td>
              they answered {ta.answered} of {ta.requests} ({ta.onTime} on time, {ta.lapsed} lapsed)
            </td>
          </tr>
        </tbody>
      </table>
      <div class="chart-pair">
        <LineChart
          id={`wk-${r.partner}`}
          title="Releases per week"
          summary="releases we sent them and releases we received from them, by week (Monday to Sunday)"
          series={[
            { label: 'we sent', points: weekly(f.recordsOut) },
            { label: 'they sent', points: received.map((p) => ({ x: p.day, y: p.value })) },
          ]}
        />
        <PairedBars
          id={`ty-${r.partner}`}
          title="By type, both directions"
          summary="record versions in the period"
          a="we sent"
          b="they sent"
          rows={[
            ...types.map((t) => ({ label: t, a: r.outbound.byType[t] ?? 0, b: r.inbound.byType[t] ?? 0 })),
            { label: 'consultations answered', a: wa.answered, b: ta.answered },
          ]}
        />
      </div>
    </section>
  );
}

export function operationPages(p: PageRouter): void {
  p.get('/sync', 'admin', (c) => {
    const list = c.deps.partners.list();
    return {
      title: 'Sync',
      body: (
        <>
          <div data-refresh="/sync/table" data-every="10">
            <SyncTable list={list} at={c.deps.now()} />
          </div>
          {list
            .filter((x) => !x.removed)
            .map((x) => (
              <ChartSlot partner={x.nodeId} />
            ))}
        </>
      ),
    };
  });
  p.get('/sync/table', 'admin', (c) => {
    c.res
      .type('text/html; charset=utf-8')
      .send(renderToString(<SyncTable list={c.deps.partners.list()} at={c.deps.now()} />));
  });
  // The charts are their own request, so the table answers first: the page's script loads the
  // fragment into its slot; without script the slot's link opens the same charts as a page.
  const partnerOf = (c: Ctx): string => {
    const id = String(c.req.params.nodeId);
    if (!c.deps.partners.nodeIds().includes(id)) throw new AppError('not-found', 'There is no such partner.');
    return id;
  };
  p.get('/sync/charts/:nodeId', 'admin', (c) => {
    const partner = partnerOf(c);
    return {
      title: `Sync with ${partner}: flow`,
      body: (
        <>
          <p>
            <a href="/sync">Back to the sync dashboard</a>
          </p>
          <SyncCharts c={c} partner={partner} />
        </>
      ),
    };
  });
  p.get('/sync/charts/:nodeId/fragment', 'admin', (c) => {
    const partner = partnerOf(c);
    c.res.type('text/html; charset=utf-8').send(renderToString(<SyncCharts c={c} partner={partner} />));
  });
  p.get('/alarms', 'admin', (c) => {
    const items = c.deps.exchange.alarms() as { at: string; partner: string | null; kind: string; detail: string }[];
    return {
      title: 'Alarms',
      body: items.length ? (
        <table class="data">
          <caption class="visually-hidden">Alarms, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Partner</th>
              <th scope="col">Kind</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr>
                <td>
                  <When at={a.at} />
                </td>
                <td>{a.partner ?? '—'}</td>
                <td>
                  <span class="badge off">{a.kind}</span>
                </td>
                <td>
                  <T>{a.detail}</T>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No alarms.</Empty>
      ),
    };
  });
  p.get('/reciprocity', 'admin', (c) => {
    const rows = c.deps.reciprocity.report({});
    return {
      title: 'Reciprocity',
      body: rows.length ? (
        <>
          {rows.map((r) => (
            <Reciprocity c={c} r={r} />
          ))}
        </>
      ) : (
        <Empty>No partners yet.</Empty>
      ),
    };
  });
}
