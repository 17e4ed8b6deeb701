// Reductions: geometry (kept/reduced dims with mergeable dims merged), the strategy selection point, and
// WGSL generation. Computes out[o] = epilogue(⊕_{r<R} prologue(x[o, r])) for every kept position o.
// Grid: `thread` — one invocation per output (1-D, folded to 2-D); `workgroup` — one workgroup per
// (output, chunk), each invocation accumulating a strided slice of the chunk, then a shared-memory tree.
// Long axes run in two passes (chunks of partial results, then a reduction of the partials), which keeps
// float32 sums close to a pairwise sum's accuracy.
import { DTYPE_INFO, type DType } from '../core/dtype';
import type { Launch, ReduceKernel } from '../ir/kernel';
import { LSE, isPairReduction, reduction, type ReduceOp } from '../ir/reductions';
import { broadcastStrides } from '../core/shape';
import type { ShaderModuleSpec } from './codegen';
import { HelperSet, emitExpr, fromStorage, paramRef, toStorage } from './emit';
import { paramBits, wordRef } from './layout';
import { wgslApply, wgslLiteral } from './prims';

export interface Dims {
  shape: number[];
  strides: number[];
}

/** Geometry of one reduction: kept dims (one output each) × reduced dims, with per-input strides. */
export interface ReduceGeometry {
  outputs: number;
  /** Number of reduced elements per output. */
  R: number;
  keptShape: number[];
  redShape: number[];
  /** Per input (all inputs are seen with the reduced tensor's shape; broadcast dims have stride 0). */
  inputs: { offset: number; kept: number[]; red: number[] }[];
}

/** Merges consecutive dims whose strides allow addressing them as one (size-1 dims are dropped). */
export function mergeDims(shape: number[], strides: number[]): Dims {
  const m = mergeMulti(shape, [strides]);
  return { shape: m.shape, strides: m.strides[0] };
}

/** mergeDims over several inputs at once: dims merge only when they merge for every input. */
export function mergeMulti(shape: number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const out = { shape: [] as number[], strides: strides.map(() => [] as number[]) };
  shape.forEach((s, i) => {
    if (s === 1) return;
    const n = out.shape.length;
    if (n > 0 && strides.every((st, k) => out.strides[k][n - 1] === st[i] * s)) {
      out.shape[n - 1] *= s;
      strides.forEach((st, k) => (out.strides[k][n - 1] = st[i]));
    } else {
      out.shape.push(s);
      strides.forEach((st, k) => out.strides[k].push(st[i]));
    }
  });
  return out;
}

/** Geometry for reducing `axes` of a tensor of `shape`, read through one view per input. */
export function reduceGeometry(
  shape: readonly number[],
  views: { strides: readonly number[]; offset: number }[],
  axes: readonly number[],
): ReduceGeometry {
  const ax = new Set(axes);
  const pick = (keep: boolean) => {
    const idx = shape.map((_, i) => i).filter((i) => ax.has(i) !== keep);
    return mergeMulti(idx.map((i) => shape[i]), views.map((v) => idx.map((i) => v.strides[i])));
  };
  const kept = pick(true);
  const red = pick(false);
  const outputs = shape.reduce((p, s, i) => (ax.has(i) ? p : p * s), 1);
  const R = shape.reduce((p, s, i) => (ax.has(i) ? p * s : p), 1);
  return {
    outputs,
    R,
    keptShape: kept.shape,
    redShape: red.shape,
    inputs: views.map((v, k) => ({ offset: v.offset, kept: kept.strides[k], red: red.strides[k] })),
  };
}

/** The geometry of a reduce launch: every input seen with the reduced tensor's shape (`inShape`). */
export function reduceGeometryOf(launch: Launch): ReduceGeometry {
  const shape = launch.inShape ?? launch.inputs[0].shape;
  return reduceGeometry(
    shape,
    launch.inputs.map((v) => ({ strides: broadcastStrides(v.shape, v.strides, shape), offset: v.offset })),
    launch.axes ?? [],
  );
}

export interface ReducePlan {
  strategy: 'thread' | 'workgroup';
  workgroupSize: number;
  /** Chunks per output (> 1: a first pass writes partials, a second reduces them). */
  chunks: number;
  chunkSize: number;
}

/**
 * The selection point for reductions. Short reductions: one invocation per output. Otherwise a workgroup
 * per output; past `CHUNK` elements, split into chunks reduced in two passes (parallelism for few long
 * rows, and accuracy: each partial sums at most CHUNK/workgroupSize values sequentially).
 */
