// model.json of a TensorFlow.js graph model: its JSON types, and a parser that validates the fields the reader
// uses and returns a ParsedGraphModel (nodes with parsed inputs and attribute accessors, signature inputs and
// outputs, the weights manifest). Malformed input gives a ModelFormatError naming the field (and node).
// A layers model (Keras format) is recognised and rejected with how to convert it.
import { decodeShape, NodeAttrs } from './attrs';
import { hostDType, tfDTypeName, type HostDType } from './dtypes';
import { ModelFormatError } from './errors';

// ---- the JSON, as the converter writes it (protobuf's JSON form of GraphDef, plus TF.js's manifest) ----------

export interface TensorShapeJson {
  dim?: { size?: string | number; name?: string }[] | null;
  unknownRank?: boolean | null;
}

export interface TensorProtoJson {
  dtype?: string | number;
  tensorShape?: TensorShapeJson | null;
  versionNumber?: number;
  /** Raw little-endian element bytes, base64. */
  tensorContent?: string | null;
  floatVal?: (number | string)[] | null;
  doubleVal?: (number | string)[] | null;
  /** float16 / bfloat16 bit patterns. */
  halfVal?: (number | string)[] | null;
  intVal?: (number | string)[] | null;
  /** int64 as decimal strings. */
  int64Val?: (number | string)[] | null;
  uint32Val?: (number | string)[] | null;
  uint64Val?: (number | string)[] | null;
  boolVal?: boolean[] | null;
  /** bytes, base64. */
  stringVal?: string[] | null;
  scomplexVal?: number[] | null;
  dcomplexVal?: number[] | null;
}

export interface AttrValueJson {
  /** bytes, base64 (padding → 'U0FNRQ==' for 'SAME'). */
  s?: string;
  /** int64 as a decimal string. */
  i?: string | number;
  f?: number | string;
  b?: boolean;
  type?: string | number;
  shape?: TensorShapeJson;
  tensor?: TensorProtoJson;
  func?: { name?: string; attr?: Record<string, AttrValueJson> };
  placeholder?: string;
  list?: {
    s?: string[];
    i?: (string | number)[];
    f?: (number | string)[];
    b?: boolean[];
    type?: (string | number)[];
    shape?: TensorShapeJson[];
    tensor?: TensorProtoJson[];
    func?: { name?: string; attr?: Record<string, AttrValueJson> }[];
  };
}

export interface NodeDefJson {
  name: string;
  op: string;
  /** 'node' (output 0), 'node:1' (output 1), '^node' (control dependency). */
  input?: string[];
  attr?: Record<string, AttrValueJson>;
  device?: string;
}

/** A function of the graph's library (the bodies of control-flow ops: While, If, StatefulPartitionedCall …). */
export interface FunctionDefJson {
  signature?: { name?: string; inputArg?: { name?: string }[]; outputArg?: { name?: string }[] };
  attr?: Record<string, AttrValueJson>;
  nodeDef?: NodeDefJson[];
  ret?: Record<string, string>;
}

export interface GraphDefJson {
  node: NodeDefJson[];
  library?: { function?: FunctionDefJson[]; gradient?: unknown[] };
  versions?: { producer?: number; minConsumer?: number; badConsumers?: number[] };
}

export interface TensorInfoJson {
  /** The graph tensor: 'node:0'. */
  name: string;
  dtype?: string | number;
  tensorShape?: TensorShapeJson;
}

export interface SignatureJson {
  inputs?: Record<string, TensorInfoJson>;
  outputs?: Record<string, TensorInfoJson>;
  methodName?: string;
}

export type QuantizationDType = 'uint8' | 'uint16' | 'float16';

export interface WeightQuantizationJson {
  dtype: QuantizationDType;
  /** uint8 / uint16: value = q · scale + min. */
  scale?: number;
  min?: number;
  original_dtype?: string;
}

