// The NumPy fixture cases in graph mode: Graph + Session (fed placeholders, or recorded constants), wg.function and
// withMode('graph'), one graph per batch of cases (SwiftShader pays per submission, so a batch is one run).
import type * as WG from '../../engine/index';
import { type FixtureCase, type FixtureTensor, compare, decode, runCase, toleranceFor } from './cases';
import { type OpsCase, type OpsInput, opsTolerance, runOpsCase } from './ops_cases';

/** Host data of one fixture input, and the view (transpose, then slice) a case takes of it. */
export interface HostInput {
  dtype: WG.DType;
  shape: number[];
  /** What `wg.tensor` is given (the same values the eager suites build from). */
  values: (number | boolean)[] | Float32Array;
  perm?: number[];
  slice?: { begin: number[]; size: number[] };
}
export type ModeInput = HostInput | { scalar: number };

/** A fixture case in a form every mode can run: its inputs as data, the op call, what NumPy computed. */
export interface ModeCase {
  name: string;
  op: string;
  inputs: ModeInput[];
  /** Calls the op on inputs built by the mode (views already taken); returns its outputs. */
  call: (wg: typeof WG, xs: (WG.Tensor | number)[]) => WG.Tensor[];
  expected: FixtureTensor[];
  tol: { rtol: number; atol: number };
}

export function fromElementwise(c: FixtureCase): ModeCase {
  const inputs = c.inputs.map((x): ModeInput => {
    if ('scalar' in x) return x;
    // buildInput's own conversion, so every mode gets exactly the values eager gets.
    const values = x.dtype === 'bool' ? x.data.map(Boolean) : x.data.map(decode);
    return { dtype: x.dtype, shape: x.shape, values, perm: x.perm };
  });
  return { name: c.name, op: c.op, inputs, call: (wg, xs) => [runCase(wg, c, xs)], expected: [c.expected], tol: toleranceFor(c.op) };
}

