// The Output panel: what the snippet printed (console and wg.print, tensors NumPy-style), the images it
// showed (canvas()), its errors with a link to the line, and a summary of the run (mode, time, kernels,
// submissions, memory).
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { RunView } from '../App';
import type { OutputLine, OutputLog, ShownImage } from '../runner/output_log';
import { fmtBytes } from './format';
import { TrainView } from './TrainChart';
import './output.css';

export type { OutputLine, ShownImage } from '../runner/output_log';

/** The text of an image line: its label and size, or its state. */
export function imageText(im: ShownImage): string {
  if (im.pixels) return `image "${im.label}" ${im.pixels.width}×${im.pixels.height}`;
  return `image "${im.label}" ${im.error ? `not shown: ${im.error}` : '(drawing…)'}`;
}

/** Displayed at an integer scale (crisp pixels) up to about 192 px, never wider than the pane. */
const DISPLAY = 192;

function Picture({ image }: { image: ShownImage }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const px = image.pixels;
  // Fully transparent: nothing was drawn (a toPixels that was not awaited, or one that failed).
  const blank = useMemo(() => {
    if (!px) return false;
    for (let i = 3; i < px.data.length; i += 4) if (px.data[i] !== 0) return false;
    return true;
  }, [px]);
  useEffect(() => {
    const c = ref.current;
    if (!c || !px) return;
    c.width = px.width;
    c.height = px.height;
    c.getContext('2d')?.putImageData(px, 0, 0);
  }, [px]);
  if (!px)
    return (
      <div className={`line image ${image.error ? 'error' : 'system'}`} data-testid="output-image" data-label={image.label} data-state={image.error ? 'error' : 'pending'}>
        {imageText(image)}
      </div>
    );
  const { width: w, height: h } = px;
  const scale = Math.max(1, Math.floor(DISPLAY / Math.max(w, h)));
  return (
    <figure
      className="line image"
      data-testid="output-image"
      data-label={image.label}
      data-width={w}
      data-height={h}
      data-state="shown"
      style={{ width: Math.max(w * scale, 128) }}
    >
      <canvas
        ref={ref}
        width={w}
        height={h}
        style={{ width: w * scale, aspectRatio: `${w} / ${h}` }}
        role="img"
        aria-label={`${image.label}, ${w}×${h}`}
        title={scale > 1 ? `${w}×${h} pixels, shown ×${scale}` : `${w}×${h} pixels`}
      />
      <figcaption>
        <b>{image.label}</b> <span className="dim">·</span> {w}×{h}
        {blank && (
          <span className="warn" title="fully transparent: a toPixels that failed or was not awaited draws nothing">
            {' '}
            · blank: nothing was drawn on it
          </span>
        )}
      </figcaption>
    </figure>
  );
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
          {(r.record!.profile.omittedKernels || r.record!.omittedTrace) && (
            <span className="dim" data-testid="profile-bounded" title="a run's profile and trace keep their first 100,000 entries (engine/core/profile.ts MAX_PROFILED)">
              profiled: the first {count(r.record!.profile.kernels.length)} kernels and {count(r.record!.trace.length)} ops
            </span>
          )}
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

/** On screen, a line shows at most this many characters or text lines until "show all" is pressed. */
export const SCREEN_CHARS = 2000;
export const SCREEN_LINES = 40;

/** Where a long text is cut on screen: after SCREEN_CHARS characters or SCREEN_LINES lines; undefined if it fits. */
export function screenCut(text: string): number | undefined {
  let at = Math.min(text.length, SCREEN_CHARS);
  let nl = -1;
  for (let i = 0; i < SCREEN_LINES; i++) {
    nl = text.indexOf('\n', nl + 1);
    if (nl < 0 || nl >= at) break;
    if (i === SCREEN_LINES - 1) at = nl;
  }
  return at < text.length ? at : undefined;
}

const count = (n: number) => n.toLocaleString('en-US');

/** One text line: cut when long, with a control that shows all of it (as the frame sent it). */
const TextRow = memo(function TextRow({ line: l, onJump }: { line: OutputLine; onJump?: (line: number, column: number) => void }) {
  const [all, setAll] = useState(false);
  const at = all ? undefined : screenCut(l.text);
  // The frame cuts a line past 256 Ki characters (runner/frame.js LINE_CHARS); `length` is what was printed.
  const cutByFrame = l.length !== undefined && l.length > l.text.length;
  return (
    <div className={`line ${l.level}`} data-seq={l.seq}>
      {at === undefined ? l.text : l.text.slice(0, at)}
      {at !== undefined && (
        <button className="link more" onClick={() => setAll(true)} data-testid="show-all" title="show the whole line">
          … show all ({count(l.length ?? l.text.length)} characters)
        </button>
      )}
      {at === undefined && cutByFrame && (
        <span className="dim" data-testid="line-cut">
          {' '}
          … (cut: {count(l.length!)} characters were printed; the first {count(l.text.length)} are kept)
        </span>
      )}
      {l.line !== undefined && (
        <button className="link" onClick={() => onJump?.(l.line!, l.column ?? 1)} data-testid="error-location">
          line {l.line}
          {l.column !== undefined ? `:${l.column}` : ''}
        </button>
      )}
    </div>
  );
});

/**
 * The output lines. The list is bounded (runner/output_log.ts: the first and last 1000 lines and a marker), each
 * line is cut on screen, and rows off screen are skipped by the browser (CSS content-visibility), so it renders
 * fast at any output size; rows keep their keys (`seq`) as the tail slides, so a new batch renders only itself.
 */
export function OutputLines({ lines, onJump, onDownload }: { lines: OutputLine[]; onJump?: (line: number, column: number) => void; onDownload?: () => void }) {
  return (
    <pre className="output" data-testid="output">
      {lines.map((l) =>
        l.image ? (
          <Picture key={l.seq} image={l.image} />
        ) : l.level === 'omitted' ? (
          <div key="omitted" className="line omitted" data-testid="output-omitted">
            {l.text}
            {onDownload && (
              <button className="link" onClick={onDownload} data-testid="output-download-marker">
                download the whole output
              </button>
            )}
          </div>
        ) : (
          <TextRow key={l.seq} line={l} onJump={onJump} />
        ),
      )}
    </pre>
  );
}

/** Saves the run's output (as the page kept it: runner/output_log.ts) as a text file. */
function download(log: OutputLog, mode: string): void {
  const url = URL.createObjectURL(new Blob([log.text()], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `wgflow-output-${mode}.txt`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function OutputPanel({ run, runs = {}, onJump }: { run: RunView | undefined; runs?: { eager?: RunView; graph?: RunView }; onJump(line: number, column: number): void }) {
  if (!run) return <p className="hint">Press Run (Ctrl+Enter) to run the snippet. Its output shows here.</p>;
  const save = () => download(run.log, run.mode);
  return (
    <div className="output-panel">
      <RunSummary run={run} />
      {run.points.length > 0 && <TrainView run={run} runs={runs} />}
      {run.log.count > 0 && (
        <div className="output-tools">
          <span className="dim" data-testid="output-count">
            {count(run.log.count)} line{run.log.count === 1 ? '' : 's'}
          </span>
          <button className="link" onClick={save} data-testid="output-download">
            Download output
          </button>
        </div>
      )}
      <OutputLines lines={run.lines} onJump={onJump} onDownload={save} />
      {run.state === 'running' && <div className="hint">running…</div>}
      {run.state === 'done' && run.log.count === 0 && <div className="hint">The snippet printed nothing.</div>}
    </div>
  );
}
