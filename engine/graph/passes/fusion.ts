// Fusion pass (on a plan's launches): an elementwise launch whose only reader is a later elementwise
// launch or reduction that reads it element for element is inlined into that reader (a reduction takes it
// as its prologue). Chains collapse into ONE generated kernel (same Kernel IR, same code generator as
// eager); the intermediate is never written.
import { shapesEqual, isContiguous, sizeOf } from '../../core/shape';
import { type Expr, input, linearize, load, param, prim, rewrite, usesPrim } from '../../ir/expr';
import type { ConvKernel, ElementwiseKernel, InputLayout, Launch, MatmulKernel, ReduceKernel, View } from '../../ir/kernel';
import type { Slot } from '../recorder';
import type { PassContext, PassReport } from './index';

/** Storage buffers one kernel may bind besides its output (WebGPU's default limit is 8 per stage). */
const MAX_INPUTS = 7;

const isElementwise = (l: Launch<Slot>): l is Launch<Slot> & { kernel: ElementwiseKernel } => l.kernel.kind === 'elementwise';

function layoutOf(v: View<Slot>, outShape: readonly number[], loaded: boolean): InputLayout {
  if (loaded) return 'loaded';
  if (sizeOf(v.shape) === 1) return 'scalar';
  if (shapesEqual(v.shape, outShape) && isContiguous(v.shape, v.strides)) return 'contiguous';
  return 'strided';
}

const sameView = (a: View<Slot>, b: View<Slot>) =>
  a.handle === b.handle && a.offset === b.offset && shapesEqual(a.shape, b.shape) && a.strides.every((s, i) => s === b.strides[i]) && a.dtype === b.dtype;

/** Reads slot s element for element at the reader's output positions (no broadcast, no offset). */
function readsAligned(v: View<Slot>, outShape: readonly number[]): boolean {
  return v.offset === 0 && shapesEqual(v.shape, outShape) && isContiguous(v.shape, v.strides);
}

/** Inlines producer P (writing slot s) into consumer C, which reads s through its input `k`. */
function fuse(P: Launch<Slot> & { kernel: ElementwiseKernel }, C: Launch<Slot> & { kernel: ElementwiseKernel }, s: Slot): Launch<Slot> | undefined {
  const inputs: View<Slot>[] = [];
  const loadedFlags: boolean[] = [];
  const indexOf = (v: View<Slot>, loaded: boolean) => {
    const i = inputs.findIndex((w, j) => loadedFlags[j] === loaded && sameView(w, v));
    if (i >= 0) return i;
    inputs.push(v);
    loadedFlags.push(loaded);
    return inputs.length - 1;
  };
  const cMap = C.inputs.map((v, i) => (v.handle === s ? -1 : indexOf(v, C.kernel.inputs[i].layout === 'loaded')));
  const pMap = P.inputs.map((v, i) => indexOf(v, P.kernel.inputs[i].layout === 'loaded'));
  if (inputs.length > MAX_INPUTS) return undefined;
  const pOffset = C.params.length;
  const pExpr = rewrite(P.kernel.expr, (e, args) => {
    if (e.prim === 'input') return input(pMap[e.value], e.dtype);
    if (e.prim === 'param') return param(e.value + pOffset, e.dtype);
    if (e.prim === 'load') return load(pMap[e.value], e.dtype, args[0]);
    return undefined;
  });
  const expr: Expr = rewrite(C.kernel.expr, (e, args) => {
    if (e.prim === 'input') return cMap[e.value] < 0 ? pExpr : input(cMap[e.value], e.dtype);
    if (e.prim === 'load') return load(cMap[e.value], e.dtype, args[0]);
    return undefined;
  });
  const layouts = inputs.map((v, i) => layoutOf(v, C.outShape, loadedFlags[i]));
  const needCoords = layouts.includes('strided') || C.kernel.outLayout === 'strided' || usesPrim(expr, 'coord');
  const kernel: ElementwiseKernel = {
    kind: 'elementwise',
    name: `${P.kernel.name}+${C.kernel.name}`,
    rank: needCoords ? C.outShape.length : 0,
    inputs: inputs.map((v, i) => ({ dtype: v.dtype, layout: layouts[i] })),
    params: [...C.kernel.params, ...P.kernel.params],
    out: C.kernel.out,
    outLayout: C.kernel.outLayout,
    expr,
  };
  return {
    ...C,
    kernel,
    inputs,
    params: [...C.params, ...P.params],
    nodes: [...(P.nodes ?? []), ...(C.nodes ?? [])],
  };
}

