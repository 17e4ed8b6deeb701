// The engine's memory limit (wg.config.setMemoryLimit, TensorFlow's per_process_gpu_memory_fraction): an
// allocation that would bring the bytes in use on all devices together over it throws ResourceExhaustedError
// before any buffer is made. The backends check it in alloc(), which every path to device memory goes
// through (eager outputs, uploads, transfers, graph plans, temporaries). With no limit the check is a null
// test; with one, a call that adds the devices' counters and compares.
import type { DType } from './dtype';
import { type ErrorDetails, ResourceExhaustedError } from './errors';
import { fmtShape } from './shape';
import type { Tensor } from './tensor';

/** The limit in bytes, or null (no limit, the default). Backends test it on every allocation. */
export let memoryLimitBytes: number | null = null;

/**
 * While a limit is set, the live tensors (made since it was set), so that the error can list the largest.
 * Undefined without a limit: the runtime then tracks nothing.
 */
export let limitedTensors: Set<Tensor> | undefined;

/** What the runtime tells this module: the counters wg.memory() reports, and how to drop pooled buffers. */
export interface MemoryMeter {
  /** Bytes held by live storages on every device (wg.memory().bytesInUse). */
  bytesInUse(): number;
  /** Live tensors (wg.memory().tensors). */
  liveTensors(): number;
  /** Frees the devices' pooled (unused) buffers. */
  releasePooled(): void;
}

let meter: MemoryMeter = { bytesInUse: () => 0, liveTensors: () => 0, releasePooled: () => {} };

export function installMemoryMeter(m: MemoryMeter): void {
  meter = m;
}

/** wg.config.setMemoryLimit: a positive number of bytes (rounded down), or null for none. */
export function setMemoryLimit(bytes: unknown): void {
  if (bytes === null) {
    memoryLimitBytes = null;
    limitedTensors = undefined;
    return;
  }
  if (typeof bytes !== 'number') {
    throw new TypeError(
      `wg.config.setMemoryLimit: expected a number of bytes, or null for no limit, got ${bytes === undefined ? 'undefined' : typeof bytes}`,
    );
  }
  if (!Number.isFinite(bytes) || bytes < 1) {
    throw new RangeError(`wg.config.setMemoryLimit: the limit must be a positive finite number of bytes (or null for no limit), got ${bytes}`);
  }
  memoryLimitBytes = Math.floor(bytes);
  limitedTensors ??= new Set();
  // Pooled buffers are not in use, but they hold device memory: start from an empty pool.
  meter.releasePooled();
}

export const memoryLimit = (): number | null => memoryLimitBytes;

/**
 * Throws ResourceExhaustedError when `counted` more bytes (what the device's counter would add: the pool's
 * bucket on WebGPU) would bring the memory in use over the limit. Call it only when memoryLimitBytes is set.
 */
export function checkMemoryLimit(counted: number): void {
  const inUse = meter.bytesInUse();
  // Taking nothing new (a transfer into existing buffers) is never refused, even over the limit.
  if (inUse + counted > memoryLimitBytes! && counted > 0) throw exhausted(counted, inUse, memoryLimitBytes!);
}

function exhausted(counted: number, inUse: number, limit: number, what?: Allocation): ResourceExhaustedError {
  meter.releasePooled();
  const live = meter.liveTensors();
  const desc = what?.describe ?? `${fmtBytes(counted)}`;
  const after = inUse + counted;
  const [afterText, limitText] = fmtBytes(after) === fmtBytes(limit) ? [`${after} bytes`, `${limit} bytes`] : [fmtBytes(after), fmtBytes(limit)];
  const details: ErrorDetails = what ? { op: what.op, shapes: what.shapes, dtypes: what.dtypes } : {};
  return new ResourceExhaustedError(
    `${what?.op ? `${what.op}: ` : ''}allocating ${desc} would bring the memory in use to ${afterText}, over the limit of ` +
      `${limitText} set by wg.config.setMemoryLimit; ${liveText(live, inUse)}. ` +
      'Dispose tensors you no longer need (wg.tidy, wg.scope, t.dispose()), or raise the limit.',
    { ...details, requestedBytes: counted, bytesInUse: inUse, limit, liveTensors: live },
  );
}

/** What was being allocated, as a caller that knows it says it (its op, its shape). */
export interface Allocation {
  op?: string;
  /** Replaces the bytes in the message: `float32[512,512] (1 MiB)`, `a temporary of the plan (1 MiB)`. */
  describe: string;
  shapes?: number[][];
  dtypes?: string[];
}

/** Errors that already say what was allocated (an outer caller keeps them as they are). */
const named = new WeakSet<ResourceExhaustedError>();

/**
 * `e` again, naming what was allocated, when it is a ResourceExhaustedError a backend threw without
 * knowing (a fresh error, so the message says it); any other error is returned as it is.
 */
export function nameAllocation(e: unknown, what: Allocation): unknown {
  if (!(e instanceof ResourceExhaustedError) || named.has(e)) return e;
  const out = exhausted(e.requestedBytes, e.bytesInUse, e.limit, what);
  named.add(out);
  return out;
}


/** `float32[512,512] (1 MiB)`: what an eager allocation of this shape and dtype is. */
export function tensorAllocation(op: string, shape: readonly number[], dtype: DType): Allocation {
  const bytes = shape.reduce((p, d) => p * d, 1) * 4;
  return { op, describe: `${dtype}${fmtShape(shape)} (${fmtBytes(bytes)})`, shapes: [[...shape]], dtypes: [dtype] };
}

/** "37 tensors are live, the largest: float32[1024,1024] ×37, float32[256] ×2" (computed when throwing only). */
function liveText(live: number, inUse: number): string {
  const head = live === 1 ? '1 tensor is live' : live === 0 ? 'no tensors are live' : `${live} tensors are live`;
  const groups = new Map<string, { bytes: number; count: number }>();
  const storages = new Set<unknown>();
  let listed = 0;
  let held = 0;
  for (const t of limitedTensors ?? []) {
    if (t.isDisposed || !t.storage) continue;
    listed++;
    if (!storages.has(t.storage)) {
      storages.add(t.storage);
      held += t.storage.bytes;
    }
    const key = `${t.dtype}${fmtShape(t.shape)}`;
    const g = groups.get(key) ?? { bytes: 0, count: 0 };
    g.bytes += t.size * 4;
    g.count++;
    groups.set(key, g);
  }
  // Memory the tensors do not explain (every live one listed): compiled plans of Sessions and wg.functions.
  const byPlans = 'graph plans (of Sessions and wg.functions: close() and dispose() them)';
  let plans = '';
  if (live === listed && inUse > held && inUse - held >= inUse / 4) {
    plans = held === 0 ? `; ${byPlans} hold the ${fmtBytes(inUse)} in use` : `; they hold ${fmtBytes(held)} of the ${fmtBytes(inUse)} in use, ${byPlans} the rest`;
  }
  if (groups.size === 0) return live > 0 ? `${head} (all made before the limit was set)` : `${head}${plans}`;
  const top = [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 3);
  const more = groups.size > top.length ? `, and ${groups.size - top.length} other shape${groups.size - top.length === 1 ? '' : 's'}` : '';
  const before = live > listed ? ` (${live - listed} made before the limit was set are not listed)` : '';
  return `${head}, the largest: ${top.map(([k, g]) => `${k} ×${g.count}`).join(', ')}${more}${before}${plans}`;
}

/** 512 bytes, 1 KiB, 1.5 MiB, 1 GiB (two decimals at most). */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toFixed(2))} ${units[u]}`;
}
