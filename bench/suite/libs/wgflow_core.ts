// wgflow in the suite: eager (every op dispatched as it is called) and graph (the same function traced once
// by wg.function, then run as its optimised, fused plan), on WebGPU or on its CPU device (the same code with
// the CPU as the default device). Public API only, and no import of the engine itself: the adapters are made
// for a module with its public interface — engine/index.ts (wgflow.ts) or dist/wgflow.js (wgflow_bundle.ts).
import type * as engine from '../../../engine/index';
import type { BenchOptions } from '../options';
import type { HostTensor, Lib, Problem, Runnable, WarmWorkloadId } from '../types';
import { joinOutputs, MLP_GRAD_PARAMS } from '../workloads_grad';
import { isTrainWorkload, trainHyper, TRAIN_PARAMS } from '../workloads_train';

type Wg = typeof engine;
type Device = 'webgpu' | 'cpu';

/** The largest matmul n the CPU device runs at the default sizes (a 1024³ row costs ~10 s more here). */
export const CPU_MATMUL_MAX = 512;

/** The two adapters (eager, graph) over a wgflow module, with `device` as the default device. */
export function wgflowLibs(wg: Wg, device: Device = 'webgpu'): Lib[] {
  /** Each workload once, as ordinary wgflow code; graph mode traces the very same function. */
  const BODIES: Partial<Record<WarmWorkloadId, Body>> = {
    matmul: ({ a, b }) => wg.matMul(a, b),
    chain: ({ x }, { a, b, c }) => wg.tanh(wg.relu(x.mul(a).add(b)).sub(x)).mul(c).add(wg.exp(x.mul(x).neg())),
    'sum-rows': ({ x }) => wg.sum(x, 1),
    'sum-cols': ({ x }) => wg.sum(x, 0),
    softmax: ({ x }) => wg.softmax(x, -1),
    mlp: ({ x, w1, b1, w2, b2, w3, b3 }) => {
      const h1 = wg.relu(wg.matMul(x, w1).add(b1));
      const h2 = wg.relu(wg.matMul(h1, w2).add(b2));
      return wg.softmax(wg.matMul(h2, w3).add(b3), -1);
    },
    conv2d: ({ x, filter }) => wg.conv2d(x, filter, 1, 'same'),
    depthwise: ({ x, filter }) => wg.depthwiseConv2d(x, filter, 1, 'same'),
    maxpool: ({ x }) => wg.maxPool(x, 2, 2, 'valid'),
    // Plain ops (conv2d, add, relu…): graph mode is what fuses the bias and relu into the convolution.
    cnn: ({ x, w1, b1, w2, b2, w3, b3 }) => {
      const h1 = wg.maxPool(wg.relu(wg.conv2d(x, w1, 1, 'same').add(b1)), 2, 2, 'valid');
      const h2 = wg.maxPool(wg.relu(wg.conv2d(h1, w2, 1, 'same').add(b2)), 2, 2, 'valid');
      const [n, h, w, c] = h2.shape;
      return wg.softmax(wg.matMul(h2.reshape([n, h * w * c]), w3).add(b3), -1);
    },
    // The loss and its six parameter gradients (wg.valueAndGrads: eagerly a tape; in graph mode forward and
    // backward traced into one plan).
    'mlp-grad': mlpGrad,
    'mlp-grad-small': mlpGrad,
  };

  /** Softmax cross-entropy of the MLP on (x, one-hot labels), mean over the batch, as a function of the parameters. */
  function mlpLoss(x: engine.Tensor, labels: engine.Tensor) {
    return (w1: engine.Tensor, b1: engine.Tensor, w2: engine.Tensor, b2: engine.Tensor, w3: engine.Tensor, b3: engine.Tensor) => {
      const h1 = wg.relu(wg.matMul(x, w1).add(b1));
      const h2 = wg.relu(wg.matMul(h1, w2).add(b2));
      const logits = wg.matMul(h2, w3).add(b3);
      return wg.neg(wg.mean(wg.sum(wg.mul(labels, wg.logSoftmax(logits, -1)), -1)));
    };
  }
  function mlpGrad(t: Inputs): engine.Tensor[] {
    const { value, grads } = wg.valueAndGrads(mlpLoss(t.x, t.labels))(MLP_GRAD_PARAMS.map((n) => t[n]));
    return [value, ...grads];
  }

  /**
   * Runs `fn` with this adapter's device as wgflow's default device (inputs are made there, graphs planned
   * there), and restores the previous default once `fn`, sync or async, is done: the runner interleaves the
   * libraries, so every library sets its own device for each of its calls.
   */
  function onDevice<T>(fn: () => T): T {
    const before = wg.getDefaultDevice();
    if (before === device) return fn();
    wg.setDefaultDevice(device);
    let r: T;
    try {
      r = fn();
    } catch (e) {
      wg.setDefaultDevice(before);
      throw e;
    }
    if (!(r instanceof Promise)) {
      wg.setDefaultDevice(before);
      return r;
    }
    return r.finally(() => wg.setDefaultDevice(before)) as T;
  }

  const upload = (t: HostTensor) => wg.tensor(t.data, t.shape, 'float32');
  const cpu = device === 'cpu';

  /** The CPU device sits out cold start, and matmuls above CPU_MATMUL_MAX unless their sizes were given. */
  function skip(p: Problem, opts: BenchOptions): string | undefined {
    if (!cpu) return undefined;
    if (p.workload === 'cold') return 'cold start is not measured on the CPU device';
    if (p.workload === 'matmul' && p.size > CPU_MATMUL_MAX && !opts.sizesGiven.includes('matmul')) {
      return `matmul above ${CPU_MATMUL_MAX}³ is skipped at the default sizes, to keep the run short; --workloads matmul:${p.size} runs it`;
    }
    return undefined;
  }

  function wgflowLib(mode: 'eager' | 'graph'): Lib {
    return {
      id: `wgflow-${cpu ? 'cpu-' : ''}${mode}`,
      label: `wgflow ${cpu ? 'CPU ' : ''}${mode}`,
      version: cpu ? 'this repository, CPU device' : 'this repository',
      setup: () => wg.ready(),
      live: () => wg.memory().tensors,
      skip,
      prepare: (p: Problem) => onDevice(() => prepare(p, mode)),
    };
  }

  /**
   * train-mlp: the parameters as variables, `wg.train.adam` with the problem's hyperparameters, and one step as
   * `opt.minimize(() => loss, true)` (wg.losses.softmaxCrossEntropy), the batch passed as arguments. Eagerly each
   * step runs in a tidy; in graph mode the step is a wg.function (traced on the first, checked, run, before any
   * timing), whose plan updates the variables and the slots in place. Only the last step's loss is read back.
   */
  async function prepareTrain(p: Problem, mode: 'eager' | 'graph'): Promise<Runnable> {
    const hp = trainHyper(p);
    const x = upload(p.inputs.x);
    const labels = upload(p.inputs.labels);
    const params = TRAIN_PARAMS.map((n) => wg.tidy(() => wg.variable(upload(p.inputs[n]))));
    const [w1, b1, w2, b2, w3, b3] = params;
    const opt = wg.train.adam(hp.lr, hp.beta1, hp.beta2, hp.epsilon);
    const loss = (xb: engine.Tensor, yb: engine.Tensor) => {
      const h1 = wg.relu(wg.matMul(xb, w1).add(b1));
      const h2 = wg.relu(wg.matMul(h1, w2).add(b2));
      return wg.losses.softmaxCrossEntropy(yb, wg.matMul(h2, w3).add(b3));
    };
    const unit = (xb: engine.Tensor, yb: engine.Tensor) => opt.minimize(() => loss(xb, yb), true)!;
    const traced = mode === 'graph' ? wg.function(unit) : undefined;
    const step = traced ?? unit;
    return {
      run: () =>
        onDevice(async () => {
          let last: engine.Tensor | undefined;
          for (let i = 0; i < hp.steps; i++) {
            last?.dispose();
            last = wg.tidy(() => step(x, labels));
          }
          try {
            return await last!.data();
          } finally {
            last!.dispose();
          }
        }),
      dispose: () => {
        traced?.dispose();
        opt.dispose();
        wg.dispose([x, labels, ...params]);
      },
    };
  }

  async function prepare(p: Problem, mode: 'eager' | 'graph'): Promise<Runnable | undefined> {
    if (isTrainWorkload(p.workload)) return prepareTrain(p, mode);
    const workload = p.workload === 'cold' || p.workload === 'chain-sweep' ? 'chain' : p.workload;
    const body = BODIES[workload];
    if (!body && workload !== 'dispatch') return undefined;
    const names = Object.keys(p.inputs);
    const inputs = names.map((n) => upload(p.inputs[n]));
    // The unit graph mode traces: the workload's body, or for dispatch one add, called p.ops times in a chain
    // (each its own dispatch eagerly, its own call of the traced function in graph mode).
    const unit = body
      ? (...ts: engine.Tensor[]) => body(Object.fromEntries(names.map((n, i) => [n, ts[i]])), p.scalars)
      : (y: engine.Tensor, v: engine.Tensor): engine.Tensor | engine.Tensor[] => wg.add(y, v);
    const traced = mode === 'graph' ? wg.function(unit) : undefined;
    const f = traced ?? unit;
    const compute = body
      ? () => f(...inputs)
      : () => {
          const [x] = inputs;
          let y = x;
          for (let i = 0; i < p.ops!; i++) y = f(y, x) as engine.Tensor;
          return y;
        };
    return {
      // The scope frees every tensor the call made (eager intermediates, the outputs) once read back; several
      // outputs are read back together and joined.
      run: () =>
        onDevice(() =>
          wg.scope(async () => {
            const out = compute();
            return Array.isArray(out) ? joinOutputs(await Promise.all(out.map((t) => t.data()))) : out.data();
          }),
        ),
      dispose: () => {
        traced?.dispose();
        wg.dispose(inputs);
      },
    };
  }
  return [wgflowLib('eager'), wgflowLib('graph')];
}

type Inputs = Record<string, engine.Tensor>;
/** A workload body: one output, or several (the mlp-grad workloads: loss and gradients, in MLP_GRAD_OUTPUTS order). */
type Body = (t: Inputs, s: Record<string, number>) => engine.Tensor | engine.Tensor[];

