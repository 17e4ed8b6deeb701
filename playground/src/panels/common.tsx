// Pieces the analysis panels share: choosing which mode's last run to show, links to snippet lines, headline
// figures, kernel-kind and device tags, a ticking clock, and downloading JSON.
import { useEffect, useState, type ReactNode } from 'react';
import type { RunView } from '../App';
import type { Mode } from '../runner/host';
import type * as WG from '../../../engine/index';
import { gradLabel, gradsOf, inSnippet } from './format';
import type { PanelProps } from './types';
import './panels.css';

/**
 * The run a panel shows: the current run by default, or the other mode's last run when the user picks it
 * (a new run resets the choice to that run).
 */
export function useChosenRun(props: PanelProps): [RunView | undefined, Mode | undefined, (m: Mode) => void] {
  const [picked, setPicked] = useState<Mode | undefined>();
  const startedAt = props.run?.startedAt;
  useEffect(() => setPicked(undefined), [startedAt]);
  const mode = picked ?? props.run?.mode;
  const run = mode ? (props.runs[mode] ?? props.run) : props.run;
  return [run, run?.mode, setPicked];
}

/** Eager | Graph switch between the last run of each mode (a mode never run is disabled). */
export function RunPicker({ runs, value, onPick }: { runs: PanelProps['runs']; value: Mode | undefined; onPick(m: Mode): void }) {
  return (
    <div className="pp-seg" role="radiogroup" aria-label="Which run to show">
      {(['eager', 'graph'] as const).map((m) => (
        <button
          key={m}
          type="button"
          role="radio"
          aria-checked={value === m}
          className={value === m ? 'on' : ''}
          disabled={!runs[m]}
          onClick={() => onPick(m)}
          title={runs[m] ? `Show the last ${m} run` : `No ${m} run yet`}
        >
          {m === 'eager' ? 'Eager run' : 'Graph run'}
        </button>
      ))}
    </div>
  );
}

/**
 * What a backward kernel differentiates: "∇ matMul (line 7)" per forward op (the first `max`, then +N), each a link
 * to the forward op's line. Nothing for forward kernels.
 */
export function GradTags({ sources, onJump, max = 2 }: { sources: readonly WG.ProfileSource[]; onJump(line: number, column: number): void; max?: number }) {
  const grads = gradsOf(sources);
  if (grads.length === 0) return null;
  const rest = grads.slice(max);
  return (
    <span className="pp-grads" data-testid="grad-of">
      {grads.slice(0, max).map((g, i) =>
        inSnippet(g) ? (
          <button
            key={i}
            type="button"
            className="pp-grad"
            onClick={(e) => {
              e.stopPropagation();
              onJump(g.line, g.column ?? 1);
            }}
            title={`A gradient kernel: part of the backward pass of ${g.op}${g.node ? ` %${g.node}` : ''} at line ${g.line}. Click: go to that line`}
          >
            {gradLabel(g)}
          </button>
        ) : (
          <span key={i} className="pp-grad" title={`A gradient kernel: part of the backward pass of ${g.op}${g.node ? ` %${g.node}` : ''}`}>
            {gradLabel(g)}
          </span>
        ),
      )}
      {rest.length > 0 && (
        <span className="dim" title={rest.map(gradLabel).join(', ')}>
          +{rest.length}
        </span>
      )}
    </span>
  );
}

/** Snippet lines as links that move the editor there ("5, 7, 9 +3"). */
export function LineLinks({
  lines,
  onJump,
  max = 3,
  columns = false,
}: {
  lines: { line: number; column: number }[];
  onJump(line: number, column: number): void;
  max?: number;
  /** Show line:column (tells apart several calls of one op on a line). */
  columns?: boolean;
}) {
  if (lines.length === 0) return <span className="dim">—</span>;
  const shown = lines.slice(0, max);
  const rest = lines.length - shown.length;
  return (
    <span className="pp-lines">
      {shown.map((l) => (
        <button key={l.line} type="button" className="pp-line" onClick={() => onJump(l.line, l.column)} title={`Go to line ${l.line}, column ${l.column}`}>
          {l.line}
          {columns && <span className="dim">:{l.column}</span>}
        </button>
      ))}
      {rest > 0 && (
        <span className="dim" title={lines.slice(max).map((l) => `line ${l.line}`).join(', ')}>
          +{rest}
        </span>
      )}
    </span>
  );
}

/** One headline figure: a label, a value, and an optional second line. */
export function Stat({ label, value, sub, title, testId, tone }: { label: string; value: ReactNode; sub?: ReactNode; title?: string; testId?: string; tone?: 'good' | 'bad' }) {
  return (
    <div className={`pp-stat ${tone ?? ''}`} title={title} data-testid={testId}>
      <div className="pp-stat-label">{label}</div>
      <div className="pp-stat-value">{value}</div>
      {sub !== undefined && <div className="pp-stat-sub">{sub}</div>}
    </div>
  );
}

/** A kernel family as a short tag ("ew", "reduc", "matmu"), coloured by kind. */
export function KindTag({ kind }: { kind: string }) {
  return <span className={`pp-kind ${kind}`}>{kind === 'elementwise' ? 'ew' : kind.slice(0, 5)}</span>;
}

/** performance.now(), refreshed every 100 ms while `active` (an elapsed-time readout). */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/** Where a row ran ('webgpu', 'cpu') or where a transfer copied ('webgpu → cpu', 'host → webgpu'). */
export function DeviceTag({ route }: { route: string | undefined }) {
  if (!route) return <span className="dim">—</span>;
  const copy = route.includes('→');
  const cls = copy ? (route.includes('host') ? 'host' : 'copy') : route.includes('/') ? 'mixed' : route;
  return (
    <span className={`pp-dev ${cls}`} data-testid="device-tag" title={copy ? `a transfer: ${route}` : `ran on ${route}`}>
      {route.replace(/ → /g, '→')}
    </span>
  );
}

/** Downloads a value as a pretty-printed JSON file. */
export function downloadJSON(filename: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by the next tick; revoke later so slow browsers still read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What a panel says when the chosen run has nothing to show yet. */
export function NoRecord({ run, what }: { run: RunView | undefined; what: string }) {
  if (!run) return <p className="hint">Run the snippet (▶ Run or Ctrl+Enter) to see {what}.</p>;
  if (run.state === 'running') return <p className="hint">Running… {what} appear when the run ends.</p>;
  if (run.state === 'stopped') return <p className="hint">The run was stopped before it finished: no {what}.</p>;
  return (
    <p className="hint">
      This {run.mode} run {run.state === 'failed' ? 'failed' : 'ended'} without a run record, so there are no {what}.
      {run.state === 'failed' ? ' Fix the error shown in Output and run again.' : ''}
    </p>
  );
}
