// The Optimisations panel (graph mode): a switch per optimiser pass that re-runs the snippet with the new
// set, each pass's report, and for every plan of the last graph run its kernels stage by stage: a strip of
// kernel counts (before → each pass → after) and, for the chosen step, the kernels before and after it with
// the graph nodes each covers.
import { useMemo, useState } from 'react';
import type * as WG from '../../../engine/index';
import { KindTag, LineLinks } from './common';
import { fmtBytes, inSnippet } from './format';
import { PASSES, type PanelProps, type PassName } from './types';
import './panels.css';

const ABOUT: Record<PassName, string> = {
  prune: 'drops kernel launches whose results nothing reads (writes into variables and prints stay)',
  commonSubexpression: 'merges launches of the same kernel over the same inputs into one',
  constantFolding: 'runs launches whose inputs are all constants once, when the plan is compiled',
  fusion: 'turns elementwise chains into one generated kernel, and folds them into reductions, matmuls and convolutions (bias + activation as an epilogue)',
  arithmeticSimplification: 'removes exact identities from fused expressions: x·1, x+0, −(−x), no-op casts',
  inlineConstants: "writes the plan's scalar parameters into the WGSL as literals for the shader compiler",
  memoryPlanning: 'lets temporaries share buffers when their lifetimes do not overlap',
};

type Props = PanelProps & {
  optimizations: Record<string, boolean>;
  onChange(o: Record<string, boolean>): void;
  onRerun(optimizations: Record<string, boolean>): void;
  running: boolean;
};

export function OptimisationsPanel(props: Props) {
  const { optimizations, running } = props;
  const graphRun = props.runs.graph;
  const record = graphRun?.result?.record;
  const graphs = record?.graphs ?? [];
  const off = PASSES.filter((p) => optimizations[p] === false);

  const set = (next: Record<string, boolean>) => {
    props.onChange(next);
    props.onRerun(next);
  };
  const toggle = (p: PassName, on: boolean) => {
    const next = { ...optimizations };
    if (on) delete next[p];
    else next[p] = false;
    set(next);
  };

  // The passes in the order the engine runs them (learnt from records), then any not seen run yet.
  learnOrder(graphs);
  const order = [...runOrder.filter((p): p is PassName => (PASSES as readonly string[]).includes(p)), ...PASSES.filter((p) => !runOrder.includes(p))];

  // Each pass's reports over every plan of the last graph run: the most telling one shown, all in the tooltip.
  const reports = new Map<string, { removed: number; best: { detail: string; removed: number }; details: string[] }>();
  graphs.forEach((g, i) => {
    for (const p of g.passes) {
      const r = reports.get(p.pass) ?? { removed: 0, best: p, details: [] };
      r.removed += p.removed;
      if (p.removed > r.best.removed) r.best = p;
      r.details.push(`plan ${i + 1}: ${p.detail}`);
      reports.set(p.pass, r);
    }
  });

  return (
    <div className="pp-panel" data-testid="optimisations">
      {props.mode !== 'graph' && (
        <p className="banner-inline info">
          The passes optimise graphs: switch the toolbar to <b>Graph</b>. (In eager mode every op runs as it is called and Sessions run their graphs
          node by node, unoptimised.) A switch re-runs the snippet in graph mode.
        </p>
      )}
      <div className="pp-bar-top">
        <b>Optimiser passes</b>
        <span className="dim small">{off.length ? `${off.length} off: ${off.join(', ')}` : 'all on'}</span>
        <span className="spacer" />
        <button type="button" className="pp-btn" disabled={running || off.length === 0} onClick={() => set({})}>
          All on
        </button>
        <button type="button" className="pp-btn" disabled={running} onClick={() => set(Object.fromEntries(PASSES.map((p) => [p, false])))}>
          All off
        </button>
        <button type="button" className="pp-btn" disabled={running} onClick={() => props.onRerun(optimizations)} title="Run the snippet in graph mode with these passes">
          ↻ Re-run
        </button>
      </div>
      <ul className="pp-passes">
        {order.map((p) => {
          const on = optimizations[p] !== false;
          const rep = reports.get(p);
          return (
            <li key={p} className={on ? '' : 'off'} data-testid={`pass-${p}`}>
              <label className="pp-switch">
                <input type="checkbox" role="switch" checked={on} disabled={running} onChange={(e) => toggle(p, e.target.checked)} aria-label={p} />
                <span className="knob" aria-hidden="true" />
                <span className="mono">{p}</span>
              </label>
              <span className="pp-pass-report" title={rep?.details.join('\n')}>
                {!record ? '' : rep ? (
                  <>
                    <span className="pp-pass-detail">{rep.best.detail}</span>
                    {rep.removed > 0 && <span className="pp-badge good">−{rep.removed}</span>}
                  </>
                ) : graphs.length ? (
                  <span className="dim">not run (off)</span>
                ) : null}
              </span>
              <span className="pp-pass-about">{ABOUT[p]}</span>
            </li>
          );
        })}
      </ul>
      {!graphRun ? (
        <p className="hint">Run the snippet in graph mode: each plan it computes shows here, before and after every pass.</p>
      ) : graphRun.state === 'running' ? (
        <p className="hint">Running…</p>
      ) : !record ? (
        <p className="hint">The last graph run {graphRun.state === 'failed' ? 'failed' : 'ended'} without a run record.</p>
      ) : (
        <>
          <div className="pp-compare-head" data-testid="opt-summary">
            <span>
              last graph run: <b data-testid="opt-dispatches">{record.profile.totals.dispatches}</b> kernels dispatched
            </span>
            <span>
              <b>{graphs.length}</b> plan{graphs.length === 1 ? '' : 's'}
            </span>
            <span>
              <b>{graphs.reduce((s, g) => s + g.before.length, 0)}</b> → <b>{graphs.reduce((s, g) => s + g.after.length, 0)}</b> kernels in plans
            </span>
            {graphRun.code !== props.run?.code && <span className="warn">the snippet changed since</span>}
          </div>
          {graphs.length === 0 && <p className="hint">This graph run computed no plan (nothing was read back, or every value came from the host).</p>}
          {graphs.slice(0, 30).map((g, i) => (
            <PlanView key={i} index={i} g={g} onJump={props.onJump} />
          ))}
          {graphs.length > 30 && <p className="hint">{graphs.length - 30} more plans not shown.</p>}
        </>
      )}
    </div>
  );
}

