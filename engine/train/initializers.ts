// wg.initializers: TensorFlow.js's weight initializers. Each factory returns an object whose
// `apply(shape, dtype = 'float32')` gives a new tensor (tf.initializers.glorotUniform({ seed }).apply(shape)).
// zeros, ones, constant, identity, randomUniform, randomNormal, truncatedNormal, varianceScaling and its presets
// (glorot/he/lecun × normal/uniform; leCunNormal/leCunUniform as TF.js spells them), orthogonal.
//
// The random values are generated ON THE HOST, in float64 with our own seeded generator, and uploaded once with
// wg.tensor: an initializer runs once per weight, so a kernel per distribution would buy nothing. A seeded
// initializer gives the same tensor on every apply (and for every engine); without a seed each apply draws a
// fresh key from wgflow's global generator (so wg.setSeed makes unseeded runs reproducible too).
//
// Variance scaling (glorot*, he*, lecun* are presets of it) uses TensorFlow's fan computation: rank 2 [in, out];
// rank 3..5 filters [...kernel, in, out] multiply in/out by the receptive field (the product of the leading
// axes); any other rank takes sqrt(size) for both. Its 'normal' and 'truncatedNormal' distributions draw a
// normal truncated at 2 standard deviations whose stddev is sqrt(scale / n) / 0.8796256610342398, so that the
// values' standard deviation AFTER truncation is sqrt(scale / n) (the constant is the standard deviation of a
// unit normal truncated to [-2, 2]; Keras does the same).
import { OPS as o } from '../api/registry';
import { DTypeError, ShapeError, WgError } from '../core/errors';
import { DTYPES, type DType } from '../core/dtype';
import { nextKey, seedKey } from '../core/random';
import type { Tensor } from '../core/tensor';

/** A bad argument to an initializer (a negative scale, an unknown mode, minval above maxval…). */
export class InitializerError extends WgError {}

