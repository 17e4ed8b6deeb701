// The Graph panel: the graph of the last run (graph mode: the plan before/after optimisation; eager mode: the
// trace of the ops executed). This shell is all the app bundle holds; the view, its styles and the ELK layout
// worker load when the panel first opens.
import { lazy, Suspense } from 'react';
import type { PanelProps } from '../types';

const GraphView = lazy(() => import('./GraphView').then((m) => ({ default: m.GraphView })));

export function GraphPanel(props: PanelProps) {
  return (
    <Suspense fallback={<p className="hint" data-testid="graph-loading">Loading the graph view…</p>}>
      <GraphView {...props} />
    </Suspense>
  );
}
