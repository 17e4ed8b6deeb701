// Plans: a graph replayed for concrete feed shapes through the real op code against a recording backend,
// giving a fixed list of launches over virtual slots; compiled once per (graph, fetches, feed shapes) into
// a backend program with its own buffers, then run any number of times: feeds written, one submission.
// The replay (replayGraph) is the one graph evaluator: a Session under withMode('eager') runs the same
// node loop against real storage, node by node.
import type { DType } from '../core/dtype';
import { GraphModeError, ShapeError, formatLocation } from '../core/errors';
import { fmtShape } from '../core/shape';
import { type DeviceName, Tensor } from '../core/tensor';
import { currentDevice, logPlacement, placementLogging, placeOp, softPlaced, withDevice } from '../eager/devices';
import { materialize, view } from '../eager/dispatch';
import { tidy } from '../eager/scope';
import type { Graph, GraphNode } from './graph';
import type { Optimizations } from './mode';
import { enabled } from './passes/index';
import { finishPlacementReport, placeNodes, type Placement } from './placement';
import { opTable, type OpImpl, decodeArgs, describeResult, newRecorder, refsOf, virtualTensor, withRecorder } from './record';
import type { RecordingBackend, Slot } from './recorder';

export interface SlotRead {
  slot: Slot;
  offset: number;
  count: number;
  dtype: DType;
  shape: number[];
}

export interface Plan {
  rec: RecordingBackend;
  /** How the nodes were placed (the placement pass's report among it), and where each one ran. */
  placement: Placement;
  devices: Map<number, DeviceName>;
  fetches: SlotRead[];
  /** print nodes in program order: strings and tensors to format after the run. */
  prints: { node: GraphNode; items: (string | number | boolean | SlotRead)[] }[];
  feeds: { node: number; slot: Slot }[];
  variables: { node: number; slot: Slot }[];
  /** The graph's run hooks of the nodes this plan includes (called after each run). */
  onRun: (() => void)[];
}

/** The run hooks of the nodes in `need`. */
export function runHooksOf(g: Graph, need: Set<number>): (() => void)[] {
  return [...g.runHooks].filter(([n]) => need.has(n)).map(([, h]) => h);
}

/** `roots` and every node they depend on. */
export function ancestors(g: Graph, roots: Iterable<number>): Set<number> {
  const seen = new Set<number>();
  const visit = (n: number) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const [m] of refsOf(g.nodes[n].args)) visit(m);
    for (const m of g.nodes[n].control ?? []) visit(m);
  };
  for (const r of roots) visit(r);
  return seen;
}

/** Nodes needed for the fetches, plus every side effect (print, assign) whose inputs can be computed, unless deferred. */
export function neededNodes(g: Graph, fetches: [number, number][], fed: Set<number>): Set<number> {
  const need = ancestors(g, fetches.map(([n]) => n));
  // Side effects run whenever every placeholder they depend on is fed.
  const deps = (n: number, seen = new Set<number>()): boolean => {
    if (seen.has(n)) return true;
    seen.add(n);
    const node = g.nodes[n];
    if (node.op === 'placeholder') return fed.has(n);
    return refsOf(node.args).every(([m]) => deps(m, seen));
  };
  g.nodes.forEach((node) => {
    if (node.sideEffect && !node.deferred && !need.has(node.id) && deps(node.id)) ancestors(g, [node.id]).forEach((n) => need.add(n));
  });
  return need;
}

/**
 * Where the needed nodes run (placement.ts): with the placement pass, or (`pass` off) only where wg.device
 * blocks asked. Variables start on the device of their state (`variableDevice`), captures on their data's.
 */
export function placeGraph(g: Graph, need: Set<number>, variableDevice: (node: number) => DeviceName | undefined, pass: boolean): Placement {
  const source = (n: GraphNode): DeviceName =>
    n.op === 'variable' ? (variableDevice(n.id) ?? currentDevice()) : ((n.capture?.storage.owner.name as DeviceName | undefined) ?? n.device);
  return placeNodes(g, need, currentDevice(), source, pass);
}

