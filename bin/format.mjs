// Text output of the command line: values printed NumPy-style (long axes elided), and a profile as a table.

const EDGE = 3; // elements kept at each end of an axis longer than LONG
const LONG = 12;

/** A number as NumPy prints float32: up to 6 significant digits, integers without a point. */
function num(v, dtype) {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (dtype !== 'float32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const s = Math.abs(v) >= 1e-4 && Math.abs(v) < 1e16 ? String(Number(v.toPrecision(6))) : v.toExponential(5).replace(/\.?0+e/, 'e');
  return s;
}

/** Nested arrays (or a scalar) as NumPy prints them, eliding the middle of long axes. */
export function formatValue(value, dtype, indent = 0) {
  if (!Array.isArray(value)) return num(value, dtype);
  const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
  const d = depth(value);
  const items = value.length > LONG ? [...value.slice(0, EDGE), '...', ...value.slice(-EDGE)] : value;
  if (d === 1) return `[${items.map((x) => (x === '...' ? '...' : num(x, dtype))).join(', ')}]`;
  const sep = `,${'\n'.repeat(d - 1)}${' '.repeat(indent + 1)}`;
  return `[${items.map((x) => (x === '...' ? '...' : formatValue(x, dtype, indent + 1))).join(sep)}]`;
}

const ms = (v) => (v === undefined ? '' : v < 0.01 ? '<0.01' : v.toFixed(2));
const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

/** Every kernel and transfer of a profile with its time and bytes, then the totals. */
export function profileTable(p) {
  const rows = p.kernels.map((k) => [
    k.name,
    k.kind,
    k.device,
    k.gpuMs !== undefined ? `${ms(k.gpuMs)} gpu` : k.cpuMs !== undefined ? `${ms(k.cpuMs)} cpu` : '',
    bytes(k.bytesRead + k.bytesWritten),
    k.sources.map((s) => s.node ?? s.op).filter(Boolean).join(', '),
  ]);
  const head = ['kernel', 'kind', 'device', 'ms', 'bytes', 'nodes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 3 || i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const t = p.totals;
  return [
    line(head),
    ...rows.map(line),
    '',
    `${p.kernels.length} entries · ${t.dispatches} dispatches · ${t.submissions} submissions · wall ${ms(t.wallMs)} ms` +
      `${t.gpuMs !== undefined ? ` · GPU ${ms(t.gpuMs)} ms` : ''} · timer ${p.timer.source}`,
  ].join('\n');
}
