// Reading an exported ONNX model back (its own decoder over protobufjs's Reader, field numbers from onnx.proto,
// no code shared with the exporter) and checking its structure, which ONNX Runtime does not fully check:
// topological order, unique names, every input defined, attributes of the right type for the opset's
// operators, and the declared types and shapes of the outputs.
import protobuf from 'protobufjs/minimal.js';

export interface DecodedTensor { name: string; dataType: number; dims: number[]; raw: Uint8Array }
export interface DecodedAttr { name: string; type: number; f?: number; i?: number; s?: string; ints: number[]; floats: number[]; t?: DecodedTensor }
export interface DecodedNode { name: string; opType: string; domain: string; inputs: string[]; outputs: string[]; attrs: DecodedAttr[] }
export interface DecodedDim { value?: number; param?: string }
export interface DecodedValueInfo { name: string; elemType: number; dims: DecodedDim[] }
export interface DecodedModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  graph: { name: string; nodes: DecodedNode[]; initializers: DecodedTensor[]; inputs: DecodedValueInfo[]; outputs: DecodedValueInfo[] };
}

type Reader = protobuf.Reader;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v as { toString(): string }));

/** Reads a length-delimited sub-message with `field(tag, reader)` for each field. */
function message(r: Reader, end: number, field: (no: number, wire: number) => void): void {
  while (r.pos < end) {
    const t = r.uint32();
    const before = r.pos;
    field(t >>> 3, t & 7);
    if (r.pos === before) r.skipType(t & 7);
  }
}
const sub = (r: Reader) => r.uint32() + r.pos;

function tensor(r: Reader, end: number): DecodedTensor {
  const t: DecodedTensor = { name: '', dataType: 0, dims: [], raw: new Uint8Array() };
  message(r, end, (no, wire) => {
    if (no === 1) {
      if (wire === 2) { const e = sub(r); while (r.pos < e) t.dims.push(num(r.int64())); } else t.dims.push(num(r.int64()));
    } else if (no === 2) t.dataType = r.int32();
    else if (no === 8) t.name = r.string();
    else if (no === 9) t.raw = r.bytes();
  });
  return t;
}

function attr(r: Reader, end: number): DecodedAttr {
  const a: DecodedAttr = { name: '', type: 0, ints: [], floats: [] };
  message(r, end, (no, wire) => {
    if (no === 1) a.name = r.string();
    else if (no === 2) a.f = r.float();
    else if (no === 3) a.i = num(r.int64());
    else if (no === 4) a.s = new TextDecoder().decode(r.bytes());
    else if (no === 5) a.t = tensor(r, sub(r));
    else if (no === 7) { if (wire === 2) { const e = sub(r); while (r.pos < e) a.floats.push(r.float()); } else a.floats.push(r.float()); }
    else if (no === 8) { if (wire === 2) { const e = sub(r); while (r.pos < e) a.ints.push(num(r.int64())); } else a.ints.push(num(r.int64())); }
    else if (no === 20) a.type = r.int32();
  });
  return a;
}

function node(r: Reader, end: number): DecodedNode {
  const n: DecodedNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attrs: [] };
  message(r, end, (no) => {
    if (no === 1) n.inputs.push(r.string());
    else if (no === 2) n.outputs.push(r.string());
    else if (no === 3) n.name = r.string();
    else if (no === 4) n.opType = r.string();
    else if (no === 5) n.attrs.push(attr(r, sub(r)));
    else if (no === 7) n.domain = r.string();
  });
  return n;
}

function valueInfo(r: Reader, end: number): DecodedValueInfo {
  const v: DecodedValueInfo = { name: '', elemType: 0, dims: [] };
  message(r, end, (no) => {
    if (no === 1) v.name = r.string();
    else if (no === 2) message(r, sub(r), (tp) => {
      if (tp === 1) message(r, sub(r), (tt) => {
        if (tt === 1) v.elemType = r.int32();
        else if (tt === 2) message(r, sub(r), (sh) => {
          if (sh === 1) {
            const d: DecodedDim = {};
            message(r, sub(r), (dn) => {
              if (dn === 1) d.value = num(r.int64());
              else if (dn === 2) d.param = r.string();
            });
            v.dims.push(d);
          }
        });
      });
    });
  });
  return v;
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  const r = protobuf.Reader.create(bytes);
  const m: DecodedModel = { irVersion: 0, opsets: [], producer: '', graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] } };
  message(r, bytes.length, (no) => {
    if (no === 1) m.irVersion = num(r.int64());
    else if (no === 2) m.producer = r.string();
    else if (no === 8) {
      const o = { domain: '', version: 0 };
      message(r, sub(r), (f) => {
        if (f === 1) o.domain = r.string();
        else if (f === 2) o.version = num(r.int64());
      });
      m.opsets.push(o);
    } else if (no === 7) {
      const g = m.graph;
      message(r, sub(r), (f) => {
        if (f === 1) g.nodes.push(node(r, sub(r)));
        else if (f === 2) g.name = r.string();
        else if (f === 5) g.initializers.push(tensor(r, sub(r)));
        else if (f === 11) g.inputs.push(valueInfo(r, sub(r)));
        else if (f === 12) g.outputs.push(valueInfo(r, sub(r)));
      });
    }
  });
  return m;
}

