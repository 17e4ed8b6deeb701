// The Output panel: what the snippet printed (console and wg.print, tensors NumPy-style), the images it
// showed (canvas()), its errors with a link to the line, and a summary of the run (mode, time, kernels,
// submissions, memory).
import { useEffect, useMemo, useRef } from 'react';
import type { RunView } from '../App';
import { fmtBytes } from './format';
import './output.css';

/** An image the snippet showed: its label, then its pixels (or why there are none) once the snippet ended. */
export interface ShownImage {
  id: number;
  label: string;
  pixels?: ImageData;
  error?: string;
}

export interface OutputLine {
  level: string;
  text: string;
  line?: number;
  column?: number;
  /** An image line (level 'image'); `text` says the same in words (Compare pairs lines by it). */
  image?: ShownImage;
}

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
      {lines.map((l, i) =>
        l.image ? (
          <Picture key={i} image={l.image} />
        ) : (
        <div key={i} className={`line ${l.level}`}>
          {l.text}
          {l.line !== undefined && (
            <button className="link" onClick={() => onJump?.(l.line!, l.column ?? 1)} data-testid="error-location">
              line {l.line}
              {l.column !== undefined ? `:${l.column}` : ''}
            </button>
          )}
        </div>
        ),
      )}
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
