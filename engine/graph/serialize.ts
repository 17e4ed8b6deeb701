// Graph ⇄ JSON: a versioned format of nodes (op, arguments with references, outputs), named outputs, and
// constant data (base64). Loading validates every field and re-records the nodes, so shapes are checked
// again: a tampered file fails with a SerializationError naming the problem, never deep inside.
import { DTYPES, type DType, storageArray } from '../core/dtype';
import { SerializationError, WgError } from '../core/errors';
import type { GradOf } from '../core/profile';
import { Tensor } from '../core/tensor';
import type { ArgSpec, Graph, GraphNode, NodeOutput } from './graph';
import { validateArgs } from '../ops/registry';
import { type Builder, opTable, decodeArgs, toBase64, withBuilder } from './record';
import { gpuUnavailable, withDevice } from '../eager/devices';

export const FORMAT = 'wgflow.graph';
export const VERSION = 1;

export interface GraphJSON {
  format: typeof FORMAT;
  version: number;
  nodes: {
    id: number;
    name: string;
    op: string;
    args: ArgSpec[];
    outputs: NodeOutput[];
    /** Where the node ran when it was built (informational). */
    device: string;
    /** The device a wg.device block asked for: kept on load unless `clearDevices`. */
    requested?: 'webgpu' | 'cpu';
    sideEffect: boolean;
    location?: { file: string; line: number; column: number };
    /** The wg.nameScope path it was recorded in (optional: files without it load with no scopes). */
    scope?: string;
    /** A backward-pass node: the forward op it differentiates (optional). */
    grad?: GradOf;
    /** Control dependencies (earlier node ids) and the deferred flag of a TensorFlow 1 train op (optional). */
    control?: number[];
    deferred?: boolean;
  }[];
  outputs: Record<string, [number, number]>;
}

/** JSON of a graph whose captured tensors' data is given (from host copies, or read back by save()). */
export function graphToJSON(g: Graph, captured: Map<number, { data: ArrayLike<number>; dtype: DType; shape: number[] }>): GraphJSON {
  const nodes = g.nodes.map((n) => {
    let op = n.op;
    let args = n.args;
    if (n.op === 'capture') {
      const c = captured.get(n.id);
      if (!c) {
        throw new SerializationError(
          `toJSON: node "${n.name}" captured a tensor whose data lives only on the device; use \`await g.save()\`, ` +
            'which reads it back and returns the same JSON',
        );
      }
      const data = storageArray(c.dtype, c.data.length);
      data.set(Array.from(c.data));
      op = 'tensor';
      const ctor = data.constructor.name as 'Float32Array' | 'Int32Array' | 'Uint32Array';
      args = [{ $typed: ctor, base64: toBase64(new Uint8Array(data.buffer)) }, c.shape, c.dtype];
    }
    return {
      id: n.id,
      name: n.name,
      op,
      args,
      outputs: n.outputs.map((o) => ({ shape: [...o.shape], dtype: o.dtype })),
      device: n.device,
      ...(n.requested ? { requested: n.requested } : {}),
      sideEffect: n.sideEffect,
      ...(n.location ? { location: { ...n.location } } : {}),
      ...(n.scope !== undefined ? { scope: n.scope } : {}),
      ...(n.grad ? { grad: { ...n.grad } } : {}),
      ...(n.control ? { control: [...n.control] } : {}),
      ...(n.deferred ? { deferred: true } : {}),
    };
  });
  const outputs = Object.fromEntries([...g.outputs].map(([k, t]) => [k, [t.graph!.node, t.graph!.output] as [number, number]]));
  return { format: FORMAT, version: VERSION, nodes, outputs };
}

/** Reads captured data back from the device (for save()). */
export async function readCaptures(g: Graph): Promise<Map<number, { data: ArrayLike<number>; dtype: DType; shape: number[] }>> {
  const out = new Map<number, { data: ArrayLike<number>; dtype: DType; shape: number[] }>();
  for (const n of g.nodes) {
    if (n.op !== 'capture') continue;
    const c = n.capture;
    const shape = [...n.outputs[0].shape];
    if (!c) {
      out.set(n.id, { data: [], dtype: n.outputs[0].dtype, shape });
      continue;
    }
    const t = new Tensor(c.shape, n.outputs[0].dtype, c.storage, n.device, c.strides, c.offset);
    try {
      out.set(n.id, { data: await t.data(), dtype: t.dtype, shape });
    } finally {
      t.dispose();
    }
  }
  return out;
}

