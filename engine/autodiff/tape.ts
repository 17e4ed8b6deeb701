// Reverse-mode differentiation: tapes record the public ops called while they are active (the recordable
// wrapper of engine/graph/record.ts calls `opCalled`), and `backward` walks a tape's entries in reverse,
// applying each op's gradient rule (autodiff/rules.ts). Rules are written with the public ops, so the same
// code differentiates eager tensors (each backward op runs at once) and graph tensors (the backward ops become
// nodes of the graph being built: wg.gradients, a wg.function's trace, withMode('graph')).
import { DisposedError, GraphModeError, ShapeError, callerLocation } from '../core/errors';
import { backwardOf, profiling, type GradOf } from '../core/profile';
import { OPS } from '../api/registry';
import { fmtShape } from '../core/shape';
import { type DeviceName, Tensor, tapedDispose } from '../core/tensor';
import { keep, tidy } from '../eager/scope';
import { currentDevice, scopedDevice, withDevice } from '../eager/devices';
import type { Graph } from '../graph/graph';
import { gradientHook, tensorsIn } from '../graph/record';
import { needed } from './grad_util';
import { gradRule, type GradResult, type GradRule } from './rules';

/** One recorded op call: its registry name, its arguments as given, and what it returned. */
export interface Entry {
  op: string;
  args: unknown[];
  out: unknown;
  /** A customGrad's own rule (instead of the op's). */
  rule?: GradRule;
  /** The user's line that called the op (eager, while profiling: the backward kernels name it). */
  at?: GradOf;
}

const isFloat = (t: Tensor) => t.dtype === 'float32';

/** The tapes recording now, innermost last. */
const recording: Tape[] = [];
/** Depth of public op calls in progress: only the outermost call of a composite op is recorded. */
let depth = 0;
/** Tapes holding entries (until disposed): a taped tensor disposed meanwhile is saved for them. */
const live = new Set<Tape>();

// A tensor a tape recorded, disposed before the tape is done (a wg.tidy inside the taped code): each tape that
// holds it keeps its storage in a tensor of its own, which the backward pass uses instead.
tapedDispose.hook = (t) => {
  for (const tape of live) {
    if (tape.holds.has(t) && !tape.saved.has(t)) tape.saved.set(t, keep(new Tensor(t.shape, t.dtype, t.storage, t.device, t.strides, t.offset)));
  }
};

export class Tape {
  readonly entries: Entry[] = [];
  /** Tensors whose values depend on a watched tensor: an op with one of these among its inputs is recorded. */
  readonly tracked = new Set<Tensor>();
  /** Trainable variables the recorded ops read (variableGrads differentiates them), in order. */
  readonly accessed = new Set<Tensor>();
  private active = true;
  disposed = false;
  /** Made by wg.gradientTape's callback form (its interleaving is checked). */
  scoped = false;
  /** The eager tensors the entries refer to, and those of them disposed since, saved (see `live`). */
  readonly holds = new Set<Tensor>();
  readonly saved = new Map<Tensor, Tensor>();

  /** `watchAccessedVariables`: trainable variables an op reads are watched (TensorFlow's default). */
  constructor(private readonly watchVariables = true) {
    recording.push(this);
    live.add(this);
    syncHook();
  }

  watch(t: Tensor): void {
    if (isFloat(t)) this.tracked.add(t);
  }

  get isRecording(): boolean {
    return this.active;
  }

  /** Stops recording (the entries are kept for gradient()). */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    const i = recording.lastIndexOf(this);
    if (i >= 0) recording.splice(i, 1);
    syncHook();
  }

  /** Called for every outermost public op call while this tape records. */
  note(op: string, args: unknown[], out: unknown, rule?: GradRule): void {
    const inputs = tensorsIn(args);
    if (this.watchVariables) {
      for (const t of inputs) {
        if (t.trainable && !this.tracked.has(t)) {
          this.accessed.add(t);
          this.watch(t);
        }
      }
    }
    if (!inputs.some((t) => this.tracked.has(t))) return;
    // An op that returned its input itself (`to` the device it is on) adds no edge: its gradient is that input's.
    const outs = tensorsIn(out);
    if (outs.length > 0 && outs.every((t) => inputs.includes(t))) return;
    // Graph tensors know their node and line; eagerly the line is only looked up while profiling.
    const at = profiling.current && !outs.some((t) => t.graph) ? { op, ...(callerLocation() ?? {}) } : undefined;
    this.entries.push({ op, args, out, rule, ...(at ? { at } : {}) });
    for (const t of inputs) this.hold(t);
    for (const t of outs) this.hold(t);
    if (rule) {
      for (const t of tensorsIn(out)) if (isFloat(t)) this.tracked.add(t);
      return;
    }
    // Outputs of an op without a gradient (comparisons, argMax, integer results) carry none.
    if (gradRule(op) === 'none') return;
    for (const t of tensorsIn(out)) if (isFloat(t)) this.tracked.add(t);
  }

  private hold(t: Tensor): void {
    if (t.graph) return;
    t.taped = true;
    this.holds.add(t);
  }

  dispose(): void {
    this.stop();
    this.entries.length = 0;
    this.tracked.clear();
    this.holds.clear();
    for (const t of this.saved.values()) t.dispose();
    this.saved.clear();
    live.delete(this);
    this.disposed = true;
  }
}

