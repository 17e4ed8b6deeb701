// The Memory panel: after each run, the tensors and bytes still alive at the end of the snippet and after
// the run's scope freed what it made (what survives is a leak), the peak during the run, and what graph
// mode's memory planner saved. Both modes side by side, plus the recent runs so a growing leak shows.
import { useState } from 'react';
import type { RunView } from '../App';
import { MAX_BUDGET_MIB, MIN_BUDGET_MIB, storeBudgetMiB, storedBudgetMiB } from '../runner/budget';
import type { MemoryReadout } from '../runner/host';
import { Stat } from './common';
import { fmtBytes } from './format';
import type { PanelProps } from './types';
import './panels.css';

interface Readout {
  key: string;
  mode: string;
  at: number;
  state: string;
  atEnd?: MemoryReadout;
  /** When the snippet threw (before its scope freed what it made). */
  atError?: MemoryReadout;
  after?: MemoryReadout;
  /** The run's memory budget (bytes). */
  budget?: number;
  /** Graphs kept for the Graph panel's "Save graph": part of `after`, held until the next run. */
  keptGraphs?: number;
  peak?: number;
  planned?: { naive: number; planned: number };
}

function readout(run: RunView): Readout {
  const r = run.result;
  let planned: Readout['planned'];
  for (const g of r?.record?.graphs ?? []) {
    for (const p of g.passes) {
      if (!p.peakBytes) continue;
      planned ??= { naive: 0, planned: 0 };
      planned.naive += p.peakBytes.naive;
      planned.planned += p.peakBytes.planned;
    }
  }
  const m = r?.memory;
  // A failed run has no profile: its peak is at least what was in use when it threw.
  const peak = r?.record?.profile.totals.peakBytes ?? m?.atError?.bytesInUse;
  return { key: `${run.mode}@${run.startedAt}`, mode: run.mode, at: run.startedAt, state: run.state, atEnd: m?.atEnd, atError: m?.atError, after: m?.after, budget: m?.budget, keptGraphs: m?.keptGraphs, peak, planned };
}

/** Runs this page has shown, newest first (kept across tab switches; a page reload starts afresh). */
const history: Readout[] = [];
function remember(run: RunView | undefined) {
  if (!run || run.state === 'running' || !run.result) return;
  const r = readout(run);
  if (history.some((h) => h.key === r.key)) return;
  history.unshift(r);
  history.length = Math.min(history.length, 12);
}

const tensors = (n: number) => `${n} tensor${n === 1 ? '' : 's'}`;
// Bytes with no tensor left are the kept graphs' data when the run kept some (a closed-over Session's cannot be
// told apart from them then).
const leakOf = (r: Readout) => r.after && (r.after.tensors > 0 || (r.after.bytesInUse > 0 && !r.keptGraphs));

