// Validates a run record that arrived from the sandbox by postMessage: the frame runs untrusted code, so
// the parent rebuilds the record field by field (right types, bounded sizes) and keeps nothing else.
import type * as WG from '../../../engine/index';

export type RunRecord = WG.RunRecord;
export type Profile = WG.Profile;
export type ProfileComparison = WG.ProfileComparison;

class Invalid extends Error {}

const MAX_ITEMS = 50_000;
/** The engine's bound on a profile's kernels and a record's trace (engine/core/profile.ts MAX_PROFILED). */
const MAX_PROFILED = 100_000;
const MAX_STR = 200_000;

const obj = (v: unknown, what: string): Record<string, unknown> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Invalid(`${what} is not an object`);
  return v as Record<string, unknown>;
};
const arr = (v: unknown, what: string, max = MAX_ITEMS): unknown[] => {
  if (!Array.isArray(v)) throw new Invalid(`${what} is not an array`);
  if (v.length > max) throw new Invalid(`${what} has more than ${max} items`);
  return v;
};
const str = (v: unknown, what: string, max = MAX_STR): string => {
  if (typeof v !== 'string') throw new Invalid(`${what} is not a string`);
  if (v.length > max) throw new Invalid(`${what} is too long`);
  return v;
};
const num = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Invalid(`${what} is not a number`);
  return v;
};
const optNum = (v: unknown, what: string) => (v === undefined || v === null ? undefined : num(v, what));
const optStr = (v: unknown, what: string, max = MAX_STR) => (v === undefined ? undefined : str(v, what, max));
const bool = (v: unknown, what: string): boolean => {
  if (typeof v !== 'boolean') throw new Invalid(`${what} is not a boolean`);
  return v;
};
const shape = (v: unknown, what: string) => arr(v, what, 64).map((d, i) => num(d, `${what}[${i}]`));
/** A tensor's { shape, dtype }. */
const tensorType = (v: unknown, what: string) => {
  const t = obj(v, what);
  return { shape: shape(t.shape, `${what}.shape`), dtype: str(t.dtype, `${what}.dtype`, 20) };
};
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;

/** A backward op's forward op (ProfileSource.grad, GraphRunNode.grad, a trace op's grad), when it has one. */
function gradOf(v: unknown, what: string): WG.ProfileSource['grad'] {
  if (v === undefined) return undefined;
  const g = obj(v, what);
  return defined({
    op: str(g.op, `${what}.op`, 200),
    node: optStr(g.node, `${what}.node`, 500),
    file: optStr(g.file, `${what}.file`, 2000),
    line: optNum(g.line, `${what}.line`),
    column: optNum(g.column, `${what}.column`),
  });
}

function source(v: unknown, what: string): WG.ProfileSource {
  const s = obj(v, what);
  return defined({
    op: str(s.op, `${what}.op`, 200),
    node: optStr(s.node, `${what}.node`, 500),
    file: optStr(s.file, `${what}.file`, 2000),
    line: optNum(s.line, `${what}.line`),
    column: optNum(s.column, `${what}.column`),
    grad: gradOf(s.grad, `${what}.grad`),
  });
}

function kernel(v: unknown, i: number): WG.ProfileKernel {
  const w = `profile.kernels[${i}]`;
  const k = obj(v, w);
  return defined({
    name: str(k.name, `${w}.name`, 2000),
    kind: str(k.kind, `${w}.kind`, 50),
    // Which variant a selection point chose (matmul, convolution), in words.
    variant: optStr(k.variant, `${w}.variant`, 500),
    kernelId: str(k.kernelId, `${w}.kernelId`, 200),
    device: str(k.device, `${w}.device`, 50),
    shape: shape(k.shape, `${w}.shape`),
    dtype: str(k.dtype, `${w}.dtype`, 20),
    sources: arr(k.sources, `${w}.sources`, 10_000).map((s, j) => source(s, `${w}.sources[${j}]`)),
    startMs: num(k.startMs, `${w}.startMs`),
    gpuMs: optNum(k.gpuMs, `${w}.gpuMs`),
    cpuMs: optNum(k.cpuMs, `${w}.cpuMs`),
    encodeMs: num(k.encodeMs, `${w}.encodeMs`),
    compileMs: num(k.compileMs, `${w}.compileMs`),
    cacheHit: bool(k.cacheHit, `${w}.cacheHit`),
    bytesRead: num(k.bytesRead, `${w}.bytesRead`),
    bytesWritten: num(k.bytesWritten, `${w}.bytesWritten`),
  });
}

