// jax-js (@jax-js/jax, version pinned in package.json) in the suite, on its WebGPU device: eager array ops,
// and the same functions compiled with `jit` (fused kernels, recorded execution). jax-js arrays are
// reference-counted and every function takes ownership of its arguments: a prepared input is passed as
// `x.ref` (+1) so it survives the call, and `await y.data()` consumes the output. The mlp-grad workloads take
// the loss and its gradients with `valueAndGrad` (under `jit` in the jit column: forward and backward compiled
// together).
import { defaultDevice, init, jit, lax, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import type { BenchOptions } from '../options';
import type { HostTensor, Lib, Problem, Runnable, WarmWorkloadId } from '../types';
import { joinOutputs } from '../workloads_grad';
import { isTrainWorkload, trainHyper, TRAIN_PARAMS, type TrainHyper } from '../workloads_train';

type Inputs = Record<string, np.Array>;
/**
 * A workload body: consumes every array it is given (each exactly once). One output, or several (mlp-grad: the
 * loss and the gradients, in MLP_GRAD_OUTPUTS order).
 */
type Body = (t: Inputs, s: Record<string, number>) => np.Array | np.Array[];

/** The MLP's softmax cross-entropy on one-hot labels, mean over the batch (parameters first: argnums 0–5). */
const mlpLoss = (w1: np.Array, b1: np.Array, w2: np.Array, b2: np.Array, w3: np.Array, b3: np.Array, x: np.Array, labels: np.Array) => {
  const h1 = nn.relu(np.matmul(x, w1).add(b1));
  const h2 = nn.relu(np.matmul(h1, w2).add(b2));
  const logits = np.matmul(h2, w3).add(b3);
  return np.negative(np.mean(np.sum(labels.mul(nn.logSoftmax(logits, -1)), -1)));
};
const mlpValueAndGrads = valueAndGrad(mlpLoss, { argnums: [0, 1, 2, 3, 4, 5] });
const mlpGrad: Body = ({ x, labels, w1, b1, w2, b2, w3, b3 }) => {
  const [value, grads] = mlpValueAndGrads(w1, b1, w2, b2, w3, b3, x, labels);
  return [value, ...grads];
};

/** Adam's state in jax-js arrays: the first and second moments of each parameter, and β₁ᵗ, β₂ᵗ of the last step. */
type AdamState = {
  params: np.Array[];
  m: np.Array[];
  v: np.Array[];
  /** [β₁ᵗ, β₂ᵗ] after t steps (1 before the first), scalars kept on the device as TF.js's Adam keeps them. */
  powers: np.Array[];
};

/**
 * One training step as a pure function (jit compiles it whole: forward, backward and the Adam update): the loss
 * and gradients by valueAndGrad, then TF.js's Adam rule by hand, m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * w ← w − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε). Consumes the state, x and labels; returns the step's loss
 * (before the update) and the new state.
 */
function adamStep(hp: TrainHyper) {
  return (state: AdamState, x: np.Array, labels: np.Array): [np.Array, AdamState] => {
    const { params, m, v, powers } = state;
    const [loss, grads] = mlpValueAndGrads(...(params.map((p) => p.ref) as Params), x, labels);
    const p1 = powers[0].mul(hp.beta1);
    const p2 = powers[1].mul(hp.beta2);
    const c1 = np.subtract(1, p1.ref);
    const c2 = np.subtract(1, p2.ref);
    const next: AdamState = { params: [], m: [], v: [], powers: [p1, p2] };
    params.forEach((w, i) => {
      const g = grads[i];
      const mi = m[i].mul(hp.beta1).add(g.ref.mul(1 - hp.beta1));
      const vi = v[i].mul(hp.beta2).add(np.square(g).mul(1 - hp.beta2));
      const update = mi.ref.div(c1.ref).div(np.sqrt(vi.ref.div(c2.ref)).add(hp.epsilon)).mul(hp.lr);
      next.params.push(w.sub(update));
      next.m.push(mi);
      next.v.push(vi);
    });
    c1.dispose();
    c2.dispose();
    return [loss, next];
  };
}
type Params = [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];

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
  // Convolutions and pooling in jax's own layout (NCHW input, OIHW filter; see JAX_LAYOUT), the result moved
  // back to the suite's NHWC inside the function (jit may fold that transpose into the kernel's stores).
  conv2d: ({ x, filter }) => toNHWC(lax.convGeneralDilated(x, filter, [1, 1], 'SAME')),
  depthwise: ({ x, filter }) =>
    toNHWC(lax.convGeneralDilated(x, filter, [1, 1], 'SAME', { featureGroupCount: x.shape[1] })),
  maxpool: ({ x }) => toNHWC(maxPool2(x)),
  cnn: ({ x, w1, b1, w2, b2, w3, b3 }) => {
    const block = (h: np.Array, w: np.Array, b: np.Array) => maxPool2(nn.relu(lax.convGeneralDilated(h, w, [1, 1], 'SAME').add(b)));
    const h2 = block(block(x, w1, b1), w2, b2);
    const [n, c, h, w] = h2.shape;
    return nn.softmax(np.matmul(h2.reshape([n, c * h * w]), w3).add(b3), -1);
  },
  'mlp-grad': mlpGrad,
  'mlp-grad-small': mlpGrad,
};

