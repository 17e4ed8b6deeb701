// Options of the benchmark suite, parsed from string key/values: the command line (through
// scripts/test.mjs, which writes them to bench/results/.options.json), or the bench page's URL query.
//
//   workloads   comma list of workload ids, each optionally with its own sizes: "matmul:256+1024,chain"
//   sizes       comma list overriding the sizes of every selected workload that has none of its own
//               (the one size parameter of each workload: matmul n, chain/chain-sweep/copy/cold elements,
//               sum/softmax n of n×n, mlp batch, dispatch ops, conv2d/depthwise/maxpool the height and width
//               of their one image, cnn, mlp-grad, mlp-grad-small, train-mlp and
//               train-mlp-small batch)
//   libs        comma list of libraries (default: all). Sizes given either way apply to every library; at
//               the default sizes a library may sit some out (the CPU device skips matmul above 512³)
//   repeats     timed runs per cell (default 10); fewer when a cell passes budget-ms (but at least min-repeats)
//   warmup      untimed runs after the checked first run (default 1)
//   min-repeats, budget-ms, cold-repeats   see DEFAULTS
import { LIBS, WORKLOADS, type LibId, type WorkloadId } from './types';

export interface BenchOptions {
  workloads: WorkloadId[];
  sizes: Record<WorkloadId, number[]>;
  /** Workloads whose sizes were given (their own or --sizes) rather than the defaults. */
  sizesGiven: WorkloadId[];
  libs: LibId[];
  repeats: number;
  minRepeats: number;
  warmup: number;
  /** Wall-clock budget per cell (library × problem) for the timed runs, in ms. */
  budgetMs: number;
  /** Fresh pages per library for the cold start. */
  coldRepeats: number;
}

export const DEFAULT_SIZES: Record<WorkloadId, number[]> = {
  matmul: [256, 512, 1024],
  chain: [1 << 20],
  'chain-sweep': [256, 4096, 65536, 1 << 20],
  copy: [1 << 20],
  'sum-rows': [1024],
  'sum-cols': [1024],
  softmax: [1024],
  mlp: [64],
  dispatch: [1000],
  // Issue 17's shapes, one size each: 1×112×112×32 → 64 (3×3 conv), 1×112×112×64 (depthwise, 2×2 max pool),
  // a batch of 8 64×64×3 images through the CNN.
  conv2d: [112],
  depthwise: [112],
  maxpool: [112],
  cnn: [8],
  // Issue 20: the MLP's loss and gradients at batch 64 (784→256→256→10), and a small one at batch 16 (64→64→64→10).
  'mlp-grad': [64],
  'mlp-grad-small': [16],
  // Issue 21: 50 Adam steps on the same two MLPs.
  'train-mlp': [64],
  'train-mlp-small': [16],
  cold: [1 << 20],
};

export const DEFAULTS = { repeats: 10, minRepeats: 3, warmup: 1, budgetMs: 5000, coldRepeats: 5 };

/** Throws on anything it does not know, so a typo does not silently run the default suite. */
export function parseOptions(raw: Record<string, string | undefined>): BenchOptions {
  const known = new Set(['workloads', 'sizes', 'libs', 'repeats', 'min-repeats', 'warmup', 'budget-ms', 'cold-repeats']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new Error(`bench: unknown option "${k}" (known: ${[...known].join(', ')})`);
  const list = (s: string | undefined) => (s ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const int = (name: string, fallback: number, min: number) => {
    const s = raw[name];
    if (s === undefined || s === '') return fallback;
    const v = Number(s);
    if (!Number.isInteger(v) || v < min) throw new Error(`bench: --${name} must be an integer ≥ ${min}, got "${s}"`);
    return v;
  };
  const sizeList = (s: string, what: string) =>
    s.split(/[+,]/).map((t) => {
      const v = Number(t);
      if (!Number.isInteger(v) || v < 1) throw new Error(`bench: bad size "${t}" in ${what}`);
      return v;
    });
  const globalSizes = raw.sizes ? sizeList(raw.sizes, '--sizes') : undefined;
  const sizes = { ...DEFAULT_SIZES };
  const workloads: WorkloadId[] = [];
  const sizesGiven: WorkloadId[] = [];
  for (const spec of list(raw.workloads).length ? list(raw.workloads) : [...WORKLOADS]) {
    const [name, own] = spec.split(':');
    if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`bench: unknown workload "${name}" (known: ${WORKLOADS.join(', ')})`);
    const id = name as WorkloadId;
    if (!workloads.includes(id)) workloads.push(id);
    if (own) sizes[id] = sizeList(own, spec);
    else if (globalSizes) sizes[id] = globalSizes;
    if ((own || globalSizes) && !sizesGiven.includes(id)) sizesGiven.push(id);
  }
  const libs = list(raw.libs).length ? list(raw.libs) : [...LIBS];
  for (const l of libs) if (!(LIBS as readonly string[]).includes(l)) throw new Error(`bench: unknown library "${l}" (known: ${LIBS.join(', ')})`);
  const repeats = int('repeats', DEFAULTS.repeats, 1);
  return {
    workloads,
    sizes,
    sizesGiven,
    libs: LIBS.filter((l) => libs.includes(l)), // table order, whatever the order given
    repeats,
    minRepeats: Math.min(repeats, int('min-repeats', DEFAULTS.minRepeats, 1)),
    warmup: int('warmup', DEFAULTS.warmup, 0),
    budgetMs: int('budget-ms', DEFAULTS.budgetMs, 0),
    coldRepeats: int('cold-repeats', DEFAULTS.coldRepeats, 1),
  };
}