/** Inlines elementwise producer P into reduction C's prologue (C reads P's output element for element). */
function fuseIntoReduce(P: Launch<Slot> & { kernel: ElementwiseKernel }, C: Launch<Slot> & { kernel: ReduceKernel }, s: Slot): Launch<Slot> | undefined {
  const pe = P.kernel.expr;
  if (usesPrim(pe, 'coord') || usesPrim(pe, 'index') || usesPrim(pe, 'load')) return undefined;
  const inputs: View<Slot>[] = [];
  const indexOf = (v: View<Slot>) => {
    const i = inputs.findIndex((w) => sameView(w, v));
    if (i >= 0) return i;
    inputs.push(v);
    return inputs.length - 1;
  };
  const cMap = C.inputs.map((v) => (v.handle === s ? -1 : indexOf(v)));
  const pMap = P.inputs.map((v) => indexOf(v));
  if (inputs.length > MAX_INPUTS) return undefined;
  const pOffset = C.params.length;
  const pExpr = rewrite(pe, (e) => {
    if (e.prim === 'input') return input(pMap[e.value], e.dtype);
    if (e.prim === 'param') return param(e.value + pOffset, e.dtype);
    return undefined;
  });
  const prologue = rewrite(C.kernel.prologue, (e) => (e.prim === 'input' ? (cMap[e.value] < 0 ? pExpr : input(cMap[e.value], e.dtype)) : undefined));
  const kernel: ReduceKernel = {
    ...C.kernel,
    name: `${P.kernel.name}+${C.kernel.name}`,
    inputs: inputs.map((v) => v.dtype),
    prologue,
    params: [...C.kernel.params, ...P.kernel.params],
  };
  return { ...C, kernel, inputs, inShape: P.outShape, params: [...C.params, ...P.params], nodes: [...(P.nodes ?? []), ...(C.nodes ?? [])] };
}

/**
 * Producers read through loads (pooling windows, pads, resizes, gathers) are fused when their expression's size
 * times the consumer's loads of them stays within this budget: each load recomputes the producer at its
 * element. Measured on SwiftShader (bench/fusion_loads.bench.test.ts, docs/performance.md): relu(x·a + b) into a
 * 2×2 stride-2 max pool (each element loaded once) is even (10–14 ms fused against 12 ms apart, and one buffer
 * fewer); into 3×3 windows (2¼–9 loads per element) fusing costs ~20%, so 40 admits an ~8-node producer only
 * into windows of up to 4 taps.
 */
export const LOADED_FUSION = { budget: 40 };

/** Node count of an expression (each distinct node once). */
const size = (e: Expr) => linearize([e]).nodes.length;

/**
 * Inlines elementwise producer P into consumer C, which reads P's output (slot s, input `k`) only through loads
 * at computed element indices: each load becomes P's expression with P's inputs loaded at the same element.
 */
