// Shapes: validation, sizes, row-major strides, NumPy broadcasting, and views' stride arithmetic.
import { ShapeError } from './errors';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Validates a user-supplied shape: an array of non-negative safe integers. */
export function checkShape(shape: unknown, op: string, what = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: ${what} must be an array of non-negative integers, got ${describe(shape)}`, { op });
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: ${what} [${shape.map(describe).join(', ')}] has an invalid dimension ${describe(d)}; ` +
          'dimensions must be non-negative integers',
        { op },
      );
    }
  }
  return [...shape];
}

/** Checks a scalar integer argument (a count, an axis…). */
export function checkInt(x: unknown, op: string, what: string, min = -Infinity): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
    const bound = min === -Infinity ? 'an integer' : `an integer >= ${min}`;
    throw new ShapeError(`${op}: ${what} must be ${bound}, got ${describe(x)}`, { op });
  }
  return x;
}

export function describe(x: unknown): string {
  if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `[${x.map(describe).join(', ')}]`;
  return typeof x;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export const fmtShape = (s: Shape) => `[${s.join(',')}]`;

/** NumPy broadcasting of any number of shapes; throws a ShapeError naming the op and all shapes. */
export function broadcastShapes(op: string, shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together ` +
            `(dimension ${o} of the result: ${out[o]} vs ${d})`,
          { op, shapes: shapes.map((x) => [...x]) },
        );
      }
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` broadcast to `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], outShape: Shape): number[] {
  const r = outShape.length;
  const res = new Array<number>(r).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = r - shape.length + i;
    res[o] = shape[i] === 1 ? 0 : strides[i];
  }
  return res;
}

/** One axis in [-rank, rank) → [0, rank); ShapeError naming the op otherwise. */
export function normalizeAxis(axis: unknown, rank: number, op: string, shape?: Shape): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(
      `${op}: axis ${describe(axis)} is out of range for a tensor of rank ${rank}${shape ? ` (shape ${fmtShape(shape)})` : ''}; ` +
        `expected an integer in [${-rank}, ${rank - 1}]`,
      { op, shapes: shape ? [[...shape]] : undefined },
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Axes (undefined/null = all) → sorted unique list; repeated axes are an error. */
export function normalizeAxes(axis: unknown, rank: number, op: string, shape?: Shape): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a) => normalizeAxis(a, rank, op, shape));
  if (new Set(out).size !== out.length) {
    throw new ShapeError(`${op}: axis ${describe(list)} repeats an axis`, { op, shapes: shape ? [[...shape]] : undefined });
  }
  return out.sort((a, b) => a - b);
}
