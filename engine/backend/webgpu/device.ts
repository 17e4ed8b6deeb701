// Finds a WebGPU adapter and requests a device with the adapter's real limits (not the defaults).

export interface AcquiredDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  adapterInfo: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean };
  features: string[];
}

/** Features we use when present (timestamp-query for profiling; subgroups for reductions later). */
const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups' as GPUFeatureName];

/**
 * Where WebGPU comes from when `navigator.gpu` is absent: the Node entry (engine/node.ts) installs one that
 * loads Dawn (npm `webgpu`). It says why it has no GPU, for the warning.
 */
export type GPUProvider = () => Promise<{ gpu?: GPU; why?: string; noAdapter?: string }>;
let provider: GPUProvider | undefined;
export function setGPUProvider(p: GPUProvider): void {
  provider = p;
}

/** Why the last acquisition found no WebGPU (for the runtime's warning). */
export let missingReason: string | undefined;

export async function findGPU(): Promise<{ gpu?: GPU; noAdapter?: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu };
  if (!provider) {
    missingReason = 'navigator.gpu is missing';
    return {};
  }
  const found = await provider();
  missingReason = found.why;
  return found;
}

/**
 * Returns undefined when WebGPU is missing or no adapter is available (`missingReason` says why). Fallback
 * adapters (SwiftShader) are accepted: on machines without a GPU they are the only WebGPU there is.
 */
export async function acquireDevice(): Promise<AcquiredDevice | undefined> {
  const { gpu, noAdapter } = await findGPU();
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    missingReason = noAdapter ?? 'navigator.gpu returned no adapter';
    return undefined;
  }
  // The default device grants far less than the adapter offers (128 MiB bindings instead of 1 GiB here).
  const requiredLimits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') requiredLimits[key] = v;
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  return {
    adapter,
    device,
    adapterInfo: {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
      isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    },
    features: [...device.features].sort(),
  };
}

export function limitsRecord(device: GPUDevice): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in device.limits) {
    const v = (device.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}
