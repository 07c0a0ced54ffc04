// report.html of an exercise (docs/exercises.md): one self-contained page, inline CSS and SVG, no
// script, nothing loaded from elsewhere. Rendered with preact-render-to-string, so every string,
// partner text included, is escaped.
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { PairedBars } from '../console/charts.js';
import type { AlertReport, Report, TimelineEntry } from './report.js';
import { tPlus } from './scenario.js';

const CSS = `
:root { --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --panel: #fff; --bg: #f4f6f8; --ok: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 70rem; margin: 0 auto; padding: 0 1.2rem 3rem; }
.exercise-banner { background: #7a2e00; color: #fff; font-weight: 700; letter-spacing: 0.08em; text-align: center; padding: 0.45rem; }
h1 { font-size: 1.6rem; margin: 1.2rem 0 0.3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
.muted { color: var(--muted); }
.mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.85em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; background: var(--panel); margin: 0.4rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eaeef2; }
.met { color: var(--ok); font-weight: 700; }
.missed { color: var(--bad); font-weight: 700; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.9rem; margin: 0 0 1rem; }
.chart-svg { width: 100%; height: auto; }
.chart-svg .grid { stroke: #d8dee4; }
.chart-svg .tick, .chart-svg .series-label { font-size: 13px; fill: #30363d; }
.chart-svg .s0 { stroke: #0a58a6; fill: #0a58a6; }
.chart-svg .s1 { stroke: #a04a00; fill: #a04a00; }
.chart-svg .bar.s1 { fill-opacity: 0.55; stroke-width: 1.5; }
.chart-svg .inject { fill: #0a58a6; }
.chart-svg .reaction { fill: #fff; stroke: #a04a00; stroke-width: 2; }
.chart-svg .dot { fill: #5a32a3; fill-opacity: 0.8; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
`;

const W = 900;

