// `npm run bench`: wgflow (eager and graph, on WebGPU and on its CPU device), TensorFlow.js (WebGPU), jax-js
// (eager and jit) and hand-written WGSL baselines on the same workloads, in this one page (bench/suite/).
// Options come from `npm run bench -- --workloads … --sizes … --repeats …` (scripts/test.mjs writes them
// to bench/results/.options.json); tables go to stdout, the JSON record to bench/results/. Asserts nothing
// about speed: a library whose output is wrong is marked in its row, and the suite goes on.
import { test } from 'vitest';
import { commands } from 'vitest/browser';
import type { FrameSetup } from './suite/cold';
import { libs as jaxLibs } from './suite/libs/jax';
import { libs as rawLibs } from './suite/libs/raw';
import { libs as tfjsLibs } from './suite/libs/tfjs';
import { libs as wgflowLibs } from './suite/libs/wgflow';
import { parseOptions } from './suite/options';
import { profilingOffCheck } from './suite/profiling';
import { Suite, browserEnv } from './suite/suite';
import type { LibId } from './suite/types';

const RESULTS = 'bench/results';
const options = parseOptions(await commands.readFile(`${RESULTS}/.options.json`).then(JSON.parse, () => ({})));
const all = [...wgflowLibs, ...tfjsLibs, ...jaxLibs, ...rawLibs];
const libs = options.libs.map((id) => all.find((l) => l.id === id)!);

// Cold-start frames (see suite/cold.ts for the method): a srcdoc frame whose inline module script imports
// the adapter module, served and compiled by vitest's dev server like this file. Vitest rewrites import()
// in the modules it serves (jax-js loads its WebGPU backend that way) into calls of a runner object that
// exists only in its own tester frame; the frame defines the same pass-through stand-in vitest itself
// injects into web workers, so those imports run as plain import(). Served this way the peers come
// pre-bundled (vite's dependency optimizer); wgflow is imported as its bundle, dist/wgflow.js, which
// scripts/test.mjs builds first (without it, as its source modules, one request each: the import part would
// be inflated, and the table says so).
const here = (path: string) => new URL(path, import.meta.url).href;
const bundled = await fetch('/dist/wgflow.js', { method: 'HEAD' }).then((r) => r.ok && /javascript/.test(r.headers.get('content-type') ?? ''), () => false);
if (!bundled) console.log('cold start: dist/wgflow.js is missing; wgflow is imported as source modules (its import part is inflated)');
const wgflowAdapter = here(bundled ? './suite/libs/wgflow_bundle.ts' : './suite/libs/wgflow.ts');
const ADAPTERS: Record<LibId, string> = {
  'wgflow-eager': wgflowAdapter,
  'wgflow-graph': wgflowAdapter,
  'wgflow-cpu-eager': wgflowAdapter, // cold start is skipped on the CPU device (its Lib.skip)
  'wgflow-cpu-graph': wgflowAdapter,
  tfjs: here('./suite/libs/tfjs.ts'),
  'jax-eager': here('./suite/libs/jax.ts'),
  'jax-jit': here('./suite/libs/jax.ts'),
  raw: here('./suite/libs/raw.ts'),
};
const coldFrame: FrameSetup = (frame, id, size, token) => {
  frame.srcdoc = `<!doctype html><script type="module">
    globalThis.__vitest_browser_runner__ = { wrapDynamicImport: (f) => f() };
    const post = (m) => parent.postMessage({ token: ${JSON.stringify(token)}, ...m }, '*');
    try {
      const { coldRunInFrame } = await import(${JSON.stringify(here('./suite/cold.ts'))});
      post({ result: await coldRunInFrame(${JSON.stringify(id)}, ${size}, () => import(${JSON.stringify(ADAPTERS[id])})) });
    } catch (e) {
      post({ error: String(e && e.stack || e) });
    }
  </script>`;
};

const suite = new Suite(options, libs, coldFrame, (line) => console.log(line));
const TIMEOUT = 600_000;

test('set-up', () => suite.setup(), TIMEOUT);

for (const step of suite.steps()) {
  test(`${step.workload} ${step.size}`, async () => void (await suite.run(step)), TIMEOUT);
}

test('report', async () => {
  const profiling = await profilingOffCheck(options);
  const pkg = JSON.parse(await commands.readFile('package.json'));
  const versions = Object.fromEntries(
    ['@jax-js/jax', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'].map((p) => [p, pkg.devDependencies[p]]),
  );
  const record = { ...suite.record({ ...(await browserEnv()), versions }), profiling };
  const json = JSON.stringify(record, null, 1);
  const stamp = record.date.replace(/[:.]/g, '-');
  await commands.writeFile(`${RESULTS}/suite-${stamp}.json`, json);
  await commands.writeFile(`${RESULTS}/latest.json`, json);
  console.log(
    `\n${suite.report()}\n\n${profiling.text}\n\n` +
      `Suite time ${(record.totalMs / 1000).toFixed(0)} s; JSON: ${RESULTS}/suite-${stamp}.json (and latest.json)`,
  );
}, TIMEOUT);
