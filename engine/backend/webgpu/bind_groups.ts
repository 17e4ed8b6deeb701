// Bind groups of the WebGPU backend. Layouts bind the uniform block at a dynamic offset, so one bind group
// serves every dispatch over the same buffers: eager dispatches find theirs in a cache keyed by layout,
// uniform size and buffers (pooled buffers come back), and graph programs rebind per run the same way.

/** Bind group of one dispatch over fixed buffers (binding 0: uniforms; then inputs; last: the output). */
export interface BoundDispatch {
  layout: GPUBindGroupLayout;
  /** Its prepared bind group, and what that binds. */
  bindGroup: GPUBindGroup;
  buffers: GPUBuffer[];
  uniform: GPUBuffer;
  uniformBytes: number;
  /** Bind groups made for rebound buffers (a few cover most calls). */
  rebound?: Map<string, GPUBindGroup>;
}

const MAX_CACHED = 4096;
const MAX_REBOUND = 8;

export class BindGroups {
  private ids = new WeakMap<object, number>();
  private nextId = 0;
  private cache = new Map<string, GPUBindGroup>();

  private standInBuffer: GPUBuffer | undefined;

  constructor(private readonly device: GPUDevice) {}

  /** A small storage buffer bound where a shader reads an in-place input through its output binding. */
  private standIn(): GPUBuffer {
    return (this.standInBuffer ??= this.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE, label: 'wgflow in-place stand-in' }));
  }

  /** A small number naming a buffer or layout (for cache keys). */
  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }

  /** A new bind group over these buffers; its uniform block (`uniformBytes` at a dynamic offset) is chosen per dispatch. */
  make(layout: GPUBindGroupLayout, uniform: GPUBuffer, uniformBytes: number, buffers: GPUBuffer[]): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform, offset: 0, size: uniformBytes } }];
    const out = buffers[buffers.length - 1];
    // An input that is the output's own buffer (an in-place update) is read through the output binding (the
    // shader was generated so): its read-only binding gets a stand-in, as one buffer cannot be both in a dispatch.
    buffers.forEach((buffer, k) => entries.push({ binding: k + 1, resource: { buffer: k < buffers.length - 1 && buffer === out ? this.standIn() : buffer } }));
    return this.device.createBindGroup({ layout, entries });
  }

  /** An eager dispatch's bind group: made once per layout, uniform size and buffers. */
  cached(layout: GPUBindGroupLayout, uniform: GPUBuffer, uniformBytes: number, buffers: GPUBuffer[]): GPUBindGroup {
    let key = `${this.idOf(layout)}:${uniformBytes}`;
    for (const b of buffers) key += `,${this.idOf(b)}`;
    let g = this.cache.get(key);
    if (!g) {
      // Bounded: entries of buffers since destroyed are never looked up again; a full cache starts over.
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      g = this.make(layout, uniform, uniformBytes, buffers);
      this.cache.set(key, g);
    }
    return g;
  }

  /** The dispatch's bind group with `swap` applied (cached per dispatch by the buffers it ends up binding). */
  rebound(d: BoundDispatch, swap: Map<GPUBuffer, GPUBuffer> | undefined): GPUBindGroup {
    if (!swap || !d.buffers.some((b) => swap.has(b))) return d.bindGroup;
    const buffers = d.buffers.map((b) => swap.get(b) ?? b);
    const key = buffers.map((b) => this.idOf(b)).join(',');
    d.rebound ??= new Map();
    let g = d.rebound.get(key);
    if (!g) {
      g = this.make(d.layout, d.uniform, d.uniformBytes, buffers);
      if (d.rebound.size >= MAX_REBOUND) d.rebound.delete(d.rebound.keys().next().value!);
      d.rebound.set(key, g);
    }
    return g;
  }
}
