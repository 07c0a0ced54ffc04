// Partners: the list with sync health, one partner's page (bundle, agreement, explain), and adding a
// partner from an uploaded bundle: its fingerprint is shown for reading aloud, and the operator types
// the fingerprint the partner read out in a second field; the node compares them (docs/protocol.md §3.2).
import type { Request, Response, Router } from 'express';
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import { contextOf, one, redirect, run, sendView, errorView, type Ctx, type PageRouter, type View } from '../core.js';
import type { ConsoleDeps, PartnerView } from '../deps.js';
import { multipartBody, parseMultipart } from '../multipart.js';
import { cookies, csrfOk, sameOrigin, SESSION_COOKIE } from '../security.js';
import { Csrf, Empty, PostButton, StatusBadge, T, When } from '../ui.js';
import { asText } from '../ui.js';

function grouped(fp: string): string {
  return fp.match(/.{1,4}/g)?.join(' ') ?? fp;
}

interface Out {
  head?: number;
  lastReceiptUpTo?: number;
  queued?: number;
  quarantinedByPartner?: number;
  lastError?: string | null;
  blocked?: string | null;
  lastPushAt?: string | null;
  lastReceiptAt?: string | null;
  lastPulledByPartnerAt?: string | null;
}
interface In {
  cursor?: number;
  counts?: Record<string, number>;
  lastContactAt?: string | null;
  lastError?: string | null;
}

export function syncOf(p: PartnerView): { out: Out | null; inn: In | null } {
  return { out: p.sync.outbound ?? null, inn: p.sync.inbound ?? null };
}

