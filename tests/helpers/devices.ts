// Test-only helper: run code (sync or async) with the given default device, restoring the previous one.
// It sets the runtime's field directly: a test may lose the WebGPU device on purpose, and restoring
// 'webgpu' through wg.setDefaultDevice would then refuse.
import { runtime } from '../../engine/eager/runtime';

export async function onDevice<T>(device: 'webgpu' | 'cpu', fn: () => Promise<T> | T): Promise<T> {
  const prev = runtime.defaultDevice;
  runtime.defaultDevice = device;
  try {
    return await fn();
  } finally {
    runtime.defaultDevice = prev;
  }
}

export const gpuBackend = () => runtime.gpu!;
