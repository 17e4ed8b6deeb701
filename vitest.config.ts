// Test projects: `node` (codegen, CPU backend, pure logic), `browser` (real WebGPU in headless Chromium),
// `dawn` (the browser suites in Node on Dawn's WebGPU: `npm run test:node`) and `bench`.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, findChromium } from './scripts/chromium.mjs';

const chrome = findChromium();
const quick = process.env.WGFLOW_QUICK === '1';

// Values the browser-side tests read with `inject()` (they cannot see process.env).
const provide = {
  allowCpu: process.env.WGFLOW_ALLOW_CPU === '1',
  propertyRuns: Number(process.env.WGFLOW_PROPERTY_RUNS ?? (quick ? 15 : 60)),
  propertySeed: Number(process.env.WGFLOW_SEED ?? 20261126),
};

/**
 * Browser suites that do not run on Dawn, and why: none need a page, but these test the browser itself.
 * (Filled in from what fails for browser-specific reasons, each with its reason.)
 */
const DAWN_EXCLUDE: string[] = [
  // TensorFlow.js graph models: their oracle is TensorFlow.js's WebGPU backend in the page, and the models are
  // fetched from the test server. In Node, e2e/library.spec.ts loads a model through wgflow/tfjs's exports.
  'tests/browser/tfjs_*.test.ts',
  // Gradients against TensorFlow.js and jax-js, and 1,000 training steps per mode: what they check (the peers'
  // numbers, the engine's own memory accounting) does not depend on the WebGPU implementation, Chromium runs
  // them, and on Dawn they cost over a minute (recording is slower in Node under vitest: its stack hooks).
  'tests/browser/autodiff_peers.test.ts',
  'tests/browser/autodiff_memory.test.ts',
  // Optimizers and losses against TensorFlow.js: the same reasoning (Chromium runs them).
  'tests/browser/train_*.test.ts',
];

/** Headless Chromium with WebGPU (the browser, models and bench projects). */
const headlessChromium = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({ launchOptions: { executablePath: chrome ?? undefined, args: chromiumArgs } }),
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  test: {
    provide,
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          provide,
        },
      },
      {
        // Bundled before the run (found late, Vite would reload the page mid-run): the gradient peers' modules.
        optimizeDeps: { include: ['@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-cpu', '@jax-js/jax'] },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          setupFiles: ['tests/browser/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          provide,
          browser: headlessChromium(),
        },
      },
      {
        // The browser suites again, in Node on Dawn (npm `webgpu`): the same engine and WGSL without a page.
        test: {
          name: 'dawn',
          include: ['tests/browser/**/*.test.ts', 'tests/dawn/**/*.test.ts'],
          exclude: DAWN_EXCLUDE,
          setupFiles: ['tests/dawn/setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          provide,
        },
      },
      {
        // `npm run bench -- --node`: wgflow's workloads in Node on Dawn.
        test: {
          name: 'bench-node',
          include: ['bench/suite_node.bench.test.ts'],
          setupFiles: ['tests/dawn/install.ts'],
          environment: 'node',
          testTimeout: 600_000,
          provide,
        },
      },
      {
        // `npm run test:models`: every packaged TensorFlow.js model against TensorFlow.js (minutes on SwiftShader).
        test: {
          name: 'models',
          include: ['tests/models/**/*.test.ts'],
          setupFiles: ['tests/browser/setup.ts'],
          testTimeout: 600_000,
          provide,
          browser: headlessChromium(),
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.bench.test.ts'],
          exclude: ['bench/suite_node.bench.test.ts'],
          testTimeout: 300_000,
          provide,
          browser: headlessChromium(),
        },
      },
    ],
  },
});
