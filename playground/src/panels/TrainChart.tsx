// Live training in the Output panel: what a snippet reported with report({ step, loss, accuracy, stepMs, tensors })
// drawn as it comes (loss on the left axis, accuracy on the right), the step reached, and the step time of the
// last run in each mode side by side with their ratio.
//
// The chart is uPlot (MIT, leeoniya/uPlot; ~51 KB minified, ~21 KB gzipped, no dependencies). Chosen over
// Chart.js (~70 KB gzipped with its controllers) and Recharts (~100 KB gzipped plus d3 modules, an SVG node per
// point, re-rendered through React): uPlot draws on one canvas, takes column arrays, and redraws 20,000 points
// in about a millisecond with setData, so a chart updated ten times a second costs nothing next to the
// training it shows. It is imperative, which wraps into React in a few lines: made once in an effect, fed new
// columns on every update, resized by a ResizeObserver. It lives in the playground bundle only (never in
// dist/wgflow.js).
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunView } from '../App';
import type { TrainPoint } from '../runner/host';

/** The step time of a run: the median of its reported step times, leaving out the first (tracing, compiling, warming up). */
export function stepTime(points: readonly TrainPoint[]): number | undefined {
  const ms = points.map((p) => p.stepMs).filter((v): v is number => v !== undefined && v >= 0);
  const rest = ms.length > 1 ? ms.slice(1) : ms;
  if (rest.length === 0) return undefined;
  const sorted = [...rest].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmtStepMs = (ms: number) => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const LOSS = '#4fa3ff';
const ACCURACY = '#3fb950';
const AXIS = '#8a94a6';
const GRID = 'rgba(255,255,255,0.06)';

function Chart({ points }: { points: readonly TrainPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const hasAccuracy = points.some((p) => p.accuracy !== undefined);
  const data = useMemo<uPlot.AlignedData>(
    () => [points.map((p) => p.step), points.map((p) => p.loss ?? null), points.map((p) => p.accuracy ?? null)],
    [points],
  );
  // Made once per run (and when accuracy appears); later points only replace the columns.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = { stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, font: '11px ui-monospace, monospace' };
    const u = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 200,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, loss: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] }, acc: { auto: false, range: [0, 1] } },
        axes: [
          { ...axis, label: 'step', labelFont: '11px sans-serif', labelSize: 16, size: 36 },
          { ...axis, scale: 'loss', label: 'loss', labelFont: '11px sans-serif', labelSize: 16, size: 44 },
          ...(hasAccuracy ? [{ ...axis, scale: 'acc', side: 1 as const, label: 'accuracy', labelFont: '11px sans-serif', labelSize: 16, size: 40, grid: { show: false }, values: (_u: uPlot, vals: number[]) => vals.map((v) => `${Math.round(v * 100)}%`) }] : []),
        ],
        series: [
          { label: 'step' },
          { label: 'loss', scale: 'loss', stroke: LOSS, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '–' : v.toFixed(4)) },
          { label: 'accuracy', scale: 'acc', stroke: ACCURACY, width: 2, points: { show: false }, show: hasAccuracy, value: (_u, v) => (v == null ? '–' : `${(v * 100).toFixed(1)}%`) },
        ],
      },
      data,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- data goes in by setData below
  }, [hasAccuracy]);
  useEffect(() => plot.current?.setData(data), [data]);
  return <div ref={box} className="train-chart" data-testid="train-chart" data-points={points.length} />;
}

/** The step times of the last eager and graph runs, and their ratio (when both ran this snippet). */
function StepTimes({ run, runs }: { run: RunView; runs: { eager?: RunView; graph?: RunView } }) {
  const times = (['eager', 'graph'] as const).map((m) => {
    const r = m === run.mode ? run : runs[m];
    const ms = r ? stepTime(r.points) : undefined;
    return { mode: m, ms, same: r?.code === run.code, live: r?.state === 'running' };
  });
  const [e, g] = times as [(typeof times)[number], (typeof times)[number]];
  const ratio = e.ms !== undefined && g.ms !== undefined && e.same && g.same && g.ms > 0 ? e.ms / g.ms : undefined;
  const cell = (t: (typeof times)[number]) => (
    <span className={`train-time ${t.mode}`} data-testid={`step-${t.mode}`} data-ms={t.ms ?? ''} title={t.ms === undefined ? `no ${t.mode} run of this snippet reported a step time yet` : t.same ? `median ms per step of the last ${t.mode} run (its first report, which includes tracing and compiling, left out)` : `from the last ${t.mode} run, of another snippet`}>
      <b>{t.mode}</b> {t.ms === undefined ? '—' : `${fmtStepMs(t.ms)}/step`}
      {t.ms !== undefined && !t.same && <span className="dim"> (another snippet)</span>}
      {t.live && <span className="dim"> (running)</span>}
    </span>
  );
  return (
    <div className="train-times" data-testid="step-times">
      <span className="dim">step time</span>
      {cell(e)}
      {cell(g)}
      <span data-testid="step-ratio" data-ratio={ratio ?? ''} className={ratio === undefined ? 'dim' : ratio >= 1 ? 'good' : 'warn'}>
        {ratio === undefined
          ? 'run it in both modes for the ratio'
          : ratio >= 1
            ? `graph ${ratio.toFixed(2)}× faster`
            : `graph ${(1 / ratio).toFixed(2)}× slower`}
      </span>
    </div>
  );
}

/** The training view of a run that reported points: where it is, the chart, the step times. */
export function TrainView({ run, runs }: { run: RunView; runs: { eager?: RunView; graph?: RunView } }) {
  const last = run.points[run.points.length - 1];
  if (!last) return null;
  const firstTensors = run.points.find((p) => p.tensors !== undefined)?.tensors;
  const lastLoss = [...run.points].reverse().find((p) => p.loss !== undefined)?.loss;
  const lastAcc = [...run.points].reverse().find((p) => p.accuracy !== undefined)?.accuracy;
  const verb: Record<RunView['state'], string> = { running: 'training', done: 'trained', failed: 'failed', stopped: 'stopped' };
  return (
    <section
      className="train"
      data-testid="train"
      data-state={run.state}
      data-step={last.step}
      data-loss-first={run.points.find((p) => p.loss !== undefined)?.loss ?? ''}
      data-loss-last={lastLoss ?? ''}
      aria-label="Training"
    >
      <div className="train-head">
        <b>{verb[run.state]}</b>
        <span>
          step <span data-testid="train-step">{last.step}</span>
        </span>
        {lastLoss !== undefined && (
          <span>
            loss <span data-testid="train-loss">{lastLoss.toFixed(4)}</span>
          </span>
        )}
        {lastAcc !== undefined && (
          <span>
            accuracy <span data-testid="train-accuracy">{(lastAcc * 100).toFixed(1)}%</span>
          </span>
        )}
        {last.tensors !== undefined && (
          <span className="dim" data-testid="train-tensors" data-first={firstTensors} data-last={last.tensors} title="live tensors (wg.memory().tensors) at the first and the latest report: flat when nothing leaks">
            tensors {firstTensors} → {last.tensors}
          </span>
        )}
        {run.droppedPoints > 0 && <span className="dim">{run.droppedPoints} later points not drawn</span>}
        <span className="dim">· {run.mode}</span>
      </div>
      <Chart key={run.startedAt} points={run.points} />
      <StepTimes run={run} runs={runs} />
    </section>
  );
}

