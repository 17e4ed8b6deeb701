// Recording: `recordable(name, entry)` wraps every public op. Eagerly it just calls `impl`; while a graph is
// being built (Graph.build, a wg.function trace, withMode('graph')) it records a node instead, after
// checking shapes and dtypes by running `impl` against a recording backend (nothing reaches a device).
import type { DType } from '../core/dtype';
import { GraphModeError, WgError, callerLocation } from '../core/errors';
import { MAX_PROFILED, backwardOf, profiling, type ProfileCollector, type ProfileSource, type TraceOp } from '../core/profile';
import { type DeviceName, Tensor } from '../core/tensor';
import { statefulKey } from '../core/random';
import { runtime } from '../eager/runtime';
import { tidy } from '../eager/scope';
import type { ArgSpec, GraphNode, NodeOutput, TypedSpec } from './graph';
import { RecordingBackend, type Slot } from './recorder';
import { currentScope } from './name_scope';
import type { OpSpec } from '../ops/registry';

export type OpImpl = (...args: any[]) => unknown;

/** What the graph layer needs of an op: its implementation, whether it has a side effect, and its schema. */
export interface OpEntry {
  impl: OpImpl;
  sideEffect: boolean;
  spec: OpSpec;
}

/**
 * The op registry as the graph layer sees it. The registry itself (engine/api/registry.ts) sits above this
 * layer (its implementations compose public ops), so it hands its typed table down once, when it is built;
 * graphs look ops up by the names their nodes store (a loaded graph's names come from JSON).
 */
/** The ops the graph layer calls itself (variable initial values, fed tensors, prints). */
export type GraphLayerOp = 'tensor' | 'clone' | 'print';
type OpTable = Readonly<Record<string, OpEntry>> & Readonly<Record<GraphLayerOp, OpEntry>>;

let table: OpTable | undefined;

/** Called once by the registry; its type makes a registry that lacks an op this layer calls a compile error. */
export function bindOpTable(ops: OpTable): void {
  table = ops;
}

function bound(): OpTable {
  if (!table) throw new Error('wgflow: the op registry is not loaded (import wgflow through engine/index.ts)');
  return table;
}

export const opTable = {
  /** An op by the name a graph node stores, or undefined (a graph from JSON may name anything). */
  get: (name: string): OpEntry | undefined => (Object.hasOwn(bound(), name) ? bound()[name] : undefined),
  has: (name: string): boolean => Object.hasOwn(bound(), name),
  /** One of the ops this layer calls itself. */
  core: (name: GraphLayerOp): OpEntry => bound()[name],
};

/** Something that records op calls: a Graph being built, or the lazy graph of withMode('graph'). */
export interface Builder {
  record(op: string, entry: OpEntry, args: unknown[]): unknown;
  /** Does this builder own (or accept) this graph tensor? */
  owns(t: Tensor): boolean;
}

/** null entries are barriers: withMode('eager') inside a recording context runs ops for real. */
const builders: (Builder | null)[] = [];
/** > 0 while op implementations run for inference or planning: nested op calls must not record. */
let suspended = 0;

export function activeBuilder(): Builder | undefined {
  return suspended > 0 ? undefined : (builders[builders.length - 1] ?? undefined);
}

export function withBuilder<T>(b: Builder, fn: () => T): T {
  builders.push(b);
  try {
    return fn();
  } finally {
    builders.splice(builders.lastIndexOf(b), 1);
  }
}

export function pushBuilder(b: Builder | null): void {
  builders.push(b);
}
export function popBuilder(b: Builder | null): void {
  const i = builders.lastIndexOf(b);
  if (i >= 0) builders.splice(i, 1);
}

/** Runs op implementations without recording (inference, planning, eager replays). */
export function unrecorded<T>(fn: () => T): T {
  suspended++;
  try {
    return fn();
  } finally {
    suspended--;
  }
}

/**
 * Wraps an op's implementation into its public function: graph builders record the call as a node; eagerly
 * it runs `impl` (attributed to the caller's line while profiling). `entry` is the op's registry entry.
 */
/**
 * Set while a gradient tape records (engine/autodiff/tape.ts): every public op call goes through `around`,
 * which runs it and notes it on the tapes. Unset otherwise: one property read per op call.
 */
export const gradientHook: { around?: (op: string, args: unknown[], run: () => unknown) => unknown } = {};

