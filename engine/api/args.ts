// Argument checks shared by the public functions.
import { ShapeError } from '../core/errors';
import { describe } from '../core/shape';
import { Tensor } from '../core/tensor';

/** The argument must be a live Tensor (not a number or array); names the op in the error. */
export function tensorArg(x: unknown, op: string, what = 'x'): Tensor {
  if (!(x instanceof Tensor)) {
    const got = Array.isArray(x) ? 'an array (wrap it in wg.tensor(...))' : describe(x);
    throw new ShapeError(`${op}: ${what} must be a Tensor, got ${got}`, { op });
  }
  x.assertUsable(op);
  return x;
}
