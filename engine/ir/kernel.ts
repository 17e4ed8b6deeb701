// Kernel IR: what a backend runs. A kernel is pure data (no buffers); a Launch binds it to tensors.
import type { DType } from '../core/dtype';
import { exprToString, type Expr } from './expr';
import type { ReduceOp } from './reductions';

/**
 * How an elementwise kernel addresses one input, chosen per launch so that the common cases stay cheap:
 * - `contiguous`: same shape as the output and row-major: element i is at offset + i.
 * - `scalar`: a single element (size 1, any rank), read at its offset for every output element.
 * - `strided`: anything else (broadcast, transposed or sliced views): offset + Σ coord[d] * stride[d].
 * - `loaded`: never read at the element's own position; only through `load` nodes (gather, pad…),
 *   whose index expressions include the view's offset.
 */
export type InputLayout = 'contiguous' | 'scalar' | 'strided' | 'loaded';

export interface KernelInput {
  dtype: DType;
  layout: InputLayout;
}

export interface ElementwiseKernel {
  kind: 'elementwise';
  /** Human-readable name (the op, or the fused ops), for profiles and shader comments. */
  name: string;
  /** Output rank; 0 when no input is strided (then one pipeline serves every shape). */
  rank: number;
  inputs: KernelInput[];
  /** dtypes of the uniform scalar parameters (`param` leaves), e.g. a bare number in `add(x, 2)`. */
  params: DType[];
  out: DType;
  /** `strided`: the output is a view (offset + strides) into a larger buffer, e.g. one part of a concat. */
  outLayout: 'contiguous' | 'strided';
  expr: Expr;
}

/**
 * Combining operation of a reduction; its start value and combine rule are defined in reductions.ts.
 * `logsumexp`: log Σ exp in one pass with a running maximum. `softmaxstats`: the same pass, writing TWO
 * values per output — the maximum m and log Σ exp(x - m) — so softmax needs one more kernel, exactly.
 */
export type { ReduceOp };

/**
 * Reduces the `axes` (given per launch) of the tensor `prologue` computes from the inputs at each element;
 * `prologue` gives the accumulator dtype `acc`; `epilogue` maps the reduced value (input(0), of dtype `acc`)
 * to the output (for arg-reductions the reduced value is the int32 index). Both may use `params`.
 * The backend picks a strategy (thread per output, workgroup tree, or two passes for long axes).
 */
export interface ReduceKernel {
  kind: 'reduce';
  name: string;
  op: ReduceOp;
  /** dtypes of the inputs, all seen with the reduced tensor's shape (fusion adds inputs to the prologue). */
  inputs: DType[];
  acc: DType;
  out: DType;
  prologue: Expr;
  epilogue: Expr;
  params: DType[];
}

/** Batched matrix product out[b] = A[b] · B[b] over strided views (transposes are stride swaps). */
export interface MatmulKernel {
  kind: 'matmul';
  name: string;
  dtype: DType;
  /**
   * Fused elementwise epilogue (graph fusion): input(0) is the product's value, input(k ≥ 1) the extra
   * inputs (launch inputs 2…) read at the same output position; its dtype is the output's.
   */
  epilogue?: Expr;
  extras?: DType[];
  params?: DType[];
}

/** Sizes and strides of one matmul launch. */
export interface MatmulGeometry {
  M: number;
  N: number;
  K: number;
  batch: number;
  batchShape: number[];
  aBatchStrides: number[];
  bBatchStrides: number[];
  aOffset: number;
  bOffset: number;
  /** A[m, k] at aOffset + m·am + k·ak; B[k, n] at bOffset + k·bk + n·bn. */
  am: number;
  ak: number;
  bk: number;
  bn: number;
}

/**
 * Convolution (engine/eager/dispatch_conv.ts): `gemm` computes output pixels × output channels as a matrix
 * product whose k runs over the window and the input channels, reading the input through the window's
 * addressing (no patch matrix in memory); `depthwise` computes each output channel from one input channel.
 * Inputs are [x, filter, ...extras]; the epilogue is as a matmul's (input(0) the convolution's value, float32).
 */
export interface ConvKernel {
  kind: 'conv';
  name: string;
  variant: 'gemm' | 'depthwise';
  epilogue?: Expr;
  extras?: DType[];
  params?: DType[];
}

