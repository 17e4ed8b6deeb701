// Tiny TensorFlow graph models written in code, run by wgflow's reader (engine/io/tfjs) and by TensorFlow.js's
// converter (@tensorflow/tfjs-converter on its WebGPU backend) in the same page, outputs compared. The op-table
// suites (tests/browser/tfjs_ops_*.test.ts) describe each case as a few nodes: TensorFlow.js is the oracle of
// every op translation, attributes included.
//
//   await expectSameAsTfjs({
//     inputs: { x: f32([2, 3], 1) },                          // placeholders, with the values fed
//     consts: { axes: i32v([1]) },                            // Const nodes (stored as weights, as the converter does)
//     nodes: { y: node('Mean', ['x', 'axes'], { keep_dims: A.b(true), T: A.type('DT_FLOAT') }) },
//     outputs: ['y'],
//   });
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import * as wg from '../../engine/index';
import { GraphModel } from '../../engine/io/tfjs/graph_model';
import { DYNAMIC_OPS } from '../../engine/io/tfjs/ops/dynamic';
import { parseModelJson, type AttrValueJson, type NodeDefJson } from '../../engine/io/tfjs/model_json';
import { decodeWeights } from '../../engine/io/tfjs/weights';

export type DT = 'float32' | 'int32' | 'bool';

/** A host tensor: values, shape, dtype. */
export interface HostT {
  data: number[];
  shape: number[];
  dtype: DT;
}

const TF_TYPE: Record<DT, string> = { float32: 'DT_FLOAT', int32: 'DT_INT32', bool: 'DT_BOOL' };

const b64 = (s: string) => btoa(s);

/** Attribute values in protobuf's JSON form. */
export const A = {
  i: (n: number): AttrValueJson => ({ i: String(n) }),
  f: (x: number): AttrValueJson => ({ f: x }),
  b: (v: boolean): AttrValueJson => ({ b: v }),
  s: (text: string): AttrValueJson => ({ s: b64(text) }),
  type: (t: string): AttrValueJson => ({ type: t }),
  dtype: (d: DT): AttrValueJson => ({ type: TF_TYPE[d] }),
  shape: (dims: number[]): AttrValueJson => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
  ints: (v: number[]): AttrValueJson => ({ list: { i: v.map(String) } }),
  floats: (v: number[]): AttrValueJson => ({ list: { f: v } }),
  strings: (v: string[]): AttrValueJson => ({ list: { s: v.map(b64) } }),
  types: (v: string[]): AttrValueJson => ({ list: { type: v } }),
};

/** A node of the case: op, inputs ('name' or 'name:1'), attributes. */
export interface CaseNode {
  op: string;
  inputs: string[];
  attr: Record<string, AttrValueJson>;
}
export const node = (op: string, inputs: string[], attr: Record<string, AttrValueJson> = {}): CaseNode => ({ op, inputs, attr });

/** Deterministic values in [lo, hi) (a small LCG per seed), rounded to multiples of 1/64 so sums stay exact-ish. */
export function values(n: number, seed: number, lo = -2, hi = 2): number[] {
  let s = (seed * 2654435761) >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + Math.round(((s / 4294967296) * (hi - lo)) * 64) / 64;
  });
}
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** float32 values of a shape (seeded), or given. */
export const f32 = (shape: number[], seed: number | number[], lo = -2, hi = 2): HostT => ({ data: Array.isArray(seed) ? seed : values(count(shape), seed, lo, hi), shape, dtype: 'float32' });
/** int32 values of a shape (seeded in [lo, hi)), or given. */
export const i32 = (shape: number[], seed: number | number[], lo = -5, hi = 5): HostT => ({
  data: Array.isArray(seed) ? seed : values(count(shape), seed, lo, hi).map(Math.floor),
  shape,
  dtype: 'int32',
});
/** A 1-D int32 vector (shapes, axes, paddings…). */
export const i32v = (v: number[], shape = [v.length]): HostT => ({ data: v, shape, dtype: 'int32' });
/** An int32 scalar. */
export const i32s = (v: number): HostT => ({ data: [v], shape: [], dtype: 'int32' });
/** A float32 scalar. */
export const f32s = (v: number): HostT => ({ data: [v], shape: [], dtype: 'float32' });
export const bools = (shape: number[], seed: number | number[]): HostT => ({
  data: Array.isArray(seed) ? seed : values(count(shape), seed, 0, 2).map((v) => (v >= 1 ? 1 : 0)),
  shape,
  dtype: 'bool',
});

export interface GraphCase {
  /** Placeholders and the values fed to them. */
  inputs: Record<string, HostT>;
  /** Const nodes (kept in the weights, as the converter writes them). */
  consts?: Record<string, HostT>;
  nodes: Record<string, CaseNode>;
  /** 'node' or 'node:k'. */
  outputs: string[];
}

function bytesOf(t: HostT): Uint8Array {
  if (t.dtype === 'float32') return new Uint8Array(Float32Array.from(t.data).buffer);
  if (t.dtype === 'int32') return new Uint8Array(Int32Array.from(t.data).buffer);
  return Uint8Array.from(t.data, (v) => (v ? 1 : 0));
}

