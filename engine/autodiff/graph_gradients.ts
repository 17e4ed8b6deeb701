// TensorFlow 1's tf.gradients: wg.gradients(ys, xs) inside g.build (or a wg.function's body) adds the
// backward pass to the graph being built, walking the graph's own nodes (no tape needed: every node records
// its op and arguments), so it also differentiates graphs loaded from JSON.
import { OPS } from '../api/registry';
import { Tensor } from '../core/tensor';
import { GraphBuilder, type Graph } from '../graph/graph';
import { activeBuilder, decodeArgs, refsOf } from '../graph/record';
import { GradientError } from './api';
import { gradRule } from './rules';
import { checkDy, reverse, type Entry } from './tape';

export interface GradientsOptions {
  /** What a source the targets do not depend on gets: null (default) or zeros, as TensorFlow's option. */
  unconnectedGradients?: 'none' | 'zero';
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * The gradients of the sum of `ys` (each weighted by its `gradYs`, ones by default) with respect to each of
 * `xs`, as graph tensors a Session can fetch: one per x, null (or zeros) where no path leads from it to ys.
 * xs may be graph tensors (placeholders, variables, any node) or eager tensors the graph captured.
 */
export function gradients(ys: Tensor | Tensor[], xs: Tensor | Tensor[], gradYs?: Tensor | (Tensor | null | undefined)[] | null, options: GradientsOptions = {}): (Tensor | null)[] {
  const b = activeBuilder();
  if (!(b instanceof GraphBuilder)) {
    throw new GradientError(
      'gradients: wg.gradients adds backward nodes to a TensorFlow 1 graph, so it must be called inside g.build(...) or a wg.function; ' +
        'in eager code and in withMode(\'graph\') use wg.GradientTape or wg.grad',
    );
  }
  const g = b.graph;
  const targets = list(ys).map((y, i) => {
    if (!(y instanceof Tensor)) throw new GradientError(`gradients: ys[${i}] must be a Tensor, got ${y === null ? 'null' : typeof y}`);
    if (y.graph?.graph !== g) throw new GradientError(`gradients: ys[${i}] is not a tensor of the graph being built`);
    return y;
  });
  const weights = gradYs === undefined || gradYs === null ? [] : list(gradYs);
  if (weights.length > targets.length) throw new GradientError(`gradients: ${weights.length} gradYs for ${targets.length} ys`);
  weights.forEach((w, i) => {
    if (w !== null && w !== undefined) {
      if (!(w instanceof Tensor)) throw new GradientError(`gradients: gradYs[${i}] must be a Tensor or null`);
      checkDy(targets[i], w, 'gradients');
    }
  });
  const sources = list(xs).map((x, i) => {
    if (!(x instanceof Tensor)) throw new GradientError(`gradients: xs[${i}] must be a Tensor or variable, got ${x === null ? 'null' : typeof x}`);
    if (x.dtype !== 'float32') throw new GradientError(`gradients: xs[${i}] is ${x.dtype}; gradients are taken with respect to float32 tensors`);
    if (x.graph) {
      if (x.graph.graph !== g) throw new GradientError(`gradients: xs[${i}] is a tensor of another graph`);
      return x;
    }
    // An eager tensor (a variable made outside build): its capture node stands for it, if the graph used it.
    const id = b.captureOf(x);
    return id === undefined ? undefined : g.tensorOf(id, 0);
  });
  const used = sources.filter((s): s is Tensor => s !== undefined);
  const { entries, reached } = downstream(g, new Set(used.map((s) => s.graph!.node)));
  const found = reverse(
    entries,
    (t) => t.dtype === 'float32' && t.graph?.graph === g && reached.has(t.graph.node),
    targets.map((y, i) => [y, weights[i] ?? undefined]),
    used,
  );
  return sources.map((s, i) => (s && found[used.indexOf(s)]) || (options.unconnectedGradients === 'zero' ? OPS.zerosLike(list(xs)[i]) : null));
}

/** The nodes whose values depend on `roots` through differentiable ops, as reverse-pass entries (in order). */
function downstream(g: Graph, roots: Set<number>): { entries: Entry[]; reached: Set<number> } {
  const reached = new Set(roots);
  const entries: Entry[] = [];
  const first = Math.min(...roots);
  for (let id = first; id < g.nodes.length; id++) {
    const n = g.nodes[id];
    if (reached.has(id) || g.isStructural(n) || n.op === 'print') continue;
    if (!refsOf(n.args).some(([m]) => reached.has(m))) continue;
    entries.push({ op: n.op, args: decodeArgs(n.args, (m, o) => g.tensorOf(m, o)), out: g.resultOf(n) });
    // A result of a non-differentiable op (a comparison, argMax) carries no gradient further.
    if (gradRule(n.op) !== 'none') reached.add(id);
  }
  return { entries, reached };
}
