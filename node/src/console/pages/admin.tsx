// Keeping the node: the audit log (read, verify, export), tokens and console sessions, keys.
import { AppError } from '../../domain/errors.js';
import { one, redirect, type Ctx, type PageRouter, type View } from '../core.js';
import { Csrf, Empty, PostButton, StatusBadge, T, When } from '../ui.js';

const ROLES = ['analyst', 'publisher', 'admin'];

function tokensPage(c: Ctx, created?: { name: string; role: string; token: string }, error?: string): View {
  const tokens = c.deps.tokens.list();
  const sessions = c.deps.sessions.list();
  return {
    title: 'Tokens and sessions',
    status: error ? 400 : created ? 201 : 200,
    body: (
      <>
        {created ? (
          <div class="banner ok" role="status">
            <p>
              Token <strong>{created.name}</strong> ({created.role}) created. Copy it now; the node keeps only its hash
              and will not show it again:
            </p>
            <p>
              <code class="secret">{created.token}</code>
            </p>
          </div>
        ) : null}
        {error ? (
          <div class="error-summary" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <table class="data">
          <caption>Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td>
                  <When at={t.created_at} />
                </td>
                <td>
                  <When at={t.last_used_at} />
                </td>
                <td>
                  {t.revoked_at ? (
                    <StatusBadge status="REVOKED" />
                  ) : (
                    <PostButton
                      action="/tokens/revoke"
                      csrf={c.csrf}
                      label={`Revoke ${t.name}`}
                      fields={{ name: t.name }}
                      cls="danger small"
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/tokens" class="card row-fields">
          <h2>Create a token</h2>
          <Csrf token={c.csrf} />
          <div class="field">
            <label for="t-name">Name (a person or a desk)</label>
            <input type="text" id="t-name" name="name" required pattern="[a-z0-9][a-z0-9._-]{0,63}" />
          </div>
          <div class="field">
            <label for="t-role">Role</label>
            <select id="t-role" name="role">
              {ROLES.map((r) => (
                <option value={r}>{r}</option>
              ))}
            </select>
          </div>
          <button type="submit">Create</button>
        </form>
        <h2>Console sessions</h2>
        {sessions.length ? (
          <table class="data">
            <caption class="visually-hidden">Open console sessions</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Role</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last seen</th>
                <th scope="col">End</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr>
                  <td>
                    {s.name} {s.handle === c.session.handle ? <span class="badge">this session</span> : null}
                  </td>
                  <td>{s.role}</td>
                  <td>
                    <When at={s.createdAt} />
                  </td>
                  <td>
                    <When at={s.lastSeenAt} />
                  </td>
                  <td>
                    <PostButton
                      action="/sessions/revoke"
                      csrf={c.csrf}
                      label={`End ${s.name}'s session`}
                      fields={{ handle: s.handle }}
                      cls="danger small"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No open sessions.</Empty>
        )}
      </>
    ),
  };
}

export function adminPages(p: PageRouter): void {
  p.get('/audit', 'admin', (c) => {
    const after = Math.max(0, Number(one(c.req.query.after)) || 0);
    const rows = c.deps.audit.page(after, 101);
    const page = rows.slice(0, 100);
    const verified = 'verify' in c.req.query ? c.deps.audit.verify() : null;
    return {
      title: 'Audit log',
      body: (
        <>
          <div class="actions">
            <a class="button secondary" href="/audit?verify">
              Verify the whole chain
            </a>{' '}
            <form method="post" action="/audit/export" class="inline">
              <Csrf token={c.csrf} />
              <button type="submit" class="secondary">
                Export for an external reviewer
              </button>
            </form>
          </div>
          {verified ? (
            <div class={`banner ${verified.ok ? 'ok' : 'danger'}`} role="status">
              {verified.ok
                ? `The chain verifies: ${verified.entries} entries.`
                : `The chain is broken at entry ${verified.firstBroken}: ${verified.reason ?? ''}`}
            </div>
          ) : null}
          <table class="data compact">
            <caption>Entries after {after}</caption>
            <thead>
              <tr>
                <th scope="col">Seq</th>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.map((e) => (
                <tr>
                  <td>{e.seq}</td>
                  <td>
                    <When at={e.at} />
                  </td>
                  <td>{e.action}</td>
                  <td>{e.actor}</td>
                  <td>
                    <T>{e.subject}</T>
                  </td>
                  <td>
                    <code class="details">{e.details.length > 200 ? e.details.slice(0, 200) + '…' : e.details}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            {after > 0 ? <a href="/audit">First page</a> : null}
            {rows.length > 100 ? (
              <a href={`/audit?after=${page.at(-1)!.seq}`}>Next page</a>
            ) : (
              <span class="muted">Last page</span>
            )}
          </nav>
        </>
      ),
    };
  });
  p.post('/audit/export', 'admin', (c) => {
    const bundle = c.deps.audit.exportAll();
    c.deps.audit.record({ action: 'audit.export', actor: c.actor, subject: 'console', details: { to: bundle.to } });
    c.res.setHeader('Content-Disposition', `attachment; filename="audit-${c.deps.node.nodeId}-${bundle.to}.json"`);
    c.res.type('application/json').send(JSON.stringify(bundle, null, 2));
  });
  p.get('/tokens', 'admin', (c) => tokensPage(c));
  p.post('/tokens', 'admin', (c) => {
    try {
      const t = c.deps.tokens.create(one(c.form.name).trim(), one(c.form.role) as 'analyst', c.actor);
      return tokensPage(c, t);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      return tokensPage(c, undefined, e.message);
    }
  });
  p.post('/tokens/revoke', 'admin', (c) => {
    c.deps.tokens.revoke(one(c.form.name), c.actor);
    redirect(c.res, '/tokens?flash=token-revoked');
  });
  p.post('/sessions/revoke', 'admin', (c) => {
    c.deps.sessions.revoke(one(c.form.handle), c.actor);
    redirect(c.res, '/tokens?flash=session-revoked');
  });
  p.get('/keys', 'admin', (c) => {
    const s = c.deps.keys.status();
    return {
      title: 'Keys',
      body: (
        <>
          <p>
            Signing with <code>{s.current}</code>. A rotation adds a key, announces it to every partner in a statement,
            and switches once every partner's receipt covers that statement.
          </p>
          <table class="data">
            <caption>Signing keys</caption>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Valid from</th>
                <th scope="col">Valid until</th>
                <th scope="col">In use</th>
              </tr>
            </thead>
            <tbody>
              {s.keys.map((k) => (
                <tr>
                  <td>
                    <code>{k.kid}</code>
                  </td>
                  <td>{k.nbf ? <When at={k.nbf} /> : '—'}</td>
                  <td>{k.exp ? <When at={k.exp} /> : '—'}</td>
                  <td>{k.kid === s.current ? <span class="badge ok">current</span> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Rotations in progress</h2>
          {s.pending.length ? (
            <ul class="list">
              {s.pending.map((x) => (
                <li>
                  {x.kind} <code>{x.id}</code>: waiting for{' '}
                  {x.waitingFor.length ? x.waitingFor.join(', ') : 'nothing (switches at the next check)'}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>None.</Empty>
          )}
          <div class="actions">
            <PostButton
              action="/keys/rotate"
              csrf={c.csrf}
              label="Rotate the signing key"
              fields={{ kind: 'signing' }}
              cls="secondary"
            />{' '}
            <PostButton
              action="/keys/rotate"
              csrf={c.csrf}
              label="Rotate the TLS key"
              fields={{ kind: 'tls' }}
              cls="secondary"
            />
          </div>
        </>
      ),
    };
  });
  p.post('/keys/rotate', 'admin', (c) => {
    c.deps.keys.rotate(one(c.form.kind) === 'tls' ? 'tls' : 'signing', c.actor);
    redirect(c.res, '/keys?flash=rotated');
  });
}
