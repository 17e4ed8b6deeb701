// wg.initializers on the CPU device, against statistics: every distribution's sample mean and variance within
// 5 standard errors of the value its parameters (and TensorFlow's fan rules, written out by hand here) give,
// truncation and uniform limits respected exactly, orthogonality (and the sign correction's uniformity), seeding,
// and the argument errors. The truncated normal's moments come from numerical integration in float64.
import { describe, expect, it } from 'vitest';
import * as wg from '../../engine/index';
import * as init from '../../engine/train/initializers';

const values = async (t: wg.Tensor): Promise<Float32Array> => {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
};

/** ∫ f over [a, b] by composite Simpson (float64). */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}
const phi = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
const Z = simpson(phi, -2, 2);
/** Second and fourth moments of a unit normal truncated to [-2, 2]. */
const T2 = simpson((x) => x * x * phi(x), -2, 2) / Z;
const T4 = simpson((x) => x ** 4 * phi(x), -2, 2) / Z;

interface Dist {
  mean: number;
  variance: number;
  /** Fourth central moment (for the standard error of the sample variance). */
  m4: number;
}
const normal = (mean: number, sd: number): Dist => ({ mean, variance: sd * sd, m4: 3 * sd ** 4 });
const uniform = (lo: number, hi: number): Dist => {
  const h = (hi - lo) / 2;
  return { mean: (lo + hi) / 2, variance: (h * h) / 3, m4: h ** 4 / 5 };
};
/** A normal of `sd` (before truncation) truncated at 2 sd. */
const truncated = (mean: number, sd: number): Dist => ({ mean, variance: sd * sd * T2, m4: sd ** 4 * T4 });

/** Sample mean and variance within 5 standard errors of the distribution's. */
function checkMoments(v: ArrayLike<number>, d: Dist, label: string): void {
  const n = v.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  const variance = ss / (n - 1);
  const seMean = Math.sqrt(d.variance / n);
  const seVar = Math.sqrt((d.m4 - d.variance ** 2) / n);
  expect(Math.abs(mean - d.mean), `${label}: mean ${mean}, want ${d.mean} ± ${5 * seMean}`).toBeLessThanOrEqual(5 * seMean);
  expect(Math.abs(variance - d.variance), `${label}: variance ${variance}, want ${d.variance} ± ${5 * seVar}`).toBeLessThanOrEqual(5 * seVar);
}

function extremes(v: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  return [lo, hi];
}

