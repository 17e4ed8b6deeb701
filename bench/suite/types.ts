// Shared types of the benchmark suite: workloads, problems (host inputs + CPU check), library adapters,
// and the measured results. Library-agnostic: nothing here imports a tensor library.
import type { BenchOptions } from './options';

/**
 * The workloads of the suite. `cold` is the benchmark chain run once in a fresh page (see cold.ts);
 * `chain-sweep` is the same chain over a range of sizes, for wgflow only (where its CPU device overtakes WebGPU).
 * `conv2d`, `depthwise`, `maxpool` and `cnn` are the image-model layers (issue 17): a 3×3 convolution, a 3×3
 * depthwise convolution, 2×2 max pooling, and a small CNN (conv-relu-pool ×2, dense, softmax); NHWC throughout.
 * `mlp-grad` and `mlp-grad-small` (issue 20) are the loss and all six parameter gradients of an MLP with softmax
 * cross-entropy: 784 → 256 → 256 → 10 (batch 64), and 64 → 64 → 64 → 10 (batch 16), where per-op overhead dominates.
 * `train-mlp` and `train-mlp-small` (issue 21) train the same two MLPs: 50 Adam steps on one fixed batch, the final
 * loss read back at the end (workloads_train.ts).
 */
export const WORKLOADS = [
  'matmul', 'chain', 'chain-sweep', 'copy', 'sum-rows', 'sum-cols', 'softmax', 'mlp', 'dispatch',
  'conv2d', 'depthwise', 'maxpool', 'cnn', 'mlp-grad', 'mlp-grad-small',
  'train-mlp', 'train-mlp-small', 'cold',
] as const;
export type WorkloadId = (typeof WORKLOADS)[number];
/** Workloads timed by the warm runner (everything but cold start). */
export type WarmWorkloadId = Exclude<WorkloadId, 'cold'>;

/**
 * The libraries (and modes) compared. `raw` is hand-written WGSL on plain WebGPU calls; `wgflow-cpu-*` are
 * wgflow's same adapters with its CPU device as the default device.
 */
export const LIBS = ['wgflow-eager', 'wgflow-graph', 'wgflow-cpu-eager', 'wgflow-cpu-graph', 'tfjs', 'jax-eager', 'jax-jit', 'raw'] as const;
export type LibId = (typeof LIBS)[number];

/** A float32 input as every library receives it: the same host data, row-major. */
export interface HostTensor {
  data: Float32Array;
  shape: number[];
}

export interface CheckResult {
  ok: boolean;
  /** Largest |out − expected| over the checked elements. */
  maxAbsErr: number;
  /** What went wrong, when !ok (first bad element, or a length mismatch). */
  detail?: string;
}

/** One workload at one size: the host inputs every library uploads, and the CPU check of its output. */
export interface Problem {
  workload: WorkloadId;
  size: number;
  /** For tables: e.g. "matmul 1024³" or "chain 1M". */
  label: string;
  inputs: Record<string, HostTensor>;
  /** Scalars baked into the computation (the chain's a, b, c). */
  scalars: Record<string, number>;
  /** Compares one output (as read back) with a float64 CPU reference. */
  check(out: ArrayLike<number>): CheckResult;
  /** Unit of the figures: milliseconds per run, or microseconds per op for the dispatch workload. */
  unit: 'ms' | 'µs/op';
  /** Ops per run (the dispatch workload divides by it). */
  ops?: number;
  /** Floating-point operations per run (matmul: 2n³; a convolution: 2 per multiply-add), for GFLOP/s. */
  flops?: number;
  /** Bytes read + written per run by the kernels (copy: 8n), for GB/s. */
  bytes?: number;
}

/** A problem prepared on a library: inputs uploaded, functions traced or pipelines built. */
export interface Runnable {
  /**
   * Computes the output and reads it back to the host (awaited: readback included). Workloads with several
   * outputs (mlp-grad) read each back and join them in the problem's order (`joinOutputs` in workloads.ts).
   */
  run(): Promise<ArrayLike<number>>;
  /** Frees what prepare() made (inputs, traced functions, buffers). */
  dispose(): void;
}

/** One library (or one mode of a library) behind a common face. */
export interface Lib {
  id: LibId;
  /** Column header, e.g. "jax-js jit". */
  label: string;
  /** Package version (pinned in package.json) or a short description. */
  version: string;
  /** Acquires the backend/device; called once before the first prepare. */
  setup(): Promise<void>;
  /** The problem prepared on this library, or undefined when the library has no such workload. */
  prepare(p: Problem): Promise<Runnable | undefined>;
  /**
   * Why this library sits out a problem the options selected (its cell reads "skipped"), or undefined to run
   * it: e.g. the CPU device on a default size that would take seconds per run.
   */
  skip?(p: Problem, opts: BenchOptions): string | undefined;
  /**
   * Live objects the library itself counts (tensors, buffers), for the leak check: it must read the same
   * before and after the timed repeats. Undefined where the library exposes no count.
   */
  live?(): number;
  /** Frees the device (cold-start frames call it after measuring). */
  teardown?(): Promise<void> | void;
}

/** The measured figures of one library on one problem. */
export interface Cell {
  workload: WorkloadId;
  size: number;
  lib: LibId;
  status: 'ok' | 'unsupported' | 'wrong' | 'error' | 'skipped';
  /** Why a cell is not ok (error message, failed check). */
  note?: string;
  unit: Problem['unit'];
  /** Timed samples in the problem's unit, in run order. */
  samples: number[];
  median?: number;
  min?: number;
  max?: number;
  maxAbsErr?: number;
  /** Library live-object count before and after the timed repeats (leak check). */
  liveBefore?: number;
  liveAfter?: number;
  /** Cold start only: medians of the import part (fetch, parse, evaluate) and of the rest (first result). */
  importMs?: number;
  firstMs?: number;
  gflops?: number;
  gbps?: number;
}
