// Charts as server-side SVG: no script, nothing to load, allowed by the CSP. Readable without
// colour: every series has its own dash pattern and marker shape and is labelled at its end, bars
// carry their value, and each chart has a text summary and the data as a table beside it.
import type { VNode } from 'preact';

export interface Series {
  label: string;
  points: { x: string; y: number }[];
}

const W = 500;
const H = 210;
const PAD = { l: 44, r: 140, t: 14, b: 30 };
const DASH = ['', '6 4', '2 3', '10 3 2 3'];
const CLS = ['s0', 's1', 's2', 's3'];

function Marker(props: { i: number; x: number; y: number }): VNode {
  const { i, x, y } = props;
  if (i % 4 === 1) return <rect x={x - 3.5} y={y - 3.5} width={7} height={7} class={`mk ${CLS[i % 4]}`} />;
  if (i % 4 === 2)
    return <path d={`M${x},${y - 4.5} L${x + 4.5},${y + 3.5} L${x - 4.5},${y + 3.5} Z`} class={`mk ${CLS[i % 4]}`} />;
  if (i % 4 === 3)
    return (
      <path
        d={`M${x - 4},${y - 4} L${x + 4},${y + 4} M${x + 4},${y - 4} L${x - 4},${y + 4}`}
        class={`mk line ${CLS[i % 4]}`}
      />
    );
  return <circle cx={x} cy={y} r={3.5} class={`mk ${CLS[i % 4]}`} />;
}

function niceMax(v: number): number {
  if (v <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / p) * p;
}

/** A line chart over days (x) of one or more series; the summary says what it shows in words. */
export function LineChart(props: { title: string; summary: string; series: Series[]; id: string }): VNode {
  const xs = [...new Set(props.series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const max = niceMax(Math.max(1, ...props.series.flatMap((s) => s.points.map((p) => p.y))));
  const px = (x: string) => PAD.l + (xs.length <= 1 ? 0 : (xs.indexOf(x) / (xs.length - 1)) * (W - PAD.l - PAD.r));
  const py = (y: number) => H - PAD.b - (y / max) * (H - PAD.t - PAD.b);
  const ticks = [0, max / 2, max];
  return (
    <figure class="chart" aria-labelledby={`${props.id}-cap`}>
      <figcaption id={`${props.id}-cap`}>
        <strong>{props.title}</strong> <span class="muted">{props.summary}</span>
      </figcaption>
      {xs.length === 0 ? (
        <p class="empty">No data in this period.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.title}: ${props.summary}`} class="chart-svg">
          {ticks.map((t) => (
            <>
              <line x1={PAD.l} x2={W - PAD.r} y1={py(t)} y2={py(t)} class="grid" />
              <text x={PAD.l - 6} y={py(t) + 4} class="tick" text-anchor="end">
                {Math.round(t)}
              </text>
            </>
          ))}
          {[xs[0]!, xs.at(-1)!].map((x) => (
            <text x={px(x)} y={H - 12} class="tick" text-anchor="middle">
              {x.slice(5)}
            </text>
          ))}
          {props.series.map((s, i) => {
            const pts = s.points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ');
            const last = s.points.at(-1);
            return (
              <g>
                <polyline points={pts} class={`ln ${CLS[i % 4]}`} stroke-dasharray={DASH[i % 4]} fill="none" />
                {s.points.map((p) => (
                  <Marker i={i} x={px(p.x)} y={py(p.y)} />
                ))}
                {last ? (
                  <text x={W - PAD.r + 8} y={py(last.y) + 4 + i * 13} class="series-label">
                    {s.label} ({last.y})
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      )}
      <DataTable series={props.series} xs={xs} />
    </figure>
  );
}

function DataTable(props: { series: Series[]; xs: string[] }): VNode | null {
  if (!props.xs.length) return null;
  return (
    <details>
      <summary>The numbers</summary>
      <table class="data compact">
        <thead>
          <tr>
            <th scope="col">Day</th>
            {props.series.map((s) => (
              <th scope="col">{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.xs.map((x) => (
            <tr>
              <th scope="row">{x}</th>
              {props.series.map((s) => (
                <td>{s.points.find((p) => p.x === x)?.y ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Paired horizontal bars (e.g. promised vs flowed, ours vs theirs), each bar labelled with its value. */
export function PairedBars(props: {
  title: string;
  summary: string;
  rows: { label: string; a: number; b: number }[];
  a: string;
  b: string;
  id: string;
}): VNode {
  const max = niceMax(Math.max(1, ...props.rows.flatMap((r) => [r.a, r.b])));
  const rowH = 34;
  const height = PAD.t + props.rows.length * rowH + 24;
  const x0 = 150;
  const wMax = W - x0 - 90;
  return (
    <figure class="chart" aria-labelledby={`${props.id}-cap`}>
      <figcaption id={`${props.id}-cap`}>
        <strong>{props.title}</strong> <span class="muted">{props.summary}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`${props.title}: ${props.summary}`} class="chart-svg">
        {props.rows.map((r, i) => {
          const y = PAD.t + i * rowH;
          return (
            <g>
              <text x={x0 - 8} y={y + 17} class="tick" text-anchor="end">
                {r.label}
              </text>
              <rect x={x0} y={y + 2} width={Math.max(1, (r.a / max) * wMax)} height={12} class="bar s0" />
              <text x={x0 + (r.a / max) * wMax + 6} y={y + 12} class="tick">
                {props.a}: {r.a}
              </text>
              <rect x={x0} y={y + 16} width={Math.max(1, (r.b / max) * wMax)} height={12} class="bar s1 hatched" />
              <text x={x0 + (r.b / max) * wMax + 6} y={y + 26} class="tick">
                {props.b}: {r.b}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
