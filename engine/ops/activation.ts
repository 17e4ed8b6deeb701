// TensorFlow.js's fused activations (wg.fused.conv2d / depthwiseConv2d / matMul) as kernel IR: what an epilogue
// applies to each output value after the bias. Each is the ELEMENTWISE table's own lowering (relu, elu…), so
// a fused kernel and the unfused ops compute the same expression.
import type { DType } from '../core/dtype';
import { ShapeError } from '../core/errors';
import { describe } from '../core/shape';
import type { Expr } from '../ir/expr';
import { ELEMENTWISE } from './elementwise';

/** TensorFlow.js's fused activations ('linear': none). */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'prelu' | 'sigmoid';

export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'];

/** A uniform scalar parameter of the kernel (the dispatch's addParam). */
export type ActivationParam = (value: number, dtype: DType) => Expr;

/**
 * An activation's lowering: the output value from the kernel's value `v` (float32), `extras` (for 'prelu', its
 * weights' value at this output position; nothing otherwise) and the kernel's parameters.
 */
export type ActivationBuild = (v: Expr, extras: Expr[], addParam: ActivationParam) => Expr;

/** Whether an activation reads a tensor (prelu's weights) as an extra input of the epilogue. */
export const activationNeedsWeights = (a: FusedActivation): boolean => a === 'prelu';

/** Throws a ShapeError naming `op` unless `a` is one of FUSED_ACTIVATIONS. */
export function checkActivation(op: string, a: unknown): FusedActivation {
  if (typeof a !== 'string' || !(FUSED_ACTIVATIONS as readonly string[]).includes(a)) {
    throw new ShapeError(`${op}: unknown fused activation ${describe(a)}; expected one of ${FUSED_ACTIVATIONS.map((n) => `'${n}'`).join(', ')}`, { op });
  }
  return a as FusedActivation;
}

/**
 * The IR of a fused activation. `leakyreluAlpha` is leakyrelu's slope (a kernel parameter, so every alpha shares
 * one compiled kernel).
 */
export function activationIR(a: FusedActivation, leakyreluAlpha = 0.2): ActivationBuild {
  const ctx = (param: ActivationParam, attrs: Record<string, unknown> = {}) => ({ param, attrs });
  switch (a) {
    case 'linear':
      return (v) => v;
    case 'relu':
      return (v, _e, p) => ELEMENTWISE.relu.build([v], ctx(p));
    case 'relu6':
      return (v, _e, p) => ELEMENTWISE.relu6.build([v], ctx(p));
    case 'elu':
      return (v, _e, p) => ELEMENTWISE.elu.build([v], ctx(p));
    case 'sigmoid':
      return (v, _e, p) => ELEMENTWISE.sigmoid.build([v], ctx(p));
    case 'leakyrelu':
      return (v, _e, p) => ELEMENTWISE.leakyRelu.build([v], ctx(p, { alpha: leakyreluAlpha }));
    case 'prelu':
      return (v, [w], p) => ELEMENTWISE.prelu.build([v, w], ctx(p));
  }
}