// ---- loading ----

const fail = (msg: string): never => {
  throw new SerializationError(`Graph.fromJSON: ${msg}`);
};

function checkArg(s: unknown, where: string, nodeId: number, nodes: GraphJSON['nodes']): void {
  if (s === null || typeof s === 'boolean' || typeof s === 'string') return;
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) fail(`${where}: invalid number`);
    return;
  }
  if (Array.isArray(s)) return s.forEach((x, i) => checkArg(x, `${where}[${i}]`, nodeId, nodes));
  if (typeof s !== 'object') return fail(`${where}: unexpected ${typeof s}`);
  const o = s as Record<string, unknown>;
  if ('$ref' in o) {
    const r = o.$ref;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isInteger(x) && (x as number) >= 0)) fail(`${where}: malformed reference`);
    const [n, k] = r as [number, number];
    if (n >= nodeId) fail(`${where}: reference to node ${n} from node ${nodeId} (dangling, or a cycle: nodes may only use earlier nodes)`);
    if (k >= nodes[n].outputs.length) fail(`${where}: node ${n} has no output ${k}`);
    return;
  }
  if ('$num' in o) {
    if (!['NaN', 'Infinity', '-Infinity', '-0'].includes(o.$num as string)) fail(`${where}: bad $num`);
    return;
  }
  if ('$undefined' in o) return;
  if ('$typed' in o) {
    const ok = ['Float32Array', 'Int32Array', 'Uint32Array', 'Uint8Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Uint16Array', 'Uint8ClampedArray'];
    if (!ok.includes(o.$typed as string) || typeof o.base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.base64)) {
      fail(`${where}: malformed binary data`);
    }
    return;
  }
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('$')) fail(`${where}: unknown tag ${k}`);
    checkArg(v, `${where}.${k}`, nodeId, nodes);
  }
}

/** A node's `grad` field as a file may hold it. */
function isGradOf(g: unknown): g is GradOf {
  if (!g || typeof g !== 'object' || Array.isArray(g)) return false;
  const o = g as Record<string, unknown>;
  const opt = (k: string, t: 'string' | 'number') => o[k] === undefined || typeof o[k] === t;
  return typeof o.op === 'string' && opt('node', 'string') && opt('file', 'string') && opt('line', 'number') && opt('column', 'number')
    && Object.keys(o).every((k) => ['op', 'node', 'file', 'line', 'column'].includes(k));
}

export interface LoadOptions {
  /** Drop the devices the graph's wg.device blocks asked for: every node is placed by the rule here. */
  clearDevices?: boolean;
}

