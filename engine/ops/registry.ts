// What every public op declares about itself, apart from its implementation: its family, an argument
// schema, what it returns, whether it is a Tensor method, whether it has a side effect, whether it is
// differentiable, and a one-line doc. The registry (engine/api/registry.ts) pairs each spec with its
// implementation; everything else (recording, JSON validation, Tensor methods, exports, docs/ops.md) is
// derived from it. Pure data: no device, no dispatch.
import { SerializationError } from '../core/errors';
import { DTYPES } from '../core/dtype';

/**
 * The kinds of argument an op takes. Each kind names the TypeScript type the public function declares
 * (`PARAM_TYPES`, used by the generated exports, so the compiler checks every implementation against its
 * schema) and a check that a graph loaded from JSON must pass (`validateArgs`).
 */
export const PARAM_TYPES = {
  tensor: 'Tensor',
  tensorLike: 'TensorLike',
  tensorOrNumber: 'Tensor | number',
  tensors: 'Tensor[]',
  optTensor: 'Tensor | null',
  number: 'number',
  int: 'number',
  nullableInt: 'number | null',
  bool: 'boolean',
  scalar: 'number | boolean',
  dtype: 'DType',
  axis: 'Axis',
  ints: 'number[]',
  intOrInts: 'number | number[]',
  shape: 'number[]',
  nullableShape: 'number[] | null',
  indices: 'Tensor | number[]',
  paddings: '[number, number][]',
  /** An image layout (depthToSpace, and the convolutions that accept both). */
  dataFormat: "'NHWC' | 'NCHW'",
  mirrorPadMode: "'reflect' | 'symmetric'",
  values: 'TensorValues',
  initial: 'Tensor | TensorValues',
  device: 'DeviceName',
  deviceSpec: 'DeviceSpec',
  variableOptions: 'VariableOptions',
  printable: 'unknown',
  /** TensorFlow's spatial padding (convolution, pooling): 'same', 'valid', a number, or one [before, after] pair per dimension. */
  padding: "'valid' | 'same' | number | [number, number][]",
  /** How a numeric pad rounds the output size (TensorFlow.js's dimRoundingMode). */
  roundingMode: "'floor' | 'round' | 'ceil'",
  poolingType: "'max' | 'avg'",
  /** A 1-D signal's layout (conv1d). */
  dataFormat1d: "'NWC' | 'NCW'",
  /** A volume's layout (conv3d, maxPool3d, avgPool3d; TensorFlow.js runs 'NDHWC' only). */
  dataFormat3d: "'NDHWC' | 'NCDHW'",
  /** wg.fused.conv2d's and wg.fused.depthwiseConv2d's one options object (tensors inside are graph inputs). */
  fusedConvArgs: 'FusedConv2DArgs',
  /** wg.fused.matMul's one options object. */
  fusedMatMulArgs: 'FusedMatMulArgs',
  /** An einsum equation ('ij,jk->ik'). */
  equation: 'string',
  /** image.cropAndResize's sampling. */
  cropMethod: "'bilinear' | 'nearest'",
  /** image.transform's handling of points outside the image. */
  fillMode: "'constant' | 'reflect' | 'wrap' | 'nearest'",
  /** wg.browser.fromPixels's image, canvas, video, ImageBitmap, ImageData or PixelData (in a graph: PixelData). */
  pixelSource: 'PixelSource',
} as const;
export type ParamKind = keyof typeof PARAM_TYPES;

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** May be left out (undefined); the implementation supplies the default. */
  readonly optional?: boolean;
  /** A rest parameter (`...values`): only the last parameter. */
  readonly rest?: boolean;
}

export const RETURN_TYPES = {
  tensor: 'Tensor',
  tensors: 'Tensor[]',
  moments: '{ mean: Tensor; variance: Tensor }',
  promise: 'Promise<void>',
  /** topk: the k largest values along the last axis and their indices. */
  topk: '{ values: Tensor; indices: Tensor }',
  /** image.nonMaxSuppressionWithScore. */
  nmsWithScore: '{ selectedIndices: Tensor; selectedScores: Tensor }',
  /** image.nonMaxSuppressionPadded. */
  nmsPadded: '{ selectedIndices: Tensor; validOutputs: Tensor }',
} as const;
export type ReturnKind = keyof typeof RETURN_TYPES;

