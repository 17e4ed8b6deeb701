// Batched matrix multiply out[b, m, n] = Σ_k A[b, m, k] · B[b, k, n] over strided views (transposes and
// broadcast batch dims are strides), register-blocked: each invocation computes TM×4 outputs held in vec4
// accumulators. Grid: x = ⌈N / (4·WX)⌉, y = ⌈M / (TM·WY)⌉, z = batch. Loads clamp indices into range
// (no branches in the k loop); out-of-range results are simply not stored. Variant `vec4b` reads B four
// columns at a time when B is row-contiguous and 16-byte aligned; `vec4ab` also reads A four k at a time
// when A is k-contiguous, aligned, and K is a multiple of 4.
import { DTYPE_INFO, type DType } from '../core/dtype';
import type { MatmulGeometry, MatmulKernel } from '../ir/kernel';

export type { MatmulGeometry };
import type { ShaderModuleSpec } from './codegen';
import { paramBits, wordRef } from './layout';
import { HelperSet, emitExpr, fromStorage, paramRef, toStorage } from './emit';

export interface MatmulVariant {
  /** reg: scalar loads; vec4b: B read as vec4 along n; vec4ab: also A as vec4 along k (k unrolled by 4). */
  name: 'reg' | 'vec4b' | 'vec4ab';
  /** Rows per invocation. */
  TM: number;
  /** vec4 column groups per invocation (vec4ab only; otherwise 1): an invocation computes TM × 4·VN outputs. */
  VN?: number;
  /** M and N are whole multiples of the workgroup's tile: no index clamps, no output guards. */
  exact?: boolean;
  WX: number;
  WY: number;
}

/**
 * The matmul selection point: picks the variant by adapter and shape. Measured on SwiftShader (CPU):
 * register blocking without shared memory wins, 4×4 per invocation in 8×8 workgroups. Real GPUs get larger
 * workgroups; a shared-memory tiled variant would slot in here once measured on one.
 */
export function chooseMatmul(g: MatmulGeometry, cpuLike: boolean): MatmulVariant {
  const bAligned =
    g.bn === 1 && g.N % 4 === 0 && g.bk % 4 === 0 && g.bOffset % 4 === 0 && g.bBatchStrides.every((s) => s % 4 === 0);
  const aAligned =
    g.ak === 1 && g.K % 4 === 0 && g.am % 4 === 0 && g.aOffset % 4 === 0 && g.aBatchStrides.every((s) => s % 4 === 0);
  const name = bAligned ? (aAligned ? 'vec4ab' : 'vec4b') : 'reg';
  // SwiftShader, measured with bench/matmul.bench.test.ts and the bench suite's raw kernel sweep: with vec4
  // A and B, 8 rows × 16 columns per invocation in 4×4 workgroups (A loads reused across 4 column groups)
  // ~1.7× the 8 × 4 tile; otherwise 8 rows × 4 columns in 8×4 workgroups.
  if (cpuLike) {
    if (name !== 'vec4ab') return { name, TM: 8, WX: 8, WY: 4 };
    const v: MatmulVariant = { name, TM: 8, VN: 4, WX: 4, WY: 4 };
    return { ...v, exact: g.M % (v.TM * v.WY) === 0 && g.N % (4 * v.VN! * v.WX) === 0 };
  }
  return { name, TM: 4, WX: 16, WY: 16 };
}

export function matmulGrid(g: MatmulGeometry, v: MatmulVariant): [number, number, number] {
  return [Math.ceil(g.N / (4 * (v.VN ?? 1) * v.WX)), Math.ceil(g.M / (v.TM * v.WY)), g.batch];
}

// Uniform words: 0 M, 1 N, 2 K, 3 batch, 4 aOffset, 5 bOffset, 6 am, 7 ak, 8 bk, 9 bn, then per batch dim:
// shape, A stride, B stride; then per epilogue extra input: offset, m stride, n stride, batch strides; params.
function words(batchRank: number, extras = 0, params = 0) {
  const base = 10;
  const dims = Array.from({ length: batchRank }, (_, d) => ({ shape: base + 3 * d, a: base + 3 * d + 1, b: base + 3 * d + 2 }));
  let w = base + 3 * batchRank;
  const ex = Array.from({ length: extras }, () => {
    const e = { offset: w, m: w + 1, n: w + 2, batch: Array.from({ length: batchRank }, (_, d) => w + 3 + d) };
    w += 3 + batchRank;
    return e;
  });
  const ps = Array.from({ length: params }, () => w++);
  return { dims, extras: ex, params: ps, vec4s: Math.ceil(w / 4) };
}

/** An epilogue input's strides relative to the output [batch…, M, N] (0 on broadcast dims). */
export interface ExtraGeometry {
  offset: number;
  strides: number[];
}

