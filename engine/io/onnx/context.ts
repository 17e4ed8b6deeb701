// What an op's exporter sees and uses: the wgflow node (its arguments, input and output shapes and dtypes) and
// an ONNX graph under construction (nodes with fresh names, constant initializers, Casts).
import type { DType, Graph } from '../../index';
import { OnnxExportError } from './errors';
import { ONNX_DTYPE, type AttrValue, type NodeProto, type OnnxDType, type TensorProto } from './proto';

export type GraphNode = Graph['nodes'][number];
export type ArgSpec = GraphNode['args'][number];

/** The node, its line, as errors name it: `node "matMul_1" (op matMul, model.ts:12)`. */
export function describeNode(n: GraphNode): string {
  const loc = n.location ? `, ${n.location.file.split('/').pop()}:${n.location.line}` : '';
  return `node "${n.name}" (op ${n.op}${loc})`;
}

const isRef = (s: unknown): s is { $ref: [number, number] } => Boolean(s && typeof s === 'object' && '$ref' in (s as object));

/** A literal argument as a plain value: $num → the number, $undefined → undefined, arrays and objects inside. */
export function decodeLiteral(s: ArgSpec): unknown {
  if (s === null || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map(decodeLiteral);
  if ('$num' in s) return s.$num === '-0' ? -0 : Number(s.$num);
  if ('$undefined' in s) return undefined;
  if ('$ref' in s || '$typed' in s || '$out' in s) return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, decodeLiteral(v as ArgSpec)]));
}

/** Little-endian bytes of values in an ONNX dtype. */
export function rawBytes(values: ArrayLike<number | bigint | boolean>, dtype: OnnxDType): Uint8Array {
  const n = values.length;
  const view = (bytes: number) => new DataView(new ArrayBuffer(n * bytes));
  let dv: DataView;
  switch (dtype) {
    case 'float32':
      dv = view(4);
      for (let i = 0; i < n; i++) dv.setFloat32(i * 4, Number(values[i]), true);
      break;
    case 'int32':
      dv = view(4);
      for (let i = 0; i < n; i++) dv.setInt32(i * 4, Number(values[i]), true);
      break;
    case 'uint32':
      dv = view(4);
      for (let i = 0; i < n; i++) dv.setUint32(i * 4, Number(values[i]), true);
      break;
    case 'int64':
      dv = view(8);
      for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(values[i] as number | bigint), true);
      break;
    case 'bool':
    case 'uint8':
    case 'int8':
      dv = view(1);
      for (let i = 0; i < n; i++) dv.setUint8(i, Number(values[i]) & 0xff);
      break;
  }
  return new Uint8Array(dv.buffer);
}

/** The largest int64, as Slice's "to the end". */
export const INT64_MAX = (1n << 63n) - 1n;

/** The ONNX graph being built, shared by every node's exporter. */
export class OnnxBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private names = new Set<string>();
  /** wgflow node id:output → ONNX value name. */
  readonly values = new Map<string, string>();

  constructor(readonly opset: number) {}

  /** A fresh value or node name. */
  fresh(base: string): string {
    const clean = base.replace(/[^\w./:-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  reserve(name: string): void {
    this.names.add(name);
  }

  initializer(name: string, dtype: OnnxDType, dims: number[], values: ArrayLike<number | bigint | boolean>): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dtype, dims, raw: rawBytes(values, dtype) });
    return n;
  }
}

/** One wgflow node being exported: helpers over its arguments, and emitters of ONNX nodes. */
export class NodeContext {
  private count = 0;

  constructor(
    readonly b: OnnxBuilder,
    readonly node: GraphNode,
    private readonly graph: Graph,
  ) {}

  get opset(): number {
    return this.b.opset;
  }

  /** An error about this node, naming it and its line. */
  fail(why: string): never {
    throw new OnnxExportError(`toONNX: ${describeNode(this.node)}: ${why}`);
  }

  /** The node's argument i, literal args decoded ($num, $undefined); references stay { $ref }. */
  arg(i: number): unknown {
    return decodeLiteral(this.node.args[i]);
  }

  isTensor(i: number): boolean {
    return isRef(this.node.args[i]);
  }

  /** Shape and dtype of argument i (a tensor reference), or of a tensor spec given directly. */
  info(spec: ArgSpec | number): { shape: number[]; dtype: DType } {
    const s = typeof spec === 'number' ? this.node.args[spec] : spec;
    if (!isRef(s)) this.fail(`expected a tensor argument, got ${JSON.stringify(s)}`);
    const [n, o] = s.$ref;
    return this.graph.nodes[n].outputs[o];
  }

  get out(): { shape: number[]; dtype: DType } {
    return this.node.outputs[0];
  }

  /** The ONNX value of a tensor reference. */
  ref(spec: ArgSpec): string {
    if (!isRef(spec)) this.fail(`expected a tensor argument, got ${JSON.stringify(spec)}`);
    const name = this.b.values.get(`${spec.$ref[0]}:${spec.$ref[1]}`);
    if (name === undefined) this.fail(`its input, node ${spec.$ref[0]} output ${spec.$ref[1]}, has no ONNX value`);
    return name;
  }

  /**
   * Argument i as an ONNX value in `dtype`: a tensor (cast when its dtype differs) or a literal number/boolean
   * (a scalar initializer).
   */
  input(i: number, dtype?: DType): string {
    const s = this.node.args[i];
    if (isRef(s)) {
      const name = this.ref(s);
      const own = this.info(s).dtype;
      return dtype && dtype !== own ? this.cast(name, dtype) : name;
    }
    const v = decodeLiteral(s);
    if (typeof v !== 'number' && typeof v !== 'boolean') this.fail(`argument ${i} is neither a tensor nor a number (${JSON.stringify(v)})`);
    return this.scalar(Number(v), dtype ?? this.out.dtype);
  }

  /** The dtype of argument i when it is a tensor, else undefined. */
  dtypeOf(i: number): DType | undefined {
    return this.isTensor(i) ? this.info(i).dtype : undefined;
  }

  /** A scalar constant. */
  scalar(v: number, dtype: OnnxDType): string {
    return this.b.initializer(`${this.node.name}/const`, dtype, [], [dtype === 'int64' ? BigInt(v) : v]);
  }

  /** A constant tensor (1-D unless dims are given). */
  constant(values: ArrayLike<number | bigint | boolean>, dtype: OnnxDType, dims: number[] = [values.length]): string {
    return this.b.initializer(`${this.node.name}/const`, dtype, dims, values);
  }

  /** A 1-D int64 constant (axes, shapes, starts/ends). */
  int64s(values: (number | bigint)[]): string {
    return this.constant(values.map((v) => BigInt(v)), 'int64');
  }

  /** Emits an ONNX node; returns its output names (fresh). */
  emit(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const base = `${this.node.name}${this.count++ ? `/${opType}` : ''}`;
    const outs = Array.from({ length: outputs }, () => this.b.fresh(base));
    this.b.nodes.push({ name: this.b.fresh(`${this.node.name}/${opType}`), opType, inputs, outputs: outs, attrs });
    return outs;
  }

  /** Emits a one-output node. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.emit(opType, inputs, attrs)[0];
  }

  cast(name: string, to: OnnxDType): string {
    return this.op('Cast', [name], { to: { i: ONNX_DTYPE[to] } });
  }

  /** An axis in [0, rank). */
  axis(a: number, rank: number, what = 'axis'): number {
    if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1)) this.fail(`${what} ${a} is out of range for rank ${rank}`);
    return a < 0 ? a + rank : a;
  }
}
