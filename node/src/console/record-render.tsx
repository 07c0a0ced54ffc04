// Renders a record version for reading: members in a fixed, readable order, partner text as isolated
// text, and every member the originator withheld shown at its place as "withheld by the originator"
// (docs/records.md §8: the release's `redacted` pointers name them in the unredacted record).
import type { VNode } from 'preact';
import { T, Withheld } from './ui.js';
import { asText } from './ui.js';

const WITHHELD = Symbol('withheld');
type View = string | number | boolean | null | typeof WITHHELD | View[] | { [k: string]: View };

function segments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function byPosition(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const nx = Number(x[i]);
    const ny = Number(y[i]);
    return Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** The released record with a marker wherever a withheld member was (array elements re-inserted in order). */
export function withWithheld(record: unknown, redacted: string[] = []): View {
  const root = structuredClone(record) as View;
  for (const p of [...redacted].sort(byPosition)) {
    const segs = segments(p);
    let node: View = root;
    for (let i = 0; i < segs.length - 1 && node && typeof node === 'object'; i++) {
      node = (node as Record<string, View>)[segs[i]!] as View;
    }
    const last = segs.at(-1)!;
    if (Array.isArray(node)) node.splice(Math.min(Number(last), node.length), 0, WITHHELD);
    else if (node && typeof node === 'object') (node as Record<string, View>)[last] = WITHHELD;
  }
  return root;
}

/** camelCase → "Camel case" */
export function labelOf(key: string): string {
  const s = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const LANG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$/;

function Scalar(props: { v: View }): VNode {
  const v = props.v;
  if (v === WITHHELD) return <Withheld />;
  if (v === null) return <span class="muted">none</span>;
  if (typeof v === 'boolean') return <span>{v ? 'yes' : 'no'}</span>;
  if (typeof v === 'number') return <span>{v}</span>;
  const s = asText(v);
  return s.includes('\n') ? (
    <div class="prose" dir="auto">
      {s}
    </div>
  ) : (
    <T>{s}</T>
  );
}

function Names(props: { names: View[] }): VNode {
  return (
    <ul class="names">
      {props.names.map((n) => {
        if (n === WITHHELD || !n || typeof n !== 'object' || Array.isArray(n))
          return (
            <li>
              <Scalar v={n} />
            </li>
          );
        const name = n as Record<string, View>;
        const lang = typeof name.lang === 'string' && LANG.test(name.lang) ? name.lang : undefined;
        return (
          <li>
            <bdi dir="auto" lang={lang} class="name">
              {name.value === WITHHELD ? '' : asText(name.value ?? '')}
            </bdi>
            {name.value === WITHHELD ? <Withheld /> : null} <span class="badge">{asText(name.type ?? '')}</span>
            {typeof name.script === 'string' ? <span class="muted"> {name.script}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function Value(props: { v: View; k?: string }): VNode {
  const v = props.v;
  if (v === WITHHELD || v === null || typeof v !== 'object') return <Scalar v={v} />;
  if (Array.isArray(v)) {
    if (props.k === 'names') return <Names names={v} />;
    if (v.every((x) => x === WITHHELD || typeof x !== 'object' || x === null)) {
      return (
        <span>
          {v.map((x, i) => (
            <>
              {i ? ', ' : ''}
              <Scalar v={x} />
            </>
          ))}
        </span>
      );
    }
    return (
      <ol class="nested">
        {v.map((x) => (
          <li>
            <Value v={x} />
          </li>
        ))}
      </ol>
    );
  }
  return (
    <dl class="kv">
      {Object.entries(v).map(([k, x]) => (
        <>
          <dt>{labelOf(k)}</dt>
          <dd>
            <Value v={x} k={k} />
          </dd>
        </>
      ))}
    </dl>
  );
}

function rest(o: Record<string, View>, drop: string[]): Record<string, View> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.includes(k)));
}

/** A party: its role and kind first, then its names in every script, then the rest. */
function Party(props: { p: View }): VNode {
  const p = props.p;
  if (p === WITHHELD || !p || typeof p !== 'object' || Array.isArray(p)) {
    return (
      <div class="party withheld-party">
        <strong>A party</strong> <Withheld />
      </div>
    );
  }
  const entry = p as Record<string, View>;
  const party = (entry.party ?? {}) as View;
  if (party === WITHHELD || typeof party !== 'object' || party === null || Array.isArray(party)) {
    return (
      <div class="party">
        <p class="party-head">
          <span class="badge mid">{asText(entry.role)}</span> <Withheld />
        </p>
      </div>
    );
  }
  const q = party as Record<string, View>;
  return (
    <div class="party">
      <p class="party-head">
        <span class="badge mid">{asText(entry.role)}</span> {q.kind === WITHHELD ? <Withheld /> : asText(q.kind ?? '')}
      </p>
      {Array.isArray(q.names) ? <Names names={q.names} /> : <Value v={q.names ?? null} />}
      <Value v={rest(q, ['kind', 'names'])} />
    </div>
  );
}

/** An item line: its number and control-list references first, then its description and the rest. */
function Item(props: { i: View }): VNode {
  const i = props.i;
  if (i === WITHHELD || !i || typeof i !== 'object' || Array.isArray(i)) return <Value v={i} />;
  const it = i as Record<string, View>;
  const refs = Array.isArray(it.controlRefs) ? it.controlRefs : [];
  return (
    <div class="item-card">
      <p class="item-head">
        <strong>Line {asText(it.lineNo)}</strong>{' '}
        {refs.map((r) => {
          const ref = (r ?? {}) as Record<string, View>;
          return (
            <span class="ref">
              <code>{ref.code === null ? 'unlisted' : asText(ref.code ?? '')}</code>{' '}
              <span class="muted">{asText(ref.scheme ?? '')}</span>
            </span>
          );
        })}
      </p>
      <Value v={rest(it, ['lineNo', 'controlRefs'])} />
    </div>
  );
}

const HEAD = [
  'id',
  'version',
  'supersedes',
  'changeType',
  'originatorNodeId',
  'originatorCountry',
  'createdAt',
  'updatedAt',
  'handling',
];

/** The record body for reading: the envelope and handling are shown elsewhere; items and parties get sections. */
export function RecordBody(props: { record: unknown; redacted?: string[] | undefined }): VNode {
  const view = withWithheld(props.record, props.redacted) as Record<string, View>;
  const main = Object.fromEntries(
    Object.entries(view).filter(([k]) => !HEAD.includes(k) && k !== 'items' && k !== 'parties'),
  );
  const items = view.items;
  const parties = view.parties;
  return (
    <div class="record-body">
      <section aria-labelledby="sec-main">
        <h2 id="sec-main">Details</h2>
        <Value v={main} />
      </section>
      {items !== undefined ? (
        <section aria-labelledby="sec-items">
          <h2 id="sec-items">Items</h2>
          {items === WITHHELD || !Array.isArray(items) ? <Value v={items} /> : items.map((i) => <Item i={i} />)}
        </section>
      ) : null}
      {parties !== undefined ? (
        <section aria-labelledby="sec-parties">
          <h2 id="sec-parties">Parties</h2>
          {parties === WITHHELD ? (
            <Withheld />
          ) : (
            <div class="parties">
              {(parties as View[]).map((p) => (
                <Party p={p} />
              ))}
            </div>
          )}
        </section>
      ) : null}
    </div>
  );
}

export interface Change {
  pointer: string;
  before?: unknown;
  after?: unknown;
}

/** What changed between two versions, as pointers with old and new values (envelope bookkeeping left out). */
export function diff(a: unknown, b: unknown, path = '', out: Change[] = []): Change[] {
  if (['/version', '/supersedes', '/updatedAt', '/changeType'].includes(path)) return out;
  const isObj = (x: unknown) => x !== null && typeof x === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const esc = k.replace(/~/g, '~0').replace(/\//g, '~1');
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${esc}`, out);
    }
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ pointer: path || '/', before: a, after: b });
  return out;
}

export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 300 ? s.slice(0, 300) + '…' : s;
}
