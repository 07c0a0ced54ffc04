// Records list: own and received, the filters of GET /admin/v1/records, a search box, and
// server-side paging by the node's cursor (never by offset: a list that grows while read stays right).
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import type { PageRouter } from '../core.js';
import { one } from '../core.js';
import type { RecordSummary, SearchParams } from '../deps.js';
import { REGIMES } from '../forms/codes.js';
import { Empty, Labels, StatusBadge, T } from '../ui.js';
import { asText } from '../ui.js';
import { REVIEW_LABEL, ReviewBadge } from '../review.js';

const FILTERS = ['q', 'type', 'origin', 'status', 'destination', 'control', 'regime'] as const;
const STATUSES = [
  'ACTIVE',
  'REVOKED',
  'WITHDRAWN',
  'EXPIRED',
  'OPEN',
  'UNDER_INVESTIGATION',
  'ADJUDICATED',
  'UNDER_APPEAL',
  'CLOSED',
];

interface Problem {
  name: string;
  message: string;
}

/** The query as SearchParams, and what is wrong with it (shown at the filter). */
export function parseFilters(q: Record<string, unknown>): {
  params: SearchParams;
  problems: Problem[];
  raw: Record<string, string>;
} {
  const raw: Record<string, string> = {};
  for (const k of [...FILTERS, 'after']) raw[k] = one(q[k]).trim();
  const problems: Problem[] = [];
  const params: SearchParams = { limit: 50 };
  const check = (name: string, ok: (s: string) => boolean, message: string): string | undefined => {
    const v = raw[name];
    if (!v) return undefined;
    if (!ok(v)) {
      problems.push({ name, message });
      return undefined;
    }
    return v;
  };
  const qv = check(
    'q',
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    (s) => s.length <= 200 && s.isWellFormed() && !/[\u0000-\u001f]/.test(s),
    'at most 200 characters',
  );
  if (qv) params.q = qv;
  const type = check('type', (s) => s === 'denial' || s === 'finding', 'denial or finding');
  if (type) params.type = type as 'denial' | 'finding';
  const origin = check('origin', (s) => /^[a-z0-9][a-z0-9-]{1,62}$/.test(s), 'a node id');
  if (origin) params.origin = origin;
  const status = check('status', (s) => /^[A-Z_]{1,40}$/.test(s), 'a status such as ACTIVE');
  if (status) params.status = status;
  const dest = check('destination', (s) => /^[A-Z]{2}$/.test(s.toUpperCase()), 'a country code such as AE');
  if (dest) params.destination = dest.toUpperCase();
  const control = check(
    'control',
    (s) => /^[A-Za-z0-9][A-Za-z0-9._:()/-]{0,63}$/.test(s),
    'a control-code prefix such as 3A001',
  );
  if (control) params.control = control;
  const regime = check('regime', (s) => (REGIMES as readonly string[]).includes(s), 'one of the regimes');
  if (regime) params.regime = regime;
  const after = check('after', (s) => /^[A-Za-z0-9_-]{1,40}$/.test(s), 'a page cursor');
  if (after) params.after = after;
  return { params, problems, raw };
}

function summaryOf(r: RecordSummary): { ref: string; tlp: string; what: string } {
  const rec = r.record as Record<string, unknown> & { handling?: { tlp?: string } };
  const what =
    r.type === 'denial'
      ? `${asText(rec.decisionType ?? '')} · to ${asText(rec.destinationCountry ?? '?')}`
      : asText(rec.title ?? rec.findingType ?? '');
  return { ref: asText(rec.originatorReference ?? r.id), tlp: rec.handling?.tlp ?? '?', what };
}

