// wgflow in the suite: eager (every op dispatched as it is called) and graph (the same function traced once
// by wg.function, then run as its optimised, fused plan). Public API only, and no import of the engine
// itself: the adapters are made for a module with its public interface — engine/index.ts (wgflow.ts) or
// the bundled dist/wgflow.js (wgflow_bundle.ts, cold start).
import type * as engine from '../../../engine/index';
import type { HostTensor, Lib, Problem, Runnable, WarmWorkloadId } from '../types';

type Wg = typeof engine;

/** The two adapters (eager, graph) over a wgflow module. */
export function wgflowLibs(wg: Wg): Lib[] {
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
  };

  const upload = (t: HostTensor) => wg.tensor(t.data, t.shape, 'float32');

  function wgflowLib(mode: 'eager' | 'graph'): Lib {
    return {
      id: mode === 'eager' ? 'wgflow-eager' : 'wgflow-graph',
      label: mode === 'eager' ? 'wgflow eager' : 'wgflow graph',
      version: 'this repository',
      setup: () => wg.ready(),
      live: () => wg.memory().tensors,
      async prepare(p: Problem): Promise<Runnable | undefined> {
        const workload = p.workload === 'cold' ? 'chain' : p.workload;
        const names = Object.keys(p.inputs);
        const inputs = names.map((n) => upload(p.inputs[n]));
        const release = () => wg.dispose(inputs);
        if (workload === 'dispatch') {
          // p.ops chained adds, each its own dispatch (eager) or its own call of a traced function (graph).
          const [x] = inputs;
          const traced = mode === 'graph' ? wg.function((y: engine.Tensor, v: engine.Tensor) => wg.add(y, v)) : undefined;
          const add = traced ?? ((y: engine.Tensor, v: engine.Tensor) => wg.add(y, v));
          return {
            run: () =>
              wg.scope(async () => {
                let y = x;
                for (let i = 0; i < p.ops!; i++) y = add(y, x);
                return y.data();
              }),
            dispose: () => {
              traced?.dispose();
              release();
            },
          };
        }
        const body = BODIES[workload];
        if (!body) {
          release();
          return undefined;
        }
        const call = (...ts: engine.Tensor[]) => body(Object.fromEntries(names.map((n, i) => [n, ts[i]])), p.scalars);
        const traced = mode === 'graph' ? wg.function(call) : undefined;
        const f = traced ?? call;
        return {
          // The scope frees every tensor the call made (eager intermediates, the output) once read back.
          run: () => wg.scope(async () => f(...inputs).data()),
          dispose: () => {
            traced?.dispose();
            release();
          },
        };
      },
    };
  }
  return [wgflowLib('eager'), wgflowLib('graph')];
}

type Inputs = Record<string, engine.Tensor>;
type Body = (t: Inputs, s: Record<string, number>) => engine.Tensor;

