// withMode('graph'): ordinary eager-style code runs lazily. Ops are recorded into a lazy graph; a readback
// (data/array/numpy, wg.print, the end of the block) computes what is needed as one planned graph in one
// submission. Tensors made from data, and values computed earlier, enter the plan as inputs copied in at
// run time, so a structure seen before (a loop over new data) reuses its compiled plan.
import type { TypedArray } from '../core/dtype';
import { GraphModeError } from '../core/errors';
import { backwardOf } from '../core/profile';
import { eagerRandomState } from '../core/random';
import { Tensor } from '../core/tensor';
import { runtime } from '../eager/runtime';
import { currentDevice, scopedDevice, softPlacementOn, withDevice, withSoftPlacement } from '../eager/devices';
import { Graph, copyNodes, type ArgSpec, type GraphNode } from './graph';
import { checkMode, currentLazy, currentMode, type GraphOptions, modeBlock, type Mode } from './mode';
import { type CompiledPlan, executeInto } from './executor';
import { ancestors } from './plan';
import { type Builder, type OpEntry, activeBuilder, encodeArgs, inferNode, nodeLocation, popBuilder, pushBuilder, refsOf, unrecorded } from './record';
import { Session } from './session';

/**
 * Ops run at once even in lazy mode, after their inputs are computed: state (variable, assign, assignAdd,
 * print), and creation from host data (an upload, then used as a plan input).
 */
const runsAtOnce = (entry: OpEntry) => entry.spec.family === 'state' || Boolean(entry.spec.fromHost);

interface PlanEntry {
  graph: Graph;
  session: Session;
  inputs: number[];
  outputs: [number, number][];
}

/** Compiled plans per block (bounded); released when the block ends, with their buffers. */
const PLAN_CACHE_MAX = 64;
export const lazyStats = { flushes: 0, planHits: 0, planMisses: 0 };

export class LazyGraph implements Builder {
  /** Replaced by a fresh graph after each flush (everything live was computed), releasing captures. */
  graph = new Graph('lazy');
  /** Compiled plans by structure (a loop body seen again reuses its plan). */
  private planCache = new Map<string, PlanEntry>();

  constructor(readonly options: GraphOptions) {}

  owns(t: Tensor): boolean {
    return t.graph?.graph === this.graph;
  }

  private ref(t: Tensor, op: string): ArgSpec {
    if (t.graph?.graph === this.graph) return { $ref: [t.graph.node, t.graph.output] };
    if (t.graph) throw new GraphModeError(`${op}: a tensor of a Graph was used in withMode('graph') code; fetch it with sess.run`, { op });
    t.assertUsable(op);
    // One capture per tensor: every use reads the same plan input (one feed, one copy between devices).
    let id = this.captures.get(t);
    if (id === undefined) this.captures.set(t, (id = this.graph.addCapture(t).id));
    return { $ref: [id, 0] };
  }

  /** The capture node of each eager tensor used in the current graph. */
  private captures = new Map<Tensor, number>();

  record(op: string, entry: OpEntry, args: unknown[]): unknown {
    if (runsAtOnce(entry)) {
      // Inputs first (they may be lazy: all of them in one plan, so shared work is done once), then the op
      // itself, eagerly.
      const lazy = args.filter((a): a is Tensor => a instanceof Tensor && this.owns(a));
      // A write to a variable (assign, assignAdd) that pending nodes read: eagerly they would have read the old
      // value, so they are computed first (a training step's gradients, before its first update: one plan).
      const target = args[0];
      const readers = target instanceof Tensor && target.variable ? this.readersOf(target) : [];
      const wanted = [...lazy, ...readers];
      if (wanted.length > 0) this.flushSync(wanted);
      return unrecorded(() => entry.impl(...args));
    }
    const spec = encodeArgs(args, (t) => this.ref(t, op), op);
    const inferred = inferNode(entry, spec, (n, o) => ({ ...this.graph.nodes[n].outputs[o], device: this.graph.nodes[n].device }));
    const requested = scopedDevice();
    const node = this.graph.addNode({
      op, args: spec, ...inferred, device: inferred.device ?? currentDevice(), ...(requested ? { requested } : {}),
      location: nodeLocation(), sideEffect: entry.sideEffect, ...(backwardOf.current ? { grad: backwardOf.current } : {}),
    });
    return this.graph.resultOf(node);
  }

