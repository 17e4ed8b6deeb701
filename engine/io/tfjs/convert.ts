// Running a TensorFlow graph with wgflow ops: the needed nodes in dependency order, each through its entry in the
// op table (ops/*.ts, keyed by TensorFlow op name). Called inside a wg.function trace (graph mode: the calls are
// recorded, fused and compiled), eagerly (node by node), or inside Graph.build (model.graph).
//
// TensorFlow passes shapes, axes and paddings as tensors (usually Const nodes); wgflow's ops take them as host
// values. So every value keeps, beside its tensor, its host data when it is known while converting: Const values,
// and the Shape/ShapeN/Size of tensors whose shape is known (folded to constants, as TensorFlow.js's converter
// does). An op that needs a host value that is not known says so, naming the node.
import * as wg from '../../index';
import type { HostDType } from './dtypes';
import { ModelFormatError } from './errors';
import type { GraphNode, ParsedGraphModel } from './model_json';
import type { NodeAttrs } from './attrs';

/**
 * The model uses ops wgflow cannot run: every unsupported op type, with a node of each (`ops`), raised when the
 * model is loaded, before anything is allocated.
 */
export class UnsupportedOpError extends wg.WgError {
  constructor(
    message: string,
    readonly ops: { op: string; node: string }[],
  ) {
    super(message);
  }
}

/** Control flow (TensorFlow 1's frames and TensorFlow 2's functional forms): not in this wave. */
const CONTROL_FLOW = new Set(['Switch', 'Merge', 'Enter', 'Exit', 'LoopCond', 'NextIteration', 'While', 'StatelessWhile', 'If', 'StatelessIf']);

