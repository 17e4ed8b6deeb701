// Size-bucketed pool of GPU buffers: freed storage is reused instead of calling createBuffer again.
import { memoryLimitBytes } from '../../core/memory_limit';

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
    /** Storage buffers (what wg.memory() counts): pooled ones also stay within the memory limit. */
    private underLimit = false,
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

  /**
   * Will release() keep a freed buffer of `bytes` (else it hands it back to be destroyed)? Under a memory limit
   * (wg.config.setMemoryLimit) the pool keeps live + pooled bytes within the limit as well.
   */
  keeps(bytes: number): boolean {
    if (this.bytesPooled + bytes > this.maxPooledBytes) return false;
    return !this.underLimit || memoryLimitBytes === null || this.bytesInUse + this.bytesPooled <= memoryLimitBytes;
  }

  /**
   * Takes a buffer back: pooled, or (returned) to be destroyed by the caller once no recorded command uses it
   * (a buffer destroyed before the commands that use it are submitted fails their submission).
   */
  release(b: PooledBuffer): GPUBuffer | undefined {
    const keep = this.keeps(b.bytes);
    this.bytesInUse -= b.bytes;
    if (!keep) return b.buffer;
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, (list = []));
    list.push(b.buffer);
    this.bytesPooled += b.bytes;
    return undefined;
  }

  /** Is a free buffer of `bytes`' bucket pooled (then acquire takes no new memory)? */
  hasFree(bytes: number): boolean {
    return (this.free.get(bucketSize(bytes))?.length ?? 0) > 0;
  }

  /** Takes pooled buffers out until at most `keepBytes` stay pooled; the caller destroys them. */
  evict(keepBytes: number): GPUBuffer[] {
    const out: GPUBuffer[] = [];
    for (const [size, list] of this.free) {
      while (this.bytesPooled > keepBytes && list.length > 0) {
        out.push(list.pop()!);
        this.bytesPooled -= size;
      }
      if (this.bytesPooled <= keepBytes) break;
    }
    return out;
  }

  /** Destroys every pooled buffer (memory pressure, or the device is gone). */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.bytesPooled = 0;
  }
}