export function planReduce(op: ReduceOp, R: number, cpuLike: boolean, outputs = 1): ReducePlan {
  const workgroupSize = cpuLike ? 64 : 256;
  if (R <= 32) return { strategy: 'thread', workgroupSize: 64, chunks: 1, chunkSize: Math.max(R, 1) };
  // A CPU-emulated adapter pays dearly for workgroup barriers: with outputs enough to keep its cores busy,
  // one invocation per output summing its whole range is several times faster (bench: sum-rows/sum-cols).
  if (cpuLike && outputs >= 64 && R <= 65536) return { strategy: 'thread', workgroupSize: 64, chunks: 1, chunkSize: R };
  const CHUNK = 8192;
  // Pair accumulators (arg-reductions, log-sum-exp) reduce in one pass.
  if (R <= CHUNK || isPairReduction(op)) return { strategy: 'workgroup', workgroupSize, chunks: 1, chunkSize: R };
  return { strategy: 'workgroup', workgroupSize, chunks: Math.ceil(R / CHUNK), chunkSize: CHUNK };
}

// ---- uniform block: fixed words first, then geometry, then params ----
// 0 outputs, 1..3 NaN/+Inf/-Inf, 4 R, 5 chunks, 6 chunkSize, 7 unused, 8… kept shape, red shape, then per
// input: offset, kept strides, red strides; then params.
interface ReduceLayout {
  keptShape: number[];
  redShape: number[];
  inputs: { offset: number; kept: number[]; red: number[] }[];
  params: number[];
  vec4s: number;
}

function reduceLayout(keptRank: number, redRank: number, nInputs: number, nParams: number): ReduceLayout {
  let w = 8;
  const take = (n: number) => Array.from({ length: n }, () => w++);
  const keptShape = take(keptRank);
  const redShape = take(redRank);
  const inputs = Array.from({ length: nInputs }, () => ({ offset: take(1)[0], kept: take(keptRank), red: take(redRank) }));
  const params = take(nParams);
  return { keptShape, redShape, inputs, params, vec4s: Math.ceil(w / 4) };
}

export function packReduceUniforms(
  k: ReduceKernel,
  g: ReduceGeometry,
  plan: ReducePlan,
  params: number[],
  into: Uint32Array,
  at: number,
): number {
  const l = reduceLayout(g.keptShape.length, g.redShape.length, g.inputs.length, k.params.length);
  into.fill(0, at, at + l.vec4s * 4);
  into.set([g.outputs, 0x7fc00000, 0x7f800000, 0xff800000, g.R, plan.chunks, plan.chunkSize, 0], at);
  const put = (words: number[], values: number[]) => words.forEach((w, i) => (into[at + w] = values[i]));
  put(l.keptShape, g.keptShape);
  put(l.redShape, g.redShape);
  g.inputs.forEach((gi, i) => {
    into[at + l.inputs[i].offset] = gi.offset;
    put(l.inputs[i].kept, gi.kept); // negative strides wrap to their i32 bits
    put(l.inputs[i].red, gi.red);
  });
  put(l.params, params.map((v, i) => paramBits(v, k.params[i])));
  return l.vec4s * 16;
}

/** The start value of a reduction in the accumulator dtype, as WGSL. */
function identity(op: ReduceOp, acc: DType, helpers: HelperSet): string {
  return helpers.use(wgslLiteral(reduction(op).identity(acc), acc));
}

/** The combine rule of a fold (its binary primitive from the table), applied to a and b. */
function combine(op: ReduceOp, acc: DType, a: string, b: string, helpers: HelperSet): string {
  const r = reduction(op);
  if (r.kind !== 'fold') throw new Error(`combine: ${op} has a pair accumulator`);
  return helpers.use(wgslApply(r.combine, { d: acc, nan: [true, true] }, [a, b]));
}

/** offset + Σ coord·stride, the strides read from `stride(d)` (hoisted `let`s: loop-invariant uniforms). */
const addressOf = (offset: string, coords: string[], stride: (d: number) => string) =>
  `u32(${[offset, ...coords.map((c, d) => `i32(${c}) * ${stride(d)}`)].join(' + ')})`;

/** Row-major decomposition of `v` over dims whose sizes are `size(d)` (a uniform word or a hoisted `let`). */
function decompose(v: string, prefix: string, n: number, size: (d: number) => string): string[] {
  if (n === 0) return [];
  const lines = [`var ${prefix}rem = ${v};`];
  for (let d = n - 1; d >= 1; d--) {
    lines.push(`let ${prefix}${d} = ${prefix}rem % ${size(d)}; ${prefix}rem = ${prefix}rem / ${size(d)};`);
  }
  lines.push(`let ${prefix}0 = ${prefix}rem;`);
  return lines;
}

