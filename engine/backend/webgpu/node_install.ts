// Installs the Dawn GPU provider as a side effect of importing: engine/node.ts imports this before the engine.
import { installNodeGPU } from './node_gpu';

installNodeGPU();
