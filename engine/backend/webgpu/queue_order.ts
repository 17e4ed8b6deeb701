// Keeps the WebGPU queue in program order when some of its input arrives later: a CPU → WebGPU transfer of
// values the CPU has not computed yet (they wait on a WebGPU → CPU readback). Until those values are
// written, later queue operations (submissions, writes, buffer destruction) wait behind them, in order.

export class QueueOrder {
  private chain: Promise<void> | undefined;
  /** A held step that failed (a lost device, a failed CPU step): reported by the next read. */
  failure: unknown;

  /** True while something is held: queue operations must go through run(). */
  get holding(): boolean {
    return this.chain !== undefined;
  }

  /** Runs a queue operation now, or after everything held so far. */
  run(fn: () => void): void {
    if (!this.chain) return fn();
    this.link(this.chain.then(fn));
  }

  /** Holds later queue operations until `values` resolves and `write` has put them on the queue. */
  hold<T>(values: Promise<T>, write: (v: T) => void): void {
    this.link((this.chain ?? Promise.resolve()).then(() => values).then(write));
  }

  /** Resolves once every held operation has reached the queue. */
  settled(): Promise<void> {
    return this.chain ?? Promise.resolve();
  }

  private link(p: Promise<void>): void {
    const l = p.catch((e) => {
      this.failure ??= e;
    });
    this.chain = l;
    void l.then(() => {
      if (this.chain === l) this.chain = undefined;
    });
  }
}
