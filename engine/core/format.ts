// Formats tensor values like NumPy's repr: nested brackets, aligned columns, long axes summarised.
import type { DType } from './dtype';

const THRESHOLD = 1000; // elements above which axes are summarised
const EDGE = 3;

function fmtNumber(v: number, dtype: DType): string {
  if (dtype === 'bool') return v ? 'true' : 'false';
  if (dtype !== 'float32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e8) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

/** `[[1., 2.],\n [3., 4.]]` for values in row-major order. */
export function formatValues(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  const size = shape.reduce((p, d) => p * d, 1);
  const summarise = size > THRESHOLD;
  const strings: string[] = [];
  for (let i = 0; i < values.length; i++) strings.push(fmtNumber(values[i], dtype));
  const width = Math.max(1, ...strings.map((s) => s.length));
  if (shape.length === 0) return strings[0] ?? '';
  const strides: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d];
  }
  const rec = (d: number, base: number, indent: string): string => {
    const n = shape[d];
    const idx: (number | null)[] = summarise && n > 2 * EDGE ? [...range(EDGE), null, ...range(EDGE).map((i) => n - EDGE + i)] : range(n);
    if (d === shape.length - 1) {
      return `[${idx.map((i) => (i === null ? '...' : strings[base + i].padStart(width))).join(', ')}]`;
    }
    const sep = `,${'\n'.repeat(shape.length - d - 1)}${indent} `;
    return `[${idx.map((i) => (i === null ? '...' : rec(d + 1, base + i * strides[d], `${indent} `))).join(sep)}]`;
  };
  return rec(0, 0, '');
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** `Tensor(float32, [2,2])` header plus values, as wg.print shows a tensor. */
export function formatTensor(values: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  return `Tensor(${dtype}, [${shape.join(',')}])\n${formatValues(values, shape, dtype)}`;
}
