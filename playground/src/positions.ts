// Positions reported by a run (errors, profile sources, graph nodes, the eager trace) are in the emitted
// JavaScript, inside the frame's function wrapper; these helpers bring them back to the snippet's lines.
import { originalPosition, type LineMap } from './sourcemap';
import type { ProfileComparison, RunRecord } from './runner/validate';

export interface SnippetPosition {
  line: number;
  column: number;
}

export const SNIPPET_FILE = 'snippet.ts';

/** A position in the emitted code (wrapper lines already removed) → the snippet's line and column. */
export function mapEmitted(map: LineMap | undefined, p: SnippetPosition): SnippetPosition {
  return originalPosition(map, p.line, p.column);
}

/**
 * An engine diagnostic from the console ("wgflow: placed add on cpu (at snippet.js:4:14)", wrapper lines
 * already removed by the frame) as an output line: dim, its position a link to the snippet's line.
 */
export function engineLine(text: string, map: LineMap | undefined): { level: 'engine'; text: string; line?: number; column?: number } {
  const m = / \(at [^()]*snippet\.js:(\d+):(\d+)\)/.exec(text);
  if (!m) return { level: 'engine', text };
  const p = mapEmitted(map, { line: Number(m[1]), column: Number(m[2]) });
  return { level: 'engine', text: text.replace(m[0], ''), line: p.line, column: p.column };
}

/** A fixer of snippet positions reported by the engine (they still include the wrapper lines). */
function fixer(lineOffset: number, map: LineMap | undefined) {
  const fix = <T extends { file?: string; line?: number; column?: number }>(s: T): T => {
    if (!s.file?.endsWith('snippet.js') || s.line === undefined) return s;
    const p = mapEmitted(map, { line: s.line - lineOffset, column: s.column ?? 1 });
    return { ...s, file: SNIPPET_FILE, line: p.line, column: p.column };
  };
  // A backward op's source also names the forward op's position (grad: ProfileSource.grad, GraphRunNode.grad).
  type Pos = { file?: string; line?: number; column?: number };
  return <T extends Pos & { grad?: Pos }>(s: T): T => {
    const own = fix(s);
    return s.grad ? { ...own, grad: fix(s.grad) } : own;
  };
}

/** Rewrites every snippet position in a comparison (its rows' sources and lines). */
export function normalizeComparison(c: ProfileComparison, lineOffset: number, map: LineMap | undefined): ProfileComparison {
  const fix = fixer(lineOffset, map);
  return {
    ...c,
    rows: c.rows.map((r) => {
      const sources = r.sources.map(fix);
      return { ...r, sources, lines: [...new Set(sources.filter((s) => s.line !== undefined).map((s) => `${s.file}:${s.line}:${s.column}`))] };
    }),
  };
}

/** Rewrites every snippet position in a run record (engine positions still include the wrapper lines). */
export function normalizeRecord(record: RunRecord, lineOffset: number, map: LineMap | undefined): RunRecord {
  const fix = fixer(lineOffset, map);
  return {
    ...record,
    profile: { ...record.profile, kernels: record.profile.kernels.map((k) => ({ ...k, sources: k.sources.map(fix) })) },
    graphs: record.graphs.map((g) => ({ ...g, nodes: g.nodes.map(fix) })),
    trace: record.trace.map(fix),
  };
}