export function validateProfile(v: unknown): Profile {
  const p = obj(v, 'profile');
  const mode = p.mode;
  if (mode !== 'eager' && mode !== 'graph' && mode !== 'mixed') throw new Invalid('profile.mode is unknown');
  return defined({
    mode,
    kernels: arr(p.kernels, 'profile.kernels', MAX_PROFILED).map(kernel),
    omittedKernels: optNum(p.omittedKernels, 'profile.omittedKernels'),
    totals: totals(p.totals, 'profile.totals'),
    timer: timer(p.timer, 'profile.timer'),
  });
}

function runKernels(v: unknown, what: string): WG.GraphRunKernel[] {
  return arr(v, what).map((x, i) => {
    const k = obj(x, `${what}[${i}]`);
    return defined({
      name: str(k.name, `${what}[${i}].name`, 2000),
      kind: str(k.kind, `${what}[${i}].kind`, 50),
      nodes: arr(k.nodes, `${what}[${i}].nodes`).map((n, j) => str(n, `${what}[${i}].nodes[${j}]`, 500)),
      // Where it runs, and what a transfer between devices moves.
      device: optStr(k.device, `${what}[${i}].device`, 50),
      bytes: optNum(k.bytes, `${what}[${i}].bytes`),
    });
  });
}

function graphRun(v: unknown, i: number): WG.GraphRun {
  const w = `graphs[${i}]`;
  const g = obj(v, w);
  const entry = g.entry;
  if (entry !== 'session' && entry !== 'function' && entry !== 'withMode') throw new Invalid(`${w}.entry is unknown`);
  return defined({
    entry,
    runs: optNum(g.runs, `${w}.runs`),
    nodes: arr(g.nodes, `${w}.nodes`).map((x, j) => {
      const n = obj(x, `${w}.nodes[${j}]`);
      return defined({
        id: num(n.id, 'node.id'),
        name: str(n.name, 'node.name', 500),
        op: str(n.op, 'node.op', 200),
        inputs: arr(n.inputs, 'node.inputs').map((m) => num(m, 'node.inputs[]')),
        outputs: arr(n.outputs, 'node.outputs', 1000).map((o) => tensorType(o, 'node.outputs[]')),
        device: str(n.device, 'node.device', 50),
        sideEffect: bool(n.sideEffect, 'node.sideEffect'),
        file: optStr(n.file, 'node.file', 2000),
        line: optNum(n.line, 'node.line'),
        column: optNum(n.column, 'node.column'),
        scope: optStr(n.scope, 'node.scope', 2000),
        grad: gradOf(n.grad, 'node.grad'),
      });
    }),
    before: runKernels(g.before, `${w}.before`),
    after: runKernels(g.after, `${w}.after`),
    passes: arr(g.passes, `${w}.passes`, 100).map((x, j) => {
      const p = obj(x, `${w}.passes[${j}]`);
      const pb = p.peakBytes === undefined ? undefined : obj(p.peakBytes, 'peakBytes');
      return defined({
        pass: str(p.pass, 'pass.pass', 100),
        detail: str(p.detail, 'pass.detail', 2000),
        removed: num(p.removed, 'pass.removed'),
        peakBytes: pb ? { naive: num(pb.naive, 'naive'), planned: num(pb.planned, 'planned') } : undefined,
        kernels: p.kernels === undefined ? undefined : runKernels(p.kernels, `${w}.passes[${j}].kernels`),
      });
    }),
  });
}

export function validateRecord(v: unknown): RunRecord {
  const r = obj(v, 'record');
  const wgsl = obj(r.wgsl, 'record.wgsl');
  const ids = Object.keys(wgsl);
  if (ids.length > MAX_ITEMS) throw new Invalid('record.wgsl has too many kernels');
  return {
    profile: validateProfile(r.profile),
    wgsl: Object.fromEntries(ids.map((id) => [str(id, 'kernel id', 200), str(wgsl[id], `wgsl[${id}]`)])),
    graphs: arr(r.graphs, 'record.graphs', 1000).map(graphRun),
    omittedTrace: optNum(r.omittedTrace, 'record.omittedTrace'),
    trace: arr(r.trace, 'record.trace', MAX_PROFILED).map((x, i) => {
      const t = obj(x, `trace[${i}]`);
      const io = (v2: unknown, w: string) => arr(v2, w, 1000).map((o) => ({ id: num(obj(o, w).id, `${w}.id`), ...tensorType(o, w) }));
      return defined({
        op: str(t.op, 'trace.op', 200),
        file: optStr(t.file, 'trace.file', 2000),
        line: optNum(t.line, 'trace.line'),
        column: optNum(t.column, 'trace.column'),
        scope: optStr(t.scope, 'trace.scope', 2000),
        grad: gradOf(t.grad, 'trace.grad'),
        inputs: io(t.inputs, `trace[${i}].inputs`),
        outputs: io(t.outputs, `trace[${i}].outputs`),
        kernels: arr(t.kernels, `trace[${i}].kernels`).map((k) => num(k, 'trace.kernels[]')),
      });
    }),
  };
}

