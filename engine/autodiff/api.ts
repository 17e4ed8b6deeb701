// The gradient API: TensorFlow.js's functional forms (grad, grads, valueAndGrad, valueAndGrads) and
// TensorFlow 2's GradientTape, on the tapes of autodiff/tape.ts.
import { OPS } from '../api/registry';
import { DisposedError, ShapeError, WgError } from '../core/errors';
import { Tensor } from '../core/tensor';
import { tidy } from '../eager/scope';
import { backward, noteCustom, openedAfter, Tape, taping, unrecorded } from './tape';

export class GradientError extends WgError {}

function tensorArg(v: unknown, what: string): Tensor {
  if (!(v instanceof Tensor)) throw new GradientError(`${what} must be a Tensor, got ${v === null ? 'null' : typeof v}`);
  return v;
}

function checkFloat(x: Tensor, what: string): void {
  if (x.dtype !== 'float32') throw new GradientError(`${what}: gradients are taken with respect to float32 tensors, got ${x.dtype}`);
}

/** Each GradientTape's recorder (kept off the public class). */
const inner = new WeakMap<GradientTape, Tape>();

/** TensorFlow 2's tape: records the ops on watched tensors from construction until gradient() (or stop()). */
export class GradientTape {
  private readonly tape: Tape;
  private readonly persistent: boolean;
  private used = false;

  /** `watchAccessedVariables` (default true): trainable variables the taped ops read are watched, as TensorFlow. */
  constructor(options: { persistent?: boolean; watchAccessedVariables?: boolean } = {}) {
    this.persistent = Boolean(options.persistent);
    this.tape = new Tape(options.watchAccessedVariables !== false);
    inner.set(this, this.tape);
  }

  /** Records the ops that use `x` (trainable variables are watched by default, as in TensorFlow: with variables). */
  watch(...xs: (Tensor | Tensor[])[]): void {
    this.check('watch');
    for (const x of xs.flat()) this.tape.watch(tensorArg(x, 'GradientTape.watch: the source'));
  }

  /** Stops recording; gradient() still works on what was recorded. */
  stop(): void {
    this.tape.stop();
  }

  /**
   * The gradient of `target` with respect to each source (a tensor, or a list: a list comes back). A source the
   * target does not depend on gets null (or zeros with `unconnectedGradients: 'zero'`, as TensorFlow).
   */
  gradient(target: Tensor, sources: Tensor, outputGradients?: Tensor, options?: { unconnectedGradients?: 'none' | 'zero' }): Tensor | null;
  gradient(target: Tensor, sources: Tensor[], outputGradients?: Tensor, options?: { unconnectedGradients?: 'none' | 'zero' }): (Tensor | null)[];
  gradient(target: Tensor, sources: Tensor | Tensor[], outputGradients?: Tensor, options: { unconnectedGradients?: 'none' | 'zero' } = {}): Tensor | null | (Tensor | null)[] {
    this.check('gradient');
    if (this.used && !this.persistent) {
      throw new GradientError('GradientTape.gradient: a non-persistent tape can compute gradients once; make it with { persistent: true } to call gradient() again');
    }
    this.used = true;
    const list = Array.isArray(sources) ? sources : [sources];
    const t = tensorArg(target, 'GradientTape.gradient: the target');
    const srcs = list.map((s, i) => tensorArg(s, `GradientTape.gradient: source ${i + 1}`));
    const grads = backward(this.tape, t, srcs, outputGradients);
    const out = options.unconnectedGradients === 'zero' ? grads.map((g, i) => g ?? OPS.zerosLike(srcs[i])) : grads;
    if (!this.persistent) this.tape.dispose();
    return Array.isArray(sources) ? out : out[0];
  }

