// Convolution kernels. `gemm`: the output [N·OH·OW pixels, OC channels] as a register-blocked matrix product
// whose k runs over the window (kh, kw) and the input channels; each invocation computes TM pixels × 4·VN
// channels, works out its pixels' window origins once, and reads the input through the window's addressing
// (zero outside the input, input dilation for transposed convolutions), so no patch matrix is written.
// `depthwise`: each invocation computes TM pixels × 4 channels, each from its own input channel.
// Loads clamp into range; out-of-range results are simply not stored (as in matmul.ts).
import type { ConvGeometry, ConvKernel } from '../ir/kernel';
import type { ShaderModuleSpec } from './codegen';
import { HelperSet, emitExpr, fromStorage, paramRef, toStorage } from './emit';
import { paramBits, wordRef } from './layout';
import { DTYPE_INFO, type DType } from '../core/dtype';

export interface ConvVariant {
  /** Output pixels per invocation. */
  TM: number;
  /** vec4 channel groups per invocation (gemm). */
  VN: number;
  /** gemm: input read 4 channels at a time (C % 4 = 0, channel-contiguous, aligned). */
  vecX: boolean;
  /** Filter (gemm) or input and filter (depthwise) read 4 output channels at a time (contiguous, aligned). */
  vecF: boolean;
  /** The input is dilated (transposed convolution): rows are read only where divisible. */
  inDilated: boolean;
  /**
   * Depthwise with unit stride and dilation along the width: this window width (≤ 7) is unrolled and an
   * invocation computes TM consecutive pixels of one output row, loading each input column once for all of
   * them (TM + kW − 1 loads per window row, not TM·kW). 0: the general form.
   */
  strip: number;
  WX: number;
  WY: number;
}

/**
 * The convolution selection point: picks the tile by adapter and shape. Measured on SwiftShader (CPU) with
 * bench/conv.bench.test.ts (docs/performance.md): register blocking without shared memory, as for matmul.
 * Real GPUs keep conventional tiles until someone measures on one.
 */
/**
 * Tiles on a CPU-emulated adapter (bench/conv.bench.test.ts sweeps the candidates). gemm: TM pixels × 4·VN
 * channels per invocation, `threads` invocations per workgroup, laid out so a workgroup's columns do not pass the
 * output channels (few channels: more rows instead).
 */
export const CONV_TILES = {
  cpuLike: {
    gemm: { TM: 8, VN: 2, threads: 8 },
    depthwise: { TM: 8, VN: 1, WX: 8, WY: 4 },
  },
  candidates: [
    { TM: 8, VN: 2, threads: 8 },
    { TM: 8, VN: 4, threads: 8 },
    { TM: 16, VN: 2, threads: 8 },
    { TM: 16, VN: 4, threads: 8 },
    { TM: 8, VN: 2, threads: 16 },
    { TM: 16, VN: 2, threads: 4 },
  ],
  depthwiseCandidates: [
    { TM: 4, VN: 1, WX: 8, WY: 4 },
    { TM: 8, VN: 1, WX: 8, WY: 4 },
    { TM: 8, VN: 1, WX: 4, WY: 8 },
    { TM: 4, VN: 1, WX: 16, WY: 2 },
    { TM: 8, VN: 1, WX: 16, WY: 1 },
  ],
};

const pow2AtMost = (n: number) => 2 ** Math.floor(Math.log2(Math.max(1, n)));

