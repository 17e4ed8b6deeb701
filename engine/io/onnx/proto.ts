// ONNX's ModelProto, written with protobufjs's minimal Writer: the messages and fields of onnx.proto
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2) that an exported graph uses, encoded by
// hand, so the bundle carries the wire-format writer only (no schema, reflection or decoder).
import protobuf from 'protobufjs/minimal.js';

type Writer = protobuf.Writer;

/** TensorProto.DataType values. */
export const ONNX_DTYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, uint32: 12 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

/** An initializer or a tensor attribute: little-endian bytes in raw_data. */
export interface TensorProto {
  name: string;
  dtype: OnnxDType;
  dims: number[];
  raw: Uint8Array;
}

export type AttrValue =
  | { f: number }
  | { i: number }
  | { s: string }
  | { t: TensorProto }
  | { ints: number[] }
  | { floats: number[] };

export interface NodeProto {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  doc?: string;
}

/** A dimension: a size, a symbolic name, or unknown (null). */
export type Dim = number | string | null;

export interface ValueInfoProto {
  name: string;
  dtype: OnnxDType;
  dims: Dim[];
}

export interface GraphProto {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
}

export interface ModelProto {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  graph: GraphProto;
}

// Wire types: 0 varint, 2 length-delimited, 5 fixed32.
const tag = (w: Writer, field: number, wire: 0 | 2 | 5) => w.uint32((field << 3) | wire);
const str = (w: Writer, field: number, s: string) => tag(w, field, 2).string(s);
const i64 = (w: Writer, field: number, v: number) => tag(w, field, 0).int64(v);
function sub(w: Writer, field: number, write: (w: Writer) => void): void {
  tag(w, field, 2).fork();
  write(w);
  w.ldelim();
}

function tensor(w: Writer, t: TensorProto): void {
  for (const d of t.dims) i64(w, 1, d); // dims
  tag(w, 2, 0).int32(ONNX_DTYPE[t.dtype]); // data_type
  if (t.name) str(w, 8, t.name); // name
  tag(w, 9, 2).bytes(t.raw); // raw_data
}

// AttributeProto.AttributeType
const ATTR_TYPE = { f: 1, i: 2, s: 3, t: 4, floats: 6, ints: 7 } as const;

function attribute(w: Writer, name: string, a: AttrValue): void {
  str(w, 1, name);
  if ('f' in a) tag(w, 2, 5).float(a.f);
  else if ('i' in a) i64(w, 3, a.i);
  else if ('s' in a) tag(w, 4, 2).bytes(new TextEncoder().encode(a.s));
  else if ('t' in a) sub(w, 5, (x) => tensor(x, a.t));
  else if ('floats' in a) for (const f of a.floats) tag(w, 7, 5).float(f);
  else for (const i of a.ints) i64(w, 8, i);
  tag(w, 20, 0).int32(ATTR_TYPE[Object.keys(a)[0] as keyof typeof ATTR_TYPE]);
}

function node(w: Writer, n: NodeProto): void {
  for (const i of n.inputs) str(w, 1, i);
  for (const o of n.outputs) str(w, 2, o);
  str(w, 3, n.name);
  str(w, 4, n.opType);
  for (const [k, a] of Object.entries(n.attrs)) sub(w, 5, (x) => attribute(x, k, a));
  if (n.doc) str(w, 6, n.doc);
}

function valueInfo(w: Writer, v: ValueInfoProto): void {
  str(w, 1, v.name);
  sub(w, 2, (tp) =>
    sub(tp, 1, (tt) => {
      tag(tt, 1, 0).int32(ONNX_DTYPE[v.dtype]); // elem_type
      sub(tt, 2, (shape) => {
        for (const d of v.dims) {
          sub(shape, 1, (dim) => {
            if (typeof d === 'number') i64(dim, 1, d);
            else if (typeof d === 'string') str(dim, 2, d);
          });
        }
      });
    }),
  );
}

function graph(w: Writer, g: GraphProto): void {
  for (const n of g.nodes) sub(w, 1, (x) => node(x, n));
  str(w, 2, g.name);
  for (const t of g.initializers) sub(w, 5, (x) => tensor(x, t));
  for (const v of g.inputs) sub(w, 11, (x) => valueInfo(x, v));
  for (const v of g.outputs) sub(w, 12, (x) => valueInfo(x, v));
}

/** The serialized ModelProto. */
export function encodeModel(m: ModelProto): Uint8Array {
  const w = protobuf.Writer.create();
  i64(w, 1, m.irVersion);
  str(w, 2, m.producerName);
  str(w, 3, m.producerVersion);
  sub(w, 7, (x) => graph(x, m.graph));
  sub(w, 8, (x) => i64(x, 2, m.opset)); // opset_import: the default domain ('')
  return w.finish();
}
