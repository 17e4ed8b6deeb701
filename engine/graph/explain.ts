// What a compiled plan runs, as plain data: every kernel (with the graph nodes it covers and its WGSL
// when it is elementwise) and every pass's report. Printable with toString().
import { formatLocation } from '../core/errors';
import { kernelToString } from '../ir/kernel';
import { generateWGSL } from '../shaders/codegen';
import type { Graph } from './graph';
import { snapshotOf, type PassReport } from './passes/index';
import type { CompiledPlan } from './executor';

export interface PlanKernel {
  name: string;
  /** The kernel family, or 'transfer' for a copy between devices. */
  kind: string;
  /** The device that runs it ('webgpu' | 'cpu'; a transfer: the receiving device). */
  device: string;
  /** The graph nodes (by name) the kernel computes; a fused kernel lists all of them. */
  nodes: string[];
  /** Source lines of those nodes, where known. */
  lines: string[];
  description: string;
  /** Generated WGSL (elementwise kernels; other families depend on run-time geometry). */
  wgsl?: string;
}

export interface PlanInfo {
  kernels: PlanKernel[];
  reports: PassReport[];
  toString(): string;
}

export function explainPlan(g: Graph, c: CompiledPlan): PlanInfo {
  const kernels = c.launches.map((l): PlanKernel => {
    const nodes = (l.nodes ?? []).map((id) => g.nodes[id]).filter(Boolean);
    const snap = snapshotOf(l);
    return {
      name: snap.name,
      kind: snap.kind,
      device: snap.device!,
      nodes: nodes.map((n) => n.name),
      lines: nodes.flatMap((n) => (n.location ? [formatLocation(n.location)] : [])),
      description: kernelToString(l.kernel),
      wgsl: l.kernel.kind === 'elementwise' && !l.transfer && snap.device === 'webgpu' ? generateWGSL(l.kernel).code : undefined,
    };
  });
  const reports = c.reports.map((r) => ({ ...r }));
  return {
    kernels,
    reports,
    toString: () =>
      [
        `Plan: ${kernels.length} kernels`,
        ...kernels.map((k, i) => `  #${i} ${k.device} ${k.kind} ${k.name}  [${k.nodes.join(', ')}]`),
        'Passes:',
        ...reports.map((r) => `  ${r.pass}: ${r.detail}`),
      ].join('\n'),
  };
}
