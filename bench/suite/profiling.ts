// "Profiling off costs nothing measurable", checked in the benchmark: the chain through wgflow's own adapters
// (eager, and graph through wg.function) timed in three phases of the same length: before profiling was ever
// used, inside `wg.profile` (profiling on: its cost, for information), and after (profiling off: must match the
// first phase within noise). The phases run one after another rather than interleaved, so that the garbage a
// profiled run leaves does not land in the off samples.
import * as wg from '../../engine/index';
import { wgflowLibs } from './libs/wgflow_core';
import type { BenchOptions } from './options';
import { median } from './runner';
import { table } from './report';
import { makeProblem } from './workloads';

export interface ProfilingCheck {
  /** Always true since wg.profile is part of the engine (kept in the JSON record's shape). */
  available: boolean;
  /** Median and minimum ms per variant: 'eager off (before)', 'eager on', 'eager off (after)', same for graph. */
  medians: Record<string, number>;
  mins?: Record<string, number>;
  text: string;
}

export async function profilingOffCheck(opts: BenchOptions, size = 1 << 20): Promise<ProfilingCheck> {
  const p = makeProblem('chain', size);
  const [eager, graph] = wgflowLibs(wg);
  const modes = { eager: (await eager.prepare(p))!, graph: (await graph.prepare(p))! };
  const samples: Record<string, number[]> = {};
  const time = async (name: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    (samples[name] ??= []).push(performance.now() - t0);
  };
  for (const r of Object.values(modes)) await r.run(); // warm-up: pipelines, plans
  const phase = async (name: string, wrap: (run: () => Promise<unknown>) => Promise<unknown>) => {
    for (let i = 0; i < opts.repeats; i++) for (const [m, r] of Object.entries(modes)) await time(`${m} ${name}`, () => wrap(r.run));
  };
  await phase('off (before)', (run) => run());
  await phase('on', (run) => wg.profile(run));
  await phase('off (after)', (run) => run());
  for (const r of Object.values(modes)) r.dispose();
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
