// Session: runs a Graph. Plans are made once per (fetches, feed shapes) and reused: each run writes the
// feeds, encodes every kernel and the fetch copies into one submission, and reads back only the fetches.
// Variables' state lives here, initialised on first use.
import type { Backend, StorageArray } from '../backend/backend';
import { type DType, DTYPE_INFO, storageArray, weakScalarType } from '../core/dtype';
import { DTypeError, GraphModeError, ShapeError } from '../core/errors';
import { collect, profiling } from '../core/profile';
import { RandomState, withRandomState } from '../core/random';
import { fmtShape } from '../core/shape';
import { type Storage, Tensor, nest } from '../core/tensor';
import { runtime } from '../eager/runtime';
import { scope } from '../eager/scope';
import type { Graph, GraphNode } from './graph';
import { explainPlan, type PlanInfo } from './explain';
import { describePlan, nodeSourcesOf, type GraphEntry } from './profile_graph';
import { currentMode, type GraphOptions } from './mode';
import { buildPlan, neededNodes, placeGraph, replayGraph, runHooksOf, type ReplayEnv } from './plan';
import { type CompiledPlan, compilePlan, executePlan, releasePlan, withPlanSources } from './executor';
import { currentDevice, moveTensor, withDevice, withSoftPlacement } from '../eager/devices';
import { enqueuePrint, formatPlain, formatRead } from './print';
import { decodeArgs, opTable, profiledCall, refsOf, unrecorded } from './record';

export type Fetch = Tensor | string;
export type Fetches = Fetch | Fetch[] | { [key: string]: Fetch };
export type FeedValue = Tensor | number | boolean | ArrayLike<number> | NestedArrayLike;
type NestedArrayLike = (number | boolean | NestedArrayLike)[];
export type Feeds = Map<Tensor | string, FeedValue> | { [name: string]: FeedValue };

export interface RunOptions {
  /** Return typed arrays instead of nested arrays (bool: Uint8Array). */
  typedArrays?: boolean;
  /** Profile this run: run() then resolves to `{ values, profile }`. */
  profile?: boolean;
}

interface VariableState {
  storage: Storage;
  shape: number[];
  dtype: DType;
}

export class Session {
  private plans = new Map<string, CompiledPlan>();
  private vars = new Map<number, VariableState>();
  private closed = false;
  /** How the graph was entered (run records say so); wg.function and withMode set theirs. */
  entry: GraphEntry = 'session';
  /**
   * Where stateful random ops (dropout) draw each run's key: the session's own, so its runs give the
   * sequence eager calls give from a fresh seed. A wg.function shares one across its traces; withMode('graph')
   * uses eager's (its blocks stand for eager code).
   */
  randomState = new RandomState();

  constructor(
    readonly graph: Graph,
    readonly options: GraphOptions = {},
  ) {
    if (!graph || !(graph.nodes && Array.isArray(graph.nodes))) throw new GraphModeError('Session: expected a wg.Graph');
  }

  /** Fetches values: a graph tensor, an output or node name, or an array/record of them (same structure back). */
  async run(fetches: Fetches, feeds: Feeds = {}, options: RunOptions = {}): Promise<any> {
    if (options.profile) {
      const { result, profile } = await collect(
        () => this.run(fetches, feeds, { ...options, profile: false }),
        runtime.profileOptions({ wgsl: false, trace: false }),
      );
      return { values: result, profile };
    }
    if (this.closed) throw new GraphModeError('Session.run: this session was closed');
    const { list, rebuild } = this.normalizeFetches(fetches);
    const feedMap = this.normalizeFeeds(feeds);
    this.initVariables();
    if (currentMode()?.mode === 'eager') return rebuild(await withSoftPlacement(this.softPlacement(), () => this.runEagerly(list, feedMap, options)));
    const compiled = this.compiledFor(list, new Map([...feedMap].map(([n, f]) => [n, f.shape])));
    const { fetches: values, prints } = await executePlan(compiled, feedMap);
    // The run's prints have been logged by the time run() resolves.
    await this.emitPrints(compiled, prints);
    return rebuild(values.map((v, i) => this.convert(v, compiled!.plan.fetches[i].shape, compiled!.plan.fetches[i].dtype, options)));
  }