/** NCHW → NHWC. */
const toNHWC = (y: np.Array) => y.transpose([0, 2, 3, 1]);
/** 2×2 max pooling, stride 2, over the last two axes (NCHW's H and W): jax-js's reduceWindow. */
const maxPool2 = (x: np.Array) => lax.reduceWindow(x, (w) => np.max(w), [2, 2], [2, 2]);

/** A host array with its axes permuted (out axis i is in axis perm[i]). */
function permute({ data, shape }: HostTensor, perm: number[]): HostTensor {
  const outShape = perm.map((a) => shape[a]);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const strides = perm.map((a) => inStrides[a]);
  const out = new Float32Array(data.length);
  const idx = new Array(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let i = 0; i < idx.length; i++) at += idx[i] * strides[i];
    out[o] = data[at];
    for (let i = idx.length - 1; i >= 0 && ++idx[i] === outShape[i]; i--) idx[i] = 0;
  }
  return { data: out, shape: outShape };
}

const NCHW = [0, 3, 1, 2];
/** HWIO filter [kH, kW, in, out] → OIHW; a depthwise HWC1 filter [kH, kW, C, 1] → [C, 1, kH, kW]. */
const OIHW = [3, 2, 0, 1];
const DEPTHWISE_OIHW = [2, 3, 0, 1];
/** A per-channel bias [C] as [C, 1, 1], to broadcast over NCHW. */
const channelBias = (t: HostTensor): HostTensor => ({ data: t.data, shape: [t.shape[0], 1, 1] });

/**
 * The suite's NHWC host inputs in jax's convolution layout, rearranged on the host when the problem is
 * prepared (as a model's weights and images would be stored for jax), so only the computation is timed.
 * The CNN's dense weights get their rows reordered to match the NCHW flatten (c, h, w) of the same features.
 */
