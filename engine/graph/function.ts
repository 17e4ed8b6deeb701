// wg.function: TensorFlow 2's traced functions. The first call for an input signature (shapes, dtypes,
// non-tensor arguments) traces the body into a Graph; later calls run its compiled plan. A call returns
// eager tensors synchronously: the plan is encoded into the eager command stream and read back lazily.
import { GraphModeError } from '../core/errors';
import { RandomState, withRandomState } from '../core/random';
import { Tensor } from '../core/tensor';
import { runtime } from '../eager/runtime';
import { Graph, builderFor } from './graph';
import { config, currentLazy, currentMode, type GraphOptions } from './mode';
import { executeInto } from './executor';
import { currentDevice, withDevice } from '../eager/devices';
import { enqueuePrint, formatPlain, formatRead } from './print';
import { activeBuilder, encodeArgs, pushBuilder, popBuilder } from './record';
import { Session } from './session';
import type { PlanInfo } from './explain';

interface Trace {
  graph: Graph;
  session: Session;
  /** Paths of the tensor arguments, in placeholder order. */
  inputs: number[];
  outputs: [number, number][];
  structure: unknown;
}

export interface WgFunction<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** The graph traced for these arguments (traced now if needed). */
  getGraph(...args: Parameters<F>): Graph;
  /** How many times the body was traced. */
  readonly traceCount: number;
  /** Frees every traced plan's buffers. */
  dispose(): void;
  /** The kernels and pass reports of the plan these arguments run (after at least one call). */
  explain(...args: Parameters<F>): PlanInfo;
}

const RETRACE_WARNING = 3;

/** Traces outside the enclosing recording (a barrier, so the trace records into its own graph only). */
function unrecordedTrace<T>(fn: () => T): T {
  pushBuilder(null);
  try {
    return fn();
  } finally {
    popBuilder(null);
  }
}

/** Tensors in the arguments (depth-first), and a signature key of everything else. */
function signature(args: unknown[]): { key: string; tensors: Tensor[]; parts: string[] } {
  const tensors: Tensor[] = [];
  const spec = encodeArgs(
    args,
    (t) => {
      tensors.push(t);
      return `tensor:${t.dtype}[${t.shape.join(',')}]@${t.device}`;
    },
    'function',
  );
  const parts = spec.map((s) => JSON.stringify(s));
  return { key: parts.join('|'), tensors, parts };
}