/**
 * Callback tapes (wg.gradientTape) opened after `tape` that still record: a callback tape nested in another
 * ends first, so one still open when `tape`'s callback ends belongs to another async flow (interleaving).
 */
export function openedAfter(tape: Tape): number {
  const i = recording.indexOf(tape);
  return i < 0 ? 0 : recording.slice(i + 1).filter((t) => t.scoped).length;
}

/** Is a tape recording now? (Then intermediates must outlive a nested grad: the outer tape needs them.) */
export function taping(): boolean {
  return recording.length > 0;
}

function syncHook(): void {
  gradientHook.around = recording.length > 0 ? around : undefined;
}

/** The recordable wrapper's hook while a tape records: note the outermost op call on every recording tape. */
function around(op: string, args: unknown[], run: () => unknown): unknown {
  if (depth > 0) return run();
  depth++;
  let out: unknown;
  try {
    out = run();
  } finally {
    depth--;
  }
  for (const tape of [...recording]) tape.note(op, args, out);
  return out;
}

/** Runs `fn` with no tape recording the ops it calls (a customGrad's forward: its own rule stands for them). */
export function unrecorded<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/** Notes a customGrad call on the recording tapes: its inputs, its value and its own rule. */
export function noteCustom(args: Tensor[], out: Tensor, rule: GradRule): void {
  if (depth > 0) return;
  for (const tape of [...recording]) tape.note('customGrad', args, out, rule);
}

/**
 * The gradients of `target` with respect to `sources`, from what `tape` recorded: one per source, null where
 * the target does not depend on it. `dy` weighs the target (ones when absent). The tape stops recording its
 * own backward ops; tapes around it record them (higher-order gradients).
 */
export function backward(tape: Tape, target: Tensor, sources: Tensor[], dy?: Tensor): (Tensor | null)[] {
  checkDy(target, dy, 'gradient');
  tape.stop();
  const eager = target.graph === undefined;
  const compute = () => reverse(tape.entries, (t) => tape.tracked.has(t), [[target, dy]], sources, tape.saved);
  // Graph tensors are never freed here; and while another tape records, the backward ops are its entries.
  if (!eager || taping()) return compute();
  // Eagerly, the backward pass's intermediates are freed; the gradients are kept.
  let out: (Tensor | null)[] = [];
  tidy(() => {
    out = compute();
    return out.filter((t): t is Tensor => t !== null);
  });
  return out;
}

export function checkDy(target: Tensor, dy: Tensor | undefined, what: string): void {
  if (dy !== undefined && (dy.rank !== target.rank || dy.shape.some((d, i) => d !== target.shape[i]))) {
    throw new ShapeError(`${what}: dy of shape ${fmtShape(dy.shape)} does not match the target's shape ${fmtShape(target.shape)}`);
  }
}

/** The forward op an entry's gradient differentiates: its graph node and line, or the eager line noted. */
function gradOf(e: Pick<Entry, 'op' | 'at'>, outs: Tensor[]): GradOf {
  const g = outs.find((t) => t.graph)?.graph;
  if (!g) return e.at ?? { op: e.op };
  const node = (g.graph as Graph).nodes[g.node];
  return { op: node.op, node: node.name, ...(node.location ?? {}) };
}

/**
 * Where an op's gradient runs: its forward op's device — a graph node's wg.device request (else placement
 * decides, as for the forward node), an eager result's device.
 */
function deviceOf(outs: Tensor[]): DeviceName | undefined {
  const t = outs[0];
  if (!t) return undefined;
  // (Returned only where it differs from where the backward ops would go anyway.)
  if (t.graph) {
    const requested = (t.graph.graph as Graph).nodes[t.graph.node].requested;
    return requested !== scopedDevice() ? requested : undefined;
  }
  return t.device !== currentDevice() ? t.device : undefined;
}

/**
 * The reverse pass over recorded op calls (a tape's entries, or a graph's nodes for wg.gradients): starting
 * from `seeds` (each target with its weight: ones when undefined), applies each entry's rule in reverse order
 * and sums what reaches each tracked tensor. Returns one gradient per source, null where none reached it.
 */