export type OpFamily = 'creation' | 'elementwise' | 'reduce' | 'linalg' | 'movement' | 'nn' | 'conv' | 'image' | 'state' | 'device';

/** Namespaces of the public API (`wg.fused.conv2d`, `wg.image.resizeBilinear`), as in TensorFlow.js. */
export type OpNamespace = 'fused' | 'image' | 'browser';

/**
 * An op's public name inside its namespace: the registry name without the namespace's prefix
 * (`fusedConv2d` is `wg.fused.conv2d`), or the name itself (`resizeBilinear` is `wg.image.resizeBilinear`).
 */
export function memberName(name: string, ns: OpNamespace): string {
  return name.startsWith(ns) && name.length > ns.length ? name[ns.length].toLowerCase() + name.slice(ns.length + 1) : name;
}

export interface OpSpec {
  readonly family: OpFamily;
  /** One line: shown as the function's and the method's doc comment and in docs/ops.md. */
  readonly doc: string;
  readonly params: readonly ParamSpec[];
  readonly returns: ReturnKind;
  /** Also a Tensor method: `x.op(...rest)` is `op(x, ...rest)`. */
  readonly method?: boolean;
  /** Runs for its effect (assign, print): never pruned, CSE'd or folded. */
  readonly sideEffect?: boolean;
  /**
   * Has a gradient: the gradient issue keys an exhaustive rule table by these names
   * (`satisfies Record<DifferentiableOp, GradRule>`), so a missing rule is a compile error.
   */
  readonly differentiable?: boolean;
  /** Makes a tensor from host values (tensor, constant, scalar): an upload, run at once even when lazy. */
  readonly fromHost?: boolean;
  /** Other public names for the same function (TensorFlow.js aliases: matmul, flip). */
  readonly aliases?: readonly string[];
  /**
   * Public only inside this namespace (`wg.fused.conv2d`), not at the top level; graphs and saved models
   * still name the op by its registry name (`fusedConv2d`).
   */
  readonly namespace?: OpNamespace;
}

/** Shorthands for schemas: `p('x', 'tensor')`, `opt('axis', 'axis')`. */
export const p = (name: string, kind: ParamKind): ParamSpec => ({ name, kind });
export const opt = (name: string, kind: ParamKind): ParamSpec => ({ name, kind, optional: true });
export const rest = (name: string, kind: ParamKind): ParamSpec => ({ name, kind, optional: true, rest: true });

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const isIntList = (v: unknown) => Array.isArray(v) && v.every(isInt);
const isNestedValues = (v: unknown): boolean =>
  typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every(isNestedValues));

/** An options object (fused ops): a plain object whose `tensors` are tensors and `optional` tensors absent or null. */
const isOptions = (v: unknown, t: (v: unknown) => boolean, tensors: string[], optional: string[]): boolean => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return tensors.every((k) => t(o[k])) && optional.every((k) => o[k] === undefined || o[k] === null || t(o[k]));
};

/**
 * How a decoded JSON argument of each kind must look. Tensor arguments have already been resolved to
 * references (`isTensor`); everything else is plain JSON after decoding (numbers, arrays, strings…).
 */
