// What a profile records about a launch, computed by either backend (only while profiling).
import type { KernelMeta } from '../core/profile';
import type { Launch } from '../ir/kernel';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function launchMeta(l: Launch<unknown>): KernelMeta {
  const k = l.kernel;
  const dtype = k.kind === 'elementwise' || k.kind === 'reduce' ? k.out : k.kind === 'conv' ? (k.epilogue?.dtype ?? 'float32') : k.dtype;
  // Every element is 4 bytes. A broadcast or sliced input is counted at its view's size (what the kernel reads).
  const bytesRead = l.inputs.reduce((s, v) => s + sizeOf(v.shape) * 4, 0);
  return {
    name: k.name,
    kind: k.kind,
    shape: [...l.outShape],
    dtype,
    bytesRead,
    bytesWritten: sizeOf(l.outShape) * 4 * (k.kind === 'reduce' && k.op === 'softmaxstats' ? 2 : 1),
    nodes: l.nodes,
  };
}

export const DTYPE_OF_ARRAY = (a: ArrayBufferView): string =>
  a instanceof Int32Array ? 'int32' : a instanceof Uint32Array ? 'uint32' : 'float32';

/** A host ↔ device copy as a profile entry. */
export function transferMeta(name: string, count: number, dtype: string, read: boolean, nodes?: number[]): KernelMeta {
  return { name, kind: 'transfer', shape: [count], dtype, bytesRead: read ? count * 4 : 0, bytesWritten: read ? 0 : count * 4, ...(nodes ? { nodes } : {}) };
}