export function tfFunction<F extends (...args: any[]) => any>(body: F, options: GraphOptions = {}): WgFunction<F> {
  if (typeof body !== 'function') throw new GraphModeError('function: expected a function to trace');
  const traces = new Map<string, Trace>();
  let traceCount = 0;
  // Stateful random ops (dropout) draw from the function's own state, whichever trace runs.
  const randomState = new RandomState();
  let lastParts: string[] | undefined;

  const trace = (args: unknown[], sig: ReturnType<typeof signature>): Trace => {
    const graph = new Graph();
    let k = 0;
    // Each argument's placeholder sits on the argument's device (the signature includes it), so the traced
    // graph places its ops as eager code would.
    const placeholders = sig.tensors.map((t, i) => withDevice(t.device, () => graph.placeholder(t.dtype, [...t.shape], `arg${i}`)));
    const mapArg = (v: unknown): unknown => {
      if (v instanceof Tensor) return placeholders[k++];
      if (Array.isArray(v)) return v.map(mapArg);
      if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, mapArg(x)]));
      }
      return v;
    };
    const mapped = args.map(mapArg);
    let result: unknown;
    try {
      result = graph.build(() => body(...mapped));
    } catch (e) {
      graph.dispose(); // a failed trace keeps nothing alive (the eager tensors it captured)
      throw e;
    }
    // Outputs: every tensor in the result (an eager tensor returned as-is is captured).
    const outputs: [number, number][] = [];
    const toStructure = (v: unknown): unknown => {
      if (v instanceof Tensor) {
        const t = v.graph?.graph === graph ? v : graph.tensorOf((builderFor(graph).refFor(v, 'function') as { $ref: [number, number] }).$ref[0], 0);
        outputs.push([t.graph!.node, t.graph!.output]);
        return { $out: outputs.length - 1 };
      }
      if (Array.isArray(v)) return v.map(toStructure);
      if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, toStructure(x)]));
      }
      return v;
    };
    const structure = toStructure(result);
    traceCount++;
    if (traceCount > RETRACE_WARNING && lastParts) {
      const changed = sig.parts.map((p, i) => (p !== lastParts![i] ? `argument ${i}: ${lastParts![i] ?? 'absent'} → ${p}` : '')).filter(Boolean);
      console.warn(
        `wg.function: traced ${traceCount} times; retracing is slow. This call changed ${changed.join('; ') || 'the number of arguments'}. ` +
          'Keep shapes, dtypes and non-tensor arguments stable, or pass changing numbers as tensors.',
      );
    }
    lastParts = sig.parts;
    const session = new Session(graph, options);
    session.entry = 'function';
    session.randomState = randomState;
    return { graph, session, inputs: placeholders.map((p) => p.graph!.node), outputs, structure };
  };

  const traceFor = (args: unknown[]) => {
    const sig = signature(args);
    let t = traces.get(sig.key);
    if (!t) traces.set(sig.key, (t = trace(args, sig)));
    return { t, sig };
  };

  const call = (...args: Parameters<F>): ReturnType<F> => {
    // Eager: withMode('eager') or runFunctionsEagerly: the body runs op by op.
    if (config.functionsRunEagerly() || currentMode()?.mode === 'eager') return withRandomState(randomState, () => body(...args));
    // Called in withMode('graph') code: the function is already a graph, so it runs as its own compiled plan
    // (a training step: one plan, updates in place) after everything pending is computed (its inputs, and
    // readers of variables it may assign, which must see the values from before the call).
    const lazy = currentLazy();
    if (lazy && activeBuilder() === lazy) {
      lazy.flushSync([]);
      return unrecordedTrace(() => {
        const { t, sig } = traceFor(args);
        return run(t, sig.tensors) as ReturnType<F>;
      });
    }
    // Called while another graph records (g.build, an outer trace, withMode('graph')): like TensorFlow, the
    // function is traced for this signature (once; traceCount and getGraph see it) and its body becomes part
    // of the enclosing graph, where the optimiser sees across the call.
    if (activeBuilder()) {
      if (!traces.has(signature(args).key)) {
        try {
          unrecordedTrace(() => traceFor(args));
        } catch {
          // The trace only counts signatures here; a body that cannot trace on its own (it closes over
          // tensors of the enclosing graph) is still inlined below, where its errors surface.
        }
      }
      return body(...args);
    }
    const { t, sig } = traceFor(args);
    return run(t, sig.tensors) as ReturnType<F>;
  };

  const f = call as WgFunction<F>;
  f.getGraph = (...args: Parameters<F>) => traceFor(args).t.graph;
  f.explain = (...args: Parameters<F>) => traceFor(args).t.session.explain();
  Object.defineProperty(f, 'traceCount', { get: () => traceCount });
  f.dispose = () => {
    for (const t of traces.values()) {
      t.session.close();
      t.graph.dispose();
    }
    traces.clear();
  };
  return f;
}

/** Runs a trace's plan on eager tensors: the results are new eager tensors. */
function run(t: Trace, inputs: Tensor[]): unknown {
  inputs.forEach((x) => x.assertUsable('function'));
  const shapes = new Map(t.inputs.map((node, i) => [node, [...inputs[i].shape]]));
  const c = t.session.compiledFor(t.outputs, shapes);
  // Each result lives on the device that computed it.
  const device = (r: (typeof c.plan.fetches)[number]) => r.slot?.device ?? currentDevice();
  // Results get their own storage, written by the run itself where possible (see executeInto).
  const run = executeInto(c, new Map(t.inputs.map((node, i) => [node, inputs[i]])));
  const outs = run.fetches.map((storage, i) => new Tensor(c.plan.fetches[i].shape, c.plan.fetches[i].dtype, storage, device(c.plan.fetches[i])));
  const copyOut = (r: (typeof c.plan.fetches)[number]): Tensor => new Tensor(r.shape, r.dtype, run.copyOut(r), device(r));
  // Prints: their values are copied now and printed, in order, when read back.
  for (const p of c.plan.prints) {
    const parts = p.items.map((item) => {
      if (typeof item !== 'object') return Promise.resolve(formatPlain(item));
      const tmp = copyOut(item);
      return tmp.data().then((d) => formatRead(d, item.shape, item.dtype)).finally(() => tmp.dispose());
    });
    void enqueuePrint(parts);
  }
  const build = (s: unknown): unknown => {
    if (s && typeof s === 'object') {
      if ('$out' in (s as object)) return outs[(s as { $out: number }).$out];
      if (Array.isArray(s)) return s.map(build);
      return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, build(v)]));
    }
    return s;
  };
  return build(t.structure);
}

void runtime;
