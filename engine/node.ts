// wgflow's entry for Node: the same public API as engine/index.ts, with WebGPU from Dawn (npm `webgpu`) when
// the package and a Vulkan driver are there, else the CPU device with a warning that says what to install.
// The provider is installed before the engine module starts (it acquires the GPU at import).
import './backend/webgpu/node_install';
export * from './index';
