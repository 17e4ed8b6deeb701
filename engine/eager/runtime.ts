// The eager runtime: owns the backends (acquired at import), device loss and re-acquisition,
// tensor accounting, and readback. Ops go through dispatch.ts; scopes live in scope.ts.
import type { ProfileCollector } from '../core/profile';
import type { Backend, MemoryStats } from '../backend/backend';
import { CpuBackend } from '../backend/cpu/cpu_backend';
import { acquireDevice, limitsRecord, missingReason } from '../backend/webgpu/device';
import { WebGPUBackend } from '../backend/webgpu/webgpu_backend';
import { DTYPE_INFO, type TypedArray } from '../core/dtype';
import { DeviceLostError, GraphModeError } from '../core/errors';
import { installMemoryMeter, limitedTensors } from '../core/memory_limit';
import { type DeviceName, type Tensor, installTensorRuntime } from '../core/tensor';
import { materialize } from './dispatch';
import { noteCreated, noteDisposed } from './scope';

export interface BackendInfo {
  backend: DeviceName;
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean } | null;
  limits: Record<string, number>;
  features: string[];
  /** Why WebGPU is not in use, when it is not. */
  reason?: string;
}

class Runtime {
  readonly cpu = new CpuBackend();
  gpu: WebGPUBackend | undefined;
  gpuMissing: string | undefined;
  defaultDevice: DeviceName = 'cpu';
  liveTensors = 0;
  private reacquiring: Promise<void> | undefined;

  async init(): Promise<void> {
    try {
      const acquired = await acquireDevice();
      if (acquired) {
        this.gpu = new WebGPUBackend(acquired, (b) => this.onLost(b));
        this.defaultDevice = 'webgpu';
        return;
      }
      this.gpuMissing = missingReason ?? 'navigator.gpu is missing or returned no adapter';
    } catch (e) {
      this.gpuMissing = `requesting a WebGPU device failed: ${(e as Error).message}`;
    }
    console.warn(`wgflow: WebGPU is not available (${this.gpuMissing}); running on the CPU device.`);
  }

  private onLost(b: WebGPUBackend): void {
    if (this.gpu !== b) return;
    // Acquire a new device in the background; `wg.ready()` waits for it.
    this.reacquiring = (async () => {
      try {
        const acquired = await acquireDevice();
        this.gpu = acquired ? new WebGPUBackend(acquired, (nb) => this.onLost(nb)) : undefined;
        if (!acquired) this.gpuMissing = 'the device was lost and no adapter is available any more';
      } catch (e) {
        this.gpu = undefined;
        this.gpuMissing = `re-acquiring a WebGPU device failed: ${(e as Error).message}`;
      } finally {
        this.reacquiring = undefined;
      }
    })();
  }

  async ready(): Promise<void> {
    await this.reacquiring;
  }

  /**
   * While a graph is planned, ops run against a recording backend: their launches are kept, not run
   * (see graph/recorder.ts). Everything above the backend — validation, dtypes, views — is the same code.
   */
  recorder: { on(device: DeviceName, op: string): Backend } | undefined;
  /** Reads a graph tensor: computes a lazy one (withMode('graph')), or explains how to fetch it. */
  graphRead: ((t: Tensor) => Promise<TypedArray>) | undefined;

  backend(device: DeviceName, op: string): Backend {
    if (this.recorder) return this.recorder.on(device, op);
    if (device === 'cpu') return this.cpu;
    const g = this.gpu;
    if (!g || g.lostReason !== undefined) {
      if (this.reacquiring || g) {
        throw new DeviceLostError(`${op}: the WebGPU device was lost; await wg.ready() before running more ops`, { op });
      }
      throw new DeviceLostError(`${op}: WebGPU is not available (${this.gpuMissing})`, { op });
    }
    return g;
  }

