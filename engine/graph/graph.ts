// The Graph IR: nodes are calls of public ops (name, arguments with references to other nodes' outputs,
// output shapes/dtypes, device, source location, side-effect flag). Recording happens in `recordable`
// (record.ts) through a GraphBuilder; planning replays the nodes through the same op code (plan.ts).
import { type DType, checkDType } from '../core/dtype';
import { GraphModeError, ShapeError, type SourceLocation, formatLocation } from '../core/errors';
import { describe } from '../core/shape';
import { backwardOf, type GradOf } from '../core/profile';
import { type DeviceName, type Storage, Tensor } from '../core/tensor';
import { currentDevice, scopedDevice } from '../eager/devices';
import type { PlanInfo } from './explain';
import { type Builder, type OpEntry, encodeArgs, inferNode, nodeLocation, withBuilder } from './record';
import { type GraphJSON, type LoadOptions, graphToJSON, loadGraphJSON, readCaptures } from './serialize';
import { type Fetches, graphKernels } from './session';
import { currentScope } from './name_scope';
import type { GraphOptions } from './mode';

/** A reference to output `o` of node `n`. */
export interface RefSpec {
  $ref: [number, number];
}
/** Numbers JSON cannot hold. */
export interface NumSpec {
  $num: 'NaN' | 'Infinity' | '-Infinity' | '-0';
}
export interface TypedSpec {
  $typed: 'Float32Array' | 'Int32Array' | 'Uint32Array' | 'Uint8Array' | 'Float64Array' | 'Int8Array' | 'Int16Array' | 'Uint16Array' | 'Uint8ClampedArray';
  base64: string;
}
export interface UndefinedSpec {
  $undefined: true;
}
/** A node's output position inside its result structure. */
export interface OutSpec {
  $out: number;
}
export type ArgSpec =
  | null
  | boolean
  | number
  | string
  | RefSpec
  | NumSpec
  | TypedSpec
  | UndefinedSpec
  | OutSpec
  | ArgSpec[]
  | { [key: string]: ArgSpec };

export interface NodeOutput {
  /** -1 for a dimension only known when the graph runs (placeholders with null dims). */
  shape: number[];
  dtype: DType;
}

export interface GraphNode {
  id: number;
  name: string;
  /** A recordable op's name, or one of the structural kinds: placeholder, variable, capture. */
  op: string;
  args: ArgSpec[];
  outputs: NodeOutput[];
  /** How the outputs are returned: one tensor ({$out: 0}), an array, a record… */
  structure: ArgSpec;
  /** Where the node ran when it was recorded (informational: plans place nodes again, see placement.ts). */
  device: DeviceName;
  /** The device a wg.device block asked for when the node was recorded (kept by save/load). */
  requested?: DeviceName;
  location?: SourceLocation;
  /** The name scope it was recorded in (wg.nameScope), as a '/'-joined path; absent outside every scope. */
  scope?: string;
  /** Effects (print, assign): never removed by pruning or optimisation. */
  sideEffect: boolean;
  /** A node of a backward pass: the forward op (node, line) it differentiates. */
  grad?: GradOf;
  /**
   * Control dependencies: nodes that run whenever this one does, without passing it a value (a TensorFlow 1
   * train op depends on its variables' updates this way).
   */
  control?: number[];
  /**
   * An effect that runs only when a fetch needs it (a TensorFlow 1 train op's updates), not on every run that
   * can compute it: evaluating the loss does not train.
   */
  deferred?: boolean;
  /** capture: the eager storage the graph keeps a reference to (not serialisable without save()). */
  capture?: { storage: Storage; shape: number[]; strides: number[]; offset: number; variable?: boolean };
}

const STRUCTURAL = new Set(['placeholder', 'variable', 'capture']);

/** An argument spec with node references renumbered through `map` (copying nodes into another graph). */
export function remapRefs(s: ArgSpec, map: Map<number, number>): ArgSpec {
  if (s === null || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map((x) => remapRefs(x, map));
  if ('$ref' in s) return { $ref: [map.get((s as RefSpec).$ref[0])!, (s as RefSpec).$ref[1]] };
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, remapRefs(v as ArgSpec, map)]));
}

/**
 * Copies the nodes in `keep` (in order) from one graph into another; `replace` may add a node of its own
 * instead (returning its id), e.g. a placeholder for a capture. Returns the old → new id map.
 */
