// The Timings panel: a run's headline figures (wall, GPU and compile time, kernels, submissions, pipelines,
// peak memory, speed-up over the other mode), a sortable per-op table with each row's device (transfers between
// devices shown by default when a run has them), and — after Compare — eager vs graph per source op
// (wg.compareProfiles) as a bar chart beside its table. Exports the Chrome trace and JSON.
import { useMemo, useState } from 'react';
import type { RunView } from '../App';
import type * as WG from '../../../engine/index';
import { CompareChart } from './CompareChart';
import { DeviceTag, downloadJSON, GradTags, KindTag, LineLinks, NoRecord, RunPicker, Stat, useChosenRun } from './common';
import { describeTimer, fmtBandwidth, fmtBytes, fmtMs, fmtPct, fmtRatio } from './format';
import { SortableTable, type Column } from './SortableTable';
import { describeSources, hasDeviceCopies, mergeComparison, opRows, type CompareRow, type OpRow } from './timings_data';
import type { PanelProps } from './types';
import './panels.css';

const sameCode = (a: RunView | undefined, b: RunView | undefined) => !!a && !!b && a.code === b.code;

export function TimingsPanel(props: PanelProps & { onCompare(): void }) {
  const [run, shown, pick] = useChosenRun(props);
  const record = run?.result?.record;
  const other = run ? props.runs[run.mode === 'eager' ? 'graph' : 'eager'] : undefined;
  const otherRecord = sameCode(run, other) ? other?.result?.record : undefined;
  const graphRun = props.runs.graph;
  const comparison = graphRun?.result?.comparison;
  const busy = props.run?.state === 'running';

  const exportTrace = () => run?.result?.chromeTrace && downloadJSON(`wgflow-${run.mode}-trace.json`, run.result.chromeTrace);
  const exportJSON = () =>
    run?.result &&
    downloadJSON(`wgflow-${run.mode}-profile.json`, {
      format: 'wgflow.playground.profile',
      version: 1,
      mode: run.mode,
      code: run.code,
      ms: run.result.ms,
      profile: record?.profile,
      memory: run.result.memory,
      ...(run.mode === 'graph' && comparison ? { comparison } : {}),
    });

  return (
    <div className="pp-panel" data-testid="timings">
      <div className="pp-bar-top">
        <RunPicker runs={props.runs} value={shown} onPick={pick} />
        <span className="spacer" />
        <button type="button" className="pp-btn" onClick={props.onCompare} disabled={busy} title="Run the snippet eagerly, then as graphs, and pair the profiles">
          ⇄ Eager vs graph
        </button>
        <button type="button" className="pp-btn" onClick={exportTrace} disabled={!run?.result?.chromeTrace} data-testid="export-trace" title="Chrome Trace Event JSON: open it in ui.perfetto.dev or chrome://tracing">
          ↓ Chrome trace
        </button>
        <button type="button" className="pp-btn" onClick={exportJSON} disabled={!record} data-testid="export-json" title="The run's profile (and comparison) as JSON">
          ↓ JSON
        </button>
      </div>
      {!record || !run ? (
        <NoRecord run={run} what="timings" />
      ) : (
        <>
          <div className="pp-timer" data-testid="timer" title={record.profile.timer.note ?? ''}>
            Timer: {describeTimer(record.profile.timer)}
            {record.profile.timer.note && <span className="warn"> · {record.profile.timer.note}</span>}
          </div>
          <Headline run={run} profile={record.profile} other={otherRecord?.profile} />
          <OpTable profile={record.profile} mode={run.mode} onJump={props.onJump} />
        </>
      )}
      <ComparisonSection comparison={comparison} graphRun={graphRun} eagerRun={props.runs.eager} onJump={props.onJump} onCompare={props.onCompare} busy={busy} />
    </div>
  );
}