export function generateReduceWGSL(k: ReduceKernel, keptRank: number, redRank: number, plan: ReducePlan): ShaderModuleSpec {
  const n = k.inputs.length;
  const l = reduceLayout(keptRank, redRank, n, k.params.length);
  const helpers = new HelperSet();
  const def = reduction(k.op);
  const arg = def.kind === 'arg';
  // log-sum-exp keeps (running maximum `acc`, Σ exp(x - acc) `se`) and ends with acc + log(se): see LSE.
  const lse = def.kind === 'lse';
  const stats = def.kind === 'lse' && def.stats;
  if (lse) ['wg_isnan', 'wg_inf', 'wg_log'].forEach((h) => helpers.add(h as 'wg_isnan'));
  const accT = DTYPE_INFO[k.acc].wgsl;
  const leaf = (inputName: (i: number) => string) => (e: { prim: string; value: number; dtype: DType }) => {
    if (e.prim === 'input') return inputName(e.value);
    if (e.prim === 'param') return paramRef(l.params[e.value], e.dtype);
    throw new Error(`reduce: ${e.prim} leaf`);
  };
  const pro = emitExpr(k.prologue, leaf((i) => `x${i}`), helpers, 'p');
  // arg-reductions: the epilogue sees the index
  const epi = emitExpr(k.epilogue, leaf(() => (arg ? 'best' : lse && !stats ? 'lsev' : 'acc')), helpers, 'e');
  const id = identity(k.op, k.acc, helpers);
  const better = def.kind === 'arg' ? def.better : '>';
  const keptCoords = Array.from({ length: keptRank }, (_, d) => `k${d}`);
  const redCoords = Array.from({ length: redRank }, (_, d) => `r${d}`);
  const used = new Set<number>();
  linearizeInputs(k.prologue, used);

  // The loop body: element r of this output's reduced range, from every input, folded into (acc[, best]).
  const fold = [
    ...decompose('r', 'r', redRank, (d) => `rsize${d}`),
    ...[...used].map((i) => `let x${i} = ${fromStorage(`in${i}[${addressOf(`base${i}`, redCoords, (d) => `rs${i}_${d}`)}]`, k.inputs[i])};`),
    ...pro.lines,
    arg
      ? `if (${pro.result} ${better} acc || best == 2147483647i) { acc = ${pro.result}; best = i32(r); }`
      : lse
        ? LSE.wgslFold(pro.result)
        : `acc = ${combine(k.op, k.acc, 'acc', pro.result, helpers)};`,
  ];
  const head = [
    `// wgflow kernel: ${k.name} (reduce ${k.op}, ${plan.strategy}${plan.chunks > 1 ? ', two passes' : ''})`,
    `@group(0) @binding(0) var<uniform> u: array<vec4<u32>, ${l.vec4s}>;`,
    ...k.inputs.map((d, i) => `@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<${DTYPE_INFO[d].storage}>;`),
    `@group(0) @binding(${n + 1}) var<storage, read_write> out: array<${DTYPE_INFO[k.out].storage}>;`,
  ];
  const store = (g: string) =>
    stats
      ? [`out[2u * ${g}] = m0;`, `out[2u * ${g} + 1u] = wg_log(se);`]
      : [...(lse ? ['let lsev = m0 + wg_log(se);'] : []), ...epi.lines, `out[${g}] = ${toStorage(epi.result, k.out)};`];
  const prelude = (g: string) => [
    `let o = ${g} / ${wordRef(5)};`,
    `let chunk = ${g} % ${wordRef(5)};`,
    ...decompose('o', 'k', keptRank, (d) => wordRef(l.keptShape[d])),
    // The reduced dims' sizes and strides, read once (the element loop would otherwise reload them).
    ...l.redShape.map((w, d) => `let rsize${d} = ${wordRef(w)};`),
    ...[...used].flatMap((i) => l.inputs[i].red.map((w, d) => `let rs${i}_${d} = bitcast<i32>(${wordRef(w)});`)),
    ...[...used].map(
      (i) =>
        `let base${i} = ${[`i32(${wordRef(l.inputs[i].offset)})`, ...keptCoords.map((c, d) => `i32(${c}) * bitcast<i32>(${wordRef(l.inputs[i].kept[d])})`)].join(' + ')};`,
    ),
    `let start = chunk * ${wordRef(6)};`,
    `let end = min(start + ${wordRef(6)}, ${wordRef(4)});`,
    `var acc: ${accT} = ${id};`,
    ...(arg ? ['var best: i32 = 2147483647i;'] : []),
    ...(lse ? ['var se: f32 = 0.0f;'] : []),
  ];
  const total = `(${wordRef(0)} * ${wordRef(5)})`;
  let main: string[];
  const wg = plan.workgroupSize;
  if (plan.strategy === 'thread') {
    main = [
      `@compute @workgroup_size(${wg})`,
      'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
      `  let g = gid.x + gid.y * nwg.x * ${wg}u;`,
      `  if (g >= ${total}) { return; }`,
      ...prelude('g').map((x) => `  ${x}`),
      ...(arg || lse
        ? ['  for (var r = start; r < end; r = r + 1u) {', ...fold.map((x) => `    ${x}`), '  }']
        : [
            // Four elements per step into four accumulators (independent chains: more work in flight per
            // invocation), combined at the end; then the remainder.
            ...[1, 2, 3].map((j) => `  var acc${j}: ${accT} = ${id};`),
            '  var r0base = start;',
            '  for (; r0base + 3u < end; r0base = r0base + 4u) {',
            ...[0, 1, 2, 3].flatMap((j) => [
              `    { let r = r0base + ${j}u;${j ? ` var acc = acc${j};` : ''}`,
              ...fold.map((x) => `      ${x}`),
              ...(j ? [`      acc${j} = acc;`] : []),
              '    }',
            ]),
            '  }',
            '  for (var r = r0base; r < end; r = r + 1u) {',
            ...fold.map((x) => `    ${x}`),
            '  }',
            `  acc = ${combine(k.op, k.acc, combine(k.op, k.acc, 'acc', 'acc1', helpers), combine(k.op, k.acc, 'acc2', 'acc3', helpers), helpers)};`,
          ]),
      ...(lse ? ['  let m0 = acc;'] : []),
      ...store('g').map((x) => `  ${x}`),
      '}',
    ];
  } else {
    const shared = [
      `var<workgroup> sv: array<${accT}, ${wg}>;`,
      ...(arg ? [`var<workgroup> si: array<i32, ${wg}>;`] : []),
      ...(lse ? [`var<workgroup> ss: array<f32, ${wg}>;`] : []),
    ];
    const treeStep = arg
      ? [
          `let v = sv[lid + s]; let vi = si[lid + s];`,
          `if (v ${better} sv[lid] || (v == sv[lid] && vi < si[lid])) { sv[lid] = v; si[lid] = vi; }`,
        ]
      : lse
        ? LSE.wgslMerge
        : [`sv[lid] = ${combine(k.op, k.acc, 'sv[lid]', 'sv[lid + s]', helpers)};`];
    main = [
      ...shared,
      `@compute @workgroup_size(${wg})`,
      'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {',
      // g is uniform across the workgroup, so this early return keeps the barriers below in uniform control flow.
      '  let g = wid.x + wid.y * nwg.x;',
      `  if (g >= ${total}) { return; }`,
      ...prelude('g').map((x) => `  ${x}`),
      `  for (var r = start + lid; r < end; r = r + ${wg}u) {`,
      ...fold.map((x) => `    ${x}`),
      '  }',
      '  sv[lid] = acc;',
      ...(arg ? ['  si[lid] = best;'] : []),
      ...(lse ? ['  ss[lid] = se;'] : []),
      '  workgroupBarrier();',
      `  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {`,
      '    if (lid < s) {',
      ...treeStep.map((x) => `      ${x}`),
      '    }',
      '    workgroupBarrier();',
      '  }',
      '  if (lid == 0u) {',
      arg ? '    let best = si[0];' : lse ? '    let m0 = sv[0]; let se = ss[0];' : '    let acc = sv[0];',
      ...store('g').map((x) => `    ${x}`),
      '  }',
      '}',
    ];
  }
  const code = [...head, ...helpers.code(), ...main, ''].join('\n');
  return {
    code,
    bindings: { uniform: 0, inputs: k.inputs.map((_, i) => i + 1), output: n + 1 },
    workgroupSize: [wg, 1, 1],
    elementsPerThread: 1,
    uniformBytes: l.vec4s * 16,
  };
}

/** The input slots an expression reads. */
function linearizeInputs(e: { prim: string; value: number; args: readonly unknown[] }, into: Set<number>, seen = new Set<unknown>()): void {
  if (seen.has(e)) return;
  seen.add(e);
  if (e.prim === 'input') into.add(e.value);
  for (const a of e.args) linearizeInputs(a as typeof e, into, seen);
}