  /** The compiled plan for these fetches and feed shapes (made on first use, then reused). */
  compiledFor(list: [number, number][], feedShapes: Map<number, number[]>): CompiledPlan {
    this.initVariables();
    const device = currentDevice();
    const optimizations = { ...this.options.optimizations, ...currentMode()?.options.optimizations };
    const soft = this.softPlacement();
    const key = `${device}|${soft}|${list.map(([n, o]) => `${n}:${o}`).join(',')}|${[...feedShapes].map(([n, sh]) => `${n}=${sh}`).join(';')}`;
    let compiled = this.plans.get(key);
    if (!compiled) {
      const varShapes = new Map([...this.vars].map(([n, v]) => [n, { shape: v.shape, dtype: v.dtype, device: v.storage.owner.name }]));
      const plan = withSoftPlacement(soft, () => buildPlan(this.graph, list, feedShapes, varShapes, optimizations));
      const sources = nodeSourcesOf(this.graph);
      // Constant folding runs kernels now: a profile attributes them to their nodes too.
      compiled = withPlanSources({ sources } as CompiledPlan, () =>
        compilePlan(
          plan,
          (d) => runtime.backend(d, 'Session.run'),
          (n) => this.vars.get(n)!.storage.handle,
          optimizations,
        ),
      );
      const c = compiled;
      c.sources = sources;
      c.randomState = this.randomState;
      c.describe = () => describePlan(this.graph, c, this.entry);
      this.plans.set(key, compiled);
    }
    this.lastCompiled = compiled;
    return compiled;
  }

  /** This session's softPlacement option, else the withMode block's. */
  private softPlacement(): boolean {
    return Boolean(this.options.softPlacement ?? currentMode()?.options.softPlacement);
  }

  /** The kernels and pass reports of the most recently used plan (what the last run executed). */
  explain(): PlanInfo {
    if (!this.lastCompiled) throw new GraphModeError('explain: run the session first');
    return explainPlan(this.graph, this.lastCompiled);
  }

  private lastCompiled: CompiledPlan | undefined;

  /** Number of distinct plans compiled so far (a plan-cache statistic). */
  get planCount(): number {
    return this.plans.size;
  }

  emitPrints(c: CompiledPlan, prints: StorageArray[][]): Promise<unknown> {
    return Promise.all(
      c.plan.prints.map((p, i) => {
        let k = 0;
        const parts = p.items.map((item) => {
          if (typeof item !== 'object') return Promise.resolve(formatPlain(item));
          return Promise.resolve(formatRead(prints[i][k++], item.shape, item.dtype));
        });
        return enqueuePrint(parts);
      }),
    );
  }

  private convert(v: StorageArray, shape: number[], dtype: DType, o: RunOptions): unknown {
    const user = dtype === 'bool' ? Uint8Array.from(v, (x) => (x ? 1 : 0)) : v;
    if (o.typedArrays) return user;
    return nest(user, shape, dtype);
  }

  /** Fetches as node outputs, and how to rebuild the caller's structure from their values. */
  normalizeFetches(fetches: Fetches): { list: [number, number][]; rebuild: (values: unknown[]) => unknown } {
    const resolve = (f: Fetch): [number, number] => {
      const t = typeof f === 'string' ? this.graph.lookup(f) : f;
      if (!(t instanceof Tensor)) {
        throw new GraphModeError(`Session.run: unknown fetch ${JSON.stringify(f)}; fetch a graph tensor, an output name or a node name`);
      }
      if (t.graph?.graph !== this.graph) throw new GraphModeError('Session.run: the fetched tensor does not belong to this session\'s graph');
      return [t.graph.node, t.graph.output];
    };
    if (fetches instanceof Tensor || typeof fetches === 'string') {
      return { list: [resolve(fetches)], rebuild: (v) => v[0] };
    }
    if (Array.isArray(fetches)) return { list: fetches.map(resolve), rebuild: (v) => v };
    if (fetches && typeof fetches === 'object') {
      const keys = Object.keys(fetches);
      return { list: keys.map((k) => resolve(fetches[k])), rebuild: (v) => Object.fromEntries(keys.map((k, i) => [k, v[i]])) };
    }
    throw new GraphModeError(`Session.run: fetches must be a tensor, a name, or an array/record of them, got ${typeof fetches}`);
  }