/** The engine's pass order, as the records show it (a pass switched off is missing from its record). */
const runOrder: string[] = [];
function learnOrder(graphs: readonly WG.GraphRun[]) {
  for (const g of graphs) {
    const seen = g.passes.map((p) => p.pass);
    if (seen.length > runOrder.length) runOrder.splice(0, runOrder.length, ...seen);
  }
}

interface Stage {
  name: string;
  kernels: WG.GraphRunKernel[];
  pass?: WG.GraphRun['passes'][number];
}

const kernelKey = (k: WG.GraphRunKernel) => `${k.name}|${k.kind}|${k.nodes.join(',')}`;

function PlanView({ g, index, onJump }: { g: WG.GraphRun; index: number; onJump(line: number, column: number): void }) {
  const stages = useMemo(() => {
    const out: Stage[] = [{ name: 'before', kernels: g.before }];
    for (const p of g.passes) out.push({ name: p.pass, kernels: p.kernels ?? out[out.length - 1].kernels, pass: p });
    out.push({ name: 'after', kernels: g.after });
    return out;
  }, [g]);
  // The step shown: "after" compares the plan before and after all passes; a pass compares its input and output.
  const biggest = stages.slice(1, -1).reduce<number | undefined>((b, s, i) => (s.pass && s.pass.removed > 0 && (b === undefined || s.pass.removed > stages[b].pass!.removed) ? i + 1 : b), undefined);
  const [sel, setSel] = useState<number>(stages.length - 1);
  const to = stages[sel];
  const from = sel === stages.length - 1 ? stages[0] : stages[sel - 1];
  const nodes = useMemo(() => new Map(g.nodes.map((n) => [n.name, n])), [g]);
  const [open, setOpen] = useState(index < 3);
  return (
    <section className="pp-section pp-plan" data-testid="plan">
      <h3>
        <button type="button" className="pp-disclose" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        Plan {index + 1}
        <span className="dim">
          {' '}
          · {g.entry === 'withMode' ? "withMode('graph')" : g.entry === 'function' ? 'wg.function' : 'Session'} · {g.nodes.length} nodes
          {g.runs !== undefined ? ` · ran ${g.runs}×` : ''}
        </span>
        <span className="spacer" />
        <span className="small">
          {g.before.length} → <b>{g.after.length}</b> kernel{g.after.length === 1 ? '' : 's'}
        </span>
      </h3>
      {open && (
        <>
          <div className="pp-strip" role="tablist" aria-label="Optimisation steps">
            {stages.map((s, i) => (
              <span key={i} className="pp-step-wrap">
                {i > 0 && <span className="pp-arrow">→</span>}
                <button
                  type="button"
                  role="tab"
                  aria-selected={sel === i}
                  className={`pp-step ${sel === i ? 'on' : ''} ${s.pass && s.pass.removed > 0 ? 'changed' : ''} ${i === biggest ? 'biggest' : ''}`}
                  onClick={() => setSel(i === 0 ? stages.length - 1 : i)}
                  title={s.pass ? `${s.pass.pass}: ${s.pass.detail}` : s.name === 'before' ? 'one kernel per op, before optimisation' : 'the plan that runs'}
                >
                  <span className="pp-step-name">{s.name}</span>
                  <span className="pp-step-count">{s.kernels.length}</span>
                </button>
              </span>
            ))}
          </div>
          {to.pass && (
            <p className="pp-report">
              <b className="mono">{to.pass.pass}</b>: {to.pass.detail}
              {to.pass.removed > 0 && <span className="pp-badge good">−{to.pass.removed}</span>}
              {to.pass.peakBytes && (
                <span className="dim">
                  {' '}
                  · temporaries {fmtBytes(to.pass.peakBytes.planned)} instead of {fmtBytes(to.pass.peakBytes.naive)}
                </span>
              )}
              {!to.pass.kernels && <span className="dim"> · kernels unchanged</span>}
            </p>
          )}
          <div className="pp-diff">
            <KernelList title={sel === stages.length - 1 ? 'before optimisation' : `before ${to.name}`} kernels={from.kernels} other={to.kernels} mark="removed" nodes={nodes} onJump={onJump} />
            <KernelList title={sel === stages.length - 1 ? 'after all passes' : `after ${to.name}`} kernels={to.kernels} other={from.kernels} mark="added" nodes={nodes} onJump={onJump} />
          </div>
        </>
      )}
    </section>
  );
}