/** One weight of a group, in the order its bytes follow each other in the group's shards. */
export interface WeightSpecJson {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: WeightQuantizationJson;
  group?: string;
}

/** Shards (paths relative to model.json) whose bytes, concatenated in order, hold `weights` one after another. */
export interface WeightsGroupJson {
  paths: string[];
  weights: WeightSpecJson[];
}

export interface ModelJson {
  format?: 'graph-model';
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: GraphDefJson;
  signature?: SignatureJson;
  weightsManifest: WeightsGroupJson[];
  userDefinedMetadata?: Record<string, unknown>;
  /** Hash-table initialisers (TF.js 3.x+): recognised and kept, not read yet. */
  modelInitializer?: GraphDefJson;
  initializerSignature?: SignatureJson;
}

// ---- the parsed model ----------------------------------------------------------------------------------------

/** One input of a node: another node's output, or a control dependency (which carries no value). */
export interface NodeInput {
  node: string;
  output: number;
  control: boolean;
}

export interface GraphNode {
  name: string;
  op: string;
  inputs: NodeInput[];
  /** The inputs as written ('x', 'x:1', '^x'). */
  rawInputs: string[];
  device?: string;
  attrs: NodeAttrs;
}

/** A model input or output: the graph tensor it is, its dtype and shape (-1 for unknown; undefined: unknown rank). */
export interface TensorSpec {
  /** The signature's key (what predict's named inputs/outputs use), or the node name without a signature. */
  key: string;
  /** The graph tensor, 'node:0'. */
  name: string;
  node: string;
  output: number;
  dtype: HostDType | undefined;
  tfDtype: string | undefined;
  shape: number[] | undefined;
}

/** A function of the graph's library: recognised (control flow), not converted yet. */
export interface FunctionSummary {
  name: string;
  nodes: number;
}

export interface ParsedGraphModel {
  json: ModelJson;
  nodes: GraphNode[];
  nodeByName: ReadonlyMap<string, GraphNode>;
  /** From the signature; without signature.inputs, the Placeholder nodes. */
  inputs: TensorSpec[];
  /** From the signature; without signature.outputs, output 0 of every node no other node reads (Const, NoOp aside). */
  outputs: TensorSpec[];
  /** Whether inputs (outputs) came from the signature. */
  inputsFromSignature: boolean;
  outputsFromSignature: boolean;
  functions: FunctionSummary[];
  weightsManifest: WeightsGroupJson[];
  /** Every weight spec of every group, in manifest order. */
  weightSpecs: WeightSpecJson[];
  /** The op types used, with how many nodes use each. */
  opCounts: ReadonlyMap<string, number>;
}

export interface ParseOptions {
  /** Where model.json came from, for messages (a URL or path); 'model.json' if not given. */
  source?: string;
}

// ---- the parser ------------------------------------------------------------------------------------------------

const LAYERS_HINT =
  'wgflow reads TensorFlow.js graph models only; convert it with ' +
  '`tensorflowjs_converter --input_format=tfjs_layers_model --output_format=tfjs_graph_model model.json out_dir/`';

type Json = unknown;

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Parses and validates model.json (its text, or the object JSON.parse gave). Throws ModelFormatError naming the
 * file and the field (and node) when it is not a graph model the reader understands.
 */
