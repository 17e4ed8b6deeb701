// Argument checks shared by the convolution ops (conv.ts, volume.ts): errors that list every operand's shape,
// numeric operands, and their float32 form.
import { DTypeError, ShapeError } from '../core/errors';
import { fmtShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { runExpr } from '../eager/dispatch_kernels';
import { cast } from '../ir/expr';
import { tensorArg } from './args';

/** The operands an error lists, by name. */
export type Named = [string, Tensor][];
export const shapesOf = (ts: Named) => ts.map(([, t]) => [...t.shape]);
export const listed = (ts: Named) => ts.map(([n, t]) => `${n}: ${fmtShape(t.shape)}`).join(', ');
/** A ShapeError naming the op and listing the operands' shapes. */
export const shapeErr = (op: string, msg: string, ts: Named) => new ShapeError(`${op}: ${msg} (${listed(ts)})`, { op, shapes: shapesOf(ts) });

/** Runs a shared spatial check; a ShapeError it raises without shapes gets the operands' shapes added. */
export function withShapes<T>(op: string, ts: Named, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShapeError && !(e.shapes && e.shapes.length)) {
      const msg = e.message.replace(/ \(at [^()]*\)$/, '');
      throw new ShapeError(`${msg} (${listed(ts)})`, { op, shapes: shapesOf(ts) });
    }
    throw e;
  }
}

/** A numeric tensor operand (bool is an error). Checked before anything runs; `toFloat` converts it after the checks. */
export function numericArg(op: string, x: unknown, what: string): Tensor {
  const t = tensorArg(x, op, what);
  if (t.dtype === 'bool') {
    throw new DTypeError(`${op}: ${what} must be a numeric tensor, got bool of shape ${fmtShape(t.shape)}`, { op, dtypes: ['bool'], shapes: [[...t.shape]] });
  }
  return t;
}

/**
 * The operand as float32: other numeric dtypes are converted (one kernel; TensorFlow.js computes convolutions in
 * float). A conversion is added to `owned` for the caller to dispose.
 */
export function toFloat(op: string, t: Tensor, owned: Tensor[]): Tensor {
  if (t.dtype === 'float32') return t;
  const c = runExpr(op, [t], 'float32', ([v]) => cast(v, 'float32'));
  owned.push(c);
  return c;
}
