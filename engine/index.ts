// wgflow's only public entry: everything a user may touch is exported here, nothing else is.
import { runtime, type BackendInfo } from './eager/runtime';

// Acquire the adapter and device now (top-level await), so the backend and its limits are known
// synchronously at the first op and `wg.add(wg.constant(5), wg.constant(3))` works as typed.
await runtime.init();

/** Resolves when the engine is ready (at once after import; after a device loss, when a new device is up). */
export function ready(): Promise<void> {
  return runtime.ready();
}

/** The backend in use, the adapter, and the limits and features the device was granted. */
export function backendInfo(): BackendInfo {
  return runtime.info();
}

/** Live tensors and device memory as the backends actually allocate it. */
export function memory(): { tensors: number; bytesInUse: number; bytesPooled: number; buffersCreated: number } {
  return runtime.memory();
}

export { Tensor } from './core/tensor';
export type { DeviceName, NestedArray } from './core/tensor';
export type { DType, TypedArray } from './core/dtype';
export type { BackendInfo } from './eager/runtime';
export {
  WgError, ShapeError, DTypeError, DisposedError, ScopeError, GraphModeError, LimitError, ResourceExhaustedError, DeviceLostError,
  DeviceError, ShaderError, SerializationError,
} from './core/errors';
export type { SourceLocation } from './core/errors';
export { tidy, scope, keep } from './eager/scope';
// Gradients (engine/autodiff/): TensorFlow.js's functional forms and TensorFlow 2's tape.
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, GradientTape, gradientTape, GradientError } from './autodiff/api';
export { gradients, type GradientsOptions } from './autodiff/graph_gradients';
// Training (engine/train/): optimizers, losses (tf.losses, with tf.Reduction), initializers.
export * as train from './train/optimizers';
export * as losses from './train/losses';
export { Reduction } from './train/losses';
export * as initializers from './train/initializers';
export { saveVariables, loadVariables, type SavedVariables } from './train/variables';
// Every op: its public function (and Tensor method), generated from the op registry (engine/api/registry.ts).
export * from './api/ops.gen';
import { image as imageOps } from './api/ops.gen';
import { NMS_ASYNC } from './api/selection';
/**
 * Image ops (TensorFlow.js's `tf.image`): the registry's, plus the Async forms of non-max suppression
 * (plain async functions that read back: engine/api/selection.ts).
 */
export const image = { ...imageOps, ...NMS_ASYNC };
import { browser as browserOps } from './api/ops.gen';
import { pixelFunctions } from './api/browser';
/**
 * Pixels in and out of tensors (TensorFlow.js's `tf.browser`): fromPixels (the registry's), and the plain async
 * functions fromPixelsAsync and toPixels (engine/api/browser.ts).
 */
export const browser = { ...browserOps, ...pixelFunctions(browserOps.fromPixels) };
export type { PixelData, PixelSource, PixelCanvas } from './api/browser';
// The Tensor methods' declarations, and the names of the ops that are methods.
export type { MethodName } from './api/methods.gen';
export { setSeed } from './api/creation';
export type { TensorValues } from './api/creation';
export type { TensorLike } from './api/ops';
export type { Axis } from './api/reduce';
export type { VariableOptions } from './api/state';
export type { FusedConv2DArgs, FusedMatMulArgs, FusedActivation } from './api/conv';
export type { Padding, RoundingMode, DataFormat } from './ops/conv_util';
export { device, setDefaultDevice, getDefaultDevice, setBackend, getBackend } from './api/devices';
export type { DeviceSpec } from './api/devices';
export { Graph } from './graph/graph';
export type { GraphJSON, LoadOptions } from './graph/serialize';
export { Session } from './graph/session';
export { tfFunction as function } from './graph/function';
export type { WgFunction } from './graph/function';
export { withMode, executingEagerly } from './graph/lazy';
/** Runs fn with a name scope pushed (TensorFlow's tf.name_scope): graph nodes and traced eager ops inside carry its '/'-joined path. */
export { nameScope } from './graph/name_scope';
export { config } from './graph/mode';
export { flushPrints } from './graph/print';
/** NumPy-style text of row-major values (`[[1., 2.],\n [3., 4.]]`), as wg.print shows a tensor's values. */
export { formatValues } from './core/format';
export type { Fetches, Feeds, RunOptions } from './graph/session';
export type { GraphOptions, Optimizations } from './graph/mode';
export type { PlanInfo, PlanKernel } from './graph/explain';
export type { PassReport } from './graph/passes/index';

/** Disposes a tensor or every tensor in an array/object. */
export { disposeAll as dispose } from './api/dispose';

// Profiling and run records (plain JSON data).
export { profile, record, compareProfiles, toChromeTrace } from './api/profile';
export type { RunRecord, ProfileComparison, ComparisonRow, ComparisonSide } from './api/profile';
export type { Profile, ProfileKernel, ProfileSource, ProfileTotals, ProfileTimer, TraceOp } from './core/profile';
export type { GraphRun, GraphRunNode, GraphRunKernel, GraphEntry } from './graph/profile_graph';
export type { LaunchSnapshot } from './graph/passes/index';
