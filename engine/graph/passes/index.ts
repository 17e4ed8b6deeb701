// The plan optimiser: passes over a plan's kernel launches, each switchable and reporting what it did.
// Order: prune → commonSubexpression → foldBatchNorm → fusion → arithmeticSimplification → inlineConstants, then (in compilePlan, with a
// device) constantFolding and memoryPlanning.
import type { DeviceName } from '../../core/tensor';
import type { Launch } from '../../ir/kernel';
import type { Optimizations } from '../mode';
import type { Slot } from '../recorder';
import { cseLaunches } from './cse';
import { foldBatchNormPass } from './fold_batchnorm';
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
  /** The plan's kernels after this pass (what the playground draws pass by pass). */
  launches?: LaunchSnapshot[];
}

/** A launch as plain data: its kernel, the graph nodes it computes and its device (a transfer: its bytes). */
export interface LaunchSnapshot {
  name: string;
  kind: string;
  nodes: number[];
  device?: string;
  bytes?: number;
}

export const snapshot = (launches: Launch<Slot>[]): LaunchSnapshot[] => launches.map(snapshotOf);

export function snapshotOf(l: Launch<Slot>): LaunchSnapshot {
  const device = l.device ?? l.out.device;
  if (l.transfer) {
    return { name: `transfer ${l.transfer.from}→${device}`, kind: 'transfer', nodes: [...(l.nodes ?? [])], device, bytes: l.outShape[0] * 4 };
  }
  return { name: l.kernel.name, kind: l.kernel.kind, nodes: [...(l.nodes ?? [])], device };
}

export interface PassContext {
  launches: Launch<Slot>[];
  /** Slots read outside the launches (fetches, prints): never removed or renamed away. */
  keep: Set<Slot>;
  /** A new constant slot holding `data` (passes that compute constants on the host: foldBatchNorm). */
  constSlot?: (data: Float32Array, device: DeviceName) => Slot;
}

export const ALL_ON: Required<Optimizations> = {
  prune: true,
  constantFolding: true,
  commonSubexpression: true,
  foldBatchNorm: true,
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
  const run = (pass: keyof Optimizations, f: (ctx: PassContext) => PassReport) => {
    if (!enabled(o, pass)) return;
    const r = f(ctx);
    r.launches = snapshot(ctx.launches);
    reports.push(r);
  };
  run('prune', prunePass);
  run('commonSubexpression', cseLaunches);
  run('foldBatchNorm', foldBatchNormPass);
  run('fusion', fusionPass);
  run('arithmeticSimplification', simplifyPass);
  run('inlineConstants', inlineConstantsPass);
  return reports;
}