/**
 * What a replay does with the nodes that are not op calls, and how it calls ops. Planning binds feeds,
 * variables and captures to slots of a recording backend and collects prints; a Session under
 * withMode('eager') binds them to real storage and prints as it goes.
 */
export interface ReplayEnv {
  placeholder(node: GraphNode): Tensor;
  variable(node: GraphNode): Tensor;
  capture(node: GraphNode): Tensor;
  print(node: GraphNode, args: unknown[]): void;
  /** Calls an op node's implementation. */
  call(node: GraphNode, impl: OpImpl, args: unknown[]): unknown;
  /** Wraps each node's evaluation (the planner attributes launches and placement to the node). */
  around?(node: GraphNode, evaluate: () => Tensor[]): Tensor[];
}

/**
 * The graph evaluator: the needed nodes in program order, each under the device placement chose for it,
 * through its op's own code, its outputs checked against the graph. Every needed placeholder must be fed
 * (`fed`), checked before any node runs. Returns the node outputs; the caller owns the tensors (a tidy or
 * a scope around the call).
 */
export function replayGraph(g: Graph, need: Set<number>, fed: Set<number>, placement: Placement, env: ReplayEnv): (n: number, o: number) => Tensor {
  for (const id of need) {
    const node = g.nodes[id];
    if (node.op === 'placeholder' && !fed.has(id)) throw new GraphModeError(`placeholder "${node.name}" must be fed (it is needed by the fetches)`);
  }
  const values = new Map<number, Tensor[]>();
  const get = (n: number, o: number) => {
    const outs = values.get(n);
    if (!outs || !outs[o]) throw new GraphModeError(`graph node %${g.nodes[n]?.name ?? n} has no output ${o}`);
    return outs[o];
  };
  for (const node of g.nodes) {
    if (!need.has(node.id)) continue;
    try {
      const scope = placement.scope.get(node.id);
      const evaluate = () => (scope ? withDevice(scope, () => evalNode(node, get, env)) : evalNode(node, get, env));
      values.set(node.id, env.around ? env.around(node, evaluate) : evaluate());
    } catch (e) {
      // Name the node and where it was built: the error surfaces at sess.run, far from that line.
      if (e instanceof Error && !e.message.includes('graph node')) {
        e.message += ` (graph node "${node.name}"${node.location ? ` built at ${formatLocation(node.location)}` : ''})`;
      }
      throw e;
    }
  }
  return get;
}

/** One node: structural kinds through the environment, ops through their implementation. */
function evalNode(node: GraphNode, get: (n: number, o: number) => Tensor, env: ReplayEnv): Tensor[] {
  switch (node.op) {
    case 'placeholder':
      return [env.placeholder(node)];
    case 'variable':
      return [env.variable(node)];
    case 'capture':
      return [env.capture(node)];
    case 'print':
      env.print(node, decodeArgs(node.args, get));
      return [];
    default: {
      const entry = opTable.get(node.op);
      if (!entry) throw new GraphModeError(`graph node "${node.name}": unknown op "${node.op}"`);
      const outs = describeResult(env.call(node, entry.impl, decodeArgs(node.args, get))).tensors;
      if (node.op === 'assign' || node.op === 'assignAdd') outs.forEach((t) => (t.variable = true));
      outs.forEach((t, i) => {
        const want = node.outputs[i];
        const bad = !want || want.dtype !== t.dtype || want.shape.length !== t.rank || want.shape.some((d, k) => d >= 0 && d !== t.shape[k]);
        if (bad) {
          throw new ShapeError(
            `graph node "${node.name}" (${node.op}) produced ${t.dtype} ${fmtShape(t.shape)} but the graph says ` +
              `${want ? `${want.dtype} [${want.shape.map((d) => (d < 0 ? '?' : d)).join(',')}]` : 'no such output'}`,
            { op: node.op, location: node.location },
          );
        }
      });
      return outs;
    }
  }
}

/**
 * Replays the needed nodes with concrete shapes (feeds and variables as given) against a recording
 * backend, and records the launches and where each node ran.
 */