  dispose(): void {
    this.tape.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private check(what: string): void {
    if (this.tape.disposed) throw new DisposedError(`GradientTape.${what}: the tape was disposed (a non-persistent tape is disposed by its first gradient())`);
  }
}

/** wg.gradientTape(async (tape) => …): the tape records inside the callback only. */
export async function gradientTape<T>(fn: (tape: GradientTape) => Promise<T> | T, options: { persistent?: boolean; watchAccessedVariables?: boolean } = {}): Promise<T> {
  const tape = new GradientTape(options);
  const recorder = inner.get(tape)!;
  recorder.scoped = true;
  let result: T;
  try {
    result = await fn(tape);
  } finally {
    // A tape opened inside the callback and still recording at its end belongs to another async flow whose
    // awaits interleaved with this one: both tapes recorded the other's ops.
    const interleaved = openedAfter(recorder) > 0;
    tape.stop();
    if (interleaved) {
      throw new GradientError(
        'gradientTape: two async tape callbacks interleaved (one started while the other was awaiting), so each recorded the other\'s ops. Await one callback before starting the next.',
      );
    }
  }
  return result;
}

/** Differentiates `f` at xs, weighted by dy: the value and one gradient per x; throws for an unconnected x (TensorFlow.js). */
function differentiate(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], dy: Tensor | undefined, api: string): { value: Tensor; grads: Tensor[] } {
  xs.forEach((x, i) => checkFloat(tensorArg(x, `${api}: argument ${i + 1}`), api));
  // Eagerly, f's intermediates and the backward pass's are freed (as TensorFlow.js): the value and the
  // gradients are what is left.
  // (Not while another tape records: it needs them for its own backward pass, and frees them then.)
  if (!taping() && xs.every((x) => x.graph === undefined)) {
    let result: { value: Tensor; grads: Tensor[] } | undefined;
    tidy(() => {
      result = differentiateOn(f, xs, dy, api);
      return [result.value, ...result.grads];
    });
    return result!;
  }
  return differentiateOn(f, xs, dy, api);
}

function differentiateOn(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], dy: Tensor | undefined, api: string): { value: Tensor; grads: Tensor[] } {
  const tape = new Tape(false);
  let value: Tensor;
  try {
    for (const x of xs) tape.watch(x);
    value = f(...xs);
    if (!(value instanceof Tensor)) throw new GradientError(`${api}: f must return a Tensor, got ${value === null ? 'null' : typeof value}`);
    if (dy !== undefined && !(dy instanceof Tensor)) throw new GradientError(`${api}: dy must be a Tensor`);
    if (dy !== undefined && (dy.rank !== value.rank || dy.shape.some((d, i) => d !== value.shape[i]))) {
      throw new ShapeError(`${api}: dy's shape [${dy.shape}] must match f's result [${value.shape}]`);
    }
    const grads = backward(tape, value, xs, dy);
    grads.forEach((g, i) => {
      if (g === null) {
        throw new GradientError(
          `${api}: cannot compute the gradient of y=f(x) with respect to ${xs.length > 1 ? `x${i + 1}` : 'x'}: y does not depend on it. Make sure the ops that use it are differentiable.`,
        );
      }
    });
    return { value, grads: grads as Tensor[] };
  } finally {
    tape.dispose();
  }
}

/** wg.grad(f)(x, dy?): the gradient of f at x (TensorFlow.js tf.grad). */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    const { value, grads } = differentiate(f, [x], dy, 'grad');
    if (value !== x) value.dispose();
    return grads[0];
  };
}

/** wg.grads(f)([x1, x2…], dy?): the gradients of f with respect to each argument (TensorFlow.js tf.grads). */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => {
    if (!Array.isArray(xs)) throw new GradientError('grads: the arguments must be given as a list of tensors');
    const { value, grads: g } = differentiate(f, xs, dy, 'grads');
    if (!xs.includes(value)) value.dispose();
    return g;
  };
}

/** wg.valueAndGrad(f)(x, dy?) → { value, grad } (TensorFlow.js tf.valueAndGrad). */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, grads: g } = differentiate(f, [x], dy, 'valueAndGrad');
    return { value, grad: g[0] };
  };
}

