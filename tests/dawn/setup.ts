// Node-on-Dawn test setup (`npm run test:node`): the engine finds WebGPU through Dawn (npm `webgpu`), as the
// Node entry does, before any test imports it; then the browser suites' setup runs unchanged (it insists on
// real WebGPU, so a missing Vulkan driver fails loudly instead of passing on the CPU). Each test file gets
// its own engine and device in this process: the device is destroyed when the file ends.
import '../../engine/backend/webgpu/node_install';
import { afterAll } from 'vitest';
import { runtime } from '../../engine/eager/runtime';
import '../browser/setup';

afterAll(() => {
  runtime.gpu?.device.destroy();
});