export function chooseConv(k: ConvKernel, g: ConvGeometry, cpuLike: boolean): ConvVariant {
  const inDilated = g.inDilations[0] > 1 || g.inDilations[1] > 1;
  const al = (...v: number[]) => v.every((x) => x % 4 === 0);
  if (k.variant === 'depthwise') {
    // 4 consecutive output channels are 4 consecutive input channels when the multiplier is 1.
    const vecF = g.multiplier === 1 && g.xStrides[3] === 1 && g.fStrides[2] === 1 && al(g.C, g.xOffset, g.xStrides[0], g.xStrides[1], g.xStrides[2], g.fOffset, g.fStrides[0], g.fStrides[1]);
    const t = cpuLike ? CONV_TILES.cpuLike.depthwise : { TM: 4, VN: 1, WX: 16, WY: 8 };
    const strip = !inDilated && g.strides[1] === 1 && g.dilations[1] === 1 && g.kW <= 7 ? g.kW : 0;
    return { ...t, VN: 1, vecX: vecF, vecF, inDilated, strip };
  }
  const vecF = g.fStrides[3] === 1 && al(g.OC, g.fOffset, g.fStrides[0], g.fStrides[1], g.fStrides[2]);
  const vecX = g.xStrides[3] === 1 && al(g.C, g.xOffset, g.xStrides[0], g.xStrides[1], g.xStrides[2]);
  if (!cpuLike) return { TM: 4, VN: 1, vecX, vecF, inDilated, strip: 0, WX: 16, WY: 16 };
  const t = CONV_TILES.cpuLike.gemm;
  // SwiftShader's compile time grows steeply with the unrolled rows (16 input-dilated rows: over a minute), and
  // every distinct kernel compiles once: input-dilated kernels (more code per row) take 4.
  const TM = inDilated ? Math.min(t.TM, 4) : t.TM;
  const groups = Math.ceil(g.OC / 4); // vec4 column groups of the output
  const VN = Math.min(t.VN, pow2AtMost(groups));
  const WX = Math.min(t.threads, pow2AtMost(groups / VN));
  return { TM, VN, WX, WY: t.threads / WX, vecX, vecF, inDilated, strip: 0 };
}

/** Grid: x over channel groups, y (spilling into z past the device's per-dimension limit) over pixel blocks. */
export function convGrid(g: ConvGeometry, v: ConvVariant, maxPerDim: number): [number, number, number] {
  const rows = v.strip ? g.N * g.OH * Math.ceil(g.OW / v.TM) : Math.ceil((g.N * g.OH * g.OW) / v.TM);
  const blocks = Math.ceil(rows / v.WY);
  const z = Math.ceil(blocks / maxPerDim);
  return [Math.ceil(g.OC / (4 * v.VN * v.WX)), Math.ceil(blocks / z), z];
}

// Uniform words. Geometry first (fixed), then per epilogue extra: offset and strides (n, h, w, c) relative to
// the output's logical [N, OH, OW, OC]; then params.
const G = {
  N: 0, H: 1, W: 2, C: 3, OH: 4, OW: 5, OC: 6, kH: 7, kW: 8, sH: 9, sW: 10, dH: 11, dW: 12, pT: 13, pL: 14, iH: 15, iW: 16,
  mult: 17, xOff: 18, xs: 19, fOff: 23, fs: 24, os: 28, M: 32,
} as const;
const BASE = 33;

function words(extras: number, params: number) {
  let w = BASE;
  const ex = Array.from({ length: extras }, () => {
    const e = { offset: w, strides: [w + 1, w + 2, w + 3, w + 4] };
    w += 5;
    return e;
  });
  const ps = Array.from({ length: params }, () => w++);
  return { extras: ex, params: ps, vec4s: Math.ceil(w / 4) };
}

/** An epilogue input's offset and strides along the output's logical (n, oh, ow, oc). */
export interface ConvExtra {
  offset: number;
  strides: [number, number, number, number];
}

export function packConvUniforms(g: ConvGeometry, into: Uint32Array, at: number, extras: ConvExtra[], params: { value: number; dtype: DType }[]): number {
  const w = words(extras.length, params.length);
  into.fill(0, at, at + w.vec4s * 4);
  const os = g.channelsFirst ? [g.OC * g.OH * g.OW, g.OW, 1, g.OH * g.OW] : [g.OH * g.OW * g.OC, g.OW * g.OC, g.OC, 1];
  into.set(
    [
      g.N, g.H, g.W, g.C, g.OH, g.OW, g.OC, g.kH, g.kW, g.strides[0], g.strides[1], g.dilations[0], g.dilations[1],
      g.padBefore[0], g.padBefore[1], g.inDilations[0], g.inDilations[1], g.multiplier, g.xOffset, ...g.xStrides,
      g.fOffset, ...g.fStrides, ...os, g.N * g.OH * g.OW,
    ],
    at,
  ); // negative strides wrap to i32 bits
  extras.forEach((e, i) => {
    into[at + w.extras[i].offset] = e.offset;
    e.strides.forEach((s, d) => (into[at + w.extras[i].strides[d]] = s));
  });
  params.forEach((p, i) => (into[at + w.params[i]] = paramBits(p.value, p.dtype)));
  return w.vec4s * 16;
}