/** The run's totals; with the other mode's last run of the same code, its figures and the speed-up. */
function Headline({ run, profile, other }: { run: RunView; profile: WG.Profile; other?: WG.Profile }) {
  const t = profile.totals;
  const o = other?.totals;
  const otherName = run.mode === 'eager' ? 'graph' : 'eager';
  const vs = (v: string | undefined) => (o && v !== undefined ? `${otherName}: ${v}` : undefined);
  const eagerT = run.mode === 'eager' ? t : o;
  const graphT = run.mode === 'graph' ? t : o;
  const speedup = eagerT && graphT && graphT.wallMs > 0 ? eagerT.wallMs / graphT.wallMs : undefined;
  const gpuSpeedup = eagerT?.gpuMs && graphT?.gpuMs ? eagerT.gpuMs / graphT.gpuMs : undefined;
  return (
    <div className="pp-stats" data-testid="headline">
      <Stat label="Wall time" value={fmtMs(t.wallMs)} sub={vs(o && fmtMs(o.wallMs)) ?? 'compile included'} title="From the start of the snippet to its end, as the profile saw it (compile time included)" />
      <Stat label="GPU time" value={fmtMs(t.gpuMs)} sub={vs(o && fmtMs(o.gpuMs)) ?? 'sum of kernel times'} title="Sum of the kernels' GPU times (timestamp queries)" />
      <Stat label="Compile" value={fmtMs(t.compileMs)} sub={`run ${fmtMs(Math.max(0, t.wallMs - t.compileMs))}`} title="Pipeline generation and compilation during the run; run = wall time minus compile time" />
      <Stat label="Kernels" value={t.dispatches} sub={vs(o && String(o.dispatches))} testId="stat-kernels" title="Dispatches (compute kernels launched)" />
      <Stat label="Submissions" value={t.submissions} sub={vs(o && String(o.submissions))} title="Command buffers submitted to the GPU queue" />
      <Stat label="Pipelines" value={t.pipelinesCompiled} sub={vs(o && String(o.pipelinesCompiled)) ?? 'compiled'} title="Pipelines compiled during the run (cache misses)" />
      <Stat label="Peak memory" value={fmtBytes(t.peakBytes)} sub={vs(o && fmtBytes(o.peakBytes))} title="Most bytes in use on one device during the run" />
      <Stat
        label="Speed-up"
        value={fmtRatio(speedup)}
        sub={speedup !== undefined ? (gpuSpeedup ? `wall · GPU ${fmtRatio(gpuSpeedup)}` : 'wall time') : 'run both modes'}
        tone={speedup === undefined ? undefined : speedup >= 1 ? 'good' : 'bad'}
        testId="stat-speedup"
        title="Eager wall time ÷ graph wall time for the same code"
      />
    </div>
  );
}

/** Bytes moved eagerly and in graph mode: "4.0 KiB" when equal, "4.0 → 8.0 KiB" in one unit, else both. */
function fmtBytePair(a: number, b: number): string {
  const [x, y] = [fmtBytes(a), fmtBytes(b)];
  if (x === y) return x;
  const ux = x.split(' ')[1];
  return ux === y.split(' ')[1] ? `${x.split(' ')[0]} → ${y}` : `${x} → ${y}`;
}

/** The transfers switch: off by default, on while a run copies between devices (until the user sets it). */
function useTransfers(copies: boolean): [boolean, (on: boolean) => void] {
  const [picked, setPicked] = useState<boolean | undefined>();
  return [picked ?? copies, setPicked];
}

const transferClass = (r: { kind: string; route?: string }) => (r.kind !== 'transfer' ? undefined : r.route && !r.route.includes('host') ? 'pp-xfer' : 'pp-transfer');

