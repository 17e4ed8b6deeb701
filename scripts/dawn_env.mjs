// The environment Dawn (npm `webgpu`) needs in Node on a machine without a GPU: Chromium's SwiftShader
// Vulkan driver (VK_ICD_FILENAMES), and a Vulkan loader — Debian's libvulkan1, or else the one Chromium ships
// (LD_LIBRARY_PATH; it is read when the process starts, so it must be set for the child, not in-process).
// Variables the user set are kept: a real GPU's driver is used when VK_ICD_FILENAMES / VK_DRIVER_FILES say so.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { findChromium } from './chromium.mjs';

const SYSTEM_LOADERS = ['x86_64-linux-gnu', 'aarch64-linux-gnu'].map((a) => `/usr/lib/${a}/libvulkan.so.1`).concat(['/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1']);

/** Directories where Chromium keeps its SwiftShader ICD and Vulkan loader. */
function chromiumDirs() {
  const chrome = findChromium();
  return [...new Set(['/usr/lib/chromium', ...(chrome ? [dirname(chrome)] : [])])];
}

/** Variables to add to `env` for Dawn's tests and benchmarks (empty where nothing is needed or found). */
export function dawnEnv(env = process.env) {
  const out = {};
  const dirs = chromiumDirs();
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES) {
    const icd = dirs.map((d) => `${d}/vk_swiftshader_icd.json`).find((f) => existsSync(f));
    if (icd) out.VK_ICD_FILENAMES = icd;
  }
  if (!SYSTEM_LOADERS.some((f) => existsSync(f))) {
    const dir = dirs.find((d) => existsSync(`${d}/libvulkan.so.1`));
    if (dir) out.LD_LIBRARY_PATH = [dir, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return out;
}
