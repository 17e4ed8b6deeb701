// What a compiled plan runs, as plain data: every kernel (with the graph nodes it covers and, on WebGPU, the
// WGSL of each of its dispatches exactly as prepared for the run, with workgroup size and grid) and every
// pass's report. Printable with toString().
import { programShaders, type GpuProgram, type ShaderDispatch } from '../backend/webgpu/program';
import { formatLocation } from '../core/errors';
import { kernelToString, type Launch } from '../ir/kernel';
import type { Graph } from './graph';
import { snapshotOf, type PassReport } from './passes/index';
import type { CompiledPlan } from './executor';

export type PlanDispatch = ShaderDispatch;

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
  /**
   * The WGSL that runs (WebGPU kernels of every family): the selected variant (vec4, tuned geometry, matmul
   * tiling…) with its inlined constants, read from the prepared program rather than generated again. A
   * kernel of several dispatches (a two-pass reduction) shows each one's code, in order.
   */
  wgsl?: string;
  /** Its WebGPU dispatches in run order: WGSL, id in run records (`record.wgsl[kernelId]`), workgroup size and grid. */
  dispatches?: PlanDispatch[];
}

export interface PlanInfo {
  kernels: PlanKernel[];
  reports: PassReport[];
  toString(): string;
}

/** The dispatches each WebGPU launch of the plan was prepared as (the programs the plan enqueues). */
function preparedDispatches(c: CompiledPlan): Map<Launch, PlanDispatch[]> {
  const byLaunch = new Map<Launch, PlanDispatch[]>();
  for (const st of c.steps) {
    if (st.kind !== 'part' || st.device !== 'webgpu' || !st.program) continue;
    const shaders = programShaders(st.program as GpuProgram, st.launches.length);
    st.launches.forEach((l, i) => byLaunch.set(l, shaders[i]));
  }
  return byLaunch;
}

export function explainPlan(g: Graph, c: CompiledPlan): PlanInfo {
  const prepared = preparedDispatches(c);
  const kernels = c.launches.map((l): PlanKernel => {
    const nodes = (l.nodes ?? []).map((id) => g.nodes[id]).filter(Boolean);
    const snap = snapshotOf(l);
    const dispatches = prepared.get(l);
    return {
      name: snap.name,
      kind: snap.kind,
      device: snap.device!,
      nodes: nodes.map((n) => n.name),
      lines: nodes.flatMap((n) => (n.location ? [formatLocation(n.location)] : [])),
      description: kernelToString(l.kernel),
      wgsl: dispatches?.length ? dispatches.map((d) => d.wgsl).join('\n') : undefined,
      dispatches,
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
