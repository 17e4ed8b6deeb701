// Runs the ops fixtures (reductions, matmul, movement, nn) through the public API, as a user would call them.
import type * as WG from '../../engine/index';
import fixtures from '../fixtures/ops.json';
import convFixtures from '../fixtures/conv.json';
import poolFixtures from '../fixtures/pool.json';
import imageFixtures from '../fixtures/image.json';
import indexingFixtures from '../fixtures/indexing.json';
import einsumFixtures from '../fixtures/einsum.json';
import volumeFixtures from '../fixtures/volume.json';
import selectionFixtures from '../fixtures/selection.json';
import { compare, decode, type FixtureTensor } from './cases';

export type OpsInput =
  | (FixtureTensor & { slice?: { begin: number[]; size: number[] } })
  | { scalar: number }
  | { generate: { kind: 'pattern'; shape: number[]; dtype: WG.DType; a: number; m: number; scale: number; shift: number } };

/** One argument of a generic call: `{"$in": i}` is input i, `{"$ins": [i, j]}` a list of inputs, an object has its members resolved (options objects), else a literal. */
export type CallArg = { $in: number } | { $ins: number[] } | unknown;

export interface OpsCase {
  name: string;
  op: string;
  inputs: OpsInput[];
  attrs: Record<string, any>;
  expected: FixtureTensor | FixtureTensor[];
  /**
   * Generic form (the vision fixtures, scripts/fixtures_nn/): the op is called as `wg.<op>(...call)`, where
   * `op` may name a namespace member (`fused.conv2d`, `image.resizeBilinear`). Absent: the switch below.
   */
  call?: CallArg[];
  /** The case's own tolerance (generic cases); otherwise opsTolerance's per-op rule. */
  tol?: { rtol: number; atol: number };
}

type Cases = { cases: OpsCase[] };
/**
 * Every fixture file: elementwise.json (tests/helpers/cases.ts), the ops files joined below, and dropout.json
 * (sequences of calls from a seed, run by tests/browser/dropout.test.ts rather than case by case).
 */
export const FIXTURE_FILES = ['elementwise.json', 'ops.json', 'conv.json', 'pool.json', 'image.json', 'indexing.json', 'einsum.json', 'volume.json', 'selection.json', 'dropout.json'];
export const OPS_CASES: OpsCase[] = [fixtures, convFixtures, poolFixtures, imageFixtures, indexingFixtures, einsumFixtures, volumeFixtures, selectionFixtures].flatMap((f) => (f as unknown as Cases).cases);

/** Tolerances: exact for integer/bool/movement results; sums, matmul and nn ops relative to their size. */
export function opsTolerance(c: OpsCase): { rtol: number; atol: number } {
  if (c.tol) return c.tol;
  if (c.name.endsWith('/long')) return { rtol: 1e-4, atol: 1e-4 };
  switch (c.op) {
    case 'sum': case 'mean': case 'cumsum': case 'matMul': case 'dot': case 'moments':
      return { rtol: 2e-5, atol: 1e-5 };
    case 'prod': case 'cumprod':
      return { rtol: 2e-5, atol: 1e-6 };
    case 'logSumExp': case 'softmax': case 'logSoftmax': case 'layerNorm':
      return { rtol: 2e-5, atol: 2e-6 };
    default:
      return { rtol: 0, atol: 0 };
  }
}

