// TensorFlow.js (@tensorflow/tfjs-core + @tensorflow/tfjs-backend-webgpu, versions pinned in package.json)
// in the suite: eager ops inside tf.tidy, the output read with `await data()` and disposed.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu'; // registers the 'webgpu' backend
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { HostTensor, Lib, Problem, Runnable, WarmWorkloadId } from '../types';

type Inputs = Record<string, tf.Tensor>;
type Body = (t: Inputs, s: Record<string, number>) => tf.Tensor;

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
};

const upload = (t: HostTensor) => tf.tensor(t.data, t.shape, 'float32');

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
      const workload = p.workload === 'cold' ? 'chain' : p.workload;
      const names = Object.keys(p.inputs);
      const inputs = Object.fromEntries(names.map((n) => [n, upload(p.inputs[n])]));
      const release = () => tf.dispose(Object.values(inputs));
      let compute: (() => tf.Tensor) | undefined;
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
          const y = tf.tidy(fn); // intermediates freed here; the output lives until read
          try {
            return await y.data();
          } finally {
            y.dispose();
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
