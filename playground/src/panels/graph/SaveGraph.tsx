// The Graph panel's "Save graph": downloads the graph shown as wgflow graph JSON (what `await g.save()` writes,
// the data it was fed baked in as constants), to load with wg.Graph.fromJSON or run with `npx wgflow run`.
import { useState } from 'react';
import type { RunView } from '../../App';
import { downloadJSON } from '../common';
import type { GraphSaver } from '../types';

const GONE = 'A run keeps its graphs until the next run starts: run the snippet in Graph mode again to save this one.';

export function SaveGraph({ run, index, saver, onNotice }: { run: RunView; index: number; saver?: GraphSaver; onNotice(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const save = run.result?.saves?.[index];
  const plan = save && 'plan' in save ? save.plan : undefined;
  const why = !save || !saver ? 'This graph cannot be saved from here.' : 'reason' in save ? save.reason : !saver.holds(run) ? GONE : undefined;
  const file = `wgflow-graph-${index + 1}.json`;
  const click = async () => {
    if (plan === undefined || !saver) return;
    setBusy(true);
    try {
      downloadJSON(file, await saver.save(run, plan));
    } catch (e) {
      onNotice(`Could not save the graph: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  // A disabled button shows no tooltip in every browser: its wrapper carries the reason.
  return (
    <span className="gv-save" title={why ?? `Download ${file}: this graph with the data it was fed (run it with \`npx wgflow run ${file}\`)`}>
      <button className="gv-btn" onClick={() => void click()} disabled={why !== undefined || busy} data-testid="save-graph" aria-label="Save graph">
        {busy ? 'Saving…' : '⤓ Save graph'}
      </button>
    </span>
  );
}
