// Browser test setup: insists on real WebGPU, and checks after every test that no tensor or byte leaked
// and that the GPU reported no uncaptured (validation) error.
import { afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import * as wg from '../../engine/index';
import { runtime } from '../../engine/eager/runtime';

declare module 'vitest' {
  export interface ProvidedContext {
    allowCpu: boolean;
    propertyRuns: number;
    propertySeed: number;
  }
}

beforeAll(() => {
  const info = wg.backendInfo();
  if (info.backend !== 'webgpu' && !inject('allowCpu')) {
    throw new Error(
      `The browser tests need real WebGPU but the engine fell back to the CPU (${info.reason}). ` +
        'Check the Chromium flags (--enable-unsafe-webgpu), or set WGFLOW_ALLOW_CPU=1 to run on the CPU on purpose.',
    );
  }
});

let baseline: ReturnType<typeof wg.memory>;
beforeEach(() => {
  baseline = wg.memory();
});

afterEach(async () => {
  await wg.ready();
  const m = wg.memory();
  expect({ tensors: m.tensors, bytesInUse: m.bytesInUse }, 'tensors/bytes leaked by this test').toEqual({
    tensors: baseline.tensors,
    bytesInUse: baseline.bytesInUse,
  });
  const errors = runtime.gpu?.uncapturedErrors.splice(0) ?? [];
  expect(errors, 'uncaptured WebGPU errors').toEqual([]);
});