  /**
   * Computes the live, not yet computed node outputs that `wanted` needs (and every other live pending
   * output: one submission for all of them), binding their tensors to new storage.
   */
  flushSync(wanted: Tensor[]): Tensor[] {
    const g = this.graph;
    // What to compute: the tensors asked for, or (at the end of the block) every live pending tensor.
    // Other pending tensors stay lazy, so their producers can fuse into what is computed now.
    const pending = (t: Tensor) => !t.isDisposed && t.graph?.graph === g;
    const targets = wanted.length > 0 ? [...new Set(wanted.filter(pending))] : this.livePending();
    if (targets.length === 0) return wanted;
    lazyStats.flushes++;
    // A standalone graph of the pending nodes: captures become placeholders fed by copying on the device.
    const sub = new Graph();
    const feeds: { node: number; tensor: Tensor }[] = [];
    const map = copyNodes(g, sub, ancestors(g, targets.map((t) => t.graph!.node)), (node) => {
      if (node.op !== 'capture') return undefined;
      // The data stays where it is: its placeholder is placed on its device (as eager code would compute there).
      const p = withDevice(node.device, () => sub.placeholder(node.outputs[0].dtype, node.outputs[0].shape));
      feeds.push({ node: p.graph!.node, tensor: (node as GraphNode & { source?: Tensor }).source! });
      return p.graph!.node;
    });
    const outputs = targets.map((t) => [map.get(t.graph!.node)!, t.graph!.output] as [number, number]);
    if (this.options.onGraph) this.options.onGraph(exportGraph(sub, feeds, outputs));
    // Structure key: the sub-graph's ops, arguments, shapes and requested devices (not the data).
    const key = JSON.stringify(sub.nodes.map((n) => [n.op, n.args, n.outputs, n.requested ?? null])) + JSON.stringify(outputs);
    let entry = this.planCache.get(key);
    if (entry) lazyStats.planHits++;
    else {
      lazyStats.planMisses++;
      const session = new Session(sub, this.options);
      session.entry = 'withMode';
      session.randomState = eagerRandomState();
      entry = { graph: sub, session, inputs: feeds.map((f) => f.node), outputs };
      this.planCache.set(key, entry);
      if (this.planCache.size > PLAN_CACHE_MAX) {
        const [oldKey, old] = this.planCache.entries().next().value as [string, PlanEntry];
        old.session.close();
        this.planCache.delete(oldKey);
      }
    }
    const shapes = new Map(entry.inputs.map((n, i) => [n, [...feeds[i].tensor.shape]]));
    const c: CompiledPlan = entry.session.compiledFor(entry.outputs, shapes);
    // Each computed lazy tensor gets its own storage, written by the run itself where possible.
    const { fetches } = executeInto(c, new Map(entry.inputs.map((n, i) => [n, feeds[i].tensor])));
    fetches.forEach((storage, i) => targets[i].bindStorage(storage));
    this.compact();
    return wanted;
  }

  /**
   * Pending tensors whose value depends on the eager tensor `t` (through its capture nodes: the current one, and
   * those a compaction copied for tensors still pending from before the last flush).
   */
  private readersOf(t: Tensor): Tensor[] {
    const reads = new Set<number>();
    for (const n of this.graph.nodes) if (n.op === 'capture' && (n as GraphNode & { source?: Tensor }).source === t) reads.add(n.id);
    if (reads.size === 0) return [];
    for (let n = Math.min(...reads) + 1; n < this.graph.nodes.length; n++) {
      if (refsOf(this.graph.nodes[n].args).some(([m]) => reads.has(m))) reads.add(n);
    }
    return this.livePending().filter((p) => reads.has(p.graph!.node));
  }

  /** Pending (not computed, not disposed) tensors of the current graph. */
  private livePending(): Tensor[] {
    const g = this.graph;
    return g.nodes.flatMap((n) =>
      n.op === 'capture' ? [] : n.outputs.flatMap((_, o) => {
        const t = g.existingTensor(n.id, o);
        return t && !t.isDisposed && t.graph?.graph === g ? [t] : [];
      }),
    );
  }