const CHECKS: { [K in ParamKind]: (v: unknown, isTensor: (v: unknown) => boolean) => boolean } = {
  tensor: (v, t) => t(v),
  tensorLike: (v, t) => t(v) || typeof v === 'number' || typeof v === 'boolean',
  tensorOrNumber: (v, t) => t(v) || typeof v === 'number',
  tensors: (v, t) => Array.isArray(v) && v.every(t),
  optTensor: (v, t) => v === null || t(v),
  number: (v) => typeof v === 'number',
  int: isInt,
  nullableInt: (v) => v === null || isInt(v),
  bool: (v) => typeof v === 'boolean',
  scalar: (v) => typeof v === 'number' || typeof v === 'boolean',
  dtype: (v) => typeof v === 'string' && (DTYPES as readonly string[]).includes(v),
  axis: (v) => v === null || isInt(v) || isIntList(v),
  ints: isIntList,
  intOrInts: (v) => isInt(v) || isIntList(v),
  shape: isIntList,
  nullableShape: (v) => v === null || isIntList(v),
  indices: (v, t) => t(v) || isIntList(v),
  paddings: (v) => Array.isArray(v) && v.every((pr) => isIntList(pr) && (pr as number[]).length === 2),
  dataFormat: (v) => v === 'NHWC' || v === 'NCHW',
  mirrorPadMode: (v) => v === 'reflect' || v === 'symmetric',
  values: (v) => isNestedValues(v) || ArrayBuffer.isView(v),
  initial: (v, t) => t(v) || isNestedValues(v) || ArrayBuffer.isView(v),
  device: (v) => v === 'webgpu' || v === 'cpu',
  deviceSpec: (v) => typeof v === 'string',
  variableOptions: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  printable: () => true,
  padding: (v) => v === 'same' || v === 'valid' || isInt(v) || (Array.isArray(v) && v.every((pr) => isIntList(pr) && (pr as number[]).length === 2)),
  roundingMode: (v) => v === 'floor' || v === 'round' || v === 'ceil',
  poolingType: (v) => v === 'max' || v === 'avg',
  dataFormat1d: (v) => v === 'NWC' || v === 'NCW',
  dataFormat3d: (v) => v === 'NDHWC' || v === 'NCDHW',
  fusedConvArgs: (v, t) => isOptions(v, t, ['x', 'filter'], ['bias', 'preluActivationWeights']),
  fusedMatMulArgs: (v, t) => isOptions(v, t, ['a', 'b'], ['bias', 'preluActivationWeights']),
  equation: (v) => typeof v === 'string',
  cropMethod: (v) => v === 'bilinear' || v === 'nearest',
  fillMode: (v) => v === 'constant' || v === 'reflect' || v === 'wrap' || v === 'nearest',
  pixelSource: (v) => typeof v === 'object' && v !== null && ArrayBuffer.isView((v as { data?: unknown }).data) && isInt((v as { width?: unknown }).width) && isInt((v as { height?: unknown }).height),
};

/**
 * Checks a graph node's decoded arguments against its op's schema (graphs loaded from JSON): the count,
 * and each argument's kind. Throws a SerializationError naming the node, the op and the argument.
 */
export function validateArgs(where: string, op: string, spec: OpSpec, args: readonly unknown[], isTensor: (v: unknown) => boolean): void {
  const fail = (msg: string) => {
    throw new SerializationError(`${where}: ${op} ${msg}`, { op });
  };
  const last = spec.params[spec.params.length - 1];
  const max = last?.rest ? Infinity : spec.params.length;
  if (args.length > max) fail(`takes at most ${max} arguments (${signatureOf(op, spec)}), got ${args.length}`);
  spec.params.forEach((param, i) => {
    const vals = param.rest ? args.slice(i) : [args[i]];
    for (const v of vals) {
      if (v === undefined && (param.optional || param.rest)) continue;
      if (v === undefined) fail(`needs argument ${i + 1} (${param.name}): ${signatureOf(op, spec)}`);
      if (!CHECKS[param.kind](v, isTensor)) {
        fail(`argument ${i + 1} (${param.name}) must be ${PARAM_TYPES[param.kind]}, got ${JSON.stringify(v)?.slice(0, 60) ?? typeof v}`);
      }
    }
  });
}

/** `sum(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor` — for messages, docs and generated code. */
export function signatureOf(name: string, spec: OpSpec, from = 0): string {
  const params = spec.params
    .slice(from)
    .map((q) => `${q.rest ? '...' : ''}${q.name}${q.optional && !q.rest ? '?' : ''}: ${PARAM_TYPES[q.kind]}${q.rest ? '[]' : ''}`);
  return `${name}(${params.join(', ')}): ${RETURN_TYPES[spec.returns]}`;
}
