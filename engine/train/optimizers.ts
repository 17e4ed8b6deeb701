// Optimizers (wg.train.*), with TensorFlow.js's names, defaults and update rules. Every piece of state is a
// variable, so it saves and loads with the model: per-variable slots (momentum, moments, accumulators) are
// non-trainable variables named `<variable>/<slot>`, and the optimizer's own state (its step count, Adam's
// running powers of beta) is named `<Optimizer>/<name>`. Updates are in-place assigns of public ops, so one
// code path serves every mode:
// - eagerly, a step runs op by op;
// - in a wg.function trace over eager variables, the state is created eagerly on the first trace (outside the
//   graph) and the compiled plan updates every variable in place on each call (TensorFlow 2);
// - in a TensorFlow 1 graph, `minimize(loss)` inside g.build makes the state graph variables (they live in the
//   Session) and returns a train op that `sess.run(train, feeds)` executes.
// The learning rate may be a number or a schedule, a function of the step (0 on the first update).
import { OPS as o } from '../api/registry';
import { WgError } from '../core/errors';
import { Tensor } from '../core/tensor';
import { keep, tidy } from '../eager/scope';
import { variableGradients } from '../autodiff/api';
import { gradients } from '../autodiff/graph_gradients';
import { GraphBuilder, type Graph } from '../graph/graph';
import { nameScope } from '../graph/name_scope';
import { activeBuilder, refsOf, unrecorded } from '../graph/record';
import { onVariableLoad } from './variables';

export class OptimizerError extends WgError {}

/**
 * A learning rate: a number, or a schedule giving it for each step (0 on the first update). Eagerly a schedule
 * gets the step as a number; inside a compiled step (wg.function, a TensorFlow 1 graph) the step is only known
 * when the plan runs, so the schedule gets it as a scalar float32 tensor and must compute with wgflow ops.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a number eagerly, a scalar Tensor when compiled
export type LearningRate = number | ((step: any) => number | Tensor);
/** Gradients by variable name (what variableGrads returns), or TensorFlow.js's named list. */
export type NamedGradients = Record<string, Tensor> | { name: string; tensor: Tensor }[];

function positive(what: string, v: number, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new OptimizerError(`${what} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, got ${String(v)}`);
  }
  return v;
}

function fraction(what: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new OptimizerError(`${what} must be in [0, 1), got ${String(v)}`);
  return v;
}

/** float32's machine epsilon, TensorFlow.js's default epsilon for its optimizers. */
const EPSILON = 1e-7;

/** Optimizer-wide state variables (the step, running powers): eager ones, or one set per TensorFlow 1 graph. */
type Globals = Record<string, Tensor>;

/** What an update sees: the learning rate, the variable's slots and the optimizer-wide state. */
export interface UpdateContext {
  lr: number | Tensor;
  slot: (name: string, init?: number) => Tensor;
  global: (name: string) => Tensor;
}

export abstract class Optimizer {
  /** Updates applied so far (eager steps, runs of compiled steps, and loaded state all count). */
  private count = 0;
  /** The name scope of update ops and the prefix of the optimizer-wide variables: `Adam`, `SGD`… */
  readonly scopeName: string;
  /** Variables this optimizer has seen, by name (applyGradients finds them there). */
  private readonly byName = new Map<string, Tensor>();
  private readonly state = new Map<Tensor, Record<string, Tensor>>();
  private readonly globals = new Map<Graph | null, Globals>();

  constructor(
    private readonly name: string,
    private readonly learningRate: LearningRate,
    className: string,
  ) {
    if (typeof learningRate !== 'function') positive(`train.${name}: the learning rate`, learningRate);
    // Not made unique: a fresh optimizer (after a reload) must find its saved state under the same names.
    this.scopeName = className;
  }

  get iterations(): number {
    return this.count;
  }

  /** Sets the step count (its variable too, where it exists eagerly). */
  set iterations(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new OptimizerError(`train.${this.name}: iterations must be a non-negative integer, got ${String(n)}`);
    this.count = n;
    this.globals.get(null)?.iterations.assign(n);
  }