export function recordable<F extends OpImpl>(name: string, entry: OpEntry & { impl: F }, prepare?: (args: unknown[]) => unknown[]): F {
  const impl = entry.impl;
  const call = (args: unknown[]) => {
    const b = activeBuilder();
    if (b) return b.record(name, entry, args);
    if (suspended === 0) rejectGraphTensors(name, args);
    const c = profiling.current;
    if (c && suspended === 0 && c.ops.length === 0) return profiledCall(c, name, impl, args);
    return impl(...args);
  };
  const wrapped = function (this: unknown, ...given: unknown[]) {
    const args = prepare ? prepare(given) : given;
    const around = gradientHook.around;
    return around ? around(name, args, () => call(args)) : call(args);
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped as unknown as F;
}

/** The tensors inside an argument or result: a tensor, a list of them, a plain object's values (fused ops' options). */
export const tensorsIn = (v: unknown): Tensor[] =>
  v instanceof Tensor
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(tensorsIn)
      : v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
        ? Object.values(v).flatMap(tensorsIn)
        : [];
const described = (ts: Tensor[]) => ts.map((t) => ({ id: t.id, shape: [...t.shape], dtype: t.dtype as string }));

/**
 * An eager op call while profiling: kernels it dispatches (its own and those of the ops it is built from)
 * are attributed to it and to the user's line that called it; run records also trace it.
 */
export function profiledCall(c: ProfileCollector, op: string, impl: OpImpl, args: unknown[], at?: ProfileSource, atScope?: string): unknown {
  const grad = backwardOf.current;
  const source = at ?? { op, ...(callerLocation() ?? {}), ...(grad ? { grad } : {}) };
  // A replayed graph node (`at`) is in the scope it was recorded in, not the one it runs in.
  const scope = !c.options.trace ? undefined : at ? atScope : currentScope();
  const trace: TraceOp | undefined = c.options.trace
    ? { ...source, ...(scope !== undefined ? { scope } : {}), inputs: described(tensorsIn(args)), outputs: [], kernels: [] }
    : undefined;
  c.ops.push({ source, trace });
  try {
    const out = impl(...args);
    if (trace) {
      trace.outputs = described(tensorsIn(out));
      if (c.trace.length < MAX_PROFILED) c.trace.push(trace);
      else c.omittedTrace++;
    }
    return out;
  } finally {
    c.ops.pop();
  }
}

function rejectGraphTensors(op: string, args: unknown[]): void {
  // Nested too: an options object's members (wg.fused.conv2d({ x, … })).
  for (const a of args) {
    for (const t of tensorsIn(a)) {
      if (t.graph?.graph.kind === 'graph') {
        throw new GraphModeError(
          `${op}: tensor %${t.graph.node} belongs to a Graph and has no value here; use it inside g.build(...) ` +
            'or fetch it with `await sess.run(t)`',
          { op },
        );
      }
    }
  }
}

// ---- argument encoding (JSON-able, with references) ----

const TYPED: Record<TypedSpec['$typed'], { new (b: ArrayBuffer): ArrayBufferView }> = {
  Float32Array, Int32Array, Uint32Array, Uint8Array, Float64Array, Int8Array, Int16Array, Uint16Array, Uint8ClampedArray,
};

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Encodes op arguments; tensors go through `ref` (which may add capture nodes). */
export function encodeArgs(args: unknown[], ref: (t: Tensor) => ArgSpec, op: string): ArgSpec[] {
  const enc = (v: unknown): ArgSpec => {
    if (v instanceof Tensor) return ref(v);
    if (v === undefined) return { $undefined: true };
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $num: 'NaN' };
      if (v === Infinity) return { $num: 'Infinity' };
      if (v === -Infinity) return { $num: '-Infinity' };
      if (Object.is(v, -0)) return { $num: '-0' };
      return v;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as TypedSpec['$typed'];
      if (!(name in TYPED)) throw new GraphModeError(`${op}: ${name} arguments cannot be recorded in a graph`, { op });
      return { $typed: name, base64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    if (Array.isArray(v)) return v.map(enc);
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, enc(x)]));
    }
    throw new GraphModeError(`${op}: an argument of type ${typeof v === 'object' ? v.constructor?.name : typeof v} cannot be recorded in a graph`, { op });
  };
  return args.map(enc);
}

/** Decodes arguments, resolving references through `resolve`. */
export function decodeArgs(spec: ArgSpec[], resolve: (node: number, output: number) => unknown): unknown[] {
  const dec = (s: ArgSpec): unknown => {
    if (s === null || typeof s !== 'object') return s;
    if (Array.isArray(s)) return s.map(dec);
    if ('$ref' in s && Array.isArray(s.$ref)) return resolve(s.$ref[0] as number, s.$ref[1] as number);
    if ('$num' in s) return { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }[s.$num as string];
    if ('$undefined' in s) return undefined;
    if ('$typed' in s) {
      const bytes = fromBase64((s as TypedSpec).base64);
      const ctor = TYPED[(s as TypedSpec).$typed];
      return new ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, dec(v as ArgSpec)]));
  };
  return spec.map(dec);
}

/** Every reference in an argument spec. */
export function refsOf(spec: ArgSpec[]): [number, number][] {
  const out: [number, number][] = [];
  const walk = (s: ArgSpec) => {
    if (s === null || typeof s !== 'object') return;
    if (Array.isArray(s)) s.forEach(walk);
    else if ('$ref' in s) out.push(s.$ref as [number, number]);
    else Object.values(s).forEach((v) => walk(v as ArgSpec));
  };
  spec.forEach(walk);
  return out;
}