  /**
   * Starts a new graph holding only what live pending tensors still need (they are re-pointed to it),
   * releasing captured inputs nobody needs: a long block neither holds old inputs nor walks old nodes.
   */
  private compact(): void {
    const old = this.graph;
    const live = this.livePending();
    const fresh = new Graph('lazy');
    // Uses after the flush capture afresh (so a loop body has the same structure every time round).
    this.captures = new Map();
    if (live.length > 0) {
      const map = copyNodes(old, fresh, ancestors(old, live.map((t) => t.graph!.node)), (node) => {
        if (node.op !== 'capture') return undefined;
        if (node.capture) node.capture.storage.refs++; // the new graph holds its own reference
        const added: GraphNode & { source?: Tensor } = fresh.addNode({ ...node, name: undefined });
        added.source = (node as GraphNode & { source?: Tensor }).source;
        return added.id;
      });
      live.forEach((t) => fresh.adoptTensor(t, map.get(t.graph!.node)!, t.graph!.output));
    }
    old.dispose();
    this.graph = fresh;
  }

  /** Releases the captured storages and the block's plans (the block is over). */
  dispose(): void {
    for (const e of this.planCache.values()) e.session.close();
    this.planCache.clear();
    this.graph.dispose();
  }
}

/** The readback hook: computes a lazy tensor, or explains that a graph tensor must be fetched. */
runtime.graphRead = async (t: Tensor): Promise<TypedArray> => {
  if (t.graph?.graph.kind === 'lazy') {
    const lg = currentLazy();
    if (!lg || !lg.owns(t)) throw new GraphModeError('data: this lazy tensor belongs to a withMode(\'graph\') block that has ended without computing it');
    lg.flushSync([t]);
    return t.data();
  }
  throw new GraphModeError(
    'data: this is a graph tensor (made inside g.build or while a wg.function traces); its value exists only when ' +
      'the graph runs: fetch it with `await sess.run(t)`, return it from the function, or print it with wg.print',
  );
};

/**
 * Runs `fn` in a mode. 'graph': ops are recorded and computed lazily, one optimised plan per readback.
 * 'eager': everything op by op (Sessions unoptimised, wg.functions eager), so a snippet can be timed both ways.
 * Blocks must nest: await one before starting another (two blocks under Promise.all are a ScopeError).
 */
export async function withMode<T>(mode: Mode, fn: () => Promise<T> | T, options: GraphOptions = {}): Promise<T> {
  checkMode(mode);
  const lazy = mode === 'graph' ? new LazyGraph(options) : undefined;
  // An eager block inside a recording one is a barrier: its ops run for real.
  const builder = lazy ?? null;
  const body = async () => {
    pushBuilder(builder);
    try {
      // softPlacement applies to eager ops of the block and to the graphs it computes.
      return await withSoftPlacement(Boolean(options.softPlacement ?? softPlacementOn()), async () => {
        const result = await fn();
        // The end of the block is a readback: every live lazy tensor is computed.
        lazy?.flushSync([]);
        return result;
      });
    } finally {
      popBuilder(builder);
    }
  };
  return modeBlock({ mode, options, lazy }, body, () => lazy?.dispose());
}

/** True unless ops are being recorded (graph building, tracing, or withMode('graph')). */
export function executingEagerly(): boolean {
  const m = currentMode();
  return !(m?.mode === 'graph') && !isRecording();
}

const isRecording = () => activeBuilder() !== undefined;

/**
 * A standalone copy of a flushed sub-graph for export: its fed inputs become captures of the data they
 * were fed (save() reads them back as constants), its computed values named outputs out0, out1…
 */
function exportGraph(sub: Graph, feeds: { node: number; tensor: Tensor }[], outputs: [number, number][]): Graph {
  const g = new Graph();
  const all = new Set(sub.nodes.map((n) => n.id));
  const map = copyNodes(sub, g, all, (node) => {
    const fed = feeds.find((f) => f.node === node.id);
    return fed ? g.addCapture(fed.tensor).id : undefined;
  });
  outputs.forEach(([n, o], i) => g.output(`out${i}`, g.tensorOf(map.get(n)!, o)));
  return g;
}