function totals(v: unknown, what: string): WG.ProfileTotals {
  const t = obj(v, what);
  return defined({
    wallMs: num(t.wallMs, `${what}.wallMs`),
    gpuMs: optNum(t.gpuMs, `${what}.gpuMs`),
    dispatches: num(t.dispatches, `${what}.dispatches`),
    submissions: num(t.submissions, `${what}.submissions`),
    pipelinesCompiled: num(t.pipelinesCompiled, `${what}.pipelinesCompiled`),
    compileMs: num(t.compileMs, `${what}.compileMs`),
    peakBytes: num(t.peakBytes, `${what}.peakBytes`),
  });
}

function timer(v: unknown, what: string): WG.ProfileTimer {
  const t = obj(v, what);
  if (t.source !== 'timestamp-query' && t.source !== 'cpu') throw new Invalid(`${what}.source is unknown`);
  return defined({ source: t.source, resolutionMs: num(t.resolutionMs, `${what}.resolutionMs`), note: optStr(t.note, `${what}.note`, 1000) });
}

export function validateComparison(v: unknown): ProfileComparison {
  const c = obj(v, 'comparison');
  const t = obj(c.totals, 'comparison.totals');
  const tm = obj(c.timers, 'comparison.timers');
  const side = (x: unknown, w: string) => {
    const s = obj(x, w);
    return { kernels: num(s.kernels, `${w}.kernels`), ms: num(s.ms, `${w}.ms`) };
  };
  return {
    rows: arr(c.rows, 'comparison.rows').map((x, i) => {
      const r = obj(x, `rows[${i}]`);
      return {
        label: str(r.label, 'row.label', 2000),
        kind: str(r.kind, 'row.kind', 50),
        sources: arr(r.sources, 'row.sources', 10_000).map((s, j) => source(s, `rows[${i}].sources[${j}]`)),
        lines: arr(r.lines, 'row.lines', 10_000).map((l) => str(l, 'row.lines[]', 2000)),
        eager: side(r.eager, `rows[${i}].eager`),
        graph: side(r.graph, `rows[${i}].graph`),
      };
    }),
    totals: defined({
      eager: totals(t.eager, 'totals.eager'),
      graph: totals(t.graph, 'totals.graph'),
      speedup: num(t.speedup, 'totals.speedup'),
      gpuSpeedup: optNum(t.gpuSpeedup, 'totals.gpuSpeedup'),
    }),
    timers: { eager: timer(tm.eager, 'timers.eager'), graph: timer(tm.graph, 'timers.graph') },
  };
}

/** What the frame kept of a graph-mode run's plans (distinct structures, in the order first computed). */
export interface KeptPlans {
  /** False when the frame stopped counting (too many plans): no pairing with record.graphs is sound then. */
  complete: boolean;
  plans: { runs: number; kept: boolean; ops: string[] }[];
}

export function validateKeptPlans(v: unknown): KeptPlans {
  const k = obj(v, 'graphs');
  return {
    complete: bool(k.complete, 'graphs.complete'),
    plans: arr(k.plans, 'graphs.plans', 1000).map((x, i) => {
      const p = obj(x, `graphs.plans[${i}]`);
      return {
        runs: num(p.runs, `graphs.plans[${i}].runs`),
        kept: bool(p.kept, `graphs.plans[${i}].kept`),
        ops: arr(p.ops, `graphs.plans[${i}].ops`).map((o, j) => str(o, `graphs.plans[${i}].ops[${j}]`, 200)),
      };
    }),
  };
}

/** Base64 data of a saved graph's constants may be large; everything else is bounded as above. */
const MAX_DATA = 1 << 28;

/** A plain JSON value (a node's arguments), copied with bounded depth and sizes. */
function jsonValue(v: unknown, what: string, depth = 0): WG.GraphJSON['nodes'][number]['args'][number] {
  if (depth > 32) throw new Invalid(`${what} is nested too deeply`);
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Invalid(`${what} is not a finite number`);
    return v;
  }
  if (typeof v === 'string') return str(v, what, MAX_DATA);
  if (Array.isArray(v)) return arr(v, what).map((x, i) => jsonValue(x, `${what}[${i}]`, depth + 1));
  const o = obj(v, what);
  const keys = Object.keys(o);
  if (keys.length > 64) throw new Invalid(`${what} has too many keys`);
  return Object.fromEntries(keys.map((key) => [str(key, `${what} key`, 200), jsonValue(o[key], `${what}.${key}`, depth + 1)]));
}