function fuseIntoLoads(P: Launch<Slot> & { kernel: ElementwiseKernel }, C: Launch<Slot> & { kernel: ElementwiseKernel }, k: number): Launch<Slot> | undefined {
  const pe = P.kernel.expr;
  if (P.outView || P.kernel.outLayout !== 'contiguous' || usesPrim(pe, 'coord') || usesPrim(pe, 'index') || usesPrim(pe, 'load')) return undefined;
  if (P.kernel.inputs.some((x) => x.layout !== 'contiguous' && x.layout !== 'scalar')) return undefined;
  if (C.inputs[k].offset !== 0) return undefined;
  const loads = linearize([C.kernel.expr]).nodes.filter((e) => e.prim === 'load' && e.value === k).length;
  if (loads * size(pe) > LOADED_FUSION.budget) return undefined;
  // New inputs: C's (without s), then P's: contiguous ones loaded at the element, scalar ones as they were.
  const inputs: View<Slot>[] = [];
  const layouts: InputLayout[] = [];
  const add = (v: View<Slot>, layout: InputLayout) => {
    const i = inputs.findIndex((w, j) => layouts[j] === layout && sameView(w, v));
    if (i >= 0) return i;
    inputs.push(v);
    layouts.push(layout);
    return inputs.length - 1;
  };
  const cMap = C.inputs.map((v, i) => (i === k ? -1 : add(v, C.kernel.inputs[i].layout)));
  const pMap = P.inputs.map((v, i) => add(v, P.kernel.inputs[i].layout === 'scalar' ? 'scalar' : 'loaded'));
  if (inputs.length > MAX_INPUTS) return undefined;
  const params = [...C.params, ...P.params];
  const paramTypes = [...C.kernel.params, ...P.kernel.params];
  const pOffset = C.params.length;
  // A loaded input's element e is at its view's offset + e (its index expressions carry the offset).
  const offsetParam = P.inputs.map((v) => {
    if (v.offset === 0) return undefined;
    paramTypes.push('int32');
    return param(params.push(v.offset) - 1, 'int32');
  });
  const at = (e: Expr, j: number) => (offsetParam[j] ? prim('add', e, offsetParam[j]!) : e);
  const producerAt = (element: Expr) =>
    rewrite(pe, (e) => {
      if (e.prim === 'input') return layouts[pMap[e.value]] === 'scalar' ? input(pMap[e.value], e.dtype) : load(pMap[e.value], e.dtype, at(element, e.value));
      if (e.prim === 'param') return param(e.value + pOffset, e.dtype);
      return undefined;
    });
  const expr = rewrite(C.kernel.expr, (e, args) => {
    if (e.prim === 'load') return e.value === k ? producerAt(args[0]) : load(cMap[e.value], e.dtype, args[0]);
    if (e.prim === 'input') return input(cMap[e.value], e.dtype);
    return undefined;
  });
  const kernel: ElementwiseKernel = {
    ...C.kernel,
    name: `${P.kernel.name}+${C.kernel.name}`,
    inputs: inputs.map((v, i) => ({ dtype: v.dtype, layout: layouts[i] })),
    params: paramTypes,
    expr,
  };
  return { ...C, kernel, inputs, params, nodes: [...(P.nodes ?? []), ...(C.nodes ?? [])] };
}

/** A kernel with a fused elementwise epilogue over inputs [a, b, ...extras]: a matmul or a convolution. */
type EpilogueKernel = MatmulKernel | ConvKernel;
const hasEpilogue = (l: Launch<Slot> | undefined): l is Launch<Slot> & { kernel: EpilogueKernel } => l?.kernel.kind === 'matmul' || l?.kernel.kind === 'conv';

