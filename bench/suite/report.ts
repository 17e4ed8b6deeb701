// The suite's report: plain-text tables (absolute figures, throughput, ratios of wgflow against each peer
// and baseline, wgflow's CPU device against its WebGPU one, baseline strength) and the JSON record.
import type { BenchOptions } from './options';
import type { Cell, Lib, LibId, Problem, WorkloadId } from './types';
import { shortCount } from './workloads';

export interface Row {
  workload: WorkloadId;
  size: number;
  label: string;
  unit: Cell['unit'];
  cells: Partial<Record<LibId, Cell>>;
}

export interface SuiteRecord {
  suite: 'wgflow bench';
  date: string;
  env: Record<string, unknown>;
  options: BenchOptions;
  libs: { id: LibId; label: string; version: string }[];
  totalMs: number;
  rows: Row[];
}

const SUBJECTS: LibId[] = ['wgflow-graph', 'wgflow-eager'];
/** wgflow's CPU-device columns against its WebGPU ones, per mode (their own section; not peers in the ratios). */
const CPU_PAIRS = [
  { mode: 'eager', cpu: 'wgflow-cpu-eager', gpu: 'wgflow-eager' },
  { mode: 'graph', cpu: 'wgflow-cpu-graph', gpu: 'wgflow-graph' },
] as const satisfies readonly { mode: string; cpu: LibId; gpu: LibId }[];
const CPU_LIBS: LibId[] = CPU_PAIRS.map((p) => p.cpu);

/** Three significant digits, no exponent for the usual ranges. */
export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  // Thresholds just below each power of ten, so that 99.97 prints as 100, not 100.0.
  return a >= 99.95 ? v.toFixed(0) : a >= 9.995 ? v.toFixed(1) : a >= 0.9995 ? v.toFixed(2) : v.toPrecision(2);
}

const leaked = (c: Cell) => c.liveBefore !== undefined && c.liveAfter !== c.liveBefore;

function cellText(c: Cell | undefined): string {
  if (!c) return '';
  switch (c.status) {
    case 'ok':
      return `${fmt(c.median)} [${fmt(c.min)}–${fmt(c.max)}]${leaked(c) ? ' LEAK' : ''}`;
    case 'unsupported':
      return '—';
    case 'wrong':
      return 'WRONG';
    case 'error':
      return 'ERROR';
    case 'skipped':
      return 'skipped';
    default:
      return c.status satisfies never;
  }
}

/** A fixed-width table: first column left-aligned, the others right-aligned. */
export function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : (s ?? '').padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** One problem's row: its cells by library. */
export function rowOf(p: Pick<Problem, 'workload' | 'size' | 'label' | 'unit'>, cells: Cell[]): Row {
  return { workload: p.workload, size: p.size, label: p.label, unit: p.unit, cells: Object.fromEntries(cells.map((c) => [c.lib, c])) };
}

/** Peer median ÷ subject median: above 1 the subject (a wgflow mode) is faster, below 1 slower. */
export function ratio(row: Row, subject: LibId, peer: LibId): number | undefined {
  const s = row.cells[subject];
  const p = row.cells[peer];
  if (s?.status !== 'ok' || p?.status !== 'ok' || !s.median || !p.median) return undefined;
  return p.median / s.median;
}

