// Compare: the same snippet run eagerly and as graphs, outputs side by side. The outputs must agree: lines
// are compared number by number with a tolerance (images pixel by pixel), and differing lines are highlighted. The engine's own lines
// (device placement logs: per op eagerly, per node in graph mode) are shown but not compared.
import type { RunView } from '../App';
import { OutputLines, RunSummary, type OutputLine } from './Output';

const NUM = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|nan|-?inf/gi;

/** Do two printed lines say the same thing (numbers equal within 1e-4 relative, 1e-5 absolute)? */
export function sameLine(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.replace(NUM, '#') !== b.replace(NUM, '#')) return false;
  const xs = a.match(NUM) ?? [];
  const ys = b.match(NUM) ?? [];
  return xs.every((x, i) => {
    const u = Number(x.replace(/^(-?)inf$/i, '$1Infinity').replace(/^nan$/i, 'NaN'));
    const v = Number(ys[i].replace(/^(-?)inf$/i, '$1Infinity').replace(/^nan$/i, 'NaN'));
    if (Number.isNaN(u) || Number.isNaN(v)) return Number.isNaN(u) && Number.isNaN(v);
    return u === v || Math.abs(u - v) <= 1e-5 + 1e-4 * Math.abs(v);
  });
}

/** Do two shown images agree (same size, every byte within 2: float rounding may move a pixel by one step)? */
export function samePixels(a: ImageData, b: ImageData): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  for (let i = 0; i < a.data.length; i++) if (Math.abs(a.data[i] - b.data[i]) > 2) return false;
  return true;
}

/** Two output lines agree: the same text (numbers within tolerance) and, for images, the same pixels. */
const sameOutput = (a: OutputLine, b: OutputLine) =>
  sameLine(a.text, b.text) && (!a.image?.pixels || !b.image?.pixels || samePixels(a.image.pixels, b.image.pixels));

export function ComparePanel({ eager, graph }: { eager: RunView | undefined; graph: RunView | undefined }) {
  if (!eager && !graph) return <p className="hint">Compare runs the snippet in both modes and shows the outputs side by side.</p>;
  const e = eager?.lines.filter((l) => l.level !== 'system') ?? [];
  const g = graph?.lines.filter((l) => l.level !== 'system') ?? [];
  const printed = (ls: typeof e) => ls.filter((l) => l.level !== 'engine');
  const pe = printed(e);
  const pg = printed(g);
  const n = Math.max(pe.length, pg.length);
  const differs = Array.from({ length: n }, (_, i) => !(pe[i] && pg[i] && sameOutput(pe[i], pg[i])));
  const both = eager?.state === 'done' && graph?.state === 'done';
  const mismatches = differs.filter(Boolean).length;
  /** Marks the printed lines that differ (by their place among printed lines). */
  const mark = (ls: typeof e) => {
    let i = 0;
    return ls.map((l) => (l.level === 'engine' ? l : { ...l, level: differs[i++] && both ? `${l.level} differs` : l.level }));
  };
  const te = eager?.result?.ms;
  const tg = graph?.result?.ms;
  return (
    <div className="compare" data-testid="compare">
      {both && (
        <div className={`verdict ${mismatches ? 'bad' : 'good'}`} data-testid="verdict">
          {mismatches ? `${mismatches} line${mismatches > 1 ? 's' : ''} differ` : 'Outputs agree'}
          {te !== undefined && tg !== undefined && ` · graph ${(te / tg).toFixed(2)}× the speed of eager`}
        </div>
      )}
      <div className="columns">
        {([['eager', eager, e], ['graph', graph, g]] as const).map(([name, run, lines]) => (
          <section key={name} data-testid={`compare-${name}`}>
            <h3>{name === 'eager' ? 'Eager' : 'Graph'}</h3>
            {run ? <RunSummary run={run} /> : <p className="hint">not run yet</p>}
            <OutputLines lines={mark(lines)} />
          </section>
        ))}
      </div>
    </div>
  );
}