describe('wg.initializers: constants', () => {
  it('zeros, ones and constant fill the shape in the dtype asked for', async () => {
    const z = init.zeros().apply([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect(Array.from(await values(z))).toEqual([0, 0, 0, 0, 0, 0]);
    const one = init.ones().apply([4], 'int32');
    expect(one.dtype).toBe('int32');
    expect(Array.from(await values(one))).toEqual([1, 1, 1, 1]);
    const c = init.constant({ value: -2.5 }).apply([3, 1]);
    expect(c.shape).toEqual([3, 1]);
    expect(Array.from(await values(c))).toEqual([-2.5, -2.5, -2.5]);
    const eye = init.identity({ gain: 3 }).apply([3, 3]);
    expect(Array.from(await values(eye))).toEqual([3, 0, 0, 0, 3, 0, 0, 0, 3]);
    const eyeInt = init.identity().apply([2, 2], 'int32');
    expect(eyeInt.dtype).toBe('int32');
    expect(Array.from(await values(eyeInt))).toEqual([1, 0, 0, 1]);
  });

  it('work inside a wg.function trace: the traced initial value is the eager one', async () => {
    const f = wg.function((x: wg.Tensor) => wg.add(x, init.glorotUniform({ seed: 11 }).apply([3, 4])));
    const traced = await values(f(wg.zeros([3, 4])) as wg.Tensor);
    expect(Array.from(traced)).toEqual(Array.from(await values(init.glorotUniform({ seed: 11 }).apply([3, 4]))));
  });
});

describe('wg.initializers: distributions', () => {
  it('randomUniform: U[minval, maxval), limits respected, defaults ±0.05', async () => {
    const v = await values(init.randomUniform({ minval: -1, maxval: 3, seed: 1 }).apply([200, 100]));
    checkMoments(v, uniform(-1, 3), 'randomUniform(-1, 3)');
    const [lo, hi] = extremes(v);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThan(3);
    expect(lo).toBeLessThan(-1 + 0.01);
    expect(hi).toBeGreaterThan(3 - 0.01);
    const d = await values(init.randomUniform({ seed: 2 }).apply([10000]));
    checkMoments(d, uniform(-0.05, 0.05), 'randomUniform()');
    const [dlo, dhi] = extremes(d);
    expect(dlo).toBeGreaterThanOrEqual(-0.05);
    expect(dhi).toBeLessThan(0.05);
  });

  it('randomNormal: N(mean, stddev²), default N(0, 0.05²)', async () => {
    const v = await values(init.randomNormal({ mean: 3, stddev: 2, seed: 3 }).apply([20000]));
    checkMoments(v, normal(3, 2), 'randomNormal(3, 2)');
    // Untruncated: values beyond 2 stddev occur (about 4.6% of them).
    expect(v.filter((x) => Math.abs(x - 3) > 4).length).toBeGreaterThan(600);
    checkMoments(await values(init.randomNormal({ seed: 4 }).apply([100, 100])), normal(0, 0.05), 'randomNormal()');
  });

  it('truncatedNormal: values more than 2 stddev from the mean re-drawn', async () => {
    const v = await values(init.truncatedNormal({ mean: 1, stddev: 0.5, seed: 5 }).apply([20000]));
    checkMoments(v, truncated(1, 0.5), 'truncatedNormal(1, 0.5)');
    const [lo, hi] = extremes(v);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(2);
    // Truncated at 2 stddev, not narrower: values come close to both ends.
    expect(lo).toBeLessThan(0.03);
    expect(hi).toBeGreaterThan(1.97);
    checkMoments(await values(init.truncatedNormal({ seed: 6 }).apply([10000])), truncated(0, 0.05), 'truncatedNormal()');
  });

  // Shapes and their fans by TensorFlow's rules, written out: [fanIn, fanOut].
  const SHAPES: [number[], number, number, string][] = [
    [[64, 128], 64, 128, 'dense [64, 128]'],
    [[3, 3, 32, 64], 3 * 3 * 32, 3 * 3 * 64, 'conv2d filter [3, 3, 32, 64]'],
    [[5, 40, 60], 5 * 40, 5 * 60, 'conv1d filter [5, 40, 60]'],
    [[2, 2, 2, 16, 32], 8 * 16, 8 * 32, 'conv3d filter [2, 2, 2, 16, 32]'],
    [[10000], 100, 100, 'vector [10000]: sqrt(size)'],
    [[2, 2, 2, 2, 2, 1250], 200, 200, 'rank 6 [2, 2, 2, 2, 2, 1250]: sqrt(size)'],
  ];

  it('varianceScaling: every fan mode and distribution, dense and conv shapes', async () => {
    let seed = 100;
    for (const [shape, fanIn, fanOut, label] of SHAPES) {
      for (const mode of ['fanIn', 'fanOut', 'fanAvg'] as const) {
        const scale = mode === 'fanOut' ? 3 : 2;
        const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
        const variance = scale / n;
        for (const distribution of ['normal', 'truncatedNormal', 'uniform'] as const) {
          const t = init.varianceScaling({ scale, mode, distribution, seed: seed++ }).apply(shape);
          expect(t.shape).toEqual(shape);
          const v = await values(t);
          const what = `varianceScaling(${scale}, ${mode}, ${distribution}) on ${label}`;
          if (distribution === 'uniform') {
            const limit = Math.sqrt(3 * variance);
            checkMoments(v, uniform(-limit, limit), what);
            const [lo, hi] = extremes(v);
            expect(lo, what).toBeGreaterThanOrEqual(-limit);
            expect(hi, what).toBeLessThan(limit);
          } else {
            // The stddev AFTER truncation is sqrt(scale / n): the normal before it is wider by 1/sqrt(T2).
            const sd = Math.sqrt(variance / T2);
            checkMoments(v, truncated(0, sd), what);
            const [lo, hi] = extremes(v);
            expect(Math.max(-lo, hi), what).toBeLessThanOrEqual(2 * sd);
            expect(Math.max(-lo, hi), what).toBeGreaterThan(1.9 * sd);
          }
        }
      }
    }
  });

  it('the presets are variance scaling with TensorFlow’s scale, mode and distribution', async () => {
    const [fanIn, fanOut] = [3 * 3 * 32, 3 * 3 * 64];
    const shape = [3, 3, 32, 64];
    const trunc = (variance: number) => truncated(0, Math.sqrt(variance / T2));
    const sym = (variance: number) => uniform(-Math.sqrt(3 * variance), Math.sqrt(3 * variance));
    const cases: [string, init.Initializer, Dist, number][] = [
      ['glorotUniform', init.glorotUniform({ seed: 1 }), sym(2 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut))],
      ['glorotNormal', init.glorotNormal({ seed: 2 }), trunc(2 / (fanIn + fanOut)), 0],
      ['heNormal', init.heNormal({ seed: 3 }), trunc(2 / fanIn), 0],
      ['heUniform', init.heUniform({ seed: 4 }), sym(2 / fanIn), Math.sqrt(6 / fanIn)],
      ['lecunNormal', init.lecunNormal({ seed: 5 }), trunc(1 / fanIn), 0],
      ['lecunUniform', init.lecunUniform({ seed: 6 }), sym(1 / fanIn), Math.sqrt(3 / fanIn)],
      ['varianceScaling()', init.varianceScaling(), trunc(1 / fanIn), 0],
    ];
    for (const [name, ini, d, limit] of cases) {
      const v = await values(ini.apply(shape));
      checkMoments(v, d, name);
      if (limit) {
        const [lo, hi] = extremes(v);
        expect(lo, name).toBeGreaterThanOrEqual(-limit);
        expect(hi, name).toBeLessThan(limit);
      }
    }
    expect(init.leCunNormal).toBe(init.lecunNormal);
    expect(init.leCunUniform).toBe(init.lecunUniform);
  });
});

describe('wg.initializers: orthogonal', () => {
  /** max |MᵀM − gain²·I| over the smaller side (columns of a tall matrix, rows of a wide one). */
  function orthError(v: ArrayLike<number>, rows: number, cols: number, gain: number): number {
    const tall = rows >= cols;
    const k = tall ? cols : rows;
    const len = tall ? rows : cols;
    const at = (vec: number, i: number) => (tall ? v[i * cols + vec] : v[vec * cols + i]);
    let err = 0;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let d = 0;
        for (let i = 0; i < len; i++) d += at(a, i) * at(b, i);
        err = Math.max(err, Math.abs(d - (a === b ? gain * gain : 0)));
      }
    }
    return err;
  }

  it('QᵀQ = gain²·I for square, tall, wide and rank-3 shapes', async () => {
    const cases: [number[], number, number, number][] = [
      [[16, 16], 16, 16, 1],
      [[40, 10], 40, 10, 1],
      [[10, 40], 10, 40, 1],
      [[2, 3, 12], 6, 12, 2],
      [[30, 7], 30, 7, 0.5],
    ];
    for (const [shape, rows, cols, gain] of cases) {
      const t = init.orthogonal({ gain, seed: 7 }).apply(shape);
      expect(t.shape).toEqual(shape);
      const v = await values(t);
      expect(orthError(v, rows, cols, gain), `orthogonal gain ${gain} on [${shape.join(', ')}]`).toBeLessThan(1e-5 * Math.max(1, gain * gain));
    }
  });

  it('the sign correction makes Q uniform: Q’s diagonal averages 0 over seeds', async () => {
    const n = 300;
    const sums = [0, 0, 0, 0];
    for (let s = 0; s < n; s++) {
      const v = await values(init.orthogonal({ seed: 1000 + s }).apply([4, 4]));
      for (let i = 0; i < 4; i++) sums[i] += v[i * 4 + i];
    }
    // Each entry of a uniform 4×4 orthogonal matrix has mean 0 and variance 1/4.
    const bound = 5 * Math.sqrt(0.25 / n);
    for (let i = 0; i < 4; i++) expect(Math.abs(sums[i] / n), `mean of Q[${i}][${i}]`).toBeLessThan(bound);
  });
});

