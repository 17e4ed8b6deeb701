// Setup for Node runs on Dawn without the test suites' checks (the Node benchmark): WebGPU from npm `webgpu`.
import '../../engine/backend/webgpu/node_install';