export function reverse(
  entries: Entry[],
  tracked: (t: Tensor) => boolean,
  seeds: [Tensor, Tensor | undefined][],
  sources: Tensor[],
  saved?: Map<Tensor, Tensor>,
): (Tensor | null)[] {
  // Rules see a disposed tensor's saved stand-in (same storage); gradients still go to the tensor itself.
  const kept = (v: unknown): unknown =>
    v instanceof Tensor
      ? (saved!.get(v) ?? v)
      : Array.isArray(v)
        ? v.map(kept)
        : v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, kept(x)]))
          : v;
  const grads = new Map<Tensor, Tensor>();
  // A saved stand-in answers for its tensor when a rule asks whether a gradient is needed.
  const standsFor = new Map<Tensor, Tensor>([...(saved ?? [])].map(([t, kept]) => [kept, t]));
  const outer = backwardOf.current;
  const outerNeeded = needed.is;
  try {
    for (const [t, w] of seeds) {
      backwardOf.current = gradOf({ op: 'gradient' }, [t]);
      const device = w ? undefined : deviceOf([t]);
      const weight = w ?? (device ? withDevice(device, () => OPS.onesLike(t)) : OPS.onesLike(t));
      const prev = grads.get(t);
      grads.set(t, prev ? OPS.add(prev, weight) : weight);
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      const outs = tensorsIn(e.out);
      const gys = outs.map((o) => grads.get(o));
      if (gys.every((g) => g === undefined)) continue;
      const rule = e.rule ?? gradRule(e.op);
      if (rule === 'none') continue;
      if (rule === undefined) throw new GraphModeError(`gradient: ${e.op} has no gradient rule yet; the target depends on its result`, { op: e.op });
      // Nodes recorded and kernels profiled from here on are this op's gradient.
      backwardOf.current = gradOf(e, outs);
      // Ops with several results (a list, or an object such as moments' { mean, variance }) get one dy per
      // result, in tensorsIn's order: zeros for those no gradient reached.
      const dys = outs.length > 1 || Array.isArray(e.out) ? outs.map((o, k) => gys[k] ?? OPS.zerosLike(o)) : gys[0]!;
      const swap = saved !== undefined && saved.size > 0;
      const step = () => {
        let result: GradResult;
        needed.is = swap ? (t) => tracked(standsFor.get(t) ?? t) : tracked;
        try {
          result = rule(dys as Tensor & Tensor[], swap ? (kept(e.args) as unknown[]) : e.args, (swap ? kept(e.out) : e.out) as Tensor & Tensor[]);
        } catch (err) {
          if (err instanceof DisposedError) {
            throw new DisposedError(
              `gradient: the backward pass of ${e.op} needs a tensor that was disposed after the op ran (${err.message}). Keep the taped computation's tensors alive until gradient() (no wg.tidy or dispose() inside it)`,
              { op: e.op },
            );
          }
          throw err;
        }
        accumulate(grads, tracked, e.args, result);
      };
      const device = deviceOf(outs);
      if (device) withDevice(device, step);
      else step();
    }
  } finally {
    backwardOf.current = outer;
    needed.is = outerNeeded;
  }
  // Each gradient is a tensor of its own: not the caller's dy, a source, or another source's gradient
  // (add's rule passes dy through), so disposing one never disposes another.
  const taken = new Set<Tensor>([...seeds.flatMap(([, w]) => (w ? [w] : [])), ...sources]);
  return sources.map((s) => {
    const g = grads.get(s);
    if (g === undefined) return null;
    if (!taken.has(g)) {
      taken.add(g);
      return g;
    }
    return OPS.clone(g);
  });
}

/** Adds a rule's gradients to each tracked input's total (positional, nested like the arguments). */
function accumulate(grads: Map<Tensor, Tensor>, tracked: (t: Tensor) => boolean, args: unknown[], result: GradResult): void {
  const visit = (arg: unknown, g: unknown) => {
    if (g === null || g === undefined) return;
    if (arg instanceof Tensor) {
      if (!tracked(arg) || !(g instanceof Tensor)) return;
      const prev = grads.get(arg);
      grads.set(arg, prev ? OPS.add(prev, g) : g);
    } else if (Array.isArray(arg) && Array.isArray(g)) arg.forEach((a, k) => visit(a, g[k]));
    else if (arg && typeof arg === 'object' && g && typeof g === 'object') for (const [k, a] of Object.entries(arg)) visit(a, (g as Record<string, unknown>)[k]);
  };
  args.forEach((a, k) => visit(a, result[k]));
}
