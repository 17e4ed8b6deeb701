// Test-only helper: run code with new tensors created on a given device (the public wg.device() API
// arrives with the "Devices" issue; tests reach into the runtime for now).
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