// AttributeProto.AttributeType
const FLOAT = 1, INT = 2, TENSOR = 4, INTS = 7;

/**
 * The attributes each operator takes at an opset, with their types, from the ONNX operator docs (the versions
 * that changed an attribute into an input are the reason for the opset bounds). Operators missing here fail the
 * check, so an exporter using a new operator must add it (and read its spec).
 */
function allowedAttrs(op: string, opset: number): Record<string, number> | undefined {
  const reduceAxesAttr = (name: string): Record<string, number> => (name === 'ReduceSum' || opset >= 18 ? { keepdims: INT, noop_with_empty_axes: INT } : { axes: INTS, keepdims: INT });
  switch (op) {
    case 'ReduceSum': case 'ReduceMean': case 'ReduceMax': case 'ReduceMin': case 'ReduceProd': case 'ReduceLogSumExp':
      return reduceAxesAttr(op);
    case 'Cast': return { to: INT };
    case 'Mod': return { fmod: INT };
    case 'Transpose': return { perm: INTS };
    case 'Concat': case 'Gather': case 'Softmax': case 'LogSoftmax': case 'OneHot': return { axis: INT };
    case 'ArgMax': case 'ArgMin': return { axis: INT, keepdims: INT, select_last_index: INT };
    case 'Reshape': return opset >= 14 ? { allowzero: INT } : {};
    case 'Elu': case 'LeakyRelu': return { alpha: FLOAT };
    case 'Selu': return { alpha: FLOAT, gamma: FLOAT };
    case 'ConstantOfShape': return { value: TENSOR };
    case 'IsInf': return { detect_negative: INT, detect_positive: INT };
    case 'Gelu': return opset >= 20 ? { approximate: 3 } : undefined;
    case 'Split': return opset >= 18 ? { axis: INT, num_outputs: INT } : { axis: INT };
    case 'LayerNormalization': return opset >= 17 ? { axis: INT, epsilon: FLOAT, stash_type: INT } : undefined;
    case 'CumSum': return { exclusive: INT, reverse: INT };
    case 'Pad': return { mode: 3 };
    case 'Tile': case 'Expand': return {};
    case 'Squeeze': case 'Unsqueeze': case 'Slice': case 'Clip': case 'Where': case 'MatMul': case 'Shape':
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': case 'Max': case 'Min': case 'Sum': case 'Neg': case 'Abs': case 'Sign':
    case 'Exp': case 'Log': case 'Sqrt': case 'Reciprocal': case 'Sin': case 'Cos': case 'Tan': case 'Asin': case 'Acos': case 'Atan':
    case 'Sinh': case 'Cosh': case 'Asinh': case 'Acosh': case 'Atanh': case 'Tanh': case 'Erf': case 'Sigmoid': case 'Softplus':
    case 'Floor': case 'Ceil': case 'Round': case 'Relu': case 'IsNaN': case 'Not': case 'And': case 'Or': case 'Xor': case 'Identity':
    case 'Equal': case 'Greater': case 'GreaterOrEqual': case 'Less': case 'LessOrEqual':
      return {};
    default:
      return undefined;
  }
}

/** How many inputs an operator takes at an opset, where that changed between opsets 13 and 21 (axes, splits). */
function inputCounts(op: string, opset: number): [number, number] | undefined {
  switch (op) {
    case 'ReduceSum': return [1, 2];
    case 'ReduceMean': case 'ReduceMax': case 'ReduceMin': case 'ReduceProd': case 'ReduceLogSumExp': return opset >= 18 ? [1, 2] : [1, 1];
    case 'Split': return [1, 2];
    case 'Squeeze': case 'Unsqueeze': return op === 'Unsqueeze' ? [2, 2] : [1, 2];
    case 'Slice': return [3, 5];
    case 'Clip': return [1, 3];
    case 'LayerNormalization': return [2, 3];
    default: return undefined;
  }
}