export function parseModelJson(input: string | object, options: ParseOptions = {}): ParsedGraphModel {
  const src = options.source ?? 'model.json';
  const fail = (msg: string): never => {
    throw new ModelFormatError(`${src}: ${msg}`);
  };
  const expect = <T>(ok: boolean, field: string, want: string, got: Json): T | never => {
    if (!ok) fail(`field '${field}' must be ${want}, got ${typeName(got)}`);
    return got as T;
  };

  let root: Json = input;
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input);
    } catch (e) {
      fail(`not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(root)) return fail(`must be a JSON object, got ${typeName(root)}`);

  // A layers model: Keras's format, which TF.js's loadLayersModel reads.
  const topo = root.modelTopology;
  const keras = isObject(topo) && (isObject(topo.model_config) || typeof topo.class_name === 'string' || 'keras_version' in topo);
  if (root.format === 'layers-model' || keras) {
    const what = root.format === 'layers-model' ? `format 'layers-model'` : `modelTopology.${isObject(topo) && 'model_config' in topo ? 'model_config' : 'class_name'}`;
    fail(`this is a TensorFlow.js layers model (Keras format: ${what}), not a graph model. ${LAYERS_HINT}`);
  }
  if (root.format !== undefined && root.format !== 'graph-model') {
    fail(`field 'format' is ${JSON.stringify(root.format)}; a TensorFlow.js graph model has format 'graph-model'`);
  }
  if (topo === undefined) fail(`field 'modelTopology' is missing`);
  expect(isObject(topo), 'modelTopology', 'an object (a GraphDef)', topo);
  const t = topo as Record<string, Json>;
  if (t.node === undefined) fail(`field 'modelTopology.node' is missing`);
  expect(Array.isArray(t.node), 'modelTopology.node', 'an array of nodes', t.node);

  // Nodes.
  const nodes: GraphNode[] = [];
  const nodeByName = new Map<string, GraphNode>();
  const opCounts = new Map<string, number>();
  (t.node as Json[]).forEach((n, i) => {
    const at = `modelTopology.node[${i}]`;
    expect(isObject(n), at, 'an object', n);
    const nd = n as Record<string, Json>;
    if (typeof nd.name !== 'string' || nd.name === '') {
      fail(nd.name === undefined ? `field '${at}.name' is missing` : `field '${at}.name' must be a non-empty string, got ${typeName(nd.name)}`);
    }
    const name = nd.name as string;
    if (nd.op === undefined) fail(`node '${name}' (${at}): field 'op' is missing`);
    if (typeof nd.op !== 'string' || nd.op === '') fail(`node '${name}' (${at}): field 'op' must be a non-empty string, got ${typeName(nd.op)}`);
    const op = nd.op as string;
    const nodeFail = (msg: string) => fail(`node '${name}' (op ${op}, ${at}): ${msg}`);
    if (nodeByName.has(name)) nodeFail(`a second node with this name (the first is modelTopology.node[${nodes.findIndex((x) => x.name === name)}])`);
    const rawInputs = nd.input ?? [];
    if (!Array.isArray(rawInputs) || rawInputs.some((s) => typeof s !== 'string')) {
      nodeFail(`field 'input' must be an array of strings, got ${typeName(rawInputs)}`);
    }
    const inputs = (rawInputs as string[]).map((s) => {
      const m = /^(\^)?(.+?)(?::(\d+))?$/.exec(s);
      if (!m || s === '') return nodeFail(`input ${JSON.stringify(s)} is not a tensor name ('node', 'node:1' or '^node')`);
      return { node: m[2], output: m[3] === undefined ? 0 : Number(m[3]), control: m[1] === '^' };
    });
    const attr = nd.attr ?? {};
    if (!isObject(attr)) nodeFail(`field 'attr' must be an object, got ${typeName(attr)}`);
    for (const [k, v] of Object.entries(attr as Record<string, Json>)) {
      if (!isObject(v)) nodeFail(`attribute '${k}' must be an object (an AttrValue), got ${typeName(v)}`);
    }
    if (nd.device !== undefined && typeof nd.device !== 'string') nodeFail(`field 'device' must be a string, got ${typeName(nd.device)}`);
    const node: GraphNode = {
      name,
      op,
      inputs,
      rawInputs: rawInputs as string[],
      attrs: new NodeAttrs(name, op, attr as Record<string, never>),
      ...(nd.device !== undefined ? { device: nd.device as string } : {}),
    };
    nodes.push(node);
    nodeByName.set(name, node);
    opCounts.set(op, (opCounts.get(op) ?? 0) + 1);
  });
  for (const node of nodes) {
    for (const [k, inp] of node.inputs.entries()) {
      if (!nodeByName.has(inp.node)) {
        fail(`node '${node.name}' (op ${node.op}): input ${k} ${JSON.stringify(node.rawInputs[k])} names no node of the graph`);
      }
    }
  }

  // The library (control flow): recognised, counted.
  const functions: FunctionSummary[] = [];
  if (t.library !== undefined && t.library !== null) {
    expect(isObject(t.library), 'modelTopology.library', 'an object', t.library);
    const fns = (t.library as Record<string, Json>).function ?? [];
    expect(Array.isArray(fns), 'modelTopology.library.function', 'an array', fns);
    (fns as Json[]).forEach((f, i) => {
      const at = `modelTopology.library.function[${i}]`;
      expect(isObject(f), at, 'an object (a FunctionDef)', f);
      const fd = f as Record<string, Json>;
      const sig = fd.signature;
      const name = isObject(sig) && typeof sig.name === 'string' ? sig.name : fail(`field '${at}.signature.name' is missing`);
      const body = fd.nodeDef ?? [];
      expect(Array.isArray(body), `${at}.nodeDef`, 'an array', body);
      functions.push({ name, nodes: (body as Json[]).length });
    });
  }

  // The weights manifest.
  const wm = root.weightsManifest;
  if (wm === undefined) fail(`field 'weightsManifest' is missing`);
  expect(Array.isArray(wm), 'weightsManifest', 'an array of weight groups', wm);
  const weightSpecs: WeightSpecJson[] = [];
  const weightNames = new Map<string, string>();
  (wm as Json[]).forEach((g, gi) => {
    const at = `weightsManifest[${gi}]`;
    expect(isObject(g), at, 'an object ({ paths, weights })', g);
    const grp = g as Record<string, Json>;
    if (grp.paths === undefined) fail(`field '${at}.paths' is missing`);
    expect(Array.isArray(grp.paths) && (grp.paths as Json[]).every((p) => typeof p === 'string' && p !== ''), `${at}.paths`, 'an array of file names', grp.paths);
    if (grp.weights === undefined) fail(`field '${at}.weights' is missing`);
    expect(Array.isArray(grp.weights), `${at}.weights`, 'an array of weight specs', grp.weights);
    (grp.weights as Json[]).forEach((w, wi) => {
      const wat = `${at}.weights[${wi}]`;
      expect(isObject(w), wat, 'an object ({ name, shape, dtype })', w);
      const ws = w as Record<string, Json>;
      if (ws.name === undefined) fail(`field '${wat}.name' is missing`);
      expect(typeof ws.name === 'string' && ws.name !== '', `${wat}.name`, 'a non-empty string', ws.name);
      const wname = ws.name as string;
      const wfail = (msg: string) => fail(`weight '${wname}' (${wat}): ${msg}`);
      const first = weightNames.get(wname);
      if (first !== undefined) wfail(`a second weight with this name (the first is ${first})`);
      weightNames.set(wname, wat);
      if (ws.shape === undefined) wfail(`field 'shape' is missing`);
      if (!Array.isArray(ws.shape) || !(ws.shape as Json[]).every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
        wfail(`field 'shape' must be an array of non-negative integers, got ${JSON.stringify(ws.shape)}`);
      }
      if (ws.dtype === undefined) wfail(`field 'dtype' is missing`);
      if (!['float32', 'int32', 'bool', 'string', 'complex64'].includes(ws.dtype as string)) {
        wfail(`field 'dtype' must be one of float32, int32, bool, string, complex64, got ${typeName(ws.dtype)}`);
      }
      if (ws.quantization !== undefined) {
        const q = ws.quantization;
        if (!isObject(q)) return wfail(`field 'quantization' must be an object, got ${typeName(q)}`);
        if (!['uint8', 'uint16', 'float16'].includes(q.dtype as string)) {
          wfail(`field 'quantization.dtype' must be uint8, uint16 or float16, got ${typeName(q.dtype)}`);
        }
        if (q.dtype !== 'float16') {
          for (const k of ['scale', 'min']) {
            if (typeof q[k] !== 'number' || !Number.isFinite(q[k])) {
              wfail(`${q.dtype} quantisation needs a finite number in 'quantization.${k}', got ${q[k] === undefined ? 'none' : typeName(q[k])}`);
            }
          }
        }
      }
      weightSpecs.push(ws as unknown as WeightSpecJson);
    });
  });

  // Inputs and outputs: the signature's, else (each on its own) the Placeholders and the nodes nothing reads.
  const sig = root.signature;
  if (sig !== undefined && sig !== null) expect(isObject(sig), 'signature', 'an object', sig);
  const s = (isObject(sig) ? sig : {}) as Record<string, Json>;
  const infos = (field: 'inputs' | 'outputs'): TensorSpec[] => {
    const m = s[field];
    expect(isObject(m), `signature.${field}`, 'an object of TensorInfo', m);
    return Object.entries(m as Record<string, Json>).map(([key, info]) => {
      const at = `signature.${field}['${key}']`;
      expect(isObject(info), at, 'an object (a TensorInfo)', info);
      const ti = info as Record<string, Json>;
      if (ti.name === undefined) fail(`field '${at}.name' is missing`);
      expect(typeof ti.name === 'string', `${at}.name`, "a tensor name ('node:0')", ti.name);
      const m2 = /^(.+?)(?::(\d+))?$/.exec(ti.name as string)!;
      if (!nodeByName.has(m2[1])) fail(`${at}.name '${ti.name}' names no node of the graph`);
      let tfDtype: string | undefined;
      if (ti.dtype !== undefined) {
        tfDtype = tfDTypeName(ti.dtype);
        if (tfDtype === undefined) fail(`field '${at}.dtype' must be a TensorFlow DataType ('DT_FLOAT' …), got ${typeName(ti.dtype)}`);
      }
      let shape: number[] | undefined;
      if (ti.tensorShape !== undefined) {
        try {
          shape = decodeShape(ti.tensorShape) ?? undefined;
        } catch (e) {
          fail(`field '${at}.tensorShape': ${(e as Error).message}`);
        }
      }
      return {
        key, name: ti.name as string, node: m2[1], output: m2[2] === undefined ? 0 : Number(m2[2]),
        tfDtype, dtype: tfDtype === undefined ? undefined : hostDType(tfDtype), shape,
      };
    });
  };
  const inputsFromSignature = s.inputs !== undefined && s.inputs !== null;
  const outputsFromSignature = s.outputs !== undefined && s.outputs !== null;
  const inputs: TensorSpec[] = inputsFromSignature
    ? infos('inputs')
    : nodes.filter((n) => n.op === 'Placeholder').map((n) => {
        const tf = n.attrs.has('dtype') ? n.attrs.tfDtype('dtype') : undefined;
        const shape = n.attrs.has('shape') ? n.attrs.shape('shape') ?? undefined : undefined;
        return { key: n.name, name: `${n.name}:0`, node: n.name, output: 0, tfDtype: tf, dtype: tf === undefined ? undefined : hostDType(tf), shape };
      });
  const read = new Set(nodes.flatMap((n) => n.inputs.map((i) => i.node)));
  const outputs: TensorSpec[] = outputsFromSignature
    ? infos('outputs')
    : nodes.filter((n) => !read.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => ({
        key: n.name, name: `${n.name}:0`, node: n.name, output: 0, tfDtype: undefined, dtype: undefined, shape: undefined,
      }));

  return {
    json: root as unknown as ModelJson,
    nodes,
    nodeByName,
    inputs,
    outputs,
    inputsFromSignature,
    outputsFromSignature,
    functions,
    weightsManifest: wm as WeightsGroupJson[],
    weightSpecs,
    opCounts,
  };
}