export function copyNodes(from: Graph, to: Graph, keep: Set<number>, replace: (n: GraphNode) => number | undefined = () => undefined): Map<number, number> {
  const map = new Map<number, number>();
  for (const node of from.nodes) {
    if (!keep.has(node.id)) continue;
    const given = replace(node);
    const id = given ?? to.addNode({ ...node, args: node.args.map((a) => remapRefs(a, map)), name: undefined, scope: node.scope, ...(node.control ? { control: node.control.map((m) => map.get(m)!).filter((m) => m !== undefined) } : {}) }).id;
    // A stand-in (a placeholder for a capture) is where the node was: it keeps the node's scope.
    if (given !== undefined && node.scope !== undefined && to.nodes[given] && to.nodes[given].scope === undefined) to.nodes[given].scope = node.scope;
    map.set(node.id, id);
  }
  return map;
}

export class Graph {
  /** 'lazy': the implicit graph of a withMode('graph') block (its tensors compute on readback). */
  constructor(readonly kind: 'graph' | 'lazy' = 'graph') {}

  readonly nodes: GraphNode[] = [];
  /**
   * Host callbacks of nodes, called after each run whose plan includes the node (an optimizer's step count
   * follows the compiled updates this way). Not serialised: they belong to the objects that built the graph.
   */
  readonly runHooks = new Map<number, () => void>();
  /** Named outputs (the signature), from a record returned by build() or from output(). */
  readonly outputs = new Map<string, Tensor>();
  /** Graph tensors handed out, by node/output, so references resolve to the same object. */
  private tensors = new Map<string, Tensor>();
  private names = new Set<string>();
  private disposed = false;

  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /**
   * Adds a node; `name` must already be reserved with uniqueName (else the op name is made unique). Its scope
   * is the current wg.nameScope unless `n` has a `scope` key (a copied node keeps its own, even none).
   */
  addNode(n: Omit<GraphNode, 'id' | 'name'> & { name?: string }): GraphNode {
    if (this.disposed) throw new GraphModeError('this Graph was disposed');
    const { scope: own, ...rest } = n;
    const scope = 'scope' in n ? own : currentScope();
    const node: GraphNode = { ...rest, id: this.nodes.length, name: n.name ?? this.uniqueName(n.op), ...(scope === undefined ? {} : { scope }) };
    this.nodes.push(node);
    return node;
  }

  /** The graph tensor standing for output `o` of node `n` (one object per output). */
  tensorOf(n: number, o = 0): Tensor {
    const key = `${n}:${o}`;
    let t = this.tensors.get(key);
    if (!t) {
      const node = this.nodes[n];
      const out = node.outputs[o];
      t = new Tensor(out.shape, out.dtype, null, node.device, undefined, 0, { graph: this, node: n, output: o });
      this.tensors.set(key, t);
    }
    return t;
  }

  /** The tensor handed out for a node output, if any (does not create one). */
  existingTensor(n: number, o: number): Tensor | undefined {
    return this.tensors.get(`${n}:${o}`);
  }

  /** Makes an existing tensor stand for output `o` of node `n` of this graph (lazy-graph compaction). */
  adoptTensor(t: Tensor, n: number, o: number): void {
    t.graph = { graph: this, node: n, output: o };
    this.tensors.set(`${n}:${o}`, t);
  }

