// Text output of the command line: a profile as a table (values are printed by the engine's formatValues).

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
