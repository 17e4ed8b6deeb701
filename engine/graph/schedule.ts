// Ordering a plan's launches for its devices, and cutting them into steps. A launch depends on earlier
// launches it shares a buffer with (read after write, write after read, write after write); any order that
// keeps those is correct. The schedule takes, in rounds: every WebGPU launch that is ready (one part: one
// submission), the transfers out of WebGPU, every CPU launch that is ready (they run while the GPU works),
// then the transfers out of the CPU. A plan on one device keeps its order exactly.
import type { DeviceName } from '../core/tensor';
import type { Launch } from '../ir/kernel';
import type { Slot } from './recorder';

export type Step =
  | { kind: 'part'; device: DeviceName; launches: Launch<Slot>[] }
  | { kind: 'transfer'; from: DeviceName; to: DeviceName; launches: Launch<Slot>[] };

const deviceOf = (l: Launch<Slot>): DeviceName => l.device ?? l.out.device;

/** What a launch is for scheduling: a kernel on a device, or a transfer out of a device. */
const classOf = (l: Launch<Slot>) => (l.transfer ? `transfer:${l.transfer.from}` : `kernel:${deviceOf(l)}`);
const ROUND = ['kernel:webgpu', 'transfer:webgpu', 'kernel:cpu', 'transfer:cpu'];

export function schedule(launches: Launch<Slot>[]): Launch<Slot>[] {
  if (new Set(launches.map(classOf)).size <= 1) return launches;
  // Dependencies through slots: each launch waits for the last writer of what it reads or writes, and for
  // the readers since then of what it writes.
  const deps: Set<number>[] = launches.map(() => new Set());
  const lastWriter = new Map<Slot, number>();
  const readers = new Map<Slot, number[]>();
  launches.forEach((l, i) => {
    for (const v of l.inputs) {
      const w = lastWriter.get(v.handle);
      if (w !== undefined) deps[i].add(w);
    }
    const w = lastWriter.get(l.out);
    if (w !== undefined) deps[i].add(w);
    for (const r of readers.get(l.out) ?? []) if (r !== i) deps[i].add(r);
    for (const v of l.inputs) (readers.get(v.handle) ?? readers.set(v.handle, []).get(v.handle)!).push(i);
    lastWriter.set(l.out, i);
    readers.set(l.out, []);
  });
  const done = new Set<number>();
  const order: Launch<Slot>[] = [];
  while (done.size < launches.length) {
    const before = done.size;
    for (const cls of ROUND) {
      // Every ready launch of this class, repeatedly (one ready launch may make the next one ready).
      for (let progress = true; progress; ) {
        progress = false;
        launches.forEach((l, i) => {
          if (done.has(i) || classOf(l) !== cls || [...deps[i]].some((d) => !done.has(d))) return;
          done.add(i);
          order.push(l);
          progress = true;
        });
      }
    }
    if (done.size === before) throw new Error('schedule: a dependency cycle between launches (an engine bug)');
  }
  return order;
}

/** Consecutive launches of one device form a part; consecutive transfers between the same devices, one step. */
export function partition(launches: Launch<Slot>[]): Step[] {
  const steps: Step[] = [];
  for (const l of launches) {
    const last = steps[steps.length - 1];
    if (l.transfer) {
      const from = l.transfer.from;
      const to = deviceOf(l);
      if (last?.kind === 'transfer' && last.from === from && last.to === to) last.launches.push(l);
      else steps.push({ kind: 'transfer', from, to, launches: [l] });
    } else {
      const device = deviceOf(l);
      if (last?.kind === 'part' && last.device === device) last.launches.push(l);
      else steps.push({ kind: 'part', device, launches: [l] });
    }
  }
  return steps;
}
