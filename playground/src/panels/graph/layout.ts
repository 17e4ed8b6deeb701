// The main-thread side of graph layout: one worker (created on first use, so elkjs loads only when the
// graph panel lays something out), one request at a time; cancel() terminates the worker mid-layout.
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { LayoutMessage, LayoutReply } from './layout.worker';

export class LayoutCancelled extends Error {
  constructor() {
    super('layout cancelled');
    this.name = 'LayoutCancelled';
  }
}

export class Layouter {
  private worker: Worker | undefined;
  private next = 1;
  private pending: { id: number; resolve(r: { graph: ElkNode; ms: number }): void; reject(e: Error): void } | undefined;

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'graph-layout' });
    w.onmessage = (e: MessageEvent<LayoutReply>) => {
      const p = this.pending;
      if (!p || e.data.id !== p.id) return;
      this.pending = undefined;
      if ('error' in e.data) p.reject(new Error(e.data.error));
      else p.resolve({ graph: e.data.graph, ms: e.data.ms });
    };
    w.onerror = (e) => {
      const p = this.pending;
      this.pending = undefined;
      this.drop();
      p?.reject(new Error(e.message || 'the layout worker failed'));
    };
    this.worker = w;
    return w;
  }

  /** Lays out a graph; a layout still running is cancelled first (its promise rejects with LayoutCancelled). */
  layout(graph: ElkNode): Promise<{ graph: ElkNode; ms: number }> {
    if (this.pending) this.cancel();
    const id = this.next++;
    const w = this.spawn();
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      w.postMessage({ id, graph } satisfies LayoutMessage);
    });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Stops the running layout by terminating the worker; the next layout starts a fresh one. */
  cancel(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) this.drop();
    p?.reject(new LayoutCancelled());
  }

  private drop(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  dispose(): void {
    this.cancel();
    this.drop();
  }
}
