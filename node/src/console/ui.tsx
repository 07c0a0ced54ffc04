// The console's layout and small shared pieces. Everything a partner wrote is rendered as text
// (preact escapes every string), names with dir="auto" so any script reads correctly and a bidi
// override cannot leak out of its element.
import type { ComponentChildren, VNode } from 'preact';
import type { Role } from './deps.js';

// consumer (TAXII only) ranks below every page: it cannot sign in
export const RANK: Record<Role, number> = { metrics: 0, consumer: 0, analyst: 1, publisher: 2, admin: 3 };

export interface NavItem {
  href: string;
  label: string;
  role: Role;
  group: 'Work' | 'Operate';
}

export const NAV: NavItem[] = [
  { href: '/', label: 'Overview', role: 'analyst', group: 'Work' },
  { href: '/new', label: 'New from partners', role: 'analyst', group: 'Work' },
  { href: '/records', label: 'Records', role: 'analyst', group: 'Work' },
  { href: '/screen', label: 'Screening', role: 'analyst', group: 'Work' },
  { href: '/consultations', label: 'Consultations', role: 'analyst', group: 'Work' },
  { href: '/alerts', label: 'Alerts', role: 'analyst', group: 'Work' },
  { href: '/partners', label: 'Partners', role: 'admin', group: 'Operate' },
  { href: '/sync', label: 'Sync', role: 'admin', group: 'Operate' },
  { href: '/alarms', label: 'Alarms', role: 'admin', group: 'Operate' },
  { href: '/reciprocity', label: 'Reciprocity', role: 'admin', group: 'Operate' },
  { href: '/audit', label: 'Audit', role: 'admin', group: 'Operate' },
  { href: '/tokens', label: 'Tokens', role: 'admin', group: 'Operate' },
  { href: '/keys', label: 'Keys', role: 'admin', group: 'Operate' },
];

export interface LayoutProps {
  title: string;
  node: { nodeId: string; name: string; country: string; mode: 'live' | 'exercise' };
  user: { name: string; role: Role; csrf: string } | null;
  path: string;
  degraded: string | null;
  flash?: string | null;
  /** Unacknowledged alerts from partners (docs/protocol.md §14.4): a banner on every page. */
  alerts?: { FLASH: number; PRIORITY: number } | null;
  children?: ComponentChildren;
}

function current(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
}