describe('wg.initializers: seeds', () => {
  const makers: [string, (seed?: number) => init.Initializer][] = [
    ['randomUniform', (seed) => init.randomUniform({ seed })],
    ['randomNormal', (seed) => init.randomNormal({ seed })],
    ['truncatedNormal', (seed) => init.truncatedNormal({ seed })],
    ['varianceScaling', (seed) => init.varianceScaling({ seed, distribution: 'uniform' })],
    ['glorotNormal', (seed) => init.glorotNormal({ seed })],
    ['heUniform', (seed) => init.heUniform({ seed })],
    ['orthogonal', (seed) => init.orthogonal({ seed })],
  ];

  it('the same seed gives the same tensor; another seed, or none, different values', async () => {
    for (const [name, make] of makers) {
      const a = make(42);
      const first = await values(a.apply([8, 6]));
      expect(Array.from(await values(a.apply([8, 6]))), `${name}: applied twice`).toEqual(Array.from(first));
      expect(Array.from(await values(make(42).apply([8, 6]))), `${name}: a second initializer, same seed`).toEqual(Array.from(first));
      expect(Array.from(await values(make(43).apply([8, 6]))), `${name}: seed 43`).not.toEqual(Array.from(first));
      const free = make();
      const u1 = Array.from(await values(free.apply([8, 6])));
      const u2 = Array.from(await values(free.apply([8, 6])));
      expect(u1, `${name}: unseeded, applied twice`).not.toEqual(u2);
    }
  });

  it('wg.setSeed makes unseeded initializers reproducible', async () => {
    wg.setSeed(9);
    const a = Array.from(await values(init.heNormal().apply([5, 5])));
    wg.setSeed(9);
    const b = Array.from(await values(init.heNormal().apply([5, 5])));
    expect(a).toEqual(b);
  });
});

