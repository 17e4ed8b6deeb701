// TensorFlow.js (@tensorflow/tfjs-core + @tensorflow/tfjs-backend-webgpu, versions pinned in package.json)
// in the suite: eager ops inside tf.tidy, the output read with `await data()` and disposed. The mlp-grad
// workloads hold the MLP's parameters as tf.Variables and take their gradients with tf.variableGrads, as a
// TF.js training step does.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu'; // registers the 'webgpu' backend
// tfjs-core's gradients live in a module of their own, which the @tensorflow/tfjs package imports (so TF.js's cold
// start includes registering them, as a page importing @tensorflow/tfjs does). A dynamic import in prepare() would
// spare the cold start, but vite's dev server discovers the dependency mid-run and the first run's import fails.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { HostTensor, Lib, Problem, Runnable, WarmWorkloadId } from '../types';
import { joinOutputs, MLP_GRAD_PARAMS } from '../workloads_grad';
import { isTrainWorkload, trainHyper, TRAIN_PARAMS } from '../workloads_train';

type Inputs = Record<string, tf.Tensor>;
/** A workload body: one output, or several (mlp-grad: the loss and the gradients, in MLP_GRAD_OUTPUTS order). */
type Body = (t: Inputs, s: Record<string, number>) => tf.Tensor | tf.Tensor[];

/** The MLP's softmax cross-entropy on one-hot labels, mean over the batch; its gradients by tf.variableGrads. */
const mlpGrad: Body = ({ x, labels, ...params }) => {
  const { w1, b1, w2, b2, w3, b3 } = params;
  const loss = () => {
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    const logits = tf.add(tf.matMul(h2, w3), b3);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar;
  };
  const vars = MLP_GRAD_PARAMS.map((n) => params[n] as tf.Variable);
  const { value, grads } = tf.variableGrads(loss, vars);
  return [value, ...vars.map((v) => grads[v.name])];
};

const BODIES: Partial<Record<WarmWorkloadId, Body>> = {
  matmul: ({ a, b }) => tf.matMul(a, b),
  chain: ({ x }, { a, b, c }) => tf.add(tf.mul(tf.tanh(tf.sub(tf.relu(tf.add(tf.mul(x, a), b)), x)), c), tf.exp(tf.neg(tf.mul(x, x)))),
  'sum-rows': ({ x }) => tf.sum(x, 1),
  'sum-cols': ({ x }) => tf.sum(x, 0),
  softmax: ({ x }) => tf.softmax(x, -1),
  mlp: ({ x, w1, b1, w2, b2, w3, b3 }) => {
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.softmax(tf.add(tf.matMul(h2, w3), b3), -1);
  },
  conv2d: ({ x, filter }) => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'),
  depthwise: ({ x, filter }) => tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'),
  maxpool: ({ x }) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'),
  // TF.js at its best: bias and relu fused into the convolution and the dense layer (what tf.layers' Conv2D and
  // Dense run), one kernel each, against wgflow's plain ops.
  cnn: ({ x, w1, b1, w2, b2, w3, b3 }) => {
    const block = (h: tf.Tensor4D, filter: tf.Tensor, bias: tf.Tensor) =>
      tf.maxPool(tf.fused.conv2d({ x: h, filter: filter as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' }), 2, 2, 'valid');
    const h2 = block(block(x as tf.Tensor4D, w1, b1), w2, b2);
    const [n, h, w, c] = h2.shape;
    return tf.softmax(tf.fused.matMul({ a: tf.reshape(h2, [n, h * w * c]), b: w3 as tf.Tensor2D, bias: b3 }), -1);
  },
  'mlp-grad': mlpGrad,
  'mlp-grad-small': mlpGrad,
};

const upload = (t: HostTensor) => tf.tensor(t.data, t.shape, 'float32');

/**
 * train-mlp: the parameters as tf.Variables, `tf.train.adam` with the problem's hyperparameters, and each step
 * `optimizer.minimize(() => loss, true)` (tf.losses.softmaxCrossEntropy, mean over the batch); every step's cost
 * but the last is disposed at once, the last read back and disposed.
 */
function prepareTrain(p: Problem): Runnable {
  const hp = trainHyper(p);
  const x = upload(p.inputs.x);
  const labels = upload(p.inputs.labels);
  const vars = TRAIN_PARAMS.map((n) => tf.tidy(() => tf.variable(upload(p.inputs[n]), true)));
  const [w1, b1, w2, b2, w3, b3] = vars;
  const opt = tf.train.adam(hp.lr, hp.beta1, hp.beta2, hp.epsilon);
  const loss = () => {
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    return tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h2, w3), b3)) as tf.Scalar;
  };
  return {
    async run() {
      let last: tf.Scalar | null = null;
      for (let i = 0; i < hp.steps; i++) {
        last?.dispose();
        last = opt.minimize(loss, true);
      }
      try {
        return await last!.data();
      } finally {
        last!.dispose();
      }
    },
    dispose() {
      opt.dispose();
      tf.dispose([x, labels, ...vars]);
    },
  };
}

export const libs: Lib[] = [
  {
    id: 'tfjs',
    label: 'TF.js webgpu',
    version: `tfjs-core ${tf.version_core} + tfjs-backend-webgpu`,
    async setup() {
      // By default the WebGPU backend runs an op on the CPU when its inputs are small and still on the CPU;
      // off, so that the tiny-op dispatch workload measures GPU dispatches like every other column.
      tf.env().set('WEBGPU_CPU_FORWARD', false);
      if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend failed to initialise');
      await tf.ready();
    },
    live: () => tf.memory().numTensors,
    async prepare(p: Problem): Promise<Runnable | undefined> {
      if (isTrainWorkload(p.workload)) return prepareTrain(p);
      const workload = p.workload === 'cold' ? 'chain' : p.workload;
      const names = Object.keys(p.inputs);
      const inputs: Inputs = Object.fromEntries(names.map((n) => [n, upload(p.inputs[n])]));
      const grad = workload === 'mlp-grad' || workload === 'mlp-grad-small';
      // The mlp-grad parameters as trainable variables (sharing the uploaded data).
      const vars = grad ? MLP_GRAD_PARAMS.map((n) => [n, tf.variable(inputs[n], true)] as const) : [];
      const uploads = Object.values(inputs);
      for (const [n, v] of vars) inputs[n] = v;
      const release = () => tf.dispose([...uploads, ...vars.map(([, v]) => v)]);
      let compute: (() => tf.Tensor | tf.Tensor[]) | undefined;
      if (workload === 'dispatch') {
        compute = () => {
          let y = inputs.x;
          for (let i = 0; i < p.ops!; i++) y = tf.add(y, inputs.x);
          return y;
        };
      } else {
        const body = BODIES[workload];
        if (body) compute = () => body(inputs, p.scalars);
      }
      if (!compute) {
        release();
        return undefined;
      }
      const fn = compute;
      return {
        async run() {
          const y = tf.tidy(fn); // intermediates freed here; the outputs live until read
          try {
            return Array.isArray(y) ? joinOutputs(await Promise.all(y.map((t) => t.data()))) : await y.data();
          } finally {
            tf.dispose(y);
          }
        },
        dispose: release,
      };
    },
    teardown() {
      (tf.backend() as WebGPUBackend).device.destroy();
    },
  },
];