function OpTable({ profile, mode, onJump }: { profile: WG.Profile; mode: string; onJump(line: number, column: number): void }) {
  const [transfers, setTransfers] = useTransfers(hasDeviceCopies(profile));
  const all = useMemo(() => opRows(profile), [profile]);
  const kernelRows = all.filter((r) => r.kind !== 'transfer');
  const transferRows = all.length - kernelRows.length;
  const rows = transfers ? all : kernelRows;
  // Every row ran once: the mean would repeat the total, so the column is left out.
  const single = rows.every((r) => r.calls === 1);
  const maxPct = Math.max(1, ...rows.map((r) => r.pct ?? 0));
  const kernelsMs = kernelRows.reduce((s, r) => s + r.totalMs, 0);
  const columns: Column<OpRow>[] = [
    {
      id: 'op',
      label: mode === 'graph' ? 'Kernel' : 'Source op',
      sort: (r) => r.label,
      render: (r) => (
        <span className="pp-op" title={describeSources(r.sources)}>
          <KindTag kind={r.kind} />
          <span className="mono">{r.label}</span>
          {r.kernel && <span className="dim mono"> · {r.kernel}</span>}
          <GradTags sources={r.sources} onJump={onJump} />
          <DeviceTag route={r.route} />
          {r.sources.length > 1 && <span className="pp-badge">{r.sources.length} ops</span>}
        </span>
      ),
    },
    {
      id: 'line',
      label: 'Line',
      sort: (r) => (r.lines[0] ? r.lines[0].line * 1e4 + r.lines[0].column : undefined),
      render: (r) => <LineLinks lines={r.lines} onJump={onJump} columns={r.sources.length === 1} />,
    },
    { id: 'calls', label: 'Calls', numeric: true, sort: (r) => r.calls, render: (r) => r.calls, title: 'Launches of this kernel for these source ops' },
    {
      id: 'total',
      label: 'Total',
      numeric: true,
      sort: (r) => r.totalMs,
      title: 'GPU time (timestamp queries); transfers and kernels without GPU timestamps: CPU-observed time, marked cpu',
      render: (r) => (
        <span title={r.compileMs > 0 ? `plus ${fmtMs(r.compileMs)} compiling ${r.compiled} pipeline${r.compiled === 1 ? '' : 's'} (not counted here)` : 'pipeline from the cache'}>
          {fmtMs(r.totalMs)}
          {r.clock === 'cpu' && <sup className="pp-clock" title="CPU-observed time">cpu</sup>}
        </span>
      ),
    },
    ...(single ? [] : [{ id: 'mean', label: 'Mean', numeric: true, sort: (r: OpRow) => r.meanMs, render: (r: OpRow) => fmtMs(r.meanMs), title: 'Total ÷ calls' }]),
    {
      id: 'pct',
      label: '%',
      numeric: true,
      sort: (r) => r.pct,
      title: "Share of the kernels' total time (transfers are on another clock: not counted)",
      render: (r) =>
        r.pct === undefined ? (
          <span className="dim">—</span>
        ) : (
          <span className="pp-pct">
            <i style={{ width: `${(r.pct / maxPct) * 100}%` }} />
            <span>{fmtPct(r.pct)}</span>
          </span>
        ),
    },
    { id: 'shape', label: 'Output', sort: (r) => r.shapes[0], render: (r) => <span className="mono small" title={r.shapes.join(' ')}>{r.shapes.slice(0, 2).join(' ')}{r.shapes.length > 2 ? ` +${r.shapes.length - 2}` : ''}</span> },
    {
      id: 'bytes',
      label: 'Bytes',
      numeric: true,
      sort: (r) => r.bytesRead + r.bytesWritten,
      title: 'Bytes read + written by all calls (hover a cell for the split and the effective bandwidth)',
      render: (r) => (
        <span title={`read ${fmtBytes(r.bytesRead)}, written ${fmtBytes(r.bytesWritten)} · ${fmtBandwidth(r.bytesRead + r.bytesWritten, r.totalMs)}`}>
          {fmtBytes(r.bytesRead + r.bytesWritten)}
        </span>
      ),
    },
  ];
  return (
    <section className="pp-section">
      <h3>
        Per {mode === 'graph' ? 'kernel' : 'op'} · {mode} run <span className="dim">({all.length} rows, {profile.kernels.length} launches)</span>
        <label className="pp-check">
          <input type="checkbox" checked={transfers} onChange={(e) => setTransfers(e.target.checked)} /> transfers ({transferRows})
        </label>
      </h3>
      {rows.length === 0 ? (
        <p className="hint">No kernel ran{profile.kernels.length ? ' (only transfers)' : ''}: nothing reached the GPU, or every result was folded away.</p>
      ) : (
        <SortableTable
          rows={rows}
          columns={columns}
          rowKey={(r) => r.key}
          initialSort={{ id: 'total', dir: 'desc' }}
          testId="timings-table"
          caption={`Per-op timings of the ${mode} run`}
          rowProps={(r) => ({ 'data-testid': 'timing-row', 'data-kind': r.kind, 'data-backward': r.sources.some((x) => x.grad) ? 'true' : undefined, 'data-device': r.route, className: transferClass(r) })}
          footer={
            <tr className="pp-total">
              <td>all kernels</td>
              <td />
              <td className="num">{kernelRows.reduce((s, r) => s + r.calls, 0)}</td>
              <td className="num">{fmtMs(kernelsMs)}</td>
              {!single && <td />}
              <td className="num">{kernelsMs > 0 ? '100%' : ''}</td>
              <td />
              <td className="num">{fmtBytes(kernelRows.reduce((s, r) => s + r.bytesRead + r.bytesWritten, 0))}</td>
            </tr>
          }
        />
      )}
    </section>
  );
}

