// Node attributes of a TensorFlow graph (AttrValue in protobuf's JSON form) decoded into plain JS values, and the
// typed accessors an op translation uses: attrs.int('num_args'), attrs.ints('strides'), attrs.string('padding'),
// attrs.dtype('T'), attrs.tensor('value') … Each throws a ModelFormatError naming node, op and attribute when the
// attribute is missing (and no fallback was given) or of another kind.
import { base64ToBytes, bytesToText, float16BitsToFloat32Bits } from './bytes';
import { hostDType, tfDTypeName, type HostDType } from './dtypes';
import { ModelFormatError } from './errors';
import type { AttrValueJson, TensorProtoJson, TensorShapeJson } from './model_json';

/** A constant tensor written inline in the graph (a Const node's `value`, or a tensor-valued attribute). */
export interface ConstTensor {
  dtype: HostDType;
  /** TensorFlow's name of the stored type ('DT_INT64' for a tensor that `dtype` calls int32). */
  tfDtype: string;
  shape: number[];
  /** float32 → Float32Array, int32 → Int32Array, bool → Uint8Array (0/1), string → UTF-8 decoded strings. */
  data: Float32Array | Int32Array | Uint8Array | string[];
  /**
   * Whether the proto carried any values. A Const whose value lives in the weight shards has only dtype and
   * shape: its `data` is then TensorFlow's default (zeros), and the real values are in the weights map.
   */
  inline: boolean;
}

/** A function reference (control-flow ops name their branch and body functions this way). */
export interface FuncRef {
  name: string;
  attr: Record<string, AttrValueJson>;
}

/** An attribute as a plain JS value, tagged with its kind. A `type` carries TensorFlow's name and the host dtype. */
export type DecodedAttr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'type'; value: string; dtype: HostDType | undefined }
  | { kind: 'shape'; value: number[] | null }
  | { kind: 'tensor'; value: ConstTensor }
  | { kind: 'func'; value: FuncRef }
  | { kind: 'placeholder'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'bools'; value: boolean[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'types'; value: string[]; dtypes: (HostDType | undefined)[] }
  | { kind: 'shapes'; value: (number[] | null)[] }
  | { kind: 'tensors'; value: ConstTensor[] }
  | { kind: 'funcs'; value: FuncRef[] }
  /** `{ list: {} }`: a list whose element kind the JSON does not say; every list accessor reads it as []. */
  | { kind: 'list'; value: [] };

export type AttrKind = DecodedAttr['kind'];

const KIND_WORDS: Record<AttrKind, string> = {
  int: 'an int', float: 'a float', bool: 'a bool', string: 'a string', type: 'a dtype', shape: 'a shape',
  tensor: 'a tensor', func: 'a function', placeholder: 'a placeholder', ints: 'a list of ints',
  floats: 'a list of floats', bools: 'a list of bools', strings: 'a list of strings', types: 'a list of dtypes',
  shapes: 'a list of shapes', tensors: 'a list of tensors', funcs: 'a list of functions', list: 'an empty list',
};

// ---- scalars of protobuf JSON -------------------------------------------------------------------------------

/** An int64 written as a JSON string (or number); must be a safe integer. */
export function parseInt64(v: unknown): number {
  const n = typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n)) throw new Error(`${JSON.stringify(v)} is not an integer`);
  if (!Number.isSafeInteger(n)) throw new Error(`the integer ${v} is beyond ±2^53`);
  return n;
}

/** A float or double: a JSON number, or protobuf JSON's "NaN" / "Infinity" / "-Infinity" (or a numeric string). */
export function parseFloatValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new Error(`${JSON.stringify(v)} is not a number`);
}

function parseBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw new Error(`${JSON.stringify(v)} is not a boolean`);
}

function parseBytesText(v: unknown): string {
  if (typeof v !== 'string') throw new Error(`${JSON.stringify(v)} is not a base64 string`);
  return bytesToText(base64ToBytes(v));
}

function parseType(v: unknown): string {
  const name = tfDTypeName(v);
  if (name === undefined) throw new Error(`${JSON.stringify(v)} is not a TensorFlow DataType`);
  return name;
}

function asArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} is not an array`);
  return v;
}

/**
 * A TensorShapeProto: dims in order (-1 for an unknown size), [] for a scalar, null for an unknown rank.
 */
export function decodeShape(v: unknown): number[] | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${JSON.stringify(v)} is not a shape`);
  const s = v as TensorShapeJson;
  if (s.unknownRank === true) return null;
  if (s.dim === undefined || s.dim === null) return [];
  return asArray(s.dim, 'shape.dim').map((d, i) => {
    if (d === null || typeof d !== 'object') throw new Error(`shape.dim[${i}] is not an object`);
    const size = (d as { size?: unknown }).size;
    if (size === undefined) return 0; // protobuf JSON omits zeros
    const n = parseInt64(size);
    if (n < -1) throw new Error(`shape.dim[${i}].size is ${n}`);
    return n;
  });
}

// ---- TensorProto ---------------------------------------------------------------------------------------------

/** Bytes per element of tensorContent, by TensorFlow type. */
const CONTENT_BYTES: Record<string, number> = {
  DT_FLOAT: 4, DT_DOUBLE: 8, DT_HALF: 2, DT_BFLOAT16: 2, DT_INT32: 4, DT_INT16: 2, DT_INT8: 1, DT_UINT8: 1,
  DT_UINT16: 2, DT_UINT32: 4, DT_INT64: 8, DT_UINT64: 8, DT_BOOL: 1, DT_QINT8: 1, DT_QUINT8: 1, DT_QINT16: 2,
  DT_QUINT16: 2, DT_QINT32: 4,
};

/** The TensorProto field holding values of each TensorFlow type. */
const VALUE_FIELD: Record<string, keyof TensorProtoJson> = {
  DT_FLOAT: 'floatVal', DT_DOUBLE: 'doubleVal', DT_HALF: 'halfVal', DT_BFLOAT16: 'halfVal', DT_INT32: 'intVal',
  DT_INT16: 'intVal', DT_INT8: 'intVal', DT_UINT8: 'intVal', DT_UINT16: 'intVal', DT_QINT8: 'intVal',
  DT_QUINT8: 'intVal', DT_QINT16: 'intVal', DT_QUINT16: 'intVal', DT_QINT32: 'intVal', DT_INT64: 'int64Val',
  DT_UINT32: 'uint32Val', DT_UINT64: 'uint64Val', DT_BOOL: 'boolVal', DT_STRING: 'stringVal',
};
const ALL_VALUE_FIELDS: (keyof TensorProtoJson)[] = [
  'floatVal', 'doubleVal', 'halfVal', 'intVal', 'int64Val', 'uint32Val', 'uint64Val', 'boolVal', 'stringVal',
  'scomplexVal', 'dcomplexVal',
];

function toInt32(n: number, tf: string): number {
  if (n < -2147483648 || n > 2147483647) throw new Error(`the ${tf} value ${n} does not fit in int32`);
  return n;
}

/** Reads element i of raw little-endian tensorContent as a JS number. */
function readContent(view: DataView, tf: string, i: number): number {
  switch (tf) {
    case 'DT_FLOAT': return view.getFloat32(i * 4, true);
    case 'DT_DOUBLE': return view.getFloat64(i * 8, true);
    case 'DT_HALF': return new Float32Array(new Uint32Array([float16BitsToFloat32Bits(view.getUint16(i * 2, true))]).buffer)[0];
    case 'DT_BFLOAT16': return new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0];
    case 'DT_INT32': case 'DT_QINT32': return view.getInt32(i * 4, true);
    case 'DT_INT16': case 'DT_QINT16': return view.getInt16(i * 2, true);
    case 'DT_INT8': case 'DT_QINT8': return view.getInt8(i);
    case 'DT_UINT8': case 'DT_QUINT8': case 'DT_BOOL': return view.getUint8(i);
    case 'DT_UINT16': case 'DT_QUINT16': return view.getUint16(i * 2, true);
    case 'DT_UINT32': return view.getUint32(i * 4, true);
    case 'DT_INT64': return Number(view.getBigInt64(i * 8, true));
    case 'DT_UINT64': return Number(view.getBigUint64(i * 8, true));
    default: throw new Error(`tensorContent of ${tf} cannot be read`);
  }
}