export function MemoryPanel(props: PanelProps) {
  remember(props.runs.eager);
  remember(props.runs.graph);
  remember(props.run);
  const run = props.run;
  const cur = run && run.state !== 'running' ? readout(run) : undefined;
  if (!run || run.state === 'running')
    return (
      <div className="pp-panel" data-testid="memory">
        <Budget r={undefined} />
        <p className="hint">{run ? 'Running… the memory readout appears when the run ends.' : 'Run the snippet to see the tensors and device memory it leaves behind.'}</p>
      </div>
    );
  const both = (['eager', 'graph'] as const).map((m) => props.runs[m]).filter((r): r is RunView => !!r && r.state !== 'running' && r.code === run.code).map(readout);
  const leak = cur && leakOf(cur);

  return (
    <div className="pp-panel" data-testid="memory">
      <Budget r={cur} />
      {!cur?.atEnd && !cur?.after ? (
        <p className="hint">This run reported no memory readout{run.state === 'stopped' ? ' (it was stopped)' : ''}.</p>
      ) : (
        <>
          <div className={`pp-verdict ${leak ? 'bad' : 'good'}`} data-testid="memory-verdict">
            {leak
              ? `Leak: ${tensors(cur.after!.tensors)} (${fmtBytes(cur.after!.bytesInUse)}) outlived the run.`
              : cur.keptGraphs && cur.after?.bytesInUse
                ? `No tensor outlived the run. The ${fmtBytes(cur.after.bytesInUse)} still in use hold the data of the ${cur.keptGraphs === 1 ? 'graph' : `${cur.keptGraphs} graphs`} kept for "Save graph" (Graph panel), until the next run.`
                : 'No leak: everything the snippet made was freed when its scope ended.'}
            {leak && (
              <div className="pp-verdict-more">
                Something kept it: <code>wg.keep</code>, or an object holding device memory that was never disposed (a Session not closed, a graph
                holding captured tensors). In an app, this would pile up with every call; here the run's frame is thrown away after it ends.
              </div>
            )}
          </div>
          <div className="pp-stats" data-testid="memory-readout">
            <LiveStat r={cur} />
            <Stat
              label="After the run"
              value={cur.after ? tensors(cur.after.tensors) : '—'}
              sub={fmtBytes(cur.after?.bytesInUse)}
              tone={leak ? 'bad' : 'good'}
              title="wg.memory() after the run's scope ended: anything here outlived the snippet"
              testId="mem-after"
            />
            <Stat label="Peak" value={fmtBytes(cur.peak)} sub="most bytes in use on one device" title="The profile's peak bytes during the run" />
            {cur.planned && (
              <Stat
                label="Memory planning"
                value={fmtBytes(cur.planned.planned)}
                sub={`temporaries, vs ${fmtBytes(cur.planned.naive)} one buffer each`}
                tone={cur.planned.planned < cur.planned.naive ? 'good' : undefined}
                title="Graph plans: bytes of temporaries after buffer sharing by liveness, against one buffer per temporary"
              />
            )}
          </div>
          <MemoryBars r={cur} />
          <p className="hint small">
            <b>Live at end</b>: tensors alive when the snippet's last line finished; the run then frees them (it runs the snippet in a{' '}
            <code>wg.scope</code>). <b>After the run</b>: what survived that: a leak. <b>Peak</b>: the most device memory in use at once, live tensors and
            graph plans' buffers together.
          </p>
        </>
      )}
      {both.length === 2 && (
        <section className="pp-section">
          <h3>Eager vs graph, same snippet</h3>
          <table className="pp-table compact" data-testid="memory-modes">
            <thead>
              <tr>
                <th />
                <th className="num eager">eager</th>
                <th className="num graph">graph</th>
              </tr>
            </thead>
            <tbody>
              <Row label="tensors live at end" get={(r) => r.atEnd?.tensors} rows={both} />
              <Row label="bytes live at end" get={(r) => r.atEnd?.bytesInUse} rows={both} bytes />
              <Row label="peak bytes" get={(r) => r.peak} rows={both} bytes />
              <Row label="tensors after the run" get={(r) => r.after?.tensors} rows={both} />
              <Row label="bytes after the run" get={(r) => r.after?.bytesInUse} rows={both} bytes />
            </tbody>
          </table>
          <p className="hint small">
            Graph mode computes only what is read back: intermediates that are fused away never get a buffer, and the plan's temporaries share
            buffers. Its peak can still be higher when a plan keeps buffers for its next run.
          </p>
        </section>
      )}
      {history.length > 1 && (
        <section className="pp-section">
          <h3>Recent runs</h3>
          <table className="pp-table compact" data-testid="memory-history">
            <thead>
              <tr>
                <th>run</th>
                <th>mode</th>
                <th className="num">live at end</th>
                <th className="num">after the run</th>
                <th className="num">peak</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h, i) => (
                <tr key={h.key} className={leakOf(h) ? 'pp-leak' : undefined}>
                  <td className="dim">{i === 0 ? 'latest' : `−${i}`}</td>
                  <td className={h.mode}>{h.mode}</td>
                  <td className="num">{h.atEnd ? `${h.atEnd.tensors} · ${fmtBytes(h.atEnd.bytesInUse)}` : '—'}</td>
                  <td className="num">{h.after ? `${h.after.tensors} · ${fmtBytes(h.after.bytesInUse)}` : '—'}</td>
                  <td className="num">{fmtBytes(h.peak)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function Row({ label, get, rows, bytes }: { label: string; get(r: Readout): number | undefined; rows: Readout[]; bytes?: boolean }) {
  const fmt = (v: number | undefined) => (v === undefined ? '—' : bytes ? fmtBytes(v) : String(v));
  const e = rows.find((r) => r.mode === 'eager');
  const g = rows.find((r) => r.mode === 'graph');
  return (
    <tr>
      <td>{label}</td>
      <td className="num">{fmt(e && get(e))}</td>
      <td className="num">{fmt(g && get(g))}</td>
    </tr>
  );
}

/** Live-at-end, after-the-run and peak bytes on one scale. */
function MemoryBars({ r }: { r: Readout }) {
  const items = [
    { label: 'peak during the run', v: r.peak, cls: 'peak' },
    { label: 'live at the end of the snippet', v: r.atEnd?.bytesInUse, cls: 'live' },
    { label: 'left after the run', v: r.after?.bytesInUse, cls: leakOf(r) ? 'leak' : 'live' },
  ].filter((x): x is { label: string; v: number; cls: string } => x.v !== undefined);
  const max = Math.max(1, ...items.map((x) => x.v));
  return (
    <div className="pp-membars" aria-hidden="true">
      {items.map((x) => (
        <div key={x.label} className="pp-membar">
          <span className="dim small">{x.label}</span>
          <span className="track">
            <i className={x.cls} style={{ width: `${(x.v / max) * 100}%` }} />
          </span>
          <span className="num small">{fmtBytes(x.v)}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * The run's memory budget (runner/budget.ts): how close the last run came to it, and the setting (MiB, kept in
 * this browser; empty: the default, the device's largest buffer and at most a quarter of the machine's memory).
 */
function Budget({ r }: { r: Readout | undefined }) {
  const [value, setValue] = useState(() => String(storedBudgetMiB() ?? ''));
  const [note, setNote] = useState<string | undefined>();
  const apply = () => {
    const v = value.trim();
    if (v === '') {
      storeBudgetMiB(undefined);
      setNote('The default budget applies from the next run.');
      return;
    }
    const n = Number(v);
    if (!Number.isFinite(n) || n < MIN_BUDGET_MIB || n > MAX_BUDGET_MIB) {
      setNote(`A budget is a number of MiB from ${MIN_BUDGET_MIB} to ${MAX_BUDGET_MIB}.`);
      return;
    }
    storeBudgetMiB(n);
    setValue(String(storedBudgetMiB() ?? ''));
    setNote(`${storedBudgetMiB()} MiB from the next run.`);
  };
  const used = r?.budget && r.peak !== undefined ? r.peak / r.budget : undefined;
  return (
    <section className="pp-section pp-budget" data-testid="budget">
      {r?.budget !== undefined && used !== undefined && (
        <div className="pp-budgetbar" data-testid="budget-used" title="the run's peak bytes in use against its memory budget (wg.config.setMemoryLimit)">
          <span className="small">
            peak {fmtBytes(r.peak)} of the {fmtBytes(r.budget)} budget ({Math.round(used * 100)}%)
          </span>
          <span className="track">
            <i className={used >= 0.9 ? 'leak' : 'peak'} style={{ width: `${Math.min(1, used) * 100}%` }} />
          </span>
        </div>
      )}
      <form
        className="small"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label>
          Memory budget per run{' '}
          <input
            data-testid="budget-input"
            type="number"
            min={MIN_BUDGET_MIB}
            max={MAX_BUDGET_MIB}
            placeholder="default"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onBlur={apply}
            style={{ width: '7em' }}
          />{' '}
          MiB
        </label>{' '}
        <span className="dim">
          A run that allocates past it stops with a ResourceExhaustedError naming the live tensors. Empty: the default, the device's largest
          buffer, at most a quarter of this machine's memory.
        </span>
        {note && (
          <div className="dim" data-testid="budget-note">
            {note}
          </div>
        )}
      </form>
    </section>
  );
}

/** The tensors live at the snippet's end, or when it threw (a failed run has no end). */
function LiveStat({ r }: { r: Readout }) {
  const threw = !r.atEnd && r.atError;
  const m = threw ? r.atError : r.atEnd;
  return (
    <Stat
      label={threw ? 'Live when it threw' : 'Live at end'}
      value={m ? tensors(m.tensors) : '—'}
      sub={fmtBytes(m?.bytesInUse)}
      title={`wg.memory() ${threw ? 'when the snippet threw' : "as the snippet's last line finished"}, before the run's scope freed what it made`}
      testId={threw ? 'mem-at-error' : 'mem-at-end'}
    />
  );
}
