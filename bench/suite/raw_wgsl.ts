// Hand-written WGSL baselines for the benchmark suite: what this adapter can do with plain WebGPU calls.
// Nothing here imports wgflow: the kernels are written by hand for exactly one problem each (sizes and
// scalars are WGSL constants), so they bound from above what a general library can reach.
//
// Geometry chosen for SwiftShader (the CPU adapter of headless Chromium), where every workgroup and every
// invocation has a real cost: elementwise kernels walk 16 vec4 steps per invocation in workgroups of 256
// (the best point of a 64/128/256 × 4/8/16/32 sweep), and the matmul is register-tiled with vec4 loads and
// no shared memory (shared-memory tiling only adds barriers on a CPU). Real GPUs prefer other shapes;
// `matmulGeometry` below is the one place to change that.

/** Invocations per workgroup and vec4 steps per invocation of the elementwise kernels. */
export const ELEMENTWISE = { workgroup: 256, steps: 16 } as const;

/** Workgroups for a grid-stride elementwise kernel over `vec4s` vec4 elements (the kernel loops over the rest). */
export function elementwiseGroups(vec4s: number): number {
  return Math.max(1, Math.min(65535, Math.ceil(vec4s / ELEMENTWISE.workgroup / ELEMENTWISE.steps)));
}

/** A grid-stride loop over vec4 elements: `body` maps `v` (the input vec4) to the output vec4. */
function gridStride(body: string): string {
  return `
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@compute @workgroup_size(${ELEMENTWISE.workgroup})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * ${ELEMENTWISE.workgroup}u;
  for (var i = gid.x; i < arrayLength(&x); i = i + stride) {
    let v = x[i];
    y[i] = ${body};
  }
}`;
}

/** y = x, four floats per load: the bandwidth floor of any one-input, one-output elementwise kernel. */
export const copyWGSL = (): string => gridStride('v');

/**
 * The benchmark chain tanh(relu(x*a + b) - x) * c + exp(-(x*x)) fused into one kernel. tanh(t) is written
 * as 1 − 2 / (exp(2t) + 1): one exp and one division, ~10% faster on SwiftShader than its tanh builtin
 * (which also needs a clamp there to stay finite for large |t|); exp overflowing to +inf gives 1, and
 * underflowing to 0 gives −1, so no clamp is needed. The cancellation near t = 0 costs ~1e-7 absolute.
 */
export function chainWGSL(a: number, b: number, c: number): string {
  const f = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
  return gridStride(
    `(1.0 - 2.0 / (exp(2.0 * (max(v * ${f(a)} + ${f(b)}, vec4<f32>(0.0)) - v)) + 1.0)) * ${f(c)} + exp(-(v * v))`,
  );
}

/** y = y + x on a tiny vector: the kernel of the dispatch-overhead workload (ping-pong buffers). */
export const addWGSL = (): string => `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> prev: array<f32>;
@group(0) @binding(2) var<storage, read_write> next: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < arrayLength(&x)) { next[gid.x] = prev[gid.x] + x[gid.x]; }
}`;

/** Register tile and workgroup shape of the raw matmul: each invocation computes tm rows × 4·vn columns. */
export interface MatmulGeometry {
  tm: number;
  vn: number;
  wx: number;
  wy: number;
}

/**
 * The fastest geometry of a sweep on SwiftShader at 256 and 1024 (tm 4/8/16/32 × vn 1/2/4/8 × workgroups
 * 2×8 … 64×1): 8 rows × 16 columns per invocation in 4×4 workgroups, ~2× a 4×4 tile; 16×8 was a close second.
 */
export function matmulGeometry(): MatmulGeometry {
  return { tm: 8, vn: 4, wx: 4, wy: 4 };
}

/** Whether the raw matmul handles n×n (it has no edge handling: n must be a multiple of the block). */
export function matmulFits(n: number, g: MatmulGeometry = matmulGeometry()): boolean {
  return n % (g.tm * g.wy) === 0 && n % (4 * g.vn * g.wx) === 0;
}

/**
 * C = A·B for row-major n×n float32 matrices, n a WGSL constant. Per step of k by 4, an invocation loads
 * one vec4 of A per row (four consecutive k) and four vec4 rows of B per column group, then accumulates
 * tm × vn vec4 outputs held in named registers (unrolled here in JS so the WGSL has no private arrays,
 * which SwiftShader would keep in memory).
 */
export function matmulWGSL(n: number, g: MatmulGeometry = matmulGeometry()): string {
  const n4 = n / 4;
  const rows = Array.from({ length: g.tm }, (_, i) => i);
  const cols = Array.from({ length: g.vn }, (_, j) => j);
  const acc = (i: number, j: number) => `c${i}_${j}`;
  const lines = [
    '@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;',
    '@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;',
    '@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;',
    `@compute @workgroup_size(${g.wx}, ${g.wy})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>) {',
    `  let col = gid.x * ${g.vn}u;`, // first vec4 column of this invocation
    `  let row = gid.y * ${g.tm}u;`,
    ...rows.flatMap((i) => cols.map((j) => `  var ${acc(i, j)} = vec4<f32>(0.0);`)),
    `  for (var k = 0u; k < ${n4}u; k = k + 1u) {`,
    ...rows.map((i) => `    let a${i} = a[(row + ${i}u) * ${n4}u + k];`),
    ...cols.flatMap((j) => [0, 1, 2, 3].map((q) => `    let b${q}_${j} = b[(k * 4u + ${q}u) * ${n4}u + col + ${j}u];`)),
    ...rows.flatMap((i) =>
      cols.map((j) => `    ${acc(i, j)} = ${acc(i, j)} + a${i}.x * b0_${j} + a${i}.y * b1_${j} + a${i}.z * b2_${j} + a${i}.w * b3_${j};`),
    ),
    '  }',
    ...rows.flatMap((i) => cols.map((j) => `  c[(row + ${i}u) * ${n4}u + col + ${j}u] = ${acc(i, j)};`)),
    '}',
  ];
  return lines.join('\n');
}

/** Workgroup grid of the raw matmul for n×n. */
export function matmulGroups(n: number, g: MatmulGeometry = matmulGeometry()): [number, number] {
  return [n / (4 * g.vn * g.wx), n / (g.tm * g.wy)];
}
