// Gradient rules, keyed by the registry's op names. A rule gets the gradient of the op's result (`dy`; one per
// output for ops with several), the arguments as they were given and the result, and returns one gradient per
// argument (null where there is none; nested like the argument for lists and option objects). Rules are
// written with the public ops, so backward passes are built, fused and placed like any other code, in both
// modes. Broadcast inputs get their gradient summed back to their own shape (`unbroadcast`).
import { OP_DEFS, type DifferentiableOp } from '../api/registry';
import type { Tensor } from '../core/tensor';
import { axesOf, expandReduced, forArg, mask, o, spread, unary, unbroadcast, type GradResult, type GradRule } from './grad_util';
import { MOVEMENT_RULES } from './rules_movement';
import { CONV_RULES } from './rules_conv';
import { NN_RULES } from './rules_nn';

export type { GradResult, GradRule };

const CORE_RULES = {
  // ---- elementwise, one operand ----
  clone: unary((dy) => dy),
  neg: unary((dy) => o.neg(dy)),
  abs: unary((dy, x) => o.mul(dy, o.sign(x))),
  square: unary((dy, x) => o.mul(dy, o.mul(x, 2))),
  // From the result, not the input: y > 0 exactly where x > 0, and then the pre-activation need not be kept
  // (graph mode fuses bias + relu into the matmul that makes x).
  relu: unary((dy, _x, y) => o.mul(dy, mask(o.greater(y, 0)))),
  relu6: unary((dy, x) => o.mul(dy, mask(o.logicalAnd(o.greater(x, 0), o.less(x, 6))))),
  exp: unary((dy, _x, y) => o.mul(dy, y)),
  expm1: unary((dy, _x, y) => o.mul(dy, o.add(y, 1))),
  log: unary((dy, x) => o.div(dy, x)),
  log1p: unary((dy, x) => o.div(dy, o.add(x, 1))),
  sqrt: unary((dy, _x, y) => o.div(dy, o.mul(y, 2))),
  rsqrt: unary((dy, _x, y) => o.mul(dy, o.mul(o.mul(y, o.mul(y, y)), -0.5))),
  reciprocal: unary((dy, _x, y) => o.neg(o.mul(dy, o.square(y)))),
  sin: unary((dy, x) => o.mul(dy, o.cos(x))),
  cos: unary((dy, x) => o.neg(o.mul(dy, o.sin(x)))),
  tan: unary((dy, _x, y) => o.mul(dy, o.add(o.square(y), 1))),
  tanh: unary((dy, _x, y) => o.mul(dy, o.sub(1, o.square(y)))),
  sinh: unary((dy, x) => o.mul(dy, o.cosh(x))),
  cosh: unary((dy, x) => o.mul(dy, o.sinh(x))),
  asin: unary((dy, x) => o.mul(dy, o.rsqrt(o.sub(1, o.square(x))))),
  acos: unary((dy, x) => o.neg(o.mul(dy, o.rsqrt(o.sub(1, o.square(x)))))),
  atan: unary((dy, x) => o.div(dy, o.add(o.square(x), 1))),
  asinh: unary((dy, x) => o.mul(dy, o.rsqrt(o.add(o.square(x), 1)))),
  acosh: unary((dy, x) => o.mul(dy, o.rsqrt(o.sub(o.square(x), 1)))),
  atanh: unary((dy, x) => o.div(dy, o.sub(1, o.square(x)))),
  // d/dx erf(x) = 2/√π · e^(−x²)
  erf: unary((dy, x) => o.mul(dy, o.mul(o.exp(o.neg(o.square(x))), 2 / Math.sqrt(Math.PI)))),
  sigmoid: unary((dy, _x, y) => o.mul(dy, o.mul(y, o.sub(1, y)))),
  softplus: unary((dy, x) => o.mul(dy, o.sigmoid(x))),
  logSigmoid: unary((dy, x) => o.mul(dy, o.sigmoid(o.neg(x)))),
  elu: unary((dy, x, y) => o.mul(dy, o.where(o.greater(x, 0), 1, o.add(y, 1)))),
  // selu(x) = λ·(x > 0 ? x : α(eˣ − 1)), with TensorFlow's constants.
  selu: unary((dy, x) => o.mul(dy, o.where(o.greater(x, 0), SELU_SCALE, o.mul(o.exp(x), SELU_SCALE * SELU_ALPHA)))),
  // gelu(x) = x·Φ(x): Φ(x) + x·φ(x)
  gelu: unary((dy, x) => {
    const cdf = o.mul(o.add(o.erf(o.mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = o.mul(o.exp(o.mul(o.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return o.mul(dy, o.add(cdf, o.mul(x, pdf)));
  }),
  leakyRelu: (dy, [x, alpha = 0.2]) => [forArg(x, () => o.mul(dy, o.where(o.greater(x, 0), 1, alpha)))],
  clipByValue: (dy, [x, lo, hi]) => [forArg(x, () => o.mul(dy, mask(o.logicalAnd(o.greaterEqual(x, lo), o.lessEqual(x, hi)))))],
  cast: (dy, [x]) => [forArg(x, () => dy)],

  // ---- elementwise, two or three operands (broadcasting) ----
  add: (dy, [a, b]) => [forArg(a, () => dy), forArg(b, () => dy)],
  sub: (dy, [a, b]) => [forArg(a, () => dy), forArg(b, () => o.neg(dy))],
  mul: (dy, [a, b]) => [forArg(a, () => o.mul(dy, b)), forArg(b, () => o.mul(dy, a))],
  div: (dy, [a, b]) => [forArg(a, () => o.div(dy, b)), forArg(b, () => o.neg(o.div(o.mul(dy, a), o.square(b))))],
  divNoNan: (dy, [a, b]) => {
    const zero = o.equal(b, 0);
    return [
      forArg(a, () => o.where(zero, 0, o.div(dy, b))),
      forArg(b, () => o.where(zero, 0, o.neg(o.div(o.mul(dy, a), o.square(b))))),
    ];
  },
  // a mod b = a − b·⌊a/b⌋
  mod: (dy, [a, b]) => [forArg(a, () => dy), forArg(b, () => o.neg(o.mul(dy, o.floor(o.div(a, b)))))],
  pow: (dy, [a, b], y) => [
    forArg(a, () => o.mul(dy, o.mul(b, o.pow(a, o.sub(b, 1))))),
    // Only where a > 0 (the log is defined), as TensorFlow.
    forArg(b, () => o.mul(dy, o.where(o.greater(a, 0), o.mul(y, o.log(o.where(o.greater(a, 0), a, 1))), 0))),
  ],
  maximum: (dy, [a, b]) => [forArg(a, () => o.mul(dy, mask(o.greaterEqual(a, b)))), forArg(b, () => o.mul(dy, mask(o.less(a, b))))],
  minimum: (dy, [a, b]) => [forArg(a, () => o.mul(dy, mask(o.lessEqual(a, b)))), forArg(b, () => o.mul(dy, mask(o.greater(a, b))))],
  atan2: (dy, [a, b]) => {
    const d = () => o.add(o.square(a), o.square(b));
    return [forArg(a, () => o.div(o.mul(dy, b), d())), forArg(b, () => o.neg(o.div(o.mul(dy, a), d())))];
  },
  squaredDifference: (dy, [a, b]) => [forArg(a, () => o.mul(dy, o.mul(o.sub(a, b), 2))), forArg(b, () => o.mul(dy, o.mul(o.sub(b, a), 2)))],
  prelu: (dy, [x, alpha]) => [
    forArg(x, () => o.mul(dy, o.where(o.greater(x, 0), 1, alpha))),
    forArg(alpha, () => o.mul(dy, o.where(o.greater(x, 0), 0, x))),
  ],
  where: (dy, [cond, a, b]) => [null, forArg(a, () => o.where(cond, dy, 0)), forArg(b, () => o.where(cond, 0, dy))],
  addN: (dy, [xs]) => [(xs as Tensor[]).map((x) => forArg(x, () => dy))],

  // ---- shapes ----
  reshape: (dy, [x]) => [o.reshape(dy, [...x.shape])],
  expandDims: (dy, [x]) => [o.reshape(dy, [...x.shape])],
  squeeze: (dy, [x]) => [o.reshape(dy, [...x.shape])],
  broadcastTo: (dy, [x]) => [unbroadcast(dy, x.shape)],
  transpose: (dy, [x, perm]) => {
    const p: number[] = perm ?? [...Array(x.rank).keys()].reverse();
    const inverse = p.map((_, i) => p.indexOf(i));
    return [o.transpose(dy, inverse)];
  },

  // ---- reductions ----
  sum: (dy, [x, axis, keepDims]) => [spread(dy, x, axis, keepDims)],
  mean: (dy, [x, axis, keepDims]) => {
    const axes = axesOf(axis, x.rank);
    // The count of reduced elements; counted by the graph when a reduced dimension is known only at run time.
    const n = axes.some((a) => x.shape[a] < 0) ? o.sum(o.onesLike(x), axes, true) : axes.reduce((s, a) => s * x.shape[a], 1);
    return [o.div(spread(dy, x, axis, keepDims), n)];
  },
  max: (dy, [x, axis, keepDims], y) => [o.mul(spread(dy, x, axis, keepDims), mask(o.equal(x, keepDims ? y : expandReduced(y, x, axis))))],
  min: (dy, [x, axis, keepDims], y) => [o.mul(spread(dy, x, axis, keepDims), mask(o.equal(x, keepDims ? y : expandReduced(y, x, axis))))],
  // d/dx_i Π = Π / x_i (inputs without zeros)
  prod: (dy, [x, axis, keepDims], y) => {
    const ye = keepDims ? y : expandReduced(y, x, axis);
    return [o.mul(keepDims ? dy : expandReduced(dy, x, axis), o.div(ye, x))];
  },
  logSumExp: (dy, [x, axis, keepDims], y) => {
    const ye = keepDims ? y : expandReduced(y, x, axis);
    return [o.mul(keepDims ? dy : expandReduced(dy, x, axis), o.exp(o.sub(x, ye)))];
  },

  // ---- linear algebra ----
  matMul: (dy, [a, b, ta = false, tb = false]) => {
    // y = op(a)·op(b); da = dy·op(b)ᵀ (transposed back if a was), db likewise.
    const da = () => (!ta ? o.matMul(dy, b, false, !tb) : o.matMul(b, dy, tb, true));
    const db = () => (!tb ? o.matMul(a, dy, !ta, false) : o.matMul(dy, a, true, ta));
    return [forArg(a, da), forArg(b, db)];
  },

  // ---- normalisation ----
  softmax: (dy, [, dim = -1], y) => [o.mul(y, o.sub(dy, o.sum(o.mul(dy, y), dim, true)))],
  logSoftmax: (dy, [, axis = -1], y) => [o.sub(dy, o.mul(o.exp(y), o.sum(dy, axis, true)))],
} satisfies Partial<Record<DifferentiableOp, GradRule>>;

// Exhaustive: a differentiable op (OpSpec.differentiable) without a rule is a compile error here.
const RULES: Record<DifferentiableOp, GradRule> = { ...CORE_RULES, ...MOVEMENT_RULES, ...NN_RULES, ...CONV_RULES } satisfies Record<DifferentiableOp, GradRule>;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** An op's rule; 'none' for ops without a gradient; undefined for a differentiable op with no rule yet. */
export function gradRule(op: string): GradRule | 'none' | undefined {
  const def = (OP_DEFS as Record<string, { differentiable?: boolean }>)[op];
  if (!def?.differentiable) return 'none';
  return RULES[op as DifferentiableOp];
}