  /** Replaces {$out: i} leaves of a node's structure with its graph tensors. */
  resultOf(node: GraphNode): unknown {
    const build = (s: ArgSpec): unknown => {
      if (s && typeof s === 'object') {
        if ('$out' in s) return this.tensorOf(node.id, (s as OutSpec).$out);
        if (Array.isArray(s)) return s.map(build);
        return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, build(v as ArgSpec)]));
      }
      return s;
    };
    return build(node.structure);
  }

  /** The node an output name or a node name refers to. */
  lookup(name: string): Tensor | undefined {
    const out = this.outputs.get(name);
    if (out) return out;
    const node = this.nodes.find((n) => n.name === name);
    return node && node.outputs.length > 0 ? this.tensorOf(node.id, 0) : undefined;
  }

  /** Names a graph tensor as an output of the graph (its signature). */
  output(name: string, t: Tensor): Tensor {
    if (typeof name !== 'string' || !name) throw new GraphModeError(`output: the name must be a non-empty string, got ${String(name)}`);
    if (!(t instanceof Tensor) || t.graph?.graph !== this) throw new GraphModeError(`output ${name}: expected a tensor of this graph`);
    this.outputs.set(name, t);
    return t;
  }

  /**
   * A node standing for an eager tensor used while recording: captured by reference (the graph keeps its
   * storage alive until dispose()). `source` keeps the tensor itself for lazy graphs.
   */
  addCapture(t: Tensor): GraphNode & { source?: Tensor } {
    if (t.storage) t.storage.refs++;
    const node: GraphNode & { source?: Tensor } = this.addNode({
      op: 'capture',
      args: [],
      outputs: [{ shape: [...t.shape], dtype: t.dtype }],
      structure: { $out: 0 },
      device: t.device,
      sideEffect: false,
      // A captured eager variable stays a variable: the graph's assigns write its buffer in place (TF2).
      capture: t.storage ? { storage: t.storage, shape: [...t.shape], strides: [...t.strides], offset: t.offset, ...(t.variable ? { variable: true } : {}) } : undefined,
    });
    node.source = t;
    return node;
  }

  /** Placeholders in creation order (the graph's named inputs). */
  get placeholders(): GraphNode[] {
    return this.nodes.filter((n) => n.op === 'placeholder');
  }

  isStructural(n: GraphNode): boolean {
    return STRUCTURAL.has(n.op);
  }

  /** One node a line: `%2 add(%0, %1) -> float32[2,3]  @ file:line`. */
  toString(): string {
    const fmt = (s: ArgSpec): string => {
      if (s === null) return 'null';
      if (typeof s !== 'object') return JSON.stringify(s);
      if ('$ref' in s) {
        const [n, o] = (s as RefSpec).$ref;
        return `%${this.nodes[n]?.name ?? n}${o ? `:${o}` : ''}`;
      }
      if ('$num' in s) return (s as NumSpec).$num;
      if ('$typed' in s) return `${(s as TypedSpec).$typed}(…)`;
      if ('$undefined' in s) return 'undefined';
      if (Array.isArray(s)) return `[${s.map(fmt).join(', ')}]`;
      return `{${Object.entries(s).map(([k, v]) => `${k}: ${fmt(v as ArgSpec)}`).join(', ')}}`;
    };
    const shape = (o: NodeOutput) => `${o.dtype}[${o.shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`;
    const lines = this.nodes.map((n) => {
      const outs = n.outputs.map(shape).join(', ') || 'nothing';
      const loc = n.location ? `  @ ${formatLocation(n.location)}` : '';
      const args = n.op === 'placeholder' ? '' : n.args.map(fmt).join(', ');
      const effect = n.sideEffect ? (n.deferred ? '  [effect, when fetched]' : '  [effect]') : '';
      const control = n.control?.length ? `  after ${n.control.map((m) => `%${this.nodes[m]?.name ?? m}`).join(', ')}` : '';
      return `%${n.name} = ${n.op}(${args}) -> ${outs}${effect}${control}${loc}`;
    });
    const outs = [...this.outputs].map(([k, t]) => `${k} = %${this.nodes[t.graph!.node].name}`);
    return [`Graph (${this.nodes.length} nodes)`, ...lines, ...(outs.length ? [`outputs: ${outs.join(', ')}`] : [])].join('\n');
  }

  /** Records the ops `fn` calls (synchronously) as nodes; returns what fn returns (graph tensors). */
  build<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new GraphModeError('build: expected a function that calls ops');
    const result = withBuilder(builderFor(this), fn);
    if (result instanceof Promise) {
      throw new GraphModeError(
        'build: the function returned a Promise; build records ops synchronously, so it cannot await values ' +
          '(remove async/await, and fetch values afterwards with sess.run)',
      );
    }
    if (result && typeof result === 'object' && !Array.isArray(result) && !(result instanceof Tensor)) {
      for (const [k, v] of Object.entries(result)) if (v instanceof Tensor && v.graph?.graph === this) this.outputs.set(k, v);
    }
    return result;
  }

  /** An input of the graph: dims may be null (known when fed). */
  placeholder(dtype: DType, shape: (number | null)[], name?: string): Tensor {
    checkDType(dtype, 'placeholder');
    if (!Array.isArray(shape) || shape.some((d) => d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 0))) {
      throw new ShapeError(`placeholder: shape must be an array of non-negative integers or null, got ${describe(shape)}`, { op: 'placeholder' });
    }
    if (name !== undefined && (typeof name !== 'string' || this.nodes.some((n) => n.name === name))) {
      throw new GraphModeError(`placeholder: name ${JSON.stringify(name)} is not a fresh name in this graph`, { op: 'placeholder' });
    }
    const node = this.addNode({
      op: 'placeholder',
      name: this.uniqueName(name ?? 'placeholder'),
      args: [dtype, shape.map((d) => d ?? null), name ?? null],
      outputs: [{ shape: shape.map((d) => d ?? -1), dtype }],
      structure: { $out: 0 },
      device: currentDevice(),
      ...(scopedDevice() ? { requested: scopedDevice() } : {}),
      location: nodeLocation(),
      sideEffect: false,
    });
    return this.tensorOf(node.id, 0);
  }

  /**
   * The kernels a run would execute, with each pass's report, without running anything: for `fetches`
   * (default: the named outputs) and feed shapes (placeholders by name; default: their declared shapes).
   */
  kernels(fetches?: Fetches, feedShapes?: Record<string, number[]>, options?: GraphOptions): PlanInfo {
    return graphKernels(this, fetches, feedShapes, options);
  }

  /** The graph as versioned JSON (synchronous; throws if it captured data that lives only on the device). */
  toJSON(): GraphJSON {
    return graphToJSON(this, new Map());
  }

  /** Like toJSON, reading captured tensors back from the device first. */
  async save(): Promise<GraphJSON> {
    return graphToJSON(this, await readCaptures(this));
  }

  /** Loads a graph saved with toJSON/save (an object or a JSON string), validating every field. */
  static fromJSON(json: unknown, options: LoadOptions = {}): Graph {
    const g = new Graph();
    loadGraphJSON(json, options, g, builderFor(g));
    return g;
  }

  /** Releases the eager storages the graph captured. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runHooks.clear();
    for (const n of this.nodes) {
      const s = n.capture?.storage;
      if (s && --s.refs === 0) s.owner.release(s.handle);
    }
  }
}

// ---- building ----

/** Records op calls into a Graph. */
export class GraphBuilder implements Builder {
  private captured = new Map<number, number>();
  constructor(readonly graph: Graph) {}