  /** Validates feeds before any GPU work: known placeholders, dtypes, shapes. */
  private normalizeFeeds(feeds: Feeds): Map<number, FeedEntry> {
    const out = new Map<number, FeedEntry>();
    const entries: [Tensor | string, FeedValue][] = feeds instanceof Map ? [...feeds] : Object.entries(feeds ?? {});
    for (const [k, v] of entries) {
      const byName = typeof k === 'string' ? this.graph.placeholders.find((p) => p.name === k) : undefined;
      const t = byName ? this.graph.tensorOf(byName.id, 0) : typeof k === 'string' ? this.graph.lookup(k) : k;
      const node = t instanceof Tensor && t.graph?.graph === this.graph ? this.graph.nodes[t.graph.node] : undefined;
      if (!node) throw new GraphModeError(`Session.run: feed ${JSON.stringify(typeof k === 'string' ? k : '<tensor>')} is not a placeholder of this graph`);
      if (node.op !== 'placeholder') throw new GraphModeError(`Session.run: "${node.name}" is not a placeholder (its op is ${node.op}); only placeholders can be fed`);
      out.set(node.id, feedData(node, v));
    }
    return out;
  }

  private initVariables(): void {
    for (const node of this.graph.nodes) {
      if (node.op !== 'variable' || this.vars.has(node.id)) continue;
      // The initial value is evaluated eagerly once (a constant or a captured tensor).
      // A variable lives on the device its wg.device block asked for, else on the default device.
      const device = node.requested ?? currentDevice();
      const value = withDevice(device, () => {
        const initArg = unrecorded(() => decodeArgs(node.args, (n) => this.evalConstant(n)))[0];
        const init = initArg instanceof Tensor ? initArg : (unrecorded(() => opTable.core('tensor').impl(initArg)) as Tensor);
        // Always a copy (the variable must not write into the tensor it was initialised from), on its device.
        const copy = init.device === device ? unrecorded(() => opTable.core('clone').impl(init) as Tensor) : moveTensor(init, device, 'variable');
        init.dispose();
        return copy;
      });
      const storage = value.storage ?? { ...uploadStorage(storageArray(value.dtype, 0))!, refs: 0 };
      storage.refs++;
      this.vars.set(node.id, { storage, shape: [...value.shape], dtype: value.dtype });
      value.dispose();
    }
  }

  /**
   * withMode('eager'): the graph evaluator of plans (replayGraph), against real storage: every needed node
   * dispatched as an eager op, in program order, without plan or passes (placement included: nodes go where
   * their wg.device blocks asked, else where the eager rule puts them).
   */
  private runEagerly(list: [number, number][], feeds: Map<number, FeedEntry>, o: RunOptions): Promise<unknown[]> {
    return scope(async () => {
      const fed = new Set(feeds.keys());
      const need = neededNodes(this.graph, list, fed);
      const placement = placeGraph(this.graph, need, (id) => this.vars.get(id)?.storage.owner.name, false);
      const prints: Promise<unknown>[] = [];
      const get = unrecorded(() => withRandomState(this.randomState, () => replayGraph(this.graph, need, fed, placement, this.eagerEnv(feeds, prints))));
      for (const hook of runHooksOf(this.graph, need)) hook();
      const values = await Promise.all(list.map(([n, k]) => get(n, k).data()));
      // The run's prints have been logged by the time run() resolves.
      await Promise.all(prints);
      return values.map((v, i) => {
        const t = get(list[i][0], list[i][1]);
        return o.typedArrays ? v : nest(v, t.shape, t.dtype);
      });
    });
  }

  /** Feeds, variables and captures as real tensors; ops and prints run now (prints are collected). */
  private eagerEnv(feeds: Map<number, FeedEntry>, prints: Promise<unknown>[]): ReplayEnv {
    return {
      placeholder: (node) => {
        const f = feeds.get(node.id)!;
        if (f.tensor) return opTable.core('clone').impl(f.tensor) as Tensor;
        return new Tensor(f.shape, node.outputs[0].dtype, uploadStorage(f.data!), currentDevice());
      },
      variable: (node) => {
        const v = this.vars.get(node.id)!;
        const t = new Tensor(v.shape, v.dtype, v.storage, v.storage.owner.name);
        t.variable = true;
        return t;
      },
      capture: captureTensor,
      print: (_node, args) => prints.push(opTable.core('print').impl(...args) as Promise<unknown>),
      call: (node, impl, args) => {
        // Profiled: each node is an op of the eager trace, at the line where it was recorded.
        const c = profiling.current;
        if (c && c.ops.length === 0) return profiledCall(c, node.op, impl, args, { op: node.op, node: node.name, ...(node.location ?? {}) }, node.scope);
        return impl(...args);
      },
    };
  }

