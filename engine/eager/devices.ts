// Devices: which device an op runs on (the placement rule), explicit moves between devices, device
// scopes, soft placement and placement logging. Graph planning replays ops through the same code, so
// eager and graph mode place ops alike (graph/placement.ts decides each node's device up front).
import type { Backend } from '../backend/backend';
import { DeviceError, callerLocation, formatLocation, type SourceLocation } from '../core/errors';
import { fmtShape, sizeOf } from '../core/shape';
import { type DeviceName, type Storage, Tensor } from '../core/tensor';
import { checkFits, materialize } from './dispatch';
import { runtime } from './runtime';

export const DEVICES: readonly DeviceName[] = ['webgpu', 'cpu'];

/** 'webgpu' | 'gpu' | 'cpu', also TensorFlow-style '/GPU:0', '/device:CPU:0' (any case). */
export function parseDevice(d: unknown, op: string): DeviceName {
  if (typeof d === 'string') {
    const s = d.trim().toLowerCase().replace(/^\/(device:)?/, '').replace(/:0$/, '');
    if (s === 'webgpu' || s === 'gpu') return 'webgpu';
    if (s === 'cpu') return 'cpu';
  }
  const hint = d === 'webgl' || d === 'wasm' ? ` (wgflow has no ${d} backend)` : '';
  throw new DeviceError(`${op}: unknown device ${JSON.stringify(d)}${hint}; expected 'webgpu' (or 'gpu') or 'cpu'`, { op });
}

/** Why WebGPU cannot take work now, or undefined when it can. */
export function gpuUnavailable(): string | undefined {
  const g = runtime.gpu;
  if (!g) return `WebGPU is not available (${runtime.gpuMissing})`;
  if (g.lostReason !== undefined) return `the WebGPU device was lost (${g.lostReason})`;
  return undefined;
}

// ---- scopes (wg.device) and soft placement: stacks, popped when a block (sync or async) ends ----

/** A soft-placement block: on or off, and who hears about ops it moved (default: a console warning). */
interface SoftFrame {
  on: boolean;
  moved?: (op: string, reason: string) => void;
}

const scopes: DeviceName[] = [];
const soft: SoftFrame[] = [];

function scoped<T, V>(stack: V[], value: V, fn: () => T): T {
  stack.push(value);
  let async = false;
  try {
    const r = fn();
    if (r instanceof Promise) {
      // An async block keeps its device until it settles (blocks must nest, like wg.scope).
      async = true;
      return r.finally(() => stack.splice(stack.lastIndexOf(value), 1)) as T;
    }
    return r;
  } finally {
    if (!async) stack.splice(stack.lastIndexOf(value), 1);
  }
}

/** The device of the innermost wg.device block, if any. */
export const scopedDevice = (): DeviceName | undefined => scopes[scopes.length - 1];
/** Where a new tensor without inputs goes: the innermost wg.device block, else the default device. */
export const currentDevice = (): DeviceName => scopes[scopes.length - 1] ?? runtime.defaultDevice;

export function withDevice<T>(device: DeviceName, fn: () => T): T {
  return scoped(scopes, device, fn);
}

export function withSoftPlacement<T>(on: boolean, fn: () => T): T {
  return scoped(soft, { on }, fn);
}

export const softPlacementOn = (): boolean => soft[soft.length - 1]?.on ?? false;

/**
 * Runs `fn` (synchronous) under the current soft-placement setting and returns, with its result, why soft
 * placement moved one of its ops to the CPU (the first reason; undefined when nothing moved). The graph
 * planner calls it per node, to report the move once per node instead of once per op.
 */
export function softPlaced<T>(fn: () => T): { result: T; softReason?: string } {
  let softReason: string | undefined;
  const frame: SoftFrame = { on: softPlacementOn(), moved: (_op, reason) => (softReason ??= reason) };
  const result = scoped(soft, frame, fn);
  return { result, softReason };
}
// ---- placement logging (wg.config.logDevicePlacement) ----

let logging = false;
export function setPlacementLogging(on: boolean): void {
  logging = on;
}
export const placementLogging = (): boolean => logging;

/** One line per placed op: `wgflow: placed add on webgpu (at main.ts:12:3)`. */
export function logPlacement(what: string, device: DeviceName, location?: SourceLocation, reason?: string): void {
  const at = location ?? callerLocation();
  console.log(`wgflow: placed ${what} on ${device}${at ? ` (at ${formatLocation(at)})` : ''}${reason ? `: ${reason}` : ''}`);
}