const times = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)}×`);

/** Every table of the report, as one string for stdout. */
export function formatReport(rows: Row[], libs: Pick<Lib, 'id' | 'label'>[]): string {
  const out: string[] = [];
  const cols = libs.map((l) => l.label);
  out.push(
    'Absolute figures: median [min–max] over the timed runs after warm-up, readback included ' +
      '(ms per run; dispatch: µs per op; cold start: ms from import to first result).',
    table(['workload (unit)', ...cols], rows.map((r) => [`${r.label} (${r.unit})`, ...libs.map((l) => cellText(r.cells[l.id]))])),
  );
  const cold = rows.filter((r) => r.workload === 'cold');
  if (cold.length) {
    out.push(
      '',
      'Cold start split (medians, ms): import of the library (fetch, parse, evaluate; wgflow also acquires its device at ' +
        'import) + first result (set-up, compilation, upload, run, readback).',
      table(
        ['workload', ...cols],
        cold.map((r) => [r.label, ...libs.map((l) => {
          const c = r.cells[l.id];
          return c?.status === 'ok' ? `${fmt(c.importMs)} + ${fmt(c.firstMs)}` : '';
        })]),
      ),
    );
  }
  const through = rows.filter((r) => Object.values(r.cells).some((c) => c?.gflops !== undefined || c?.gbps !== undefined));
  if (through.length) {
    out.push(
      '',
      'Throughput at the median (GFLOP/s where a workload counts its flops: matmul, MLP, convolutions, CNN; GB/s of kernel input+output for the rest):',
      table(
        ['workload', ...cols],
        through.map((r) => [
          r.label + (Object.values(r.cells).some((c) => c?.gflops !== undefined) ? ' (GFLOP/s)' : ' (GB/s)'),
          ...libs.map((l) => {
            const c = r.cells[l.id];
            return c?.status === 'ok' ? fmt(c.gflops ?? c.gbps) : '';
          }),
        ]),
      ),
    );
  }
  for (const subject of SUBJECTS.filter((s) => libs.some((l) => l.id === s))) {
    if (!rows.some((r) => r.cells[subject]?.status === 'ok')) continue;
    const peers = libs.filter((l) => l.id !== subject && !CPU_LIBS.includes(l.id));
    if (!peers.length) continue;
    const name = libs.find((l) => l.id === subject)!.label;
    out.push(
      '',
      `Ratios for ${name}: peer median ÷ ${name} median (above 1: ${name} is faster; below 1: slower by that factor).`,
      table(
        ['workload', ...peers.map((l) => `vs ${l.label}`)],
        rows.filter((r) => r.cells[subject]?.status === 'ok').map((r) => [r.label, ...peers.map((l) => times(ratio(r, subject, l.id)))]),
      ),
    );
  }
  out.push(...cpuLines(rows, libs));
  out.push('', ...baselineLines(rows), ...problemLines(rows, libs));
  return out.join('\n');
}

type CpuPair = (typeof CPU_PAIRS)[number];

/** CPU median ÷ WebGPU median of one mode on one row: 0 where the CPU's median is 0 ms (under the timer's tick). */
function cpuRatio(row: Row, pair: CpuPair): number | undefined {
  const [c, g] = [row.cells[pair.cpu], row.cells[pair.gpu]];
  if (c?.status !== 'ok' || g?.status !== 'ok' || c.median === undefined || !g.median) return undefined;
  return c.median / g.median;
}

/** The ratio and which device won. */
function cpuCell(row: Row, pair: CpuPair): string {
  const r = cpuRatio(row, pair);
  if (r === undefined) return row.cells[pair.cpu]?.status === 'skipped' ? 'skipped' : '—';
  if (r === 0) return '0×  CPU faster (under the timer tick)';
  const v = verdict(r);
  return `${fmt(r)}×  ${v === 'level' ? 'level' : v === 'CPU' ? `CPU ${fmt(1 / r)}× faster` : `WebGPU ${fmt(r)}× faster`}`;
}

/** Which device wins at a CPU ÷ WebGPU ratio; within 5% either way counts as level. */
const verdict = (r: number) => (r < 0.95 ? 'CPU' : r > 1.05 ? 'WebGPU' : 'level');

/**
 * The CPU-vs-WebGPU section: for every row with a CPU and a WebGPU figure of a wgflow mode, CPU ÷ WebGPU and
 * the winner, then where the winner changes over the chain's sizes (the crossover).
 */
export function cpuLines(rows: Row[], libs: Pick<Lib, 'id'>[]): string[] {
  const pairs = CPU_PAIRS.filter((p) => libs.some((l) => l.id === p.cpu) && libs.some((l) => l.id === p.gpu));
  const both = rows.filter((r) => pairs.some((p) => r.cells[p.cpu] && r.cells[p.gpu]?.status === 'ok'));
  if (!both.length) return [];
  const lines = [
    '',
    'CPU vs WebGPU (wgflow): CPU median ÷ WebGPU median of the same mode (below 1: the CPU device is faster; within 5%: level).',
    table(['workload', ...pairs.map((p) => `${p.mode}: CPU ÷ WebGPU`)], both.map((r) => [r.label, ...pairs.map((p) => cpuCell(r, p))])),
  ];
  // Crossover over the chain's sizes (chain and chain-sweep rows together; two rows of one size are merged by
  // their geometric mean): the last size the CPU wins, and the verdict at the next one.
  const chains = rows.filter((r) => r.workload === 'chain' || r.workload === 'chain-sweep');
  const sizes = [...new Set(chains.map((r) => r.size))].sort((a, b) => a - b);
  for (const p of pairs) {
    const bySize = sizes.flatMap((size) => {
      const rs = chains.filter((r) => r.size === size).map((r) => cpuRatio(r, p)).filter((r) => r !== undefined);
      return rs.length ? [{ size, r: rs.reduce((a, b) => a * b, 1) ** (1 / rs.length) }] : [];
    });
    if (bySize.length < 2) continue;
    const list = bySize.map((x) => `${shortCount(x.size)} ${fmt(x.r)}×`).join(', ');
    const last = bySize.findLastIndex((x) => verdict(x.r) === 'CPU');
    const next = bySize[last + 1];
    const text =
      last < 0 ? 'the CPU is faster at no size measured'
      : !next ? 'the CPU is faster at every size measured'
      : `CPU faster up to ${shortCount(bySize[last].size)}; at ${shortCount(next.size)} ${verdict(next.r) === 'level' ? 'level' : `WebGPU ${fmt(next.r)}× faster`}`;
    lines.push(`  chain crossover, ${p.mode}: CPU ÷ WebGPU by size ${list} → ${text}`);
  }
  const skipped = new Map<string, string[]>();
  for (const r of rows) {
    for (const p of pairs) {
      const c = r.cells[p.cpu];
      if (c?.status === 'skipped' && c.note && !skipped.get(c.note)?.includes(r.label)) skipped.set(c.note, [...(skipped.get(c.note) ?? []), r.label]);
    }
  }
  for (const [note, labels] of skipped) lines.push(`  skipped on the CPU device: ${labels.join(', ')} — ${note}`);
  return lines;
}

/** How strong the raw baselines are: they only mean something if they beat the best library clearly. */
export function baselineLines(rows: Row[]): string[] {
  const lines: string[] = ['Baseline strength (raw WGSL against jax-js; a baseline is meaningful only if it is clearly faster):'];
  const check = (row: Row | undefined, peers: LibId[], target: number, what: string) => {
    if (!row || !row.cells.raw) return; // no baseline in this run (e.g. --libs without raw, or Node)
    const vs = peers.map((p) => ({ p, r: ratio(row, 'raw', p) })).filter((x) => x.r !== undefined);
    if (!vs.length) return lines.push(`  ${what}: not measured`);
    const worst = vs.reduce((a, b) => (a.r! < b.r! ? a : b));
    lines.push(`  ${what}: raw is ${worst.r!.toFixed(2)}× ${worst.p} (target ≥ ${target}×)${worst.r! < target ? '  BELOW TARGET' : ''}`);
  };
  check(rows.find((r) => r.workload === 'matmul' && r.size === 1024), ['jax-eager', 'jax-jit'], 1.36, 'matmul 1024');
  check(rows.find((r) => r.workload === 'chain'), ['jax-jit'], 1.8, 'chain');
  return lines.length > 1 ? lines : [];
}

/** Failed checks, errors and leaks, spelled out under the tables. */
function problemLines(rows: Row[], libs: Pick<Lib, 'id' | 'label'>[]): string[] {
  const lines: string[] = [];
  for (const r of rows) {
    for (const l of libs) {
      const c = r.cells[l.id];
      if (!c) continue;
      if (c.status === 'wrong' || c.status === 'error') lines.push(`  ${r.label}, ${l.label}: ${c.status}: ${c.note}`);
      if (c.status === 'ok' && leaked(c)) lines.push(`  ${r.label}, ${l.label}: live count ${c.liveBefore} before the timed runs, ${c.liveAfter} after (leak)`);
    }
  }
  return lines.length ? ['', 'Problems:', ...lines] : [];
}