function Select(props: { name: string; label: string; value: string; options: string[]; problems: Problem[] }): VNode {
  const err = props.problems.find((p) => p.name === props.name);
  return (
    <div class={`field${err ? ' invalid' : ''}`}>
      <label for={`flt-${props.name}`}>{props.label}</label>
      {err ? (
        <p class="error" id={`flt-err-${props.name}`}>
          {err.message}
        </p>
      ) : null}
      <select id={`flt-${props.name}`} name={props.name} aria-describedby={err ? `flt-err-${props.name}` : undefined}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function Text(props: { name: string; label: string; value: string; problems: Problem[]; hint?: string }): VNode {
  const err = props.problems.find((p) => p.name === props.name);
  return (
    <div class={`field${err ? ' invalid' : ''}`}>
      <label for={`flt-${props.name}`}>{props.label}</label>
      {err ? (
        <p class="error" id={`flt-err-${props.name}`}>
          {err.message}
        </p>
      ) : null}
      <input
        type="text"
        id={`flt-${props.name}`}
        name={props.name}
        value={props.value}
        placeholder={props.hint}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `flt-err-${props.name}` : undefined}
      />
    </div>
  );
}

export function RecordTable(props: { items: RecordSummary[]; self: string }): VNode {
  if (!props.items.length) return <Empty>No record matches.</Empty>;
  return (
    <table class="data">
      <caption class="visually-hidden">Records, newest first within this page</caption>
      <thead>
        <tr>
          <th scope="col">Reference</th>
          <th scope="col">Type</th>
          <th scope="col">Origin</th>
          <th scope="col">TLP</th>
          <th scope="col">Status</th>
          <th scope="col">What</th>
          <th scope="col">Version</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((r) => {
          const s = summaryOf(r);
          return (
            <tr>
              <td>
                <a href={`/records/${encodeURIComponent(r.id)}`}>
                  <T>{s.ref}</T>
                </a>
              </td>
              <td>{r.type}</td>
              <td>{r.origin === props.self ? <span>{r.origin} (own)</span> : r.origin}</td>
              <td>
                <span class={`chip tlp-${s.tlp.toLowerCase().replace('+', '-')}`}>{s.tlp}</span>
              </td>
              <td>
                <StatusBadge status={r.status} /> <Labels labels={r.labels.filter((l) => l !== REVIEW_LABEL)} />
                {r.labels.includes(REVIEW_LABEL) ? <ReviewBadge id={r.id} /> : null}
              </td>
              <td>
                <T>{s.what}</T>
              </td>
              <td>{r.version}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function recordPages(p: PageRouter): void {
  p.get('/records', 'analyst', (c) => {
    const { params, problems, raw } = parseFilters(c.req.query);
    let result: { items: RecordSummary[]; next: string | null } = { items: [], next: null };
    if (!problems.length) {
      try {
        result = c.deps.records.search(params);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        problems.push({ name: 'after', message: e.message });
      }
    }
    // the origin filter needs only the ids: the partner list's sync figures are the dashboard's
    const origins = [c.deps.node.nodeId, ...c.deps.partners.nodeIds()];
    const keep = new URLSearchParams(Object.entries(raw).filter(([k, v]) => v && k !== 'after'));
    const nextHref = result.next ? `/records?${new URLSearchParams([...keep, ['after', result.next]])}` : null;
    return {
      title: 'Records',
      body: (
        <>
          {c.can('publisher') ? (
            <p class="actions">
              <a class="button" href="/records/new?type=denial">
                Publish a denial
              </a>{' '}
              <a class="button secondary" href="/records/new?type=finding">
                Publish a finding
              </a>
            </p>
          ) : null}
          <form method="get" action="/records" class="filters" role="search" aria-label="Search records">
            <Text
              name="q"
              label="Search names and references"
              value={raw.q!}
              problems={problems}
              hint="a name in any script, a reference"
            />
            <Select name="type" label="Type" value={raw.type!} options={['denial', 'finding']} problems={problems} />
            <Select name="origin" label="Origin" value={raw.origin!} options={origins} problems={problems} />
            <Select name="status" label="Status" value={raw.status!} options={STATUSES} problems={problems} />
            <Text name="destination" label="Destination" value={raw.destination!} problems={problems} hint="AE" />
            <Text name="control" label="Control code" value={raw.control!} problems={problems} hint="3A001" />
            <Select name="regime" label="Regime" value={raw.regime!} options={[...REGIMES]} problems={problems} />
            <div class="filter-actions">
              <button type="submit">Search</button> <a href="/records">Clear</a>
            </div>
          </form>
          <RecordTable items={result.items} self={c.deps.node.nodeId} />
          <nav class="pager" aria-label="Pages">
            {raw.after ? <a href={`/records?${keep}`}>First page</a> : null}
            {nextHref ? <a href={nextHref}>Next page</a> : <span class="muted">Last page</span>}
          </nav>
        </>
      ),
    };
  });
}
