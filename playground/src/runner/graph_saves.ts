// Which graphs of a run record the Graph panel can save: graph mode's frame keeps the first graph of each
// distinct plan its readbacks computed (withMode's onGraph), and this pairs them with record.graphs.
import type { KeptPlans, RunRecord } from './validate';

/** Graph i of a record: the frame's plan to save, or why it cannot be saved from the panel. */
export type GraphSave = { plan: number } | { reason: string };

const BUILT =
  'This graph was built by the snippet (a wg.Session or wg.function runs it), not computed by Graph mode: ' +
  'save it in the snippet with `await g.save()`.';
const UNPAIRED =
  'The graphs of this run could not be paired with those it kept (a withMode block inside the snippet, or a ' +
  'plan compiled again for another device): save it in the snippet with `await g.save()`.';

/**
 * Pairs record.graphs with the frame's plans. The record lists each compiled plan once (when it first ran,
 * with its run count); the frame lists each plan structure once (in the order first computed, with its
 * readback count). Only when the withMode plans and the frame's agree one to one (count, order, runs and
 * every node's op) is the pairing sound; otherwise none of them is offered.
 */
export function graphSaves(graphs: RunRecord['graphs'], kept: KeptPlans | undefined): GraphSave[] {
  const own = graphs.flatMap((g, i) => (g.entry === 'withMode' ? [i] : []));
  const paired =
    kept !== undefined &&
    kept.complete &&
    own.length === kept.plans.length &&
    own.every((gi, k) => {
      const g = graphs[gi];
      const p = kept.plans[k];
      return (g.runs ?? 1) === p.runs && (!p.kept || g.nodes.every((n) => p.ops[n.id] === n.op));
    });
  return graphs.map((g, i): GraphSave => {
    if (g.entry !== 'withMode') return { reason: BUILT };
    if (!kept) return { reason: 'Only graph-mode runs keep their graphs for saving: run the snippet in Graph mode.' };
    if (!paired) return { reason: UNPAIRED };
    const plan = own.indexOf(i);
    return kept.plans[plan].kept ? { plan } : { reason: 'A run keeps its first 16 graphs for saving: this one came later.' };
  });
}