/** A value of a *_val field as a JS number, for a tensor of TensorFlow type tf. */
function listValue(v: unknown, tf: string): number {
  switch (tf) {
    case 'DT_FLOAT': case 'DT_DOUBLE': return parseFloatValue(v);
    case 'DT_HALF': return new Float32Array(new Uint32Array([float16BitsToFloat32Bits(parseInt64(v) & 0xffff)]).buffer)[0];
    case 'DT_BFLOAT16': return new Float32Array(new Uint32Array([(parseInt64(v) & 0xffff) << 16]).buffer)[0];
    case 'DT_BOOL': return parseBool(v) ? 1 : 0;
    default: return parseInt64(v);
  }
}

/**
 * Decodes a TensorProto (JSON form): values from tensorContent (raw little-endian bytes, base64) or from the
 * field of its type (floatVal, intVal, int64Val …). Fewer values than elements repeat the last one, none give
 * zeros (TensorFlow's rules). float types become float32, integer types int32 (a value beyond int32 is an error).
 * Throws a plain Error saying what is wrong; callers add where.
 */
export function decodeTensorProto(v: unknown): ConstTensor {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('the tensor is not an object');
  const t = v as TensorProtoJson;
  const tf = parseType(t.dtype ?? 'DT_INVALID');
  const dtype = hostDType(tf);
  if (dtype === undefined) throw new Error(`a tensor of ${tf} has no host dtype`);
  if (dtype === 'complex64') throw new Error(`complex tensors (${tf}) are not supported`);
  const shape = t.tensorShape === undefined || t.tensorShape === null ? [] : decodeShape(t.tensorShape);
  if (shape === null) throw new Error('a constant tensor has an unknown rank');
  if (shape.some((d) => d < 0)) throw new Error(`a constant tensor has unknown dims: [${shape.join(', ')}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  const field = VALUE_FIELD[tf];
  for (const other of ALL_VALUE_FIELDS) {
    const vals = t[other];
    if (other !== field && Array.isArray(vals) && vals.length > 0) throw new Error(`a tensor of ${tf} carries ${other} values`);
  }

  if (dtype === 'string') {
    if (t.tensorContent !== undefined && t.tensorContent !== null && t.tensorContent !== '') {
      throw new Error('a string tensor carries tensorContent');
    }
    const given = t.stringVal === undefined || t.stringVal === null ? [] : asArray(t.stringVal, 'stringVal').map(parseBytesText);
    return { dtype, tfDtype: tf, shape, data: fill(given, count, '', 'stringVal'), inline: given.length > 0 };
  }

  let values: number[];
  let inline = false;
  if (typeof t.tensorContent === 'string' && t.tensorContent !== '') {
    const bytes = base64ToBytes(t.tensorContent);
    const need = count * CONTENT_BYTES[tf];
    if (bytes.byteLength !== need) {
      throw new Error(`tensorContent holds ${bytes.byteLength} bytes; ${tf} of shape [${shape.join(', ')}] needs ${need}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    values = Array.from({ length: count }, (_, i) => readContent(view, tf, i));
    inline = true;
  } else if (t.tensorContent !== undefined && t.tensorContent !== null && typeof t.tensorContent !== 'string') {
    throw new Error('tensorContent is not a base64 string');
  } else {
    const raw = t[field];
    const given = raw === undefined || raw === null ? [] : asArray(raw, field).map((x) => listValue(x, tf));
    values = fill(given, count, 0, field);
    inline = given.length > 0;
  }
  let data: Float32Array | Int32Array | Uint8Array;
  if (dtype === 'float32') data = Float32Array.from(values);
  else if (dtype === 'int32') data = Int32Array.from(values, (x) => toInt32(x, tf));
  else data = Uint8Array.from(values, (x) => (x !== 0 ? 1 : 0));
  return { dtype, tfDtype: tf, shape, data, inline };
}

function fill<T>(given: T[], count: number, zero: T, field: string): T[] {
  if (given.length > count) throw new Error(`${field} holds ${given.length} values for ${count} elements`);
  if (given.length === count) return given;
  const last = given.length > 0 ? given[given.length - 1] : zero;
  return [...given, ...new Array<T>(count - given.length).fill(last)];
}

// ---- AttrValue -------------------------------------------------------------------------------------------------

