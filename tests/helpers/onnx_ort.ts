// ONNX Runtime (onnxruntime-web, its wasm build, single-threaded) as the reference engine for exported models:
// the wasm files load from the package itself, so this runs offline in Node.
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export type OrtValues = Record<string, { data: Float32Array | Int32Array | Uint8Array; dims: number[] }>;

const ORT_TYPE = { float32: 'float32', int32: 'int32', bool: 'bool', uint32: 'uint32' } as const;

/** Runs an ONNX model in ONNX Runtime: feeds by input name (wgflow dtypes), every output by name. */
export async function runOrt(model: Uint8Array, feeds: Record<string, { dtype: keyof typeof ORT_TYPE; data: ArrayLike<number>; dims: number[] }>): Promise<OrtValues> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      const data = f.dtype === 'float32' ? Float32Array.from(f.data) : f.dtype === 'int32' ? Int32Array.from(f.data) : f.dtype === 'uint32' ? Uint32Array.from(f.data) : Uint8Array.from(f.data);
      inputs[name] = new ort.Tensor(ORT_TYPE[f.dtype], data, f.dims);
    }
    const results = await session.run(inputs);
    const out: OrtValues = {};
    for (const [name, t] of Object.entries(results)) out[name] = { data: t.data as Float32Array | Int32Array | Uint8Array, dims: [...t.dims] };
    return out;
  } finally {
    await session.release();
  }
}