function addForm(c: Ctx, error?: string): View {
  return {
    title: 'Add a partner',
    status: error ? 400 : 200,
    body: (
      <>
        {error ? (
          <div class="error-summary" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <p>
          Step 1 of 2: the bundle the partner's operator sent you (<code>entente bundle</code> prints it). Next you
          compare its fingerprint with the one they read to you over a second channel.
        </p>
        <form method="post" action="/partners/new" enctype="multipart/form-data">
          <Csrf token={c.csrf} />
          <div class="field">
            <label for="p-file">Bundle file (JSON)</label>
            <input type="file" id="p-file" name="bundleFile" accept=".json,application/json" />
          </div>
          <div class="field">
            <label for="p-text">…or paste the bundle</label>
            <textarea id="p-text" name="bundleText" rows={6}></textarea>
          </div>
          <button type="submit">Read the bundle</button>
        </form>
      </>
    ),
  };
}

function confirmForm(c: Ctx, bundleText: string, typed = '', error?: string): View {
  let b: { nodeId?: unknown; name?: unknown; country?: unknown; url?: unknown };
  try {
    b = JSON.parse(bundleText) as typeof b;
    if (!b || typeof b !== 'object' || typeof b.nodeId !== 'string') throw new Error('not a bundle');
  } catch {
    return addForm(c, 'That is not a bundle (a JSON object with a nodeId).');
  }
  const fp = c.deps.partners.fingerprintOf(b);
  return {
    title: `Add ${String(b.nodeId)}`,
    status: error ? 400 : 200,
    body: (
      <>
        {error ? (
          <div class="error-summary" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <dl class="kv">
          <dt>Node</dt>
          <dd>{String(b.nodeId)}</dd>
          <dt>Name</dt>
          <dd>
            <T>{asText(b.name ?? '')}</T>
          </dd>
          <dt>Country</dt>
          <dd>{asText(b.country ?? '')}</dd>
          <dt>Address partners dial</dt>
          <dd>
            <code>{asText(b.url ?? '')}</code>
          </dd>
        </dl>
        <div class="fingerprint" aria-labelledby="fp-title">
          <h2 id="fp-title">Fingerprint of this bundle</h2>
          <p class="fp">{grouped(fp)}</p>
          <p>
            Read aloud: <span class="fp">{c.deps.partners.readAloudOf(fp)}</span>
          </p>
          <p>
            Call the partner's operator on a number you already had (not one in the mail that brought the bundle) and
            have them read their fingerprint aloud (either form: the characters, or the six groups of five digits). Type
            what you hear below; the node accepts the bundle only if it matches.
          </p>
        </div>
        <form method="post" action="/partners/confirm">
          <Csrf token={c.csrf} />
          <input type="hidden" name="bundle" value={bundleText} />
          <div class="field">
            <label for="p-fp">Fingerprint as the partner read it to you</label>
            <input
              type="text"
              id="p-fp"
              name="fingerprint"
              value={typed}
              autocomplete="off"
              spellcheck={false}
              required
            />
          </div>
          <fieldset class="choice">
            <legend>What to share</legend>
            <div class="check">
              <input type="radio" id="p-trust" name="share" value="trust" checked />
              <label for="p-trust">Trust only: exchange nothing yet (consultations need an agreement too)</label>
            </div>
            <div class="check">
              <input type="radio" id="p-shared" name="share" value="shared" />
              <label for="p-shared">Trust and write the agreement next</label>
            </div>
          </fieldset>
          <button type="submit">Register the partner</button> <a href="/partners/new">Start again</a>
        </form>
      </>
    ),
  };
}

function PartnerRows(props: { list: PartnerView[] }): VNode {
  if (!props.list.length) return <Empty>No partners yet.</Empty>;
  return (
    <table class="data">
      <caption class="visually-hidden">Partners</caption>
      <thead>
        <tr>
          <th scope="col">Partner</th>
          <th scope="col">Country</th>
          <th scope="col">Agreement (ours)</th>
          <th scope="col">Sent / acknowledged</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {props.list.map((p) => {
          const { out } = syncOf(p);
          const a = p.agreement as { reference?: string; version?: number; validUntil?: string } | null;
          return (
            <tr>
              <td>
                <a href={`/partners/${p.nodeId}`}>{p.nodeId}</a> <T>{p.name}</T>{' '}
                {p.removed ? <StatusBadge status="REMOVED" /> : null}
              </td>
              <td>{p.country}</td>
              <td>
                {a ? `${a.reference} v${a.version} until ${a.validUntil}` : <span class="muted">trust only</span>}
              </td>
              <td>{out ? `${out.head ?? 0} / ${out.lastReceiptUpTo ?? 0}` : '—'}</td>
              <td>
                {(out?.blocked ?? out?.lastError) ? (
                  <T>{out?.blocked ?? out?.lastError}</T>
                ) : (
                  <span class="muted">none</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function partnerView(c: Ctx, nodeId: string, explain?: VNode): View {
  const p = c.deps.partners.view(nodeId);
  const { out, inn } = syncOf(p);
  return {
    title: `Partner ${p.nodeId}`,
    body: (
      <>
        <p class="meta">
          <T>{p.name}</T> · {p.country} · <code>{p.url}</code> · added <When at={p.addedAt} />{' '}
          {p.removed ? <StatusBadge status="REMOVED" /> : null}
        </p>
        <p>
          Fingerprint <code class="fp-inline">{grouped(p.fingerprint)}</code>, read aloud{' '}
          <code class="fp-inline">{p.readAloud}</code>
        </p>
        <h2>Agreement</h2>
        {p.agreement ? (
          <pre class="json" tabindex={0} aria-label="The agreement as JSON">
            {JSON.stringify(p.agreement, null, 2)}
          </pre>
        ) : (
          <Empty>Trust only: no agreement of ours.</Empty>
        )}
        <p>
          <a class="button" href={`/partners/${p.nodeId}/agreement`}>
            {p.agreement ? 'Edit the agreement' : 'Write an agreement'}
          </a>
        </p>
        <h2>Sync</h2>
        <dl class="kv">
          <dt>Sent (stream head) / acknowledged</dt>
          <dd>{out ? `${out.head} / ${out.lastReceiptUpTo}, queue ${out.queued}` : '—'}</dd>
          <dt>Quarantined by them / by us</dt>
          <dd>
            {out?.quarantinedByPartner ?? 0} / {inn?.counts?.quarantined ?? 0}
          </dd>
          <dt>Last push / last receipt / last contact from them</dt>
          <dd>
            <When at={out?.lastPushAt} /> / <When at={out?.lastReceiptAt} /> / <When at={inn?.lastContactAt} />
          </dd>
          <dt>Last error</dt>
          <dd>{out?.blocked ?? out?.lastError ?? inn?.lastError ?? 'none'}</dd>
          <dt>Protocol (what the partner said it speaks, and when)</dt>
          <dd>
            {(() => {
              const pr = (
                p.sync as { protocol?: { versions: string[] | null; learnedAt: string | null; using: string } }
              ).protocol;
              if (!pr?.versions) return 'not learned yet (1.0 until then)';
              return (
                <span>
                  using {pr.using}; speaks {pr.versions.join(', ')}, learned <When at={pr.learnedAt} />
                </span>
              );
            })()}
          </dd>
        </dl>
        <h2>Explain a decision</h2>
        <form method="get" action={`/partners/${p.nodeId}/explain`} class="row-fields">
          <div class="field">
            <label for="x-rec">Own record id</label>
            <input type="text" id="x-rec" name="record" required />
          </div>
          <button type="submit">Explain</button>
        </form>
        {explain}
        {p.removed ? null : (
          <>
            <h2>Remove</h2>
            <p>Removing stops exchange at once; the partner keeps what it holds. Re-adding needs its bundle again.</p>
            <PostButton
              action={`/partners/${p.nodeId}/remove`}
              csrf={c.csrf}
              label={`Remove ${p.nodeId}`}
              cls="danger"
            />
          </>
        )}
      </>
    ),
  };
}

export function partnerPages(p: PageRouter, r: Router, deps: ConsoleDeps): void {
  p.get('/partners', 'admin', (c) => ({
    title: 'Partners',
    body: (
      <>
        <p class="actions">
          <a class="button" href="/partners/new">
            Add a partner
          </a>
        </p>
        <PartnerRows list={c.deps.partners.list()} />
      </>
    ),
  }));
  p.get('/partners/new', 'admin', (c) => addForm(c));
  p.get('/partners/:nodeId', 'admin', (c) => partnerView(c, String(c.req.params.nodeId)));
  p.get('/partners/:nodeId/explain', 'admin', (c) => {
    const nodeId = String(c.req.params.nodeId);
    const record = one(c.req.query.record).trim();
    let out: VNode;
    try {
      const x = c.deps.exchange.explain(nodeId, record) as {
        decision?: string;
        reasons?: string[];
        redacted?: string[];
      };
      out = (
        <div class="panel" role="status">
          <p>
            Decision: <strong>{x.decision}</strong>
          </p>
          <ol>
            {(x.reasons ?? []).map((s) => (
              <li>{s}</li>
            ))}
          </ol>
          {x.redacted?.length ? <p>Withheld from the partner: {x.redacted.join(', ')}</p> : null}
        </div>
      );
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      out = (
        <div class="error-summary" role="alert">
          <p>{e.message}</p>
        </div>
      );
    }
    return partnerView(c, nodeId, out);
  });
  p.post('/partners/:nodeId/remove', 'admin', (c) => {
    c.deps.partners.remove(String(c.req.params.nodeId), c.actor);
    redirect(c.res, `/partners/${String(c.req.params.nodeId)}?flash=removed`);
  });
  p.post('/partners/confirm', 'admin', (c) => {
    const text = one(c.form.bundle);
    let bundle: { nodeId?: unknown };
    try {
      bundle = JSON.parse(text) as { nodeId?: unknown };
    } catch {
      return addForm(c, 'That is not a bundle.');
    }
    const nodeId = typeof bundle.nodeId === 'string' ? bundle.nodeId : '';
    try {
      c.deps.partners.put(nodeId, bundle, one(c.form.fingerprint), {}, c.actor);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      return confirmForm(c, text, one(c.form.fingerprint), e.message);
    }
    redirect(
      c.res,
      one(c.form.share) === 'shared' ? `/partners/${nodeId}/agreement` : `/partners/${nodeId}?flash=partner`,
    );
  });
  // the upload: multipart, so it has its own session, origin and CSRF checks
  r.post('/partners/new', multipartBody, (req: Request, res: Response) => {
    const s = deps.sessions.lookup(cookies(req)[SESSION_COOKIE]);
    if (!s) return res.status(401).type('text/plain').send('Sign in first.');
    const fields = parseMultipart(req.headers['content-type'], req.body) ?? {};
    const c = contextOf(deps, req, res, s, fields);
    if (!sameOrigin(req) || !csrfOk(s.csrf, fields._csrf))
      return sendView(c, errorView(403, 'This form did not come from this console.'));
    if (!c.can('admin')) return sendView(c, errorView(403, 'Adding partners needs the admin role.'));
    const text = (fields.bundleFile ?? '').trim() || (fields.bundleText ?? '').trim();
    run(c, () => (text ? confirmForm(c, text) : addForm(c, 'Choose the bundle file, or paste the bundle.')));
  });
}
