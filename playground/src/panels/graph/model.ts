// The graph panel's data model: the one shape every view is drawn from (nodes, edges with shapes and dtypes,
// groups: fused kernels, name scopes (nested), and source-line groups for big graphs without scopes), the views
// a record offers, and formatting.
// build.ts makes models from run records. Pure, no DOM.
import type * as WG from '../../../../engine/index';
import { fmtShape } from '../format';

export type Stage = 'before' | 'after';

/**
 * How a node is drawn: structural inputs, data-bearing constants, side effects, copies between devices
 * (explicit `to` ops and the transfers a plan inserts) and ordinary ops differ.
 */
export type NodeKind = 'op' | 'constant' | 'placeholder' | 'variable' | 'capture' | 'input' | 'effect' | 'transfer';

/** What became of a node's kernel in the optimised plan (after view only). */
export type NodeStatus = 'folded' | 'pruned' | 'merged' | 'removed';

export interface TensorInfo {
  shape: number[];
  dtype: string;
}

export interface GNode {
  id: string;
  /** The graph node's name (unique in its graph), or the op for trace entries. */
  name: string;
  op: string;
  kind: NodeKind;
  title: string;
  subtitle: string;
  /** Producer node ids, in argument order (repeats allowed: x.mul(x)). */
  inputs: string[];
  /** What each input carries (same order as inputs). */
  inputInfo: (TensorInfo | undefined)[];
  outputs: TensorInfo[];
  /** Where it ran ('webgpu' | 'cpu'); a transfer says where it copies from and to instead. */
  device?: string;
  transfer?: TransferInfo;
  file?: string;
  line?: number;
  column?: number;
  sideEffect: boolean;
  /** Indices into record.profile.kernels of the kernels that computed it. */
  kernels: number[];
  /** The family of its kernel (elementwise, reduce, matmul, scan, transfer), when it has one. */
  kernelKind?: string;
  /** Names of the plan kernels it belongs to (graph plans). */
  planKernels: string[];
  status?: NodeStatus;
  /** The innermost group (fused kernel, name scope, or a source-line/chunk group for big graphs) it is drawn in. */
  group?: string;
  /** The wg.nameScope path it was made in (graph nodes and trace ops that carry one). */
  scope?: string;
  /** A node of a backward pass: the forward op (its graph node, its line) whose gradient it computes. */
  grad?: GradOf;
  /** A node of an optimizer's update (made under its name scope: 'Adam', 'SGD', …): that scope's name. */
  update?: string;
  /** Time of its kernels: gpuMs where measured, else cpuMs, summed over launches. */
  ms?: number;
  order: number;
}

/** A copy between devices: its direction and, when known, how many bytes it moves (per run). */
export interface TransferInfo {
  from?: string;
  to?: string;
  bytes?: number;
}

/** The forward op a backward node or kernel differentiates (ProfileSource.grad, GraphRunNode.grad). */
export type GradOf = NonNullable<WG.ProfileSource['grad']>;

/** Groups: fused kernels, name scopes, source-line groups and their chunks, and the backward pass (by forward line). */
export type GroupKind = 'kernel' | 'scope' | 'line' | 'chunk' | 'backward';

export interface GGroup {
  id: string;
  kind: GroupKind;
  /** The kernel name (fused kernels), the scope's last path part(s), or a description of the source range. */
  label: string;
  /** A name scope's full path (a part of a flat scope: its path and which part). */
  path?: string;
  /** The group it is drawn in (scopes nest; a fused kernel sits in a scope); none at the top level. */
  parent?: string;
  /** Every node drawn inside it, at any depth. */
  members: string[];
  kernels: number[];
  kernelKind?: string;
  /** The variant the engine chose for a fused matmul or convolution kernel, in words (from its profile kernels). */
  variant?: string;
  status?: NodeStatus;
  /** The device all its members ran on (fused kernels). */
  device?: string;
  /** A training step's part it holds (grouping.ts addTrainingGroups): the forward pass, or the optimizer's update. */
  pass?: 'forward' | 'update';
  ms?: number;
  line?: number;
  column?: number;
}

export interface GEdge {
  id: string;
  from: string;
  to: string;
  info?: TensorInfo;
  /** Drawn without a label (out of a copy: the tensor its way in already names). */
  quiet?: boolean;
}