  owns(t: Tensor): boolean {
    return t.graph?.graph === this.graph;
  }

  refFor(t: Tensor, op: string): ArgSpec {
    if (t.graph) {
      if (t.graph.graph !== this.graph) {
        throw new GraphModeError(`${op}: a tensor of another graph was used while building this one`, { op });
      }
      return { $ref: [t.graph.node, t.graph.output] };
    }
    // An eager tensor: captured by reference (the graph keeps its storage alive until g.dispose()).
    t.assertUsable(op);
    let id = this.captured.get(t.id);
    if (id === undefined) {
      id = this.graph.addCapture(t).id;
      this.captured.set(t.id, id);
    }
    return { $ref: [id, 0] };
  }

  /** The capture node standing for an eager tensor used while building, if it was used. */
  captureOf(t: Tensor): number | undefined {
    return this.captured.get(t.id);
  }

  record(op: string, entry: OpEntry, args: unknown[]): unknown {
    const location = nodeLocation();
    const spec = encodeArgs(args, (t) => this.refFor(t, op), op);
    const requested = scopedDevice();
    const given = op === 'variable' ? (args[1] as { name?: unknown } | undefined)?.name : undefined;
    const name = this.graph.uniqueName(typeof given === 'string' && given ? given : op);
    let inferred: { outputs: NodeOutput[]; structure: ArgSpec; device?: DeviceName };
    if (op === 'print') inferred = { outputs: [], structure: null };
    else {
      try {
        const isVar = (n: number) => ['variable', 'assign', 'assignAdd'].includes(this.graph.nodes[n].op) || Boolean(this.graph.nodes[n].capture?.variable);
        inferred = inferNode(entry, spec, (n, o) => ({ ...this.graph.nodes[n].outputs[o], variable: isVar(n), device: this.graph.nodes[n].device }));
      } catch (e) {
        if (e instanceof Error) e.message += ` (building graph node "${name}")`;
        throw e;
      }
    }
    const grad = backwardOf.current;
    const node = this.graph.addNode({ op, name, args: spec, ...inferred, device: inferred.device ?? currentDevice(), ...(requested ? { requested } : {}), location, sideEffect: entry.sideEffect, ...(grad ? { grad } : {}) });
    return op === 'print' ? Promise.resolve() : this.graph.resultOf(node);
  }
}

const builderOf = new WeakMap<Graph, GraphBuilder>();
export function builderFor(g: Graph): GraphBuilder {
  let b = builderOf.get(g);
  if (!b) builderOf.set(g, (b = new GraphBuilder(g)));
  return b;
}