export function Layout(p: LayoutProps): VNode {
  const items = p.user ? NAV.filter((n) => RANK[p.user!.role] >= RANK[n.role]) : [];
  const groups = (['Work', 'Operate'] as const).map((g) => ({ g, items: items.filter((i) => i.group === g) }));
  const exercise = p.node.mode === 'exercise';
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${exercise ? 'EXERCISE · ' : ''}${p.title} · Entente ${p.node.nodeId}`}</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <script type="module" src="/assets/console.js"></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        {/* an exercise node says so on every page, above everything, with nothing that hides it
            (docs/protocol.md §14.5) */}
        {exercise ? (
          <section class="exercise-banner" id="exercise-banner" aria-label="Exercise node">
            <strong>EXERCISE</strong> — {p.node.nodeId} is an exercise node: every record here is invented, not for
            operational use.
          </section>
        ) : null}
        <header class="top">
          <div class="brand">
            <span class="brand-mark" aria-hidden="true">
              ⬡
            </span>
            <span>
              Entente <strong>{p.node.name}</strong> <span class="muted">{p.node.nodeId}</span>
            </span>
          </div>
          {p.user ? (
            <form method="post" action="/sign-out" class="signout">
              <input type="hidden" name="_csrf" value={p.user.csrf} />
              <span class="who">
                {p.user.name} <span class="role">{p.user.role}</span>
              </span>
              <button type="submit" class="secondary small">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        <div class="shell">
          {p.user ? (
            <nav class="side" aria-label="Main">
              {groups
                .filter((x) => x.items.length)
                .map((x) => (
                  <div class="nav-group">
                    <h2 class="nav-title">{x.g}</h2>
                    <ul>
                      {x.items.map((i) => (
                        <li>
                          <a href={i.href} aria-current={current(p.path, i.href) ? 'page' : undefined}>
                            {i.label}
                          </a>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
            </nav>
          ) : null}
          <main id="main" tabindex={-1}>
            {/* the alerts of rapid escalation (issue 19) render here, above every page */}
            <div id="banner-slot" class="banner-slot">
              {p.alerts && p.alerts.FLASH + p.alerts.PRIORITY > 0 ? (
                <div class={`banner ${p.alerts.FLASH > 0 ? 'danger' : 'warn'}`} role="alert" id="alert-banner">
                  {p.alerts.FLASH > 0 ? `${p.alerts.FLASH} FLASH` : ''}
                  {p.alerts.FLASH > 0 && p.alerts.PRIORITY > 0 ? ' and ' : ''}
                  {p.alerts.PRIORITY > 0 ? `${p.alerts.PRIORITY} PRIORITY` : ''} alert
                  {p.alerts.FLASH + p.alerts.PRIORITY > 1 ? 's' : ''} from partners not acknowledged.{' '}
                  <a href="/alerts">Acknowledge</a>
                </div>
              ) : null}
            </div>
            {p.degraded ? (
              <div class="banner danger" role="alert">
                This node refuses changes until an operator repairs it: {p.degraded}
              </div>
            ) : null}
            {p.flash ? (
              <div class="banner ok" role="status">
                {p.flash}
              </div>
            ) : null}
            <h1>{p.title}</h1>
            {p.children}
          </main>
        </div>
      </body>
    </html>
  );
}

const TLP_NOTE: Record<string, string> = {
  CLEAR: 'may be shared freely',
  GREEN: 'community-wide',
  AMBER: 'need-to-know within the recipient organisation',
  'AMBER+STRICT': 'the recipient organisation only',
  RED: 'named recipients only; never leaves this node',
};

export function TlpBand(props: { tlp: string }): VNode {
  const cls = `tlp tlp-${props.tlp.toLowerCase().replace('+', '-')}`;
  return (
    <div class={cls} role="note" aria-label={`Traffic Light Protocol ${props.tlp}`}>
      <strong>TLP:{props.tlp}</strong> <span>{TLP_NOTE[props.tlp] ?? ''}</span>
    </div>
  );
}

const FLAG_TEXT: Record<string, string> = {
  noOnwardSharing: 'No onward sharing',
  noEvidentialUseWithoutConsent: 'No evidential use without consent',
  noDowngradeWithoutConsent: 'No downgrade without consent',
};

/** The originator's handling flags, set ones first; a flag that is not set is said, not hidden. */
export function HandlingFlags(props: { handling: unknown }): VNode | null {
  const h = (props.handling ?? {}) as { originatorControl?: Record<string, unknown> };
  const oc = h.originatorControl ?? {};
  return (
    <ul class="flags" aria-label="Originator's handling flags">
      {Object.entries(FLAG_TEXT).map(([k, text]) => (
        <li class={oc[k] === true ? 'flag on' : 'flag off'}>
          <span aria-hidden="true">{oc[k] === true ? '⚑ ' : '○ '}</span>
          {oc[k] === true ? text : `${text}: not set`}
          <code class="muted"> {k}</code>
        </li>
      ))}
      {typeof oc.purposeLimitation === 'string' ? (
        <li class="flag on">
          Purpose limitation: <span dir="auto">{oc.purposeLimitation}</span>
        </li>
      ) : null}
    </ul>
  );
}

export function Withheld(props: { what?: string }): VNode {
  return <span class="withheld">withheld by the originator{props.what ? ` (${props.what})` : ''}</span>;
}

/** A name or other partner text: isolated, direction from its own first strong character. */
export { asText } from '../domain/text.js';

export function T(props: { children?: ComponentChildren }): VNode {
  return <bdi dir="auto">{props.children}</bdi>;
}

export function StatusBadge(props: { status: string }): VNode {
  const kind = /ACTIVE|OPEN|ANSWERED|DECIDED/.test(props.status)
    ? 'ok'
    : /REVOKED|WITHDRAWN|EXPIRED|LAPSED|CLOSED/.test(props.status)
      ? 'off'
      : 'mid';
  return <span class={`badge ${kind}`}>{props.status}</span>;
}

export function Labels(props: { labels: string[] }): VNode | null {
  if (!props.labels.length) return null;
  return (
    <>
      {props.labels.map((l) => (
        <span class="badge warn">{l}</span>
      ))}
    </>
  );
}

export function Csrf(props: { token: string }): VNode {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** One button that posts (a state change), with the CSRF token. */
export function PostButton(props: {
  action: string;
  csrf: string;
  label: string;
  fields?: Record<string, string>;
  cls?: string;
}): VNode {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={props.cls ?? 'secondary small'}>
        {props.label}
      </button>
    </form>
  );
}

export function Empty(props: { children?: ComponentChildren }): VNode {
  return <p class="empty">{props.children}</p>;
}

export function When(props: { at: string | number | null | undefined }): VNode {
  if (props.at === null || props.at === undefined || props.at === '') return <span class="muted">never</span>;
  const iso = typeof props.at === 'number' ? new Date(props.at * (props.at < 1e11 ? 1000 : 1)).toISOString() : props.at;
  return <time datetime={iso}>{iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>;
}
