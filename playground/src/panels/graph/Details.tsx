// The details of the selected node or group: op, attributes, input/output shapes and dtypes, its source
// line (a link into the editor), its device (a copy: its direction and bytes), its kernels with their
// measured time, and the generated WGSL.
import { Fragment, useMemo, useState } from 'react';
import type * as WG from '../../../../engine/index';
import { fmtBytes, fmtMs, kernelMs } from '../format';
import { directionText, opHistogram, tensorLabel, tensorLong, type GGroup, type GNode, type GradOf, type GraphModel } from './model';
import type { Selection } from './Canvas';
import { WgslView } from './WgslView';
import { GradTags } from '../common';

interface Props {
  model: GraphModel;
  record: WG.RunRecord;
  selection: NonNullable<Selection>;
  code: string;
  collapsed: Set<string>;
  onJump(line: number, column: number): void;
  onSelect(s: Selection): void;
  onToggleGroup(id: string): void;
}

const STATUS_TEXT: Record<string, string> = {
  folded: 'folded: computed once when the plan was compiled (constant folding); it does not run per call',
  pruned: 'pruned: nothing reads it, so the plan does not compute it',
  merged: 'merged with an identical computation (common subexpression elimination)',
  removed: 'removed by an optimisation pass',
};

const KIND_TEXT: Record<string, string> = {
  placeholder: 'placeholder (fed when the graph runs)',
  variable: 'variable (state kept by the Session)',
  capture: 'captured eager tensor',
  constant: 'constant',
  input: 'input (a tensor made outside this view)',
  effect: 'side effect (never removed or reordered)',
  transfer: 'transfer (a copy between devices)',
  op: 'op',
};

/** Distinct kernels (by generated code) among profile kernel indices: launches and time summed. */
function kernelRows(record: WG.RunRecord, ks: number[]) {
  const rows = new Map<string, { id: string; name: string; kind: string; variant?: string; device: string; launches: number; ms: number; timed: boolean; gpu: boolean; shape: number[]; dtype: string; sources: WG.ProfileSource[] }>();
  for (const i of ks) {
    const k = record.profile.kernels[i];
    if (!k) continue;
    const id = k.kernelId;
    const r = rows.get(id) ?? { id, name: k.name, kind: k.kind, variant: k.variant, device: k.device, launches: 0, ms: 0, timed: false, gpu: false, shape: k.shape, dtype: k.dtype, sources: [] };
    r.sources.push(...k.sources);
    r.launches++;
    r.ms += kernelMs(k);
    r.timed ||= k.gpuMs !== undefined || k.cpuMs !== undefined;
    r.gpu ||= k.gpuMs !== undefined;
    rows.set(id, r);
  }
  return [...rows.values()];
}

function SourceLink({ line, column, code, onJump }: { line?: number; column?: number; code: string; onJump(l: number, c: number): void }) {
  if (line === undefined) return <span className="dim">unknown</span>;
  const text = code.split('\n')[line - 1]?.trim();
  return (
    <span className="gv-source">
      <button className="link gv-jump" data-testid="node-source" onClick={() => onJump(line, column ?? 1)} title="Show this line in the editor">
        snippet.ts:{line}
        {column !== undefined ? `:${column}` : ''}
      </button>
      {text && <code className="gv-code-line">{text.length > 90 ? `${text.slice(0, 89)}…` : text}</code>}
    </span>
  );
}

/** "gradient of matMul %matMul_1 at line 7", the line a link to the forward op in the editor. */
function GradLink({ grad, onJump }: { grad: GradOf; onJump(l: number, c: number): void }) {
  return (
    <span>
      gradient of <code>{grad.op}</code>
      {grad.node && (
        <>
          {' '}
          <code>%{grad.node}</code>
        </>
      )}
      {grad.line !== undefined && (
        <>
          {' at '}
          <button className="link gv-jump" data-testid="node-grad-line" onClick={() => onJump(grad.line!, grad.column ?? 1)} title="Show the forward op's line in the editor">
            line {grad.line}
          </button>
        </>
      )}
      <span className="dim"> · part of the backward pass, computed from the forward op's inputs and its output's gradient</span>
    </span>
  );
}