const ts = (at: string | null) => (at ? at.replace('T', ' ').replace(/\.[0-9]+Z$|Z$/, ' UTC') : '—');
const sec = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(3)} s`);

/** Every inject (filled) and reaction (hollow) on one row per node, along scenario time. */
function TimelineChart(props: { timeline: TimelineEntry[]; nodes: string[] }): VNode {
  const rows = props.nodes;
  const maxT = Math.max(60, ...props.timeline.map((e) => e.t));
  const left = 70;
  const right = 20;
  const rowH = 34;
  const height = 30 + rows.length * rowH + 30;
  const x = (t: number) => left + (Math.max(0, t) / maxT) * (W - left - right);
  const y = (node: string) => 30 + rows.indexOf(node) * rowH + rowH / 2;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxT);
  const summary = `${props.timeline.filter((e) => e.kind === 'inject').length} injects and ${props.timeline.filter((e) => e.kind === 'reaction').length} reactions over ${tPlus(maxT)} of scenario time`;
  return (
    <figure class="chart" aria-labelledby="timeline-cap">
      <figcaption id="timeline-cap">
        <strong>Timeline</strong> <span class="muted">{summary}; filled: inject, hollow: reaction</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`Timeline: ${summary}`} class="chart-svg">
        {ticks.map((t) => (
          <>
            <line x1={x(t)} x2={x(t)} y1={20} y2={height - 24} class="grid" />
            <text x={x(t)} y={height - 8} class="tick" text-anchor="middle">
              {tPlus(t)}
            </text>
          </>
        ))}
        {rows.map((n) => (
          <>
            <line x1={left} x2={W - right} y1={y(n)} y2={y(n)} class="grid" />
            <text x={left - 8} y={y(n) + 4} class="tick" text-anchor="end">
              {n}
            </text>
          </>
        ))}
        {props.timeline.map((e) =>
          e.kind === 'inject' ? (
            <rect x={x(e.t) - 5} y={y(e.node) - 5} width={10} height={10} class="inject">
              <title>{`${tPlus(e.t)} ${e.node}: ${e.text}`}</title>
            </rect>
          ) : (
            <circle cx={x(e.t)} cy={y(e.node)} r={5} class="reaction">
              <title>{`${tPlus(e.t)} ${e.node}: ${e.text}`}</title>
            </circle>
          ),
        )}
      </svg>
    </figure>
  );
}

/** Each partner's publication-to-receipt latencies, one dot per alert version, on a wall-clock axis. */
function LatencyChart(props: { alerts: AlertReport[] }): VNode {
  const byPartner = new Map<string, number[]>();
  for (const a of props.alerts)
    for (const p of a.partners)
      if (p.latencyMs !== null) byPartner.set(p.label, [...(byPartner.get(p.label) ?? []), p.latencyMs]);
  const rows = [...byPartner.keys()].sort();
  const all = [...byPartner.values()].flat();
  const max = Math.max(1, ...all);
  const left = 70;
  const right = 200;
  const rowH = 32;
  const height = 24 + rows.length * rowH + 30;
  const x = (v: number) => left + (v / max) * (W - left - right);
  const summary = all.length
    ? `${all.length} receipts; the slowest took ${sec(Math.max(...all))}`
    : 'no alert was received by a partner';
  return (
    <figure class="chart" aria-labelledby="latency-cap">
      <figcaption id="latency-cap">
        <strong>Alert latency per partner</strong>{' '}
        <span class="muted">{summary}; publication at the originator to receipt at the partner, wall clock</span>
      </figcaption>
      {rows.length === 0 ? (
        <p>No receipts to show.</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${height}`}
          role="img"
          aria-label={`Alert latency per partner: ${summary}`}
          class="chart-svg"
        >
          {[0, 0.5, 1].map((f) => (
            <>
              <line x1={x(f * max)} x2={x(f * max)} y1={16} y2={height - 24} class="grid" />
              <text x={x(f * max)} y={height - 8} class="tick" text-anchor="middle">
                {sec(f * max)}
              </text>
            </>
          ))}
          {rows.map((p, i) => {
            const vs = [...byPartner.get(p)!].sort((a, b) => a - b);
            const cy = 24 + i * rowH + rowH / 2;
            const median = vs[Math.floor((vs.length - 1) / 2)]!;
            return (
              <g>
                <text x={left - 8} y={cy + 4} class="tick" text-anchor="end">
                  {p}
                </text>
                <line x1={left} x2={W - right} y1={cy} y2={cy} class="grid" />
                {vs.map((v) => (
                  <circle cx={x(v)} cy={cy} r={5} class="dot">
                    <title>{`${p}: ${sec(v)}`}</title>
                  </circle>
                ))}
                <text x={W - right + 10} y={cy + 4} class="series-label">
                  {`n=${vs.length}, median ${sec(median)}`}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

function Page(props: { r: Report }): VNode {
  const r = props.r;
  const labels = r.nodes.map((n) => n.label);
  const met = r.expectations.filter((e) => e.verdict === 'met').length;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`EXERCISE after-action report: ${r.scenario.title ?? r.scenario.name}`}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <div class="exercise-banner" role="note">
          EXERCISE · invented data · not for operational use
        </div>
        <main>
          <h1>After-action report: {r.scenario.title ?? r.scenario.name}</h1>
          {r.scenario.description ? <p>{r.scenario.description}</p> : null}
          <dl class="facts">
            <dt>Run</dt>
            <dd class="mono">{r.runId}</dd>
            <dt>Scenario</dt>
            <dd>
              {r.scenario.name} <span class="muted">({r.scenario.file})</span>
            </dd>
            <dt>Started</dt>
            <dd>{ts(r.startedAt)}</dd>
            <dt>Ended</dt>
            <dd>
              {ts(r.endedAt)} ({r.outcome})
            </dd>
            <dt>Speed</dt>
            <dd>
              {r.speed === 1
                ? 'real time'
                : `×${r.speed}: one scenario minute took ${(60 / r.speed).toFixed(2)} s; expectation windows shrink by the same factor, network and processing do not`}
            </dd>
            <dt>Expectations</dt>
            <dd>
              {met} of {r.expectations.length} met
            </dd>
          </dl>

          <h2>Nodes and their audit logs</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Node</th>
                <th scope="col">Name</th>
                <th scope="col">Mode</th>
                <th scope="col">Audit chain</th>
              </tr>
            </thead>
            <tbody>
              {r.nodes.map((n) => (
                <tr>
                  <th scope="row">{n.label}</th>
                  <td class="mono">{n.nodeId}</td>
                  <td>
                    {n.name} ({n.country})
                  </td>
                  <td>{n.mode}</td>
                  <td>
                    {n.audit.ok ? 'verifies' : 'BROKEN'}: {n.audit.entries} entries, {n.audit.checkpoints} signed
                    checkpoints
                  </td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Expectations</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Expectation</th>
                <th scope="col">Verdict</th>
                <th scope="col">What the nodes recorded</th>
              </tr>
            </thead>
            <tbody>
              {r.expectations.map((e) => (
                <tr>
                  <td>
                    {e.description ?? e.expect} <span class="muted">({e.expect})</span>
                  </td>
                  <td class={e.verdict === 'met' ? 'met' : e.verdict === 'missed' ? 'missed' : ''}>{e.verdict}</td>
                  <td>{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Timeline</h2>
          <TimelineChart timeline={r.timeline} nodes={labels} />
          <table>
            <thead>
              <tr>
                <th scope="col">Scenario time</th>
                <th scope="col">Recorded at</th>
                <th scope="col">Node</th>
                <th scope="col">Kind</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {r.timeline.map((e) => (
                <tr>
                  <td>{tPlus(e.t)}</td>
                  <td class="mono">{e.at}</td>
                  <td>{e.node}</td>
                  <td>{e.kind}</td>
                  <td>{e.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Injects as scheduled and as run</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Inject</th>
                <th scope="col">Node</th>
                <th scope="col">Scheduled</th>
                <th scope="col">Recorded by the node</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {r.injects.map((i) => (
                <tr>
                  <td>{i.index + 1}</td>
                  <td>
                    {i.action} {i.name ?? ''}
                  </td>
                  <td>{i.node}</td>
                  <td>
                    {tPlus(i.t)} <span class="mono">{i.scheduledAt}</span>
                  </td>
                  <td class="mono">{i.recordedAt ?? '—'}</td>
                  <td>{i.error ? `${i.status}: ${i.error}` : i.status}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Records of the run</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Inject</th>
                <th scope="col">Node</th>
                <th scope="col">Type</th>
                <th scope="col">Title or reference</th>
                <th scope="col">Now</th>
              </tr>
            </thead>
            <tbody>
              {r.records.map((x) => (
                <tr>
                  <td>{x.inject}</td>
                  <td>{x.node}</td>
                  <td>{x.type}</td>
                  <td>{x.title}</td>
                  <td>
                    v{x.version} {x.status}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Alerts</h2>
          <LatencyChart alerts={r.alerts} />
          {r.alerts.map((a) => (
            <section>
              <h3>
                {a.level} {a.inject} from {a.node}, version {a.version}
              </h3>
              <p>
                <strong>{a.title}</strong>. Action requested: {a.actionRequested}
                <br />
                Published <span class="mono">{a.publishedAt ?? '—'}</span> <span class="mono muted">{a.id}</span>
              </p>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Partner</th>
                    <th scope="col">Eligible</th>
                    <th scope="col">Released</th>
                    <th scope="col">Received at partner</th>
                    <th scope="col">Latency</th>
                    <th scope="col">RECEIVED back at originator</th>
                    <th scope="col">Final state</th>
                    <th scope="col">Final state back at originator</th>
                    <th scope="col">Note</th>
                  </tr>
                </thead>
                <tbody>
                  {a.partners.map((p) => (
                    <tr>
                      <th scope="row">{p.label}</th>
                      <td>{p.eligible ? 'yes' : 'no (agreement)'}</td>
                      <td class="mono">{p.releasedAt ?? '—'}</td>
                      <td class="mono">{p.receivedAt ?? '—'}</td>
                      <td>{sec(p.latencyMs)}</td>
                      <td class="mono">{p.receivedAckAt ?? '—'}</td>
                      <td>
                        {p.finalState ?? '—'} <span class="mono">{p.finalAt ?? ''}</span>
                      </td>
                      <td class="mono">{p.finalArrivedAt ?? '—'}</td>
                      <td>{[p.desk, p.note].filter(Boolean).join(': ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}

          <h2>Consultations</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Consultation</th>
                <th scope="col">Requested</th>
                <th scope="col">Answered</th>
                <th scope="col">Position</th>
                <th scope="col">Turnaround</th>
                <th scope="col">Due (commitment)</th>
                <th scope="col">Within commitment</th>
              </tr>
            </thead>
            <tbody>
              {r.consultations.map((c) => (
                <tr>
                  <td>
                    {c.inject}: {c.requester} asks {c.responder}
                  </td>
                  <td class="mono">{c.requestedAt ?? '—'}</td>
                  <td class="mono">{c.respondedAt ?? '—'}</td>
                  <td>{c.position ?? '—'}</td>
                  <td>{sec(c.turnaroundMs)}</td>
                  <td class="mono">{c.dueAt ?? '—'}</td>
                  <td>{c.withinCommitment === null ? '—' : c.withinCommitment ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>What each agreement let through and withheld</h2>
          <PairedBars
            id="agreements"
            title="Records of the run, per agreement"
            summary="released to the partner, and withheld by the agreement"
            a="released"
            b="withheld"
            rows={r.agreements.map((g) => ({
              label: `${g.from} → ${g.to}`,
              a: g.released.length,
              b: g.withheld.length,
            }))}
          />
          <table>
            <thead>
              <tr>
                <th scope="col">Agreement</th>
                <th scope="col">Released</th>
                <th scope="col">Withheld, and why</th>
              </tr>
            </thead>
            <tbody>
              {r.agreements.map((g) => (
                <tr>
                  <td>
                    {g.from} → {g.to} <span class="muted">{g.agreement ?? 'no agreement'}</span>
                  </td>
                  <td>
                    {g.released.length === 0
                      ? '—'
                      : g.released.map((x) => (
                          <div>
                            {x.record} (v{x.versions.join(', v')})
                            {x.redacted.length ? `, redacted ${x.redacted.join(' ')}` : ''}
                          </div>
                        ))}
                  </td>
                  <td>
                    {g.withheld.length === 0
                      ? '—'
                      : g.withheld.map((x) => (
                          <div>
                            {x.record}
                            {x.version !== null ? ` (policy on v${x.version})` : ''}:{' '}
                            {x.reasons.join('; ') || 'not released'}
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">Generated {ts(r.generatedAt)} by entente exercise report.</p>
        </main>
      </body>
    </html>
  );
}

export function reportHtml(r: Report): string {
  return '<!doctype html>\n' + renderToString(<Page r={r} />) + '\n';
}