// ---- the placement rule ----

/**
 * The device an op runs on: `pinned` (set by the op itself: a variable's device for assign, the target of
 * t.to), else the innermost wg.device block, else the device all its tensor inputs share, else the default
 * device (ops without tensor inputs, and inputs on different devices). With soft placement on, an op that
 * WebGPU cannot take (not available, or an output over its buffer limits) runs on the CPU instead.
 */
export function placeOp(op: string, tensors: readonly Tensor[], outShape: readonly number[] | undefined, pinned?: DeviceName): DeviceName {
  if (pinned) {
    if (logging && !runtime.recorder) logPlacement(op, pinned);
    return pinned;
  }
  let device = scopedDevice();
  if (!device) {
    const first = tensors[0]?.device;
    device = first && tensors.every((t) => t.device === first) ? first : runtime.defaultDevice;
  }
  let reason: string | undefined;
  if (device === 'webgpu' && softPlacementOn()) {
    reason = gpuUnavailable() ?? (outShape ? overGpuLimit(outShape) : undefined);
    if (reason) {
      device = 'cpu';
      noteSoftPlacement(op, reason);
    }
  }
  if (logging && !runtime.recorder) logPlacement(op, device, undefined, reason && `soft placement (${reason})`);
  return device;
}

const warned = new Set<string>();

/**
 * Soft placement moved an op to the CPU: the innermost softPlaced block hears of it; otherwise it is said
 * once per distinct reason (a loop must not flood the console), and not at all while recording (shape
 * inference: the plan that runs the node decides and reports).
 */
function noteSoftPlacement(op: string, reason: string): void {
  const listener = soft[soft.length - 1]?.moved;
  if (listener) return listener(op, reason);
  if (runtime.recorder) return;
  const line = `wgflow: soft placement: ${op} runs on the CPU: ${reason}`;
  if (warned.has(line) || warned.size > 100) return;
  warned.add(line);
  console.warn(line);
}

function overGpuLimit(shape: readonly number[]): string | undefined {
  const limits = runtime.gpu!.limits;
  const bytes = sizeOf(shape) * 4;
  if (bytes <= limits.maxStorageBytes) return undefined;
  return `its output ${fmtShape(shape)} needs ${bytes} bytes, over WebGPU's ${limits.maxStorageLimitName} of ${limits.maxStorageBytes}`;
}

/**
 * A copy of `t` on `device` (t itself when it is there already). The copy is ordered after everything
 * that writes `t` so far and before anything later on `device`; t is left as it is.
 */
export function moveTensor(t: Tensor, device: DeviceName, op: string): Tensor {
  if (t.device === device) return t;
  t.assertUsable(op);
  const to = runtime.backend(device, op);
  checkFits(to, op, t.shape, t.dtype);
  // A strided view is gathered on its own device first: only its elements travel.
  const src = t.isContiguous ? t : materialize(t, op);
  try {
    let storage: Storage | null = null;
    if (src.storage && src.size > 0) {
      const [handle] = to.receive(src.storage.owner as Backend, [{ src: src.storage.handle, dtype: t.dtype, offset: src.offset, count: src.size }]);
      storage = { owner: to, handle, bytes: src.size * 4, refs: 0 };
    }
    const out = new Tensor(t.shape, t.dtype, storage, device);
    if (t.hostValues && t.isContiguous && t.offset === 0) out.hostValues = t.hostValues;
    return out;
  } finally {
    if (src !== t) src.dispose();
  }
}

/**
 * Places an op (placeOp) and runs `fn` on its device with its tensors there: inputs elsewhere are copied
 * for the op (the mixed-device rule) and the copies freed after it. With every input on the device (the
 * usual case) nothing is allocated here: `fn` gets `tensors` itself.
 */
export function withPlaced<T>(
  op: string,
  tensors: Tensor[],
  outShape: readonly number[] | undefined,
  fn: (device: DeviceName, tensors: Tensor[]) => T,
  pinned?: DeviceName,
): T {
  const device = placeOp(op, tensors, outShape, pinned);
  if (tensors.every((t) => t.device === device)) return fn(device, tensors);
  const copies = new Map<Tensor, Tensor>();
  const moved = tensors.map((t) => {
    let m = copies.get(t);
    if (!m) copies.set(t, (m = moveTensor(t, device, op)));
    return m;
  });
  try {
    return fn(device, moved);
  } finally {
    copies.forEach((m, t) => m !== t && m.dispose());
  }
}