  /** A variable's initial value: a constant node (tensor(...) or a capture), evaluated eagerly once. */
  private evalConstant(n: number): Tensor {
    const node = this.graph.nodes[n];
    if (node.op === 'placeholder' || refsOf(node.args).length > 0) {
      throw new GraphModeError(`variable initial values must be constants or eager tensors; node "${node.name}" (${node.op}) depends on other nodes`);
    }
    const get = replayGraph(this.graph, new Set([n]), new Set(), { scope: new Map() }, this.eagerEnv(new Map(), []));
    return get(n, 0);
  }

  /** Current values of every variable, by name. */
  async saveVariables(): Promise<Record<string, { dtype: DType; shape: number[]; data: number[] }>> {
    this.initVariables();
    const out: Record<string, { dtype: DType; shape: number[]; data: number[] }> = {};
    for (const [id, v] of this.vars) {
      const t = new Tensor(v.shape, v.dtype, v.storage, v.storage.owner.name);
      try {
        out[this.graph.nodes[id].name] = { dtype: v.dtype, shape: v.shape, data: Array.from(await t.data()) };
      } finally {
        t.dispose();
      }
    }
    return out;
  }

  /** Sets variables from the result of saveVariables (shapes and dtypes must match). */
  loadVariables(values: Record<string, { dtype: DType; shape: number[]; data: ArrayLike<number> }>): void {
    for (const [name, v] of Object.entries(values ?? {})) {
      const node = this.graph.nodes.find((n) => n.op === 'variable' && n.name === name);
      if (!node) throw new GraphModeError(`loadVariables: no variable named ${JSON.stringify(name)} in this graph`);
      const want = node.outputs[0];
      if (v.dtype !== want.dtype || v.shape.join() !== want.shape.join()) {
        throw new ShapeError(`loadVariables: ${name} is ${want.dtype} ${fmtShape(want.shape)}, got ${v.dtype} ${fmtShape(v.shape)}`);
      }
      const data = storageArray(v.dtype, v.data.length);
      const round = DTYPE_INFO[v.dtype].round;
      for (let i = 0; i < data.length; i++) data[i] = round(Number(v.data[i]));
      const existing = this.vars.get(node.id);
      if (existing) (existing.storage.owner as Backend).write(existing.storage.handle, data);
      else this.vars.set(node.id, { storage: { ...uploadStorage(data)!, refs: 1 }, shape: [...v.shape], dtype: v.dtype });
    }
  }

