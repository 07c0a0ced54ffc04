// Rapid escalation in the console (docs/protocol.md §14.3–§14.4): alerts received from partners, with
// the acknowledgement form (ACTIONED or NO_ACTION, sent to the originator), and for each own alert the
// table of partners: released, receipt, RECEIVED and final state. Partner text is rendered as text.
import type { VNode } from 'preact';
import type { PageRouter } from '../core.js';
import { one, redirect } from '../core.js';
import type { ReceivedAlertView, SentAlertView } from '../deps.js';
import { Empty, T, When } from '../ui.js';

function Received(props: { list: ReceivedAlertView[]; csrf: string }): VNode {
  if (!props.list.length) return <Empty>No alert received from a partner.</Empty>;
  return (
    <table class="data" id="alerts-received">
      <thead>
        <tr>
          <th scope="col">Level</th>
          <th scope="col">From</th>
          <th scope="col">Record</th>
          <th scope="col">Action requested</th>
          <th scope="col">Received</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {props.list.map((a) => (
          <tr class={a.open ? 'trouble' : ''}>
            <td>
              <span class={`badge ${a.level === 'FLASH' ? 'off' : 'warn'}`}>{a.level}</span>
            </td>
            <td>{a.partner}</td>
            <td>
              <a href={`/records/${encodeURIComponent(a.id)}`}>{a.id}</a> v{a.version}
            </td>
            <td>
              <T>{a.actionRequested}</T>
              {a.expiresAt ? (
                <div class="muted">
                  expires <When at={a.expiresAt} />
                </div>
              ) : null}
            </td>
            <td>
              <When at={a.receivedAt} />
            </td>
            <td>
              {a.open ? (
                <form method="post" action="/alerts/ack" class="inline">
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <input type="hidden" name="id" value={a.id} />
                  <input type="hidden" name="version" value={String(a.version)} />
                  <label>
                    Note <input name="note" maxLength={2000} />
                  </label>
                  <label>
                    Desk <input name="desk" maxLength={100} placeholder="customs liaison desk" />
                  </label>
                  <button type="submit" name="state" value="ACTIONED">
                    Actioned
                  </button>{' '}
                  <button type="submit" name="state" value="NO_ACTION" class="secondary">
                    No action
                  </button>
                </form>
              ) : a.finalState ? (
                <span>
                  {a.finalState} <When at={a.finalAt} />
                </span>
              ) : (
                <span class="muted">ended by a later version, or expired</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Sent(props: { list: SentAlertView[] }): VNode {
  if (!props.list.length) return <Empty>This node has published no alert.</Empty>;
  return (
    <div>
      {props.list.map((s) => (
        <table class="data alerts-sent">
          <caption>
            {s.level} <a href={`/records/${encodeURIComponent(s.id)}`}>{s.id}</a> v{s.version}, published{' '}
            <When at={s.publishedAt} />
          </caption>
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Status</th>
              <th scope="col">Released</th>
              <th scope="col">Receipt</th>
              <th scope="col">RECEIVED</th>
              <th scope="col">Final state</th>
              <th scope="col">Note (partner's text)</th>
            </tr>
          </thead>
          <tbody>
            {s.partners.map((p) => (
              <tr>
                <th scope="row">{p.partner}</th>
                <td>
                  {p.status === 'not-eligible'
                    ? 'not eligible'
                    : p.status === 'released' && p.protocol === '1.0'
                      ? 'released (1.0 partner: no acknowledgement)'
                      : p.status}
                </td>
                <td>
                  <When at={p.releasedAt} />
                </td>
                <td>
                  <When at={p.receiptAt} />
                </td>
                <td>
                  <When at={p.receivedAt} />
                </td>
                <td>
                  {p.finalState ? (
                    <span>
                      {p.finalState} <When at={p.finalAt} />
                    </span>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                <td>
                  <T>{p.note ?? ''}</T>
                  {p.desk ? (
                    <div class="muted">
                      <T>{p.desk}</T>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

export function alertPages(p: PageRouter): void {
  p.get('/alerts', 'analyst', (c) => ({
    title: 'Alerts',
    body: (
      <div>
        <h2>Received from partners</h2>
        <Received list={c.deps.alerts.received()} csrf={c.csrf} />
        <h2>Sent by this node</h2>
        <Sent list={c.deps.alerts.sent()} />
      </div>
    ),
  }));
  p.post('/alerts/ack', 'analyst', (c) => {
    const state = one(c.form.state);
    const version = Number(one(c.form.version));
    const note = one(c.form.note).trim();
    const desk = one(c.form.desk).trim();
    c.deps.alerts.acknowledge(
      {
        id: one(c.form.id),
        state: state === 'NO_ACTION' ? 'NO_ACTION' : 'ACTIONED',
        ...(Number.isSafeInteger(version) && version > 0 ? { version } : {}),
        ...(note ? { note: note.slice(0, 2000) } : {}),
        ...(desk ? { desk: desk.slice(0, 100) } : {}),
      },
      c.actor,
    );
    redirect(c.res, '/alerts?flash=acknowledged');
  });
}