export interface GraphModel {
  /** Identifies the drawing (record view + stage): layouts are cached by it. */
  key: string;
  nodes: GNode[];
  byId: Map<string, GNode>;
  edges: GEdge[];
  groups: GGroup[];
  groupById: Map<string, GGroup>;
  /** One line about what is shown (entry, counts, what optimisation did). */
  summary: string;
}

/** One thing the panel can show: the eager trace or one of the graph plans. */
export interface ViewChoice {
  id: string;
  label: string;
  kind: 'trace' | 'graph';
  index: number;
  size: number;
}

// ---- small helpers ----

/** `f32[64,256]` (unknown dimensions as ?). */
export const tensorLabel = (t: TensorInfo | undefined): string => (t ? fmtShape(t.shape, t.dtype) : '?');

/** `float32 [64, 256]` for the details pane. */
export function tensorLong(t: TensorInfo | undefined): string {
  if (!t) return 'unknown';
  return `${t.dtype} [${t.shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

const CONSTANT_OPS = new Set(['constant', 'tensor', 'scalar']);
export const EFFECT_OPS = new Set(['print', 'assign', 'assignAdd', 'assignSub']);

export function kindOf(op: string, sideEffect: boolean): NodeKind {
  if (op === 'placeholder' || op === 'variable' || op === 'capture') return op;
  if (op === 'to') return 'transfer';
  if (CONSTANT_OPS.has(op)) return 'constant';
  if (sideEffect || EFFECT_OPS.has(op)) return 'effect';
  return 'op';
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The kernel kind that best describes a set of kernels (transfers only when there is nothing else). */
export function kindOfKernels(record: WG.RunRecord, ks: number[]): string | undefined {
  const kinds = ks.map((i) => record.profile.kernels[i]?.kind).filter((k): k is string => !!k);
  return kinds.find((k) => k !== 'transfer') ?? kinds[0];
}

/** "gradient of matMul %matMul_1 at line 7" (the node and the line when known). */
export const gradText = (g: GradOf) => `gradient of ${g.op}${g.node ? ` %${g.node}` : ''}${g.line !== undefined ? ` at line ${g.line}` : ''}`;

/** 'webgpu → cpu' (either side may be unknown). */
export const directionText = (t: TransferInfo) => `${t.from ?? '?'} → ${t.to ?? '?'}`;

/** The devices a model's nodes ran on (transfers apart). */
export const devicesOf = (m: GraphModel) => new Set(m.nodes.filter((n) => n.kind !== 'transfer' && n.device).map((n) => n.device!));

/** Does the model span devices (nodes on two of them, or a copy between them)? */
export const usesDevices = (m: GraphModel) => devicesOf(m).size > 1 || m.nodes.some((n) => n.kind === 'transfer');

// ---- the choices a record offers ----

export function viewChoices(record: WG.RunRecord | undefined): ViewChoice[] {
  if (!record) return [];
  const out: ViewChoice[] = [];
  if (record.trace.length > 0) out.push({ id: 'trace', label: `Eager trace · ${record.trace.length} ops`, kind: 'trace', index: 0, size: record.trace.length });
  record.graphs.forEach((g, i) => {
    const runs = g.runs && g.runs > 1 ? ` · ${g.runs} runs` : '';
    out.push({ id: `graph${i}`, label: `Graph ${i + 1} · ${g.entry} · ${g.nodes.length} nodes${runs}`, kind: 'graph', index: i, size: g.nodes.length });
  });
  return out;
}

/** The view shown first: in graph mode the largest graph (the last of equals), else the trace. */
export function defaultChoice(choices: ViewChoice[], mode: 'eager' | 'graph'): ViewChoice | undefined {
  const graphs = choices.filter((c) => c.kind === 'graph');
  const trace = choices.find((c) => c.kind === 'trace');
  const largest = graphs.reduce<ViewChoice | undefined>((best, c) => (!best || c.size >= best.size ? c : best), undefined);
  return mode === 'graph' ? (largest ?? trace) : (trace ?? largest);
}

/** A summary of ops in a group: `tanh ×100 · mul ×100 · add ×100`. */
export function opHistogram(m: GraphModel, g: GGroup, max = 4): string {
  const counts = new Map<string, number>();
  for (const id of g.members) {
    const op = m.byId.get(id)!.op;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, max).map(([op, c]) => (c > 1 ? `${op} ×${c}` : op));
  if (sorted.length > max) shown.push(`+${sorted.length - max} more`);
  return shown.join(' · ');
}