export interface Initializer {
  /** A new tensor of `shape` filled by this initializer. */
  apply(shape: number[], dtype?: DType): Tensor;
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type Distribution = 'normal' | 'uniform' | 'truncatedNormal';

/** Standard deviation of a unit normal truncated to [-2, 2]. */
export const TRUNCATED_STDDEV = 0.87962566103423978;

// ---------------------------------------------------------------------------------------------------------------
// Argument checks

function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`initializers.${name}.apply: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, {
      op: `initializers.${name}`,
    });
  }
  return [...shape];
}

function checkDType(name: string, dtype: unknown, floatOnly: boolean): DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new DTypeError(`initializers.${name}.apply: unknown dtype '${String(dtype)}' (one of ${DTYPES.join(', ')})`, {
      op: `initializers.${name}`,
    });
  }
  if (floatOnly && dtype !== 'float32') {
    throw new DTypeError(`initializers.${name}.apply: random values need dtype 'float32', got '${String(dtype)}'`, {
      op: `initializers.${name}`,
      dtypes: [String(dtype)],
    });
  }
  return dtype as DType;
}

function checkArgs(name: string, args: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new InitializerError(`initializers.${name}: expected an options object ({ ${allowed.join(', ')} }), got ${String(args)}`, {
      op: `initializers.${name}`,
    });
  }
  for (const k of Object.keys(args)) {
    if (!allowed.includes(k)) {
      throw new InitializerError(`initializers.${name}: unknown option '${k}' (options: ${allowed.join(', ') || 'none'})`, {
        op: `initializers.${name}`,
      });
    }
  }
  return args as Record<string, unknown>;
}

function num(name: string, arg: string, v: unknown, dflt: number | undefined, cond?: (x: number) => boolean, what?: string): number {
  if (v === undefined || v === null) {
    if (dflt === undefined) throw new InitializerError(`initializers.${name}: option '${arg}' is required`, { op: `initializers.${name}` });
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (cond && !cond(v))) {
    throw new InitializerError(`initializers.${name}: '${arg}' must be ${what ?? 'a finite number'}, got ${String(v)}`, {
      op: `initializers.${name}`,
    });
  }
  return v;
}

function seedOf(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  return num(name, 'seed', v, undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Host generator: mulberry32 keyed by the seed's key, float64 uniforms, Box–Muller normals.

class HostRandom {
  private s: number;
  private spare: number | null = null;

  constructor(key: number) {
    this.s = key >>> 0;
  }

  /** A float64 in [0, 1) (53 random bits from two draws). */
  uniform(): number {
    const hi = this.u32() >>> 5;
    const lo = this.u32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  private u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/**
 * A float32 value in [lo, hi): rounding to float32 can move a draw onto or past an end, so such draws are redrawn
 * (an interval holding no float32 value at all gives fround(lo)).
 */
function uniformIn(g: HostRandom, lo: number, hi: number): number {
  for (let tries = 0; tries < 64; tries++) {
    const v = Math.fround(lo + (hi - lo) * g.uniform());
    if (v >= lo && v < hi) return v;
  }
  return Math.fround(lo);
}

/**
 * TensorFlow's truncated normal: mean + stddev·z re-drawn while it lies more than 2 stddev from the mean (checked
 * on the float32 value, so that rounding cannot put it outside either).
 */
function truncatedIn(g: HostRandom, mean: number, stddev: number): number {
  for (;;) {
    const v = Math.fround(mean + stddev * g.normal());
    if (Math.abs(v - mean) <= 2 * stddev) return v;
  }
}

const generator = (seed: number | undefined): HostRandom => new HostRandom(seed === undefined ? nextKey() : seedKey(seed));
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function fromHost(shape: number[], n: number, draw: (i: number) => number): Tensor {
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = draw(i);
  return o.tensor(values, shape, 'float32');
}

// ---------------------------------------------------------------------------------------------------------------
// Constant initializers

export function zeros(): Initializer {
  return { apply: (shape, dtype = 'float32') => o.zeros(checkShape('zeros', shape), checkDType('zeros', dtype, false)) };
}

export function ones(): Initializer {
  return { apply: (shape, dtype = 'float32') => o.ones(checkShape('ones', shape), checkDType('ones', dtype, false)) };
}

export function constant(args: { value: number }): Initializer {
  const a = checkArgs('constant', args, ['value']);
  if (args === undefined || args === null) throw new InitializerError(`initializers.constant: expected { value }, got ${String(args)}`, { op: 'initializers.constant' });
  const value = num('constant', 'value', a.value, undefined, undefined, 'a finite number');
  return { apply: (shape, dtype = 'float32') => o.fill(checkShape('constant', shape), value, checkDType('constant', dtype, false)) };
}

/** `gain` times the identity matrix (TensorFlow.js's identity initializer): square 2-D shapes only. */
export function identity(args: { gain?: number } = {}): Initializer {
  const a = checkArgs('identity', args, ['gain']);
  const gain = num('identity', 'gain', a.gain, 1);
  return {
    apply(shape, dtype = 'float32') {
      const s = checkShape('identity', shape);
      checkDType('identity', dtype, false);
      if (s.length !== 2 || s[0] !== s[1]) {
        throw new ShapeError(`initializers.identity.apply: shape must be a square matrix [n, n], got [${s.join(', ')}]`, {
          op: 'initializers.identity',
          shapes: [s],
        });
      }
      const n = s[0];
      const values = new Array<number>(n * n).fill(0);
      for (let i = 0; i < n; i++) values[i * n + i] = gain;
      return o.tensor(values, s, dtype);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Random initializers

export function randomUniform(args: { minval?: number; maxval?: number; seed?: number } = {}): Initializer {
  const a = checkArgs('randomUniform', args, ['minval', 'maxval', 'seed']);
  const minval = num('randomUniform', 'minval', a.minval, -0.05);
  const maxval = num('randomUniform', 'maxval', a.maxval, 0.05);
  if (!(minval < maxval)) {
    throw new InitializerError(`initializers.randomUniform: minval (${minval}) must be below maxval (${maxval})`, { op: 'initializers.randomUniform' });
  }
  const seed = seedOf('randomUniform', a.seed);
  return {
    apply(shape, dtype = 'float32') {
      const s = checkShape('randomUniform', shape);
      checkDType('randomUniform', dtype, true);
      const g = generator(seed);
      return fromHost(s, size(s), () => uniformIn(g, minval, maxval));
    },
  };
}

export function randomNormal(args: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
  const a = checkArgs('randomNormal', args, ['mean', 'stddev', 'seed']);
  const mean = num('randomNormal', 'mean', a.mean, 0);
  const stddev = num('randomNormal', 'stddev', a.stddev, 0.05, (x) => x > 0, 'a positive number');
  const seed = seedOf('randomNormal', a.seed);
  return {
    apply(shape, dtype = 'float32') {
      const s = checkShape('randomNormal', shape);
      checkDType('randomNormal', dtype, true);
      const g = generator(seed);
      return fromHost(s, size(s), () => mean + stddev * g.normal());
    },
  };
}

export function truncatedNormal(args: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
  const a = checkArgs('truncatedNormal', args, ['mean', 'stddev', 'seed']);
  const mean = num('truncatedNormal', 'mean', a.mean, 0);
  const stddev = num('truncatedNormal', 'stddev', a.stddev, 0.05, (x) => x > 0, 'a positive number');
  const seed = seedOf('truncatedNormal', a.seed);
  return {
    apply(shape, dtype = 'float32') {
      const s = checkShape('truncatedNormal', shape);
      checkDType('truncatedNormal', dtype, true);
      const g = generator(seed);
      return fromHost(s, size(s), () => truncatedIn(g, mean, stddev));
    },
  };
}

/** [fanIn, fanOut] of a weight shape, as TensorFlow computes them (channels-last filters). */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  if (shape.length >= 3 && shape.length <= 5) {
    const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    return [shape[shape.length - 2] * field, shape[shape.length - 1] * field];
  }
  const r = Math.sqrt(shape.reduce((a, b) => a * b, 1));
  return [r, r];
}

const MODES: readonly FanMode[] = ['fanIn', 'fanOut', 'fanAvg'];
const DISTRIBUTIONS: readonly Distribution[] = ['normal', 'uniform', 'truncatedNormal'];

export function varianceScaling(
  args: { scale?: number; mode?: FanMode; distribution?: Distribution; seed?: number } = {},
  name = 'varianceScaling',
): Initializer {
  const a = checkArgs(name, args, ['scale', 'mode', 'distribution', 'seed']);
  const scale = num(name, 'scale', a.scale, 1, (x) => x > 0, 'a positive number');
  const mode = (a.mode ?? 'fanIn') as FanMode;
  if (!MODES.includes(mode)) {
    throw new InitializerError(`initializers.${name}: mode must be one of ${MODES.join(', ')}, got '${String(mode)}'`, { op: `initializers.${name}` });
  }
  const distribution = (a.distribution ?? 'normal') as Distribution;
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new InitializerError(`initializers.${name}: distribution must be one of ${DISTRIBUTIONS.join(', ')}, got '${String(distribution)}'`, {
      op: `initializers.${name}`,
    });
  }
  const seed = seedOf(name, a.seed);
  return {
    apply(shape, dtype = 'float32') {
      const s = checkShape(name, shape);
      checkDType(name, dtype, true);
      const [fanIn, fanOut] = computeFans(s);
      const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, n);
      const g = generator(seed);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        return fromHost(s, size(s), () => uniformIn(g, -limit, limit));
      }
      const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV;
      return fromHost(s, size(s), () => truncatedIn(g, 0, stddev));
    },
  };
}

type SeedArgs = { seed?: number };
const preset = (name: string, scale: number, mode: FanMode, distribution: Distribution) => (args: SeedArgs = {}): Initializer =>
  varianceScaling({ scale, mode, distribution, seed: seedOf(name, checkArgs(name, args, ['seed']).seed) }, name);

/** Glorot (Xavier) uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)). */
export const glorotUniform = preset('glorotUniform', 1, 'fanAvg', 'uniform');
/** Glorot (Xavier) normal: truncated normal, stddev sqrt(2 / (fanIn + fanOut)). */
export const glorotNormal = preset('glorotNormal', 1, 'fanAvg', 'normal');
/** He normal: truncated normal, stddev sqrt(2 / fanIn). */
export const heNormal = preset('heNormal', 2, 'fanIn', 'normal');
/** He uniform: U(-l, l), l = sqrt(6 / fanIn). */
export const heUniform = preset('heUniform', 2, 'fanIn', 'uniform');
/** LeCun normal: truncated normal, stddev sqrt(1 / fanIn). */
export const lecunNormal = preset('lecunNormal', 1, 'fanIn', 'normal');
/** LeCun uniform: U(-l, l), l = sqrt(3 / fanIn). */
export const lecunUniform = preset('lecunUniform', 1, 'fanIn', 'uniform');
/** TensorFlow.js's spelling (tf.initializers.leCunNormal / leCunUniform). */
export const leCunNormal = lecunNormal;
export const leCunUniform = lecunUniform;

/**
 * An orthogonal matrix times `gain`: the Q of a QR decomposition (Householder, float64, on the host) of a normal
 * matrix, each column multiplied by the sign of R's diagonal so that the result is uniform over orthogonal
 * matrices. Shapes of rank > 2 are flattened to [product of all but the last axis, last axis]. Tall results
 * have orthonormal columns (QᵀQ = I), wide ones orthonormal rows (QQᵀ = I).
 */
export function orthogonal(args: { gain?: number; seed?: number } = {}): Initializer {
  const a = checkArgs('orthogonal', args, ['gain', 'seed']);
  const gain = num('orthogonal', 'gain', a.gain, 1);
  const seed = seedOf('orthogonal', a.seed);
  return {
    apply(shape, dtype = 'float32') {
      const s = checkShape('orthogonal', shape);
      checkDType('orthogonal', dtype, true);
      if (s.length < 2) {
        throw new ShapeError(`initializers.orthogonal.apply: shape must have rank 2 or more, got [${s.join(', ')}]`, {
          op: 'initializers.orthogonal',
          shapes: [s],
        });
      }
      const rows = s.slice(0, -1).reduce((x, y) => x * y, 1);
      const cols = s[s.length - 1];
      const m = Math.max(rows, cols);
      const n = Math.min(rows, cols);
      if (m * n === 0) return o.zeros(s, 'float32');
      const g = generator(seed);
      const A = new Float64Array(m * n); // row-major m×n, m ≥ n
      for (let i = 0; i < m * n; i++) A[i] = g.normal();
      const Q = householderQ(A, m, n);
      // Q (m×n) or its transpose (n×m) laid out as rows×cols.
      return fromHost(s, rows * cols, (i) => {
        const r = Math.floor(i / cols);
        const c = i % cols;
        return gain * (rows >= cols ? Q[r * n + c] : Q[c * n + r]);
      });
    },
  };
}

/** The thin Q (m×n, row-major) of A = QR, with Q's columns signed so that R's diagonal is positive. A is overwritten. */
function householderQ(A: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // Householder vector for column k below the diagonal.
    let norm = 0;
    for (let i = k; i < m; i++) norm += A[i * n + k] * A[i * n + k];
    norm = Math.sqrt(norm);
    const x0 = A[k * n + k];
    const alpha = x0 >= 0 ? -norm : norm; // R[k][k] = alpha
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = A[i * n + k];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv > 0) {
      for (let j = k; j < n; j++) {
        let d = 0;
        for (let i = k; i < m; i++) d += v[i - k] * A[i * n + j];
        const f = (2 * d) / vv;
        for (let i = k; i < m; i++) A[i * n + j] -= f * v[i - k];
      }
    }
    vs.push(v);
    signs[k] = A[k * n + k] < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 … H_{n-1} applied to the first n columns of the identity.
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += v[i - k] * Q[i * n + j];
      const f = (2 * d) / vv;
      for (let i = k; i < m; i++) Q[i * n + j] -= f * v[i - k];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Q[i * n + j] *= signs[j];
  return Q;
}
