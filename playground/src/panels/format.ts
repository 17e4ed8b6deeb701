// Number and label formatting shared by the Timings, Kernels, Memory and Optimisations panels: times with
// a unit that fits their size, bytes in binary units, shapes, and the snippet positions of profile sources.
import type * as WG from '../../../engine/index';
import { SNIPPET_FILE } from '../positions';

/** A duration in milliseconds, in the unit that keeps 3–4 significant digits (ns, µs, ms, s). */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  if (a === 0) return '0 ms';
  if (a < 0.001) return `${Math.round(ms * 1e6)} ns`;
  if (a < 0.1) return `${(ms * 1000).toFixed(a < 0.01 ? 2 : 1)} µs`.replace(/\.?0+ µs$/, ' µs');
  if (a < 1) return `${ms.toFixed(3)} ms`;
  if (a < 10) return `${ms.toFixed(2)} ms`;
  if (a < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes in binary units (B, KiB, MiB, GiB). */
export function fmtBytes(b: number | undefined): string {
  if (b === undefined || !Number.isFinite(b)) return '—';
  const a = Math.abs(b);
  if (a < 1024) return `${b} B`;
  if (a < 1 << 20) return `${(b / 1024).toFixed(1)} KiB`;
  if (a < 1 << 30) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  return `${(b / (1 << 30)).toFixed(2)} GiB`;
}

/** A ratio as "4.02×" (two decimals below 10, one above). */
export function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r) || r <= 0) return '—';
  return `${r < 10 ? r.toFixed(2) : r.toFixed(1)}×`;
}

export function fmtPct(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '—';
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

/** Bytes per millisecond as GB/s (decimal, as bandwidth is usually quoted). */
export function fmtBandwidth(bytes: number, ms: number | undefined): string {
  if (!ms || ms <= 0 || !bytes) return '—';
  const gbs = bytes / ms / 1e6;
  return gbs >= 100 ? `${gbs.toFixed(0)} GB/s` : gbs >= 1 ? `${gbs.toFixed(1)} GB/s` : `${(gbs * 1000).toFixed(0)} MB/s`;
}

const SHORT_DTYPE: Record<string, string> = { float32: 'f32', float16: 'f16', int32: 'i32', uint32: 'u32', bool: 'bool' };
/** "f32[1024,3]": a dtype (short WGSL-like name) and a shape (unknown dimensions as ?). */
export const fmtShape = (shape: readonly number[], dtype?: string) =>
  `${dtype ? (SHORT_DTYPE[dtype] ?? dtype) : ''}[${shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`;

/** The time a profile kernel took: GPU time where measured, else what the CPU observed. */
export const kernelMs = (k: WG.ProfileKernel): number => k.gpuMs ?? k.cpuMs ?? 0;
/** The bytes a profile transfer moved (a copy reads on one side and writes on the other). */
export const movedBytes = (k: WG.ProfileKernel): number => Math.max(k.bytesRead, k.bytesWritten);

/**
 * Where a profile kernel ran, or where a transfer copied from and to: 'webgpu', 'cpu', 'webgpu → cpu' (between
 * devices), 'host → webgpu' (an upload), 'webgpu → host' (a readback).
 */
export function routeOf(k: Pick<WG.ProfileKernel, 'kind' | 'name' | 'device'>): string {
  if (k.kind !== 'transfer') return k.device;
  const m = /^(\w+)\s*→\s*(\w+)$/.exec(k.name);
  if (m) return `${m[1]} → ${m[2]}`;
  if (k.name === 'upload') return `host → ${k.device}`;
  if (k.name === 'readback') return `${k.device} → host`;
  return k.device;
}

/** A copy between two devices (not a host upload or readback)? */
export const isDeviceCopy = (k: Pick<WG.ProfileKernel, 'kind' | 'name'>): boolean => k.kind === 'transfer' && /^\w+\s*→\s*\w+$/.test(k.name);

/** Which clock kernelMs read. */
export const kernelClock = (k: WG.ProfileKernel): 'gpu' | 'cpu' | 'none' => (k.gpuMs !== undefined ? 'gpu' : k.cpuMs !== undefined ? 'cpu' : 'none');

/** A source in the user's snippet (positions of engine-internal frames are not shown as links). */
export const inSnippet = (s: { file?: string; line?: number }): s is { file?: string; line: number; column?: number } =>
  s.line !== undefined && (s.file === undefined || s.file === SNIPPET_FILE);

/** Distinct snippet lines of some sources, in order of first appearance. */
export function snippetLines(sources: readonly WG.ProfileSource[]): { line: number; column: number }[] {
  const seen = new Set<number>();
  const out: { line: number; column: number }[] = [];
  for (const s of sources) {
    if (!inSnippet(s) || seen.has(s.line)) continue;
    seen.add(s.line);
    out.push({ line: s.line, column: s.column ?? 1 });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** "snippet.ts:5:14" strings (as comparison rows carry them) → snippet lines. */
export function parseLines(lines: readonly string[]): { line: number; column: number }[] {
  const out = new Map<number, number>();
  for (const l of lines) {
    const m = /^(.*):(\d+):(\d+)$/.exec(l);
    if (!m || (m[1] !== SNIPPET_FILE && m[1] !== '')) continue;
    const line = Number(m[2]);
    if (!out.has(line)) out.set(line, Number(m[3]));
  }
  return [...out].map(([line, column]) => ({ line, column })).sort((a, b) => a.line - b.line);
}

/** The timer a profile used, in words: "GPU timestamp queries · 1 ns resolution". */
export function describeTimer(t: WG.ProfileTimer): string {
  const res = t.resolutionMs > 0 ? `${fmtMs(t.resolutionMs)} resolution` : 'resolution unknown';
  return t.source === 'timestamp-query' ? `GPU timestamp queries · ${res}` : `CPU clock (no GPU timestamps) · ${res}`;
}

/** The forward op a backward kernel's source differentiates (ProfileSource.grad). */
export type GradOf = NonNullable<WG.ProfileSource['grad']>;

/**
 * The distinct forward ops some kernel sources differentiate (a backward pass's kernels carry `grad`), in order
 * of first appearance: one per forward op and line (a fused backward kernel can cover several).
 */
export function gradsOf(sources: readonly WG.ProfileSource[]): GradOf[] {
  const seen = new Set<string>();
  const out: GradOf[] = [];
  for (const s of sources) {
    const g = s.grad;
    if (!g) continue;
    const key = `${g.op}#${g.node ?? ''}@${g.line ?? ''}:${g.column ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(g);
  }
  return out;
}

/** "∇ matMul (line 7)": the forward op a backward kernel differentiates, and its line. */
export const gradLabel = (g: GradOf) => `∇ ${g.op}${inSnippet(g) ? ` (line ${g.line})` : ''}`;