/** Sizes, window and addressing of one convolution launch (all element counts; x and filter any strides). */
export interface ConvGeometry {
  /** Input [N, H, W, C] (logical order; NCHW is a stride order). */
  N: number;
  H: number;
  W: number;
  C: number;
  /** Output [N, OH, OW, OC] (logical order). */
  OH: number;
  OW: number;
  OC: number;
  kH: number;
  kW: number;
  strides: [number, number];
  dilations: [number, number];
  /** Padding before (top, left): the virtual input row of (oh, kh) is oh·stride + kh·dilation − pad. */
  padBefore: [number, number];
  /** Input dilation (transposed convolution): a virtual row is read when divisible by it, at row / inDilation. */
  inDilations: [number, number];
  /** Depthwise: output channels per input channel (output channel c·multiplier + m reads channel c). */
  multiplier: number;
  xOffset: number;
  /** x (n, h, w, c) at xOffset + n·xStrides[0] + h·xStrides[1] + w·xStrides[2] + c·xStrides[3]. */
  xStrides: [number, number, number, number];
  fOffset: number;
  /** filter (kh, kw, ci, co) — depthwise (kh, kw, c, m) — at fOffset + Σ index·stride. */
  fStrides: [number, number, number, number];
  /** The output tensor's layout: NCHW (then its shape is [N, OC, OH, OW]) or NHWC, contiguous either way. */
  channelsFirst: boolean;
}

/** Inclusive/exclusive scan (cumsum, cumprod) along one axis, optionally from the end. */
export interface ScanKernel {
  kind: 'scan';
  name: string;
  op: 'sum' | 'prod';
  dtype: DType;
  exclusive: boolean;
  reverse: boolean;
}

export type Kernel = ElementwiseKernel | ReduceKernel | MatmulKernel | ConvKernel | ScanKernel;