/** The "optimised" (what a pass did to it, if anything) and "source" rows of a node's or group's details. */
function Origin({ status, ...source }: { status?: string } & Parameters<typeof SourceLink>[0]) {
  return (
    <>
      {status && (
        <>
          <dt>optimised</dt>
          <dd>{STATUS_TEXT[status]}</dd>
        </>
      )}
      <dt>source</dt>
      <dd>
        <SourceLink {...source} />
      </dd>
    </>
  );
}

function Kernels({ record, ks, shared, onJump }: { record: WG.RunRecord; ks: number[]; shared?: string; onJump(line: number, column: number): void }) {
  const rows = useMemo(() => kernelRows(record, ks), [record, ks]);
  const withCode = rows.filter((r) => record.wgsl[r.id] !== undefined);
  const [pick, setPick] = useState<string | undefined>(withCode[0]?.id);
  if (rows.length === 0) return <p className="dim gv-none">No kernel ran for it in this run.</p>;
  const code = pick ? record.wgsl[pick] : undefined;
  return (
    <>
      <table className="gv-kernels">
        <thead>
          <tr>
            <th>kernel</th>
            <th>kind</th>
            <th>device</th>
            <th className="num">launches</th>
            <th className="num">time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Fragment key={r.id}>
              <tr className={r.id === pick ? 'on' : ''} onClick={() => record.wgsl[r.id] !== undefined && setPick(r.id)} data-testid="node-kernel">
                <td title={r.name}>
                  {r.name.length > 40 ? `${r.name.slice(0, 39)}…` : r.name}
                  <GradTags sources={r.sources} onJump={onJump} max={1} />
                </td>
                <td>{r.kind}</td>
                <td>{r.device}</td>
                <td className="num">{r.launches}</td>
                <td className="num" data-testid="node-time">
                  {r.timed ? `${fmtMs(r.ms)}${r.gpu ? '' : ' (CPU)'}` : '–'}
                </td>
              </tr>
              {r.variant && (
                <tr className={`gv-variant-row${r.id === pick ? ' on' : ''}`} onClick={() => record.wgsl[r.id] !== undefined && setPick(r.id)}>
                  <td colSpan={5} data-testid="node-variant" title="The variant the engine's selection point chose for this kernel">
                    <span className="dim">variant </span>
                    {r.variant}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {shared && <p className="dim gv-note">{shared}</p>}
      {code !== undefined && pick ? (
        <div className="gv-wgsl-wrap">
          <div className="gv-wgsl-head">
            <span>
              WGSL · <code>{pick}</code>
            </span>
            <button className="ghost gv-copy" onClick={() => void navigator.clipboard?.writeText(code).catch(() => undefined)} title="Copy the WGSL">
              Copy
            </button>
          </div>
          <WgslView code={code} label={pick} />
        </div>
      ) : (
        <p className="dim gv-none">{rows.every((r) => r.kind === 'transfer') ? 'Transfers only (copies, not kernels): no WGSL.' : 'No WGSL was recorded for these kernels.'}</p>
      )}
    </>
  );
}

function NodeDetails({ n, ...p }: Omit<Props, 'selection'> & { n: GNode }) {
  const { model, record } = p;
  const group = n.group ? model.groupById.get(n.group) : undefined;
  const fusedWith = group?.kind === 'kernel' ? group.members.length - 1 : 0;
  const users = model.edges.filter((e) => e.from === n.id).map((e) => model.byId.get(e.to)!);
  const timeNote = fusedWith > 0 ? `Fused: this kernel computes ${fusedWith + 1} nodes; its time is theirs together.` : undefined;
  return (
    <div className="gv-details" data-testid="node-details" data-node={n.id}>
      <header>
        <h3>
          <span className="gv-op">{n.op}</span>
          {n.name !== n.op && <span className="gv-name">{n.name}</span>}
        </h3>
        <span className={`gv-badge k-${n.kind}`}>{n.kind}</span>
        {n.grad && <span className="gv-badge k-backward">backward</span>}
        {n.status && <span className={`gv-badge st-${n.status}`}>{n.status}</span>}
        <button className="ghost gv-close" onClick={() => p.onSelect(undefined)} aria-label="Close the details">
          ×
        </button>
      </header>
      <dl>
        <dt>op</dt>
        <dd>
          <code>{n.op}</code> <span className="dim">· {KIND_TEXT[n.kind]}</span>
        </dd>
        {n.transfer && (
          <>
            <dt>copies</dt>
            <dd data-testid="node-transfer">
              <b>{directionText(n.transfer)}</b>
              {n.transfer.bytes !== undefined && (
                <>
                  {' · '}
                  <b data-testid="node-bytes">{fmtBytes(n.transfer.bytes)}</b>
                  {n.kernels.length > 1 && <span className="dim"> per copy · {n.kernels.length} copies timed</span>}
                </>
              )}
              {n.op !== 'to' && <span className="dim"> · made for {n.name.split(' → ').pop()}</span>}
            </dd>
          </>
        )}
        {n.grad && (
          <>
            <dt>backward</dt>
            <dd data-testid="node-grad">
              <GradLink grad={n.grad} onJump={p.onJump} />
            </dd>
          </>
        )}
        {n.scope && (
          <>
            <dt>scope</dt>
            <dd data-testid="node-scope">
              <code>{n.scope}</code>
            </dd>
          </>
        )}
        <dt>inputs</dt>
        <dd>
          {n.inputs.length === 0 ? (
            <span className="dim">none</span>
          ) : (
            <ul className="gv-io">
              {n.inputs.map((id, i) => {
                const src = model.byId.get(id);
                return (
                  <li key={i}>
                    <button className="link" onClick={() => p.onSelect({ type: 'node', id })}>
                      {src?.name ?? id}
                    </button>{' '}
                    <code>{tensorLong(n.inputInfo[i])}</code>
                  </li>
                );
              })}
            </ul>
          )}
        </dd>
        <dt>outputs</dt>
        <dd>
          {n.outputs.length === 0 ? (
            <span className="dim">none</span>
          ) : (
            <ul className="gv-io">
              {n.outputs.map((o, i) => (
                <li key={i}>
                  <code data-testid="node-output">{tensorLong(o)}</code>
                </li>
              ))}
            </ul>
          )}
          {users.length > 0 && (
            <div className="gv-users">
              <span className="dim">read by </span>
              {users.slice(0, 8).map((u, i) => (
                <span key={u.id}>
                  {i > 0 && ', '}
                  <button className="link" onClick={() => p.onSelect({ type: 'node', id: u.id })}>
                    {u.name}
                  </button>
                </span>
              ))}
              {users.length > 8 && <span className="dim"> and {users.length - 8} more</span>}
            </div>
          )}
        </dd>
        <dt>attributes</dt>
        <dd className="gv-attrs">
          {n.device && (
            <span>
              device <b>{n.device}</b>
            </span>
          )}
          {n.kernelKind && (
            <span>
              kernel kind <b>{n.kernelKind}</b>
            </span>
          )}
          {n.sideEffect && <span className="warnish">side effect</span>}
          {group?.kind === 'kernel' && (
            <span>
              fused into{' '}
              <button className="link" onClick={() => p.onSelect({ type: 'group', id: group.id })}>
                {group.label.length > 40 ? `${group.label.slice(0, 39)}…` : group.label}
              </button>
            </span>
          )}
          {n.planKernels.length > 0 && group?.kind !== 'kernel' && (
            <span>
              plan kernel <b>{n.planKernels.join(', ')}</b>
            </span>
          )}
        </dd>
        <Origin status={n.status} line={n.line} column={n.column} code={p.code} onJump={p.onJump} />
        <dt>time</dt>
        <dd data-testid="node-ms">
          {n.ms !== undefined ? (
            <>
              <b>{fmtMs(n.ms)}</b>
              {fusedWith > 0 && <span className="dim"> (the fused kernel)</span>}
            </>
          ) : (
            <span className="dim">{n.kind === 'op' || n.kind === 'effect' || n.kind === 'transfer' ? 'not measured' : 'no kernel'}</span>
          )}
        </dd>
      </dl>
      <h4>Kernels</h4>
      <Kernels key={n.id} record={record} ks={n.kernels} shared={timeNote} onJump={p.onJump} />
    </div>
  );
}

function GroupDetails({ g, ...p }: Omit<Props, 'selection'> & { g: GGroup }) {
  const { model, record } = p;
  const open = !p.collapsed.has(g.id);
  const members = g.members.map((id) => model.byId.get(id)!);
  const inside = new Set(g.members);
  const outputs = members.filter((m) => !model.edges.some((e) => e.from === m.id && inside.has(e.to)));
  return (
    <div className="gv-details" data-testid="node-details" data-group={g.id}>
      <header>
        <h3 title={g.path ?? g.label}>
          <span className="gv-op gv-clip">{g.label}</span>
        </h3>
        <span className="gv-badge">{g.kind === 'kernel' ? 'fused kernel' : g.kind === 'scope' ? 'name scope' : g.kind === 'backward' ? 'backward pass' : g.path ? 'part of a scope' : g.kind === 'line' ? 'source line' : 'group'}</span>
        {g.status && <span className={`gv-badge st-${g.status}`}>{g.status}</span>}
        <button onClick={() => p.onToggleGroup(g.id)} className="gv-btn" data-testid="group-toggle">
          {open ? 'Collapse' : 'Expand'}
        </button>
        <button className="ghost gv-close" onClick={() => p.onSelect(undefined)} aria-label="Close the details">
          ×
        </button>
      </header>
      <dl>
        {g.path && (
          <>
            <dt>scope</dt>
            <dd data-testid="group-path">
              <code>{g.path}</code>
            </dd>
          </>
        )}
        <dt>ops</dt>
        <dd>
          {g.members.length} · <span className="dim">{opHistogram(model, g, 6)}</span>
        </dd>
        {g.kind === 'kernel' && (
          <>
            <dt>kind</dt>
            <dd>{g.kernelKind}</dd>
            {g.variant && (
              <>
                <dt>variant</dt>
                <dd data-testid="group-variant">
                  <code>{g.variant}</code>
                </dd>
              </>
            )}
          </>
        )}
        <dt>outputs</dt>
        <dd>
          {outputs.slice(0, 6).map((m, i) => (
            <span key={m.id}>
              {i > 0 && ', '}
              <button className="link" onClick={() => p.onSelect({ type: 'node', id: m.id })}>
                {m.name}
              </button>{' '}
              <code>{m.outputs.map(tensorLabel).join(', ')}</code>
            </span>
          ))}
          {outputs.length > 6 && <span className="dim"> and {outputs.length - 6} more</span>}
        </dd>
        <Origin status={g.status} line={g.line} column={g.column} code={p.code} onJump={p.onJump} />
        <dt>time</dt>
        <dd data-testid="node-ms">{g.ms !== undefined ? <b>{fmtMs(g.ms)}</b> : <span className="dim">not measured</span>}</dd>
      </dl>
      <h4>Kernels</h4>
      <Kernels key={g.id} record={record} ks={g.kernels} onJump={p.onJump} />
    </div>
  );
}

export function Details(p: Props) {
  const { selection, model } = p;
  if (selection.type === 'group') {
    const g = model.groupById.get(selection.id);
    return g ? <GroupDetails g={g} {...p} /> : null;
  }
  const n = model.byId.get(selection.id);
  return n ? <NodeDetails n={n} {...p} /> : null;
}
