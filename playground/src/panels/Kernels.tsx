// The Kernels panel: every WGSL kernel the run generated (one card per distinct shader), with its launches,
// time, output shapes, the source ops / graph nodes it covers (links to their lines), the variant a selection
// point chose for it (matmul and convolution kernels: tiling, vec4 reads, workgroup), and its code.
import { useEffect, useMemo, useState } from 'react';
import type * as WG from '../../../engine/index';
import { GradTags, KindTag, LineLinks, NoRecord, RunPicker, useChosenRun } from './common';
import { fmtMs, fmtShape, gradLabel, inSnippet, kernelMs, type GradOf } from './format';
import { WgslCode } from './WgslCode';
import type { PanelProps } from './types';
import './panels.css';

interface KernelCard {
  id: string;
  names: string[];
  kind: string;
  device: string;
  calls: number;
  ms: number;
  compileMs: number;
  shapes: string[];
  /** Distinct source ops / graph nodes, in order. */
  covers: { label: string; op: string; line?: number; column?: number; grad?: GradOf }[];
  /** The engine's one-line description from the shader's header comment ("reduce softmaxstats, thread"). */
  about?: string;
  /**
   * The variants the engine's selection point chose for its launches (matmul, convolution), in words: e.g.
   * 'direct (vec4 input, vec4 filter), 4×16 per invocation, workgroup 4×4'. One WGSL is one variant, so
   * there is normally exactly one.
   */
  variants: string[];
  wgsl?: string;
  firstLaunch: number;
}