/** A tensor as a kernel reads it: a storage handle (backend specific) seen through shape/strides/offset. */
export interface View<H = unknown> {
  handle: H;
  dtype: DType;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

export interface Launch<H = unknown> {
  kernel: Kernel;
  inputs: View<H>[];
  params: number[];
  outShape: readonly number[];
  out: H;
  /** Where a strided output writes (outLayout 'strided'). */
  outView?: { offset: number; strides: readonly number[] };
  /** reduce: the reduced axes (outShape is the kept dims); scan: [axis]. */
  axes?: readonly number[];
  /** reduce: the shape of the tensor being reduced (inputs broadcast to it); default inputs[0].shape. */
  inShape?: readonly number[];
  /** matmul: sizes and strides (inputs are [A, B]). */
  matmul?: MatmulGeometry;
  /** conv: sizes, window and addressing (inputs are [x, filter, ...epilogue extras]). */
  conv?: ConvGeometry;
  /** Graph nodes this launch computes (set by graph planning; a fused launch lists all of them). */
  nodes?: number[];
  /** Graph planning: the device that runs it (a plan may span devices). */
  device?: 'webgpu' | 'cpu';
  /**
   * Graph planning: not a kernel but a copy of inputs[0] (contiguous, `outShape` elements) from another
   * device's storage into `out` on `device`. The kernel is an identity, so passes see a plain copy.
   */
  transfer?: { from: 'webgpu' | 'cpu' };
}

export function kernelToString(k: Kernel): string {
  switch (k.kind) {
    case 'elementwise':
      return elementwiseToString(k);
    case 'reduce':
      return `reduce ${k.name} ${k.op} (${k.inputs.join(', ')}) -> acc ${k.acc} -> ${k.out} { prologue: ${exprToString(k.prologue)}; epilogue: ${exprToString(k.epilogue)} }`;
    case 'matmul':
      return `matmul ${k.name} ${k.dtype}${k.epilogue ? ` { epilogue: ${exprToString(k.epilogue)} }` : ''}`;
    case 'conv':
      return `conv ${k.name} ${k.variant}${k.epilogue ? ` { epilogue: ${exprToString(k.epilogue)} }` : ''}`;
    case 'scan':
      return `scan ${k.name} ${k.op} ${k.dtype}${k.exclusive ? ' exclusive' : ''}${k.reverse ? ' reverse' : ''}`;
    default:
      return k satisfies never;
  }
}

function elementwiseToString(k: ElementwiseKernel): string {
  const ins = k.inputs.map((x, i) => `in${i}: ${x.dtype} ${x.layout}`).join(', ');
  const ps = k.params.map((d, i) => `p${i}: ${d}`).join(', ');
  const out = `${k.out}${k.outLayout === 'strided' ? ' strided' : ''}`;
  return `${k.kind} ${k.name} rank=${k.rank} (${ins}${ps ? `; ${ps}` : ''}) -> ${out} { ${exprToString(k.expr)} }`;
}

// ---- Kernel identity: derived from the IR, never assembled by hand ----

// Short, self-delimiting prints (the key is built and hashed on every eager dispatch): one-letter codes from
// exhaustive tables, strings length-prefixed (a name may contain any separator), numbers exact (String
// round-trips; -0 kept apart from 0), lists bracketed.
const DTYPE_CODE = { float32: 'f', int32: 'i', uint32: 'u', bool: 'b' } satisfies Record<DType, string>;
const LAYOUT_CODE = { contiguous: 'c', scalar: 's', strided: 't', loaded: 'l' } satisfies Record<InputLayout, string>;
const str = (v: string) => `${v.length}:${v}`;
const num = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

function dtypes(vs: readonly DType[] | undefined): string {
  if (vs === undefined) return '-';
  let s = '[';
  for (let i = 0; i < vs.length; i++) s += DTYPE_CODE[vs[i]];
  return `${s}]`;
}

/**
 * Every field a kind's print covers. A field added to a kernel kind and not listed here is a compile
 * error (below), which points at the print to extend: the key can never silently ignore a field.
 */
const PRINTED = {
  elementwise: ['kind', 'name', 'rank', 'inputs', 'params', 'out', 'outLayout', 'expr'],
  reduce: ['kind', 'name', 'op', 'inputs', 'acc', 'out', 'prologue', 'epilogue', 'params'],
  matmul: ['kind', 'name', 'dtype', 'epilogue', 'extras', 'params'],
  conv: ['kind', 'name', 'variant', 'epilogue', 'extras', 'params'],
  scan: ['kind', 'name', 'op', 'dtype', 'exclusive', 'reverse'],
} as const satisfies { [K in Kernel['kind']]: readonly (keyof Extract<Kernel, { kind: K }>)[] };
type Unprinted = { [K in Kernel['kind']]: Exclude<keyof Extract<Kernel, { kind: K }>, (typeof PRINTED)[K][number]> }[Kernel['kind']];
export type KernelKeyCoversEveryField = [Unprinted] extends [never] ? true : { unprinted: Unprinted };
true satisfies KernelKeyCoversEveryField;

const keys = new WeakMap<Kernel, string>();

/**
 * The kernel's identity: a print of EVERY field (expressions node by node, literals included), so equal
 * keys are equal computations. Caches of kernels key by it; nothing assembles keys by hand.
 * Memoised per Kernel object (kernels are immutable).
 */
export function kernelKey(k: Kernel): string {
  let key = keys.get(k);
  if (key === undefined) keys.set(k, (key = printKernelKey(k)));
  return key;
}

/**
 * kernelKey without the memo: for a kernel object that is about to be dropped (an eager call's candidate
 * kernel, replaced by the interned one), where a WeakMap entry per call would only burden the GC.
 * One template per kind (this runs per eager dispatch), covering the fields PRINTED lists.
 */
export function printKernelKey(k: Kernel): string {
  switch (k.kind) {
    case 'elementwise': {
      let ins = '';
      for (const x of k.inputs) ins += DTYPE_CODE[x.dtype] + LAYOUT_CODE[x.layout];
      return `e|${str(k.name)}|${k.rank}|${ins}|${dtypes(k.params)}|${DTYPE_CODE[k.out]}|${LAYOUT_CODE[k.outLayout]}|${exprKey(k.expr)}`;
    }
    case 'reduce':
      return `r|${str(k.name)}|${k.op}|${dtypes(k.inputs)}|${DTYPE_CODE[k.acc]}|${DTYPE_CODE[k.out]}|${exprKey(k.prologue)}|${exprKey(k.epilogue)}|${dtypes(k.params)}`;
    case 'matmul':
      return `m|${str(k.name)}|${DTYPE_CODE[k.dtype]}|${k.epilogue ? exprKey(k.epilogue) : '-'}|${dtypes(k.extras)}|${dtypes(k.params)}`;
    case 'conv':
      return `c|${str(k.name)}|${k.variant}|${k.epilogue ? exprKey(k.epilogue) : '-'}|${dtypes(k.extras)}|${dtypes(k.params)}`;
    case 'scan':
      return `s|${str(k.name)}|${k.op}|${DTYPE_CODE[k.dtype]}|${k.exclusive ? 1 : 0}|${k.reverse ? 1 : 0}`;
    default:
      return k satisfies never;
  }
}

/** Node lists this long switch from a linear scan to a Map (eager expressions are a handful of nodes). */
const SCAN_LIMIT = 32;

/**
 * An expression in post-order, each node object once as `prim:<dtype code><value>(argument slots)`; a
 * node used twice is referenced by its slot, so a deep DAG prints in linear size. Equal prints are equal
 * computations (every field of every node is printed). Cheaper than exprToString (no structural merging:
 * this runs per eager dispatch), at the price that two separately built copies of one subexpression print
 * differently: a cache miss, never a wrong hit.
 */
function exprKey(root: Expr): string {
  const list: Expr[] = [];
  let map: Map<Expr, number> | undefined;
  let out = '';
  const visit = (e: Expr): number => {
    const seen = map ? map.get(e) : list.indexOf(e);
    if (seen !== undefined && seen >= 0) return seen;
    let args = '';
    for (let i = 0; i < e.args.length; i++) args += (i ? ',' : '') + visit(e.args[i]);
    const slot = list.length;
    list.push(e);
    if (map) map.set(e, slot);
    else if (list.length > SCAN_LIMIT) map = new Map(list.map((x, i) => [x, i]));
    out += `${e.prim}:${DTYPE_CODE[e.dtype]}${num(e.value)}(${args})`;
    return slot;
  };
  visit(root);
  return out;
}