function decodeFunc(v: unknown): FuncRef {
  if (v === null || typeof v !== 'object') throw new Error('the function reference is not an object');
  const f = v as { name?: unknown; attr?: unknown };
  if (typeof f.name !== 'string') throw new Error('the function reference has no name');
  return { name: f.name, attr: (f.attr ?? {}) as Record<string, AttrValueJson> };
}

/** Decodes one AttrValue (JSON form) into a tagged plain value. Throws a plain Error saying what is wrong. */
export function decodeAttr(v: unknown): DecodedAttr {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('the attribute is not an object');
  const a = v as AttrValueJson;
  const present = (Object.keys(a) as (keyof AttrValueJson)[]).filter((k) => a[k] !== undefined && a[k] !== null);
  if (present.length !== 1) {
    throw new Error(present.length === 0 ? 'the attribute has no value' : `the attribute has several values (${present.join(', ')})`);
  }
  switch (present[0]) {
    case 'i': return { kind: 'int', value: parseInt64(a.i) };
    case 'f': return { kind: 'float', value: parseFloatValue(a.f) };
    case 'b': return { kind: 'bool', value: parseBool(a.b) };
    case 's': return { kind: 'string', value: parseBytesText(a.s) };
    case 'type': {
      const name = parseType(a.type);
      return { kind: 'type', value: name, dtype: hostDType(name) };
    }
    case 'shape': return { kind: 'shape', value: decodeShape(a.shape) };
    case 'tensor': return { kind: 'tensor', value: decodeTensorProto(a.tensor) };
    case 'func': return { kind: 'func', value: decodeFunc(a.func) };
    case 'placeholder': {
      if (typeof a.placeholder !== 'string') throw new Error('placeholder is not a string');
      return { kind: 'placeholder', value: a.placeholder };
    }
    case 'list': return decodeList(a.list);
    default: throw new Error(`unknown attribute field '${String(present[0])}'`);
  }
}

function decodeList(v: unknown): DecodedAttr {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('list is not an object');
  const l = v as NonNullable<AttrValueJson['list']>;
  const fields = (Object.keys(l) as (keyof typeof l)[]).filter((k) => Array.isArray(l[k]) && (l[k] as unknown[]).length > 0);
  for (const k of Object.keys(l) as (keyof typeof l)[]) {
    if (l[k] !== undefined && l[k] !== null && !Array.isArray(l[k])) throw new Error(`list.${String(k)} is not an array`);
  }
  if (fields.length === 0) return { kind: 'list', value: [] };
  if (fields.length > 1) throw new Error(`the list holds several kinds (${fields.join(', ')})`);
  const f = fields[0];
  const items = l[f] as unknown[];
  switch (f) {
    case 'i': return { kind: 'ints', value: items.map(parseInt64) };
    case 'f': return { kind: 'floats', value: items.map(parseFloatValue) };
    case 'b': return { kind: 'bools', value: items.map(parseBool) };
    case 's': return { kind: 'strings', value: items.map(parseBytesText) };
    case 'type': {
      const names = items.map(parseType);
      return { kind: 'types', value: names, dtypes: names.map(hostDType) };
    }
    case 'shape': return { kind: 'shapes', value: items.map(decodeShape) };
    case 'tensor': return { kind: 'tensors', value: items.map(decodeTensorProto) };
    case 'func': return { kind: 'funcs', value: items.map(decodeFunc) };
    default: throw new Error(`unknown list field '${String(f)}'`);
  }
}

// ---- the accessor ----------------------------------------------------------------------------------------------

type KindValue<K extends AttrKind> = Extract<DecodedAttr, { kind: K }>['value'];
const LIST_KINDS = new Set<AttrKind>(['ints', 'floats', 'bools', 'strings', 'types', 'shapes', 'tensors', 'funcs']);

/**
 * The attributes of one node, decoded on first use. Accessors take the attribute's name and, optionally, a
 * fallback returned when the node does not have it; without a fallback a missing attribute is an error.
 */
export class NodeAttrs {
  private readonly cache = new Map<string, DecodedAttr>();

  constructor(
    readonly node: string,
    readonly op: string,
    private readonly json: Readonly<Record<string, AttrValueJson>>,
  ) {}

