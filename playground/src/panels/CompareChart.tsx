// Eager vs graph per source op as an SVG bar chart: for each row, an eager bar and a graph bar on one
// time axis (linear, or logarithmic when times span orders of magnitude), labelled with kernel counts.
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { fmtMs, gradLabel, gradsOf } from './format';
import type { CompareRow } from './timings_data';
import './panels.css';

/** The width of an element, kept up to date (charts are drawn in pixels so their text stays readable). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

const ROW = 48;
const BAR = 10;
const TOP = 4;
const AXIS = 22;
const MAX_ROWS = 14;
const VALUE_W = 62;

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s;
}

/** Nice tick values for a linear axis from 0 to max. */
function linearTicks(max: number): number[] {
  if (max <= 0) return [0];
  const raw = max / 3;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001; v += step) out.push(v);
  return out;
}

/**
 * Rows: the op's label and its kernel counts (eager → graph) on one line, then its eager and graph bars,
 * each with its time. Sorted by the larger of the two times; the largest rows only.
 */
export function CompareChart({ rows, log }: { rows: CompareRow[]; log: boolean }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const shown = [...rows].sort((a, b) => Math.max(b.eager.ms, b.graph.ms) - Math.max(a.eager.ms, a.graph.ms)).slice(0, MAX_ROWS);
  const hidden = rows.length - shown.length;
  const values = shown.flatMap((r) => [r.eager.ms, r.graph.ms]);
  const max = Math.max(1e-6, ...values);
  const positive = values.filter((v) => v > 0);
  const min = positive.length ? Math.min(...positive) : max / 10;
  // Log axis: from a power of ten below the smallest time to one above the largest.
  const lo = 10 ** Math.floor(Math.log10(min));
  const hi = Math.max(lo * 10, 10 ** Math.ceil(Math.log10(max)));
  const plotW = Math.max(40, width - VALUE_W - 4);
  const x = (ms: number) => {
    if (ms <= 0) return 0;
    if (!log) return (ms / max) * plotW;
    return Math.max(1, ((Math.log10(ms) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW);
  };
  const ticks = log ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i) : linearTicks(max);
  const height = TOP + shown.length * ROW + AXIS;
  const chars = Math.floor((width - 118) / 6.6);

  return (
    <div className="pp-chart" data-testid="compare-chart">
      <div className="pp-legend">
        <span>
          <i className="sw eager" /> eager
        </span>
        <span>
          <i className="sw graph" /> graph
        </span>
        <span className="dim">time per source op{log ? ', log scale' : ''}</span>
      </div>
      <div ref={ref} className="pp-chart-plot" />
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label="Eager and graph time per source op">
          {ticks.map((t) => (
            <g key={t} transform={`translate(${x(t)},0)`}>
              <line y1={TOP} y2={TOP + shown.length * ROW} className="pp-grid" />
              <text y={TOP + shown.length * ROW + 14} className="pp-tick" textAnchor={x(t) < 20 ? 'start' : 'middle'}>
                {fmtMs(t)}
              </text>
            </g>
          ))}
          {shown.map((r, i) => {
            const y = TOP + i * ROW;
            // A backward row names the forward op it differentiates: "matMul · ∇ matMul (line 12)".
            const grads = gradsOf(r.sources);
            const label = grads.length ? `${r.label} · ${gradLabel(grads[0]!)}${grads.length > 1 ? ` +${grads.length - 1}` : ''}` : r.label;
            return (
              <g key={r.key} transform={`translate(0,${y})`}>
                <title>{`${label}\neager: ${r.eager.kernels} kernels, ${fmtMs(r.eager.ms)}\ngraph: ${r.graph.kernels} kernels, ${fmtMs(r.graph.ms)}`}</title>
                <text x={0} y={10} className="pp-bar-label">
                  {truncate(label, chars)}
                </text>
                <text x={width - 2} y={10} className="pp-bar-value" textAnchor="end">
                  <tspan className="pp-eager-fill">{r.eager.kernels}</tspan> → <tspan className="pp-graph-fill">{r.graph.kernels}</tspan> kernels
                </text>
                <rect x={0} y={16} width={x(r.eager.ms)} height={BAR} rx={2} className="pp-bar eager" />
                <text x={x(r.eager.ms) + 4} y={16 + BAR / 2} className="pp-bar-value" dominantBaseline="middle">
                  {r.eager.kernels ? fmtMs(r.eager.ms) : '—'}
                </text>
                <rect x={0} y={16 + BAR + 3} width={x(r.graph.ms)} height={BAR} rx={2} className="pp-bar graph" />
                <text x={x(r.graph.ms) + 4} y={16 + BAR + 3 + BAR / 2} className="pp-bar-value" dominantBaseline="middle">
                  {r.graph.kernels ? fmtMs(r.graph.ms) : '—'}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {hidden > 0 && <div className="hint small">{hidden} smaller rows are in the table only.</div>}
    </div>
  );
}