  info(): BackendInfo {
    const g = this.gpu;
    if (this.defaultDevice === 'webgpu' && g) {
      return { backend: 'webgpu', adapter: g.acquired.adapterInfo, limits: limitsRecord(g.device), features: g.acquired.features };
    }
    return { backend: 'cpu', adapter: null, limits: {}, features: [], reason: this.gpuMissing };
  }

  /** Options for core/profile.ts's collect(): every device's counters are taken when the profile starts. */
  profileOptions<T extends object>(o: T): T & { bytesInUse: number; start: (c: ProfileCollector) => void } {
    return {
      ...o,
      bytesInUse: this.memory().bytesInUse,
      start: (c: ProfileCollector) => {
        this.cpu.startProfile(c);
        this.gpu?.startProfile(c);
      },
    };
  }

  memory(): MemoryStats & { tensors: number } {
    const c = this.cpu.memory();
    const g = this.gpu?.memory() ?? { bytesInUse: 0, bytesPooled: 0, buffersCreated: 0 };
    return {
      tensors: this.liveTensors,
      bytesInUse: c.bytesInUse + g.bytesInUse,
      bytesPooled: c.bytesPooled + g.bytesPooled,
      buffersCreated: c.buffersCreated + g.buffersCreated,
    };
  }

  async read(t: Tensor): Promise<TypedArray> {
    if (t.graph) {
      if (this.graphRead) return this.graphRead(t);
      throw new GraphModeError('data: this is a graph tensor; fetch its value with `await sess.run(t)`');
    }
    const userArray = (n: number | ArrayBufferLike) => new DTYPE_INFO[t.dtype].array(n);
    if (t.size === 0 || !t.storage) return userArray(0);
    const backend = t.storage.owner as Backend;
    let raw;
    if (t.isContiguous) {
      raw = await backend.read(t.storage.handle, t.dtype, t.offset, t.size);
    } else {
      // A strided view is gathered into a contiguous copy first (one kernel), then read.
      const copy = materialize(t);
      try {
        raw = await backend.read(copy.storage!.handle, t.dtype, 0, t.size);
      } finally {
        copy.dispose();
      }
    }
    if (t.dtype !== 'bool') return raw as TypedArray;
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] ? 1 : 0;
    return out;
  }
}

export const runtime = new Runtime();

// wg.config.setMemoryLimit counts what wg.memory() counts: live storages on the CPU and the current WebGPU device.
installMemoryMeter({
  bytesInUse: () => runtime.cpu.bytesLive() + (runtime.gpu?.bytesLive() ?? 0),
  liveTensors: () => runtime.liveTensors,
  releasePooled: () => runtime.gpu?.releasePooled(),
});

installTensorRuntime({
  read: (t) => runtime.read(t),
  // Graph tensors are symbols, not memory: not counted, not in scopes. Lazy tensors (withMode('graph'))
  // belong to scopes like eager ones and are counted once computed (see graph/lazy.ts).
  created: (t) => {
    if (t.graph?.graph.kind === 'graph') return;
    if (!t.graph) {
      runtime.liveTensors++;
      t.accounted = true;
      // With a memory limit set, live tensors are kept for its error message (see core/memory_limit.ts).
      if (limitedTensors) limitedTensors.add(t);
    }
    noteCreated(t);
  },
  disposed: (t) => {
    if (t.accounted) runtime.liveTensors--;
    if (limitedTensors) limitedTensors.delete(t);
    noteDisposed(t);
  },
  bound: (t) => {
    if (!t.accounted && !t.isDisposed) {
      runtime.liveTensors++;
      t.accounted = true;
      if (limitedTensors) limitedTensors.add(t);
    }
  },
  checkAlive: (t, op) => {
    const owner = t.storage?.owner;
    if (owner instanceof WebGPUBackend && owner.lostReason !== undefined) {
      throw new DeviceLostError(
        `${op}: tensor #${t.id} lived on a WebGPU device that was lost (${owner.lostReason}); its values are gone`,
        { op, shapes: [[...t.shape]], dtypes: [t.dtype] },
      );
    }
  },
});
