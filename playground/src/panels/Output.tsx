// The Output panel: what the snippet printed (console and wg.print, tensors NumPy-style), its errors with
// a link to the line, and a summary of the run (mode, time, kernels, submissions, memory).
import type { RunView } from '../App';
import { fmtBytes } from './format';

export interface OutputLine {
  level: string;
  text: string;
  line?: number;
  column?: number;
}


export function RunSummary({ run }: { run: RunView }) {
  const r = run.result;
  const t = r?.record?.profile.totals;
  const mem = r?.memory?.atEnd;
  if (!r || r.stopped) return null;
  return (
    <div className="summary" data-testid={`summary-${run.mode}`}>
      <span>
        <b>{run.mode}</b>
      </span>
      <span>{r.ms.toFixed(1)} ms</span>
      {t && (
        <>
          <span data-testid="kernels">{t.dispatches} kernels</span>
          <span>{t.submissions} submissions</span>
          <span>{t.pipelinesCompiled} pipelines compiled</span>
          {t.gpuMs !== undefined && <span>GPU {t.gpuMs.toFixed(2)} ms</span>}
        </>
      )}
      {mem && (
        <span title="live at the end of the snippet (before its scope was freed)">
          {mem.tensors} tensors · {fmtBytes(mem.bytesInUse)} live
        </span>
      )}
    </div>
  );
}

export function OutputLines({ lines, onJump }: { lines: OutputLine[]; onJump?: (line: number, column: number) => void }) {
  return (
    <pre className="output" data-testid="output">
      {lines.map((l, i) => (
        <div key={i} className={`line ${l.level}`}>
          {l.text}
          {l.line !== undefined && (
            <button className="link" onClick={() => onJump?.(l.line!, l.column ?? 1)} data-testid="error-location">
              line {l.line}
              {l.column !== undefined ? `:${l.column}` : ''}
            </button>
          )}
        </div>
      ))}
    </pre>
  );
}

export function OutputPanel({ run, onJump }: { run: RunView | undefined; onJump(line: number, column: number): void }) {
  if (!run) return <p className="hint">Press Run (Ctrl+Enter) to run the snippet. Its output shows here.</p>;
  return (
    <div className="output-panel">
      <RunSummary run={run} />
      <OutputLines lines={run.lines} onJump={onJump} />
      {run.state === 'running' && <div className="hint">running…</div>}
      {run.state === 'done' && run.lines.length === 0 && <div className="hint">The snippet printed nothing.</div>}
    </div>
  );
}