function opsInput(x: OpsInput): ModeInput {
  if ('scalar' in x) return x;
  if ('generate' in x) {
    const g = x.generate;
    const n = g.shape.reduce((p, d) => p * d, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = ((i * g.a) % g.m) * g.scale + g.shift;
    return { dtype: g.dtype, shape: g.shape, values };
  }
  const values = x.dtype === 'bool' ? x.data.map(Boolean) : x.data.map(decode);
  return { dtype: x.dtype, shape: x.shape, values, perm: x.perm, slice: x.slice };
}

export function fromOps(c: OpsCase): ModeCase {
  return {
    name: c.name,
    op: c.op,
    inputs: c.inputs.map(opsInput),
    call: (wg, xs) => {
      const r = runOpsCase(wg, c, xs);
      return Array.isArray(r) ? r : [r];
    },
    expected: Array.isArray(c.expected) ? c.expected : [c.expected],
    tol: opsTolerance(c),
  };
}

/** Cases grouped by op, in fixture order (one graph per group). */
export function byOp(cases: ModeCase[]): [string, ModeCase[]][] {
  const groups = new Map<string, ModeCase[]>();
  for (const c of cases) groups.set(c.op, [...(groups.get(c.op) ?? []), c]);
  return [...groups];
}

// ---- the modes -------------------------------------------------------------------------------------------

export const MODES = ['Session (placeholders)', 'Session (constants)', 'wg.function', "withMode('graph')"] as const;
export type ModeName = (typeof MODES)[number];

/** What a case computed in a mode: each output's dtype, shape and values, or the error it raised. */
export type Outcome = { outputs: { dtype: string; shape: number[]; data: ArrayLike<number> }[] } | { error: unknown };

const TYPED = { float32: Float32Array, int32: Int32Array, uint32: Uint32Array, bool: Uint8Array } satisfies Record<WG.DType, unknown>;

/**
 * A fixture input as a feed: a typed array of the placeholder's dtype (bools as 0/1). No map function: with one,
 * `Float32Array.from` takes ~0.4 s per million elements in Chromium.
 */
function feedOf(x: HostInput): ArrayLike<number> {
  const T = TYPED[x.dtype];
  return x.values instanceof T ? x.values : T.from(x.values as ArrayLike<number>);
}

function viewOf(wg: typeof WG, t: WG.Tensor, x: HostInput): WG.Tensor {
  let v = x.perm ? wg.transpose(t, x.perm) : t;
  if (x.slice) v = wg.slice(v, x.slice.begin, x.slice.size);
  return v;
}

/** The mode's inputs of a case: `make` turns each fixture tensor into a tensor; scalars stay numbers. */
const inputsOf = (wg: typeof WG, c: ModeCase, make: (x: HostInput) => WG.Tensor) =>
  c.inputs.map((x) => ('scalar' in x ? x.scalar : viewOf(wg, make(x), x)));

const shapeOf = (t: WG.Tensor) => ({ dtype: t.dtype as string, shape: [...t.shape] });

/** Receives the plan a batch ran (kernels, pass reports): Sessions and wg.functions have one to show. */
export type Inspect = (info: WG.PlanInfo) => void;

/** Runs every case of a batch in one graph of the mode; one Outcome per case. */
export async function runBatch(wg: typeof WG, mode: ModeName, cases: ModeCase[], optimizations: WG.Optimizations, inspect?: Inspect): Promise<Outcome[]> {
  switch (mode) {
    case 'Session (placeholders)':
    case 'Session (constants)':
      return runSession(wg, cases, optimizations, mode === 'Session (constants)', inspect);
    case 'wg.function':
      return runFunction(wg, cases, optimizations, inspect);
    case "withMode('graph')":
      return runLazy(wg, cases, optimizations);
    default:
      return mode satisfies never;
  }
}

/**
 * g.build over every case; inputs are placeholders fed with the fixture data (so nothing is known when the plan
 * is made), or constants recorded in the graph (so constant folding computes them when the plan is compiled).
 * A case whose op throws while building is that case's outcome; the others still run, in one sess.run.
 */
async function runSession(wg: typeof WG, cases: ModeCase[], optimizations: WG.Optimizations, constants: boolean, inspect?: Inspect): Promise<Outcome[]> {
  const g = new wg.Graph();
  const feeds = new Map<WG.Tensor, ArrayLike<number>>();
  const built = g.build(() =>
    cases.map((c): WG.Tensor[] | { error: unknown } => {
      try {
        return c.call(wg, inputsOf(wg, c, (x) => {
          if (constants) return wg.tensor(x.values, x.shape, x.dtype);
          const p = g.placeholder(x.dtype, x.shape);
          feeds.set(p, feedOf(x));
          return p;
        }));
      } catch (error) {
        return { error };
      }
    }),
  );
  const sess = new wg.Session(g, { optimizations });
  try {
    const fetches = built.flatMap((b) => ('error' in b ? [] : b));
    let values: ArrayLike<number>[];
    try {
      values = (await sess.run(fetches, feeds, { typedArrays: true })) as ArrayLike<number>[];
    } catch (error) {
      return built.map((b) => ('error' in b ? b : { error }));
    }
    inspect?.(sess.explain());
    let k = 0;
    return built.map((b) => ('error' in b ? b : { outputs: b.map((t) => ({ ...shapeOf(t), data: values[k++] })) }));
  } finally {
    sess.close();
    g.dispose();
  }
}

/** One wg.function whose body computes every case, called once with the fixture inputs as eager tensors. */
async function runFunction(wg: typeof WG, cases: ModeCase[], optimizations: WG.Optimizations, inspect?: Inspect): Promise<Outcome[]> {
  const f = wg.function((...xs: WG.Tensor[]) => {
    let k = 0;
    return cases.map((c) => c.call(wg, inputsOf(wg, c, () => xs[k++])));
  }, { optimizations });
  try {
    return await wg.scope(async () => {
      const args = cases.flatMap((c) => c.inputs.flatMap((x) => ('scalar' in x ? [] : [wg.tensor(x.values, x.shape, x.dtype)])));
      let outs: WG.Tensor[][];
      try {
        outs = f(...args);
      } catch (error) {
        return cases.map(() => ({ error }));
      }
      if (inspect) inspect(f.explain(...args));
      return readAll(outs);
    });
  } finally {
    f.dispose();
  }
}

/**
 * One withMode('graph') block over every case. The outputs are left pending, so the end of the block computes
 * them all as one plan (a readback inside the block computes only what it reads: one plan per tensor);
 * `tidy` disposes the views and intermediates first, so they fuse instead of being outputs of their own.
 */
async function runLazy(wg: typeof WG, cases: ModeCase[], optimizations: WG.Optimizations): Promise<Outcome[]> {
  return wg.scope(async () => {
    let outs: WG.Tensor[][];
    try {
      outs = await wg.withMode('graph', async () =>
        wg.tidy(() => cases.map((c) => c.call(wg, inputsOf(wg, c, (x) => wg.tensor(x.values, x.shape, x.dtype))))),
        { optimizations },
      );
    } catch (error) {
      return cases.map(() => ({ error }));
    }
    return readAll(outs);
  });
}

/**
 * Runs a batch; when the whole batch fails with one error (a trace or a plan that throws), runs its cases one
 * by one, so the outcome names the case that throws and the others are still checked.
 */
export async function runCases(wg: typeof WG, mode: ModeName, cases: ModeCase[], optimizations: WG.Optimizations): Promise<Outcome[]> {
  const batch = await runBatch(wg, mode, cases, optimizations);
  const first = batch[0];
  const whole = cases.length > 1 && first && 'error' in first && batch.every((o) => 'error' in o && o.error === first.error);
  if (!whole) return batch;
  const single: Outcome[] = [];
  for (const c of cases) single.push(...(await runBatch(wg, mode, [c], optimizations)));
  return single;
}

/** Reads computed eager tensors back, all readbacks in flight together. */
async function readAll(outs: WG.Tensor[][]): Promise<Outcome[]> {
  const data = await Promise.all(outs.map((ts) => Promise.all(ts.map((t) => t.data()))));
  return outs.map((ts, i) => ({ outputs: ts.map((t, j) => ({ ...shapeOf(t), data: data[i][j] })) }));
}

/** The first mismatch of a case's outcome against NumPy (or its error), or null. */
export function check(c: ModeCase, o: Outcome): string | null {
  if ('error' in o) return `threw ${String(o.error)}`;
  if (o.outputs.length !== c.expected.length) return `${o.outputs.length} outputs, expected ${c.expected.length}`;
  for (let i = 0; i < o.outputs.length; i++) {
    const err = compare(o.outputs[i], c.expected[i], c.tol);
    if (err) return o.outputs.length > 1 ? `output ${i}: ${err}` : err;
  }
  return null;
}