/** Replaces tensors in an op's result by {$out: i} and lists their shapes/dtypes. */
export function describeResult(result: unknown): { outputs: NodeOutput[]; structure: ArgSpec; tensors: Tensor[] } {
  const outputs: NodeOutput[] = [];
  const tensors: Tensor[] = [];
  const walk = (v: unknown): ArgSpec => {
    if (v instanceof Tensor) {
      outputs.push({ shape: [...v.shape], dtype: v.dtype });
      tensors.push(v);
      return { $out: outputs.length - 1 };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return null; // numbers, promises (print) and nothing at all carry no outputs
  };
  return { outputs, structure: walk(result), tensors };
}

/** The real backend's limits for a device (the recorder enforces the same ones); throws if it is unavailable. */
function limitsOf(device: DeviceName, op: string) {
  const saved = runtime.recorder;
  runtime.recorder = undefined;
  try {
    return runtime.backend(device, op).limits;
  } finally {
    runtime.recorder = saved;
  }
}

/** Runs `fn` with ops recorded into `rec` instead of running (no tensors escape: all are disposed). */
export function withRecorder<T>(rec: RecordingBackend, fn: () => T): T {
  const saved = runtime.recorder;
  runtime.recorder = rec;
  try {
    return unrecorded(fn);
  } finally {
    runtime.recorder = saved;
  }
}

/** No limits: shape inference does not depend on devices (plans check limits and availability). */
const UNLIMITED = { maxStorageBytes: Infinity, maxStorageLimitName: 'none' };

/**
 * A recorder. For shape/dtype inference (`lenient`) devices impose nothing: a node over WebGPU's limits, or
 * on a device this runtime lacks, is fine to build; the plan decides (an error, or soft placement).
 */
export function newRecorder(lenient = false): RecordingBackend {
  return new RecordingBackend(lenient ? () => UNLIMITED : limitsOf);
}

/**
 * The key of a stateful random op (dropout, unseeded random tensors). Eagerly it is a number, drawn now, which the
 * kernel takes as a uniform param (no upload per call). While a graph is recorded or planned it is a uint32 scalar
 * on `deviceOf()` in a 'random' slot, which the executor writes before every run from the Session's state; it is never a
 * constant, so the op is never folded and every run draws new values.
 */
export function statefulKeyInput(op: string, seed: number | undefined, deviceOf: () => DeviceName): number | Tensor {
  if (!runtime.recorder) return statefulKey(seed);
  const device = deviceOf();
  const owner = runtime.backend(device, op);
  const slot = owner.alloc(4) as Slot;
  slot.kind = 'random';
  slot.seed = seed;
  return new Tensor([], 'uint32', { owner, handle: slot, bytes: 4, refs: 0 }, device);
}

/** A stand-in tensor of a given shape/dtype on a recorder (for inference and planning). */
export function virtualTensor(rec: RecordingBackend, shape: number[], dtype: DType, device: DeviceName): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const owner = rec.on(device, 'graph');
  const storage = n === 0 ? null : { owner, handle: owner.alloc(n * 4), bytes: n * 4, refs: 0 };
  return new Tensor(shape, dtype, storage, device);
}

/**
 * Shape/dtype inference for a node: runs the op on stand-ins of its inputs. Unknown dims (-1) are tried
 * with two probe sizes; a dim that differs between them is unknown in the output too. Errors are raised
 * when every probe fails (the shapes can never work), so the user sees them at the line that built the node.
 */
export function inferNode(
  entry: OpEntry,
  spec: ArgSpec[],
  inputOf: (node: number, output: number) => NodeOutput & { variable?: boolean; device: DeviceName },
): { outputs: NodeOutput[]; structure: ArgSpec; device?: DeviceName } {
  const refs = refsOf(spec);
  const unknown = refs.some(([n, o]) => inputOf(n, o).shape.some((d) => d < 0));
  const probes = unknown ? [2, 3] : [0];
  type Inferred = { outputs: NodeOutput[]; structure: ArgSpec; device?: DeviceName };
  const results: (Inferred | WgError)[] = probes.map((probe) => {
    try {
      const rec = newRecorder(true);
      return withRecorder(rec, () =>
        tidy(() => {
          const args = decodeArgs(spec, (n, o) => {
            const out = inputOf(n, o);
            const t = virtualTensor(rec, out.shape.map((d) => (d < 0 ? probe : d)), out.dtype, out.device);
            t.variable = Boolean(out.variable);
            return t;
          });
          const r = describeResult(entry.impl(...args));
          return { outputs: r.outputs, structure: r.structure, device: r.tensors[0]?.device };
        }),
      );
    } catch (e) {
      if (e instanceof WgError) return e;
      throw e;
    }
  });
  const ok = results.filter((r): r is Inferred => !(r instanceof WgError));
  if (ok.length === 0) throw results[0] as WgError;
  if (ok.length === 1 && probes.length === 1) return ok[0];
  // With unknown dims: keep what both probes agree on; a failed probe leaves every dim unknown.
  const [a, b] = ok;
  const outputs = a.outputs.map((o, i) => ({
    dtype: o.dtype,
    shape: o.shape.map((d, k) => (b && b.outputs[i]?.shape[k] === d ? d : -1)),
  }));
  return { outputs, structure: a.structure, device: a.device };
}

/** The user's source location of a node (a stack capture per node: cheap enough to keep on). */
export const nodeLocation = () => callerLocation();

export type { GraphNode };
