// Plans: a graph replayed for concrete feed shapes through the real op code against a recording backend,
// giving a fixed list of launches over virtual slots; compiled once per (graph, fetches, feed shapes) into
// a backend program with its own buffers, then run any number of times: feeds written, one submission.
import type { Backend, StorageArray } from '../backend/backend';
import type { DType } from '../core/dtype';
import { GraphModeError, ShapeError, formatLocation } from '../core/errors';
import { profiling, type NodeSources } from '../core/profile';
import { fmtShape } from '../core/shape';
import { type DeviceName, type Storage, Tensor } from '../core/tensor';
import { currentDevice, logPlacement, placementLogging, placeOp, takeSoftReason, withDevice } from '../eager/devices';
import { materialize, view } from '../eager/dispatch';
import { finishPlacementReport, placeNodes, type Placement } from './placement';
import { tidy } from '../eager/scope';
import type { Launch } from '../ir/kernel';
import { ancestors, type Graph, type GraphNode } from './graph';
import type { Optimizations } from './mode';
import { enabled, optimizeLaunches, snapshot, type LaunchSnapshot, type PassContext, type PassReport } from './passes/index';
import { OPS, decodeArgs, describeResult, newRecorder, refsOf, virtualTensor, withRecorder } from './record';
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
}

/** Nodes needed for the fetches, plus every side effect (print, assign) whose inputs can be computed. */
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
    if (node.sideEffect && !need.has(node.id) && deps(node.id)) ancestors(g, [node.id]).forEach((n) => need.add(n));
  });
  return need;
}

/**
 * Replays the needed nodes with concrete shapes (feeds and variables as given) and records the launches.
 * `external(node)` gives real tensors for captures.
 */
export function buildPlan(
  g: Graph,
  fetches: [number, number][],
  feedShapes: Map<number, number[]>,
  variableShapes: Map<number, { shape: number[]; dtype: DType; device: DeviceName }>,
  options: Optimizations = {},
): Plan {
  const need = neededNodes(g, fetches, new Set(feedShapes.keys()));
  const rec = newRecorder();
  const sourceDevice = (n: GraphNode): DeviceName =>
    n.op === 'variable' ? (variableShapes.get(n.id)?.device ?? currentDevice()) : ((n.capture?.storage.owner.name as DeviceName | undefined) ?? n.device);
  const placement = placeNodes(g, need, currentDevice(), sourceDevice, enabled(options, 'placement'));
  const plan: Plan = { rec, placement, devices: new Map(), fetches: [], prints: [], feeds: [], variables: [] };
  let softMoved = 0;
  withRecorder(rec, () =>
    tidy(() => {
      const env = new Map<number, Tensor[]>();
      const get = (n: number, o: number) => {
        const outs = env.get(n);
        if (!outs || !outs[o]) throw new GraphModeError(`graph node %${g.nodes[n]?.name ?? n} has no output ${o}`);
        return outs[o];
      };
      for (const node of g.nodes) {
        if (!need.has(node.id)) continue;
        try {
          const first = rec.launches.length;
          const scope = placement.scope.get(node.id);
          takeSoftReason();
          const replay = () => replayNode(g, node, get, rec, plan, feedShapes, variableShapes);
          const outs = scope ? withDevice(scope, replay) : replay();
          env.set(node.id, outs);
          for (let i = first; i < rec.launches.length; i++) rec.launches[i].nodes = [node.id];
          const placed = outs[0]?.device ?? rec.launches[rec.launches.length - 1]?.device;
          if (placed && node.op !== 'print') {
            plan.devices.set(node.id, placed);
            const soft = takeSoftReason();
            if (soft) softMoved++;
            const what = `graph node "${node.name}" (${node.op})`;
            if (soft) console.warn(`wgflow: soft placement: ${what} runs on the CPU: ${soft}`);
            if (placementLogging()) logPlacement(what, placed, node.location, soft && `soft placement (${soft})`);
          }
        } catch (e) {
          // Name the node and where it was built: the error surfaces at sess.run, far from that line.
          if (e instanceof Error && !e.message.includes('graph node')) {
            e.message += ` (graph node "${node.name}"${node.location ? ` built at ${formatLocation(node.location)}` : ''})`;
          }
          throw e;
        }
      }
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

function replayNode(
  g: Graph,
  node: GraphNode,
  get: (n: number, o: number) => Tensor,
  rec: RecordingBackend,
  plan: Plan,
  feedShapes: Map<number, number[]>,
  variableShapes: Map<number, { shape: number[]; dtype: DType; device: DeviceName }>,
): Tensor[] {
  switch (node.op) {
    case 'placeholder': {
      const shape = feedShapes.get(node.id);
      if (!shape) throw new GraphModeError(`placeholder "${node.name}" must be fed (it is needed by the fetches)`);
      // Fed values go where the placement (and soft placement, for a feed over WebGPU's limits) puts them.
      const t = virtualTensor(rec, shape, node.outputs[0].dtype, placeOp(`placeholder "${node.name}"`, [], shape));
      if (t.storage) {
        (t.storage.handle as Slot).kind = 'feed';
        (t.storage.handle as Slot).node = node.id;
        plan.feeds.push({ node: node.id, slot: t.storage.handle as Slot });
      }
      return [t];
    }
    case 'variable': {
      const v = variableShapes.get(node.id);
      if (!v) throw new GraphModeError(`variable "${node.name}" has no value in this session`);
      const t = virtualTensor(rec, v.shape, v.dtype, v.device);
      if (t.storage) {
        (t.storage.handle as Slot).kind = 'variable';
        (t.storage.handle as Slot).node = node.id;
        plan.variables.push({ node: node.id, slot: t.storage.handle as Slot });
      }
      t.variable = true;
      return [t];
    }
    case 'capture': {
      const c = node.capture;
      if (!c) return [virtualTensor(rec, node.outputs[0].shape, node.outputs[0].dtype, node.device)];
      const device = c.storage.owner.name;
      const slot = rec.slot(c.storage.bytes, 'external', device, { external: c.storage.handle });
      const base = new Tensor([c.storage.bytes / 4], node.outputs[0].dtype, { owner: rec.on(device, 'capture'), handle: slot, bytes: c.storage.bytes, refs: 0 }, device);
      return [view(base, c.shape, c.strides, c.offset)];
    }
    case 'print': {
      const args = decodeArgs(node.args, get);
      plan.prints.push({
        node,
        items: args.map((a) => (a instanceof Tensor ? readOf(a) : typeof a === 'object' ? JSON.stringify(a) : (a as string | number | boolean))),
      });
      return [];
    }
    default: {
      const entry = OPS.get(node.op);
      if (!entry) throw new GraphModeError(`graph node "${node.name}": unknown op "${node.op}"`);
      const result = entry.impl(...decodeArgs(node.args, get));
      const outs = describeResult(result).tensors;
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