  /** The attribute names the node has. */
  names(): string[] {
    return Object.keys(this.json);
  }

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.json, name);
  }

  /** The attribute as written in model.json. */
  raw(name: string): AttrValueJson | undefined {
    return this.has(name) ? this.json[name] : undefined;
  }

  /** The decoded attribute, or undefined when the node does not have it. */
  get(name: string): DecodedAttr | undefined {
    if (!this.has(name)) return undefined;
    let d = this.cache.get(name);
    if (!d) {
      try {
        d = decodeAttr(this.json[name]);
      } catch (e) {
        throw this.error(name, (e as Error).message);
      }
      this.cache.set(name, d);
    }
    return d;
  }

  /** Every attribute decoded, by name (throws on the first malformed one). */
  all(): Record<string, DecodedAttr> {
    return Object.fromEntries(this.names().map((n) => [n, this.get(n)!]));
  }

  int(name: string, fallback?: number): number {
    return this.read(name, 'int', fallback);
  }
  ints(name: string, fallback?: number[]): number[] {
    return this.read(name, 'ints', fallback);
  }
  float(name: string, fallback?: number): number {
    return this.read(name, 'float', fallback);
  }
  floats(name: string, fallback?: number[]): number[] {
    return this.read(name, 'floats', fallback);
  }
  bool(name: string, fallback?: boolean): boolean {
    return this.read(name, 'bool', fallback);
  }
  bools(name: string, fallback?: boolean[]): boolean[] {
    return this.read(name, 'bools', fallback);
  }
  /** A string attribute (protobuf bytes, base64 in model.json) as UTF-8 text, e.g. padding → 'SAME'. */
  string(name: string, fallback?: string): string {
    return this.read(name, 'string', fallback);
  }
  strings(name: string, fallback?: string[]): string[] {
    return this.read(name, 'strings', fallback);
  }
  /** TensorFlow's name of a type attribute: 'DT_FLOAT', 'DT_INT64' … */
  tfDtype(name: string, fallback?: string): string {
    return this.read(name, 'type', fallback);
  }
  tfDtypes(name: string, fallback?: string[]): string[] {
    return this.read(name, 'types', fallback);
  }
  /** A type attribute as the host dtype ('float32', 'int32', 'bool', 'string', 'complex64'). */
  dtype(name: string, fallback?: HostDType): HostDType {
    const a = this.get(name);
    if (a === undefined && fallback !== undefined) return fallback;
    const tf = this.read<'type'>(name, 'type');
    const d = hostDType(tf);
    if (d === undefined) throw this.error(name, `is ${tf}, which is not a tensor dtype`);
    return d;
  }
  dtypes(name: string, fallback?: HostDType[]): HostDType[] {
    const a = this.get(name);
    if (a === undefined && fallback !== undefined) return fallback;
    return this.read<'types'>(name, 'types').map((tf) => {
      const d = hostDType(tf);
      if (d === undefined) throw this.error(name, `holds ${tf}, which is not a tensor dtype`);
      return d;
    });
  }
  /** A shape attribute: dims (-1 for unknown), or null for an unknown rank. */
  shape(name: string, fallback?: number[] | null): number[] | null {
    return this.read(name, 'shape', fallback);
  }
  shapes(name: string, fallback?: (number[] | null)[]): (number[] | null)[] {
    return this.read(name, 'shapes', fallback);
  }
  tensor(name: string): ConstTensor {
    return this.read(name, 'tensor');
  }
  tensors(name: string): ConstTensor[] {
    return this.read(name, 'tensors');
  }
  func(name: string): FuncRef {
    return this.read(name, 'func');
  }

  private read<K extends AttrKind>(name: string, kind: K, fallback?: KindValue<K>): KindValue<K> {
    const a = this.get(name);
    if (a === undefined) {
      if (fallback !== undefined) return fallback;
      throw this.error(name, `is missing (expected ${KIND_WORDS[kind]})`);
    }
    if (a.kind === kind) return a.value as KindValue<K>;
    if (a.kind === 'list' && LIST_KINDS.has(kind)) return [] as unknown as KindValue<K>;
    throw this.error(name, `is ${KIND_WORDS[a.kind]}, expected ${KIND_WORDS[kind]}`);
  }

  private error(name: string, what: string): ModelFormatError {
    return new ModelFormatError(`node '${this.node}' (op ${this.op}): attribute '${name}' ${what}`, { op: this.op });
  }
}
