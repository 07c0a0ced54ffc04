// "What's new from partners": versions received since this person last said "seen", per partner,
// each with its TLP and status, newest first.
import { one, redirect, type PageRouter } from '../core.js';
import { Empty, PostButton, StatusBadge, T, When } from '../ui.js';
import { asText } from '../ui.js';

export function analystPages(p: PageRouter): void {
  p.get('/new', 'analyst', (c) => {
    const r = c.deps.views.receivedSince(c.user.name);
    const origins = r.counts.map((x) => x.origin);
    const total = r.counts.reduce((n, x) => n + x.n, 0);
    return {
      title: 'New from partners',
      body: (
        <>
          <p>
            {r.since
              ? 'Since you last marked these as seen'
              : 'Everything received so far (you have not marked anything as seen yet)'}
            : <strong>{total}</strong> version{total === 1 ? '' : 's'}
            {total > r.items.length ? `; the newest ${r.items.length} are listed` : ''}.
          </p>
          {total ? (
            <PostButton
              action="/new/seen"
              csrf={c.csrf}
              label="Mark all as seen"
              fields={{ upTo: String(r.upTo) }}
              cls="secondary"
            />
          ) : null}
          {origins.length === 0 ? <Empty>Nothing new from partners.</Empty> : null}
          {origins.map((o) => {
            const items = r.items.filter((i) => i.origin === o);
            const n = r.counts.find((x) => x.origin === o)?.n ?? 0;
            return (
              <section aria-labelledby={`new-${o}`} class="partner-news">
                <h2 id={`new-${o}`}>
                  From {o} <span class="count">{n}</span>
                </h2>
                <table class="data">
                  <caption class="visually-hidden">New versions from {o}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Reference</th>
                      <th scope="col">Type</th>
                      <th scope="col">TLP</th>
                      <th scope="col">Status</th>
                      <th scope="col">Version</th>
                      <th scope="col">What</th>
                      <th scope="col">Received</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((i) => {
                      const rec = JSON.parse(i.body) as Record<string, unknown> & { handling?: { tlp?: string } };
                      const tlp = rec.handling?.tlp ?? '?';
                      const what =
                        i.type === 'denial'
                          ? `${asText(rec.decisionType ?? '')} · to ${asText(rec.destinationCountry ?? '?')}`
                          : asText(rec.title ?? rec.findingType ?? '');
                      return (
                        <tr>
                          <td>
                            <a href={`/records/${encodeURIComponent(i.id)}`}>
                              <T>{asText(rec.originatorReference ?? i.id)}</T>
                            </a>
                          </td>
                          <td>{i.type}</td>
                          <td>
                            <span class={`chip tlp-${tlp.toLowerCase().replace('+', '-')}`}>{tlp}</span>
                          </td>
                          <td>
                            <StatusBadge status={i.status} />
                          </td>
                          <td>{i.version}</td>
                          <td>
                            <T>{what}</T>
                          </td>
                          <td>
                            <When at={i.stored_at} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </section>
            );
          })}
        </>
      ),
    };
  });
  p.post('/new/seen', 'analyst', (c) => {
    const upTo = Number(one(c.form.upTo));
    if (Number.isSafeInteger(upTo) && upTo >= 0) c.deps.views.markSeen(c.user.name, upTo);
    redirect(c.res, '/new?flash=seen');
  });
}