export function buildPlan(
  g: Graph,
  fetches: [number, number][],
  feedShapes: Map<number, number[]>,
  variableShapes: Map<number, { shape: number[]; dtype: DType; device: DeviceName }>,
  options: Optimizations = {},
): Plan {
  const fed = new Set(feedShapes.keys());
  const need = neededNodes(g, fetches, fed);
  const rec = newRecorder();
  const placement = placeGraph(g, need, (id) => variableShapes.get(id)?.device, enabled(options, 'placement'));
  const plan: Plan = { rec, placement, devices: new Map(), fetches: [], prints: [], feeds: [], variables: [], onRun: runHooksOf(g, need) };
  let softMoved = 0;
  const slotOf = (t: Tensor, kind: 'feed' | 'variable', node: GraphNode, list: Plan['feeds']) => {
    if (!t.storage) return;
    const slot = t.storage.handle as Slot;
    slot.kind = kind;
    slot.node = node.id;
    list.push({ node: node.id, slot });
  };
  const env: ReplayEnv = {
    placeholder(node) {
      // Fed values go where the placement (and soft placement, for a feed over WebGPU's limits) puts them.
      const shape = feedShapes.get(node.id)!;
      const t = virtualTensor(rec, shape, node.outputs[0].dtype, placeOp(`placeholder "${node.name}"`, [], shape));
      slotOf(t, 'feed', node, plan.feeds);
      return t;
    },
    variable(node) {
      const v = variableShapes.get(node.id);
      if (!v) throw new GraphModeError(`variable "${node.name}" has no value in this session`);
      const t = virtualTensor(rec, v.shape, v.dtype, v.device);
      slotOf(t, 'variable', node, plan.variables);
      t.variable = true;
      return t;
    },
    capture(node) {
      const c = node.capture;
      if (!c) return virtualTensor(rec, node.outputs[0].shape, node.outputs[0].dtype, node.device);
      const device = c.storage.owner.name;
      const slot = rec.slot(c.storage.bytes, 'external', device, { external: c.storage.handle });
      const base = new Tensor([c.storage.bytes / 4], node.outputs[0].dtype, { owner: rec.on(device, 'capture'), handle: slot, bytes: c.storage.bytes, refs: 0 }, device);
      const t = view(base, c.shape, c.strides, c.offset);
      if (c.variable) t.variable = true;
      return t;
    },
    print(node, args) {
      const items = args.map((a) => (a instanceof Tensor ? readOf(a) : typeof a === 'object' ? JSON.stringify(a) : (a as string | number | boolean)));
      plan.prints.push({ node, items });
    },
    call: (_node, impl, args) => impl(...args),
    around(node, evaluate) {
      const first = rec.launches.length;
      const { result: outs, softReason } = softPlaced(evaluate);
      for (let i = first; i < rec.launches.length; i++) rec.launches[i].nodes = [node.id];
      const placed = outs[0]?.device ?? rec.launches[rec.launches.length - 1]?.device;
      if (placed && node.op !== 'print') {
        plan.devices.set(node.id, placed);
        if (softReason) softMoved++;
        const what = `graph node "${node.name}" (${node.op})`;
        if (softReason) console.warn(`wgflow: soft placement: ${what} runs on the CPU: ${softReason}`);
        if (placementLogging()) logPlacement(what, placed, node.location, softReason && `soft placement (${softReason})`);
      }
      return outs;
    },
  };
  withRecorder(rec, () =>
    tidy(() => {
      const get = replayGraph(g, need, fed, placement, env);
      plan.fetches = fetches.map(([n, o]) => readOf(get(n, o)));
    }),
  );
  finishPlacementReport(placement, plan.devices, softMoved);
  return plan;
}

/** A contiguous slot range holding the tensor's value (a copy kernel for strided views). */
function readOf(t: Tensor): SlotRead {
  const c = t.isContiguous ? t : materialize(t);
  const slot = c.storage?.handle as Slot | undefined;
  return { slot: slot!, offset: c.offset, count: Math.max(c.size, 0), dtype: c.dtype, shape: [...c.shape] };
}
