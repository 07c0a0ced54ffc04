// Screening results: each input party's hits (score, matched variant, why, where; "not this party";
// "link as the same party") and an application's essentially-identical candidates, which lead an
// officer to a consultation with the denying partner.
import type { VNode } from 'preact';
import type { Ctx } from '../core.js';
import type { Candidate, Hit, ScreenParty } from '../deps.js';
import type { FormState } from '../forms/spec.js';
import { Csrf, Empty, StatusBadge, T } from '../ui.js';

const PT = 'proposedTransaction';

function Explanation(props: { h: Hit }): VNode {
  const e = props.h.explanation;
  return (
    <ul class="explain">
      <li>name similarity {(e.name * 100).toFixed(0)} %</li>
      {e.country ? <li>country: {e.country}</li> : null}
      {e.identifier ? <li>identifier: {e.identifier}</li> : null}
      <li>score after adjustments {(e.adjusted * 100).toFixed(0)} %</li>
    </ul>
  );
}

function Source(props: { h: Hit }): VNode {
  const s = props.h.source;
  if (s.kind === 'reference-list') {
    return (
      <span>
        reference list {s.list}, entry <T>{s.ref}</T>
      </span>
    );
  }
  return (
    <span>
      <a href={`/records/${encodeURIComponent(s.id)}`}>
        {s.type} from {s.origin}
      </a>{' '}
      <StatusBadge status={s.status} /> {s.role ? <span class="muted">as {s.role}</span> : null}
      {s.recalled ? <span class="badge off">recalled</span> : null}
    </span>
  );
}

export function Hits(props: { c: Ctx; input: ScreenParty; hits: Hit[]; n: number }): VNode {
  const { c, input, hits, n } = props;
  return (
    <section class="screen-result" aria-labelledby={`res-${n}`}>
      <h2 id={`res-${n}`}>
        <T>{input.name}</T>
        {input.country ? <span class="muted"> ({input.country})</span> : null}: {hits.length} hit
        {hits.length === 1 ? '' : 's'}
      </h2>
      {!hits.length ? <Empty>No party held here scores above the threshold.</Empty> : null}
      {hits.length ? (
        <form method="post" action="/screen/link">
          <Csrf token={c.csrf} />
          <input type="hidden" name="name" value={input.name} />
          <input type="hidden" name="country" value={input.country ?? ''} />
          <table class="data hits">
            <caption class="visually-hidden">Hits for {input.name}</caption>
            <thead>
              <tr>
                <th scope="col">Same party?</th>
                <th scope="col">Score</th>
                <th scope="col">Matched name</th>
                <th scope="col">Why</th>
                <th scope="col">Where</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {hits.map((h, i) => (
                <tr class={h.dismissed ? 'dismissed' : ''}>
                  <td>
                    <input type="checkbox" id={`ln-${n}-${i}`} name="link" value={h.target} />
                    <label for={`ln-${n}-${i}`} class="visually-hidden">
                      Select {h.matchedName} to link
                    </label>
                  </td>
                  <td>
                    <meter min={0} max={1} value={h.score} aria-label="score"></meter>{' '}
                    <strong>{(h.score * 100).toFixed(0)} %</strong>
                  </td>
                  <td>
                    <T>{h.matchedName}</T> <span class="badge">{h.matchedNameType}</span>
                    {h.dismissed ? <span class="badge off">marked false positive by {h.dismissed.by}</span> : null}
                    {(h.dismissedBy ?? []).map((d) => (
                      <span class="badge">dismissed by {d.by}</span>
                    ))}
                    {h.linkedFrom ? <span class="badge">linked</span> : null}
                  </td>
                  <td>
                    <Explanation h={h} />
                  </td>
                  <td>
                    <Source h={h} />
                  </td>
                  <td>
                    {h.dismissed ? null : (
                      <button
                        type="submit"
                        class="secondary small"
                        formaction="/screen/dismiss"
                        name="target"
                        value={h.target}
                      >
                        Not this party
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hits.length > 1 ? (
            <button type="submit" class="secondary small">
              Link the two selected as the same party
            </button>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

export function Candidates(props: { c: Ctx; list: Candidate[]; state: FormState }): VNode {
  const { c, list } = props;
  if (!list.length) return <Empty>No partner denial makes this an essentially identical transaction.</Empty>;
  const carried = Object.entries(props.state).filter(
    ([k]) => k.startsWith(PT + '.') || k.startsWith('_rows.' + PT + '.'),
  );
  return (
    <table class="data">
      <caption>Partner denials this application may undercut</caption>
      <thead>
        <tr>
          <th scope="col">Denial</th>
          <th scope="col">Party</th>
          <th scope="col">Control</th>
          <th scope="col">Destination</th>
          <th scope="col">Verdict</th>
          {c.can('publisher') ? <th scope="col">Consult</th> : null}
        </tr>
      </thead>
      <tbody>
        {list.map((x) => (
          <tr>
            <td>
              <a href={`/records/${encodeURIComponent(x.denial.id)}`}>
                <T>{x.denial.originatorReference}</T>
              </a>{' '}
              from {x.denial.origin} <StatusBadge status={x.denial.status} />{' '}
              {x.catchAll ? <span class="badge warn">catch-all</span> : null}
            </td>
            <td>
              {x.party ? (
                <>
                  <T>{x.party.applicationName}</T> ~ <T>{x.party.matchedName}</T> ({(x.party.score * 100).toFixed(0)} %)
                </>
              ) : (
                '—'
              )}
            </td>
            <td>{x.control ?? '—'}</td>
            <td>{x.destination ?? 'different'}</td>
            <td>
              {x.essentiallyIdentical ? (
                <span class="badge off">essentially identical</span>
              ) : (
                <span class="badge mid">similar</span>
              )}
            </td>
            {c.can('publisher') ? (
              <td>
                <form method="post" action="/consultations/new">
                  <Csrf token={c.csrf} />
                  <input type="hidden" name="_prefill" value="1" />
                  <input type="hidden" name="denial" value={x.denial.id} />
                  {carried.flatMap(([k, v]) =>
                    (Array.isArray(v) ? v : [v]).map((one) => <input type="hidden" name={k} value={one} />),
                  )}
                  <button type="submit" class="small">
                    Open a consultation with {x.denial.origin}
                  </button>
                </form>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
