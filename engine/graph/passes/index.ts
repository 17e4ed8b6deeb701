// The plan optimiser: passes over a plan's kernel launches, each switchable and reporting what it did.
// Order: prune → commonSubexpression → fusion → arithmeticSimplification → inlineConstants, then (in compilePlan, with a
// device) constantFolding and memoryPlanning.
import type { Launch } from '../../ir/kernel';
import type { Optimizations } from '../mode';
import type { Slot } from '../recorder';
import { cseLaunches } from './cse';
import { fusionPass } from './fusion';
import { inlineConstantsPass } from './inline';
import { prunePass } from './prune';
import { simplifyPass } from './simplify';

export interface PassReport {
  pass: string;
  /** Launches removed, merged, folded or inlined. */
  removed: number;
  detail: string;
  fusedGroups?: { kernel: string; ops: number; nodes: number[] }[];
  peakBytes?: { naive: number; planned: number };
}

export interface PassContext {
  launches: Launch<Slot>[];
  /** Slots read outside the launches (fetches, prints): never removed or renamed away. */
  keep: Set<Slot>;
}

export const ALL_ON: Required<Optimizations> = {
  prune: true,
  constantFolding: true,
  commonSubexpression: true,
  arithmeticSimplification: true,
  fusion: true,
  memoryPlanning: true,
  inlineConstants: true,
  placement: true,
};

export function enabled(o: Optimizations | undefined, pass: keyof Optimizations): boolean {
  return o?.[pass] ?? true;
}

/** Passes that only rearrange launches (device-free). Folding and memory planning run in compilePlan. */
export function optimizeLaunches(ctx: PassContext, o: Optimizations | undefined): PassReport[] {
  const reports: PassReport[] = [];
  if (enabled(o, 'prune')) reports.push(prunePass(ctx));
  if (enabled(o, 'commonSubexpression')) reports.push(cseLaunches(ctx));
  if (enabled(o, 'fusion')) reports.push(fusionPass(ctx));
  if (enabled(o, 'arithmeticSimplification')) reports.push(simplifyPass(ctx));
  if (enabled(o, 'inlineConstants')) reports.push(inlineConstantsPass(ctx));
  return reports;
}
