// Optimizers (wg.train.*), with TensorFlow.js's names, defaults and update rules: each keeps its per-variable
// state ("slots": momentum, first and second moments, accumulators) in non-trainable variables named
// `<variable>/<slot>`, and updates the variables in place with assign. The learning rate may be a number or a
// schedule, a function of the step (0 on the first update). The update ops are public ops, so a step runs
// eagerly as it is written.
import { OPS as o } from '../api/registry';
import { WgError } from '../core/errors';
import { Tensor } from '../core/tensor';
import { keep, tidy } from '../eager/scope';
import { variableGradients } from '../autodiff/api';

export class OptimizerError extends WgError {}

/** A learning rate: a number, or a schedule giving it for each step (0 on the first update). */
export type LearningRate = number | ((step: number) => number);
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

export abstract class Optimizer {
  /** Updates applied so far. */
  iterations = 0;
  /** Variables this optimizer has seen, by name (applyGradients finds them there). */
  private readonly byName = new Map<string, Tensor>();
  private readonly state = new Map<Tensor, Record<string, Tensor>>();

  constructor(
    private readonly name: string,
    private readonly learningRate: LearningRate,
  ) {
    if (typeof learningRate !== 'function') positive(`train.${name}: the learning rate`, learningRate);
  }

  /** The learning rate of the coming update. */
  protected rate(): number {
    const lr = this.learningRate;
    return typeof lr === 'function' ? positive(`train.${this.name}: the learning rate schedule's value at step ${this.iterations}`, lr(this.iterations), true) : lr;
  }

