// The graph panel's layout worker: runs ELK's layered algorithm off the main thread, one request at a
// time. Cancelling a layout terminates this worker (ELK cannot be interrupted), so it holds no state.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';

export interface LayoutMessage {
  id: number;
  graph: ElkNode;
}
export type LayoutReply = { id: number; graph: ElkNode; ms: number } | { id: number; error: string };

// elkjs runs its engine in-thread here (no nested worker). Its bundle also installs a message handler on
// `self` when it finds itself in a worker; the assignment below replaces it.
const elk = new ELK();

self.onmessage = async (e: MessageEvent<LayoutMessage>) => {
  const { id, graph } = e.data;
  const t0 = performance.now();
  let reply: LayoutReply;
  try {
    const out = await elk.layout(graph);
    reply = { id, graph: out, ms: performance.now() - t0 };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  (self as unknown as Worker).postMessage(reply);
};
