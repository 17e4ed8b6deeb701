// A TypeScript user of the packed library: compiled by e2e/library.spec.ts in a scratch project whose
// node_modules holds only the `npm pack` tarball of wgflow and @webgpu/types. It is not under e2e/ because the
// repository's typecheck would compile it too, before any dist/wgflow.d.ts exists.
import * as wg from 'wgflow';
import { loadGraphModel, type GraphModel, UnsupportedOpError } from 'wgflow/tfjs';

// Eager mode: tensors, methods, readback.
const x: wg.Tensor = wg.tensor([[1, 2, 3], [4, 5, 6]]);
const y = wg.relu(x.mul(2).sub(wg.tensor([10, 20, 30])));
const shape: readonly number[] = y.shape;
const dtype: wg.DType = y.dtype;
const values: Promise<wg.TypedArray> = y.data();
const info: wg.BackendInfo = wg.backendInfo();
const backend: 'webgpu' | 'cpu' = info.backend;
const live: number = wg.memory().tensors;
wg.tidy(() => wg.matMul(x, wg.transpose(x)));
const total: Promise<number> = wg.scope(async () => (await wg.sum(x).numpy()) as number);

// Graph mode: build, save, load, run.
const g = new wg.Graph();
g.build(() => {
  const p = g.placeholder('float32', [null, 3], 'x');
  return { y: wg.softmax(p) };
});
const saved: wg.GraphJSON = g.toJSON();
const session = new wg.Session(wg.Graph.fromJSON(JSON.stringify(saved)), { optimizations: { fusion: true } });
const out: Promise<unknown> = session.run('y', { x: [[1, 2, 3]] });
const f: wg.WgFunction<(t: wg.Tensor) => wg.Tensor> = wg.function((t: wg.Tensor) => wg.exp(t));
const ran: Promise<number> = wg.withMode('graph', async () => 1);

// wgflow/tfjs: its models take and give the core's tensors (one engine, one set of types).
const model: Promise<GraphModel> = loadGraphModel('model.json');
void model.then((m) => {
  const out = m.predict(x);
  const first: wg.Tensor = Array.isArray(out) ? out[0] : out instanceof wg.Tensor ? out : Object.values(out)[0];
  const unsupported = (e: unknown): e is UnsupportedOpError => e instanceof UnsupportedOpError && e instanceof wg.WgError;
  void first;
  void unsupported;
});

// Errors are classes users can test for.
const isShapeError = (e: unknown): e is wg.ShapeError => e instanceof wg.ShapeError && e instanceof wg.WgError;

// The types are real, not `any`: each of these lines must be an error.
// @ts-expect-error: no such op
wg.frobnicate(x);
// @ts-expect-error: a Tensor is not a number
const n: number = x;
// @ts-expect-error: shapes are numbers
wg.zeros(['2']);
// @ts-expect-error: internals are not exported
wg.runtime;

export { shape, dtype, values, backend, live, total, out, f, ran, isShapeError, n };