  /**
   * Takes f's gradients with respect to `varList` (default: the trainable variables it reads) and applies
   * them; returns f's value when `returnCost`, else null (TensorFlow.js's minimize).
   */
  minimize(f: () => Tensor, returnCost = false, varList?: Tensor[]): Tensor | null {
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

  /** f's value and its gradients by variable name (unconnected variables are left out), as variableGrads. */
  computeGradients(f: () => Tensor, varList?: Tensor[]): { value: Tensor; grads: Record<string, Tensor> } {
    const { value, vars, grads: g } = variableGradients(f, varList, `train.${this.name}.computeGradients`);
    const grads: Record<string, Tensor> = {};
    vars.forEach((v, i) => {
      const name = v.variableName ?? `Variable_${v.id}`;
      this.byName.set(name, v);
      if (g[i]) grads[name] = g[i]!;
    });
    return { value, grads };
  }

  /** Applies gradients by variable name: variables seen by computeGradients/minimize, or given with `variables`. */
  applyGradients(grads: NamedGradients, variables: Tensor[] = []): void {
    for (const v of variables) this.byName.set(v.variableName ?? `Variable_${v.id}`, v);
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
    const lr = this.rate();
    tidy(() => {
      for (const [v, g] of pairs) this.update(v, g, lr, (slot, init = 0) => this.slot(v, slot, init));
    });
    this.iterations++;
  }

  /**
   * Makes the slots of `varList` now (zeros, or their start value), as the first update would: a fresh optimizer
   * built this way can load saved slots (wg.loadVariables with getWeights()) and resume training exactly.
   */
  build(varList: Tensor[]): void {
    if (!Array.isArray(varList)) throw new OptimizerError(`train.${this.name}.build: varList must be a list of variables`);
    tidy(() => {
      for (const v of varList) {
        if (!(v instanceof Tensor) || !v.variable) throw new OptimizerError(`train.${this.name}.build: every entry must be a variable`);
        this.byName.set(v.variableName ?? `Variable_${v.id}`, v);
        for (const [slot, init] of this.slotSpec()) this.slot(v, slot, init);
      }
    });
  }

  /** The optimizer's variables (slots), by name: saved and restored with the model's. */
  getWeights(): { name: string; tensor: Tensor }[] {
    return [...this.state.values()].flatMap((slots) => Object.values(slots).map((t) => ({ name: t.variableName!, tensor: t })));
  }

  /** Frees the slots. */
  dispose(): void {
    for (const slots of this.state.values()) for (const t of Object.values(slots)) t.dispose();
    this.state.clear();
    this.byName.clear();
  }

  /** The slots each variable gets: name and start value. */
  protected abstract slotSpec(): [string, number][];

  /** One variable's update with gradient g; `slot` gives (creating on first use) its state variables. */
  protected abstract update(v: Tensor, g: Tensor, lr: number, slot: (name: string, init?: number) => Tensor): void;

  private slot(v: Tensor, name: string, init: number): Tensor {
    let slots = this.state.get(v);
    if (!slots) this.state.set(v, (slots = {}));
    if (!slots[name]) {
      const start = init === 0 ? o.zerosLike(v) : o.fill([...v.shape], init);
      slots[name] = keep(o.variable(start, { name: `${v.variableName}/${name}`, trainable: false }));
    }
    return slots[name];
  }
}

class SGD extends Optimizer {
  constructor(lr: LearningRate) {
    super('sgd', lr);
  }
  protected slotSpec(): [string, number][] {
    return [];
  }
  protected update(v: Tensor, g: Tensor, lr: number): void {
    v.assign(o.sub(v, o.mul(g, lr)));
  }
}

class Momentum extends Optimizer {
  constructor(lr: LearningRate, private readonly momentum: number, private readonly nesterov = false) {
    super('momentum', lr);
    positive('train.momentum: momentum', momentum, true);
  }
  protected slotSpec(): [string, number][] {
    return [['momentum', 0]];
  }
  protected update(v: Tensor, g: Tensor, lr: number, slot: (n: string) => Tensor): void {
    const a = slot('momentum');
    a.assign(o.add(o.mul(a, this.momentum), g));
    const step = this.nesterov ? o.add(o.mul(a, this.momentum), g) : a;
    v.assign(o.sub(v, o.mul(step, lr)));
  }
}

class Adam extends Optimizer {
  constructor(lr: LearningRate, private readonly beta1: number, private readonly beta2: number, private readonly epsilon: number) {
    super('adam', lr);
    fraction('train.adam: beta1', beta1);
    fraction('train.adam: beta2', beta2);
    positive('train.adam: epsilon', epsilon, true);
  }
  protected slotSpec(): [string, number][] {
    return [['m', 0], ['v', 0]];
  }
  protected update(v: Tensor, g: Tensor, lr: number, slot: (n: string) => Tensor): void {
    const t = this.iterations + 1;
    const m = slot('m');
    const s = slot('v');
    m.assign(o.add(o.mul(m, this.beta1), o.mul(g, 1 - this.beta1)));
    s.assign(o.add(o.mul(s, this.beta2), o.mul(o.square(g), 1 - this.beta2)));
    const mHat = o.div(m, 1 - this.beta1 ** t);
    const sHat = o.div(s, 1 - this.beta2 ** t);
    v.assign(o.sub(v, o.mul(o.div(mHat, o.add(o.sqrt(sHat), this.epsilon)), lr)));
  }
}

class Adamax extends Optimizer {
  constructor(lr: LearningRate, private readonly beta1: number, private readonly beta2: number, private readonly epsilon: number, private readonly decay: number) {
    super('adamax', lr);
    fraction('train.adamax: beta1', beta1);
    fraction('train.adamax: beta2', beta2);
    positive('train.adamax: epsilon', epsilon, true);
    positive('train.adamax: decay', decay, true);
  }
  protected slotSpec(): [string, number][] {
    return [['m', 0], ['u', 0]];
  }
  protected update(v: Tensor, g: Tensor, lr: number, slot: (n: string) => Tensor): void {
    const t = this.iterations + 1;
    const m = slot('m');
    const u = slot('u');
    const rate = lr / (1 + this.decay * this.iterations) / (1 - this.beta1 ** t);
    m.assign(o.add(o.mul(m, this.beta1), o.mul(g, 1 - this.beta1)));
    u.assign(o.maximum(o.mul(u, this.beta2), o.abs(g)));
    v.assign(o.sub(v, o.mul(o.div(m, o.add(u, this.epsilon)), rate)));
  }
}

class RMSProp extends Optimizer {
  constructor(lr: LearningRate, private readonly decay: number, private readonly momentum: number, private readonly epsilon: number, private readonly centered: boolean) {
    super('rmsprop', lr);
    fraction('train.rmsprop: decay', decay);
    positive('train.rmsprop: momentum', momentum, true);
    positive('train.rmsprop: epsilon', epsilon, true);
  }
  protected slotSpec(): [string, number][] {
    return this.centered ? [['rms', 0], ['momentum', 0], ['mg', 0]] : [['rms', 0], ['momentum', 0]];
  }
  protected update(v: Tensor, g: Tensor, lr: number, slot: (n: string) => Tensor): void {
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
    super('adagrad', lr);
    positive('train.adagrad: initialAccumulatorValue', initial, true);
  }
  protected slotSpec(): [string, number][] {
    return [['accumulator', this.initial]];
  }
  protected update(v: Tensor, g: Tensor, lr: number, slot: (n: string, init?: number) => Tensor): void {
    const acc = slot('accumulator', this.initial);
    acc.assign(o.add(acc, o.square(g)));
    v.assign(o.sub(v, o.mul(o.div(g, o.sqrt(o.add(acc, EPSILON))), lr)));
  }
}

class Adadelta extends Optimizer {
  constructor(lr: LearningRate, private readonly rho: number, private readonly epsilon: number) {
    super('adadelta', lr);
    fraction('train.adadelta: rho', rho);
    positive('train.adadelta: epsilon', epsilon, true);
  }
  protected slotSpec(): [string, number][] {
    return [['accum_grad', 0], ['accum_var', 0]];
  }
  protected update(v: Tensor, g: Tensor, lr: number, slot: (n: string) => Tensor): void {
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
