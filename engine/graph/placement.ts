// Device placement of a plan's nodes. The rule is the eager one (eager/devices.ts: a requested device,
// else the device the inputs share, else the default device), predicted here for every node so that the
// placement pass can look ahead: a node without tensor inputs (a feed, a constant) whose readers all run on
// the CPU goes to the CPU with them, and so does a tiny computation (scalars, index math) between CPU
// nodes, instead of a GPU round trip. Replay then runs each node under the device chosen here.
import type { DeviceName } from '../core/tensor';
import { parseDevice } from '../eager/devices';
import type { Graph, GraphNode } from './graph';
import type { PassReport } from './passes/index';
import { refsOf } from './record';

/** Outputs up to this many elements count as tiny (shape-like values, scalars, index math). */
const TINY_ELEMENTS = 64;

/** Nodes whose device the op itself fixes (and which the pass never moves). */
const PINNED = new Set(['variable', 'capture', 'to', 'assign', 'assignAdd', 'print']);

export interface Placement {
  /** The device each node is replayed under (a wg.device scope); absent: the rule decides at replay. */
  scope: Map<number, DeviceName>;
  /** The placement pass's report (when it ran). */
  report?: PassReport;
}

export function placeNodes(
  g: Graph,
  need: Set<number>,
  defaultDevice: DeviceName,
  /** Where a variable's state or a captured tensor lives. */
  sourceDevice: (node: GraphNode) => DeviceName,
  pass: boolean,
): Placement {
  const nodes = g.nodes.filter((n) => need.has(n.id));
  const inputsOf = new Map(nodes.map((n) => [n.id, [...new Set(refsOf(n.args).map(([m]) => m))]]));
  const override = new Map<number, DeviceName>();
  const predict = (): Map<number, DeviceName> => {
    const dev = new Map<number, DeviceName>();
    for (const n of nodes) {
      const ins = inputsOf.get(n.id)!.map((m) => dev.get(m)).filter((d): d is DeviceName => d !== undefined);
      dev.set(n.id, override.get(n.id) ?? ruleDevice(n, ins, defaultDevice, sourceDevice));
    }
    return dev;
  };
  let dev = predict();
  const scope = new Map<number, DeviceName>();
  for (const n of nodes) if (n.requested) scope.set(n.id, n.requested);
  if (!pass) return { scope };

  const readers = new Map<number, number[]>();
  for (const n of nodes) {
    if (n.op === 'print') continue;
    for (const m of inputsOf.get(n.id)!) (readers.get(m) ?? readers.set(m, []).get(m)!).push(n.id);
  }
  const crossings = (d: Map<number, DeviceName>) =>
    nodes.reduce((k, n) => k + new Set((readers.get(n.id) ?? []).map((r) => d.get(r)).filter((x) => x !== d.get(n.id))).size, 0);
  const before = crossings(dev);
  const movable = (n: GraphNode) => !n.requested && !PINNED.has(n.op) && n.outputs.length > 0;
  const isSource = (n: GraphNode) => inputsOf.get(n.id)!.length === 0;
  const tiny = (n: GraphNode) => n.outputs.every((o) => o.shape.every((d) => d >= 0) && o.shape.reduce((p, d) => p * d, 1) <= TINY_ELEMENTS);
  // Readers are decided before the nodes they read: walk backwards.
  for (const n of [...nodes].reverse()) {
    if (!movable(n) || dev.get(n.id) !== 'webgpu') continue;
    const rs = readers.get(n.id) ?? [];
    if (rs.length === 0 || rs.some((r) => dev.get(r) !== 'cpu')) continue;
    const inputsOk = inputsOf.get(n.id)!.every((m) => dev.get(m) === 'cpu' || (movable(g.nodes[m]) && isSource(g.nodes[m])));
    if (isSource(n) || (tiny(n) && inputsOk)) {
      override.set(n.id, 'cpu');
      dev.set(n.id, 'cpu');
    }
  }
  dev = predict();
  for (const [id, d] of override) scope.set(id, d);
  const after = crossings(dev);
  return {
    scope,
    report: {
      pass: 'placement',
      removed: Math.max(0, before - after),
      detail:
        `${override.size} node${override.size === 1 ? '' : 's'} kept on the CPU with ${override.size === 1 ? 'its' : 'their'} readers ` +
        `(${before - after} transfer${before - after === 1 ? '' : 's'} avoided)`,
    },
  };
}

/** Completes the report once the nodes ran: where they ended up, soft placement included. */
export function finishPlacementReport(p: Placement, devices: Map<number, DeviceName>, softMoved: number): void {
  if (!p.report) return;
  const count = (d: DeviceName) => [...devices.values()].filter((x) => x === d).length;
  const soft = softMoved > 0 ? `; soft placement moved ${softMoved} to the CPU` : '';
  p.report.detail += `; webgpu ${count('webgpu')} nodes, cpu ${count('cpu')}${soft}`;
}

/** The eager placement rule for a node, given its inputs' devices. */
function ruleDevice(n: GraphNode, inputs: DeviceName[], dflt: DeviceName, sourceDevice: (node: GraphNode) => DeviceName): DeviceName {
  switch (n.op) {
    case 'variable':
    case 'capture':
      return sourceDevice(n);
    case 'to':
      return parseDevice(n.args[1], 'to');
    case 'assign':
    case 'assignAdd':
      return inputs[0] ?? dflt;
    default:
      if (n.requested) return n.requested;
      return inputs.length > 0 && inputs.every((d) => d === inputs[0]) ? inputs[0] : dflt;
  }
}
