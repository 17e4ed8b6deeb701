// wg.dispose(x): disposes a tensor, or every tensor inside arrays and plain objects (TensorFlow.js style).
import { Tensor } from '../core/tensor';

export function disposeAll(x: unknown): void {
  if (x instanceof Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
  else if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) Object.values(x).forEach(disposeAll);
}
