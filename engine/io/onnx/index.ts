// wgflow/onnx: graphs built or trained in wgflow, written as ONNX models (a serialized ModelProto) for ONNX
// Runtime and every other ONNX engine. Its own package entry (dist/wgflow-onnx.js), reaching the engine only
// through its public module, so a page that imports both has one engine.
// `toONNX(graph | fn, { opset, exampleArgs, inputNames, outputNames })` → Promise<Uint8Array>.
import { Graph, Session, Tensor, type DType, type OpName, type WgFunction } from '../../index';
import { NodeContext, OnnxBuilder, describeNode, type ArgSpec, type GraphNode } from './context';
import { OnnxExportError } from './errors';
import { EXPORTERS, type OpExporter } from './ops';
import { encodeModel, type Dim, type OnnxDType, type ValueInfoProto } from './proto';

export { OnnxExportError } from './errors';

export interface ToONNXOptions {
  /** The ONNX opset to write, 13 to 21 (default 17). */
  opset?: number;
  /** A wg.function's arguments to trace it with (tensors give the inputs' dtypes and shapes). */
  exampleArgs?: unknown[];
  /** The graph inputs' names: a Graph's placeholders in creation order, a function's tensor arguments in order. */
  inputNames?: string[];
  /** A Graph: which outputs (output or node names; default every named output). A function: its outputs' names. */
  outputNames?: string[];
}

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;
const OPTIONS = ['opset', 'exampleArgs', 'inputNames', 'outputNames'];
const PRODUCER_VERSION = '0.1.0';