export function packMatmulUniforms(
  g: MatmulGeometry,
  into: Uint32Array,
  at: number,
  extras: ExtraGeometry[] = [],
  params: { value: number; dtype: DType }[] = [],
): number {
  const r = g.batchShape.length;
  const w = words(r, extras.length, params.length);
  into.fill(0, at, at + w.vec4s * 4);
  into.set([g.M, g.N, g.K, g.batch, g.aOffset, g.bOffset, g.am, g.ak, g.bk, g.bn], at); // negative strides wrap to i32 bits
  w.dims.forEach((d, i) => {
    into[at + d.shape] = g.batchShape[i];
    into[at + d.a] = g.aBatchStrides[i];
    into[at + d.b] = g.bBatchStrides[i];
  });
  extras.forEach((e, i) => {
    const x = w.extras[i];
    into[at + x.offset] = e.offset;
    into[at + x.m] = e.strides[r];
    into[at + x.n] = e.strides[r + 1];
    x.batch.forEach((word, d) => (into[at + word] = e.strides[d]));
  });
  params.forEach((p, i) => (into[at + w.params[i]] = paramBits(p.value, p.dtype)));
  return w.vec4s * 16;
}

export function generateMatmulWGSL(k: MatmulKernel, batchRank: number, v: MatmulVariant): ShaderModuleSpec {
  const extras = k.extras ?? [];
  const w = words(batchRank, extras.length, k.params?.length ?? 0);
  const T = DTYPE_INFO[k.dtype].wgsl as 'f32' | 'i32' | 'u32';
  const outDtype = k.epilogue?.dtype ?? k.dtype;
  const helpers = new HelperSet();
  // The epilogue as a function of the product's value and the output position.
  const epi = k.epilogue
    ? emitExpr(
        k.epilogue,
        (e) => {
          if (e.prim === 'param') return paramRef(w.params[e.value], e.dtype);
          if (e.prim !== 'input') throw new Error(`matmul epilogue: ${e.prim} leaf`);
          if (e.value === 0) return 'v';
          const x = w.extras[e.value - 1];
          return fromStorage(`ex${e.value - 1}[u32(eBase[${e.value - 1}] + i32(r) * bitcast<i32>(${wordRef(x.m)}) + i32(c) * bitcast<i32>(${wordRef(x.n)}))]`, e.dtype);
        },
        helpers,
        'q',
      )
    : undefined;
  const vecB = v.name !== 'reg';
  const vecA = v.name === 'vec4ab';
  const I = (word: number) => `bitcast<i32>(${wordRef(word)})`;
  const rows = Array.from({ length: v.TM }, (_, i) => i);
  const cols = [0, 1, 2, 3];
  const VN = vecA ? (v.VN ?? 1) : 1;
  const exact = vecA && v.exact === true;
  const groups = Array.from({ length: VN }, (_, j) => j);
  /** Accumulator of row i, vec4 column group j (named registers: SwiftShader keeps private arrays in memory). */
  const acc = (i: number, j: number) => (VN === 1 ? `acc${i}` : `acc${i}_${j}`);
  const batchLines: string[] = ['var brem = wid.z;', 'var aBase = ' + I(4) + ';', 'var bBase = ' + I(5) + ';'];
  extras.forEach((_, e) => batchLines.push(`eBase[${e}] = ${I(w.extras[e].offset)};`));
  for (let d = batchRank - 1; d >= 0; d--) {
    const dim = w.dims[d];
    const ex = extras.map((_, e) => ` eBase[${e}] = eBase[${e}] + c * ${I(w.extras[e].batch[d])};`).join('');
    batchLines.push(`{ let c = i32(brem % ${wordRef(dim.shape)}); brem = brem / ${wordRef(dim.shape)}; aBase = aBase + c * ${I(dim.a)}; bBase = bBase + c * ${I(dim.b)};${ex} }`);
  }
  const zero = T === 'f32' ? '0.0f' : T === 'i32' ? '0i' : '0u';
  const bLoad = vecB
    ? [`let bv = inB4[u32(bBase + i32(kk) * bk + i32(bc0)) / 4u];`]
    : [`let bv = vec4<${T}>(${cols.map((j) => `inB[u32(bRow + i32(bc${j}) * ${I(9)})]`).join(', ')});`];
  const code = [
    `// wgflow kernel: ${k.name} (matmul ${v.name}, ${v.TM}x${4 * VN} per invocation, workgroup ${v.WX}x${v.WY})`,
    `@group(0) @binding(0) var<uniform> u: array<vec4<u32>, ${w.vec4s}>;`,
    vecA ? `@group(0) @binding(1) var<storage, read> inA4: array<vec4<${T}>>;` : `@group(0) @binding(1) var<storage, read> inA: array<${T}>;`,
    vecB
      ? `@group(0) @binding(2) var<storage, read> inB4: array<vec4<${T}>>;`
      : `@group(0) @binding(2) var<storage, read> inB: array<${T}>;`,
    ...extras.map((d, e) => `@group(0) @binding(${3 + e}) var<storage, read> ex${e}: array<${DTYPE_INFO[d].storage}>;`),
    `@group(0) @binding(${3 + extras.length}) var<storage, read_write> out: array<${DTYPE_INFO[outDtype].storage}>;`,
    ...(extras.length ? [`var<private> eBase: array<i32, ${extras.length}>;`] : []),
    ...helpers.code(),
    ...(epi
      ? [
          `fn wg_epilogue(v: ${T}, r: u32, c: u32) -> ${DTYPE_INFO[outDtype].wgsl} {`,
          ...epi.lines.map((l) => `  ${l}`),
          `  return ${epi.result};`,
          '}',
        ]
      : []),
    `@compute @workgroup_size(${v.WX}, ${v.WY})`,
    'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {',
    `  let M = ${wordRef(0)}; let N = ${wordRef(1)}; let K = ${wordRef(2)};`,
    ...batchLines.map((l) => `  ${l}`),
    `  let row = (wid.y * ${v.WY}u + lid.y) * ${v.TM}u;`,
    `  let col = (wid.x * ${v.WX}u + lid.x) * ${4 * VN}u;`,
    `  let am = ${I(6)};`,
    ...rows.map((i) => (exact ? `  let aRow${i} = aBase + i32(row + ${i}u) * am;` : `  let aRow${i} = aBase + i32(min(row + ${i}u, M - 1u)) * am;`)),
    ...(vecB
      ? groups.map((j) => (exact ? `  let bc${j} = col + ${4 * j}u;` : `  let bc${j} = min(col + ${4 * j}u, N - 4u);`))
      : cols.map((j) => `  let bc${j} = min(col + ${j}u, N - 1u);`)),
    `  let bk = ${I(8)};`, // loop-invariant: read once
    ...rows.flatMap((i) => groups.map((j) => `  var ${acc(i, j)} = vec4<${T}>(${zero});`)),
    ...(vecA
      ? [
          // Four k at a time: one vec4 of A per row, four vec4 rows of B per column group.
          '  for (var kk = 0u; kk < K; kk = kk + 4u) {',
          ...groups.flatMap((j) => [0, 1, 2, 3].map((q) => `    let b${q}_${j} = inB4[u32(bBase + i32(kk + ${q}u) * bk + i32(bc${j})) / 4u];`)),
          ...rows.flatMap((i) => [
            `    let a${i} = inA4[u32(aRow${i} + i32(kk)) / 4u];`,
            ...groups.map((j) => `    ${acc(i, j)} = ${acc(i, j)} + a${i}.x * b0_${j} + a${i}.y * b1_${j} + a${i}.z * b2_${j} + a${i}.w * b3_${j};`),
          ]),
          '  }',
        ]
      : [
          '  for (var kk = 0u; kk < K; kk = kk + 1u) {',
          ...(vecB ? [] : [`    let bRow = bBase + i32(kk) * bk;`]),
          ...bLoad.map((l) => `    ${l}`),
          ...rows.map((i) => `    acc${i} = acc${i} + inA[u32(aRow${i} + i32(kk) * ${I(7)})] * bv;`),
          '  }',
        ]),
    '  let outBase = wid.z * M * N;',
    ...rows.flatMap((i) => [
      exact ? '  {' : `  if (row + ${i}u < M) {`,
      ...groups.flatMap((g) =>
        cols.map((j) => {
          const c = 4 * g + j;
          const value = epi ? toStorage(`wg_epilogue(${acc(i, g)}[${j}], row + ${i}u, col + ${c}u)`, outDtype) : `${acc(i, g)}[${j}]`;
          const store = `out[outBase + (row + ${i}u) * N + col + ${c}u] = ${value};`;
          return exact ? `    ${store}` : `    if (col + ${c}u < N) { ${store} }`;
        }),
      ),
      '  }',
    ]),
    '}',
    '',
  ].join('\n');
  return {
    code,
    bindings: { uniform: 0, inputs: [1, 2, ...extras.map((_, e) => 3 + e)], output: 3 + extras.length },
    workgroupSize: [v.WX, v.WY, 1],
    elementsPerThread: v.TM * 4 * VN,
    uniformBytes: w.vec4s * 16,
    variant: `${v.name}${exact ? ' exact' : ''}, ${v.TM}×${4 * VN} per invocation, workgroup ${v.WX}×${v.WY}`,
  };
}

export type MatmulDType = Extract<DType, 'float32' | 'int32' | 'uint32'>;
