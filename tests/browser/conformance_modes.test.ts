// The NumPy fixtures in graph mode: every elementwise and ops case as a Graph + Session (fed placeholders, and
// recorded constants), as a wg.function and under withMode('graph'), with every optimisation pass on.
import { afterAll, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { CASES } from '../helpers/cases';
import { OPS_CASES } from '../helpers/ops_cases';
import { MODES, type ModeCase, type ModeName, byOp, check, fromElementwise, fromOps, runBatch, runCases } from '../helpers/modes';

/** Every pass on, named one by one: a pass added to Optimizations must be added here (a compile error otherwise). */
const ALL_PASSES = {
  prune: true,
  constantFolding: true,
  commonSubexpression: true,
  foldBatchNorm: true,
  arithmeticSimplification: true,
  fusion: true,
  memoryPlanning: true,
  inlineConstants: true,
  placement: true,
} satisfies Required<wg.Optimizations>;
const PASSES = `all passes (${Object.keys(ALL_PASSES).join(', ')})`;

/**
 * Cases a mode skips because of an engine bug, each with the bug (reported with the case, the mode, the
 * expected and the actual values). Empty: every case passes in every mode.
 */
const KNOWN_BUGS: { [M in ModeName]?: Record<string, string> } = {};

const ALL: ModeCase[] = [...CASES.map(fromElementwise), ...OPS_CASES.map(fromOps)];
const checked = new Map<ModeName, number>(MODES.map((m) => [m, 0]));

/**
 * Session (constants) records every input as a constant node of the graph. Recording a million-element
 * constant costs ~0.6 s in g.build and ~1 s more to run on SwiftShader, so cases with an input over this many
 * elements (the ten `/long` reductions) run with fed placeholders, as a wg.function and under withMode only.
 */
const CONSTANT_INPUT_LIMIT = 1 << 16;
const tooBigForConstants = (c: ModeCase) => c.inputs.some((x) => 'values' in x && x.values.length > CONSTANT_INPUT_LIMIT);

describe.each(MODES)('NumPy fixtures, graph/%s', (mode) => {
  // One graph (one plan, one submission) per op: every fixture case of the op at once.
  test.each(byOp(ALL))('%s', async (_op, cases) => {
    const bugs = KNOWN_BUGS[mode] ?? {};
    const run = cases.filter((c) => !(c.name in bugs) && !(mode === 'Session (constants)' && tooBigForConstants(c)));
    const outcomes = await runCases(wg, mode, run, ALL_PASSES);
    const failures = run.flatMap((c, i) => {
      const err = check(c, outcomes[i]);
      return err ? [`${c.name}: ${err}`] : [];
    });
    expect(failures, `graph/${mode}, ${PASSES}`).toEqual([]);
    checked.set(mode, checked.get(mode)! + run.length);
  });
});

test('the passes act on these graphs: fusion, inlineConstants and (with constants) constantFolding', async () => {
  // Guards the suite's meaning: were recording or a pass to change so that nothing fuses, inlines or folds,
  // the fixture cases above would silently stop checking those passes.
  const cases = ALL.filter((c) => c.op === 'layerNorm');
  for (const mode of ['Session (placeholders)', 'Session (constants)', 'wg.function'] as const) {
    const acted = new Map<string, string>();
    await runBatch(wg, mode, cases, ALL_PASSES, (info) => info.reports.forEach((r) => acted.set(r.pass, r.detail)));
    const count = (pass: string) => Number(/^\D*(\d+)/.exec(acted.get(pass) ?? '')?.[1] ?? 0);
    expect(count('fusion'), `graph/${mode}: ${acted.get('fusion')}`).toBeGreaterThan(0);
    expect(count('inlineConstants'), `graph/${mode}: ${acted.get('inlineConstants')}`).toBeGreaterThan(0);
    const folded = count('constantFolding');
    if (mode === 'Session (constants)') expect(folded, `graph/${mode}: ${acted.get('constantFolding')}`).toBeGreaterThan(0);
    else expect(folded, `graph/${mode}: fed inputs are not constants`).toBe(0);
  }
});

afterAll(() => {
  // The case count per mode (the issue's closing note quotes it).
  console.log(`fixture cases checked: ${MODES.map((m) => `${m} ${checked.get(m)}`).join(', ')} (of ${ALL.length})`);
});

// ---- bad input: the error eager raises is raised in every mode (when building, tracing or running) -----------

const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape, values: Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i / 4) });
const i32 = (shape: number[]) => ({ dtype: 'int32' as const, shape, values: Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i % 3) });

/** Bad calls: the inputs (as the modes build them) and the call. */
const BAD: { name: string; inputs: ModeCase['inputs']; call: (xs: wg.Tensor[]) => wg.Tensor }[] = [
  { name: 'add: shapes do not broadcast', inputs: [f32([2, 3]), f32([4])], call: ([a, b]) => wg.add(a, b) },
  { name: 'matMul: inner dims differ', inputs: [f32([2, 3]), f32([4, 2])], call: ([a, b]) => wg.matMul(a, b) },
  { name: 'reshape: sizes differ', inputs: [f32([2, 3])], call: ([a]) => wg.reshape(a, [4]) },
  { name: 'concat: dtypes differ', inputs: [f32([2]), i32([2])], call: (xs) => wg.concat(xs) },
  { name: 'gather: float indices', inputs: [f32([4]), f32([2])], call: ([a, b]) => wg.gather(a, b) },
  { name: 'logicalAnd: float operands', inputs: [f32([2]), f32([2])], call: ([a, b]) => wg.logicalAnd(a, b) },
  { name: 'sum: axis out of range', inputs: [f32([2, 3])], call: ([a]) => wg.sum(a, 2) },
  { name: 'transpose: bad perm', inputs: [f32([2, 3])], call: ([a]) => wg.transpose(a, [0, 0]) },
];

const errorName = (e: unknown) => (e instanceof Error ? e.name : typeof e);

describe.each(MODES)('bad input, graph/%s', (mode) => {
  test.each(BAD.map((b) => [b.name, b] as const))('%s', async (_name, b) => {
    const eager = await wg.scope(async () => {
      try {
        await b.call(b.inputs.map((x) => ('scalar' in x ? x : wg.tensor(x.values, x.shape, x.dtype))) as wg.Tensor[]).data();
      } catch (e) {
        return e;
      }
      throw new Error(`${b.name}: eager did not throw`);
    });
    expect(eager).toBeInstanceOf(wg.WgError);
    const c: ModeCase = { name: b.name, op: 'bad', inputs: b.inputs, call: (_wg, xs) => [b.call(xs as wg.Tensor[])], expected: [], tol: { rtol: 0, atol: 0 } };
    const [o] = await runCases(wg, mode, [c], ALL_PASSES);
    expect('error' in o ? errorName(o.error) : 'no error', `graph/${mode}, ${PASSES}: ${b.name}`).toBe(errorName(eager));
  });
});

test('bad input, graph/Session with unknown dims: the error is raised when the graph runs', async () => {
  const g = new wg.Graph();
  const y = g.build(() => wg.add(g.placeholder('float32', [null], 'a'), g.placeholder('float32', [null], 'b')));
  const sess = new wg.Session(g, { optimizations: ALL_PASSES });
  try {
    const err = await sess.run(y, { a: [1, 2, 3], b: [1, 2, 3, 4] }).then(() => undefined, (e: unknown) => e);
    expect(errorName(err), `graph/Session (unknown dims), ${PASSES}`).toBe('ShapeError');
  } finally {
    sess.close();
    g.dispose();
  }
});