/** wg.valueAndGrads(f)([x1, x2…], dy?) → { value, grads } (TensorFlow.js tf.valueAndGrads). */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => {
    if (!Array.isArray(xs)) throw new GradientError('valueAndGrads: the arguments must be given as a list of tensors');
    return differentiate(f, xs, dy, 'valueAndGrads');
  };
}

/**
 * wg.variableGrads(f, varList?) → { value, grads: { [name]: gradient } } (TensorFlow.js): f's scalar value and
 * its gradients with respect to the trainable variables it reads (or `varList`); unconnected variables are
 * left out.
 */
export function variableGrads(f: () => Tensor, varList?: Tensor[]): { value: Tensor; grads: Record<string, Tensor> } {
  const { value, vars, grads: g } = variableGradients(f, varList, 'variableGrads');
  const grads: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    if (g[i]) grads[v.variableName ?? `Variable_${v.id}`] = g[i]!;
  });
  return { value, grads };
}

/**
 * variableGrads with the variables themselves (optimizers update them): f's scalar value, the variables
 * differentiated (`varList`, or the trainable ones f read, in order) and one gradient each (null: unconnected).
 */
export function variableGradients(f: () => Tensor, varList: Tensor[] | undefined, api: string): { value: Tensor; vars: Tensor[]; grads: (Tensor | null)[] } {
  if (typeof f !== 'function') throw new GradientError(`${api}: f must be a function returning a scalar tensor`);
  if (varList !== undefined) {
    if (!Array.isArray(varList)) throw new GradientError(`${api}: varList must be a list of variables`);
    varList.forEach((v, i) => {
      if (!(v instanceof Tensor) || !v.variable) throw new GradientError(`${api}: varList[${i}] is not a variable (make it with wg.variable)`);
    });
  }
  const run = () => {
    const tape = new Tape(varList === undefined);
    try {
      for (const v of varList ?? []) tape.watch(v);
      const value = f();
      if (!(value instanceof Tensor)) throw new GradientError(`${api}: f must return a Tensor, got ${value === null ? 'null' : typeof value}`);
      if (value.rank !== 0) throw new ShapeError(`${api}: f must return a scalar, got shape [${value.shape}]`);
      const vars = varList ?? [...tape.accessed];
      return { value, vars, grads: backward(tape, value, vars) };
    } finally {
      tape.dispose();
    }
  };
  if (taping()) return run();
  let result: { value: Tensor; vars: Tensor[]; grads: (Tensor | null)[] } | undefined;
  tidy(() => {
    result = run();
    return [result.value, ...result.grads.filter((g): g is Tensor => g !== null)];
  });
  return result!;
}

/**
 * wg.customGrad(f): f(...xs) returns { value, gradFunc(dy, saved) } and may `save` tensors for gradFunc; the
 * result is a function whose gradient is gradFunc's (one gradient per x), not that of the ops inside f.
 */
// f's arguments are the inputs then `save` (TensorFlow.js's CustomGradientFunc): typed loosely, as there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CustomGradFunc = (...args: any[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] };

export function customGrad(f: CustomGradFunc): (...xs: Tensor[]) => Tensor {
  if (typeof f !== 'function') throw new GradientError('customGrad: f must be a function returning { value, gradFunc }');
  return (...xs: Tensor[]) => {
    xs.forEach((x, i) => tensorArg(x, `customGrad: argument ${i + 1}`));
    let saved: Tensor[] = [];
    const save = (ts: Tensor[]) => {
      saved = ts;
    };
    const r = unrecorded(() => f(...xs, save));
    if (!r || !(r.value instanceof Tensor) || typeof r.gradFunc !== 'function') {
      throw new GradientError('customGrad: f must return { value: Tensor, gradFunc: (dy, saved) => gradients }');
    }
    noteCustom(xs, r.value, (dy) => {
      const g = r.gradFunc(dy, saved);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== xs.length) throw new GradientError(`customGrad: gradFunc returned ${list.length} gradient(s) for ${xs.length} input(s)`);
      return list;
    });
    return r.value;
  };
}