/** Makes elementwise consumer C the epilogue of matmul or convolution P (C reads P's output element for element). */
function fuseEpilogue(P: Launch<Slot> & { kernel: EpilogueKernel }, C: Launch<Slot> & { kernel: ElementwiseKernel }, s: Slot): Launch<Slot> | undefined {
  const ce = C.kernel.expr;
  if (C.kernel.outLayout !== 'contiguous' || C.kernel.inputs.some((x) => x.layout === 'loaded')) return undefined;
  if (usesPrim(ce, 'coord') || usesPrim(ce, 'index') || usesPrim(ce, 'load')) return undefined;
  const extras: View<Slot>[] = [];
  const indexOf = (v: View<Slot>) => {
    const i = extras.findIndex((w) => sameView(w, v));
    if (i >= 0) return i;
    extras.push(v);
    return extras.length - 1;
  };
  const pMap = P.inputs.slice(2).map((v) => indexOf(v));
  const cMap = C.inputs.map((v) => (v.handle === s ? -1 : indexOf(v)));
  if (extras.length > MAX_INPUTS - 2) return undefined;
  const pParams = P.kernel.params ?? [];
  const prev = P.kernel.epilogue
    ? rewrite(P.kernel.epilogue, (e) => (e.prim === 'input' && e.value > 0 ? input(1 + pMap[e.value - 1], e.dtype) : undefined))
    : input(0, P.kernel.kind === 'matmul' ? P.kernel.dtype : 'float32');
  const epilogue = rewrite(ce, (e) => {
    if (e.prim === 'input') return cMap[e.value] < 0 ? prev : input(1 + cMap[e.value], e.dtype);
    if (e.prim === 'param') return param(e.value + pParams.length, e.dtype);
    return undefined;
  });
  const kernel: EpilogueKernel = {
    ...P.kernel,
    name: `${P.kernel.name}+${C.kernel.name}`,
    epilogue,
    extras: extras.map((v) => v.dtype),
    params: [...pParams, ...C.kernel.params],
  };
  return {
    ...P,
    kernel,
    inputs: [P.inputs[0], P.inputs[1], ...extras],
    params: [...P.params, ...C.params],
    out: C.out,
    outShape: C.outShape,
    nodes: [...(P.nodes ?? []), ...(C.nodes ?? [])],
  };
}

/**
 * Whether every read P makes of the buffer C writes is of the element C writes at the same position: a whole,
 * contiguous, unbroadcast read of an output written contiguously from 0, so the fused kernel can read and
 * write it in place.
 */
function readsOwnElements(P: Launch<Slot>, C: Launch<Slot>): boolean {
  // C writes element i at i: a contiguous output, or an assign's view of a whole contiguous variable.
  const view = C.outView;
  if ((view && (view.offset !== 0 || !isContiguous(C.outShape, view.strides))) || !shapesEqual(P.outShape, C.outShape)) return false;
  const k = P.kernel as ElementwiseKernel;
  const size = sizeOf(C.outShape);
  return P.inputs.every((w, i) => {
    if (w.handle !== C.out) return true;
    const layout = k.inputs[i].layout;
    const whole = w.offset === 0 && shapesEqual(w.shape, C.outShape) && w.dtype === (C.kernel as ElementwiseKernel).out;
    return whole && (layout === 'contiguous' || (layout === 'scalar' && size === 1));
  });
}