function KernelList({
  title,
  kernels,
  other,
  mark,
  nodes,
  onJump,
}: {
  title: string;
  kernels: WG.GraphRunKernel[];
  other: WG.GraphRunKernel[];
  mark: 'removed' | 'added';
  nodes: Map<string, WG.GraphRunNode>;
  onJump(line: number, column: number): void;
}) {
  const keep = new Set(other.map(kernelKey));
  return (
    <div className="pp-klist" data-testid={`klist-${mark === 'removed' ? 'from' : 'to'}`}>
      <div className="pp-klist-title">
        {title} <b>{kernels.length}</b> kernel{kernels.length === 1 ? '' : 's'}
      </div>
      {kernels.length === 0 && <div className="dim small">none (everything folded, pruned or read from the host)</div>}
      <ol>
        {kernels.map((k, i) => {
          const changed = !keep.has(kernelKey(k));
          const pos = new Map<number, number>();
          for (const n of k.nodes) {
            const node = nodes.get(n);
            if (node && inSnippet(node) && !pos.has(node.line)) pos.set(node.line, node.column ?? 1);
          }
          const lines = [...pos].map(([line, column]) => ({ line, column })).sort((a, b) => a.line - b.line);
          return (
            <li key={i} className={changed ? mark : ''} title={changed ? (mark === 'removed' ? 'gone after this step' : 'new in this step') : 'unchanged'}>
              <div>
                <KindTag kind={k.kind} />
                <span className="mono">{k.nodes.length === 1 && k.nodes[0] !== k.name ? `${k.nodes[0]} = ${k.name}` : k.name}</span>
                {k.nodes.length > 1 && <span className="pp-badge">{k.nodes.length} nodes</span>}
                {lines.length > 0 && <LineLinks lines={lines} onJump={onJump} max={2} />}
              </div>
              {k.nodes.length > 1 && (
                <div className="pp-knodes mono small dim">
                  {k.nodes.map((n) => {
                    const node = nodes.get(n);
                    return (
                      <span key={n} title={node ? `${node.name} = ${node.op}${node.line !== undefined ? ` (line ${node.line})` : ''} → ${node.outputs.map((o) => `${o.dtype}[${o.shape.join(',')}]`).join(', ')}` : n}>
                        {n}
                      </span>
                    );
                  })}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