/** The IR version each opset came with (ONNX's versioning table). */
const irVersion = (opset: number) => (opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/** Whether an op can be exported; its reason when not (undefined for ops that are not registry ops). */
export function exportable(op: string): true | string | undefined {
  const e = (EXPORTERS as Record<string, OpExporter>)[op];
  if (!e) return undefined;
  return 'notExportable' in e ? e.notExportable : true;
}

function fail(msg: string): never {
  throw new OnnxExportError(`toONNX: ${msg}`);
}

function checkOptions(options: unknown): Required<Pick<ToONNXOptions, 'opset'>> & ToONNXOptions {
  if (options === undefined) return { opset: DEFAULT_OPSET };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(`options must be an object like { opset: 17 }, got ${String(options)}`);
  const o = options as ToONNXOptions;
  const unknown = Object.keys(o).filter((k) => !OPTIONS.includes(k));
  if (unknown.length) fail(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (options: ${OPTIONS.join(', ')})`);
  const opset = o.opset ?? DEFAULT_OPSET;
  if (typeof opset !== 'number' || !Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    fail(`opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${JSON.stringify(opset)}`);
  }
  for (const k of ['inputNames', 'outputNames'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || !s)) fail(`${k} must be an array of non-empty strings`);
    if (new Set(v).size !== v.length) fail(`${k} has a name twice: ${JSON.stringify(v)}`);
  }
  if (o.exampleArgs !== undefined && !Array.isArray(o.exampleArgs)) fail('exampleArgs must be an array of the function\'s arguments');
  return { ...o, opset };
}

const isWgFunction = (f: unknown): f is WgFunction<(...args: any[]) => any> => typeof f === 'function' && typeof (f as { getGraph?: unknown }).getGraph === 'function';

/**
 * Traces a wg.function into a Graph of its own: a placeholder per tensor argument, the body inlined (a
 * wg.function called while a graph records becomes part of it), every tensor of the result an output.
 */
function traceFunction(fn: WgFunction<(...args: any[]) => any>, args: unknown[], inputNames: string[] | undefined, outputNames: string[] | undefined): { graph: Graph; outputs: [string, Tensor][]; owned: true } {
  const graph = new Graph();
  let k = 0;
  const tensors: Tensor[] = [];
  const collect = (v: unknown): void => {
    if (v instanceof Tensor) tensors.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(collect);
  };
  args.forEach(collect);
  if (inputNames && inputNames.length !== tensors.length) fail(`inputNames has ${inputNames.length} names for ${tensors.length} tensor arguments`);
  const result = graph.build(() => {
    const placeholders = tensors.map((t, i) => graph.placeholder(t.dtype, [...t.shape], inputNames?.[i] ?? `arg${i}`));
    const map = (v: unknown): unknown => {
      if (v instanceof Tensor) return placeholders[k++];
      if (Array.isArray(v)) return v.map(map);
      if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, map(x)]));
      return v;
    };
    return fn(...args.map(map));
  });
  const outs: [string, Tensor][] = [];
  const walk = (v: unknown, path: string): void => {
    if (v instanceof Tensor) outs.push([path, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, path ? `${path}_${i}` : `output_${i}`));
    else if (v && typeof v === 'object') for (const [key, x] of Object.entries(v)) walk(x, path ? `${path}_${key}` : key);
  };
  walk(result, '');
  if (outs.length === 1 && outs[0][0] === '') outs[0][0] = 'output';
  if (outs.length === 0) fail('the function returned no tensor');
  if (outputNames) {
    if (outputNames.length !== outs.length) fail(`outputNames has ${outputNames.length} names for the function's ${outs.length} outputs`);
    outputNames.forEach((n, i) => (outs[i][0] = n));
  }
  for (const [, t] of outs) if (t.graph?.graph !== graph) fail('the function returned a tensor that does not depend on its graph (an eager tensor): return graph results');
  return { graph, outputs: outs, owned: true };
}

/** The outputs of a Graph: the named ones (default), or those `names` pick (output or node names). */
function graphOutputs(g: Graph, names: string[] | undefined): [string, Tensor][] {
  if (!names) {
    if (g.outputs.size === 0) fail('the graph has no named outputs: return a record from g.build, call g.output(name, t), or give outputNames');
    return [...g.outputs];
  }
  return names.map((n) => {
    const t = g.lookup(n);
    if (!t) fail(`outputNames: the graph has no output or node named ${JSON.stringify(n)}`);
    return [n, t];
  });
}

const refsOf = (s: ArgSpec, into: [number, number][] = []): [number, number][] => {
  if (s === null || typeof s !== 'object') return into;
  if (Array.isArray(s)) s.forEach((x) => refsOf(x, into));
  else if ('$ref' in s) into.push(s.$ref as [number, number]);
  else if (!('$typed' in s) && !('$num' in s)) Object.values(s).forEach((x) => refsOf(x as ArgSpec, into));
  return into;
};

/** Nodes whose values wgflow computes at export time and writes as initializers. */
const isValueNode = (n: GraphNode) => n.op === 'variable' || n.op === 'capture' || (EXPORTERS as Record<string, OpExporter>)[n.op] && 'fold' in (EXPORTERS as Record<string, OpExporter>)[n.op];

const onnxDType = (d: DType): OnnxDType => d;

/**
 * Writes a wgflow graph, or a wg.function traced with `exampleArgs`, as an ONNX model (ModelProto bytes).
 * Placeholders become the graph's inputs (unknown dimensions as named symbolic dimensions), variables and
 * captured tensors initializers with their current values, creation ops (constant, zeros, range…) initializers
 * computed by wgflow; every other op is written by its exporter for the opset. A graph using an op that has no
 * exporter fails with an OnnxExportError naming the op, its node and its line.
 */
export async function toONNX(source: Graph | WgFunction<(...args: any[]) => any>, options?: ToONNXOptions): Promise<Uint8Array> {
  const o = checkOptions(options);
  let graph: Graph;
  let outputs: [string, Tensor][];
  let owned = false;
  if (source instanceof Graph) {
    if (o.exampleArgs !== undefined) fail('exampleArgs is for a wg.function; a Graph has its placeholders');
    graph = source;
    outputs = graphOutputs(source, o.outputNames);
  } else if (isWgFunction(source)) {
    if (o.exampleArgs === undefined) fail('a wg.function is traced with exampleArgs: toONNX(fn, { exampleArgs: [x, …] })');
    ({ graph, outputs, owned } = traceFunction(source, o.exampleArgs!, o.inputNames, o.outputNames));
  } else {
    return fail(`expected a wg.Graph or a wg.function, got ${source === null ? 'null' : typeof source}`);
  }
  try {
    return await exportGraph(graph, outputs, o.opset, source instanceof Graph ? o.inputNames : undefined);
  } finally {
    if (owned) graph.dispose();
  }
}

async function exportGraph(g: Graph, outputs: [string, Tensor][], opset: number, inputNames: string[] | undefined): Promise<Uint8Array> {
  const nodes = g.nodes;
  const placeholders = g.placeholders;
  if (inputNames && inputNames.length !== placeholders.length) fail(`inputNames has ${inputNames.length} names for the graph's ${placeholders.length} placeholders`);
  const outputNames = outputs.map(([n]) => n);
  const inputName = new Map(placeholders.map((p, i) => [p.id, inputNames?.[i] ?? p.name]));
  const clash = [...inputName.values()].find((n) => outputNames.includes(n));
  if (clash) fail(`the name ${JSON.stringify(clash)} is both an input and an output`);

  // The nodes the outputs need, stopping at values (placeholders, variables, captures, folded creation ops).
  const needed = new Set<number>();
  const stack = outputs.map(([, t]) => t.graph!.node);
  while (stack.length) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    const n = nodes[id];
    if (n.op === 'placeholder' || isValueNode(n)) continue;
    for (const [r] of refsOf(n.args)) stack.push(r);
  }
  const order = [...needed].sort((a, b) => a - b).map((id) => nodes[id]);

  // Every op must be exportable: one error naming each offending node.
  const bad = order.filter((n) => n.op !== 'placeholder' && n.op !== 'variable' && n.op !== 'capture' && exportable(n.op) !== true);
  if (bad.length) {
    const lines = bad.map((n) => `${describeNode(n)}: ${exportable(n.op) ?? 'not a registry op'}`);
    fail(`${bad.length === 1 ? 'an op is' : `${bad.length} ops are`} not exportable to ONNX: ${lines.join('; ')}`);
  }

  const b = new OnnxBuilder(opset);
  for (const n of outputNames) b.reserve(n);
  for (const n of inputName.values()) b.reserve(n);

  // Values computed by wgflow: variables' current values (a fresh session's: their initial values; captured
  // eager variables: what they hold now), captured tensors, creation ops.
  const valueNodes = order.filter(isValueNode);
  if (valueNodes.length) {
    const session = new Session(g);
    try {
      const fetched = (await session.run(valueNodes.map((n) => g.tensorOf(n.id, 0)), {}, { typedArrays: true })) as ArrayLike<number>[];
      for (const [i, n] of valueNodes.entries()) {
        const data = fetched[i];
        const name = n.op === 'variable' ? b.fresh((n.args[1] as { name?: string } | null)?.name ?? n.name) : b.fresh(n.name);
        b.initializers.push({ name, dtype: onnxDType(n.outputs[0].dtype), dims: n.outputs[0].shape, raw: rawOf(data, n.outputs[0].dtype) });
        b.values.set(`${n.id}:0`, name);
      }
    } finally {
      session.close();
    }
  }

  const inputs: ValueInfoProto[] = [];
  for (const n of order) {
    if (n.op === 'placeholder') {
      const name = inputName.get(n.id)!;
      b.values.set(`${n.id}:0`, name);
      const out = n.outputs[0];
      inputs.push({ name, dtype: onnxDType(out.dtype), dims: out.shape.map((d, i): Dim => (d < 0 ? `${name}_d${i}` : d)) });
      continue;
    }
    if (isValueNode(n)) continue;
    const entry = (EXPORTERS as Record<OpName, OpExporter>)[n.op as OpName] as OpExporter;
    if (typeof entry !== 'function') continue; // checked above
    const c = new NodeContext(b, n, g);
    const result = entry(c);
    const names = Array.isArray(result) ? result : [result];
    if (names.length !== n.outputs.length) c.fail(`the exporter gave ${names.length} values for ${n.outputs.length} outputs`);
    names.forEach((v, k) => b.values.set(`${n.id}:${k}`, v));
  }

  // Outputs: an Identity where the value has another name (or is an input, an initializer, or used twice).
  const used = new Set<string>();
  const outs: ValueInfoProto[] = outputs.map(([name, t]) => {
    const { node, output } = t.graph!;
    const v = b.values.get(`${node}:${output}`)!;
    const isProduced = b.nodes.some((x) => x.outputs.includes(v));
    if (v !== name) {
      if (isProduced && !used.has(v) && !outputNames.includes(v)) {
        // The value takes the output's name (a node's result, given to no other output yet).
        const rename = (y: string) => (y === v ? name : y);
        for (const x of b.nodes) {
          x.inputs = x.inputs.map(rename);
          x.outputs = x.outputs.map(rename);
        }
        for (const [key, y] of b.values) if (y === v) b.values.set(key, name);
      } else {
        b.nodes.push({ name: b.fresh(`${name}/Identity`), opType: 'Identity', inputs: [v], outputs: [name], attrs: {} });
      }
    }
    used.add(v === name ? v : b.values.get(`${node}:${output}`)!);
    used.add(name);
    const out = nodes[node].outputs[output];
    return { name, dtype: onnxDType(out.dtype), dims: out.shape.map((d): Dim => (d < 0 ? null : d)) };
  });

  return encodeModel({
    irVersion: irVersion(opset),
    opset,
    producerName: 'wgflow',
    producerVersion: PRODUCER_VERSION,
    graph: { name: 'wgflow', nodes: b.nodes, initializers: b.initializers, inputs, outputs: outs },
  });
}

function rawOf(data: ArrayLike<number>, dtype: DType): Uint8Array {
  const n = data.length;
  const dv = new DataView(new ArrayBuffer(n * (dtype === 'bool' ? 1 : 4)));
  for (let i = 0; i < n; i++) {
    const v = Number(data[i]);
    if (dtype === 'float32') dv.setFloat32(i * 4, v, true);
    else if (dtype === 'int32') dv.setInt32(i * 4, v, true);
    else if (dtype === 'uint32') dv.setUint32(i * 4, v, true);
    else dv.setUint8(i, v ? 1 : 0);
  }
  return new Uint8Array(dv.buffer);
}