/** The case as model.json (format graph-model, no signature) and its one weight shard. */
export function caseModel(c: GraphCase): { modelJson: Record<string, unknown>; weights: ArrayBuffer } {
  const nodes: NodeDefJson[] = [];
  for (const [name, t] of Object.entries(c.inputs)) {
    nodes.push({ name, op: 'Placeholder', attr: { dtype: A.dtype(t.dtype), shape: A.shape(t.shape) } } as NodeDefJson);
  }
  const specs: { name: string; shape: number[]; dtype: DT }[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(c.consts ?? {})) {
    nodes.push({ name, op: 'Const', attr: { dtype: A.dtype(t.dtype), value: { tensor: { dtype: TF_TYPE[t.dtype], tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } } } } } as NodeDefJson);
    specs.push({ name, shape: t.shape, dtype: t.dtype });
    parts.push(bytesOf(t));
  }
  for (const [name, n] of Object.entries(c.nodes)) nodes.push({ name, op: n.op, input: n.inputs, attr: n.attr } as NodeDefJson);
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const weights = new Uint8Array(total);
  let at = 0;
  for (const p of parts) (weights.set(p, at), (at += p.byteLength));
  return {
    modelJson: {
      format: 'graph-model',
      generatedBy: 'wgflow tests',
      convertedBy: 'tests/helpers/tfjs_graph.ts',
      modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    },
    weights: weights.buffer,
  };
}

let tfReady: Promise<void> | undefined;
/** TensorFlow.js on its WebGPU backend (once per page). */
export function tfjsReady(): Promise<void> {
  tfReady ??= (async () => {
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: no webgpu backend');
    await tf.ready();
  })();
  return tfReady;
}

/**
 * TensorFlow.js's outputs of the case (its converter, executed with the case's feeds), on its WebGPU backend, or
 * its CPU backend for what the WebGPU one lacks or gets wrong (Unique is not registered; an int32 shape computed
 * on the device reads as zeros on the host).
 */
export async function tfjsOutputs(c: GraphCase, backend: 'webgpu' | 'cpu' = 'webgpu'): Promise<{ data: ArrayLike<number>; shape: number[]; dtype: string }[]> {
  await tfjsReady();
  if (backend === 'cpu') {
    await tf.setBackend('cpu');
    try {
      return await tfjsRun(c);
    } finally {
      await tf.setBackend('webgpu');
    }
  }
  return tfjsRun(c);
}

async function tfjsRun(c: GraphCase): Promise<{ data: ArrayLike<number>; shape: number[]; dtype: string }[]> {
  const { modelJson, weights } = caseModel(c);
  const m = modelJson as { modelTopology: object; weightsManifest: { weights: object[] }[] };
  const model = await tfc.loadGraphModel(tf.io.fromMemory({ modelTopology: m.modelTopology, weightSpecs: m.weightsManifest[0].weights as never, weightData: weights }));
  const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, tf.tensor(t.data, t.shape, t.dtype)]));
  try {
    const outs = [await model.executeAsync(feeds, c.outputs)].flat() as tf.Tensor[];
    const res = await Promise.all(outs.map(async (t) => ({ data: await t.data(), shape: t.shape, dtype: t.dtype })));
    tf.dispose(outs);
    return res;
  } finally {
    tf.dispose(Object.values(feeds));
    model.dispose();
  }
}

/** wgflow's GraphModel of the case. */
export function wgModel(c: GraphCase): GraphModel {
  const { modelJson, weights } = caseModel(c);
  const parsed = parseModelJson(modelJson);
  return new GraphModel(parsed, decodeWeights(parsed.weightsManifest, weights));
}

/**
 * wgflow's outputs of the case, in graph mode (a compiled plan) or eagerly (node by node); through executeAsync
 * when the case has a data-dependent op (ops/dynamic.ts), else through execute.
 */
export async function wgOutputs(c: GraphCase, mode: 'graph' | 'eager'): Promise<{ data: ArrayLike<number>; shape: number[]; dtype: string }[]> {
  const model = wgModel(c);
  wg.config.runFunctionsEagerly(mode === 'eager');
  try {
    return await wg.scope(async () => {
      const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, wg.tensor(t.data, t.shape, t.dtype)]));
      const dynamic = Object.values(c.nodes).some((n) => DYNAMIC_OPS.has(n.op));
      const outs = [dynamic ? await model.executeAsync(feeds, c.outputs) : model.execute(feeds, c.outputs)].flat();
      return Promise.all(outs.map(async (t) => ({ data: await t.data(), shape: [...t.shape], dtype: t.dtype as string })));
    });
  } finally {
    wg.config.runFunctionsEagerly(false);
    model.dispose();
  }
}

/**
 * Runs the case in TensorFlow.js and in wgflow (graph mode and eagerly) and expects the same shapes, dtypes and
 * values: exactly for int32/bool, within rtol·|want| + atol for float32.
 */
export async function expectSameAsTfjs(
  c: GraphCase, tol: { rtol?: number; atol?: number } = {}, label = '', backend: 'webgpu' | 'cpu' = 'webgpu',
): Promise<void> {
  const { rtol = 1e-5, atol = 1e-5 } = tol;
  const want = await tfjsOutputs(c, backend);
  for (const mode of ['graph', 'eager'] as const) {
    const got = await wgOutputs(c, mode);
    const where = `${label || Object.values(c.nodes).map((n) => n.op).join('+')} (${mode})`;
    expect(got.length, `${where}: number of outputs`).toBe(want.length);
    got.forEach((g, k) => {
      const w = want[k];
      expect(g.shape, `${where} output ${k}: shape`).toEqual(w.shape);
      expect(g.dtype, `${where} output ${k}: dtype`).toBe(w.dtype);
      expect(g.data.length, `${where} output ${k}: size`).toBe(w.data.length);
      for (let i = 0; i < w.data.length; i++) {
        const a = Number(g.data[i]);
        const b = Number(w.data[i]);
        if (w.dtype !== 'float32' || Number.isNaN(b) || !Number.isFinite(b)) expect(a, `${where} output ${k}[${i}]`).toBe(b);
        else expect(Math.abs(a - b), `${where} output ${k}[${i}]: ${a} vs ${b}`).toBeLessThanOrEqual(atol + rtol * Math.abs(b));
      }
    });
  }
}