  /** Frees the session's plans and variables. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.plans.values()) releasePlan(c);
    this.plans.clear();
    for (const v of this.vars.values()) if (--v.storage.refs === 0) v.storage.owner.release(v.storage.handle);
    this.vars.clear();
  }

  dispose(): void {
    this.close();
  }
}

function uploadStorage(data: StorageArray): Storage | null {
  if (data.length === 0) return null;
  const backend = runtime.backend(currentDevice(), 'feed');
  return { owner: backend, handle: backend.upload(data), bytes: data.byteLength, refs: 0 };
}

function captureTensor(node: GraphNode): Tensor {
  const c = node.capture;
  if (!c) return new Tensor(node.outputs[0].shape, node.outputs[0].dtype, null, node.device);
  const t = new Tensor(c.shape, node.outputs[0].dtype, c.storage, node.device, c.strides, c.offset);
  if (c.variable) t.variable = true;
  return t;
}

/** Converts a feed value to storage data, checking dtype and shape against the placeholder. */
export interface FeedEntry {
  shape: number[];
  data?: StorageArray;
  tensor?: Tensor;
}

function feedData(node: GraphNode, v: FeedValue): FeedEntry {
  const want = node.outputs[0];
  if (v instanceof Tensor) {
    v.assertUsable(`feed "${node.name}"`);
    if (v.graph) throw new GraphModeError(`feed "${node.name}": a graph tensor cannot be fed; feed values or eager tensors`);
    if (v.dtype !== want.dtype) throw new DTypeError(`feed "${node.name}": got a ${v.dtype} tensor, but the placeholder is ${want.dtype}`);
    checkFeedShape(node, [...v.shape]);
    return { shape: [...v.shape], tensor: v };
  }
  let shape: number[];
  let flat: number[];
  if (typeof v === 'number' || typeof v === 'boolean') {
    shape = [];
    flat = [Number(v)];
  } else if (ArrayBuffer.isView(v)) {
    flat = Array.from(v as ArrayLike<number>);
    shape = want.shape.length === 1 ? [flat.length] : inferFlatShape(want.shape, flat.length, node);
  } else if (Array.isArray(v)) {
    shape = [];
    let x: unknown = v;
    while (Array.isArray(x)) {
      shape.push(x.length);
      x = x[0];
    }
    flat = (v as unknown[]).flat(Infinity as 1).map(Number);
    if (flat.length !== shape.reduce((p, d) => p * d, 1)) throw new ShapeError(`feed "${node.name}": ragged nested array`);
  } else {
    throw new DTypeError(`feed "${node.name}": expected numbers, nested arrays or a typed array, got ${typeof v}`);
  }
  checkFeedShape(node, shape);
  const data = storageArray(want.dtype, flat.length);
  const round = DTYPE_INFO[want.dtype].round;
  for (let i = 0; i < flat.length; i++) {
    const x = flat[i];
    // A number feeds an int32/uint32 placeholder when that dtype holds it exactly (the weak-scalar rule).
    if (typeof x !== 'number' || (want.dtype !== 'bool' && weakScalarType(x, want.dtype) !== want.dtype)) {
      throw new DTypeError(`feed "${node.name}": value ${x} at position ${i} is not a valid ${want.dtype}`);
    }
    data[i] = round(want.dtype === 'bool' ? (x ? 1 : 0) : x);
  }
  return { data, shape };
}

function checkFeedShape(node: GraphNode, shape: number[]): void {
  const want = node.outputs[0];
  if (shape.length !== want.shape.length || shape.some((d, i) => want.shape[i] >= 0 && want.shape[i] !== d)) {
    throw new ShapeError(
      `feed "${node.name}": got shape ${fmtShape(shape)}, but the placeholder is ${want.dtype} [${want.shape.map((d) => (d < 0 ? 'null' : d)).join(',')}]`,
    );
  }
}

function inferFlatShape(shape: number[], n: number, node: GraphNode): number[] {
  const unknown = shape.filter((d) => d < 0).length;
  const known = shape.reduce((p, d) => (d < 0 ? p : p * d), 1);
  if (unknown > 1 || (unknown === 1 && (known === 0 || n % known !== 0)) || (unknown === 0 && known !== n)) {
    throw new ShapeError(`feed "${node.name}": ${n} values do not fit the placeholder shape [${shape.map((d) => (d < 0 ? 'null' : d)).join(',')}]; pass nested arrays`);
  }
  return shape.map((d) => (d < 0 ? n / known : d));
}

/**
 * The kernels a run would execute, with each pass's report, without running anything (Graph.kernels):
 * for `fetches` (default: the named outputs) and feed shapes (placeholders by name; default: their
 * declared shapes).
 */
export function graphKernels(g: Graph, fetches?: Fetches, feedShapes: Record<string, number[]> = {}, options: GraphOptions = {}): PlanInfo {
  const sess = new Session(g, options);
  try {
    const { list } = sess.normalizeFetches(fetches ?? Object.fromEntries(g.outputs));
    const shapes = new Map<number, number[]>();
    for (const p of g.placeholders) {
      const given = feedShapes[p.name];
      const declared = p.outputs[0].shape;
      if (!given && declared.some((d) => d < 0)) {
        throw new GraphModeError(`kernels: placeholder "${p.name}" has unknown dims; give its shape in feedShapes`);
      }
      shapes.set(p.id, given ?? [...declared]);
    }
    sess.compiledFor(list, shapes);
    return sess.explain();
  } finally {
    sess.close();
  }
}
