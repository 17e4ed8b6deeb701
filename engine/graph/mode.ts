// Execution modes: the withMode block stack, and wg.config switches.
import { GraphModeError } from '../core/errors';
import { memoryLimit, setMemoryLimit } from '../core/memory_limit';
import { placementLogging, setPlacementLogging } from '../eager/devices';
import { BlockStack } from '../eager/scope';
import type { LazyGraph } from './lazy';

export type Mode = 'eager' | 'graph';

export interface Optimizations {
  prune?: boolean;
  constantFolding?: boolean;
  commonSubexpression?: boolean;
  /** A batchNorm with constant statistics after a convolution with constant weights folds into them. */
  foldBatchNorm?: boolean;
  arithmeticSimplification?: boolean;
  fusion?: boolean;
  memoryPlanning?: boolean;
  /** Scalar params of the plan's kernels become WGSL literals (a pipeline per distinct value set). */
  inlineConstants?: boolean;
  placement?: boolean;
}

/** Options of Session, wg.function and withMode (the optimisation passes arrive with "Graph mode, part 2"). */
export interface GraphOptions {
  optimizations?: Optimizations;
  softPlacement?: boolean;
  /**
   * withMode('graph') only: receives each graph a readback computes, with the data it was fed captured
   * (so `await g.save()` bakes it in as constants) and its computed values as outputs `out0`, `out1`…
   * The callee owns the graph: `g.dispose()` releases the captured data.
   */
  onGraph?: (g: import('./graph').Graph) => void;
}

export interface ModeFrame {
  mode: Mode;
  options: GraphOptions;
  /** withMode('graph'): the block's lazy graph (what its ops record into). */
  lazy?: LazyGraph;
}

const frames = new BlockStack<ModeFrame>();
let functionsEagerly = false;

/** The innermost withMode block, if any. */
export const currentMode = (): ModeFrame | undefined => frames.top;

/** The lazy graph of the innermost withMode('graph') block (an eager block inside it keeps it). */
export const currentLazy = (): LazyGraph | undefined => frames.frames.findLast((f) => f.lazy)?.lazy;

export function checkMode(mode: unknown): Mode {
  if (mode !== 'eager' && mode !== 'graph') {
    throw new GraphModeError(`withMode: mode must be 'eager' or 'graph', got ${JSON.stringify(mode)}`);
  }
  return mode;
}

/**
 * Runs async `fn` as a withMode block. Blocks must nest like wg.scope (there is one mode stack, see
 * BlockStack): one that ends while a block started after it still runs is a ScopeError, as for scopes.
 */
export function modeBlock<T>(frame: ModeFrame, fn: () => Promise<T> | T, close: () => void): Promise<T> {
  return frames.run(frame, fn, close, { op: 'withMode', block: 'wg.withMode', harm: "the ops of each ran in the other's mode" });
}

/** Inside withMode('eager'): Sessions run node by node and wg.functions run their body eagerly. */
export const forcedEager = () => currentMode()?.mode === 'eager' || functionsEagerly;

export const config = {
  /** Runs every wg.function's body eagerly instead of tracing it (TensorFlow's run_functions_eagerly). */
  runFunctionsEagerly(on: boolean): void {
    functionsEagerly = Boolean(on);
  },
  functionsRunEagerly: () => functionsEagerly,
  /**
   * Logs where every op runs, like TensorFlow's set_log_device_placement: each eager op as it runs, each
   * graph node when its plan is made (console.log, one line each: `wgflow: placed add on webgpu (at …)`).
   */
  logDevicePlacement(on: boolean): void {
    setPlacementLogging(Boolean(on));
  },
  placementLogged: () => placementLogging(),
  /**
   * Caps the memory tensors may hold, in bytes (null: no limit, the default), like TensorFlow's
   * per_process_gpu_memory_fraction: an allocation that would bring wg.memory().bytesInUse (every device
   * together) over it throws ResourceExhaustedError, naming the op, the shape, the limit and the largest
   * live tensors, before anything is allocated. Pooled free buffers are not counted, but the WebGPU pool
   * keeps in-use plus pooled bytes within the limit. A positive number (rounded down to whole bytes) or null.
   */
  setMemoryLimit(bytes: number | null): void {
    setMemoryLimit(bytes);
  },
  /** The limit set by setMemoryLimit, in bytes, or null. */
  memoryLimit: (): number | null => memoryLimit(),
};
