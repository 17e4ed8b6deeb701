// The suite's runner: prepares one problem on every library, checks each output against the CPU
// reference, warms up, then times the libraries interleaved (one run of each in turn, so drift of a
// shared machine hits every column alike) and reduces the samples to median, min and max.
import type { BenchOptions } from './options';
import type { Cell, Lib, Problem, Runnable } from './types';

export type Log = (line: string) => void;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

/** Fills median/min/max (and GFLOP/s, GB/s where the problem counts them) from the samples. */
export function summarize(cell: Cell, p: Problem): Cell {
  if (!cell.samples.length) return cell;
  cell.median = median(cell.samples);
  cell.min = Math.min(...cell.samples);
  cell.max = Math.max(...cell.samples);
  if (p.unit === 'ms' && p.flops) cell.gflops = p.flops / (cell.median * 1e6);
  if (p.unit === 'ms' && p.bytes) cell.gbps = p.bytes / (cell.median * 1e6);
  return cell;
}

/** Time of one run in the problem's unit (ms, or µs per op for the dispatch workload). */
const inUnit = (p: Problem, ms: number) => (p.unit === 'µs/op' ? (ms * 1000) / p.ops! : ms);

/** Measures one problem on every library; never throws (a failing library marks its cell). */
export async function runProblem(p: Problem, libs: Lib[], opts: BenchOptions, log: Log = () => {}): Promise<Cell[]> {
  const cells = new Map<Lib, Cell>();
  const active = new Map<Lib, Runnable>();
  const spent = new Map<Lib, number>();
  const blank = (lib: Lib): Cell => ({ workload: p.workload, size: p.size, lib: lib.id, status: 'ok', unit: p.unit, samples: [] });
  const fail = (lib: Lib, status: Cell['status'], note: string) => {
    Object.assign(cells.get(lib)!, { status, note });
    log(`  ${lib.label}: ${status}: ${note}`);
    const r = active.get(lib);
    active.delete(lib);
    try {
      r?.dispose();
    } catch {
      // already failing; the note says why
    }
  };

  // Prepare and check (unless the library skips the problem): the first run of each library compiles what it
  // needs and is compared with the CPU reference; a wrong or failing library is dropped from this problem.
  for (const lib of libs) {
    cells.set(lib, blank(lib));
    const skipped = lib.skip?.(p, opts);
    if (skipped) {
      Object.assign(cells.get(lib)!, { status: 'skipped', note: skipped });
      continue;
    }
    try {
      const r = await lib.prepare(p);
      if (!r) {
        Object.assign(cells.get(lib)!, { status: 'unsupported' });
        continue;
      }
      active.set(lib, r);
      const t0 = performance.now();
      const check = p.check(await r.run());
      spent.set(lib, performance.now() - t0);
      cells.get(lib)!.maxAbsErr = check.maxAbsErr;
      if (!check.ok) fail(lib, 'wrong', `output differs from the CPU reference: ${check.detail}`);
    } catch (e) {
      fail(lib, 'error', message(e));
    }
  }
  // Warm-up (skipped for a library whose checked run alone took over a quarter of the budget).
  for (const [lib, r] of [...active]) {
    try {
      if (spent.get(lib)! < opts.budgetMs / 4) for (let i = 0; i < opts.warmup; i++) await r.run();
      spent.set(lib, 0);
    } catch (e) {
      fail(lib, 'error', message(e));
    }
  }
  // Live counts are global per library (eager and graph share wgflow's), so all are read between runs.
  for (const lib of active.keys()) cells.get(lib)!.liveBefore = lib.live?.();
  // Timed runs, interleaved; a library leaves once it has minRepeats samples and has spent its budget.
  for (let i = 0; i < opts.repeats && active.size; i++) {
    for (const [lib, r] of [...active]) {
      const cell = cells.get(lib)!;
      if (cell.samples.length >= opts.minRepeats && spent.get(lib)! >= opts.budgetMs) continue;
      try {
        const t0 = performance.now();
        await r.run();
        const ms = performance.now() - t0;
        spent.set(lib, spent.get(lib)! + ms);
        cell.samples.push(inUnit(p, ms));
      } catch (e) {
        fail(lib, 'error', message(e));
      }
    }
  }
  for (const lib of active.keys()) cells.get(lib)!.liveAfter = lib.live?.();
  for (const [lib, r] of active) {
    r.dispose();
    summarize(cells.get(lib)!, p);
  }
  return [...cells.values()];
}
