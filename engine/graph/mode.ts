// Execution modes: the withMode stack, wg.executingEagerly(), and wg.config switches.
import { GraphModeError } from '../core/errors';
import { placementLogging, setPlacementLogging } from '../eager/devices';

export type Mode = 'eager' | 'graph';

export interface Optimizations {
  prune?: boolean;
  constantFolding?: boolean;
  commonSubexpression?: boolean;
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

interface ModeFrame {
  mode: Mode;
  options: GraphOptions;
}

const frames: ModeFrame[] = [];
let functionsEagerly = false;

/** The innermost withMode block, if any. */
export const currentMode = (): ModeFrame | undefined => frames[frames.length - 1];

export function pushMode(mode: Mode, options: GraphOptions = {}): ModeFrame {
  if (mode !== 'eager' && mode !== 'graph') {
    throw new GraphModeError(`withMode: mode must be 'eager' or 'graph', got ${JSON.stringify(mode)}`);
  }
  const f = { mode, options };
  frames.push(f);
  return f;
}

export function popMode(f: ModeFrame): void {
  const i = frames.lastIndexOf(f);
  if (i >= 0) frames.splice(i, 1);
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
};
