// What every panel of the side pane receives. Runs come from App.tsx; records are validated and their
// snippet positions already mapped to the snippet's own lines (file 'snippet.ts').
import type * as WG from '../../../engine/index';
import type { RunView } from '../App';
import type { Mode } from '../runner/host';

/** Saves the graphs a graph-mode run kept (RunResult.saves says which), while its frame still holds them. */
export interface GraphSaver {
  /** Whether the run's graphs are still held (they are until the next run starts). */
  holds(run: RunView): boolean;
  /** The graph JSON (what `await g.save()` writes) of a plan the run kept. */
  save(run: RunView, plan: number): Promise<WG.GraphJSON>;
}

export interface PanelProps {
  /** The run shown now (the last run, in whichever mode it ran). */
  run: RunView | undefined;
  /** The last run of each mode (Compare fills both). */
  runs: { eager?: RunView; graph?: RunView };
  /** The mode selected in the toolbar. */
  mode: Mode;
  /** Jumps the editor to a snippet line. */
  onJump(line: number, column: number): void;
  /** The Graph panel's "Save graph". */
  graphs?: GraphSaver;
}

/** Optimisation passes the Optimisations panel can switch off (engine names, see docs/graph.md). */
export const PASSES = [
  'prune',
  'commonSubexpression',
  'constantFolding',
  'fusion',
  'arithmeticSimplification',
  'inlineConstants',
  'memoryPlanning',
] as const;
export type PassName = (typeof PASSES)[number];