/** A saved graph (g.save()) from the frame, rebuilt field by field before it is offered as a download. */
export function validateGraphJSON(v: unknown): WG.GraphJSON {
  const g = obj(v, 'graph');
  if (g.format !== 'wgflow.graph') throw new Invalid('graph.format is not "wgflow.graph"');
  const outs = obj(g.outputs, 'graph.outputs');
  if (Object.keys(outs).length > 10_000) throw new Invalid('graph.outputs has too many names');
  return {
    format: 'wgflow.graph',
    version: num(g.version, 'graph.version'),
    nodes: arr(g.nodes, 'graph.nodes').map((x, i) => {
      const w = `graph.nodes[${i}]`;
      const n = obj(x, w);
      const requested = n.requested;
      if (requested !== undefined && requested !== 'webgpu' && requested !== 'cpu') throw new Invalid(`${w}.requested is unknown`);
      const loc = n.location === undefined ? undefined : obj(n.location, `${w}.location`);
      return defined({
        id: num(n.id, `${w}.id`),
        name: str(n.name, `${w}.name`, 500),
        op: str(n.op, `${w}.op`, 200),
        args: arr(n.args, `${w}.args`, 1000).map((a, j) => jsonValue(a, `${w}.args[${j}]`)),
        outputs: arr(n.outputs, `${w}.outputs`, 1000).map((o, j) => tensorType(o, `${w}.outputs[${j}]`) as { shape: number[]; dtype: WG.DType }),
        device: str(n.device, `${w}.device`, 50),
        requested,
        sideEffect: bool(n.sideEffect, `${w}.sideEffect`),
        location: loc && { file: str(loc.file, `${w}.location.file`, 2000), line: num(loc.line, `${w}.location.line`), column: num(loc.column, `${w}.location.column`) },
      });
    }),
    outputs: Object.fromEntries(
      Object.entries(outs).map(([name, ref]) => {
        const r = arr(ref, `graph.outputs.${name}`, 2);
        return [str(name, 'output name', 500), [num(r[0], `graph.outputs.${name}[0]`), num(r[1], `graph.outputs.${name}[1]`)] as [number, number]];
      }),
    ),
  };
}

// ---- Images the snippet showed (frame.js's canvas()) ----
// The frame enforces the same limits; the parent checks them again (the frame runs untrusted code).

/** At most this many images a run, each at most MAX_IMAGE_SIDE a side and MAX_IMAGE_PIXELS pixels. */
export const MAX_IMAGES = 32;
export const MAX_IMAGE_SIDE = 4096;
export const MAX_IMAGE_PIXELS = 1 << 22;
/** All of a run's images together (RGBA bytes). */
export const MAX_IMAGE_BYTES = 64 << 20;

/** An image's place in the output: sent when the snippet made its canvas. */
export interface ImageSlot {
  id: number;
  label: string;
}

/** Its pixels (RGBA, row-major, straight alpha), or why there are none: sent when the snippet ended. */
export type ImagePixels = { id: number; width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } | { id: number; error: string };

const imageId = (v: unknown): number => {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= MAX_IMAGES) throw new Invalid(`image id is not an integer from 0 to ${MAX_IMAGES - 1}`);
  return v as number;
};

export function validateImageSlot(m: Record<string, unknown>): ImageSlot {
  return { id: imageId(m.id), label: str(m.label, 'image label', 200) };
}

export function validateImagePixels(m: Record<string, unknown>): ImagePixels {
  const id = imageId(m.id);
  if (m.error !== undefined) return { id, error: str(m.error, 'image error', 2000) };
  const side = (v: unknown, what: string) => {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_IMAGE_SIDE) throw new Invalid(`image ${what} is not an integer from 1 to ${MAX_IMAGE_SIDE}`);
    return v as number;
  };
  const width = side(m.width, 'width');
  const height = side(m.height, 'height');
  if (width * height > MAX_IMAGE_PIXELS) throw new Invalid(`the image has more than ${MAX_IMAGE_PIXELS} pixels`);
  const data = m.data;
  if (!(data instanceof Uint8ClampedArray) || !(data.buffer instanceof ArrayBuffer)) throw new Invalid('image data is not a Uint8ClampedArray');
  if (data.length !== width * height * 4) throw new Invalid(`image data has ${data.length} bytes, not ${width}×${height}×4`);
  return { id, width, height, data: data as Uint8ClampedArray<ArrayBuffer> };
}