  /** The learning rate of the coming update (see LearningRate for schedules in compiled steps). */
  private rate(step: Tensor, compiled: boolean): number | Tensor {
    const lr = this.learningRate;
    if (typeof lr !== 'function') return lr;
    const what = `train.${this.name}: the learning rate schedule`;
    const v = lr(compiled ? step : this.count);
    if (v instanceof Tensor) {
      if (v.rank !== 0 || v.dtype !== 'float32') throw new OptimizerError(`${what} must return a number or a float32 scalar, got ${v.dtype} [${v.shape}]`);
      return v;
    }
    if (compiled) {
      throw new OptimizerError(
        `${what} returned ${String(v)} inside a compiled step, where the step is a scalar tensor known only when the plan runs: ` +
          'compute the rate from it with wgflow ops, e.g. (step) => wg.mul(0.1, wg.pow(0.96, step))',
      );
    }
    return positive(`${what}'s value at step ${this.count}`, v, true);
  }

  /**
   * Takes f's gradients with respect to `varList` (default: the trainable variables it reads) and applies
   * them; returns f's value when `returnCost`, else null (TensorFlow.js's minimize). In a TensorFlow 1 graph
   * (inside g.build) pass the loss tensor itself: the result is the train op to give sess.run.
   */
  minimize(loss: Tensor, returnCost?: boolean, varList?: Tensor[]): Tensor;
  minimize(f: () => Tensor, returnCost: true, varList?: Tensor[]): Tensor;
  minimize(f: () => Tensor, returnCost?: boolean, varList?: Tensor[]): Tensor | null;
  minimize(f: (() => Tensor) | Tensor, returnCost = false, varList?: Tensor[]): Tensor | null {
    if (f instanceof Tensor) return this.minimizeGraph(f, varList);
    const { value, grads } = this.computeGradients(f, varList);
    try {
      this.applyGradients(grads);
    } finally {
      for (const g of Object.values(grads)) g.dispose();
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** TensorFlow 1: the loss is a node of the graph being built; its gradients and updates become nodes too. */
  private minimizeGraph(loss: Tensor, varList?: Tensor[]): Tensor {
    const what = `train.${this.name}.minimize`;
    const b = activeBuilder();
    if (!(b instanceof GraphBuilder) || !b.owns(loss)) {
      throw new OptimizerError(`${what}: a loss tensor is TensorFlow 1 style and must be a node of the graph being built (inside g.build); eagerly or in a wg.function pass a function: minimize(() => loss)`);
    }
    if (loss.rank !== 0) throw new OptimizerError(`${what}: the loss must be a scalar, got shape [${loss.shape}]`);
    const vars = varList ?? trainableVariables(b, loss);
    if (vars.length === 0) throw new OptimizerError(`${what}: the loss depends on no trainable variable`);
    const grads = gradients(loss, vars);
    const named: [string, Tensor][] = [];
    vars.forEach((v, i) => {
      const name = variableName(v);
      this.byName.set(name, v);
      if (grads[i]) named.push([name, grads[i]!]);
    });
    return this.applyGradients(Object.fromEntries(named))!;
  }

  /** f's value and its gradients by variable name (unconnected variables are left out), as variableGrads. */
  computeGradients(f: () => Tensor, varList?: Tensor[]): { value: Tensor; grads: Record<string, Tensor> } {
    const { value, vars, grads: g } = variableGradients(f, varList, `train.${this.name}.computeGradients`);
    const grads: Record<string, Tensor> = {};
    vars.forEach((v, i) => {
      const name = variableName(v);
      this.byName.set(name, v);
      if (g[i]) grads[name] = g[i]!;
    });
    return { value, grads };
  }

  /**
   * Applies gradients by variable name: variables seen by computeGradients/minimize, or given with `variables`.
   * Returns null, except in a TensorFlow 1 graph, where it returns the train op (the new step count; running
   * it runs every update).
   */
  applyGradients(grads: NamedGradients, variables: Tensor[] = []): Tensor | null {
    for (const v of variables) this.byName.set(variableName(v), v);
    const list = Array.isArray(grads) ? grads.map((g) => [g?.name, g?.tensor] as const) : Object.entries(grads ?? {});
    // Every pair is checked before any variable changes: a bad one leaves them all as they were.
    const what = `train.${this.name}.applyGradients`;
    const pairs = list.map(([name, g]) => {
      const v = typeof name === 'string' ? this.byName.get(name) : undefined;
      if (!v) throw new OptimizerError(`${what}: no variable named ${JSON.stringify(name)} is known to this optimizer (pass it through minimize/computeGradients first, or in \`variables\`)`);
      if (!(g instanceof Tensor)) throw new OptimizerError(`${what}: the gradient of ${name} must be a Tensor`);
      if (g.shape.length !== v.shape.length || g.shape.some((d, i) => d !== v.shape[i])) {
        throw new OptimizerError(`${what}: the gradient of ${name} has shape [${g.shape}], the variable [${v.shape}]`);
      }
      return [v, g] as const;
    });
    const b = activeBuilder();
    // A graph being built (a wg.function trace or a TensorFlow 1 graph) runs these updates later, as often as
    // its plan runs; withMode('graph') and eager code run them now.
    const graph = b instanceof GraphBuilder ? b.graph : undefined;
    // TensorFlow 1: the variables are graph variables, so the optimizer's state must be too.
    const inGraph = graph && pairs.some(([v]) => b!.owns(v)) ? graph : null;
    if (inGraph && pairs.some(([v]) => !b!.owns(v))) throw new OptimizerError(`${what}: cannot update graph variables and eager variables in one step`);
    const globals = this.globalsFor(inGraph);
    const first = graph?.nodes.length ?? 0;
    let step: Tensor | null = null;
    nameScope(this.scopeName, () =>
      tidy(() => {
        const lr = this.rate(globals.iterations, Boolean(graph));
        const global = (n: string) => globals[n];
        for (const [v, g] of pairs) this.update(v, g, { lr, slot: (slot, init = 0) => this.slot(v, slot, init), global });
        this.finish(global);
        step = globals.iterations.assignAdd(1);
        if (inGraph) keep(step);
      }),
    );
    // In a graph, the count follows the runs of the plan that include its step node, not this one trace.
    const node = (step as Tensor | null)?.graph?.node;
    if (inGraph && node !== undefined) {
      // TensorFlow 1: the step node is the train op. It depends on every update, and they run only when it is
      // fetched (so evaluating the loss does not train).
      const updates = inGraph.nodes.slice(first, node).filter((n) => n.sideEffect);
      for (const n of updates) n.deferred = true;
      Object.assign(inGraph.nodes[node], { control: updates.map((n) => n.id), deferred: true });
    }
    if (graph && node !== undefined) graph.runHooks.set(node, () => this.count++);
    else this.count++;
    return inGraph ? step : null;
  }

  /**
   * Makes the slots of `varList` now (zeros, or their start value), as the first update would: a fresh optimizer
   * built this way can load saved slots (wg.loadVariables with getWeights()) and resume training exactly.
   */
  build(varList: Tensor[]): void {
    if (!Array.isArray(varList)) throw new OptimizerError(`train.${this.name}.build: varList must be a list of variables`);
    tidy(() => {
      this.globalsFor(null);
      for (const v of varList) {
        if (!(v instanceof Tensor) || !v.variable) throw new OptimizerError(`train.${this.name}.build: every entry must be a variable`);
        this.byName.set(variableName(v), v);
        for (const [slot, init] of this.slotSpec()) this.slot(v, slot, init);
      }
    });
  }

  /** The optimizer's eager variables (its step count and state, then the slots), by name: saved and restored with the model's. */
  getWeights(): { name: string; tensor: Tensor }[] {
    const own = Object.values(this.globals.get(null) ?? {});
    const slots = [...this.state.entries()].filter(([v]) => !v.graph).flatMap(([, s]) => Object.values(s));
    return [...own, ...slots].map((t) => ({ name: t.variableName!, tensor: t }));
  }

  /** Frees the eager state (a TensorFlow 1 graph's state lives in its Session). */
  dispose(): void {
    for (const t of Object.values(this.globals.get(null) ?? {})) t.dispose();
    for (const [v, slots] of this.state) if (!v.graph) for (const t of Object.values(slots)) t.dispose();
    this.globals.clear();
    this.state.clear();
    this.byName.clear();
  }

  /** The slots each variable gets: name and start value. */
  protected abstract slotSpec(): [string, number][];

  /** Optimizer-wide state besides the step count: name and start value (Adam's running powers of beta). */
  protected globalSpec(): [string, number][] {
    return [];
  }

  /** One variable's update with gradient g. */
  protected abstract update(v: Tensor, g: Tensor, c: UpdateContext): void;

  /** After every variable's update: advances the optimizer-wide state (the step is counted by the caller). */
  protected finish(_global: (name: string) => Tensor): void {}

  /** A state variable: recorded into a TensorFlow 1 graph, else an eager variable made outside any trace. */
  private stateVariable(inGraph: boolean, shape: readonly number[], init: number, name: string): Tensor {
    const make = () => keep(tidy(() => o.variable(o.fill([...shape], init), { name, trainable: false })));
    return inGraph ? make() : unrecorded(make);
  }

  private globalsFor(graph: Graph | null): Globals {
    let g = this.globals.get(graph);
    if (!g) {
      g = {};
      for (const [name, init] of [['iterations', graph ? 0 : this.count] as [string, number], ...this.globalSpec()]) {
        g[name] = this.stateVariable(Boolean(graph), [], init, `${this.scopeName}/${name}`);
      }
      if (!graph) onVariableLoad(g.iterations, (values) => (this.count = Number(values[0])));
      this.globals.set(graph, g);
    }
    return g;
  }

  private slot(v: Tensor, name: string, init: number): Tensor {
    let slots = this.state.get(v);
    if (!slots) this.state.set(v, (slots = {}));
    if (!slots[name]) slots[name] = this.stateVariable(Boolean(v.graph), v.shape, init, `${variableName(v)}/${name}`);
    return slots[name];
  }
}

function variableName(v: Tensor): string {
  return v.variableName ?? `Variable_${v.id}`;
}

/** TensorFlow 1's default var_list: the trainable variables (graph ones, and captured eager ones) the loss reads. */
function trainableVariables(b: GraphBuilder, loss: Tensor): Tensor[] {
  const g = b.graph;
  const seen = new Set<number>();
  const found: Tensor[] = [];
  const visit = (n: number) => {
    if (seen.has(n)) return;
    seen.add(n);
    const node = g.nodes[n];
    if (node.op === 'variable' && (node.args[1] as { trainable?: unknown } | undefined)?.trainable !== false) found.push(g.tensorOf(n, 0));
    const source = (node as { source?: Tensor }).source;
    if (node.op === 'capture' && node.capture?.variable && source?.trainable !== false && source) found.push(source);
    for (const [m] of refsOf(node.args)) visit(m);
  };
  visit(loss.graph!.node);
  return found.sort((x, y) => (x.graph?.node ?? b.captureOf(x) ?? 0) - (y.graph?.node ?? b.captureOf(y) ?? 0));
}

class SGD extends Optimizer {
  constructor(lr: LearningRate) {
    super('sgd', lr, 'SGD');
  }
  protected slotSpec(): [string, number][] {
    return [];
  }
  protected update(v: Tensor, g: Tensor, { lr }: UpdateContext): void {
    v.assign(o.sub(v, o.mul(g, lr)));
  }
}

class Momentum extends Optimizer {
  constructor(lr: LearningRate, private readonly momentum: number, private readonly nesterov = false) {
    super('momentum', lr, 'Momentum');
    positive('train.momentum: momentum', momentum, true);
  }
  protected slotSpec(): [string, number][] {
    return [['momentum', 0]];
  }
  protected update(v: Tensor, g: Tensor, { lr, slot }: UpdateContext): void {
    const a = slot('momentum');
    a.assign(o.add(o.mul(a, this.momentum), g));
    const step = this.nesterov ? o.add(o.mul(a, this.momentum), g) : a;
    v.assign(o.sub(v, o.mul(step, lr)));
  }
}

class Adam extends Optimizer {
  constructor(lr: LearningRate, private readonly beta1: number, private readonly beta2: number, private readonly epsilon: number) {
    super('adam', lr, 'Adam');
    fraction('train.adam: beta1', beta1);
    fraction('train.adam: beta2', beta2);
    positive('train.adam: epsilon', epsilon, true);
  }
  protected slotSpec(): [string, number][] {
    return [['m', 0], ['v', 0]];
  }
  protected override globalSpec(): [string, number][] {
    // β₁ᵗ and β₂ᵗ of the coming step, kept as running float32 products (as TensorFlow.js does).
    return [['accBeta1', this.beta1], ['accBeta2', this.beta2]];
  }
  protected update(v: Tensor, g: Tensor, { lr, slot, global }: UpdateContext): void {
    const m = slot('m');
    const s = slot('v');
    m.assign(o.add(o.mul(m, this.beta1), o.mul(g, 1 - this.beta1)));
    s.assign(o.add(o.mul(s, this.beta2), o.mul(o.square(g), 1 - this.beta2)));
    const mHat = o.div(m, o.sub(1, global('accBeta1')));
    const sHat = o.div(s, o.sub(1, global('accBeta2')));
    v.assign(o.sub(v, o.mul(o.div(mHat, o.add(o.sqrt(sHat), this.epsilon)), lr)));
  }
  protected override finish(global: (name: string) => Tensor): void {
    global('accBeta1').assign(o.mul(global('accBeta1'), this.beta1));
    global('accBeta2').assign(o.mul(global('accBeta2'), this.beta2));
  }
}

class Adamax extends Optimizer {
  constructor(lr: LearningRate, private readonly beta1: number, private readonly beta2: number, private readonly epsilon: number, private readonly decay: number) {
    super('adamax', lr, 'Adamax');
    fraction('train.adamax: beta1', beta1);
    fraction('train.adamax: beta2', beta2);
    positive('train.adamax: epsilon', epsilon, true);
    positive('train.adamax: decay', decay, true);
  }
  protected slotSpec(): [string, number][] {
    return [['m', 0], ['u', 0]];
  }
  protected override globalSpec(): [string, number][] {
    return [['accBeta1', this.beta1]];
  }
  protected update(v: Tensor, g: Tensor, { lr, slot, global }: UpdateContext): void {
    const m = slot('m');
    const u = slot('u');
    const decayed = this.decay === 0 ? lr : o.div(lr, o.add(o.mul(global('iterations'), this.decay), 1));
    const rate = o.div(decayed, o.sub(1, global('accBeta1')));
    m.assign(o.add(o.mul(m, this.beta1), o.mul(g, 1 - this.beta1)));
    u.assign(o.maximum(o.mul(u, this.beta2), o.abs(g)));
    v.assign(o.sub(v, o.mul(o.div(m, o.add(u, this.epsilon)), rate)));
  }
  protected override finish(global: (name: string) => Tensor): void {
    global('accBeta1').assign(o.mul(global('accBeta1'), this.beta1));
  }
}

class RMSProp extends Optimizer {
  constructor(lr: LearningRate, private readonly decay: number, private readonly momentum: number, private readonly epsilon: number, private readonly centered: boolean) {
    super('rmsprop', lr, 'RMSProp');
    fraction('train.rmsprop: decay', decay);
    positive('train.rmsprop: momentum', momentum, true);
    positive('train.rmsprop: epsilon', epsilon, true);
  }
  protected slotSpec(): [string, number][] {
    return this.centered ? [['rms', 0], ['momentum', 0], ['mg', 0]] : [['rms', 0], ['momentum', 0]];
  }
  protected update(v: Tensor, g: Tensor, { lr, slot }: UpdateContext): void {
    const ms = slot('rms');
    const mom = slot('momentum');
    ms.assign(o.add(o.mul(ms, this.decay), o.mul(o.square(g), 1 - this.decay)));
    let denom = ms as Tensor;
    if (this.centered) {
      const mg = slot('mg');
      mg.assign(o.add(o.mul(mg, this.decay), o.mul(g, 1 - this.decay)));
      // TensorFlow.js's form: √(ms − (mg² + ε)); TensorFlow adds ε instead (they differ by 2ε under the root).
      denom = o.sub(ms, o.add(o.square(mg), this.epsilon));
    }
    mom.assign(o.add(o.mul(mom, this.momentum), o.div(o.mul(g, lr), o.sqrt(this.centered ? denom : o.add(denom, this.epsilon)))));
    v.assign(o.sub(v, mom));
  }
}

class Adagrad extends Optimizer {
  constructor(lr: LearningRate, private readonly initial: number) {
    super('adagrad', lr, 'Adagrad');
    positive('train.adagrad: initialAccumulatorValue', initial, true);
  }
  protected slotSpec(): [string, number][] {
    return [['accumulator', this.initial]];
  }
  protected update(v: Tensor, g: Tensor, { lr, slot }: UpdateContext): void {
    const acc = slot('accumulator', this.initial);
    acc.assign(o.add(acc, o.square(g)));
    v.assign(o.sub(v, o.mul(o.div(g, o.sqrt(o.add(acc, EPSILON))), lr)));
  }
}

class Adadelta extends Optimizer {
  constructor(lr: LearningRate, private readonly rho: number, private readonly epsilon: number) {
    super('adadelta', lr, 'Adadelta');
    fraction('train.adadelta: rho', rho);
    positive('train.adadelta: epsilon', epsilon, true);
  }
  protected slotSpec(): [string, number][] {
    return [['accum_grad', 0], ['accum_var', 0]];
  }
  protected update(v: Tensor, g: Tensor, { lr, slot }: UpdateContext): void {
    const ag = slot('accum_grad');
    const au = slot('accum_var');
    // TensorFlow.js's form: the step divides by the accumulated squared gradient BEFORE this step's update
    // (TensorFlow's ApplyAdadelta uses the updated one).
    const step = o.mul(o.div(o.sqrt(o.add(au, this.epsilon)), o.sqrt(o.add(ag, this.epsilon))), g);
    ag.assign(o.add(o.mul(ag, this.rho), o.mul(o.square(g), 1 - this.rho)));
    au.assign(o.add(o.mul(au, this.rho), o.mul(o.square(step), 1 - this.rho)));
    v.assign(o.sub(v, o.mul(step, lr)));
  }
}

/** Plain gradient descent: v ← v − lr·g. */
export const sgd = (learningRate: LearningRate): Optimizer => new SGD(learningRate);
/** Momentum (Nesterov's with useNesterov): a ← m·a + g; v ← v − lr·a (or lr·(m·a + g)). */
export const momentum = (learningRate: LearningRate, momentum: number, useNesterov = false): Optimizer => new Momentum(learningRate, momentum, useNesterov);
/** Adam (bias-corrected first and second moments). */
export const adam = (learningRate: LearningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = EPSILON): Optimizer => new Adam(learningRate, beta1, beta2, epsilon);
/** Adamax (Adam with the infinity norm), with TensorFlow.js's learning-rate decay. */
export const adamax = (learningRate: LearningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon = EPSILON, decay = 0): Optimizer =>
  new Adamax(learningRate, beta1, beta2, epsilon, decay);
/** RMSProp (centered: divided by the variance's estimate instead of the second moment). */
export const rmsprop = (learningRate: LearningRate, decay = 0.9, momentum = 0, epsilon = EPSILON, centered = false): Optimizer =>
  new RMSProp(learningRate, decay, momentum, epsilon, centered);
/** Adagrad: each coordinate's step divided by the root of its summed squared gradients. */
export const adagrad = (learningRate: LearningRate, initialAccumulatorValue = 0.1): Optimizer => new Adagrad(learningRate, initialAccumulatorValue);
/** Adadelta. */
export const adadelta = (learningRate: LearningRate = 0.001, rho = 0.95, epsilon = EPSILON): Optimizer => new Adadelta(learningRate, rho, epsilon);