const JAX_LAYOUT: Partial<Record<WarmWorkloadId, (t: Record<string, HostTensor>) => Record<string, HostTensor>>> = {
  conv2d: ({ x, filter }) => ({ x: permute(x, NCHW), filter: permute(filter, OIHW) }),
  depthwise: ({ x, filter }) => ({ x: permute(x, NCHW), filter: permute(filter, DEPTHWISE_OIHW) }),
  maxpool: ({ x }) => ({ x: permute(x, NCHW) }),
  cnn: ({ x, w1, b1, w2, b2, w3, b3 }) => {
    // Rows of w3 are NHWC features (h, w, c) of the last pooled map: view them as [h, w, c, classes].
    const c = w2.shape[3];
    const hw = Math.round(Math.sqrt(w3.shape[0] / c));
    const rows = permute({ data: w3.data, shape: [hw, hw, c, w3.shape[1]] }, [2, 0, 1, 3]);
    return {
      x: permute(x, NCHW), w1: permute(w1, OIHW), b1: channelBias(b1), w2: permute(w2, OIHW), b2: channelBias(b2),
      w3: { data: rows.data, shape: w3.shape }, b3,
    };
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
    // 50 un-jitted steps of the big MLP take ~45 s a run on SwiftShader (each op its own dispatch, the backward
    // traced again every step): 3–4 minutes of the suite, near vitest's 10-minute limit for the row under load.
    skip: (p: Problem, opts: BenchOptions) =>
      mode === 'eager' && p.workload === 'train-mlp' && !opts.sizesGiven.includes('train-mlp')
        ? 'jax-js eager takes ~45 s a run on train-mlp; it sits out the default size (--workloads train-mlp:64 runs it)'
        : undefined,
    async prepare(p: Problem): Promise<Runnable | undefined> {
      if (isTrainWorkload(p.workload)) return prepareTrain(p, mode);
      const workload = p.workload === 'cold' ? 'chain' : p.workload;
      const body = BODIES[workload];
      if (!body && workload !== 'dispatch') return undefined;
      const host = JAX_LAYOUT[workload]?.(p.inputs) ?? p.inputs;
      const names = Object.keys(host);
      const arrays = names.map((n) => np.array(host[n].data).reshape(host[n].shape));
      for (const a of arrays) prepared.add(a);
      // The unit jit compiles: the workload's body, or for dispatch one add, called p.ops times in a chain.
      const unit = body
        ? (...as: np.Array[]) => body(Object.fromEntries(names.map((n, i) => [n, as[i]])), p.scalars)
        : (y: np.Array, v: np.Array): np.Array | np.Array[] => y.add(v);
      const jitted = mode === 'jit' ? jit(unit) : undefined;
      const f = jitted ?? unit;
      const compute = body
        ? () => f(...arrays.map((a) => a.ref))
        : () => {
            const [x] = arrays;
            let y = x.ref;
            for (let i = 0; i < p.ops!; i++) y = f(y, x.ref) as np.Array;
            return y;
          };
      return {
        run: async () => {
          const out = compute();
          return Array.isArray(out) ? joinOutputs(await Promise.all(out.map((a) => a.data()))) : out.data();
        },
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

/**
 * train-mlp: the state (parameters, moments, β powers) as jax-js arrays, and the step function (adamStep) called
 * `steps` times, jit-compiled in the jit column (compiled on the first, checked, run), as it is in the eager one.
 * Each call consumes the state and returns the next; every loss but the last is disposed, the last read back.
 */
function prepareTrain(p: Problem, mode: 'eager' | 'jit'): Runnable {
  const hp = trainHyper(p);
  const upload = (t: HostTensor) => np.array(t.data).reshape(t.shape);
  const x = upload(p.inputs.x);
  const labels = upload(p.inputs.labels);
  let state: AdamState = {
    params: TRAIN_PARAMS.map((n) => upload(p.inputs[n])),
    m: TRAIN_PARAMS.map((n) => np.zeros(p.inputs[n].shape)),
    v: TRAIN_PARAMS.map((n) => np.zeros(p.inputs[n].shape)),
    powers: [np.ones([]), np.ones([])],
  };
  // The leak check counts the references of the inputs and of the current state (each back to 1 after a run).
  const held = () => [x, labels, ...state.params, ...state.m, ...state.v, ...state.powers];
  for (const a of held()) prepared.add(a);
  const step = adamStep(hp);
  const jitted = mode === 'jit' ? jit(step) : undefined;
  const f = jitted ?? step;
  return {
    async run() {
      for (const a of held()) prepared.delete(a);
      let loss: np.Array | undefined;
      try {
        for (let i = 0; i < hp.steps; i++) {
          loss?.dispose();
          [loss, state] = f(state, x.ref, labels.ref);
        }
      } finally {
        for (const a of held()) prepared.add(a);
      }
      return loss!.data();
    },
    dispose() {
      jitted?.dispose();
      for (const a of held()) {
        prepared.delete(a);
        a.dispose();
      }
    },
  };
}

export const libs: Lib[] = [jaxLib('eager'), jaxLib('jit')];