/** Loads JSON into `g`, a new empty graph, recording its nodes through `b`, its builder (Graph.fromJSON). */
export function loadGraphJSON(input: unknown, options: LoadOptions, g: Graph, b: Builder): void {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      fail(`not valid JSON (${(e as Error).message}); the file may be truncated`);
    }
  }
  if (!json || typeof json !== 'object') return fail('expected an object');
  const j = json as Partial<GraphJSON>;
  if (j.format !== FORMAT) fail(`not a wgflow graph (format ${JSON.stringify(j.format)})`);
  if (j.version !== VERSION) fail(`unsupported version ${JSON.stringify(j.version)}; this wgflow reads version ${VERSION}`);
  if (!Array.isArray(j.nodes)) return fail('"nodes" must be an array');
  const nodes = j.nodes;
  nodes.forEach((n, i) => {
    const at = `node ${i}`;
    if (!n || typeof n !== 'object') fail(`${at}: not an object`);
    if (n.id !== i) fail(`${at}: id ${JSON.stringify(n.id)} out of order (nodes must be listed by id)`);
    if (typeof n.name !== 'string' || !n.name) fail(`${at}: missing name`);
    if (typeof n.op !== 'string') fail(`${at}: missing op`);
    if (n.op !== 'placeholder' && !opTable.has(n.op)) fail(`${at} ("${n.name}"): unknown op "${n.op}"`);
    if (!Array.isArray(n.args)) fail(`${at}: args must be an array`);
    if (!Array.isArray(n.outputs)) fail(`${at}: outputs must be an array`);
    n.outputs.forEach((o, k) => {
      if (!o || !Array.isArray(o.shape) || !o.shape.every((d) => Number.isInteger(d) && d >= -1) || !DTYPES.includes(o.dtype)) {
        fail(`${at}: output ${k} has a bad shape or dtype`);
      }
    });
    checkArg(n.args, `${at} args`, i, nodes);
    if (n.requested !== undefined && n.requested !== 'webgpu' && n.requested !== 'cpu') fail(`${at}: requested device must be 'webgpu' or 'cpu'`);
    if (n.scope !== undefined && (typeof n.scope !== 'string' || n.scope === '')) fail(`${at}: scope must be a non-empty string`);
    if (n.grad !== undefined && !isGradOf(n.grad)) fail(`${at}: grad must be { op: string, node?: string, file?: string, line?: number, column?: number }`);
    if (n.control !== undefined && (!Array.isArray(n.control) || !n.control.every((m) => Number.isInteger(m) && m >= 0 && m < i))) {
      fail(`${at}: control must be a list of earlier node ids`);
    }
    if (n.deferred !== undefined && typeof n.deferred !== 'boolean') fail(`${at}: deferred must be a boolean`);
  });
  if (!j.outputs || typeof j.outputs !== 'object') fail('"outputs" must be an object of name → [node, output]');
  for (const [k, r] of Object.entries(j.outputs!)) {
    if (!Array.isArray(r) || r.length !== 2 || !Number.isInteger(r[0]) || r[0] < 0 || r[0] >= nodes.length || !Number.isInteger(r[1]) || r[1] < 0 || r[1] >= nodes[r[0]].outputs.length) {
      fail(`output "${k}" refers to a missing node output`);
    }
  }

  // Re-record every node through the same code that built it: shapes and dtypes are checked again.
  for (const n of nodes) {
    try {
      let node: GraphNode;
      const requested = options.clearDevices ? undefined : n.requested;
      // A device this machine lacks (WebGPU in a plain Node) is kept as the node's request; Sessions then
      // refuse it, or move the node with softPlacement. Shapes are checked on a device that is here.
      const scope = requested === 'webgpu' && gpuUnavailable() ? undefined : requested;
      const record = () => {
        if (n.op === 'placeholder') {
          const [dtype, shape, name] = n.args as [DType, (number | null)[], string | null];
          g.placeholder(dtype, shape, name ?? undefined);
        } else {
          const args = decodeArgs(n.args, (m, k) => g.tensorOf(m, k));
          const entry = opTable.get(n.op)!;
          validateArgs(`Graph.fromJSON: node ${n.id} ("${n.name}")`, n.op, entry.spec, args, (v) => v instanceof Tensor);
          withBuilder(b, () => b.record(n.op, entry, args));
        }
        return g.nodes[g.nodes.length - 1];
      };
      node = scope ? withDevice(scope, record) : record();
      if (requested) node.requested = requested;
      if (node.id !== n.id) fail(`node ${n.id} ("${n.name}") was recorded as ${node.id}`);
      const same = node.outputs.length === n.outputs.length && node.outputs.every((o, k) => o.dtype === n.outputs[k].dtype && o.shape.join() === n.outputs[k].shape.join());
      if (!same) fail(`node ${n.id} ("${n.name}", ${n.op}): the file says its outputs are ${JSON.stringify(n.outputs)}, but the op gives ${JSON.stringify(node.outputs)}`);
      node.name = n.name;
      node.location = n.location;
      if (n.scope !== undefined) node.scope = n.scope;
      else delete node.scope;
      if (n.grad) node.grad = { ...n.grad };
      if (n.control) node.control = [...n.control];
      if (n.deferred) node.deferred = true;
    } catch (e) {
      if (e instanceof SerializationError) throw e;
      if (e instanceof WgError || e instanceof Error) fail(`node ${n.id} ("${n.name}", ${n.op}) does not load: ${e.message}`);
      throw e;
    }
  }
  for (const [k, [n, o]] of Object.entries(j.outputs!)) g.outputs.set(k, g.tensorOf(n, o));
}