export function fusionPass(ctx: PassContext): PassReport {
  const launches = ctx.launches;
  const groups = new Map<Launch<Slot>, number>(); // fused launch → number of ops in it
  let fused = 0;
  let recomputed = 0;
  // Uses of every slot: reads by launches, plus fetches/prints (kept) — a slot read elsewhere stays.
  const uses = new Map<Slot, number>();
  const use = (s: Slot | undefined) => s && uses.set(s, (uses.get(s) ?? 0) + 1);
  launches.forEach((l) => l.inputs.forEach((v) => use(v.handle)));
  ctx.keep.forEach((s) => uses.set(s, (uses.get(s) ?? 0) + 1000));
  const producer = new Map<Slot, number>();
  for (let ci = 0; ci < launches.length; ci++) {
    let C = launches[ci];
    const reduce = C && C.kernel.kind === 'reduce';
    // Transfers are copies between devices, not kernels: they neither fuse nor take producers.
    if (!C || C.transfer || (!isElementwise(C) && !reduce)) {
      if (C && !C.outView) producer.set(C.out, ci);
      continue;
    }
    // The shape the consumer reads its inputs at: its output (elementwise) or the reduced tensor (reduce).
    const readShape = reduce ? (C.inShape ?? C.inputs[0].shape) : C.outShape;
    // Inline producers while one qualifies (the fused kernel may qualify again for the next input).
    for (let again = true; again; ) {
      again = false;
      for (const v of C.inputs) {
        const s = v.handle;
        const pi = producer.get(s);
        // A reduction may take a copy of a producer other launches also read (recomputing an elementwise
        // expression is cheaper than a pass over memory); elsewhere the producer must have one reader.
        const shared = (uses.get(s) ?? 0) > 1;
        if (pi === undefined || s.kind !== 'temp' || (shared && (!reduce || ctx.keep.has(s)))) continue;
        const P = launches[pi];
        const mm = !reduce && hasEpilogue(P) && !shared;
        if (!P || P.transfer || P.device !== C.device || !(isElementwise(P) || mm) || P.outView) continue;
        // Read through loads (a pooling window, a pad, a gather…): P is recomputed at each loaded element.
        const k = C.inputs.indexOf(v);
        const viaLoads = isElementwise(C) && C.kernel.inputs[k].layout === 'loaded';
        if (viaLoads ? shared || mm : !shapesEqual(P.outShape, readShape) || !readsAligned(v, readShape)) continue;
        if (C.inputs.filter((w) => w.handle === s).length !== 1) continue;
        // P reading the buffer C writes (an update v ← f(v, …) assigned into v): the fused kernel reads and writes
        // that buffer in place, which is safe only where each invocation reads exactly the element it writes.
        if (P.inputs.some((w) => w.handle === C.out) && (viaLoads || mm || reduce || !readsOwnElements(P, C))) continue;
        // Nothing between P and C may write a slot P reads (variables written by assign, concat parts…).
        const written = new Set(launches.slice(pi + 1, ci).flatMap((l) => (l ? [l.out] : [])));
        if (P.inputs.some((w) => written.has(w.handle))) continue;
        const merged = viaLoads
          ? fuseIntoLoads(P as Launch<Slot> & { kernel: ElementwiseKernel }, C as Launch<Slot> & { kernel: ElementwiseKernel }, k)
          : mm
          ? fuseEpilogue(P as Launch<Slot> & { kernel: EpilogueKernel }, C as Launch<Slot> & { kernel: ElementwiseKernel }, s)
          : reduce
            ? fuseIntoReduce(P as Launch<Slot> & { kernel: ElementwiseKernel }, C as Launch<Slot> & { kernel: ReduceKernel }, s)
            : fuse(P as Launch<Slot> & { kernel: ElementwiseKernel }, C as Launch<Slot> & { kernel: ElementwiseKernel }, s);
        if (!merged) continue;
        const count = (ls: View<Slot>[], x: Slot) => ls.filter((w) => w.handle === x).length;
        for (const x of new Set([...P.inputs, ...C.inputs].map((w) => w.handle))) {
          if (x === s) continue;
          // The merged kernel's reads replace C's (and P's, unless P stays for its other readers).
          uses.set(x, (uses.get(x) ?? 0) - (shared ? 0 : count(P.inputs, x)) - count(C.inputs, x) + count(merged.inputs, x));
        }
        groups.set(merged, (groups.get(C) ?? 1) + (groups.get(P) ?? 1));
        groups.delete(C);
        if (shared) uses.set(s, (uses.get(s) ?? 0) - 1);
        else {
          groups.delete(P);
          launches[pi] = undefined as unknown as Launch<Slot>;
          uses.delete(s);
        }
        C = merged;
        launches[ci] = merged;
        if (shared) recomputed++;
        else fused++;
        // A matmul or convolution with its new epilogue takes no further producers here (its inputs are A and B).
        again = !hasEpilogue(merged);
        break;
      }
    }
    if (!C.outView) producer.set(C.out, ci);
  }
  ctx.launches = launches.filter(Boolean);
  const fusedGroups = [...groups.entries()].map(([l, n]) => ({ kernel: l.kernel.name, ops: n, nodes: l.nodes ?? [] }));
  const again = recomputed ? `; ${recomputed} also recomputed inside a reduction` : '';
  return { pass: 'fusion', removed: fused, detail: `${fused} kernels inlined into ${fusedGroups.length} fused kernels${again}`, fusedGroups };
}
