// WebGPU in Node: Dawn's binding (the optional npm package `webgpu`, pinned 0.6.2) as the GPU provider when
// there is no navigator.gpu. Only the Node entry (engine/node.ts) imports this file: browser bundles never
// contain it. Facts probed on Debian 12: Dawn needs a Vulkan loader (libvulkan1) and a driver; without a GPU,
// Chromium's SwiftShader driver works (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json).
import { setGPUProvider } from './device';

/** The package name in a variable: bundlers must leave the import to Node. */
const PACKAGE = 'webgpu';
const VERSION = '0.6.2';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

const held = globalThis as { __wgflowDawnGPU?: GPU };

const NO_ADAPTER =
  'Dawn found no GPU adapter: install a Vulkan loader and driver (Debian: `apt-get install libvulkan1 mesa-vulkan-drivers`; ' +
  'NVIDIA: the driver package), or without a GPU use SwiftShader, e.g. ' +
  '`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` with Debian\'s chromium installed';

export function installNodeGPU(): void {
  setGPUProvider(async () => {
    if (held.__wgflowDawnGPU) return { gpu: held.__wgflowDawnGPU, noAdapter: NO_ADAPTER };
    let dawn: DawnModule;
    try {
      dawn = (await import(/* @vite-ignore */ PACKAGE)) as DawnModule;
    } catch (e) {
      return { why: `WebGPU in Node needs the optional package \`webgpu\` (npm install webgpu@${VERSION}): ${(e as Error).message.split('\n')[0]}` };
    }
    // Dawn's GPUBufferUsage, GPUMapMode… are globals in browsers; the engine uses them as such.
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) Object.assign(globalThis, { [k]: v });
    try {
      // Created once per process and kept referenced: collecting it while work is queued crashes at exit.
      held.__wgflowDawnGPU = dawn.create([]);
    } catch (e) {
      return { why: `Dawn could not start: ${(e as Error).message}` };
    }
    return { gpu: held.__wgflowDawnGPU, noAdapter: NO_ADAPTER };
  });
}
