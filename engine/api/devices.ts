// Public device API: wg.device(d, fn), wg.setDefaultDevice / wg.setBackend / wg.getBackend, and the `to` op (t.to(d)).
// The placement rule and the moves themselves live in eager/devices.ts (graph planning uses them too).
import { DeviceError } from '../core/errors';
import type { DeviceName, Tensor } from '../core/tensor';
import { gpuUnavailable, moveTensor, parseDevice, withDevice } from '../eager/devices';
import { runtime } from '../eager/runtime';
import { p } from '../ops/registry';
import { family } from './define';
import { tensorArg } from './args';

/** A device name: 'webgpu' or 'cpu' ('gpu', '/GPU:0' and '/CPU:0' are accepted too). */
export type DeviceSpec = DeviceName | 'gpu' | string;

/**
 * Runs `fn` with ops placed on `device` (TensorFlow's `with tf.device(...)`), in eager and graph code alike:
 * inputs on another device are copied there. Returns what `fn` returns; an async `fn` keeps the device until
 * it settles (blocks must nest, like wg.scope).
 */
export function device<T>(device: DeviceSpec, fn: () => T): T {
  const d = parseDevice(device, 'device');
  if (typeof fn !== 'function') throw new DeviceError('device: expected a function to run on the device, as in wg.device(\'cpu\', () => …)', { op: 'device' });
  return withDevice(d, fn);
}

/**
 * The device for ops with no tensor inputs (creation ops) and for ops whose inputs are on different
 * devices; WebGPU when available. Tensors already made stay where they are.
 */
export function setDefaultDevice(device: DeviceSpec): void {
  const d = parseDevice(device, 'setDefaultDevice');
  const why = d === 'webgpu' ? gpuUnavailable() : undefined;
  if (why) throw new DeviceError(`setDefaultDevice: cannot use webgpu: ${why}`, { op: 'setDefaultDevice' });
  runtime.defaultDevice = d;
}

/** The default device ('webgpu' or 'cpu'). */
export function getDefaultDevice(): DeviceName {
  return runtime.defaultDevice;
}

/**
 * TensorFlow.js-style alias of setDefaultDevice: `await wg.setBackend('cpu')`. Takes effect at once (the
 * Promise only mirrors TensorFlow.js, whose backends initialise asynchronously); resolves to true.
 */
export function setBackend(name: DeviceSpec): Promise<boolean> {
  setDefaultDevice(name);
  return Promise.resolve(true);
}

/** TensorFlow.js-style: the default device's name. */
export function getBackend(): DeviceName {
  return runtime.defaultDevice;
}

/** `to` (registry definition): a transfer node in graphs, which store its device normalised. */
export const DEVICE_DEFS = family('device', {
  to: {
    doc: 'A copy on `device` (the tensor itself if it is there already); WebGPU → CPU completes asynchronously.',
    params: [p('x', 'tensor'), p('device', 'deviceSpec')],
    returns: 'tensor',
    method: true,
    differentiable: true,
    // Normalised before recording ('/CPU:0' → 'cpu'), so placement and saved graphs see one spelling.
    prepare: ([t, d]) => [t, parseDevice(d as DeviceSpec, 'to')],
    impl: (t: Tensor, device: DeviceSpec) => moveTensor(tensorArg(t, 'to', 'tensor'), parseDevice(device, 'to'), 'to'),
  },
});