/** TensorProto.DataType of wgflow's dtypes. */
export const ELEM_TYPE: Record<string, number> = { float32: 1, int32: 6, uint32: 12, bool: 9, int64: 7 };

/**
 * The structural problems of a model (empty when sound): nodes in topological order with every input
 * defined (a graph input, an initializer or an earlier node's output), names unique (values and nodes),
 * known operators with attributes of the right types for the opset, one default-domain opset, and the
 * outputs declared with `expected` dtypes and shapes (null: an unknown dimension).
 */
export function structuralProblems(m: DecodedModel, opset: number, expected: { name: string; dtype: string; shape: (number | null)[] }[]): string[] {
  const problems: string[] = [];
  const g = m.graph;
  if (m.opsets.length !== 1 || m.opsets[0].domain !== '' || m.opsets[0].version !== opset) problems.push(`opset_import ${JSON.stringify(m.opsets)}, expected [{domain '', version ${opset}}]`);
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (!name) problems.push(`${what}: an empty name`);
    if (defined.has(name)) problems.push(`${what}: the value name ${JSON.stringify(name)} is defined twice`);
    defined.add(name);
  };
  for (const i of g.inputs) define(i.name, 'graph input');
  for (const t of g.initializers) {
    define(t.name, 'initializer');
    const bytes = ({ 1: 4, 6: 4, 12: 4, 7: 8, 9: 1 } as Record<number, number>)[t.dataType];
    const count = t.dims.reduce((a, d) => a * d, 1);
    if (!bytes) problems.push(`initializer ${t.name}: data type ${t.dataType}`);
    else if (t.raw.length !== count * bytes) problems.push(`initializer ${t.name}: ${t.raw.length} bytes of raw_data for dims [${t.dims}]`);
  }
  const nodeNames = new Set<string>();
  for (const n of g.nodes) {
    if (!n.name || nodeNames.has(n.name)) problems.push(`node name ${JSON.stringify(n.name)} is empty or not unique`);
    nodeNames.add(n.name);
    if (n.domain !== '') problems.push(`node ${n.name}: domain ${JSON.stringify(n.domain)}`);
    for (const i of n.inputs) if (i !== '' && !defined.has(i)) problems.push(`node ${n.name} (${n.opType}): input ${JSON.stringify(i)} is not defined before it`);
    const allowed = allowedAttrs(n.opType, opset);
    if (!allowed) problems.push(`node ${n.name}: operator ${n.opType} at opset ${opset} is not one the check knows`);
    else for (const a of n.attrs) {
      if (!(a.name in allowed)) problems.push(`node ${n.name} (${n.opType}): attribute ${a.name} is not valid at opset ${opset}`);
      else if (allowed[a.name] !== a.type) problems.push(`node ${n.name} (${n.opType}): attribute ${a.name} has type ${a.type}, expected ${allowed[a.name]}`);
    }
    const counts = inputCounts(n.opType, opset);
    if (counts && (n.inputs.length < counts[0] || n.inputs.length > counts[1])) problems.push(`node ${n.name} (${n.opType}): ${n.inputs.length} inputs, opset ${opset} takes ${counts[0]} to ${counts[1]}`);
    if (n.opType === 'Split' && opset >= 18 && (n.inputs.length === 2) === n.attrs.some((a) => a.name === 'num_outputs')) problems.push(`node ${n.name} (Split): give exactly one of the split input and num_outputs`);
    for (const o of n.outputs) define(o, `node ${n.name}`);
  }
  const outs = g.outputs;
  if (outs.length !== expected.length) problems.push(`${outs.length} outputs, expected ${expected.length}`);
  for (const [k, e] of expected.entries()) {
    const o = outs[k];
    if (!o) continue;
    if (o.name !== e.name) problems.push(`output ${k} is named ${o.name}, expected ${e.name}`);
    if (!defined.has(o.name)) problems.push(`output ${o.name} is not produced`);
    if (o.elemType !== ELEM_TYPE[e.dtype]) problems.push(`output ${o.name}: elem_type ${o.elemType}, expected ${ELEM_TYPE[e.dtype]} (${e.dtype})`);
    const dims = o.dims.map((d) => d.value ?? null);
    if (JSON.stringify(dims) !== JSON.stringify(e.shape)) problems.push(`output ${o.name}: shape [${dims}], expected [${e.shape}]`);
  }
  return problems;
}