const U = (k: keyof typeof G) => wordRef(G[k]);
const IW = (word: number) => `bitcast<i32>(${wordRef(word)})`;
// The geometry is read from the uniform block once, into lets (SwiftShader does not hoist uniform reads out
// of loops: they may alias the storage writes, see docs/performance.md); the code names the lets.
const SCALARS = ['sH', 'sW', 'dH', 'dW', 'pT', 'pL', 'iH', 'iW', 'kH', 'kW', 'C', 'mult', 'xOff', 'fOff'] as const;
const I = (k: (typeof SCALARS)[number]) => `g_${k}`;
const geometryLets = [
  ...SCALARS.map((k) => `  let g_${k} = ${IW(G[k])};`),
  ...[0, 1, 2, 3].map((d) => `  let xs${d} = ${IW(G.xs + d)}; let fs${d} = ${IW(G.fs + d)}; let os${d} = ${IW(G.os + d)};`),
];

export function generateConvWGSL(k: ConvKernel, v: ConvVariant): ShaderModuleSpec {
  const extras = k.extras ?? [];
  const w = words(extras.length, k.params?.length ?? 0);
  const outDtype = k.epilogue?.dtype ?? 'float32';
  const helpers = new HelperSet();
  // The epilogue as a function of the value, the output channel and each extra's address for the pixel (computed
  // once per pixel row, not per output): extra e is read at eb_e + c · (its channel stride).
  const epi = k.epilogue
    ? emitExpr(
        k.epilogue,
        (e) => {
          if (e.prim === 'param') return paramRef(w.params[e.value], e.dtype);
          if (e.prim !== 'input') throw new Error(`conv epilogue: ${e.prim} leaf`);
          if (e.value === 0) return 'v';
          const x = w.extras[e.value - 1];
          return fromStorage(`ex${e.value - 1}[u32(eb${e.value - 1} + c * es${e.value - 1})]`, e.dtype);
        },
        helpers,
        'q',
      )
    : undefined;
  const dw = k.variant === 'depthwise';
  const rows = Array.from({ length: v.TM }, (_, i) => i);
  const groups = Array.from({ length: dw ? 1 : v.VN }, (_, j) => j);
  const acc = (i: number, j: number) => `acc${i}_${j}`;
  const xDecl = v.vecX ? `var<storage, read> x4: array<vec4<f32>>;` : `var<storage, read> x: array<f32>;`;
  const fDecl = v.vecF ? `var<storage, read> f4: array<vec4<f32>>;` : `var<storage, read> f: array<f32>;`;
  const epiFn = epi
    ? [
        `fn wg_epilogue(v: f32, c: i32${extras.map((_, e) => `, eb${e}: i32, es${e}: i32`).join('')}) -> ${DTYPE_INFO[outDtype].wgsl} {`,
        ...epi.lines.map((l) => `  ${l}`),
        `  return ${epi.result};`,
        '}',
      ]
    : [];
  // Strip form: one output row's TM consecutive pixels (n, oh, ow0 + i).
  const strip = dw && v.strip > 0;
  const stripLines = [
    `  let SW = (OW + ${v.TM - 1}u) / ${v.TM}u; let MS = ${U('N')} * OH * SW;`,
    `  let inv = (wid.z * nwg.y + wid.y) * ${v.WY}u + lid.y;`,
    `  let st = min(inv, MS - 1u);`,
    `  let owb = st % SW; let oh = i32((st / SW) % OH); let n = i32(st / (SW * OH));`,
    `  let owS = i32(owb * ${v.TM}u);`,
    `  let xb = ${I('xOff')} + n * xs0; let wb = owS - ${I('pL')};`,
    ...rows.map((i) => `  let n${i} = n; let oh${i} = oh; let ow${i} = owS + ${i};`),
  ];
  // Per pixel row i: its (n, oh, ow), clamped into range, and the window origin.
  const pixel = strip ? stripLines : rows.flatMap((i) => [
    `  let r${i} = min(row + ${i}u, M - 1u);`,
    `  let ow${i} = i32(r${i} % OW); let oh${i} = i32((r${i} / OW) % OH); let n${i} = i32(r${i} / (OW * OH));`,
    `  let hb${i} = oh${i} * ${I('sH')} - ${I('pT')}; let wb${i} = ow${i} * ${I('sW')} - ${I('pL')};`,
    `  let xb${i} = ${I('xOff')} + n${i} * xs0;`,
  ]);
  // Where pixel i's window tap (kh, kw) reads: a base address and whether it is inside the input.
  const tap = rows.flatMap((i) => {
    const lines = [`      var vh${i} = hb${i} + kh * ${I('dH')}; var vw${i} = wb${i} + kw * ${I('dW')};`];
    if (v.inDilated) {
      lines.push(
        `      let dv${i} = vh${i} >= 0 && vw${i} >= 0 && vh${i} % ${I('iH')} == 0 && vw${i} % ${I('iW')} == 0;`,
        `      vh${i} = vh${i} / ${I('iH')}; vw${i} = vw${i} / ${I('iW')};`,
        `      let ok${i} = dv${i} && u32(vh${i}) < H && u32(vw${i}) < W;`,
      );
    } else lines.push(`      let ok${i} = u32(vh${i}) < H && u32(vw${i}) < W;`);
    lines.push(
      `      let xa${i} = select(0, xb${i} + vh${i} * xs1 + vw${i} * xs2, ok${i});`,
      `      let m${i} = select(0.0f, 1.0f, ok${i});`,
    );
    return lines;
  });
  const header = [
    `// wgflow kernel: ${k.name} (conv ${k.variant}${v.vecX ? ' vec4x' : ''}${v.vecF ? ' vec4f' : ''}${v.inDilated ? ' input-dilated' : ''}, ${v.TM}x${dw ? 4 : 4 * v.VN} per invocation, workgroup ${v.WX}x${v.WY})`,
    `@group(0) @binding(0) var<uniform> u: array<vec4<u32>, ${w.vec4s}>;`,
    `@group(0) @binding(1) ${xDecl}`,
    `@group(0) @binding(2) ${fDecl}`,
    ...extras.map((d, e) => `@group(0) @binding(${3 + e}) var<storage, read> ex${e}: array<${DTYPE_INFO[d].storage}>;`),
    `@group(0) @binding(${3 + extras.length}) var<storage, read_write> out: array<${DTYPE_INFO[outDtype].storage}>;`,
    ...helpers.code(),
    ...epiFn,
    `@compute @workgroup_size(${v.WX}, ${v.WY})`,
    'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    `  let M = ${U('M')}; let OC = ${U('OC')}; let OH = ${U('OH')}; let OW = ${U('OW')}; let H = ${U('H')}; let W = ${U('W')};`,
    ...geometryLets,
    ...extras.map((_, e) => `  let es${e} = ${IW(w.extras[e].strides[3])};`),
    ...(strip ? [] : [`  let row = ((wid.z * nwg.y + wid.y) * ${v.WY}u + lid.y) * ${v.TM}u;`]),
    `  let col = (wid.x * ${v.WX}u + lid.x) * ${dw ? 4 : 4 * v.VN}u;`,
    ...pixel,
    // Column groups clamp into range (vec4 reads stay inside the filter); their stores are guarded.
    ...groups.map((j) => (v.vecF ? `  let c${j} = i32(min(col + ${4 * j}u, OC - 4u));` : `  let c${j} = i32(col + ${4 * j}u);`)),
    ...rows.flatMap((i) => groups.map((j) => `  var ${acc(i, j)} = vec4<f32>(0.0f);`)),
  ];
  const fs = (d: number) => `fs${d}`;
  const xs = (d: number) => `xs${d}`;
  let body: string[];
  if (!dw) {
    // Filter rows for input channel ci: vec4 over 4 output channels, or 4 scalar reads (clamped columns).
    const fRow = (j: number, ci: string) =>
      v.vecF
        ? `f4[u32(fb + (${ci}) * ${fs(2)} + c${j}) / 4u]`
        : `vec4<f32>(${[0, 1, 2, 3].map((q) => `f[u32(fb + (${ci}) * ${fs(2)} + min(c${j} + ${q}, i32(OC) - 1) * ${fs(3)})]`).join(', ')})`;
    const inner = v.vecX
      ? [
          '      for (var ci = 0; ci < C; ci = ci + 4) {',
          ...groups.flatMap((j) => [0, 1, 2, 3].map((q) => `        let b${q}_${j} = ${fRow(j, `ci + ${q}`)};`)),
          ...rows.flatMap((i) => [
            `        let a${i} = x4[u32(xa${i} + ci) / 4u] * m${i};`,
            ...groups.map((j) => `        ${acc(i, j)} = ${acc(i, j)} + a${i}.x * b0_${j} + a${i}.y * b1_${j} + a${i}.z * b2_${j} + a${i}.w * b3_${j};`),
          ]),
          '      }',
        ]
      : [
          '      for (var ci = 0; ci < C; ci = ci + 1) {',
          ...groups.map((j) => `        let b_${j} = ${fRow(j, 'ci')};`),
          ...rows.flatMap((i) => [
            `        let a${i} = x[u32(xa${i} + ci * ${xs(3)})] * m${i};`,
            ...groups.map((j) => `        ${acc(i, j)} = ${acc(i, j)} + a${i} * b_${j};`),
          ]),
          '      }',
        ];
    body = [
      `  let C = ${I('C')};`,
      `  for (var kh = 0; kh < ${I('kH')}; kh = kh + 1) {`,
      `    for (var kw = 0; kw < ${I('kW')}; kw = kw + 1) {`,
      ...tap,
      `      let fb = ${I('fOff')} + kh * ${fs(0)} + kw * ${fs(1)};`,
      ...inner,
      '    }',
      '  }',
    ];
  } else {
    // Output channel c reads input channel c / multiplier and filter (kh, kw, c / multiplier, c % multiplier).
    const xRead = (i: number) =>
      v.vecX ? `x4[u32(xa${i} + c0) / 4u]` : `vec4<f32>(${[0, 1, 2, 3].map((q) => `x[u32(xa${i} + ic${q} * ${xs(3)})]`).join(', ')})`;
    const fRead = v.vecF ? `f4[u32(fb + c0) / 4u]` : `vec4<f32>(${[0, 1, 2, 3].map((q) => `f[u32(fb + ic${q} * ${fs(2)} + im${q} * ${fs(3)})]`).join(', ')})`;
    // Strip form: per window row, the TM + kW − 1 input columns once, then every (pixel, tap) product.
    const cols = Array.from({ length: v.TM + v.strip - 1 }, (_, p) => p);
    const taps = Array.from({ length: v.strip }, (_, t) => t);
    const xCol = (p: number) => (v.vecX ? `x4[u32(xa${p} + c0) / 4u]` : `vec4<f32>(${[0, 1, 2, 3].map((q) => `x[u32(xa${p} + ic${q} * ${xs(3)})]`).join(', ')})`);
    const stripLoop = [
      `  for (var kh = 0; kh < ${I('kH')}; kh = kh + 1) {`,
      `    let vh = oh * ${I('sH')} - ${I('pT')} + kh * ${I('dH')};`,
      `    let rowOk = u32(vh) < H;`,
      `    let rb = xb + vh * xs1;`,
      ...cols.flatMap((p) => [
        `    let ok${p} = rowOk && u32(wb + ${p}) < W;`,
        `    let xa${p} = select(0, rb + (wb + ${p}) * xs2, ok${p});`,
        `    let xv${p} = ${xCol(p)} * select(0.0f, 1.0f, ok${p});`,
      ]),
      `    let fr = ${I('fOff')} + kh * ${fs(0)};`,
      ...taps.flatMap((t) => [
        `    { let fb = fr + ${t} * ${fs(1)}; let b = ${fRead};`,
        ...rows.map((i) => `      ${acc(i, 0)} = ${acc(i, 0)} + xv${i + t} * b;`),
        '    }',
      ]),
      '  }',
    ];
    body = [
      ...(v.vecF
        ? []
        : [0, 1, 2, 3].flatMap((q) => [
            `  let cc${q} = min(c0 + ${q}, i32(OC) - 1);`,
            `  let ic${q} = cc${q} / ${I('mult')}; let im${q} = cc${q} % ${I('mult')};`,
          ])),
      ...(strip
        ? stripLoop
        : [
            `  for (var kh = 0; kh < ${I('kH')}; kh = kh + 1) {`,
            `    for (var kw = 0; kw < ${I('kW')}; kw = kw + 1) {`,
            ...tap,
            `      let fb = ${I('fOff')} + kh * ${fs(0)} + kw * ${fs(1)};`,
            `      let b = ${fRead};`,
            ...rows.map((i) => `      ${acc(i, 0)} = ${acc(i, 0)} + ${xRead(i)} * m${i} * b;`),
            '    }',
            '  }',
          ]),
    ];
  }
  const os = (d: number) => `os${d}`;
  const store = [
    ...rows.flatMap((i) => [
      strip ? `  if (inv < MS && ow${i} < i32(OW)) {` : `  if (row + ${i}u < M) {`,
      ...extras.map((_, e) => {
        const x = w.extras[e];
        return `    let eb${e}_${i} = ${IW(x.offset)} + n${i} * ${IW(x.strides[0])} + oh${i} * ${IW(x.strides[1])} + ow${i} * ${IW(x.strides[2])};`;
      }),
      ...groups.flatMap((j) =>
        [0, 1, 2, 3].map((q) => {
          const c = `col + ${4 * j + q}u`;
          const value = epi ? toStorage(`wg_epilogue(${acc(i, j)}[${q}], i32(${c})${extras.map((_, e) => `, eb${e}_${i}, es${e}`).join('')})`, outDtype) : `${acc(i, j)}[${q}]`;
          const at = `n${i} * ${os(0)} + oh${i} * ${os(1)} + ow${i} * ${os(2)} + i32(${c}) * ${os(3)}`;
          return `    if (${c} < OC) { out[u32(${at})] = ${value}; }`;
        }),
      ),
      '  }',
    ]),
  ];
  // vec4 columns clamp only past OC (OC % 4 = 0 then), where nothing is stored.
  const code = [...header, ...body, ...store, '}', ''].join('\n');
  const reads = dw ? (v.vecF ? 'vec4 channels' : 'scalar channels') : `${v.vecX ? 'vec4' : 'scalar'} input, ${v.vecF ? 'vec4' : 'scalar'} filter`;
  return {
    code,
    bindings: { uniform: 0, inputs: [1, 2, ...extras.map((_, e) => 3 + e)], output: 3 + extras.length },
    workgroupSize: [v.WX, v.WY, 1],
    elementsPerThread: v.TM * 4 * (dw ? 1 : v.VN),
    uniformBytes: w.vec4s * 16,
    variant: `${k.variant === 'gemm' ? 'direct' : 'depthwise'} (${reads}${v.inDilated ? ', input-dilated' : ''}${strip ? `, ${v.strip}-wide window unrolled over a row strip` : ''}), ${v.TM}×${dw ? 4 : 4 * v.VN} per invocation, workgroup ${v.WX}×${v.WY}`,
  };
}
