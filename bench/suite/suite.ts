// The benchmark suite as one object both front ends drive (the vitest entry behind `npm run bench`, and
// the bench page): the planned steps (workload × size), library set-up, one step at a time, the record.
import { runCold, type FrameSetup } from './cold';
import type { BenchOptions } from './options';
import { formatReport, rowOf, type Row, type SuiteRecord } from './report';
import { runProblem, type Log } from './runner';
import { makeProblem } from './workloads';
import type { Cell, Lib, WorkloadId } from './types';

export interface Step {
  workload: WorkloadId;
  size: number;
}

export class Suite {
  readonly rows: Row[] = [];
  private readonly failed = new Map<Lib, string>();
  private readonly started = performance.now();

  /**
   * @param libs the adapters of the selected libraries, in column order
   * @param coldFrame how to open a cold-start frame; without it the cold-start rows are skipped
   */
  constructor(
    readonly options: BenchOptions,
    readonly libs: Lib[],
    private readonly coldFrame: FrameSetup | undefined,
    private readonly log: Log = () => {},
  ) {}

  /** Every workload × size to run, in order. Cold start goes first, before this page compiles anything. */
  steps(): Step[] {
    const order = [...this.options.workloads].sort((a, b) => Number(b === 'cold') - Number(a === 'cold'));
    return order.flatMap((workload) => this.options.sizes[workload].map((size) => ({ workload, size })));
  }

  /** Acquires every library's backend; a library that fails is marked in every row instead. */
  async setup(): Promise<void> {
    for (const lib of this.libs) {
      try {
        await lib.setup();
      } catch (e) {
        const note = e instanceof Error ? e.message : String(e);
        this.failed.set(lib, note);
        this.log(`${lib.label}: set-up failed: ${note}`);
      }
    }
  }

  /** Runs one step and returns its row (also kept for the report). */
  async run(step: Step): Promise<Row> {
    const t0 = performance.now();
    let row: Row;
    if (step.workload === 'cold') {
      const p = makeProblem('cold', step.size);
      const skipped = (l: Lib, note: string): Cell => ({ workload: 'cold', size: step.size, lib: l.id, status: 'skipped', note, unit: 'ms', samples: [] });
      const why = new Map(this.libs.map((l) => [l, this.coldFrame ? l.skip?.(p, this.options) : 'no frame support here']));
      const measured = this.libs.filter((l) => !why.get(l));
      const cells = measured.length ? await runCold(p, measured.map((l) => l.id), this.options, this.coldFrame!, this.log) : [];
      for (const l of this.libs) if (why.get(l)) cells.push(skipped(l, why.get(l)!));
      row = rowOf(p, cells);
    } else {
      const p = makeProblem(step.workload, step.size);
      const ready = this.libs.filter((l) => !this.failed.has(l));
      const cells = await runProblem(p, ready, this.options, this.log);
      for (const [lib, note] of this.failed) cells.push({ workload: p.workload, size: p.size, lib: lib.id, status: 'error', note: `set-up failed: ${note}`, unit: p.unit, samples: [] });
      row = rowOf(p, cells);
    }
    this.rows.push(row);
    this.log(`${row.label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return row;
  }

  report(): string {
    return formatReport(this.rows, this.libs);
  }

  /** The JSON record (plain data). `env` adds what the front end knows (browser, adapter, versions). */
  record(env: Record<string, unknown>): SuiteRecord {
    return {
      suite: 'wgflow bench',
      date: new Date().toISOString(),
      env,
      options: this.options,
      libs: this.libs.map((l) => ({ id: l.id, label: l.label, version: l.version })),
      totalMs: performance.now() - this.started,
      rows: this.rows,
    };
  }
}

/** What the page knows about its WebGPU adapter and timers (for the record). */
export async function browserEnv(): Promise<Record<string, unknown>> {
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info;
  return {
    userAgent: navigator.userAgent,
    adapter: info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null,
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}