describe('wg.initializers: bad arguments', () => {
  const bad = (f: () => unknown, match: RegExp) => expect(f).toThrow(match);
  it('name the initializer and the argument', () => {
    bad(() => init.constant(undefined as unknown as { value: number }), /constant.*value/);
    bad(() => init.constant({} as { value: number }), /constant.*'value' is required/);
    bad(() => init.constant({ value: NaN }), /constant.*'value'/);
    bad(() => init.randomUniform({ minval: 1, maxval: 1 }), /randomUniform.*minval \(1\) must be below maxval \(1\)/);
    bad(() => init.randomNormal({ stddev: 0 }), /randomNormal.*'stddev' must be a positive number/);
    bad(() => init.truncatedNormal({ stddev: -1 }), /truncatedNormal.*'stddev'/);
    bad(() => init.varianceScaling({ scale: 0 }), /varianceScaling.*'scale' must be a positive number/);
    bad(() => init.varianceScaling({ mode: 'fan_in' as init.FanMode }), /varianceScaling.*mode must be one of fanIn, fanOut, fanAvg, got 'fan_in'/);
    bad(() => init.varianceScaling({ distribution: 'gaussian' as init.Distribution }), /varianceScaling.*distribution.*'gaussian'/);
    bad(() => init.glorotUniform({ seed: NaN }), /glorotUniform.*'seed'/);
    bad(() => init.heNormal({ scale: 2 } as unknown as { seed: number }), /heNormal.*unknown option 'scale'/);
    bad(() => init.orthogonal({ gain: Infinity }), /orthogonal.*'gain'/);
    expect(() => init.zeros().apply([2, -1])).toThrow(wg.ShapeError);
    expect(() => init.randomNormal().apply([2.5])).toThrow(/randomNormal\.apply: shape must be an array of non-negative integers/);
    expect(() => init.glorotUniform().apply([4, 4], 'int32')).toThrow(wg.DTypeError);
    expect(() => init.ones().apply([4], 'float64' as wg.DType)).toThrow(/ones\.apply: unknown dtype 'float64'/);
    expect(() => init.orthogonal().apply([5])).toThrow(wg.ShapeError);
    expect(() => init.identity().apply([2, 3])).toThrow(/identity\.apply: shape must be a square matrix \[n, n\], got \[2, 3\]/);
    bad(() => init.identity({ gain: NaN }), /identity.*'gain'/);
    expect(() => init.orthogonal().apply([5])).toThrow(/orthogonal\.apply: shape must have rank 2 or more, got \[5\]/);
  });
});
