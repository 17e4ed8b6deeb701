// jax-js (@jax-js/jax, version pinned in package.json) in the suite, on its WebGPU device: eager array ops,
// and the same functions compiled with `jit` (fused kernels, recorded execution). jax-js arrays are
// reference-counted and every function takes ownership of its arguments: a prepared input is passed as
// `x.ref` (+1) so it survives the call, and `await y.data()` consumes the output.
import { defaultDevice, init, jit, nn, numpy as np } from '@jax-js/jax';
import type { Lib, Problem, Runnable, WarmWorkloadId } from '../types';

type Inputs = Record<string, np.Array>;
/** A workload body: consumes every array it is given (each exactly once). */
type Body = (t: Inputs, s: Record<string, number>) => np.Array;

const BODIES: Partial<Record<WarmWorkloadId, Body>> = {
  matmul: ({ a, b }) => np.matmul(a, b),
  // x is used four times: three extra references, the last use consumes it.
  chain: ({ x }, { a, b, c }) =>
    np.tanh(nn.relu(x.ref.mul(a).add(b)).sub(x.ref)).mul(c).add(np.exp(np.negative(x.ref.mul(x)))),
  'sum-rows': ({ x }) => np.sum(x, 1),
  'sum-cols': ({ x }) => np.sum(x, 0),
  softmax: ({ x }) => nn.softmax(x, -1),
  mlp: ({ x, w1, b1, w2, b2, w3, b3 }) => {
    const h1 = nn.relu(np.matmul(x, w1).add(b1));
    const h2 = nn.relu(np.matmul(h1, w2).add(b2));
    return nn.softmax(np.matmul(h2, w3).add(b3), -1);
  },
};

/**
 * jax-js exposes no count of live buffers, so the leak check sums the reference counts of the prepared
 * inputs: each must be back to 1 after every run (a missing `.ref` would free an input, an extra one leak it).
 */
const prepared = new Set<np.Array>();

function jaxLib(mode: 'eager' | 'jit'): Lib {
  return {
    id: mode === 'eager' ? 'jax-eager' : 'jax-jit',
    label: mode === 'eager' ? 'jax-js eager' : 'jax-js jit',
    version: '@jax-js/jax',
    async setup() {
      const devices = await init('webgpu');
      if (!devices.includes('webgpu')) throw new Error('jax-js: WebGPU unavailable');
      defaultDevice('webgpu');
    },
    live: () => [...prepared].reduce((s, a) => s + a.refCount, 0),
    async prepare(p: Problem): Promise<Runnable | undefined> {
      const workload = p.workload === 'cold' ? 'chain' : p.workload;
      const body = BODIES[workload];
      if (!body && workload !== 'dispatch') return undefined;
      const names = Object.keys(p.inputs);
      const arrays = names.map((n) => np.array(p.inputs[n].data).reshape(p.inputs[n].shape));
      for (const a of arrays) prepared.add(a);
      // The unit jit compiles: the workload's body, or for dispatch one add, called p.ops times in a chain.
      const unit = body
        ? (...as: np.Array[]) => body(Object.fromEntries(names.map((n, i) => [n, as[i]])), p.scalars)
        : (y: np.Array, v: np.Array) => y.add(v);
      const jitted = mode === 'jit' ? jit(unit) : undefined;
      const f = jitted ?? unit;
      const compute = body
        ? () => f(...arrays.map((a) => a.ref))
        : () => {
            const [x] = arrays;
            let y = x.ref;
            for (let i = 0; i < p.ops!; i++) y = f(y, x.ref);
            return y;
          };
      return {
        run: () => compute().data(),
        dispose() {
          jitted?.dispose();
          for (const a of arrays) {
            prepared.delete(a);
            a.dispose();
          }
        },
      };
    },
  };
}

export const libs: Lib[] = [jaxLib('eager'), jaxLib('jit')];