function ComparisonSection({
  comparison,
  graphRun,
  eagerRun,
  onJump,
  onCompare,
  busy,
}: {
  comparison: WG.ProfileComparison | undefined;
  graphRun: RunView | undefined;
  eagerRun: RunView | undefined;
  onJump(line: number, column: number): void;
  onCompare(): void;
  busy: boolean;
}) {
  const [log, setLog] = useState(false);
  const eagerProfile = eagerRun?.result?.record?.profile;
  const graphProfile = graphRun?.result?.record?.profile;
  const [transfers, setTransfers] = useTransfers(hasDeviceCopies(eagerProfile) || hasDeviceCopies(graphProfile));
  const merged = useMemo(
    () => (comparison ? mergeComparison(comparison, { eager: eagerProfile, graph: graphProfile }) : []),
    [comparison, eagerProfile, graphProfile],
  );
  if (!comparison) {
    return (
      <section className="pp-section" data-testid="comparison-empty">
        <h3>Eager vs graph</h3>
        <p className="hint">
          Compare runs this snippet eagerly, then as graphs, and pairs the two profiles per source op: how many kernels each op
          cost in each mode and how long they took.{' '}
          <button type="button" className="pp-btn" onClick={onCompare} disabled={busy}>
            ⇄ Eager vs graph
          </button>
        </p>
      </section>
    );
  }
  const stale = !sameCode(graphRun, eagerRun);
  const rows = transfers ? merged : merged.filter((r) => r.kind !== 'transfer');
  const sum = (side: 'eager' | 'graph', what: 'kernels' | 'ms') => rows.reduce((s, r) => s + r[side][what], 0);
  const t = comparison.totals;
  const columns: Column<CompareRow>[] = [
    {
      id: 'op',
      label: 'Source op / kernel',
      sort: (r) => r.label,
      render: (r) => (
        <span className="pp-op narrow" title={describeSources(r.sources)}>
          <KindTag kind={r.kind} />
          <span className="mono">{r.kind === 'transfer' && r.route?.includes('→') && !r.route.includes('host') ? 'copy' : r.label}</span>
          {r.bytes && (
            <span className="dim mono pp-bytes" title="Bytes moved: eager → graph">
              {fmtBytePair(r.bytes.eager, r.bytes.graph)}
            </span>
          )}
          <GradTags sources={r.sources} onJump={onJump} max={1} />
          {r.lines.length > 0 && <LineLinks lines={r.lines} onJump={onJump} max={2} />}
        </span>
      ),
    },
    { id: 'ek', label: 'Eager k', numeric: true, sort: (r) => r.eager.kernels, render: (r) => r.eager.kernels, title: 'Kernels launched eagerly for these ops', className: 'eager' },
    { id: 'ems', label: 'Eager ms', numeric: true, sort: (r) => r.eager.ms, render: (r) => fmtMs(r.eager.ms), className: 'eager' },
    { id: 'gk', label: 'Graph k', numeric: true, sort: (r) => r.graph.kernels, render: (r) => r.graph.kernels, title: 'Kernels launched in graph mode for these ops', className: 'graph' },
    { id: 'gms', label: 'Graph ms', numeric: true, sort: (r) => r.graph.ms, render: (r) => fmtMs(r.graph.ms), className: 'graph' },
    {
      id: 'x',
      label: '×',
      numeric: true,
      sort: (r) => r.speedup,
      title: 'Eager time ÷ graph time for this row',
      render: (r) => <span className={r.speedup === undefined ? 'dim' : r.speedup >= 1 ? 'good' : 'bad'}>{fmtRatio(r.speedup)}</span>,
    },
    { id: 'device', label: 'Device', sort: (r) => r.route, render: (r) => <DeviceTag route={r.route} />, title: 'Where its kernels ran (both modes); for a transfer, its route' },
  ];
  return (
    <section className="pp-section" data-testid="comparison">
      <h3>
        Eager vs graph, per source op
        <span className="spacer" />
        <label className="pp-check">
          <input type="checkbox" checked={transfers} onChange={(e) => setTransfers(e.target.checked)} /> transfers ({merged.filter((r) => r.kind === 'transfer').length})
        </label>
        <label className="pp-check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
        <button type="button" className="pp-btn small" onClick={() => downloadJSON('wgflow-comparison.json', { ...comparison, bySourceOp: merged })} data-testid="export-comparison">
          ↓ JSON
        </button>
      </h3>
      {stale && <p className="banner-inline warn">The snippet changed since this comparison: press ⇄ Eager vs graph to redo it.</p>}
      <div className="pp-compare-head">
        <span>
          wall <b className="eager">{fmtMs(t.eager.wallMs)}</b> → <b className="graph">{fmtMs(t.graph.wallMs)}</b> ({fmtRatio(t.speedup)})
        </span>
        {t.gpuSpeedup !== undefined && (
          <span>
            GPU <b className="eager">{fmtMs(t.eager.gpuMs)}</b> → <b className="graph">{fmtMs(t.graph.gpuMs)}</b> ({fmtRatio(t.gpuSpeedup)})
          </span>
        )}
        <span>
          kernels <b className="eager">{t.eager.dispatches}</b> → <b className="graph">{t.graph.dispatches}</b>
        </span>
        <span>
          submissions <b className="eager">{t.eager.submissions}</b> → <b className="graph">{t.graph.submissions}</b>
        </span>
        {comparison.timers.eager.source !== comparison.timers.graph.source && <span className="warn">the two runs used different timers</span>}
      </div>
      <div className="pp-compare-grid">
        <CompareChart rows={rows} log={log} />
        <SortableTable
          rows={rows}
          columns={columns}
          rowKey={(r) => r.key}
          initialSort={{ id: 'ems', dir: 'desc' }}
          testId="comparison-table"
          caption="Eager and graph kernels and time per source op"
          rowProps={(r) => ({ 'data-testid': 'compare-row', 'data-backward': r.sources.some((x) => x.grad) ? 'true' : undefined, 'data-eager-kernels': r.eager.kernels, 'data-graph-kernels': r.graph.kernels, 'data-kind': r.kind, 'data-device': r.route, className: transferClass(r) })}
          footer={
            <tr className="pp-total">
              <td>total</td>
              <td className="num">{sum('eager', 'kernels')}</td>
              <td className="num">{fmtMs(sum('eager', 'ms'))}</td>
              <td className="num">{sum('graph', 'kernels')}</td>
              <td className="num">{fmtMs(sum('graph', 'ms'))}</td>
              <td className="num">{fmtRatio(sum('graph', 'ms') > 0 ? sum('eager', 'ms') / sum('graph', 'ms') : undefined)}</td>
              <td />
            </tr>
          }
        />
      </div>
      <p className="hint small">
        A graph kernel is one row; its eager side is the eager kernels of the ops it covers (a fused chain: many eager kernels against one). Ops
        folded or pruned away in graph mode have eager kernels only.
      </p>
    </section>
  );
}
