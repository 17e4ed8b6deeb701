// HOOK(profiling): "profiling off costs nothing measurable", checked in the benchmark.
//
// The profiling API (`wg.profile`, DESIGN.md §6) is added to the engine by the lead, in parallel with this
// suite; while it is missing this check reports itself unavailable. It times the benchmark chain through
// wg.function and eagerly in three phases of the same length: before profiling was ever used, inside
// `wg.profile` (profiling on: its cost, for information), and after (profiling off: must match the first
// phase within noise). The phases run one after another rather than interleaved, so that the garbage a
// profiled run leaves does not land in the off samples. Adjust here if the API changes shape.
import * as wg from '../../engine/index';
import type { BenchOptions } from './options';
import { median } from './runner';
import { table } from './report';
import { makeProblem } from './workloads';

type Profiler = <T>(fn: () => Promise<T>) => Promise<{ result: T }>;

export interface ProfilingCheck {
  available: boolean;
  /** Median and minimum ms per variant: 'eager off (before)', 'eager on', 'eager off (after)', same for graph. */
  medians: Record<string, number>;
  mins?: Record<string, number>;
  text: string;
}

export async function profilingOffCheck(opts: BenchOptions, size = 1 << 20): Promise<ProfilingCheck> {
  const profile = (wg as unknown as { profile?: Profiler }).profile;
  if (typeof profile !== 'function') {
    return { available: false, medians: {}, text: 'Profiling overhead: wg.profile is not in the engine yet; check skipped.' };
  }
  const p = makeProblem('chain', size);
  const { a, b, c } = p.scalars;
  const chain = (x: wg.Tensor) => wg.tanh(wg.relu(x.mul(a).add(b)).sub(x)).mul(c).add(wg.exp(x.mul(x).neg()));
  const f = wg.function(chain);
  const x = wg.tensor(p.inputs.x.data, p.inputs.x.shape);
  const modes = { eager: chain, graph: f };
  const once = (fn: (x: wg.Tensor) => wg.Tensor) => wg.scope(async () => fn(x).data());
  const samples: Record<string, number[]> = {};
  const time = async (name: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    (samples[name] ??= []).push(performance.now() - t0);
  };
  for (const fn of Object.values(modes)) await once(fn); // warm-up: pipelines, plans
  const phase = async (name: string, wrap: (run: () => Promise<unknown>) => Promise<unknown>) => {
    for (let i = 0; i < opts.repeats; i++) for (const [m, fn] of Object.entries(modes)) await time(`${m} ${name}`, () => wrap(() => once(fn)));
  };
  await phase('off (before)', (run) => run());
  await phase('on', (run) => profile(run));
  await phase('off (after)', (run) => run());
  f.dispose();
  x.dispose();
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const mins = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.min(...v)]));
  // Medians and minima: the phases cannot be interleaved, so drift of a shared machine lands between them;
  // the minimum of each phase is the figure least affected by it.
  const cell = (k: string) => `${medians[k].toFixed(2)} / ${mins[k].toFixed(2)}`;
  const text =
    `Profiling overhead on the chain ${p.label.replace('chain ', '')} (ms, median / min; profiling off must equal never profiled within noise):\n` +
    table(
      ['mode', 'never profiled', 'profile on', 'off after', 'off ÷ never (median / min)'],
      Object.keys(modes).map((m) => {
        const [before, on, after] = [`${m} off (before)`, `${m} on`, `${m} off (after)`];
        return [m, cell(before), cell(on), cell(after), `${(medians[after] / medians[before]).toFixed(2)}× / ${(mins[after] / mins[before]).toFixed(2)}×`];
      }),
    );
  return { available: true, medians, mins, text };
}