function cards(record: WG.RunRecord): KernelCard[] {
  const byId = new Map<string, KernelCard>();
  record.profile.kernels.forEach((k, i) => {
    if (k.kind === 'transfer') return;
    let c = byId.get(k.kernelId);
    if (!c) {
      c = { id: k.kernelId, names: [], kind: k.kind, device: k.device, calls: 0, ms: 0, compileMs: 0, shapes: [], covers: [], variants: [], firstLaunch: i };
      byId.set(k.kernelId, c);
    }
    c.calls++;
    c.ms += kernelMs(k);
    c.compileMs += k.compileMs;
    if (!c.names.includes(k.name)) c.names.push(k.name);
    if (k.variant && !c.variants.includes(k.variant)) c.variants.push(k.variant);
    const shape = fmtShape(k.shape, k.dtype);
    if (!c.shapes.includes(shape)) c.shapes.push(shape);
    for (const s of k.sources) {
      const label = s.node && s.node !== s.op ? `${s.node} = ${s.op}` : s.op;
      const line = inSnippet(s) ? s.line : undefined;
      const same = (g?: GradOf) => (g ? `${g.op}@${g.line}:${g.column}` : '') === (s.grad ? `${s.grad.op}@${s.grad.line}:${s.grad.column}` : '');
      if (!c.covers.some((x) => x.label === label && x.line === line && same(x.grad))) c.covers.push({ label, op: s.op, line, column: s.column, ...(s.grad ? { grad: s.grad } : {}) });
    }
  });
  // Shaders in the record that no profiled launch names (kept so that nothing generated is hidden).
  for (const id of Object.keys(record.wgsl)) {
    if (!byId.has(id)) byId.set(id, { id, names: [], kind: '?', device: 'webgpu', calls: 0, ms: 0, compileMs: 0, shapes: [], covers: [], variants: [], firstLaunch: Infinity });
  }
  return [...byId.values()]
    .map((c) => {
      const wgsl = record.wgsl[c.id];
      const head = wgsl ? /^\/\/ wgflow kernel: ([^\n(]*?)\s*(?:\(([^\n]*)\))?\s*$/m.exec(wgsl.split('\n', 1)[0]) : null;
      if (c.names.length === 0 && head) c.names.push(head[1]);
      return { ...c, wgsl, about: head?.[2] };
    })
    .sort((a, b) => a.firstLaunch - b.firstLaunch);
}

/** The first part of a variant description ('direct (vec4 input, vec4 filter)', 'reg'): the header's short tag. */
const variantHead = (v: string) => v.split(',')[0]!.replace(/\s*\(.*$/, '').trim() || v;

export function KernelsPanel(props: PanelProps) {
  const [run, shown, pick] = useChosenRun(props);
  const record = run?.result?.record;
  const all = useMemo(() => (record ? cards(record) : []), [record]);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<Set<string> | 'all' | undefined>();
  // A new record starts from the default expansion again.
  useEffect(() => setOpen(undefined), [record]);
  const f = filter.trim().toLowerCase();
  const list = f ? all.filter((c) => [c.id, c.kind, ...c.names, ...c.variants, ...c.covers.map((x) => x.label), ...c.covers.flatMap((x) => (x.grad ? [gradLabel(x.grad)] : []))].some((s) => s.toLowerCase().includes(f)) || c.wgsl?.toLowerCase().includes(f)) : all;
  // By default the first kernel is expanded (all of them when there are three or fewer).
  const isOpen = (c: KernelCard, i: number) => (open === 'all' ? true : open ? open.has(c.id) : all.length <= 3 || i === 0);
  const toggle = (c: KernelCard, i: number) =>
    setOpen(() => {
      const s = new Set(open === 'all' ? all.map((x) => x.id) : open ?? all.filter((x, j) => all.length <= 3 || j === 0).map((x) => x.id));
      if (isOpen(c, i)) s.delete(c.id);
      else s.add(c.id);
      return s;
    });
  const withCode = all.filter((c) => c.wgsl).length;
  const launches = all.reduce((s, c) => s + c.calls, 0);

  return (
    <div className="pp-panel" data-testid="kernels">
      <div className="pp-bar-top">
        <RunPicker runs={props.runs} value={shown} onPick={pick} />
        {record && (
          <span className="dim small" data-testid="kernels-count">
            {withCode} WGSL kernel{withCode === 1 ? '' : 's'} · {launches} launch{launches === 1 ? '' : 'es'}
          </span>
        )}
        <span className="spacer" />
        {record && all.length > 0 && (
          <>
            <input className="pp-filter" type="search" placeholder="Filter kernels…" title="Matches op and node names, kernel kinds and ids, matmul/conv variants and WGSL text" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter kernels" />
            <button type="button" className="pp-btn" onClick={() => setOpen(open === 'all' ? new Set() : 'all')}>
              {open === 'all' ? 'Collapse all' : 'Expand all'}
            </button>
          </>
        )}
      </div>
      {!record || !run ? (
        <NoRecord run={run} what="kernels" />
      ) : all.length === 0 ? (
        <p className="hint">This run generated no GPU kernel (nothing ran on the GPU, or graph mode folded every result at compile time without a shader).</p>
      ) : (
        <>
          <p className="hint small">
            {run.mode === 'graph'
              ? 'Graph mode: each kernel covers the graph nodes listed under it (a fused kernel computes several in one pass; the intermediates are never written).'
              : 'Eager mode: each op you call dispatches its own kernel(s); identical shaders share one pipeline.'}
          </p>
          {list.length === 0 && <p className="hint">No kernel matches “{filter}”.</p>}
          {list.map((c) => {
            const i = all.indexOf(c);
            const expanded = isOpen(c, i);
            return (
              <article key={c.id} className="pp-kernel" data-testid="kernel-card" data-kernel-id={c.id}>
                <header>
                  <button type="button" className="pp-disclose" aria-expanded={expanded} onClick={() => toggle(c, i)} title={expanded ? 'Hide the WGSL' : 'Show the WGSL'}>
                    {expanded ? '▾' : '▸'}
                  </button>
                  <KindTag kind={c.kind} />
                  <span className="mono pp-kname" title={c.names.join(', ')}>
                    {c.names.join(' | ') || c.id}
                  </span>
                  {c.variants.length > 0 && (
                    <span className="pp-variant-tag" title={`The variant chosen for this ${c.kind}: ${c.variants.join('; ')}`}>
                      {variantHead(c.variants[0]!)}
                      {c.variants.length > 1 ? ` +${c.variants.length - 1}` : ''}
                    </span>
                  )}
                  <span className="spacer" />
                  <span className="pp-kmeta">
                    <span title="launches">{c.calls}×</span>
                    <span title="total time of its launches">{fmtMs(c.ms)}</span>
                    {c.compileMs > 0 && <span title="compile time in this run">compile {fmtMs(c.compileMs)}</span>}
                    <span className="mono dim" title="kernelId: the key of this WGSL in the run record">
                      {c.id}
                    </span>
                  </span>
                </header>
                <div className="pp-kbody">
                  {/* The shader's own one-line description, unless the variant (its readable form) is shown below. */}
                  {c.about && c.variants.length === 0 && <div className="dim small">{c.about}</div>}
                  {c.variants.length > 0 && (
                    <div className="small pp-variant" data-testid="kernel-variant" data-kind={c.kind}>
                      <span className="dim">variant:</span>{' '}
                      {c.variants.map((v, j) => (
                        <span key={j} className="mono">
                          {j > 0 && <span className="dim"> · </span>}
                          {v}
                        </span>
                      ))}
                    </div>
                  )}
                  <div className="pp-covers">
                    <span className="dim small">{run.mode === 'graph' ? 'nodes:' : 'ops:'}</span>
                    {c.covers.length === 0 && <span className="dim small">— (not launched in this run)</span>}
                    {c.covers.map((x, j) => (
                      <span key={j} className="pp-chip">
                        <span className="mono">{x.label}</span>
                        {x.line !== undefined && <LineLinks lines={[{ line: x.line, column: x.column ?? 1 }]} onJump={props.onJump} />}
                        {x.grad && <GradTags sources={[{ op: x.op, grad: x.grad }]} onJump={props.onJump} />}
                      </span>
                    ))}
                  </div>
                  <div className="dim small mono">
                    out {c.shapes.slice(0, 4).join(' ')}
                    {c.shapes.length > 4 ? ` +${c.shapes.length - 4}` : ''}
                    {c.device !== 'webgpu' ? ` · ${c.device}` : ''}
                  </div>
                  {expanded &&
                    (c.wgsl ? (
                      <div className="pp-code-wrap">
                        <button type="button" className="pp-btn small pp-copy" onClick={() => void navigator.clipboard?.writeText(c.wgsl!).catch(() => {})} title="Copy the WGSL">
                          Copy
                        </button>
                        <WgslCode code={c.wgsl} />
                      </div>
                    ) : (
                      <p className="hint small">No WGSL: this kernel ran on the {c.device} backend.</p>
                    ))}
                </div>
              </article>
            );
          })}
        </>
      )}
    </div>
  );
}