/** Throws one UnsupportedOpError listing every op of the model the table lacks (a node of each), if any. */
export function checkSupported(model: ParsedGraphModel, table: OpTable): void {
  const missing = new Map<string, string>();
  for (const n of model.nodes) {
    if (n.op === 'Const' || n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault' || table[n.op]) continue;
    if (!missing.has(n.op)) missing.set(n.op, n.name);
  }
  if (missing.size === 0) return;
  const list = [...missing].map(([op, node]) => ({ op, node }));
  const flow = list.filter((m) => CONTROL_FLOW.has(m.op));
  const what = list.map((m) => `${m.op} (e.g. node "${m.node}")`).join(', ');
  throw new UnsupportedOpError(
    `the model uses ${list.length} op type${list.length > 1 ? 's' : ''} wgflow does not support: ${what}` +
      (flow.length ? `; ${flow.map((m) => m.op).join(', ')} ${flow.length > 1 ? 'are' : 'is'} control flow, which wgflow does not run yet` : ''),
    list,
  );
}

/** Host data of a value known while converting (int32 and bool as numbers). */
export interface HostValue {
  data: ArrayLike<number>;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** What an op's translation sees of its node. */
export interface OpContext {
  node: GraphNode;
  attrs: NodeAttrs;
  /** The value inputs (control dependencies dropped), in order. */
  inputs: wg.Tensor[];
  /** Input i (an error naming the node when it is missing). */
  input(i: number): wg.Tensor;
  /** Input i's host data, when it is known while converting (a Const, a folded Shape), else undefined. */
  known(i: number): HostValue | undefined;
  /** Input i as host integers (a shape, axes, paddings): an error naming the node when it is not known. */
  ints(i: number, what: string): number[];
  /** Input i as one host number (an error when it is not a known scalar or 1-element tensor). */
  number(i: number, what: string): number;
  /**
   * Every input's host data when all are known and small (≤ 256 elements each), else undefined: an op then
   * computes its result on the host and returns it with `constant`, so shape arithmetic (Shape → StridedSlice →
   * Pack → Reshape) folds while converting, as TensorFlow.js's converter folds it.
   */
  allKnown(): HostValue[] | undefined;
  /** A tensor of host data, marked known (for ops that fold: Shape, Size, shape arithmetic). */
  constant(value: HostValue): wg.Tensor;
  /** A ModelFormatError naming this node and op. */
  error(message: string): ModelFormatError;
}

/** One TensorFlow op's translation: returns its output(s). */
export type OpConverter = (ctx: OpContext) => wg.Tensor | wg.Tensor[];

/** Translations by TensorFlow op name. */
export type OpTable = Readonly<Record<string, OpConverter>>;

/**
 * One file of ops/ per TensorFlow.js converter op list: its translations, and the ops of that list wgflow does
 * not support yet, each with the reason (tests/node/tfjs_op_table.test.ts checks every listed op is one or the other).
 */
export interface Family {
  ops: OpTable;
  excluded: Readonly<Record<string, string>>;
}

/** A Const node's value: inline in the graph, or a weight of the same name. */
export type ConstSource = (node: GraphNode) => HostValue;

/**
 * The value of each tensor of a model run: node outputs by 'node:index', with their known host data. Weights
 * (Const nodes) are made once, as eager tensors, and shared by every run and trace.
 */
export class Converter {
  private readonly knownData = new WeakMap<wg.Tensor, HostValue>();
  private readonly consts = new Map<string, wg.Tensor>();
  private readonly weights = new Set<wg.Tensor>();

  constructor(
    readonly model: ParsedGraphModel,
    readonly table: OpTable,
    private readonly constSource: ConstSource,
  ) {}

  /**
   * Makes every Const node's tensor (the model's weights), once, when the model is loaded: outside any graph
   * being recorded, so traces and graphs capture them instead of copying their data.
   */
  materialize(): void {
    for (const node of this.model.nodes) {
      if (node.op !== 'Const' || this.consts.has(node.name)) continue;
      const v = this.constSource(node);
      const t = wg.tensor(Array.from(v.data), v.shape, v.dtype);
      this.knownData.set(t, v);
      this.consts.set(node.name, t);
      this.weights.add(t);
    }
  }

  private constTensor(node: GraphNode): wg.Tensor {
    const t = this.consts.get(node.name);
    if (!t) throw new ModelFormatError(`Const node "${node.name}" has no value (the model was disposed?)`);
    return t;
  }

  /** Frees the weights. */
  dispose(): void {
    for (const t of this.consts.values()) t.dispose();
    this.consts.clear();
    this.weights.clear();
  }

  /** The nodes `outputs` need, inputs before the nodes reading them; a node with a fed output ends the walk. */
  order(outputs: string[], fed: Iterable<string>): GraphNode[] {
    const fedNodes = new Set([...fed].map((t) => t.split(':')[0]));
    const state = new Map<string, 'visiting' | 'done'>();
    const out: GraphNode[] = [];
    const visit = (name: string) => {
      const s = state.get(name);
      if (s === 'done') return;
      if (s === 'visiting') throw new ModelFormatError(`the graph has a cycle through node "${name}" (control flow is not supported)`);
      const node = this.model.nodeByName.get(name);
      if (!node) throw new ModelFormatError(`node "${name}" is read but not defined in the graph`);
      state.set(name, 'visiting');
      if (!fedNodes.has(name)) for (const i of node.inputs) if (!i.control) visit(i.node);
      state.set(name, 'done');
      out.push(node);
    };
    for (const o of outputs) visit(o.split(':')[0]);
    return out;
  }

  /** A Const node's host data (the weights are made once, at load). */
  constKnown(node: GraphNode): HostValue {
    return this.knownData.get(this.constTensor(node))!;
  }

  /**
   * Computes `outputs` ('node:index' names) from `feeds` ('node:index' → tensor). Every tensor made on the way
   * that is not an output or a weight is disposed (eagerly; graph tensors are the recording's).
   * `options.known`: more feeds, given as host data (made into tensors marked known, so ops that need host values
   * can read them); `options.onKnown`: told the host data known for each output (executeAsync's stages).
   */
  run(
    feeds: ReadonlyMap<string, wg.Tensor>,
    outputs: string[],
    options: { known?: ReadonlyMap<string, HostValue>; onKnown?: (known: (HostValue | undefined)[]) => void } = {},
  ): wg.Tensor[] {
    const values = new Map<string, wg.Tensor>(feeds);
    const made = new Set<wg.Tensor>();
    for (const [name, v] of options.known ?? []) {
      const t = this.knownTensor(v);
      values.set(name, t);
      made.add(t);
    }
    const order = this.order(outputs, values.keys());
    const fedNodes = new Set([...values.keys()].map((t) => t.split(':')[0]));
    try {
      for (const node of order) {
        if (fedNodes.has(node.name)) continue;
        if (node.op === 'Const') {
          values.set(`${node.name}:0`, this.constTensor(node));
          continue;
        }
        if (node.op === 'Placeholder' || node.op === 'PlaceholderWithDefault') {
          if (node.op === 'PlaceholderWithDefault' && node.inputs[0]) {
            values.set(`${node.name}:0`, values.get(`${node.inputs[0].node}:${node.inputs[0].output}`)!);
            continue;
          }
          throw new ModelFormatError(`the model's input "${node.name}" must be fed`);
        }
        const convert = this.table[node.op];
        if (!convert) throw new UnsupportedOpError(`node "${node.name}": op ${node.op} is not supported`, [{ op: node.op, node: node.name }]);
        const inputs = node.inputs.filter((i) => !i.control).map((i) => {
          const v = values.get(`${i.node}:${i.output}`);
          if (!v) throw new ModelFormatError(`node "${node.name}" (${node.op}) reads "${i.node}:${i.output}", which has no value`);
          return v;
        });
        // In a tidy: a translation's own intermediates (several wgflow ops for one TensorFlow op) are freed eagerly.
        // In a name scope of the node's name: graph views group the wgflow ops by TensorFlow's name scopes.
        const result = wg.tidy(() => wg.nameScope(node.name, () => convert(this.context(node, inputs))));
        const outs = Array.isArray(result) ? result : [result];
        outs.forEach((t, k) => {
          values.set(`${node.name}:${k}`, t);
          if (!inputs.includes(t) && !this.weights.has(t)) made.add(t);
        });
      }
      const results = outputs.map((o) => {
        const v = values.get(o.includes(':') ? o : `${o}:0`);
        if (!v) throw new ModelFormatError(`the model has no output "${o}"`);
        return v;
      });
      options.onKnown?.(results.map((t) => this.knownData.get(t)));
      // Each output is the caller's: a weight, an input or a tensor returned twice is returned as a copy.
      const owned = new Set<wg.Tensor>();
      return results.map((t) => {
        if (made.has(t) && !owned.has(t)) return owned.add(t), t;
        return wg.clone(t);
      });
    } finally {
      if (wg.executingEagerly()) {
        const kept = new Set(results_(values, outputs));
        for (const t of made) if (!kept.has(t)) t.dispose();
      }
    }
  }

  /** A tensor of host data, marked known. */
  private knownTensor(value: HostValue): wg.Tensor {
    const t = wg.tensor(Array.from(value.data), value.shape, value.dtype);
    this.knownData.set(t, value);
    return t;
  }

  /**
   * One node's outputs from its inputs' host data, eagerly (executeAsync's data-dependent nodes, between the
   * stages): the inputs are made known tensors, so the translation computes on the host.
   */
  runOnHost(node: GraphNode, inputs: HostValue[]): wg.Tensor[] {
    const convert = this.table[node.op];
    if (!convert) throw new UnsupportedOpError(`node "${node.name}": op ${node.op} is not supported`, [{ op: node.op, node: node.name }]);
    return wg.tidy(() => {
      const ts = inputs.map((v) => this.knownTensor(v));
      const result = convert(this.context(node, ts));
      return (Array.isArray(result) ? result : [result]).map((t) => (ts.includes(t) ? wg.clone(t) : t));
    });
  }

  private context(node: GraphNode, inputs: wg.Tensor[]): OpContext {
    const error = (message: string) => new ModelFormatError(`node "${node.name}" (${node.op}): ${message}`);
    const input = (i: number) => {
      const t = inputs[i];
      if (!t) throw error(`expected at least ${i + 1} inputs, got ${inputs.length}`);
      return t;
    };
    const known = (i: number) => this.knownData.get(input(i));
    const ints = (i: number, what: string) => {
      const v = known(i);
      if (!v) throw error(`its ${what} (input ${i}) is computed at run time; wgflow needs it known when the model is converted`);
      return Array.from(v.data, (x) => Math.trunc(x));
    };
    return {
      node,
      attrs: node.attrs,
      inputs,
      input,
      known,
      ints,
      number: (i, what) => {
        const v = known(i);
        if (!v || v.data.length !== 1) throw error(`its ${what} (input ${i}) must be a known scalar`);
        return v.data[0];
      },
      allKnown: () => {
        const vs = inputs.map((t) => this.knownData.get(t));
        return vs.every((v) => v !== undefined && v.data.length <= 256) ? (vs as HostValue[]) : undefined;
      },
      constant: (value) => this.knownTensor(value),
      error,
    };
  }
}

const results_ = (values: Map<string, wg.Tensor>, outputs: string[]) => outputs.map((o) => values.get(o.includes(':') ? o : `${o}:0`));

/** The numeric dtype wgflow gives a TensorFlow dtype (string and complex: an error naming the node). */
export function numericDType(d: HostDType, node: GraphNode): 'float32' | 'int32' | 'bool' {
  if (d === 'string' || d === 'complex64') throw new UnsupportedOpError(`node "${node.name}" (${node.op}): ${d} tensors are not supported`, [{ op: node.op, node: node.name }]);
  return d;
}