function build(wg: typeof WG, x: OpsInput): WG.Tensor | number {
  if ('scalar' in x) return x.scalar;
  if ('generate' in x) {
    const g = x.generate;
    const n = g.shape.reduce((p, d) => p * d, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = ((i * g.a) % g.m) * g.scale + g.shift;
    return wg.tensor(v, g.shape, g.dtype);
  }
  const values = x.dtype === 'bool' ? x.data.map(Boolean) : x.data.map(decode);
  let t = wg.tensor(values, x.shape, x.dtype);
  if (x.perm) t = wg.transpose(t, x.perm);
  if (x.slice) t = wg.slice(t, x.slice.begin, x.slice.size);
  return t;
}

/**
 * Calls the op; returns one tensor or a list (unstack, split, moments). `inputs` are its inputs, built from the
 * fixture by default (graph modes pass placeholders or recorded constants instead: tests/helpers/modes.ts).
 */
export function runOpsCase(wg: typeof WG, c: OpsCase, inputs = c.inputs.map((x) => build(wg, x))): WG.Tensor | WG.Tensor[] {
  const a = c.attrs;
  const xs = inputs as WG.Tensor[];
  const [x] = xs;
  const has = (k: string) => k in a;
  if (c.call) {
    const fn = c.op.split('.').reduce<any>((o, k) => o?.[k], wg);
    if (typeof fn !== 'function') throw new Error(`fixture op ${c.op} is not in the API`);
    const arg = (v: any): unknown => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        if ('$in' in v) return xs[v.$in];
        if ('$ins' in v) return (v.$ins as number[]).map((i) => xs[i]);
        // An options object (wg.fused.conv2d({x, filter, …})): its inputs resolved too.
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, arg(x)]));
      }
      return v;
    };
    const r = fn(...c.call.map(arg));
    // Named outputs ({ values, indices }: topk): the outputs in their order.
    return r instanceof wg.Tensor || Array.isArray(r) ? r : Object.values(r as Record<string, WG.Tensor>);
  }
  switch (c.op) {
    case 'sum': case 'prod': case 'max': case 'min': case 'mean': case 'logSumExp': case 'any': case 'all':
      return (wg as any)[c.op](x, a.axis, a.keepDims);
    case 'argMax': case 'argMin':
      return has('axis') ? (wg as any)[c.op](x, a.axis) : (wg as any)[c.op](x);
    case 'cumsum': case 'cumprod':
      return (wg as any)[c.op](x, a.axis ?? 0, a.exclusive ?? false, a.reverse ?? false);
    case 'matMul':
      return wg.matMul(x, xs[1], a.transposeA ?? false, a.transposeB ?? false);
    case 'dot':
      return wg.dot(x, xs[1]);
    case 'outerProduct':
      return wg.outerProduct(x, xs[1]);
    case 'expandDims':
      return has('axis') ? wg.expandDims(x, a.axis) : wg.expandDims(x);
    case 'squeeze':
      return wg.squeeze(x, a.axis ?? undefined);
    case 'slice':
      return wg.slice(x, a.begin, a.size ?? undefined);
    case 'stridedSlice':
      return wg.stridedSlice(x, a.begin, a.end, a.strides, a.beginMask ?? 0, a.endMask ?? 0, 0, 0, a.shrinkAxisMask ?? 0);
    case 'concat':
      return has('axis') ? wg.concat(xs, a.axis) : wg.concat(xs);
    case 'stack':
      return has('axis') ? wg.stack(xs, a.axis) : wg.stack(xs);
    case 'unstack':
      return has('axis') ? wg.unstack(x, a.axis) : wg.unstack(x);
    case 'split':
      return has('axis') ? wg.split(x, a.numOrSizeSplits, a.axis) : wg.split(x, a.numOrSizeSplits);
    case 'gather':
      return has('axis') ? wg.gather(x, xs[1], a.axis) : wg.gather(x, xs[1]);
    case 'pad':
      return wg.pad(x, a.paddings, a.constantValue ?? 0);
    case 'tile':
      return wg.tile(x, a.reps);
    case 'broadcastTo':
      return wg.broadcastTo(x, a.shape);
    case 'reverse':
      return wg.reverse(x, a.axis ?? undefined);
    case 'softmax':
      return has('dim') ? wg.softmax(x, a.dim) : wg.softmax(x);
    case 'logSoftmax':
      return has('axis') ? wg.logSoftmax(x, a.axis) : wg.logSoftmax(x);
    case 'layerNorm':
      return wg.layerNorm(x, xs[1], xs[2], a.epsilon ?? 1e-5);
    case 'oneHot':
      return has('axis') ? wg.oneHot(x, a.depth, a.onValue ?? 1, a.offValue ?? 0, a.dtype ?? 'int32', a.axis) : wg.oneHot(x, a.depth, a.onValue ?? 1, a.offValue ?? 0, a.dtype ?? 'int32');
    case 'moments': {
      const m = wg.moments(x, a.axes ?? undefined, a.keepDims ?? false);
      return [m.mean, m.variance];
    }
    default:
      throw new Error(`fixture op ${c.op} is not in the API`);
  }
}

/** Runs a case and returns the first mismatch, or null. Everything it creates is left to the caller's scope. */
export async function checkOpsCase(wg: typeof WG, c: OpsCase): Promise<string | null> {
  const got = runOpsCase(wg, c);
  const outs = Array.isArray(got) ? got : [got];
  const exp = Array.isArray(c.expected) ? c.expected : [c.expected];
  if (outs.length !== exp.length) return `${outs.length} outputs, expected ${exp.length}`;
  for (let i = 0; i < outs.length; i++) {
    const data = await outs[i].data();
    const err = compare({ dtype: outs[i].dtype, shape: outs[i].shape, data }, exp[i], opsTolerance(c));
    if (err) return outs.length > 1 ? `output ${i}: ${err}` : err;
  }
  return null;
}
