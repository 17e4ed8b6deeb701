// Size-bucketed pool of GPU buffers: freed storage is reused instead of calling createBuffer again.

/** Rounds a request up to its bucket: powers of two up to 1 MiB, then steps of 1/8 of a power of two. */
export function bucketSize(bytes: number): number {
  const min = 256;
  if (bytes <= min) return min;
  const p = 2 ** Math.ceil(Math.log2(bytes));
  if (p <= 1 << 20) return p;
  const step = p / 16; // p/2 < bytes <= p, so steps of p/16 keep waste under 12.5%
  return Math.ceil(bytes / step) * step;
}

export interface PooledBuffer {
  buffer: GPUBuffer;
  /** Bucket size (= buffer.size). */
  bytes: number;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  bytesPooled = 0;
  bytesInUse = 0;
  created = 0;

  constructor(
    private device: GPUDevice,
    private usage: GPUBufferUsageFlags,
    /** Above this many pooled bytes, freed buffers are destroyed instead of kept. */
    private maxPooledBytes: number,
  ) {}

  acquire(bytes: number): PooledBuffer {
    const size = bucketSize(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    this.bytesInUse += size;
    if (reused) {
      this.bytesPooled -= size;
      return { buffer: reused, bytes: size };
    }
    this.created++;
    const buffer = this.device.createBuffer({ size, usage: this.usage });
    return { buffer, bytes: size };
  }

  release(b: PooledBuffer): void {
    this.bytesInUse -= b.bytes;
    if (this.bytesPooled + b.bytes > this.maxPooledBytes) {
      b.buffer.destroy();
      return;
    }
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, (list = []));
    list.push(b.buffer);
    this.bytesPooled += b.bytes;
  }

  /** Destroys every pooled buffer (memory pressure, or the device is gone). */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.bytesPooled = 0;
  }
}
